"""The Order book page fed live by the local exchange simulator, in headless Chromium."""

from __future__ import annotations

import re
import time

import pytest

pytestmark = pytest.mark.ui


def _wait_text(locator, pattern: str, timeout_s: float = 90.0) -> str:
    deadline = time.monotonic() + timeout_s
    text = ""
    while time.monotonic() < deadline:
        if locator.count():
            text = locator.first.inner_text()
            if re.search(pattern, text):
                return text
        time.sleep(0.25)
    raise AssertionError(f"{pattern!r} never appeared; last text: {text!r}")


def test_live_book_from_the_local_simulator_shows_book_and_status(served, open_page):
    page, console = open_page(served.url)
    page.locator(".bk-tab", has_text="Order book").first.click()
    root = page.locator(".arb-page-orderbook")
    root.locator(".arb-ob-source .bk-btn", has_text="live").first.click()
    page.locator(".arb-ob-toggle .bk-btn").first.click()  # start
    status = root.locator(".arb-ob-status-line")
    text = _wait_text(status, r"binance BTCUSDT.*connected · [\d,]+ msg/s")
    assert "(local)" in text and "gaps" in text
    # the ladder holds live levels on both sides
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        bids = root.locator(".arb-ladder tr[data-side='bid']").count()
        asks = root.locator(".arb-ladder tr[data-side='ask']").count()
        if bids and asks:
            break
        time.sleep(0.25)
    assert bids > 0 and asks > 0
    _wait_text(root.locator("[data-metric='ob_mid']"), r"^[\d,]+\.\d+$")
    _wait_text(root.locator("[data-metric='ob_spread']"), r"\d+\.\d+ bps")
    page.locator(".arb-ob-toggle .bk-btn").first.click()  # stop
    assert console.errors == []
