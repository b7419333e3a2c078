"""Both themes styled (issue 16, item 6): every page, in the dark and the light theme, with the
bundled data and with an uploaded file, is measured in Chromium for the WCAG contrast of every
visible text and for its plots' background, and a screenshot of each is written to the test
run's folder (``$ARBLAB_ARTIFACTS/themes`` when set, else pytest's temporary directory). The
header's theme switch keeps the session's view: the page, the pair and the parameters."""

from __future__ import annotations

import os
import re
import urllib.parse
from pathlib import Path

import pytest
from playwright.sync_api import expect

from lab.bench.ui import DEEP_QUERY_JS, PAGE_INDEX
from tests.ui.conftest import Console
from tests.ui.test_layout import PAGES, SCROLL_JS, WINDOW, _wait_drawn
from tests.ui.test_own_data import _upload, write_prices

pytestmark = pytest.mark.ui

THEMES = ("dark", "default")
"""Panel's theme names: ``default`` is the light theme."""

LABELS = {"dark": "dark", "default": "light"}
"""Theme -> the word in the screenshots' file names."""

CONTRAST_JS = r"""() => {
  // WCAG 2.x relative luminance and contrast ratio of sRGB colours [r, g, b] (0..255)
  const lin = v => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  const lum = c => 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
  const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
  const parse = s => {
    const m = /^rgba?\(([^)]*)\)$/.exec(s.trim());
    if (!m) return null;
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, base, alpha) => [0, 1, 2].map(i => top[i] * alpha + base[i] * (1 - alpha));
  // the visual parent: the slot an element is shown in, its parent, or its shadow host
  const up = el => el.assignedSlot || el.parentElement
    || (el.getRootNode() instanceof ShadowRoot ? el.getRootNode().host : null);
  const background = el => {
    const layers = [];
    let opaque = null, image = false;
    for (let e = el; e; e = up(e)) {
      const cs = getComputedStyle(e);
      if (cs.backgroundImage && cs.backgroundImage !== 'none') image = true;
      const c = parse(cs.backgroundColor);
      if (c && c[3] >= 0.999) { opaque = c; break; }
      if (c && c[3] > 0) layers.push(c);
    }
    let bg = opaque ? opaque.slice(0, 3) : [255, 255, 255];  // the browser's canvas is white
    for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg, layers[i][3]);
    return {bg, image};
  };
  const opacity = el => { let o = 1; for (let e = el; e; e = up(e)) o *= Number(getComputedStyle(e).opacity); return o; };
  const shown = el => {
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) return false;
    return el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true});
  };
  const SKIP = new Set(['SCRIPT', 'STYLE', 'TEMPLATE', 'NOSCRIPT', 'svg', 'SVG', 'CANVAS', 'OPTION']);
  const disabled = el => el.matches(':disabled') || !!el.closest('[disabled], .bk-disabled');
  const own = el => {
    if (['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName)) {
      if (['checkbox', 'radio', 'range', 'file', 'hidden', 'color'].includes(el.type)) return '';
      return el.tagName === 'SELECT' ? (el.selectedOptions[0] || {}).text || '' : el.value || '';
    }
    let t = '';
    for (const n of el.childNodes) if (n.nodeType === Node.TEXT_NODE) t += n.textContent;
    return t.replace(/\s+/g, ' ').trim();
  };
  const where = el => {
    const parts = [];
    for (let e = el; e && parts.length < 4; e = up(e)) {
      const cls = typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\s+/).slice(0, 2).join('.') : '';
      parts.push(e.tagName.toLowerCase() + cls);
    }
    return parts.reverse().join(' > ');
  };
  const out = {checked: 0, failures: [], worst: null, unknown: []};
  const visit = el => {
    if (SKIP.has(el.tagName)) return;
    const text = own(el);
    if (text && shown(el) && !disabled(el)) {
      const cs = getComputedStyle(el);
      const fg = parse(cs.color);
      const {bg, image} = background(el);
      if (!fg) { out.unknown.push(`${where(el)}: color ${cs.color}`); return; }
      const shownFg = over(fg, bg, fg[3] * opacity(el));
      const size = parseFloat(cs.fontSize), weight = Number(cs.fontWeight) || 400;
      const large = size >= 24 || (size >= 18.66 && weight >= 700);
      const r = ratio(shownFg, bg);
      const need = large ? 3 : 4.5;
      const row = {text: text.slice(0, 60), ratio: Math.round(r * 100) / 100, need, size, weight,
                   fg: shownFg.map(Math.round), bg: bg.map(Math.round), image, where: where(el)};
      out.checked += 1;
      if (image) return;  // text over an icon or gradient (a chip's remove button): not judged
      if (!out.worst || r / need < out.worst.ratio / out.worst.need) out.worst = row;
      if (r < need) out.failures.push(row);
    }
    if (el.shadowRoot) for (const c of el.shadowRoot.children) visit(c);
    for (const c of el.children) visit(c);
  };
  visit(document.documentElement);
  return out;
}"""
"""Every visible, enabled text of the page (shadow roots included, inputs by their value) with
the WCAG 2 contrast ratio of its colour on its effective background: the background colours of
it and its ancestors (across shadow hosts and slots) composited up to the first opaque one
(white, the browser's canvas, when none is), its colour's alpha and the ancestors' opacity
applied. Large text (>= 24 px, or >= 18.66 px bold) needs 3:1, the rest 4.5:1. Returns the
count checked, the failures, the worst element and the colours it could not parse; text over a
background image (an icon, a gradient) is not judged."""

