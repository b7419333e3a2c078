"""The OU-optimal spread bands in Chromium: one click switches the Mean reversion page to
Bertram's bands in price units, and the page shows their backtest (numbers, plots, the
spread-unit inputs) without a page error."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.ui


def test_ou_optimal_spread_bands_show_their_backtest(served, open_page):
    from lab.bench.ui import PAGE_INDEX, PairPage

    page, console = open_page(f"{served.url}?page={PAGE_INDEX['Mean reversion']}")
    pp = PairPage(page)
    pp.wait_ready()
    table = page.locator(".arb-metrics-pane [data-lookback]").first
    assert table.get_attribute("data-band-units") == "z"
    page.locator(".bk-btn", has_text="Use OU-optimal spread bands (max return)").first.click()
    page.locator('.arb-metrics-pane [data-band-units="spread"]').first.wait_for(timeout=60_000)
    table = page.locator(".arb-metrics-pane [data-lookback]").first
    entry, exit_ = (
        float(table.get_attribute("data-entry-z")),
        float(table.get_attribute("data-exit-z")),
    )
    assert entry > 0 and exit_ == -entry  # Bertram: enter at one band, exit at the other
    # the price-unit inputs are shown, holding the band; the z sliders are hidden
    level = page.locator(".arb-entry-level input").first
    level.wait_for(state="visible", timeout=30_000)
    assert float(level.input_value()) == pytest.approx(entry, rel=1e-5)
    metrics = pp.metrics()
    assert re.fullmatch(r"[0-9,]+", metrics["n_trades:in"]) and int(metrics["n_trades:in"]) > 0
    assert re.search(r"\d", metrics["sharpe:out"])
    assert page.locator(".arb-refused").first.is_hidden()
    assert page.locator(".arb-page-pair canvas").count() >= 5
    assert [e for e in console.errors if e.startswith("pageerror")] == []
