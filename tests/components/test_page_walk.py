"""Walk every page of the lab, rendered headless: each plot can be saved as PNG (a Bokeh
SaveTool on every figure) and each widget has a tooltip (``description``) saying its unit and
effect."""

from __future__ import annotations

import datetime as dt

import panel as pn
import pytest
from bokeh.document import Document
from bokeh.models import Plot, SaveTool

from components.app import PAGES, LabApp
from lab.models import LabSession

QUICK_PAGES = tuple(p for p in PAGES if p != "Benchmark")


@pytest.fixture(scope="module")
def app() -> LabApp:
    session = LabSession(
        start=dt.date(2020, 1, 1), symbols=["KO", "PEP", "XOM", "CVX", "JNJ", "PG"]
    )
    return LabApp(session=session)


@pytest.fixture(scope="module")
def roots(app):
    """Each page's Bokeh model tree (the page built and rendered as a browser would get it)."""
    out = {}
    for name in PAGES:
        app.show(name)
        out[name] = app._slots[name].get_root(Document())
    return out


def _figures(root) -> list[Plot]:
    return [m for m in root.select({"type": Plot})]


@pytest.mark.parametrize("page", PAGES)
def test_every_plot_saves_as_png(roots, page):
    figures = _figures(roots[page])
    if page not in ("Options", "Order book", "Benchmark"):
        assert figures, f"{page}: no Bokeh figure found, the walk proves nothing"
    missing = [
        f"{type(f).__name__} {f.title.text if getattr(f, 'title', None) else ''!r}"
        for f in figures
        if f.toolbar is None or not any(isinstance(t, SaveTool) for t in f.toolbar.tools)
    ]
    assert missing == [], f"{page}: figures without a save (PNG) tool: {missing}"


def _widgets(obj) -> list[pn.widgets.Widget]:
    """The widgets under ``obj`` that can show a tooltip (a ``description`` parameter; in
    Panel 1.9 sliders, checkboxes, toggles and tables have none)."""
    return [w for w in obj.select(pn.widgets.Widget) if "description" in w.param]


@pytest.mark.parametrize("page", PAGES)
def test_every_widget_has_a_tooltip(app, roots, page):
    widgets = _widgets(app._slots[page])
    assert widgets, f"{page}: no widget found, the walk proves nothing"
    missing = sorted(
        {f"{type(w).__name__} {w.name or getattr(w, 'label', '')!r}" for w in widgets
         if not (w.description or "").strip()}
    )  # fmt: skip
    assert missing == [], f"{page}: widgets without a description (tooltip): {missing}"


def test_sidebar_widgets_have_tooltips(app):
    missing = sorted(
        {f"{type(w).__name__} {w.name or getattr(w, 'label', '')!r}" for w in _widgets(app.sidebar)
         if not (w.description or "").strip()}
    )  # fmt: skip
    assert missing == [], f"sidebar: widgets without a description (tooltip): {missing}"
