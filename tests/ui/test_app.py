"""The lab served by ``arblab serve``, driven in headless Chromium (issue 5's browser tests)."""

from __future__ import annotations

import time

import pytest

from lab.bench.ui import PAGE_INDEX, PairPage

pytestmark = pytest.mark.ui

PLOTS = {
    "Data": ("arb-page-data", 3),
    "Pairs": ("arb-page-pairs", 1),
    "Mean reversion": ("arb-page-pair", 5),
    "Regimes": ("arb-page-regimes", 4),
    "Portfolio": ("arb-page-portfolio", 6),
    "Options": ("arb-page-options", 6),
    "Order book": ("arb-page-orderbook", 4),
    "Benchmark": ("arb-benchmark", 2),
}
"""Page -> (CSS class of the page, number of plots it draws)."""


def _pair_page(page) -> PairPage:
    pp = PairPage(page)
    pp.wait_ready()
    return pp


def _wait_canvases(page, css: str, count: int, timeout_s: float = 60.0) -> int:
    deadline = time.monotonic() + timeout_s
    found = 0
    while time.monotonic() < deadline:
        found = page.locator(f".{css} canvas").count()
        if found >= count:
            return found
        page.wait_for_timeout(250)
    return found


def test_every_page_renders_its_plots_without_console_errors(served, open_page):
    page, console = open_page(served.url)
    for name, (css, plots) in PLOTS.items():
        page.locator(".bk-tab", has_text=name).first.click()
        found = _wait_canvases(page, css, plots)
        assert found >= plots, f"{name}: {found} plot canvases, expected {plots}"
        alerts = page.locator(f".{css} .arb-error:visible")
        assert alerts.count() == 0, f"{name} shows an error: {alerts.first.inner_text()}"
    assert console.errors == []


def test_pages_built_on_first_visit_are_themed_like_the_rest(served, open_page):
    page, console = open_page(served.url)  # opens on the Data page
    page.locator(".bk-tab", has_text="Mean reversion").first.click()
    _pair_page(page)
    label = page.get_by_text("Lookback (days)").first
    rgb = label.evaluate("e => getComputedStyle(e).color.match(/\\d+/g).slice(0, 3).map(Number)")
    assert sum(rgb) / 3 > 150, f"slider label is unreadable on the dark page: rgb{tuple(rgb)}"
    assert console.errors == []


def test_moving_the_lookback_slider_changes_the_sharpe(served, open_page):
    page, console = open_page(f"{served.url}?page={PAGE_INDEX['Mean reversion']}")
    pp = _pair_page(page)
    lookback, sharpe = pp.lookback_shown(), pp.metric("sharpe:out")
    pp.drag_lookback(60)
    assert pp.wait_lookback_change(lookback) > lookback
    assert pp.metric("sharpe:out") != sharpe
    assert console.errors == []


def _status(page) -> tuple[str, str]:
    loc = page.locator(".arb-backend-status [data-level]").first
    return loc.get_attribute("data-level"), loc.inner_text()


