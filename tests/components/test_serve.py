"""``arblab serve``: the embedded analytics server comes up with the app and goes down with it."""

from __future__ import annotations

import base64
import http.client
import json
import os
import signal
import socket
import time

from components.serve import _origins, real_urls
from tests._process import alive
from tests.support.browser import ServedApp


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
    wildcard = _origins("0.0.0.0", 80)
    assert "*" not in wildcard and "localhost:80" in wildcard
    assert f"{socket.gethostname()}:80" in wildcard
    assert _origins("0.0.0.0", 80, ["lab.example.org:80"]) == ["lab.example.org:80"]
    assert "10.1.2.3:5006" in _origins("10.1.2.3", 5006)
    assert real_urls("10.1.2.3", 5006) == ["http://10.1.2.3:5006/"]
    assert "http://127.0.0.1:5006/" in real_urls("0.0.0.0", 5006)


def _ws_handshake(port: int, origin: str) -> tuple[int, str]:
    """Status and body of a websocket upgrade of /ws carrying ``origin``."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(
            "GET",
            "/ws",
            headers={
                "Upgrade": "websocket",
                "Connection": "Upgrade",
                "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode(),
                "Sec-WebSocket-Version": "13",
                "Origin": origin,
            },
        )
        response = conn.getresponse()
        return response.status, response.read(2000).decode(errors="replace")
    finally:
        conn.close()


def test_a_wildcard_bind_warns_with_the_real_url_and_refuses_foreign_origins():
    with ServedApp(grpc="none", extra_args=("--address", "0.0.0.0")) as app:
        status, body = _ws_handshake(app.port, "http://evil.example.com")
        assert status == 403 and "Cross origin" in body
        status, body = _ws_handshake(app.port, f"http://localhost:{app.port}")
        assert "Cross origin" not in body
        log = app.log()
        assert "reachable from other machines" in log and "0.0.0.0" in log
        assert f"http://127.0.0.1:{app.port}/" in log
        assert "serving on http://" in log and f"bound to 0.0.0.0:{app.port}" in log


def _state(app: ServedApp) -> dict:
    return json.loads(app.state_path.read_text())


def _wait_state(app: ServedApp, predicate, timeout: float = 60.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = _state(app)
        if predicate(state):
            return state
        time.sleep(0.1)
    raise AssertionError(f"state not reached within {timeout:g} s: {_state(app)}\n{app.log()}")


def test_a_killed_embedded_server_is_reaped_and_restarted_and_the_restart_signal_works():
    from lab.backends import get_backend

    with ServedApp(grpc="embedded") as app:
        first = app.state["grpc_pid"]
        address = app.state["grpc_address"]
        os.kill(first, signal.SIGKILL)
        # within 60 s (a restart imports numba and NumPy in a new process; the machine is shared)
        state = _wait_state(app, lambda s: s["grpc_pid"] not in (None, first))
        state = _wait_state(app, lambda s: s["grpc_state"] == "running")
        assert not os.path.exists(f"/proc/{first}"), "the killed server is a zombie"
        assert alive(state["grpc_pid"]) and state["grpc_restarts"] == 1
        assert state["grpc_address"] == address
        backend = get_backend("grpc", address=address)
        try:
            assert backend.available, backend.status
        finally:
            backend.close()
        # the documented stop/restart signals
        second = state["grpc_pid"]
        app.stop_grpc()
        _wait_state(app, lambda s: s["grpc_state"] == "stopped")
        assert _wait_dead(second)
        app.start_grpc()
        state = _wait_state(app, lambda s: s["grpc_state"] == "running" and s["grpc_pid"])
        assert state["grpc_pid"] not in (first, second) and alive(state["grpc_pid"])
        assert app.stop() == 0
    assert not alive(state["grpc_pid"])
