"""The embedded analytics server is reaped and restarted with bounded backoff after a crash."""

from __future__ import annotations

import os
import signal
import time

import numpy as np
import pytest

from lab.backends import get_backend
from lab.models.backend import BackendModel
from lab.rpc import supervisor as sup
from lab.rpc.supervisor import SupervisedServer, backoff_delay, note_for
from tests._process import alive

RECOVERY_S = 30.0
"""Stated bound: after ``kill -9`` the grpc backend runs calls on the server again within this
time (the restart itself takes a few seconds: the new process imports numba and NumPy)."""


def _reaped(pid: int) -> bool:
    """No process table entry at all: neither running nor a zombie."""
    return not os.path.exists(f"/proc/{pid}")


def test_backoff_doubles_and_is_bounded():
    assert [backoff_delay(n) for n in range(1, 7)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    assert backoff_delay(10_000) == sup.BACKOFF_MAX_S
    with pytest.raises(ValueError, match="attempt"):
        backoff_delay(0)
    with pytest.raises(ValueError, match="base_s"):
        SupervisedServer(base_s=2.0, max_s=1.0)


class _Fake:
    """A stand-in server process: ``die()`` is a crash."""

    pids = iter(range(10_000, 20_000))

    def __init__(self, port: int) -> None:
        self.port = port or 4242
        self.pid = next(self.pids)
        self.running = True

    def die(self) -> None:
        self.running = False

    def stop(self) -> None:
        self.running = False


def _wait(predicate, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return False


def test_failed_restarts_back_off_then_give_up_and_a_restart_request_starts_again():
    fails = {"left": 3}
    starts: list[float] = []
    notes: list[str | None] = []

    def factory(port: int) -> _Fake:
        starts.append(time.monotonic())
        if len(starts) > 1 and fails["left"] > 0:
            fails["left"] -= 1
            raise OSError("address in use")
        return _Fake(port)

    s = SupervisedServer(
        factory,
        base_s=0.05,
        max_s=0.2,
        max_attempts=3,
        poll_s=0.01,
        on_change=lambda x: notes.append(x.note),
    )
    with s:
        s.start()
        first = s.server
        assert s.state == "running" and note_for(s.address) is None
        first.die()
        # three failed attempts with delays 0.05, 0.1, 0.2 s, then it gives up
        assert _wait(lambda: s.state == "failed")
        assert s.attempt == 3 and "address in use" in s.note
        gaps = np.diff(starts[1:])
        assert np.all(gaps >= np.array([0.1, 0.2]) - 0.02)
        assert "restarting (attempt 1)" in notes and "restarting (attempt 3)" in notes
        assert note_for(s.address).startswith("failed after 3 restart attempts")
        # the documented restart (SIGUSR2 in arblab serve) tries again with a fresh budget
        fails["left"] = 0
        s.restart()
        assert _wait(lambda: s.state == "running")
        assert s.server is not first and s.port == first.port and s.restarts == 1
        # a stop on request is not undone by the supervisor
        s.stop()
        time.sleep(0.1)
        assert s.state == "stopped" and s.server is None
    assert note_for(s.address) is None


def test_kill_9_is_reaped_restarted_and_the_grpc_backend_returns(tmp_path):
    """kill -9 of the embedded server: no zombie, a new server on the same port, and the grpc
    backend (and a session's status light) back on grpc within :data:`RECOVERY_S`."""
    x = np.random.default_rng(0).standard_normal(8192).cumsum()  # 64 KiB: uploaded by ref
    notes: list[str | None] = []
    with SupervisedServer(on_change=lambda s: notes.append(s.note)) as s:
        address = s.start()
        backend = get_backend("grpc", address=address, reconnect_interval=0.2)
        model = BackendModel(backend="grpc", grpc_address=address)
        statuses: list[str] = []
        model.param.watch(lambda e: statuses.append(e.new), "status")
        try:
            expected = backend.adf(x)
            assert backend.last_engine == "grpc"
            old = s.pid
            os.kill(old, signal.SIGKILL)
            t0 = time.monotonic()
            back = False
            while time.monotonic() - t0 < RECOVERY_S:
                model.refresh()  # what the page's status poll does once a second
                result = backend.adf(x)
                if backend.last_engine == "grpc":
                    back = True
                    break
                time.sleep(0.2)
            elapsed = time.monotonic() - t0
            assert back, f"still on {backend.last_engine} after {RECOVERY_S:g} s: {backend.status}"
            assert result.pvalue == pytest.approx(expected.pvalue, abs=1e-12)
            assert _reaped(old), "the killed server was left as a zombie"
            assert s.pid != old and alive(s.pid) and s.address == address and s.restarts == 1
            model.refresh()
            assert model.level == "ok" and model.status.startswith(f"connected to {address}")
            assert any(n and n.startswith("restarting (attempt 1)") for n in notes)
            assert any("embedded server restarting (attempt 1)" in st for st in statuses)
            print(f"kill -9 -> grpc again in {elapsed:.1f} s")
        finally:
            backend.close()
            model.close()
        last = s.pid
    assert last is not None and _reaped(last)
