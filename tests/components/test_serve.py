"""``arblab serve``: the embedded analytics server comes up with the app and goes down with it."""

from __future__ import annotations

import time

from components.serve import _origins
from lab.bench.ui import ServedApp
from tests._process import alive


def _wait_dead(pid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.1)
    return False


def test_serve_starts_and_stops_its_embedded_server():
    app = ServedApp(grpc="embedded")
    try:
        state = app.state
        assert state["pid"] == app.process.pid and state["grpc_embedded"] is True
        assert state["grpc_address"].startswith("127.0.0.1:") and alive(state["grpc_pid"])
        app.stop_grpc()  # SIGUSR1: the embedded server stops, the app keeps serving
        assert _wait_dead(state["grpc_pid"])
        assert app.process.poll() is None
        assert app.stop() == 0
    finally:
        app.close()
    assert not alive(state["grpc_pid"])


def test_serve_without_grpc_starts_no_server():
    with ServedApp(grpc="none") as app:
        assert app.state["grpc_address"] is None and app.state["grpc_pid"] is None


def test_websocket_origins():
    assert _origins("127.0.0.1", 5006) == ["127.0.0.1:5006", "localhost:5006"]
    assert _origins("0.0.0.0", 80) == ["*"]
