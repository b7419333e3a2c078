"""Every page's Viewer builds from its model, renders, and reacts to its widgets headless."""

from __future__ import annotations

import datetime as dt

import pytest
from bokeh.document import Document

from components import (
    BackendView,
    DatasetView,
    DataView,
    OptionsView,
    OrderBookView,
    PairScanView,
    PairView,
    PortfolioView,
    RegimeView,
)
from components import app as app_module
from components.app import PAGES, LabApp
from components.backend import status_html
from lab.models import LabSession


@pytest.fixture(scope="module")
def session() -> LabSession:
    return LabSession(start=dt.date(2020, 1, 1), symbols=["KO", "PEP", "XOM", "CVX", "JNJ", "PG"])


def _render(view) -> None:
    view.__panel__().get_root(Document())


@pytest.mark.parametrize(
    "factory",
    [
        lambda s: DataView(model=s.stats),
        lambda s: PairScanView(model=s.scan, pair=s.pair),
        lambda s: PairView(model=s.pair),
        lambda s: RegimeView(model=s.regimes),
        lambda s: PortfolioView(model=s.portfolio),
        lambda s: OptionsView(model=s.options),
        lambda s: OrderBookView(model=s.orderbook),
        lambda s: BackendView(model=s.backend),
        lambda s: DatasetView(model=s.dataset),
    ],
    ids=[
        "data",
        "pairs",
        "pair",
        "regimes",
        "portfolio",
        "options",
        "orderbook",
        "backend",
        "dataset",
    ],
)
def test_views_render_without_errors(session, factory):
    view = factory(session)
    _render(view)
    assert getattr(view, "errors", None) is None or view.errors.messages == []


def test_a_view_without_a_model_builds_its_own():
    view = PairView()
    assert view.model.y == "KO" and view.model.dataset.source == "sp500"
    assert PairView().model is not view.model


def test_pair_view_sweep_click_sets_the_parameters(session):
    view = PairView(model=session.pair)
    session.pair.param.update(sweep_steps=5, sweep_lookbacks=(20, 100), sweep_entry_zs=(1.0, 3.0))
    view._on_sweep_tap(x=2.45, y=61.0)
    assert (session.pair.lookback, session.pair.entry_z) == (60, 2.5)


def test_pair_view_stop_loss_widgets_round_trip(session):
    view = PairView(model=session.pair)
    view._stop_value.value = 3.5
    view._stop_on.value = True
    assert session.pair.stop_z == 3.5 and view._stop_value.visible
    view._stop_on.value = False
    assert session.pair.stop_z is None
    session.pair.stop_z = 4.5
    assert view._stop_on.value and view._stop_value.value == 4.5
    session.pair.stop_z = None


def test_scan_view_selection(session):
    picked = []
    view = PairScanView(
        model=session.scan, pair=session.pair, on_select=lambda y, x: picked.append((y, x))
    )
    view._on_tap(x="PEP", y="KO")
    view._on_tap(x="KO", y="KO")  # the diagonal is not a pair
    assert picked == [("KO", "PEP")]
    plain = PairScanView(model=session.scan, pair=session.pair)
    plain.select("XOM", "CVX")
    assert (session.pair.y, session.pair.x) == ("XOM", "CVX")
    session.pair.param.update(y="KO", x="PEP")


def test_scan_heatmap_plots_each_pairs_own_test_in_one_symbol_order(session):
    view = PairScanView(model=session.scan, pair=session.pair)
    matrix = session.scan.matrix()
    heat = view._heatmap(matrix, "pvalue")
    symbols = [str(s) for s in matrix.columns]
    assert heat.kdims[0].values == symbols and heat.kdims[1].values == symbols
    cells = {(y, x): p for x, y, p in heat.dframe().itertuples(index=False)}
    ranked = session.scan.ranked()
    assert len(cells) == len(ranked)  # one cell per scanned ordered pair, none mirrored
    for _, row in ranked.iterrows():
        # the cell (y, x) shows the p-value of the pair the click opens
        session.pair.param.update(y=row["y"], x=row["x"])
        assert cells[(row["y"], row["x"])] == pytest.approx(session.pair.coint().pvalue, rel=1e-9)
        assert (row["x"], row["y"]) not in cells
    session.pair.param.update(y="KO", x="PEP")


def test_options_view_edits_and_adds_legs(session):
    view = OptionsView(model=session.options)
    legs = view.legs_table.value.copy()
    legs.loc[0, "quantity"] = 2.0
    view.legs_table.value = legs
    view._on_edit(None)
    assert session.options.legs.loc[0, "quantity"] == 2.0
    n = len(session.options.legs)
    view._add_leg(None)
    assert len(session.options.legs) == n + 1 and len(view.legs_table.value) == n + 1
    view._remove_leg(None)
    assert len(session.options.legs) == n


def test_order_book_view_ticks_into_its_streams(session):
    view = OrderBookView(model=session.orderbook)
    rows = len(view.buffer.data)
    view.tick()
    assert len(view.buffer.data) > rows
    assert 'data-metric="ob_mid"' in view.kpis.object
    view._reset(None)
    assert session.orderbook.position == session.orderbook.speed


