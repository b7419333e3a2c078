"""The ArbLab analytics service over gRPC.

* :mod:`lab.rpc.server` - ``arblab server`` and :func:`~lab.rpc.server.start_embedded` (the
  server in a child process used by ``arblab serve``, the tests and the benchmarks).
* :mod:`lab.rpc.client` - :class:`~lab.rpc.client.AnalyticsClient`, the channel under
  :class:`lab.backends.grpc.GrpcBackend`.
* :mod:`lab.rpc.codec` - NumPy / pandas / dataclass values to wire messages and back.
* :mod:`lab.rpc.cache` - the server's content-addressed LRU dataset cache.
* :mod:`lab.rpc.chunks` - how ``pair_scan`` and ``sweep`` are split for progress and
  cancellation.
* :mod:`lab.rpc.codegen` - ``python -m lab.rpc.codegen`` regenerates the request messages of
  ``proto/arblab/v1/analytics.proto`` from :data:`lab.analytics.FUNCTIONS` and the stubs in
  :mod:`lab.rpc._gen` (committed; a test fails when they are stale).
"""