def _wait_status(page, level: str, text: str, timeout_s: float) -> float:
    """Seconds until the status light shows ``level`` with ``text`` in its line."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout_s:
        shown_level, shown_text = _status(page)
        if shown_level == level and text in shown_text:
            return time.monotonic() - t0
        page.wait_for_timeout(50)
    raise AssertionError(
        f"status did not reach {level!r} / {text!r} within {timeout_s} s: {_status(page)}"
    )


def _wait_engine(page, engine: str, timeout_s: float = 30.0) -> None:
    page.locator(f'.arb-page-pair [data-engine="{engine}"]').first.wait_for(
        timeout=timeout_s * 1000
    )


def test_grpc_connects_matches_native_and_falls_back_visibly(served, open_page):
    page, console = open_page(f"{served.url}?page={PAGE_INDEX['Mean reversion']}")
    pp = _pair_page(page)
    _wait_engine(page, "native")
    native = pp.metrics()

    page.locator(".arb-backend-select").get_by_text("grpc", exact=True).click()
    _wait_status(page, "ok", "grpc: connected to 127.0.0.1:", 30)
    _wait_engine(page, "grpc")
    assert pp.metrics() == native

    try:
        served.stop_grpc()
        # the backend notices within 3 s (tests/backends/test_grpc_backend.py); the page polls
        # its status once a second, so the light may follow up to a poll later
        elapsed = _wait_status(page, "fallback", "running native", 5.0)
        assert elapsed <= 5.0
        assert "grpc: unavailable" in _status(page)[1]
        # the page keeps working, on the fallback engine, and says so
        lookback = pp.lookback_shown()
        pp.drag_lookback(-40)
        assert pp.wait_lookback_change(lookback) < lookback
        _wait_engine(page, "native (fallback)")
    finally:
        served.start_grpc()
    _wait_status(page, "ok", "connected", 30)
    assert console.errors == []


def test_two_sessions_keep_their_own_lookbacks(served, open_page):
    url = f"{served.url}?page={PAGE_INDEX['Mean reversion']}"
    a, console_a = open_page(url)
    b, console_b = open_page(url)
    pa, pb = _pair_page(a), _pair_page(b)
    start = pa.lookback_shown()
    assert pb.lookback_shown() == start
    pa.drag_lookback(70)
    la = pa.wait_lookback_change(start)
    pb.drag_lookback(-30)
    lb = pb.wait_lookback_change(start)
    assert la > start > lb
    b.wait_for_timeout(1000)
    assert pa.lookback_shown() == la and pb.lookback_shown() == lb
    assert pa.metric("sharpe:out") != pb.metric("sharpe:out")
    assert console_a.errors == [] and console_b.errors == []


def test_a_malformed_upload_shows_its_error(served, open_page, tmp_path):
    bad = tmp_path / "prices.csv"
    rows = "\n".join(
        f"2021-01-{d:02d},{100 + d},{'abc' if d == 7 else 50 + d}" for d in range(1, 29)
    )
    bad.write_text("date,AAA,BBB\n" + rows + "\n")
    page, console = open_page(served.url)
    page.locator(".arb-page-data canvas").first.wait_for(timeout=60_000)
    page.locator(".arb-page-data input[type=file]").first.set_input_files(str(bad))
    alert = page.locator(".arb-upload-error").first
    alert.wait_for(state="visible", timeout=30_000)
    text = alert.evaluate("el => (el.shadowRoot || el).textContent")
    assert "prices.csv" in text and "non-numeric value 'abc'" in text and "BBB" in text
    # the loaded prices are untouched
    assert "S&P 500" in page.locator(".arb-summary").first.inner_text()
    assert console.errors == []


def test_mean_reversion_shows_walk_forward_and_deflated_sharpe(served, open_page):
    page, console = open_page(f"{served.url}?page={PAGE_INDEX['Mean reversion']}")
    _pair_page(page)
    dsr = page.locator('.arb-walk-forward [data-wf="dsr"]').first
    dsr.wait_for(timeout=120_000)
    assert 0.0 <= float(dsr.inner_text()) <= 1.0
    assert page.get_by_text("Deflated Sharpe (16 trials)").first.is_visible()
    pbo = page.locator('.arb-walk-forward [data-wf="pbo"]').first.inner_text()
    assert 0.0 <= float(pbo) <= 1.0
    note = page.locator(".arb-sweep-dsr [data-trials]").first
    note.wait_for(timeout=120_000)
    assert note.get_attribute("data-trials") == "400"
    assert (note.get_attribute("data-warn") == "true") == (
        float(note.get_attribute("data-dsr")) < 0.95
    )
    assert page.locator(".arb-wf-equity canvas").count() >= 1
    page.locator(".bk-btn", has_text="single split").first.click()
    page.locator(".arb-walk-forward").first.wait_for(state="hidden", timeout=30_000)
    assert console.errors == []


def test_an_idle_lab_sends_nothing_to_the_browser(served, browser):
    """Once a page has drawn, an idle lab is silent: no header spinner blinking with the
    backend status poll (Panel counted its periodic callbacks as work), no other traffic."""
    from lab.bench.ui import VIEWPORT

    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        frames: list[str] = []
        page.on(
            "websocket",
            lambda ws: ws.on(
                "framereceived", lambda p: frames.append(p[:200] if isinstance(p, str) else "")
            ),
        )
        page.goto(served.url)
        page.locator(".arb-page-data canvas").first.wait_for(timeout=120_000)
        page.wait_for_timeout(5000)  # the first draws and the status settle
        before = len(frames)
        page.wait_for_timeout(5000)  # five status polls
        idle = [f for f in frames[before:] if f.startswith("{")]
        assert idle == [], f"{len(idle)} messages while idle, e.g. {idle[:3]}"
    finally:
        context.close()
