"""A shared link reopens the same view (issue 16): the Mean reversion page's pair and
strategy parameters follow the URL's query string, bad values are refused on the page, and
the page's trades download in Chromium."""

from __future__ import annotations

import re
import urllib.parse

import pandas as pd
import pytest
from playwright.sync_api import expect

from lab.bench.ui import PAGE_INDEX

pytestmark = pytest.mark.ui


def _download(page, css: str):
    """Click the download button ``.css`` as a user does; the browser's download."""
    button = page.locator(f".{css}").first
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=90_000) as info:
        button.locator("button").first.click()
    return info.value


def _query(page) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlparse(page.url).query))


def test_a_shared_url_opens_that_pair_and_lookback(served, open_page):
    index = PAGE_INDEX["Mean reversion"]
    page, console = open_page(f"{served.url}?page={index}&y=XOM&x=CVX&lookback=40")
    table = page.locator(".arb-metrics-pane [data-pair]").first
    table.wait_for(timeout=120_000)
    expect(table).to_have_attribute("data-pair", "XOM/CVX", timeout=90_000)
    expect(table).to_have_attribute("data-lookback", "40", timeout=30_000)
    # the URL holds the whole shared state, so copying it reopens this view
    expect(page).to_have_url(re.compile(r"[?&]entry_z="), timeout=30_000)
    query = _query(page)
    assert {k: query[k] for k in ("page", "y", "x", "lookback")} == {
        "page": str(index), "y": "XOM", "x": "CVX", "lookback": "40",
    }  # fmt: skip
    assert query["band_units"] == "z" and float(query["entry_z"]) == 2.0
    # the trades download holds the trades the page shows
    trades = page.locator(".arb-trades [data-trades]").first
    trades.wait_for(timeout=60_000)
    download = _download(page, "arb-export-trades-csv")
    assert download.suggested_filename == "arblab-trades-XOM-CVX.csv"
    frame = pd.read_csv(download.path(), parse_dates=["entry date", "exit date"])
    assert len(frame) == int(trades.get_attribute("data-trades"))
    # a later change (the swap button) follows the URL too
    page.locator(".arb-page-pair").get_by_role("button", name="⇅ swap").first.click()
    expect(table).to_have_attribute("data-pair", "CVX/XOM", timeout=60_000)
    expect(page).to_have_url(re.compile(r"[?&]y=CVX&x=XOM(&|$)"), timeout=30_000)
    assert [e for e in console.errors if e.startswith("pageerror")] == []


def test_bad_url_values_are_refused_on_the_page(served, open_page):
    index = PAGE_INDEX["Mean reversion"]
    page, console = open_page(f"{served.url}?page={index}&y=XOM&x=%3Cimg%20src%3Dx%3E&lookback=abc")
    message = page.locator(".arb-refused").get_by_text(re.compile("Shared link values refused"))
    expect(message.first).to_be_visible(timeout=120_000)
    text = message.first.inner_text()
    assert "not a symbol of the dataset" in text and "lookback = 'abc': not an integer" in text
    assert "<img src=x>" in text  # shown as text, escaped
    assert page.locator(".arb-refused img").count() == 0
    table = page.locator(".arb-metrics-pane [data-pair]").first
    table.wait_for(timeout=90_000)
    assert table.get_attribute("data-lookback") == "60"  # the page kept computing
    # the URL now holds the values in use, not the refused ones
    expect(page).to_have_url(re.compile(r"[?&]lookback=60(&|$)"), timeout=30_000)
    assert "img" not in _query(page).get("x", "")
    assert [e for e in console.errors if e.startswith("pageerror")] == []


def test_pairs_page_downloads_the_ranked_scan_as_parquet(served, open_page):
    page, console = open_page(f"{served.url}?page={PAGE_INDEX['Pairs']}")
    page.locator(".arb-page-pairs .arb-scan-heatmap canvas").first.wait_for(timeout=120_000)
    n_pairs = page.locator(".arb-page-pairs [data-metric='n_pairs']").first
    n_pairs.wait_for(timeout=60_000)
    download = _download(page, "arb-export-pair-scan-parquet")
    assert re.fullmatch(
        r"arblab-pair-scan-\d+-symbols-trend-c\.parquet", download.suggested_filename
    )
    frame = pd.read_parquet(download.path())
    n = int(download.suggested_filename.split("-")[3])
    assert len(frame) == n * (n - 1) // 2 and frame["rank"].tolist() == list(
        range(1, len(frame) + 1)
    )
    assert (frame["p-value"].diff().dropna() >= 0).all()
    assert int(n_pairs.inner_text().replace(",", "")) == len(frame)  # the pairs the page shows
    assert [e for e in console.errors if e.startswith("pageerror")] == []
