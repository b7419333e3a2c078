"""Headless Chromium and the served app for the browser tests (Debian's Chromium through
Playwright).

``playwright install`` is never used: the browser is ``/usr/bin/chromium``. Without it a test is
skipped with the reason, except on CI (``CI=true``), where it fails instead.

    from tests.support.browser import chromium

    def test_page():
        with chromium() as browser:
            page = browser.new_page()
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Iterator
from typing import Any

import pytest

from lab.bench import ui
from lab.bench.ui import CHROMIUM, CHROMIUM_ARGS, chromium_missing_reason, launch_chromium

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "ServedApp", "chromium", "launch", "require_chromium"]


class ServedApp(ui.ServedApp):
    """:class:`lab.bench.ui.ServedApp` with the test-only switches of its embedded analytics
    server (``arblab serve`` stops it on SIGUSR1 and starts it again on SIGUSR2)."""

    def stop_grpc(self) -> None:
        """Stop the embedded analytics server (SIGUSR1 to ``arblab serve``)."""
        os.kill(self.process.pid, signal.SIGUSR1)

    def start_grpc(self) -> None:
        """Start the embedded analytics server again on its port (SIGUSR2)."""
        os.kill(self.process.pid, signal.SIGUSR2)


def require_chromium() -> None:
    """Skip (fail on CI) when Debian's Chromium is not installed."""
    reason = chromium_missing_reason()
    if reason is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; CI must run the browser tests")
    pytest.skip(reason)


def launch(playwright: Any, **options: Any) -> Any:
    """Launch the browser from a running ``sync_playwright()`` (after :func:`require_chromium`)."""
    require_chromium()
    return launch_chromium(playwright, **options)


@contextlib.contextmanager
def chromium(**options: Any) -> Iterator[Any]:
    """A launched headless Chromium ``Browser``, closed on exit."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p, **options)
        try:
            yield browser
        finally:
            browser.close()
