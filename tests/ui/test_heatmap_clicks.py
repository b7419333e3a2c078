"""Clicking a heatmap cell in Chromium (issue 16): a cell of the pair scan selects that pair,
and a cell of the parameter sweep sets the Mean reversion page's lookback and entry |z|.

The click lands on the cell's centre, computed in the page from the figure's own scales
(BokehJS views), so the test clicks what a user sees and never guesses pixel positions.
"""

from __future__ import annotations

import time

import pytest

from lab.bench.ui import PAGE_INDEX

pytestmark = pytest.mark.ui

CELL_JS = """([cls, pick]) => {
  const views = [];
  const walk = v => { if (!v || views.includes(v)) return; views.push(v);
                      for (const c of (v.child_views || [])) walk(c); };
  for (const v of Bokeh.index) walk(v);
  const pv = views.find(v => v.model && v.frame && v.canvas_view
                             && (v.model.css_classes || []).includes(cls));
  if (!pv) return null;
  const glyphs = pv.model.renderers.filter(r => r.data_source && r.data_source.data);
  let x, y;
  if (pick.x !== undefined) { x = pick.x; y = pick.y; }
  else {  // the first drawn cell that is not the given pair
    const d = glyphs.map(r => r.data_source.data).find(d => d.x && d.y && d.x.length);
    if (!d) return null;
    const k = [...d.x.keys()].find(i => !(d.y[i] === pick.y0 && d.x[i] === pick.x0)
                                       && d.x[i] !== d.y[i]);
    x = d.x[k]; y = d.y[k];
  }
  pv.canvas_view.el.scrollIntoView({block: 'center'});
  const xr = pv.model.x_range, yr = pv.model.y_range;
  const sx = pv.frame.x_scale.compute(xr.factors ? xr.synthetic(x) : x);
  const sy = pv.frame.y_scale.compute(yr.factors ? yr.synthetic(y) : y);
  const rect = pv.canvas_view.el.getBoundingClientRect();
  return {x: String(x), y: String(y), px: rect.left + sx, py: rect.top + sy};
}"""
"""``(figure css class, {x, y} | {x0, y0}) -> {x, y, px, py}``: page coordinates of a cell."""


def _wait(predicate, timeout_s: float, what: str, page) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        page.wait_for_timeout(250)
    raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")


def _cell(page, css: str, pick: dict) -> dict:
    found: dict = {}

    def located() -> bool:
        found.update(page.evaluate(CELL_JS, [css, pick]) or {})
        return bool(found)

    _wait(located, 60, f"a drawn cell of .{css}", page)
    page.wait_for_timeout(300)  # the scroll settles
    return page.evaluate(CELL_JS, [css, {"x": found["x"], "y": found["y"]}])


def test_clicking_a_pair_scan_cell_selects_that_pair(served, open_page):
    page, console = open_page(f"{served.url}?page={PAGE_INDEX['Pairs']}")
    page.locator(".arb-page-pairs .arb-scan-heatmap canvas").first.wait_for(timeout=120_000)
    shown = page.locator(".arb-page-pairs [data-pair]").first
    shown.wait_for(timeout=60_000)
    y0, x0 = shown.get_attribute("data-pair").split("/")
    cell = _cell(page, "arb-scan-heatmap", {"y0": y0, "x0": x0})
    assert (cell["y"], cell["x"]) != (y0, x0)
    page.mouse.click(cell["px"], cell["py"])
    want = f"{cell['y']}/{cell['x']}"
    _wait(lambda: shown.get_attribute("data-pair") == want, 30, f"the pair {want}", page)
    # the Mean reversion page analyses the clicked pair (y = row, x = column)
    page.locator(".bk-tab", has_text="Mean reversion").first.click()
    metrics = page.locator(".arb-metrics-pane [data-pair]").first
    _wait(lambda: metrics.get_attribute("data-pair") == want, 90, f"{want} analysed", page)
    assert [e for e in console.errors if e.startswith("pageerror")] == []


def test_clicking_a_sweep_cell_sets_lookback_and_entry_z(served, open_page):
    page, console = open_page(f"{served.url}?page={PAGE_INDEX['Mean reversion']}")
    page.locator(".arb-page-pair .arb-sweep canvas").first.wait_for(timeout=120_000)
    table = page.locator(".arb-metrics-pane [data-lookback]").first
    table.wait_for(timeout=90_000)
    before = (table.get_attribute("data-lookback"), table.get_attribute("data-entry-z"))
    # a grid point away from the current parameters: the centre of one of the mesh's quads
    centres = page.evaluate(
        """() => { const views = []; const walk = v => { if (!v || views.includes(v)) return;
             views.push(v); for (const c of (v.child_views || [])) walk(c); };
           for (const v of Bokeh.index) walk(v);
           const pv = views.find(v => v.model && v.frame
                                      && (v.model.css_classes || []).includes('arb-sweep'));
           if (!pv) return null;
           const r = pv.model.renderers.find(r => r.data_source && r.data_source.data.left);
           if (!r) return null;
           const d = r.data_source.data;
           return [...d.left.keys()].map(i => [(d.left[i] + d.right[i]) / 2,
                                               (d.bottom[i] + d.top[i]) / 2]); }"""
    )
    assert centres, "the sweep heatmap is drawn"
    current = (int(before[0]), float(before[1]))
    entry_z, lookback = next(
        (x, y) for x, y in centres[len(centres) // 3 :]
        if (round(y), round(x, 6)) != (current[0], round(current[1], 6))
    )  # fmt: skip
    cell = _cell(page, "arb-sweep", {"x": entry_z, "y": lookback})
    page.mouse.click(cell["px"], cell["py"])

    def moved() -> bool:
        return (table.get_attribute("data-lookback"), table.get_attribute("data-entry-z")) != before

    _wait(moved, 60, "new sweep parameters", page)
    # the clicked cell's grid point (PairModel.set_from_sweep snaps to the nearest)
    assert int(table.get_attribute("data-lookback")) == round(lookback)
    assert float(table.get_attribute("data-entry-z")) == pytest.approx(
        entry_z, rel=1e-4
    )  # shown with 5 digits
    assert [e for e in console.errors if e.startswith("pageerror")] == []
