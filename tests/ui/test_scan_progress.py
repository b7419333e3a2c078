"""A long pair scan shows its progress and stops on Stop within one chunk; Retry runs it again
(issue 16, item 2: long work shows progress with a cancel button)."""

from __future__ import annotations

import pytest

from lab.bench.ui import PAGE_INDEX

pytestmark = pytest.mark.ui

ENGINE_JS = """() => { const e = window.__arbDeep('[data-metric=engine]');
                       return e ? e.textContent.trim() : null }"""
MESSAGE_JS = """() => { const e = window.__arbDeep('.arb-work-text');
                        return e ? e.textContent.trim() : '' }"""
VISIBLE_JS = """cls => { const e = window.__arbDeep(cls);
                         return !!e && e.getBoundingClientRect().width > 0 }"""


def _message(page) -> str:
    return page.evaluate(MESSAGE_JS)


def test_a_reference_scan_shows_progress_stops_and_retries(served, open_page):
    page, console = open_page(f"{served.url}?page={PAGE_INDEX['Pairs']}")
    page.wait_for_function(f"() => ({ENGINE_JS})() === 'native'", timeout=120_000)
    assert not page.evaluate(VISIBLE_JS, ".arb-work")  # a fast native scan shows no progress
    page.locator(".arb-backend-select button", has_text="reference").first.click()
    # the statsmodels scan of the 190 bundled pairs reports each finished chunk
    page.wait_for_function(
        f"() => /Scanning pairs: [1-9][0-9]* of 190 pairs/.test(({MESSAGE_JS})())",
        timeout=120_000,
    )
    page.locator(".arb-work-stop button").first.click()
    page.wait_for_function(
        f"() => ({MESSAGE_JS})().includes('stopped by the user')", timeout=60_000
    )
    stopped = _message(page)
    assert "of 190 pairs" in stopped and "Retry" in stopped, stopped
    page.wait_for_function(VISIBLE_JS, arg=".arb-work-retry", timeout=10_000)
    page.wait_for_function(f"cls => !({VISIBLE_JS})(cls)", arg=".arb-work-stop", timeout=10_000)
    page.wait_for_timeout(3000)  # stopped for good: nothing starts the scan again by itself
    assert "stopped by the user" in _message(page)
    # Retry runs the scan again; back on native it completes and the progress line goes away
    page.locator(".arb-work-retry button").first.click()
    page.wait_for_function(f"() => ({MESSAGE_JS})().startsWith('Scanning pairs')", timeout=60_000)
    page.locator(".arb-work-stop button").first.click()
    page.wait_for_function(
        f"() => ({MESSAGE_JS})().includes('stopped by the user')", timeout=60_000
    )
    page.locator(".arb-backend-select button", has_text="native").first.click()
    page.wait_for_function(f"() => ({ENGINE_JS})() === 'native'", timeout=120_000)
    page.wait_for_function(f"cls => !({VISIBLE_JS})(cls)", arg=".arb-work", timeout=30_000)
    assert console.errors == []
