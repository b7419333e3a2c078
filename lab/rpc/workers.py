"""Worker processes that run the analytics for the server, so a runaway call can be stopped.

A numba kernel or a SciPy solver cannot be interrupted from another thread, and while it holds
the GIL the server cannot even run its signal handlers. The server therefore runs every
analytics call in a worker process: the handler thread sends ``(function, args, kwargs)`` over
a pipe and waits for the answer, checking every :data:`POLL_SECONDS` whether its caller is
still there. When the caller cancels or its deadline passes, or the server stops, the worker
is killed (SIGKILL) and replaced on the next call, so the work stops within about
:data:`POLL_SECONDS` (tests/rpc/test_hardening_work.py measures it).

Workers are forked from a ``forkserver`` (a clean process: forking the server itself, with
gRPC's threads, is unsafe) and import the engine when they start. The forkserver preloads
nothing: with a preload list, multiprocessing also re-runs the embedding program's main script
in it. Each worker limits BLAS to one thread (like the server) and dies with the server
(``PR_SET_PDEATHSIG``).
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import signal
import threading
from collections.abc import Callable
from typing import Any

from lab.rpc.limits import CallerGone

POLL_SECONDS = 0.05
"""How often a waiting handler checks that its caller is still there."""


class WorkerDied(Exception):
    """The worker process ended without answering (e.g. killed by the kernel's OOM killer)."""


class _Unpicklable(Exception):
    """Stands for an exception whose type cannot travel back from the worker."""


def _die_with_parent() -> None:
    with contextlib.suppress(OSError, AttributeError):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None).prctl(pr_set_pdeathsig, signal.SIGKILL)


def _serve(conn: Any, engine_name: str) -> None:
    """Worker main loop: answer ``(function, args, kwargs)`` with ``("ok", result)`` or an error."""
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    import importlib

    from lab.threads import configure_blas_threads

    configure_blas_threads()
    engine = importlib.import_module(engine_name)
    while True:
        try:
            function, args, kwargs = conn.recv()
        except (EOFError, OSError):
            return
        try:
            answer: tuple[str, Any] = ("ok", getattr(engine, function)(*args, **kwargs))
        except BaseException as exc:  # every failure goes back to the handler to be mapped
            answer = ("error", exc)
        try:
            conn.send(answer)
        except (BrokenPipeError, EOFError, ConnectionError):
            return  # the server closed the pipe (caller gone or shutting down)
        except Exception as exc:  # an exception or result that does not pickle
            try:
                conn.send(("error", _Unpicklable(f"{type(answer[1]).__name__}: {exc}")))
            except OSError:
                return


class _Worker:
    def __init__(self, context: Any, engine_name: str) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(
            target=_serve, args=(child, engine_name), name="arblab-worker", daemon=True
        )
        self.process.start()
        child.close()

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
        self.process.join(2.0)
        with contextlib.suppress(Exception):
            self.conn.close()


class WorkerPool:
    """Up to ``size`` worker processes, started on demand and reused.

    Parameters
    ----------
    size : int
        Most workers alive at once (the server's ``--workers``).
    engine_name : str
        Module whose functions the workers run.
    """

    def __init__(self, size: int, engine_name: str = "lab.analytics.native") -> None:
        self.size = size
        self.engine_name = engine_name
        self._context = multiprocessing.get_context("forkserver")
        self._idle: list[_Worker] = []
        self._busy: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.killed = 0

    def _acquire(self) -> _Worker:
        with self._lock:
            if self._closed:
                raise CallerGone()
            while self._idle:
                worker = self._idle.pop()
                if worker.process.is_alive():
                    self._busy.add(worker)
                    return worker
                worker.kill()
        worker = _Worker(self._context, self.engine_name)
        with self._lock:
            self._busy.add(worker)
        return worker

    def _release(self, worker: _Worker, healthy: bool) -> None:
        with self._lock:
            self._busy.discard(worker)
            keep = healthy and not self._closed and len(self._idle) < self.size
            if keep:
                self._idle.append(worker)
        if not keep:
            worker.kill()

    def run(self, function: str, args: tuple, kwargs: dict, active: Callable[[], bool]) -> Any:
        """Run ``function`` in a worker; kill it as soon as ``active()`` turns False.

        Raises
        ------
        CallerGone
            The caller went away (or the pool closed) before the answer; the worker was killed.
        WorkerDied
            The worker ended without answering.
        """
        worker = self._acquire()
        healthy = False
        try:
            worker.conn.send((function, args, kwargs))
            while not worker.conn.poll(POLL_SECONDS):
                if self._closed or not active():
                    self.killed += 1
                    raise CallerGone()
                if not worker.process.is_alive():
                    raise WorkerDied(
                        f"the worker process ended with status {worker.process.exitcode} "
                        "(out of memory?)"
                    )
            try:
                status, value = worker.conn.recv()
            except (EOFError, OSError):
                if self._closed:
                    raise CallerGone() from None
                raise WorkerDied("the worker process ended without answering") from None
            healthy = True
        finally:
            self._release(worker, healthy)
        if status == "error":
            raise value
        return value

    def pids(self) -> list[int]:
        """Process ids of the live workers (idle and busy)."""
        with self._lock:
            workers = [*self._idle, *self._busy]
        return [w.process.pid for w in workers if w.process.is_alive()]

    def close(self) -> None:
        """Kill every worker now (calls waiting on them get CallerGone); idempotent."""
        with self._lock:
            self._closed = True
            workers = [*self._idle, *self._busy]
            self._idle.clear()
        for worker in workers:
            worker.kill()
