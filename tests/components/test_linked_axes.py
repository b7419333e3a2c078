"""Plots link their axes within one page only (Panel's ``linked_axes`` spans the whole app).

Panel links every HoloViews pane of a layout whose axes carry the same label. Across pages in
dynamic tabs that made a visible plot point at axis ranges of a hidden page, which the browser
had dropped: ``reference pNNNN isn't known`` page errors after an upload, and plots whose
range jumped to another page's dates.
"""

from __future__ import annotations

import datetime as dt
import itertools

import panel as pn
import pytest
from bokeh.document import Document
from bokeh.models import Range

from components.app import PAGES, LabApp
from lab.models import LabSession

ANALYSIS_PAGES = ["Data", "Pairs", "Mean reversion", "Regimes", "Portfolio", "Options"]
"""The pages whose plots have axes a label could share ("date", symbols, ...)."""


@pytest.fixture(scope="module")
def rendered():
    session = LabSession(start=dt.date(2021, 1, 1), symbols=["KO", "PEP", "XOM", "CVX"])
    app = LabApp(session=session)
    for name in ANALYSIS_PAGES:
        app.show(name)
    doc = Document()
    root = app.__panel__().get_root(doc)  # runs Panel's preprocessing, axis linking included
    # as in a browser session: each page is drawn when its (dynamic) tab opens, while the
    # pages drawn before stay rendered; Panel links axes each time
    for i in range(len(PAGES)):
        app.tabs.active = i
    return app, root


def _panes(page) -> list[pn.pane.HoloViews]:
    return page.__panel__().select(pn.pane.HoloViews)


def _ranges(page) -> set[str]:
    """Ids of the Bokeh axis ranges of every figure drawn on ``page``."""
    ids = set()
    for pane in _panes(page):
        for plot, _ in pane._plots.values():  # noqa: SLF001 (read-only: the rendered plots)
            for rng in (plot.state.x_range, plot.state.y_range):
                if isinstance(rng, Range):
                    ids.add(rng.id)
    return ids


def test_every_analysis_page_is_built_with_plots(rendered):
    app, _ = rendered
    assert set(ANALYSIS_PAGES) <= set(app.pages) and set(ANALYSIS_PAGES) <= set(PAGES)
    for name in ANALYSIS_PAGES:
        assert _ranges(app.pages[name]), f"{name}: no rendered plot"


def test_no_two_pages_share_an_axis_range(rendered):
    app, _ = rendered
    ranges = {name: _ranges(app.pages[name]) for name in ANALYSIS_PAGES}
    for a, b in itertools.combinations(ANALYSIS_PAGES, 2):
        assert not ranges[a] & ranges[b], f"{a} and {b} share axis ranges"


def test_the_mean_reversion_page_still_links_its_date_axes(rendered):
    app, _ = rendered
    page = app.pages["Mean reversion"]
    linked = [p for p in _panes(page) if p.linked_axes]
    assert len(linked) >= 3
    x_ranges = set()
    for pane in linked:
        for plot, _ in pane._plots.values():  # noqa: SLF001
            x_ranges.add(plot.state.x_range.id)
    assert len(x_ranges) == 1, "the Mean reversion date plots zoom together"


def test_only_the_mean_reversion_page_links_axes(rendered):
    app, _ = rendered
    for name in ANALYSIS_PAGES:
        if name == "Mean reversion":
            continue
        linked = [p for p in _panes(app.pages[name]) if p.linked_axes]
        assert linked == [], f"{name} has panes with linked axes"