CANVAS_JS = r"""() => {
  const lin = v => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  const lum = c => 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
  const hex = c => '#' + c.map(v => v.toString(16).padStart(2, '0')).join('');
  const out = [];
  for (const v of Bokeh.index.all_views()) {
    if (!v.frame || !v.canvas_view || !v.el.isConnected || !v.el.checkVisibility()) continue;
    const {left, top, width, height} = v.frame.bbox;
    if (width < 20 || height < 20) continue;
    const layer = v.canvas_view.compose();  // the plot's layers drawn onto one canvas
    const k = layer.pixel_ratio || window.devicePixelRatio || 1;
    const data = layer.ctx.getImageData(Math.round(left * k), Math.round(top * k),
                                         Math.round(width * k), Math.round(height * k)).data;
    const counts = new Map();
    let opaque = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] < 250) continue;
      opaque += 1;
      const key = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
      counts.set(key, (counts.get(key) || 0) + 1);
    }
    let best = null, n = 0;
    for (const [key, c] of counts) if (c > n) { best = key; n = c; }
    const rgb = best === null ? null : [(best >> 16) & 255, (best >> 8) & 255, best & 255];
    const title = v.model.title && v.model.title.text ? v.model.title.text : '';
    const ylabel = v.model.left && v.model.left[0] ? v.model.left[0].axis_label || '' : '';
    out.push({plot: (title || ylabel || v.model.id).slice(0, 60), fill: v.model.background_fill_color,
              pixel: rgb ? hex(rgb) : null, luminance: rgb ? Math.round(lum(rgb) * 1000) / 1000 : null,
              share: opaque ? Math.round(100 * n / opaque) : 0});
  }
  return out;
}"""
"""Every visible Bokeh plot with its frame's background: ``pixel``, the commonest opaque pixel of
its frame as drawn (all canvas layers composed), that pixel's WCAG relative luminance (0 black
.. 1 white) and its ``share`` of the frame (%), beside the model's ``background_fill_color``.
A plot whose glyphs cover its frame (a heatmap) shows a data colour there, not the
background."""


ICONS = ("bk-tool-overflow",)
"""Classes of glyphs drawn as text that are icons, not text (Bokeh's toolbar overflow "⋯"):
WCAG 1.4.11 asks 3:1 of them, not 4.5:1."""


