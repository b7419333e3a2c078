"""Every page fits a 1440 x 900 window (issue 16, "Layout"): the document never scrolls
sideways, no card is cut by the window and no card holds content wider than itself, except in a
deliberate horizontal scroller (a wide table in an ``overflow-x: auto`` wrapper). A screenshot of
every page is written to the test run's folder for review."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from lab.bench.ui import DEEP_QUERY_JS, PAGE_INDEX
from tests.ui.conftest import Console

pytestmark = pytest.mark.ui

WINDOW = {"width": 1440, "height": 900}
"""The window size the layout must fit (a common laptop screen)."""

PAGES = {
    "Data": "arb-page-data",
    "Pairs": "arb-page-pairs",
    "Mean reversion": "arb-page-pair",
    "Regimes": "arb-page-regimes",
    "Portfolio": "arb-page-portfolio",
    "Options": "arb-page-options",
    "Order book": "arb-page-orderbook",
    "Benchmark": "arb-benchmark",
}
"""Page -> CSS class of the page."""

OVERFLOWS_JS = r"""() => {
  const scrolls = el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const shown = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const text = node => ['STYLE', 'SCRIPT', 'svg'].includes(node.nodeName) ? ''
    : node.shadowRoot ? text(node.shadowRoot)
    : node.nodeType === Node.TEXT_NODE ? node.textContent
    : Array.from(node.childNodes, text).join(' ');
  const title = card => {
    const root = card.shadowRoot || card;
    const header = root.querySelector('.card-header') || root;
    return text(header).replace(/\s+/g, ' ').trim().slice(0, 60);
  };
  const cards = [];
  const walk = root => {
    for (const el of root.querySelectorAll('.card')) if (shown(el)) cards.push(el);
    for (const el of root.querySelectorAll('*')) if (el.shadowRoot) walk(el.shadowRoot);
  };
  walk(document);
  const doc = document.scrollingElement;
  const out = {scrollWidth: doc.scrollWidth, innerWidth: window.innerWidth, cards: cards.length,
               problems: []};
  for (const card of cards) {
    const r = card.getBoundingClientRect();
    if (r.left < -1 || r.right > window.innerWidth + 1) {
      out.problems.push(`card "${title(card)}" spans x ${Math.round(r.left)}..${Math.round(r.right)}` +
                        ` outside the ${window.innerWidth} px window`);
    }
    if (card.scrollWidth > card.clientWidth + 1 && !scrolls(card)) {
      out.problems.push(`card "${title(card)}" holds content ${card.scrollWidth} px wide` +
                        ` in ${card.clientWidth} px`);
    }
  }
  return out;
}"""
"""The document's width against the window's, and every visible card (shadow roots included)
that sticks out of the window or holds content wider than itself."""


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory) -> Path:
    """Folder of the screenshots: ``$ARBLAB_ARTIFACTS/layout-1440`` when set, else one in the
    test run's temporary directory."""
    root = os.environ.get("ARBLAB_ARTIFACTS")
    if root:
        path = Path(root) / "layout-1440"
        path.mkdir(parents=True, exist_ok=True)
        return path
    return tmp_path_factory.mktemp("layout-1440")


def _wait_drawn(page, css: str, timeout_s: float = 90.0) -> None:
    """Wait until the page draws a plot, then until its layout stops changing width."""
    deadline = time.monotonic() + timeout_s
    while page.locator(f".{css} canvas").count() == 0:
        if time.monotonic() > deadline:
            raise AssertionError(f"the .{css} page drew no plot within {timeout_s} s")
        page.wait_for_timeout(250)
    last, stable = None, 0
    while stable < 4 and time.monotonic() < deadline:
        page.wait_for_timeout(250)
        now = page.evaluate("() => document.scrollingElement.scrollWidth")
        stable = stable + 1 if now == last else 0
        last = now
    page.wait_for_timeout(500)  # late renders (tables, HTML panes) after the plots


SCROLL_JS = """step => {
  const el = Array.from(document.querySelectorAll('*')).find(e =>
    ['auto', 'scroll'].includes(getComputedStyle(e).overflowY) && e.scrollHeight > e.clientHeight + 10);
  if (!el) return false;
  if (step === null) { el.scrollTop = 0; return false; }
  const before = el.scrollTop;
  el.scrollTop = before + step;
  return el.scrollTop > before;
}"""
"""Scrolls the template's main area (it scrolls, not the document) by ``step`` px; True when
it moved (``null``: back to the top)."""


def _screenshots(page, stem: Path, max_shots: int = 8) -> None:
    """Window screenshots ``<stem>-1.png``, ``-2.png``, ... down the whole page."""
    for k in range(1, max_shots + 1):
        page.screenshot(path=f"{stem}-{k}.png")
        if not page.evaluate(SCROLL_JS, WINDOW["height"] - 150):
            break
        page.wait_for_timeout(700)  # plots scrolled into view draw
    page.evaluate(SCROLL_JS, None)


def test_every_page_fits_a_1440_px_window(served, browser, artifacts):
    context = browser.new_context(viewport=WINDOW)
    try:
        page = context.new_page()
        page.add_init_script(DEEP_QUERY_JS)
        console = Console(page)
        page.goto(served.url)
        found: dict[str, list[str]] = {}
        for name, css in PAGES.items():
            page.locator(".bk-tab", has_text=name).first.click()
            _wait_drawn(page, css)
            seen = page.evaluate(OVERFLOWS_JS)
            _screenshots(page, artifacts / f"{PAGE_INDEX[name]}-{css}")
            assert seen["innerWidth"] == WINDOW["width"], seen
            assert seen["cards"] > 0, f"{name}: no card found"
            problems = list(seen["problems"])
            if seen["scrollWidth"] > seen["innerWidth"]:
                problems.insert(
                    0,
                    f"the document is {seen['scrollWidth']} px wide in a "
                    f"{seen['innerWidth']} px window",
                )
            if problems:
                found[name] = problems
        print(f"screenshots of every page at 1440 x 900: {artifacts}")
        assert found == {}, "\n".join(f"{k}: {'; '.join(v)}" for k, v in found.items())
        assert [e for e in console.errors if e.startswith("pageerror")] == []
    finally:
        context.close()
