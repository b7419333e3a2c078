"""The quant views of the Mean reversion and Pairs pages (issue 16, item 3), headless: the
Bokeh models the pages send to the browser carry named hover tooltips whose every field
exists, the price axis switches between linear and log without recomputing, the in-sample and
out-of-sample rows (and the walk-forward folds) are shaded, the drawdown sits under the
prices with their trade markers, and the trades are a sortable, filterable Tabulator showing
the export's frame."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import panel as pn
import pytest
from bokeh.document import Document
from bokeh.models import BoxAnnotation, HoverTool, LinearScale, LogScale, Plot

from components.pair import TRADES_FORMATS, TRADES_TEXT, PairView
from components.pairs import PairScanView
from lab.models import BackendModel, DatasetModel, PairModel
from lab.models.scan import ScanModel

FIELD = re.compile(r"@\{([^}]+)\}|@(\w+)")
AREA_GLYPHS = ("VArea", "HArea", "Patch", "HAreaStep", "VAreaStep")
"""Glyphs hovered as one shape: a ``@field`` tooltip on them has no row to show."""


@pytest.fixture(scope="module")
def dataset() -> DatasetModel:
    return DatasetModel(start=dt.date(2019, 1, 1), symbols=["KO", "PEP", "XOM", "CVX"])


@pytest.fixture(scope="module")
def view(dataset) -> PairView:
    model = PairModel(dataset=dataset, backend=BackendModel(backend="native"), sweep_steps=4)
    view = PairView(model=model)
    view.__panel__().get_root(Document())
    return view


def _figures(viewer) -> dict[str, Plot]:
    """The rendered Bokeh figure of each HoloViews pane, by the pane's CSS class."""
    out = {}
    for pane in viewer.__panel__().select(pn.pane.HoloViews):
        for plot, _ in pane._plots.values():  # noqa: SLF001 (read-only: the rendered plots)
            out[(pane.css_classes or ["?"])[0]] = plot.state
    return out


def _pane(viewer, css: str) -> pn.pane.HoloViews:
    return next(p for p in viewer.__panel__().select(pn.pane.HoloViews) if css in p.css_classes)


def _fields(text: str) -> set[str]:
    return {a or b for a, b in FIELD.findall(text)}


def assert_tooltips_resolve(fig: Plot, where: str) -> None:
    """Every figure has a hover tool; each tooltip row is named and each ``@field`` (and
    each formatter's field) is a column of every renderer the tool hovers (a missing one
    shows ``???`` in the browser)."""
    hovers = fig.select(HoverTool)
    assert hovers, f"{where}: no hover tool"
    for tool in hovers:
        assert isinstance(tool.tooltips, list) and tool.tooltips, f"{where}: {tool.tooltips!r}"
        wanted = set()
        for label, spec in tool.tooltips:
            assert label.strip() and "???" not in spec, f"{where}: {label!r}: {spec!r}"
            wanted |= _fields(spec)
        wanted |= {f for key in (tool.formatters or {}) for f in _fields(key)}
        renderers = tool.renderers
        assert renderers != "auto" and len(renderers) > 0, where
        for r in renderers:
            # Bokeh hovers an area as one shape, with no row: its @fields show ???
            glyph = type(r.glyph).__name__
            assert glyph not in AREA_GLYPHS, f"{where}: a tooltip on a {glyph} shows ???"
            columns = set(r.data_source.data)
            assert wanted <= columns, f"{where}: {wanted - columns} not in {sorted(columns)}"


def test_every_mean_reversion_plot_has_named_tooltips_that_resolve(view):
    figures = _figures(view)
    expected = {"arb-prices", "arb-drawdown", "arb-zscore", "arb-spread", "arb-equity",
                "arb-rolling-sharpe", "arb-hedge", "arb-sweep", "arb-wf-equity"}  # fmt: skip
    assert expected <= set(figures)
    for css, fig in figures.items():
        assert_tooltips_resolve(fig, css)
    # units in the value rows
    labels = {
        css: [lb for lb, _ in fig.select(HoverTool)[0].tooltips] for css, fig in figures.items()
    }
    assert "close (USD)" in labels["arb-prices"]
    assert any("annualised" in lb for lb in labels["arb-rolling-sharpe"])
    assert any("x shares per y share" in lb for lb in labels["arb-hedge"])


@pytest.mark.parametrize(
    "tooltips",
    [None, [("date", "@x{%F}"), ("drawdown", "@y{0.00%}")]],
    ids=["default", "named-columns"],
)
def test_a_tooltip_on_an_area_is_caught(tooltips):
    """The check above catches the drawdown's ``???`` of both kinds: HoloViews' default Area
    tooltip names columns the Area's data lacks, and a tooltip naming its columns still has
    no row on an area glyph (the browser showed ``date: ??? drawdown: ???``)."""
    import holoviews as hv

    area = hv.Area((pd.date_range("2020", periods=5), -np.arange(5.0)), "date", "drawdown")
    opts = {"tools": ["hover"]} | ({"hover_tooltips": tooltips} if tooltips else {})
    with pytest.raises(AssertionError, match=r"not in|shows \?\?\?"):
        assert_tooltips_resolve(hv.render(area.opts(**opts)), "an Area")


