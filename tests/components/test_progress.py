"""The progress line of a chunked computation (headless)."""

from __future__ import annotations

import time

from components import progress
from components.progress import WorkProgress
from lab.models.work import Cancelled, Work


def _wait(condition, timeout: float = 5.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.01)


def test_a_short_computation_shows_nothing():
    work = Work()
    view = WorkProgress(work=work)
    work.start("pair_scan", 190, "pairs")
    work.advance(190)
    work.finish()
    time.sleep(progress.DELAY_S + 0.2)
    assert not view._layout.visible


def test_a_long_one_shows_progress_then_what_was_stopped_with_retry():
    work = Work()
    view = WorkProgress(work=work)
    work.start("pair_scan", 190, "pairs")
    _wait(lambda: view._layout.visible)
    assert ">Scanning pairs: 0 of 190 pairs<" in view._text.object
    assert view._stop.visible and not view._retry.visible
    work.advance(24)
    assert (view._bar.value, view._bar.max) == (24, 190)
    assert ">Scanning pairs: 24 of 190 pairs<" in view._text.object
    work.cancel()
    try:
        work.check()
    except Cancelled as exc:
        work.finish(exc, key="k")
    assert view._layout.visible and view._retry.visible and not view._stop.visible
    assert "stopped by the user after 24 of 190 pairs" in view._text.object
    work.retry()
    assert not view._layout.visible


def test_the_message_is_escaped():
    work = Work()
    view = WorkProgress(work=work)
    work.start("<img src=x onerror=alert(1)>", 3, "pairs")
    _wait(lambda: view._layout.visible)
    assert "<img" not in view._text.object and "&lt;img" in view._text.object
