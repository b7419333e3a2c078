"""The analytics server in a child process: ``arblab serve``, the tests and the benchmarks.

:func:`start_embedded` runs ``python -m lab.rpc.server`` in a child process that exits with its
parent, and waits until the health service reports SERVING. :mod:`lab.rpc.supervisor` restarts
it when it dies.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import select
import subprocess
import sys
import threading
import time
from typing import Any

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from lab.rpc.handlers import SERVICE_NAME
from lab.rpc.serving import GRACE_SECONDS, READY_PREFIX, bind_address
from lab.rpc.wire import DEFAULT_HOST

EMBEDDED_TOKEN_ENV = "ARBLAB_EMBEDDED_TOKEN"
"""Environment variable that passes the embedded server's bearer token to the child."""

_LIVE: set[subprocess.Popen] = set()
_LIVE_LOCK = threading.Lock()


def _stop_process(proc: subprocess.Popen, timeout: float = GRACE_SECONDS + 5.0) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            proc.wait()
    with _LIVE_LOCK:
        _LIVE.discard(proc)


@atexit.register
def _stop_all_embedded() -> None:
    with _LIVE_LOCK:
        procs = list(_LIVE)
    for proc in procs:
        _stop_process(proc)


class EmbeddedServer:
    """An analytics server in a child process (``python -m lab.rpc.server``).

    The child runs the analytics outside the caller's GIL, exits when the caller's process
    exits or dies (it watches its parent's pid), and is stopped at interpreter exit.

    Parameters
    ----------
    port : int
        Port on 127.0.0.1; 0 picks a free one.
    workers, cache_mb
        As for ``arblab server``.
    token : str, optional
        Bearer token the server requires (passed through the environment, not argv).
    startup_timeout : float
        Seconds to wait for the server to report SERVING.
    log_level : str
        Logging level of the child (its log goes to this process's stderr).
    """

    def __init__(
        self,
        port: int = 0,
        workers: int = 4,
        cache_mb: float = 512.0,
        token: str | None = None,
        *,
        startup_timeout: float = 120.0,
        log_level: str = "WARNING",
    ) -> None:
        self.host = DEFAULT_HOST
        self.workers = workers
        self.cache_mb = cache_mb
        self.token = token
        self.startup_timeout = startup_timeout
        self.log_level = log_level
        self.port = port
        self._proc: subprocess.Popen | None = None
        self._start(port)

    @property
    def address(self) -> str:
        """``127.0.0.1:PORT`` of the running server."""
        return bind_address(self.host, self.port)

    @property
    def pid(self) -> int | None:
        return None if self._proc is None else self._proc.pid

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def _start(self, port: int) -> None:
        env = dict(os.environ)
        command = [
            sys.executable,
            "-m",
            "lab.rpc.server",
            "--host",
            self.host,
            "--port",
            str(port),
            "--workers",
            str(self.workers),
            "--cache-mb",
            str(self.cache_mb),
            "--log-level",
            self.log_level,
            "--parent-pid",
            str(os.getpid()),
        ]
        if self.token:
            env[EMBEDDED_TOKEN_ENV] = self.token
            command += ["--token-env", EMBEDDED_TOKEN_ENV]
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, env=env, start_new_session=True)
        with _LIVE_LOCK:
            _LIVE.add(proc)
        self._proc = proc
        try:
            line = self._read_ready_line(proc)
            match = re.match(re.escape(READY_PREFIX) + r"(\S+)", line)
            if match is None:
                raise RuntimeError(f"unexpected first line from the analytics server: {line!r}")
            self.port = int(match.group(1).rsplit(":", 1)[1])
            self._wait_serving()
        except BaseException:
            _stop_process(proc)
            self._proc = None
            raise
        finally:
            if proc.stdout is not None:
                proc.stdout.close()

    def _read_ready_line(self, proc: subprocess.Popen) -> str:
        deadline = time.monotonic() + self.startup_timeout
        buffer = b""
        fd = proc.stdout.fileno()
        while b"\n" not in buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(
                    f"the analytics server did not start within {self.startup_timeout:g} s"
                )
            ready, _, _ = select.select([fd], [], [], min(remaining, 0.5))
            if ready:
                data = os.read(fd, 4096)
                if not data:
                    code = proc.wait()
                    raise RuntimeError(
                        f"the analytics server exited with status {code} before serving"
                    )
                buffer += data
        return buffer.split(b"\n", 1)[0].decode(errors="replace")

    def _wait_serving(self) -> None:
        with grpc.insecure_channel(self.address) as channel:
            stub = health_pb2_grpc.HealthStub(channel)
            response = stub.Check(
                health_pb2.HealthCheckRequest(service=SERVICE_NAME),
                timeout=self.startup_timeout,
                wait_for_ready=True,
            )
        if response.status != health_pb2.HealthCheckResponse.SERVING:
            raise RuntimeError(f"the analytics server reports {response.status} instead of SERVING")

    def stop(self) -> None:
        """Stop the server gracefully (SIGTERM, then SIGKILL after a timeout); idempotent."""
        if self._proc is not None:
            _stop_process(self._proc)
            self._proc = None

    def restart(self) -> None:
        """Stop the server and start a new one on the same port."""
        self.stop()
        self._start(self.port)

    def __enter__(self) -> EmbeddedServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = f"pid {self.pid}" if self.running else "stopped"
        return f"<EmbeddedServer {self.address} ({state})>"


def start_embedded(
    port: int = 0,
    workers: int = 4,
    cache_mb: float = 512.0,
    token: str | None = None,
    **options: Any,
) -> EmbeddedServer:
    """Start an analytics server in a child process on 127.0.0.1 and wait until it serves.

    Parameters
    ----------
    port : int
        Port; 0 picks a free one (read it from ``.address``).
    workers : int
        Server worker threads.
    cache_mb : float
        Dataset cache cap in MiB.
    token : str, optional
        Bearer token to require.
    **options
        ``startup_timeout`` and ``log_level`` of :class:`EmbeddedServer`.

    Returns
    -------
    EmbeddedServer
        With ``.address`` (``"127.0.0.1:PORT"``), ``.stop()`` and ``.restart()``; a context
        manager that stops the server on exit.
    """
    return EmbeddedServer(port, workers, cache_mb, token, **options)
