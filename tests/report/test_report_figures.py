"""lab.report.figures: the report draws the pages' own plots (lab.plots), one presentation stack."""

from __future__ import annotations

import re
from pathlib import Path

import holoviews as hv

from lab.plots import portfolio as portfolio_plots
from lab.plots import regimes as regime_plots
from lab.report import figures
from lab.report import portfolio as report_portfolio
from lab.report import regimes as report_regimes

ROOT = Path(__file__).resolve().parents[2]


def _layers(element: hv.Element) -> list:
    """Each layer's type, label and data (an overlay's layers in order)."""
    items = element.values() if isinstance(element, hv.Overlay) else [element]
    return [(type(e).__name__, e.label, e.dframe()) for e in items]


def _same(a: hv.Element, b: hv.Element) -> bool:
    la, lb = _layers(a), _layers(b)
    return len(la) == len(lb) and all(
        ta == tb and na == nb and da.equals(db)
        for (ta, na, da), (tb, nb, db) in zip(la, lb, strict=True)
    )


def test_pair_plots_are_the_mean_reversion_pages(session, content):
    from components.pair import PairView

    view = PairView(model=session.pair)
    pair = session.pair
    bt, prices, bands = pair.backtest(), pair.prices(), pair.bands()
    got = figures.pair_figures(content)
    assert list(got) == ["zscore", "equity", "drawdown"]
    assert _same(got["zscore"], view._z_plot(bt, prices, bands, True))
    assert _same(got["equity"], view._equity_plot(bt, prices))
    assert _same(got["drawdown"], view._drawdown_plot(bt, prices))
    title = got["zscore"].opts.get().kwargs["title"]
    assert title.startswith(f"Z-score of {pair.y} − β·{pair.x} (lookback {pair.lookback};")


def test_section_plots_are_the_pages_builders(session, content):
    r = session.regimes
    fit, obs, rank = r.fit(), r.observations(), r.volatility_rank()
    plots = report_regimes.figures(content.analyses["regimes"])
    assert list(plots) == ["regimes_price", "regimes_filtered", "regimes_smoothed"]
    price = regime_plots.price_plot(fit, obs, r.level(), rank, "filtered")
    assert _same(plots["regimes_price"], price)
    assert _same(plots["regimes_smoothed"], regime_plots.prob_plot(fit, obs, rank, "smoothed"))
    p = session.portfolio
    pf = report_portfolio.figures(content.analyses["portfolio"])
    assert list(pf) == ["portfolio_weights", "portfolio_frontier"]
    assert _same(pf["portfolio_weights"], portfolio_plots.weights_plot(p.optimize()))
    front = portfolio_plots.frontier_plot(p.frontier(), p.optimize(), p.asset_points(), p.risk_free)
    assert _same(pf["portfolio_frontier"], front)


def test_render_names_the_figures_and_links_the_date_axes(content):
    models = figures.render(figures.pair_figures(content))
    assert [m.name for m in models] == ["zscore", "equity", "drawdown"]
    assert models[0].x_range is models[1].x_range is models[2].x_range
    assert all(type(m).__module__.startswith("bokeh.") for m in models)


def test_report_and_plots_use_no_private_bokeh_or_panel_attributes():
    pattern = re.compile(r"\b(?:pn|panel|bokeh|hv|holoviews)\.[\w.]*\._[a-z]")
    for folder in ("lab/report", "lab/plots"):
        for path in sorted((ROOT / folder).glob("*.py")):
            found = pattern.findall(path.read_text())
            assert not found, f"{path.relative_to(ROOT)} uses private attributes: {found}"
    assert not (ROOT / "lab" / "report" / "plots.py").exists()  # no second drawing stack
