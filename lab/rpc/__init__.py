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
* :mod:`lab.rpc.codec` - NumPy / pandas / dataclass values to wire messages and back.
* :mod:`lab.rpc.wire` - the default address, message size limit and metadata keys.
* :mod:`lab.rpc.codegen` - ``python -m lab.rpc.codegen`` regenerates the request messages of
  ``proto/arblab/v1/analytics.proto`` from :data:`lab.analytics.FUNCTIONS` and the stubs in
  :mod:`lab.rpc._gen` (committed; a test fails when they are stale).
"""
