"""``arblab serve`` gives closed sessions' memory back: the served process's resident size
after 40 sessions have opened and closed is within 10% of its size after the first one
(issue 16, item 9; about 16 MB per session stayed before).

Sessions are opened over the websocket with Bokeh's client (``pull_session``: the server runs
``create_app`` and builds the session's document as for a browser tab, with its first page)
and closed again; with ``--unused-session-lifetime 1000`` the server discards each about a second later and
:func:`components.memory.release_session` runs."""

from __future__ import annotations

import time

import pytest

from tests._process import rss_mib
from tests.support.browser import ServedApp

pytestmark = [
    pytest.mark.slow,
    # the goal of issue 16 item 9, not reached yet: +29% (3.4 MiB per session) measured on
    # 2026-12-02 after the spinner-registry leak was fixed (Param/Bokeh objects of closed
    # sessions: 0 left, tests/components/test_memory.py); strict, so reaching it is noticed
    pytest.mark.xfail(strict=True, reason="serve keeps ~3.4 MiB per closed session (goal 10%)"),
]

SESSIONS = 40
GOAL = 0.10
"""Most growth of the resident size after the sessions closed, as a fraction of the warm size."""


def _open_and_close(url: str) -> None:
    import panel.models  # noqa: F401  (the client must know Panel's Bokeh models)
    import panel.models.location  # noqa: F401
    from bokeh.client import pull_session

    session = pull_session(url=url, arguments={"page": "2"})
    session.close()


def _settled_rss(pid: int, wait_s: float = 8.0) -> float:
    """The resident size once the discarded sessions are released and collected."""
    time.sleep(wait_s)
    return rss_mib(pid)


def test_rss_returns_within_10_percent_after_40_sessions_close():
    app = ServedApp(grpc="none", num_threads=2, extra_args=("--unused-session-lifetime", "1000"))
    try:
        pid = app.state["pid"]
        idle = rss_mib(pid)
        _open_and_close(app.url)
        warm = _settled_rss(pid)
        for _ in range(SESSIONS):
            _open_and_close(app.url)
        after = _settled_rss(pid, wait_s=12.0)
        growth = (after - warm) / warm
        print(f"arblab serve RSS: idle {idle:.0f} MiB, after 1 session {warm:.0f} MiB, after "
              f"{SESSIONS} closed {after:.0f} MiB ({growth:+.1%}, "
              f"{(after - warm) / SESSIONS:.2f} MiB/session)")  # fmt: skip
        assert growth <= GOAL, f"RSS grew {growth:.1%} after {SESSIONS} sessions closed"
    finally:
        app.close()
