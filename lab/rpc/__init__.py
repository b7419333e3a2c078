"""The ArbLab analytics service over gRPC.

Server side (``arblab server``):

* :mod:`lab.rpc.server` - the entry point (``arblab server``, ``python -m lab.rpc.server``) and
  :class:`~lab.rpc.server.AnalyticsServer`, the configured, bound gRPC server.
* :mod:`lab.rpc.service` - :class:`~lab.rpc.service.AnalyticsServicer`, the RPCs.
* :mod:`lab.rpc.handlers` - method handlers that parse their requests themselves; unknown
  methods.
* :mod:`lab.rpc.auth` - the bearer-token interceptor and the token strength rule.
* :mod:`lab.rpc.serving` - settings and their checks, binding rules, server options, startup
  tuning.
* :mod:`lab.rpc.options` - the ``arblab server`` command-line options (used by :mod:`lab.cli`).
* :mod:`lab.rpc.limits`, :mod:`lab.rpc.workers` - admission control; worker processes.
* :mod:`lab.rpc.cache` - the server's content-addressed LRU dataset cache.
* :mod:`lab.rpc.embedded` - :func:`~lab.rpc.embedded.start_embedded`, the server in a child
  process (``arblab serve``, the tests and the benchmarks); :mod:`lab.rpc.supervisor`
  restarts it.

Client side and both ends:

* :mod:`lab.rpc.client` - :class:`~lab.rpc.client.AnalyticsClient`, the channel under
  :class:`lab.backends.grpc.GrpcBackend` (the backends build on this package; this package never
  imports :mod:`lab.backends`).
* :mod:`lab.rpc.schema` - result and argument dataclasses as protobuf messages, derived from
  their annotations (what codegen writes).
* :mod:`lab.rpc.messages` - the one encoder (server: dataclass -> typed message) and decoder
  (client: typed message -> the registry's result class, by function name).
* :mod:`lab.rpc.codec` - request arguments (``Value``) and uploaded datasets (refs, hashes).
* :mod:`lab.rpc.arrays` - NumPy arrays (``NDArray``) and pandas objects (``Frame``).
* :mod:`lab.rpc.wire` - the default address, message size limit and metadata keys.
* :mod:`lab.rpc.codegen` - ``python -m lab.rpc.codegen`` regenerates the RPCs, request,
  response and dataclass messages of ``proto/arblab/v1/analytics.proto`` from
  :data:`lab.analytics.registry.REGISTRY` and the stubs in :mod:`lab.rpc._gen` (committed; a
  test fails when they are stale).

The wire has one path: typed messages generated from the result dataclasses, chosen over Arrow
IPC because server reflection then gives any client (grpcurl, Go, Rust) the full schema of every
result field by field, arrays stay ``NDArray``/``Frame`` that any language reads, and the
registry names each analytic's result type, so the set is closed by construction and no type
name is ever resolved from the wire. There is no generic ``Call`` and no stale-stub fallback.
"""
