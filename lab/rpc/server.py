"""The ArbLab analytics server: ``arblab server`` and the embedded server of ``arblab serve``.

It serves the native engine (:mod:`lab.analytics.native`) over the ``arblab.v1.Analytics`` service
(``proto/arblab/v1/analytics.proto``) plus the standard gRPC health service and server
reflection.

Security and limits
-------------------
* It binds 127.0.0.1 by default and refuses any non-loopback address unless a bearer token
  (``--token-env VAR``) or TLS (``--tls-cert``/``--tls-key``) is configured.
* With a token, every call except the health check must carry ``authorization: Bearer
  <token>``; otherwise it is answered ``UNAUTHENTICATED``.
* Messages are limited to the dataset-cache cap plus 4 MiB on receipt (the largest unary
  upload that could be stored) and :data:`MAX_MESSAGE_BYTES` on sending.
* Uploaded datasets live in an LRU cache with a memory cap (``--cache-mb``).

Behaviour
---------
* Invalid requests get ``INVALID_ARGUMENT`` naming the field; the server keeps serving.
* A call whose deadline passed before it started is not run; ``pair_scan`` and ``sweep`` run in
  chunks and stop at the next chunk boundary when the caller cancels or its deadline passes.
* SIGTERM/SIGINT stop it gracefully: the health status turns NOT_SERVING, new calls are
  refused, and calls in flight get :data:`GRACE_SECONDS` to finish.
* At ``--log-level DEBUG`` it logs one line per request (method, function, peer, status,
  milliseconds).

Embedded use: :func:`lab.rpc.embedded.start_embedded` runs ``python -m lab.rpc.server`` in a
child process that exits with its parent, and waits until the health service reports SERVING.

The server's parts: :mod:`lab.rpc.service` (the RPCs), :mod:`lab.rpc.handlers` (request
parsing), :mod:`lab.rpc.auth` (tokens), :mod:`lab.rpc.serving` (settings, binding, startup
tuning) and :mod:`lab.rpc.options` (the command line); this module builds and runs them.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent import futures

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from lab.rpc import limits, workers
from lab.rpc.auth import BearerTokenInterceptor
from lab.rpc.cache import DatasetCache, ResponseCache, split_budget
from lab.rpc.handlers import (
    SERVICE_NAME,
    UnknownMethodHandler,
    add_decoding_in_handler,
    method_handlers,
)
from lab.rpc.options import add_server_arguments
from lab.rpc.service import ENGINE, RESPONSE_CACHE_BYTES, AnalyticsServicer
from lab.rpc.serving import (
    GRACE_SECONDS,
    READY_PREFIX,
    SERVER_OPTIONS,
    ServerConfig,
    bind_address,
    config_from_args,
    tune_malloc,
)
from lab.rpc.wire import SERVER_LOG

log = logging.getLogger(SERVER_LOG)


class AnalyticsServer:
    """A configured, bound gRPC server (not yet started)."""

    def __init__(self, config: ServerConfig) -> None:
        config.validate()
        self.config = config
        interceptors = [BearerTokenInterceptor(config.token)] if config.token else []
        options = [*SERVER_OPTIONS, ("grpc.max_receive_message_length", config.max_receive_bytes)]
        caps = config.caps()
        # one thread for every call admission control can admit, plus control threads that
        # stay free for health, Info and quick refusals (lab.rpc.limits)
        self.server = grpc.server(
            futures.ThreadPoolExecutor(max_workers=caps.threads, thread_name_prefix="arblab-rpc"),
            interceptors=interceptors,
            options=options,
            maximum_concurrent_rpcs=caps.threads,
        )
        dataset_bytes, response_bytes = split_budget(config.cache_bytes, RESPONSE_CACHE_BYTES)
        self.cache = DatasetCache(dataset_bytes)
        self.admission = limits.Admission(caps)
        self.pool = workers.WorkerPool(config.workers) if config.isolation == "process" else None
        self.servicer = AnalyticsServicer(
            self.cache,
            config.workers,
            auth=bool(config.token),
            tls=config.tls,
            max_message_bytes=config.max_receive_bytes,
            admission=self.admission,
            pool=self.pool,
            responses=ResponseCache(response_bytes),
        )
        handlers = method_handlers(self.servicer)
        self.server.add_generic_rpc_handlers(
            (grpc.method_handlers_generic_handler(SERVICE_NAME, handlers),)
        )
        self.server.add_registered_method_handlers(SERVICE_NAME, handlers)
        self.health = health.HealthServicer(
            experimental_non_blocking=True,
            experimental_thread_pool=futures.ThreadPoolExecutor(max_workers=1),
        )
        # health and reflection requests are parsed inside their handlers too
        add_decoding_in_handler(
            self.server, lambda s: health_pb2_grpc.add_HealthServicer_to_server(self.health, s)
        )
        add_decoding_in_handler(
            self.server,
            lambda s: reflection.enable_server_reflection(
                (SERVICE_NAME, health.SERVICE_NAME, reflection.SERVICE_NAME), s
            ),
        )
        self.server.add_generic_rpc_handlers((UnknownMethodHandler(),))
        address = bind_address(config.host, config.port)
        try:
            if config.tls:
                creds = grpc.ssl_server_credentials(((config.tls_key, config.tls_cert),))
                port = self.server.add_secure_port(address, creds)
            else:
                port = self.server.add_insecure_port(address)
        except RuntimeError as exc:
            raise OSError(f"cannot bind {address}: {exc}") from None
        if port == 0:
            raise OSError(f"cannot bind {address} (address in use or not available)")
        self.port = port
        self.address = bind_address(config.host, port)
        self._stopped = threading.Event()

    def start(self) -> None:
        """Start serving and report SERVING on the health service."""
        self.server.start()
        for service in ("", SERVICE_NAME):
            self.health.set(service, health_pb2.HealthCheckResponse.SERVING)

    def stop(self, grace: float = GRACE_SECONDS) -> threading.Event:
        """Stop gracefully: NOT_SERVING, refuse new calls, give calls in flight ``grace`` s."""
        if not self._stopped.is_set():
            self._stopped.set()
            self.health.enter_graceful_shutdown()
            self.admission.close()
            if self.pool is not None:
                # calls still running after the grace period are stopped with their workers
                timer = threading.Timer(grace, self.pool.close)
                timer.daemon = True
                timer.start()
        return self.server.stop(grace)

    def wait(self) -> None:
        self.server.wait_for_termination()


def _watch_parent(parent_pid: int, on_gone: Callable[[], None], interval: float = 0.5) -> None:
    def loop() -> None:
        while os.getppid() == parent_pid:
            time.sleep(interval)
        log.info("parent process %d is gone; shutting down", parent_pid)
        on_gone()

    threading.Thread(target=loop, name="arblab-parent-watch", daemon=True).start()


def run(args: argparse.Namespace) -> int:
    """``arblab server``: serve until SIGTERM/SIGINT (or the parent exits, when embedded)."""
    level = getattr(logging, str(args.log_level).upper(), None)
    if not isinstance(level, int):
        print(f"arblab server: unknown --log-level {args.log_level!r}", file=sys.stderr)
        return 2
    # the requested level applies to ArbLab's loggers; libraries (numba...) stay at INFO or above
    logging.basicConfig(
        level=max(level, logging.INFO), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("lab").setLevel(level)
    tune_malloc()
    try:
        config = config_from_args(args)
        server = AnalyticsServer(config)
    except (ValueError, OSError) as exc:
        print(f"arblab server: {exc}", file=sys.stderr)
        return 2
    done = threading.Event()

    def shutdown(reason: str) -> None:
        if not done.is_set():
            done.set()
            log.info("%s: stopping (grace %.0f s)", reason, GRACE_SECONDS)
            server.stop()

    signal.signal(signal.SIGTERM, lambda signum, frame: shutdown("SIGTERM"))
    signal.signal(signal.SIGINT, lambda signum, frame: shutdown("SIGINT"))
    parent_pid = getattr(args, "parent_pid", None)
    if parent_pid:
        _watch_parent(parent_pid, lambda: shutdown("parent exited"))
    for warning in config.warnings():
        log.warning("%s", warning)
    server.start()
    description = (
        f"pid {os.getpid()}, {config.workers} workers, {ENGINE} engine, cache "
        f"{config.cache_mb:g} MiB, auth {'on' if config.token else 'off'}, "
        f"tls {'on' if config.tls else 'off'}"
    )
    print(f"{READY_PREFIX}{server.address} ({description})", flush=True)
    log.info("serving %s on %s (%s)", SERVICE_NAME, server.address, description)
    if parent_pid:
        # the embedding parent reads exactly one line; later output goes to stderr
        os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    server.wait()
    if server.pool is not None:
        server.pool.close()
    log.info("stopped")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m lab.rpc.server``: the ``arblab server`` options plus ``--parent-pid``."""
    parser = add_server_arguments(
        argparse.ArgumentParser(
            prog="python -m lab.rpc.server", description=__doc__.split("\n\n")[0]
        )
    )
    parser.add_argument("--parent-pid", type=int, default=None, help="exit with this process")
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