def test_every_pairs_page_plot_has_named_tooltips_that_resolve(dataset):
    scan = PairScanView(model=ScanModel(dataset=dataset, backend=BackendModel(backend="native")))
    scan.__panel__().get_root(Document())
    figures = _figures(scan)
    assert "arb-scan-heatmap" in figures
    for css, fig in figures.items():
        assert_tooltips_resolve(fig, css)


def test_log_toggle_switches_the_price_axis_without_recomputing(view, monkeypatch):
    fig = _figures(view)["arb-prices"]
    assert isinstance(fig.y_scale, LinearScale) and view.price_scale == "linear"
    calls = []
    compute = view.model.compute
    monkeypatch.setattr(
        view.model, "compute", lambda *a, **k: calls.append(a[0]) or compute(*a, **k)
    )
    view.price_scale_widget.value = "log"
    assert view.price_scale == "log"
    same = _figures(view)["arb-prices"]
    assert same is fig and isinstance(fig.y_scale, LogScale)  # the same figure, redrawn
    assert fig.y_range.start > 0
    view.price_scale_widget.value = "linear"
    assert isinstance(fig.y_scale, LinearScale)
    assert calls == []  # nothing was computed again


def test_in_and_out_of_sample_are_shaded(view):
    m = view.model
    dates = m.prices().index
    n = m.backtest().n_train
    split = {dates[0], dates[n], dates[-1]}
    for css in ("arb-prices", "arb-zscore", "arb-spread", "arb-equity", "arb-rolling-sharpe"):
        boxes = _figures(view)[css].select(BoxAnnotation)
        edges = {pd.Timestamp(b.left) for b in boxes} | {pd.Timestamp(b.right) for b in boxes}
        assert len(boxes) >= 2 and split <= edges, f"{css}: {edges}"


def test_walk_forward_folds_are_shaded(view):
    wf = view.model.walk_forward()
    fig = _figures(view)["arb-wf-equity"]
    # the test windows of all folds, split in two alternating shades
    quads = [
        r for r in fig.renderers if "left" in getattr(r.data_source, "data", {}) or "x0" in getattr(r.data_source, "data", {})
    ]  # fmt: skip
    n = sum(len(next(iter(r.data_source.data.values()))) for r in quads)
    assert len(wf.test_start) >= 2 and n == len(wf.test_start)


def test_drawdown_sits_under_the_prices_with_trade_markers_on_one_date_axis(view):
    panes = [p for p in view.__panel__().select(pn.pane.HoloViews) if p.linked_axes]
    order = [p.css_classes[0] for p in panes]
    assert order.index("arb-drawdown") == order.index("arb-prices") + 1
    figures = _figures(view)
    assert figures["arb-prices"].x_range is figures["arb-drawdown"].x_range
    bt = view.model.backtest()
    entries = {
        r.name or "": len(r.data_source.data.get("date", []))
        for r in figures["arb-prices"].renderers
        if type(getattr(r, "glyph", None)).__name__ == "Scatter"
    }
    assert sum(entries.values()) == len(bt.trades.entry) + int(bt.trades.closed.sum())


def test_trades_are_a_sortable_filterable_tabulator_of_the_export_frame(view):
    m = view.model
    table = view.trades_table
    assert isinstance(table, pn.widgets.Tabulator)
    pd.testing.assert_frame_equal(table.value, m.trades_frame())  # one source with the CSV
    assert set(TRADES_FORMATS) | set(TRADES_TEXT) <= set(table.header_filters)
    assert all(table.formatters[c] == {"type": "plaintext"} for c in TRADES_TEXT)
    assert table.formatters["P&L [fraction of capital]"].format == "+0.00%"
    assert table.formatters["P&L [fraction of capital]"].nan_format == "–"
    assert table.sortable is True  # every header sorts
    # a sort the user sets is applied by the widget (as a header click does)
    table.sorters = [{"field": "P&L [fraction of capital]", "dir": "desc"}]
    shown = table.current_view["P&L [fraction of capital]"].to_numpy()
    assert (np.diff(shown) <= 0).all() and len(shown) == len(table.value)
    table.sorters = []
    note = view.trades_note.object
    assert f'data-trades="{len(table.value)}"' in note
    before = table
    m.lookback = 30
    assert view.trades_table is before  # updated in place: sort and filters stay
    pd.testing.assert_frame_equal(table.value, m.trades_frame())
    m.lookback = 60


def test_the_rolling_sharpe_window_redraws_the_plot(view):
    m = view.model
    fig = _figures(view)["arb-rolling-sharpe"]
    m.sharpe_window = 21
    assert "21-day window" in fig.title.text
    curve = next(r for r in fig.renderers if "sharpe" in getattr(r.data_source, "data", {}))
    got = np.asarray(curve.data_source.data["sharpe"], dtype=float)
    np.testing.assert_array_equal(got, m.rolling_sharpe())
    m.sharpe_window = 63


def test_the_sharpe_window_tooltip_states_window_and_annualisation(view):
    tip = view.sharpe_window_help.value
    assert "default 63" in tip and "sqrt(252)" in tip and "trading days" in tip
    assert view.sharpe_window.value == view.model.sharpe_window == 63


def test_symbols_in_the_trades_note_are_escaped(view):
    from components.pair import trades_note_html

    frame = view.model.trades_frame()
    text = trades_note_html(frame, ("<img src=x onerror=alert(1)>", "B&B"))
    assert "<img" not in text and "&lt;img src=x" in text and "B&amp;B" in text
