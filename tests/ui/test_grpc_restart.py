"""kill -9 of the embedded analytics server, seen in the browser: the status light says it is
restarting, then connected, and the page runs on grpc again."""

from __future__ import annotations

import json
import os
import signal
import time

import pytest

from lab.bench.ui import DEEP_QUERY_JS, PAGE_INDEX, VIEWPORT
from tests.ui.conftest import Console
from tests.ui.test_app import _pair_page, _status, _wait_engine, _wait_status

pytestmark = pytest.mark.ui

RECOVERY_S = 60.0
"""Stated bound from kill -9 to "connected" in the page (a restart is a new Python process
importing numba; on the shared 2-core machine it took 10-20 s)."""


def test_a_killed_embedded_server_restarts_and_the_page_returns_to_grpc(served, browser):
    context = browser.new_context(viewport=VIEWPORT)
    try:
        _run(served, context)
    finally:
        context.close()


def _run(served, context) -> None:
    page = context.new_page()
    page.set_default_navigation_timeout(120_000)  # a first page build on a loaded machine
    page.add_init_script(DEEP_QUERY_JS)
    console = Console(page)
    page.goto(f"{served.url}?page={PAGE_INDEX['Mean reversion']}")
    pp = _pair_page(page)
    page.locator(".arb-backend-select").get_by_text("grpc", exact=True).click()
    _wait_status(page, "ok", "grpc: connected to 127.0.0.1:", 30)
    _wait_engine(page, "grpc", 90)
    old = json.loads(served.state_path.read_text())["grpc_pid"]
    os.kill(old, signal.SIGKILL)
    t0 = time.monotonic()
    _wait_status(page, "fallback", "restarting (attempt", 10)
    _wait_status(page, "ok", "connected", RECOVERY_S)
    elapsed = time.monotonic() - t0
    assert not os.path.exists(f"/proc/{old}"), "the killed server is a zombie"
    new = json.loads(served.state_path.read_text())["grpc_pid"]
    assert new != old and os.path.exists(f"/proc/{new}")
    # a recompute goes to the new server (its datasets uploaded again)
    lookback = pp.lookback_shown()
    pp.drag_lookback(30)
    assert pp.wait_lookback_change(lookback) != lookback
    _wait_engine(page, "grpc", 90)
    print(f"kill -9 -> connected in the page after {elapsed:.1f} s; {_status(page)}")
    assert console.errors == []