def _judge(report: dict) -> list[dict]:
    """The failures of a :data:`CONTRAST_JS` report, icons judged at 3:1."""
    return [
        f
        for f in report["failures"]
        if not (any(c in f["where"] for c in ICONS) and f["ratio"] >= 3)
    ]


def _describe(f: dict) -> str:
    return (
        f"{f['text']!r} {f['ratio']}:1 (needs {f['need']}:1; rgb{tuple(f['fg'])} on "
        f"rgb{tuple(f['bg'])}, {f['size']:g}px/{f['weight']}) at {f['where']}"
    )


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory) -> Path:
    """Folder of the screenshots: ``$ARBLAB_ARTIFACTS/themes`` when set, else one in the test
    run's temporary directory."""
    root = os.environ.get("ARBLAB_ARTIFACTS")
    if root:
        path = Path(root) / "themes"
        path.mkdir(parents=True, exist_ok=True)
        return path
    return tmp_path_factory.mktemp("themes")


def _shots(page, stem: str, folder: Path, max_shots: int = 3) -> list[Path]:
    """Window screenshots ``<stem>-1.png``, ... down the page (the template's main area
    scrolls); back to the top after."""
    paths = []
    for k in range(1, max_shots + 1):
        path = folder / f"{stem}-{k}.png"
        page.screenshot(path=str(path))
        paths.append(path)
        if not page.evaluate(SCROLL_JS, WINDOW["height"] - 150):
            break
        page.wait_for_timeout(700)
    page.evaluate(SCROLL_JS, None)
    return paths


def _measure(page, theme: str) -> tuple[list[str], dict | None, int]:
    """Contrast failures and plot-background problems of the page shown, as sentences; the
    worst text element; how many plots had their background judged."""
    report = page.evaluate(CONTRAST_JS)
    problems = [_describe(f) for f in _judge(report)]
    problems += [f"colour not parsed: {u}" for u in report["unknown"]]
    judged = 0
    for plot in page.evaluate(CANVAS_JS):
        if theme == "default" and not _light(plot["fill"]):
            problems.append(f"plot {plot['plot']!r}: background {plot['fill']} in the light theme")
        if theme == "dark" and _light(plot["fill"]):
            problems.append(f"plot {plot['plot']!r}: background {plot['fill']} in the dark theme")
        # the frame as drawn: its commonest pixel is the background unless glyphs cover it
        if plot["pixel"] == plot["fill"].lower() and plot["share"] >= 20:
            judged += 1
            lum = plot["luminance"]
            if (theme == "default" and lum <= 0.8) or (theme == "dark" and lum >= 0.2):
                problems.append(f"plot {plot['plot']!r}: drawn background luminance {lum}")
    return problems, report["worst"], judged


def _luminance(rgb) -> float:
    """WCAG relative luminance of sRGB ``rgb`` (0..255 each): 0 black .. 1 white."""
    c = [v / 255 for v in rgb]
    c = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]


def _light(colour: str) -> bool:
    """True when the ``#rrggbb`` colour's luminance exceeds 0.8."""
    return _luminance([int(colour[i : i + 2], 16) for i in (1, 3, 5)]) > 0.8


@pytest.mark.parametrize("theme", THEMES)
def test_every_page_is_readable_in_both_themes(served, browser, artifacts, tmp_path, theme):
    context = browser.new_context(viewport=WINDOW)
    try:
        page = context.new_page()
        page.add_init_script(DEEP_QUERY_JS)
        console = Console(page)
        page.goto(f"{served.url}?theme={theme}", timeout=120_000)
        found: dict[str, list[str]] = {}
        worst: dict[str, dict] = {}
        for data in ("bundled", "uploaded"):
            if data == "uploaded":
                path = write_prices(tmp_path / "own-prices.csv", 6, 400, late=1)
                _upload(page, path, 400, 6)
            for name, css in PAGES.items():
                page.locator(".bk-tab", has_text=name).first.click()
                _wait_drawn(page, css)
                problems, bad, judged = _measure(page, theme)
                key = f"{data} {name}"
                if bad is not None:
                    worst[key] = bad
                if judged == 0:
                    problems.append("no plot with its background showing was found")
                if problems:
                    found[key] = problems
                _shots(page, f"{LABELS[theme]}-{data}-{PAGE_INDEX[name]}-{css}", artifacts)
        for key, row in worst.items():
            print(f"{theme} {key}: worst text {_describe(row)}")
        print(f"screenshots of every page in the {theme!r} theme: {artifacts}")
        assert found == {}, "\n".join(f"{k}: {'; '.join(v[:6])}" for k, v in found.items())
        assert [e for e in console.errors if e.startswith("pageerror")] == []
    finally:
        context.close()


