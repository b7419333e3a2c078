"""The Mean reversion page's quant views in Chromium (issue 16, item 3): every figure's hover
tooltip resolves in the browser's own models (hovering the drawdown shows a date and a
percentage, never ``???``), the log/linear toggle switches the price figure's y scale, and the
trades Tabulator sorts and filters what the page computed."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.ui

FIGURES_JS = """() => {
  const out = [];
  for (const doc of Bokeh.documents) {
    for (const m of doc._all_models.values()) {
      if (m.constructor.__name__ !== "Plot" && m.constructor.__name__ !== "Figure") continue;
      const tools = m.toolbar.tools.filter(t => t.constructor.__name__ === "HoverTool");
      const hovers = tools.map(t => ({
        tooltips: Array.isArray(t.tooltips) ? t.tooltips : String(t.tooltips),
        formatters: Object.keys(t.formatters || {}),
        columns: (Array.isArray(t.renderers) ? t.renderers : []).map(
          r => Object.keys(r.data_source.data)),
      }));
      out.push({title: m.title ? m.title.text : "", y_scale: m.y_scale.constructor.__name__,
                hovers});
    }
  }
  return out;
}"""
"""Every Bokeh figure of the page as the browser holds it: title, y-scale type and hover tools
(tooltip rows, formatter keys, the columns of each hovered renderer's data)."""

TOOLTIP_TEXT_JS = """() => {
  const out = [];
  const walk = r => {
    for (const e of r.querySelectorAll('*')) {
      if (e.classList && e.classList.contains('bk-Tooltip') && e.shadowRoot) {
        const text = [...e.shadowRoot.childNodes].filter(n => n.nodeName !== 'STYLE')
          .map(n => n.textContent).join(' ').trim();
        if (text) out.push(text);
      }
      if (e.shadowRoot) walk(e.shadowRoot);
    }
  };
  walk(document);
  return out.join(' | ');
}"""
"""Text of every Bokeh tooltip shown (shadow roots included, style sheets left out)."""

FIELD = re.compile(r"@\\{([^}]+)\\}|@(\\w+)")


def _fields(text: str) -> set[str]:
    return {a or b for a, b in FIELD.findall(text)}


def _figures(page) -> list[dict]:
    return page.evaluate(FIGURES_JS)


def _price_figure(page) -> dict:
    found = [f for f in _figures(page) if f["title"].startswith("Closes of")]
    assert len(found) == 1, [f["title"] for f in _figures(page)]
    return found[0]


def test_tooltips_resolve_and_the_drawdown_hover_shows_values(served, open_page):
    from lab.bench.ui import PAGE_INDEX, PairPage

    page, console = open_page(f"{served.url}?page={PAGE_INDEX['Mean reversion']}")
    PairPage(page).wait_ready(120_000)
    page.locator(".arb-rolling-sharpe canvas").first.wait_for(timeout=60_000)
    page.wait_for_function(
        "() => window.Bokeh && Bokeh.documents.length > 0 && Bokeh.documents[0].is_idle",
        timeout=60_000,
    )
    figures = [f for f in _figures(page) if f["title"]]
    titles = " | ".join(f["title"] for f in figures)
    for start in ("Closes of", "Underwater", "Z-score", "Spread", "Equity", "Rolling Sharpe",
                  "Hedge ratio", "sharpe (out-of-sample)", "Out-of-sample equity"):  # fmt: skip
        assert start in titles, titles
    for fig in figures:
        assert fig["hovers"], f"{fig['title']}: no hover tool"
        for hover in fig["hovers"]:
            rows = hover["tooltips"]
            assert isinstance(rows, list) and rows, fig["title"]
            wanted = set().union(*(_fields(spec) for _, spec in rows))
            wanted |= set().union(*(_fields(k) for k in hover["formatters"]))
            assert hover["columns"], fig["title"]
            for columns in hover["columns"]:
                assert wanted <= set(columns), (fig["title"], wanted - set(columns))
    # hovering the underwater curve shows its date and drawdown
    canvas = page.locator(".arb-drawdown canvas").first
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    text = ""
    for fx in (0.5, 0.6, 0.7, 0.4, 0.8):
        page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * 0.5)
        page.wait_for_timeout(400)
        text = page.evaluate(TOOLTIP_TEXT_JS)
        if "drawdown" in text:
            break
    assert re.search(r"\d{4}-\d{2}-\d{2}", text) and re.search(r"-?\d+\.\d\d%", text), text
    assert "???" not in text
    assert [e for e in console.errors if e.startswith("pageerror")] == []