def test_status_light_escapes_and_tags_the_level():
    html = status_html("grpc", "unavailable: <refused>; running native", "fallback", "native")
    assert (
        'data-level="fallback"' in html and "&lt;refused&gt;" in html and "arb-dot fallback" in html
    )


def test_app_builds_pages_on_first_visit(session):
    app = LabApp(session=session)
    assert list(app.pages) == ["Data"]
    app.show("Options")
    assert app.tabs.active == PAGES.index("Options") and "Options" in app.pages
    app.open_pair("XOM", "CVX")
    assert app.tabs.active == PAGES.index("Mean reversion")
    assert (session.pair.y, session.pair.x) == ("XOM", "CVX")
    assert [type(o).__name__ for o in app.extensions] == ["ReportButton"]
    session.pair.param.update(y="KO", x="PEP")


def test_a_page_that_fails_to_build_shows_why(session, monkeypatch):
    def broken(app):
        raise RuntimeError("no such workload")

    monkeypatch.setitem(app_module.FACTORIES, "Regimes", broken)
    app = LabApp(session=session)
    app.show("Regimes")
    alert = app._slots["Regimes"][0]
    assert "Regimes page could not be built" in alert.object and "no such workload" in alert.object
    app.show("Options")  # the rest keeps working
    assert "Options" in app.pages


def test_pair_view_reports_the_selection_honesty_of_sweep_and_walk_forward(session):
    from components.pair import DSR_THRESHOLD, sweep_honesty_html, walk_forward_html

    pair = session.pair
    pair.param.update(sweep_steps=4, wf_steps=2, wf_train=400, wf_test=250)
    sweep = pair.sweep()
    note = sweep_honesty_html(sweep)
    assert f'data-trials="{sweep.n_trials}"' in note
    assert f'data-dsr="{sweep.best_dsr:.6f}"' in note
    assert ("arb-warning" in note) == (not sweep.best_dsr >= DSR_THRESHOLD)
    evaluated = pair.evaluated()
    text = walk_forward_html(evaluated)
    wf = evaluated[0]
    assert f"Deflated Sharpe ({int(wf.metrics['n_trials'])} trials)" in text
    assert 'data-wf="pbo"' in text and text.count("<tr>") >= len(wf.test_start)
    pair.evaluation = "split"
    assert pair.evaluated() is None and walk_forward_html(None) == ""


def test_regime_view_walk_forward_card_and_labels(session):
    from components.regimes import COLOUR_BY, PROB_TITLES

    view = RegimeView(model=session.regimes)
    assert "filtered given full-sample parameters" in COLOUR_BY
    assert "full-sample parameters" in PROB_TITLES["filtered"]
    assert "causal" in PROB_TITLES["walk_forward"] and "causal" not in PROB_TITLES["filtered"]
    session.regimes.param.update(walk_forward=True, wf_window=252, wf_refit_every=126, n_init=1)
    view.colour_by = "walk_forward"
    _render(view)
    assert view.errors.messages == []
    fit = session.regimes.fit()
    assert fit.mode == "walk_forward" and fit.refit_rows[0] == 252
    plot = view._prob_plot(
        fit, session.regimes.observations(), session.regimes.volatility_rank(), "walk_forward"
    )
    assert plot.opts.get().kwargs["title"] == PROB_TITLES["walk_forward"]
    session.regimes.param.update(walk_forward=False, n_init=3)
    view.colour_by = "filtered"


def test_pair_view_execution_widgets_reach_the_model(session):
    view = PairView(model=session.pair)
    view._vol_value.value = 0.15
    view._vol_on.value = True
    assert session.pair.vol_target == 0.15
    session.pair.param.update(sizing="dollar_neutral", rebalance_every=10)
    params = session.pair.params()
    assert (params.sizing, params.rebalance_every, params.vol_target) == (
        "dollar_neutral",
        10,
        0.15,
    )
    res = session.pair.backtest()
    assert res.exposure.in_sample["rebalances"] + res.exposure.out_of_sample["rebalances"] > 0
    view._vol_on.value = False
    assert session.pair.vol_target is None
    session.pair.param.update(sizing="shares_from_hedge", rebalance_every=0)


def test_drawdown_tooltip_names_columns_the_plot_has(session):
    """The drawdown tooltip showed ??? (it named columns an Area does not have, and an area
    glyph has no row to show): a line carries it, naming its own columns."""
    import holoviews as hv
    from bokeh.models import HoverTool

    view = PairView(model=session.pair)
    overlay = view._drawdown_plot(session.pair.backtest(), session.pair.prices())
    fig = hv.renderer("bokeh").get_plot(overlay).state
    hovers = [t for t in fig.tools if isinstance(t, HoverTool)]
    assert hovers, "the drawdown plot has no hover tool"
    for tool in hovers:
        assert tool.renderers and tool.renderers != "auto"
        for renderer in tool.renderers:
            assert type(renderer.glyph).__name__ == "Line"
            columns = set(renderer.data_source.data)
            for _, field in tool.tooltips:
                name = (
                    field.split("{")[1].split("}")[0]
                    if field.startswith("@{")
                    else field.split("{")[0].lstrip("@")
                )
                assert name in columns, (
                    f"tooltip field {field} is not a column of {sorted(columns)}"
                )
