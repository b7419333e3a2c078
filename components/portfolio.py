"""The Portfolio page: optimal weights, the efficient frontier, risk contributions, a sparse
replication and the multi-period (cost-aware) path."""

from __future__ import annotations

from typing import Any

import holoviews as hv
import numpy as np
import pandas as pd
import panel as pn
import param

from components import format as fmt
from components import theme
from components._reactive import ErrorBar, bind, dmap, hv_pane
from components.export import download_button
from components.layout import page, panel_card, section
from lab.models.portfolio import PortfolioModel
from lab.plots import portfolio as portfolio_plots

METHOD_NAMES = {
    "max Sharpe (tangency)": "max_sharpe",
    "min variance": "min_variance",
    "risk parity": "risk_parity",
    "mean-variance (CARA)": "mean_variance",
    "equal weight": "equal_weight",
}


class PortfolioView(pn.viewable.Viewer):
    """Build portfolios of the selected symbols (the Portfolio page)."""

    model = param.ClassSelector(class_=PortfolioModel, doc="The portfolio model.")

    def __init__(self, **params: Any) -> None:
        if params.get("model") is None:
            params["model"] = PortfolioModel()
        super().__init__(**params)
        theme.setup()
        m = self.model
        self.errors = ErrorBar()
        slider = dict(throttled=True, sizing_mode="stretch_width")
        controls = [
            section("Optimiser"),
            pn.widgets.Select.from_param(m.param.method, options=METHOD_NAMES, label="Objective", sizing_mode="stretch_width"),
            pn.widgets.FloatSlider.from_param(m.param.risk_aversion, label="Risk aversion γ", visible=m.param.method.rx() == "mean_variance", **slider),
            pn.widgets.FloatSlider.from_param(m.param.risk_free, label="Risk-free rate", format="0.00%", **slider),
            pn.widgets.Checkbox.from_param(m.param.long_only, label="Long only"),
            pn.widgets.FloatSlider.from_param(m.param.max_weight, label="Max |weight| per asset", format="0%", **slider),
            pn.widgets.RadioButtonGroup.from_param(m.param.cov, options={"sample": "sample", "Ledoit-Wolf": "ledoit_wolf"}, sizing_mode="stretch_width", color="primary", variant="outline"),
            pn.widgets.IntSlider.from_param(m.param.n_points, label="Frontier points", **slider),
            section("Sparse replication"),
            pn.widgets.RadioButtonGroup.from_param(m.param.sparse_method, options={"lasso": "lasso", "elastic net": "elastic_net"}, sizing_mode="stretch_width", color="primary", variant="outline"),
            pn.widgets.FloatSlider.from_param(m.param.lam, label="Penalty (fraction of λ_max)", format="0.000", **slider),
            pn.widgets.FloatSlider.from_param(m.param.l1_ratio, label="Elastic-net l1 ratio", visible=m.param.sparse_method.rx() == "elastic_net", **slider),
            section("Multi-period"),
            pn.widgets.FloatSlider.from_param(m.param.mp_cost_bps, label="Quadratic cost (bps)", **slider),
            pn.widgets.IntSlider.from_param(m.param.mp_periods, label="Horizon (days)", **slider),
            theme.html('<div class="arb-note">Moments from daily simple returns over the dataset range; '
                       "annualised with 252 days.</div>", margin=(4, 10)),
        ]  # fmt: skip
        e = self.errors
        kpis = theme.html(bind(self._kpis, m.optimize, errors=e))
        weights = dmap(self._weights_plot, m.optimize, errors=e, name="weights")
        frontier = dmap(
            self._frontier_plot, m.frontier, m.optimize, m.asset_points, errors=e, name="frontier"
        )
        risk = dmap(self._risk_plot, m.optimize, errors=e, name="risk")
        sparse_kpis = theme.html(bind(self._sparse_kpis, m.sparse, errors=e))
        sparse = dmap(self._sparse_plot, m.sparse, errors=e, name="sparse")
        mp_kpis = theme.html(bind(self._mp_kpis, m.multi_period, errors=e))
        mp_paths = dmap(self._mp_paths, m.multi_period, errors=e, name="mp_paths")
        mp_turnover = dmap(self._mp_turnover, m.multi_period, errors=e, name="mp_turnover")
        hvp = dict(sizing_mode="stretch_width")
        body = [
            e,
            kpis,
            pn.Row(
                panel_card("Efficient frontier", hv_pane(frontier, css_classes=["arb-frontier"], **hvp)),
                panel_card("Weights", hv_pane(weights, css_classes=["arb-weights"], **hvp)),
                sizing_mode="stretch_width",
            ),
            panel_card("Risk contributions (share of portfolio volatility) vs weights", hv_pane(risk, **hvp)),
            pn.Row(
                panel_card("Sparse replication of the equal-weight index", sparse_kpis, hv_pane(sparse, **hvp)),
                panel_card("Multi-period path with trading costs vs myopic re-optimisation", mp_kpis,
                           hv_pane(mp_paths, **hvp), hv_pane(mp_turnover, **hvp)),
                sizing_mode="stretch_width",
            ),
        ]  # fmt: skip
        controls += [
            section("Export"),
            download_button(
                "portfolio-weights", m.weights_table, "csv", lambda: (m.method,), self.errors
            ),
        ]
        self._layout = page(
            "Portfolio",
            controls,
            body,
            intro="Fully invested portfolios of the selected symbols, optimised on the selected backend.",
            css_class="arb-page-portfolio",
        )

    # -- renderers --------------------------------------------------------------------------
    def _kpis(self, res: Any) -> str:
        if res is None:
            return ""
        w = np.asarray(res.weights)
        return fmt.kpis(
            [
                fmt.kpi(
                    "Expected return",
                    res.expected_return,
                    "{:+.1%}",
                    sub="annualised",
                    key="expected_return",
                    signed=True,
                ),
                fmt.kpi("Volatility", res.volatility, "{:.1%}", sub="annualised", key="volatility"),
                fmt.kpi("Sharpe", res.sharpe, "{:.2f}", key="portfolio_sharpe", signed=True),
                fmt.kpi(
                    "Holdings",
                    int(np.sum(np.abs(w) > 0.005)),
                    "{:d}",
                    sub="|w| > 0.5%",
                    key="holdings",
                ),
                fmt.kpi(
                    "engine", self.model.engine_of("optimize_portfolio") or "–", "{}", key="engine"
                ),
            ]
        )

    def _weights_plot(self, res: Any) -> hv.Overlay:
        return portfolio_plots.weights_plot(res)

    def _frontier_plot(self, front: Any, chosen: Any, assets: pd.DataFrame | None) -> hv.Overlay:
        return portfolio_plots.frontier_plot(front, chosen, assets, self.model.risk_free)

    def _risk_plot(self, res: Any) -> hv.Overlay:
        return portfolio_plots.risk_plot(res)

    def _sparse_kpis(self, res: Any) -> str:
        if res is None:
            return ""
        return fmt.kpis(
            [
                fmt.kpi(
                    "Selected",
                    res.n_selected,
                    "{:d}",
                    sub=f"of {len(res.assets)}",
                    key="n_selected",
                ),
                fmt.kpi("R²", res.r2, "{:.3f}", sub="in-sample", key="r2"),
                fmt.kpi(
                    "Tracking error",
                    res.tracking_error,
                    "{:.2%}",
                    sub="annualised",
                    key="tracking_error",
                ),
            ]
        )

    def _sparse_plot(self, res: Any) -> hv.Overlay:
        return portfolio_plots.sparse_plot(res)

    def _mp_kpis(self, res: Any) -> str:
        if res is None:
            return ""
        gain = res.net_utility - res.myopic_net_utility
        return fmt.kpis(
            [
                fmt.kpi(
                    "Net utility",
                    res.net_utility * 1e4,
                    "{:,.2f} bp",
                    sub="multi-period",
                    key="mp_net",
                ),
                fmt.kpi(
                    "Myopic",
                    res.myopic_net_utility * 1e4,
                    "{:,.2f} bp",
                    sub="re-optimised daily",
                    key="mp_myopic",
                ),
                fmt.kpi(
                    "Gain",
                    gain * 1e4,
                    "{:+,.2f} bp",
                    sub="from planning ahead",
                    key="mp_gain",
                    signed=True,
                ),
                fmt.kpi(
                    "Costs",
                    res.cost * 1e4,
                    "{:,.2f} bp",
                    sub=f"myopic {res.myopic_cost * 1e4:,.2f} bp",
                    key="mp_cost",
                ),
            ]
        )

    def _mp_paths(self, res: Any) -> hv.Overlay:
        return portfolio_plots.mp_paths(res)

    def _mp_turnover(self, res: Any) -> hv.Overlay:
        return portfolio_plots.mp_turnover(res)

    def __panel__(self) -> pn.viewable.Viewable:
        return self._layout
