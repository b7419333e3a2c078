"""Hostile symbol names (HTML in CSV headers) show as text on every page and never run."""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.ui

IMG = "<img src=x onerror=window.__xss=1>"
BOLD = "<b onmouseover=window.__xss=2>B</b>"


def _hostile_csv(path):
    rng = np.random.default_rng(5)
    n = 300
    common = np.cumsum(rng.normal(0, 0.01, n))
    a = 100 * np.exp(common + rng.normal(0, 0.002, n))
    b = 50 * np.exp(common + rng.normal(0, 0.002, n))
    c = 80 * np.exp(np.cumsum(rng.normal(0, 0.01, n)))
    dates = np.datetime_as_string(np.arange("2020-01-01", n, dtype="datetime64[D]"))
    rows = [f"date,{IMG},{BOLD},CCC"] + [
        f"{d},{x:.4f},{y:.4f},{z:.4f}" for d, x, y, z in zip(dates, a, b, c, strict=True)
    ]
    path.write_text("\n".join(rows) + "\n")
    return path


DEEP_TEXT = """t => {
  const walk = r => {
    if (((r.body || r).textContent || '').includes(t)) return true;
    for (const e of r.querySelectorAll('*')) if (e.shadowRoot && walk(e.shadowRoot)) return true;
    return false;
  };
  return walk(document);
}"""
"""Whether the text ``t`` is shown anywhere on the page, shadow roots included."""


def _xss(page):
    return page.evaluate("() => window.__xss === undefined ? null : window.__xss")


def _open_with_hostile_upload(served, open_page, tmp_path):
    """A new session that uploads the hostile file on the Data page; ``(page, console)`` once
    the page shows the first hostile name."""
    page, console = open_page(served.url)
    page.locator(".arb-page-data canvas").first.wait_for(timeout=60_000)
    page.locator(".arb-page-data input[type=file]").first.set_input_files(
        str(_hostile_csv(tmp_path / "hostile.csv"))
    )
    page.wait_for_function(DEEP_TEXT, arg=IMG, timeout=120_000)
    return page, console


def test_html_symbol_names_never_run_on_the_data_page(served, open_page, tmp_path):
    # the page shows the hostile names as text (summary, symbol choice, statistics table)
    page, console = _open_with_hostile_upload(served, open_page, tmp_path)
    page.wait_for_function(DEEP_TEXT, arg=BOLD, timeout=120_000)
    page.mouse.move(400, 300)
    page.wait_for_timeout(2000)
    assert _xss(page) is None
    assert page.evaluate("() => window.__arbDeep('img[src=x]') === null")


def test_html_in_an_error_message_shows_as_text(served, open_page, tmp_path):
    bad = tmp_path / "dup.csv"
    rows = [f"date,{IMG},{IMG}"] + [f"2021-03-{d:02d},1,2" for d in range(1, 29)]
    bad.write_text("\n".join(rows) + "\n")
    page, console = open_page(served.url)
    page.locator(".arb-page-data canvas").first.wait_for(timeout=60_000)
    page.locator(".arb-page-data input[type=file]").first.set_input_files(str(bad))
    alert = page.locator(".arb-upload-error").first
    alert.wait_for(state="visible", timeout=30_000)
    text = alert.evaluate("el => (el.shadowRoot || el).textContent")
    assert "duplicate column name" in text and IMG in text
    page.wait_for_timeout(1000)
    assert _xss(page) is None


def _hover_grid(page, css: str, steps: int = 6) -> None:
    """Move the mouse over a grid of points of the first canvas under ``css`` (heatmap cells
    show their hover tooltip with the symbol names)."""
    box = page.locator(f"{css} canvas").first.bounding_box()
    assert box is not None, f"no canvas under {css}"
    for i in range(1, steps):
        for j in range(1, steps):
            page.mouse.move(
                box["x"] + box["width"] * i / steps, box["y"] + box["height"] * j / steps
            )
            page.wait_for_timeout(60)


def test_html_symbol_names_never_run_on_the_pairs_page(served, open_page, tmp_path):
    """In the full app: upload the hostile file on the Data page, then open Pairs."""
    page, console = _open_with_hostile_upload(served, open_page, tmp_path)
    page.locator(".bk-tab", has_text="Pairs").first.click()
    page.locator(".arb-page-pairs canvas").first.wait_for(timeout=120_000)
    # the ranked table, the key figures and the selection name the hostile pair as text
    page.wait_for_function(DEEP_TEXT, arg=IMG, timeout=120_000)
    page.wait_for_function(DEEP_TEXT, arg=BOLD, timeout=120_000)
    best = page.evaluate(
        "() => { const e = window.__arbDeep('[data-metric=best_pair]'); return e && e.textContent }"
    )
    assert best is not None and IMG in best and BOLD in best, best
    # the heatmap's hover tooltips show the cells' symbol names
    _hover_grid(page, ".arb-page-pairs .arb-scan-heatmap")
    page.wait_for_timeout(1000)
    # choosing a row shows the pair under "Selected pair"
    page.locator(".arb-ranked .tabulator-row").first.click()
    page.wait_for_function(
        "() => { const e = window.__arbDeep('[data-pair]'); return e && e.textContent.includes('<') }",
        timeout=30_000,
    )
    page.mouse.move(10, 10)
    page.wait_for_timeout(1000)
    assert _xss(page) is None
    assert page.evaluate("() => window.__arbDeep('img[src=x]') === null")
    assert page.evaluate("() => window.__arbDeep('b[onmouseover]') === null")


def test_a_file_over_the_upload_cap_is_refused_in_the_page(served, open_page, tmp_path):
    """A file over read_prices' cap is refused by the browser with a message naming the limit
    (Bokeh used to drop the websocket, and the session, on a message over 20 MiB)."""
    from lab.data.io import MAX_FILE_BYTES

    big = tmp_path / "big.csv"
    with big.open("wb") as f:  # sparse: the browser reads its size, never its bytes
        f.truncate(MAX_FILE_BYTES + 2**20)
    page, console = open_page(served.url)
    page.locator(".arb-page-data canvas").first.wait_for(timeout=60_000)
    page.locator(".arb-page-data input[type=file]").first.set_input_files(str(big))
    alert = page.locator(".arb-upload-error").first
    alert.wait_for(state="visible", timeout=30_000)
    text = alert.evaluate("el => (el.shadowRoot || el).textContent")
    assert f"files up to {MAX_FILE_BYTES // 2**20} MiB are accepted" in text and "big.csv" in text
    # the session is still connected: a good file loads afterwards
    page.locator(".arb-page-data input[type=file]").first.set_input_files(
        str(_hostile_csv(tmp_path / "after.csv"))
    )
    page.wait_for_function(DEEP_TEXT, arg=IMG, timeout=60_000)
    # ("Size mismatch" is BokehJS redrawing the Data page's plots for fewer symbols: reported)
    assert [e for e in console.errors if "Size mismatch" not in e] == []