def test_log_toggle_switches_the_price_scale(served, open_page):
    from lab.bench.ui import PAGE_INDEX, PairPage

    page, console = open_page(f"{served.url}?page={PAGE_INDEX['Mean reversion']}")
    PairPage(page).wait_ready(120_000)
    page.locator(".arb-prices canvas").first.wait_for(timeout=60_000)
    assert _price_figure(page)["y_scale"] == "LinearScale"
    before = page.locator(".arb-metrics-pane [data-lookback]").first.inner_html()
    page.locator(".arb-price-scale .bk-btn", has_text="log prices").first.click()
    page.wait_for_function(
        "() => [...Bokeh.documents[0]._all_models.values()].some(m => m.title && m.title.text"
        " && m.title.text.startsWith('Closes of') && m.y_scale.constructor.__name__ === 'LogScale')",
        timeout=30_000,
    )
    assert "(log scale;" in _price_figure(page)["title"]
    page.locator(".arb-price-scale .bk-btn", has_text="linear prices").first.click()
    page.wait_for_function(
        "() => [...Bokeh.documents[0]._all_models.values()].some(m => m.title && m.title.text"
        " && m.title.text.startsWith('Closes of') && m.y_scale.constructor.__name__ === 'LinearScale')",
        timeout=30_000,
    )
    # the numbers were not recomputed (the metrics table is the same markup)
    assert page.locator(".arb-metrics-pane [data-lookback]").first.inner_html() == before
    assert [e for e in console.errors if e.startswith("pageerror")] == []


def _column(page, title: str) -> list[str]:
    cells = page.locator(
        f'.arb-trades-table .tabulator-row .tabulator-cell[tabulator-field="{title}"]'
    )
    return [cells.nth(i).inner_text() for i in range(cells.count())]


def test_trades_tabulator_sorts_and_filters(served, open_page):
    from lab.bench.ui import PAGE_INDEX, PairPage

    page, console = open_page(f"{served.url}?page={PAGE_INDEX['Mean reversion']}")
    PairPage(page).wait_ready(120_000)
    note = page.locator(".arb-trades [data-trades]").first
    note.wait_for(timeout=60_000)
    n = int(note.get_attribute("data-trades"))
    assert n > 3
    table = page.locator(".arb-trades-table").first
    table.scroll_into_view_if_needed()
    page.locator(".arb-trades-table .tabulator-row").first.wait_for(timeout=30_000)
    pnl = "P&L [fraction of capital]"
    shown = _column(page, pnl)
    assert len(shown) == n and all(re.fullmatch(r"[+-]\d+\.\d\d%", v) for v in shown), shown
    dates = _column(page, "entry date")
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in dates), dates
    # sort by P&L: a click on its header title
    header = page.locator(
        f'.arb-trades-table .tabulator-col[tabulator-field="{pnl}"] .tabulator-col-title'
    )
    header.first.click()
    values = [float(v.rstrip("%")) for v in _column(page, pnl)]
    if values != sorted(values):
        header.first.click()
        values = [float(v.rstrip("%")) for v in _column(page, pnl)]
    assert values in (sorted(values), sorted(values, reverse=True)) and len(values) == n
    # filter the side column
    sides = _column(page, "side")
    longs = sides.count("long")
    box = page.locator('.arb-trades-table .tabulator-col[tabulator-field="side"] input').first
    box.click()
    box.press_sequentially("long", delay=50)
    box.press("Enter")
    for _ in range(40):
        if _column(page, "side") == ["long"] * longs:
            break
        page.wait_for_timeout(250)
    assert _column(page, "side") == ["long"] * longs and 0 < longs < n
    assert [e for e in console.errors if e.startswith("pageerror")] == []


def test_ranked_pairs_filter_by_symbol_and_a_filtered_row_selects_its_pair(served, open_page):
    from lab.bench.ui import PAGE_INDEX

    page, console = open_page(f"{served.url}?page={PAGE_INDEX['Pairs']}")
    page.locator(".arb-ranked .tabulator-row").first.wait_for(timeout=120_000)
    cells = page.locator('.arb-ranked .tabulator-row .tabulator-cell[tabulator-field="y"]')
    symbol = cells.nth(3).inner_text()  # the y of the 4th best pair
    box = page.locator('.arb-ranked .tabulator-col[tabulator-field="y"] input').first
    box.click()
    box.press_sequentially(symbol, delay=50)
    box.press("Enter")
    ys: list[str] = []
    for _ in range(40):
        ys = [cells.nth(i).inner_text() for i in range(cells.count())]
        if ys and set(ys) == {symbol}:
            break
        page.wait_for_timeout(250)
    assert ys and set(ys) == {symbol}, ys
    partner = page.locator('.arb-ranked .tabulator-row .tabulator-cell[tabulator-field="x"]')
    x = partner.nth(len(ys) - 1).inner_text()  # the last shown row: not the unfiltered one
    cells.nth(len(ys) - 1).click()
    page.wait_for_function(
        "(want) => { let found = false; const walk = r => { for (const e of r.querySelectorAll('*'))"
        " { if (e.getAttribute && e.getAttribute('data-pair') === want) found = true;"
        " if (e.shadowRoot) walk(e.shadowRoot); } }; walk(document); return found; }",
        arg=f"{symbol}/{x}",
        timeout=60_000,
    )
    assert [e for e in console.errors if e.startswith("pageerror")] == []