def _query(page) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlparse(page.url).query))


def _background_luminance(page) -> float:
    """Luminance of the page's background (the template's body)."""
    rgb = page.evaluate(
        "() => getComputedStyle(document.body).backgroundColor.match(/\\d+/g).slice(0, 3).map(Number)"
    )
    return _luminance(rgb)


def test_the_theme_switch_keeps_the_page_pair_and_parameters(served, open_page):
    page, console = open_page(f"{served.url}?page={PAGE_INDEX['Mean reversion']}")
    table = page.locator(".arb-metrics-pane [data-pair]").first
    table.wait_for(timeout=120_000)
    assert _background_luminance(page) < 0.2  # the dark theme by default
    # change the pair (swap) and the lookback (the slider's keyboard steps, as a user can)
    page.locator(".arb-page-pair").get_by_role("button", name="⇅ swap").first.click()
    expect(table).to_have_attribute("data-pair", "PEP/KO", timeout=60_000)
    handle = page.locator(".arb-lookback .noUi-handle").first
    handle.focus()
    for _ in range(5):
        handle.press("ArrowRight")
    # five steps of one day: wait for the last (the table shows each step as it lands, and
    # reading the first change raced the later ones)
    lookback = "65"
    expect(table).to_have_attribute("data-lookback", lookback, timeout=60_000)
    expect(page).to_have_url(re.compile(rf"[?&]lookback={lookback}(&|$)"), timeout=30_000)
    # the header's switch (Panel's) reloads the page in the light theme
    with page.expect_navigation(timeout=120_000):
        page.locator("#theme-switch").click()
    query = _query(page)
    assert query["theme"] == "default", page.url
    table = page.locator(".arb-metrics-pane [data-pair]").first
    table.wait_for(timeout=120_000)
    expect(table).to_have_attribute("data-pair", "PEP/KO", timeout=60_000)
    expect(table).to_have_attribute("data-lookback", lookback, timeout=30_000)
    assert page.locator(".bk-tab.bk-active", has_text="Mean reversion").count() == 1
    assert _background_luminance(page) > 0.8
    # the page (built after the template) is in the light theme too: widgets, panes, plots
    _wait_drawn(page, "arb-page-pair")
    problems, _, _ = _measure(page, "default")
    assert problems == [], "\n".join(problems[:8])
    # and back to dark, still on the same view
    with page.expect_navigation(timeout=120_000):
        page.locator("#theme-switch").click()
    assert _query(page)["theme"] == "dark"
    table = page.locator(".arb-metrics-pane [data-pair]").first
    table.wait_for(timeout=120_000)
    expect(table).to_have_attribute("data-pair", "PEP/KO", timeout=60_000)
    expect(table).to_have_attribute("data-lookback", lookback, timeout=30_000)
    assert _background_luminance(page) < 0.2
    assert [e for e in console.errors if e.startswith("pageerror")] == []


def test_an_unknown_theme_in_a_link_opens_the_dark_theme(served, open_page):
    page, console = open_page(f"{served.url}?theme=%3Cb%3Eneon")
    page.locator(".arb-page-data canvas").first.wait_for(timeout=120_000)
    assert _background_luminance(page) < 0.2
    assert [e for e in console.errors if e.startswith("pageerror")] == []
