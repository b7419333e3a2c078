"""The Portfolio page: optimal weights, the efficient frontier, risk contributions, a sparse
replication and the multi-period (cost-aware) path."""

from __future__ import annotations

from typing import Any

import holoviews as hv
import numpy as np
import pandas as pd
import panel as pn
import param
from bokeh.models import NumeralTickFormatter

from components import format as fmt
from components import theme
from components._reactive import ErrorBar, bind, dmap, hv_pane
from components.charts import category_bars
from components.layout import page, panel_card, section
from lab.models.portfolio import PortfolioModel

METHOD_NAMES = {
    "max Sharpe (tangency)": "max_sharpe",
    "min variance": "min_variance",
    "risk parity": "risk_parity",
    "mean-variance (CARA)": "mean_variance",
    "equal weight": "equal_weight",
}

PCT = NumeralTickFormatter(format="0%")


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
        frame = pd.DataFrame({"asset": [], "weight": []})
        if res is not None:
            frame = pd.DataFrame(
                {"asset": list(res.assets), "weight": np.asarray(res.weights)}
            ).sort_values("weight", ascending=False)
        title = "" if res is None else f"{res.method.replace('_', ' ')} weights"
        return category_bars(
            frame["asset"], {"weight": frame["weight"]}, {"weight": theme.ACCENT},
            category="asset", value="weight", value_format="0.0%",
        ).opts(xrotation=60, yformatter=PCT, height=360, title=title)  # fmt: skip

    def _frontier_plot(self, front: Any, chosen: Any, assets: pd.DataFrame | None) -> hv.Overlay:
        kd, vd = (
            hv.Dimension("volatility", label="annualised volatility"),
            hv.Dimension("expected_return", label="annualised return"),
        )
        if front is None or chosen is None or assets is None:
            return hv.Overlay([hv.Curve([], kd, vd)]).opts(framewise=True)
        ms, mv = front.max_sharpe, front.min_variance
        rf = self.model.risk_free
        curve = hv.Curve(
            (front.volatilities, front.returns), kd, vd, label="efficient frontier"
        ).opts(color=theme.ACCENT, line_width=2.5)
        top = max(float(np.max(front.volatilities)), float(assets["volatility"].max()))
        cml = hv.Curve(
            ([0, top], [rf, rf + ms.sharpe * top]), kd, vd, label="capital market line"
        ).opts(color=theme.NEUTRAL, line_dash="dashed", line_width=1)
        table = pd.DataFrame(
            {"volatility": assets["volatility"].to_numpy(), "expected_return": assets["expected_return"].to_numpy(),
             "symbol": [str(s) for s in assets.index]}
        )  # fmt: skip
        pts = hv.Points(table, [kd, vd], ["symbol"]).opts(color="#94a3b8", size=6, tools=["hover"])
        labels = hv.Labels(
            (
                assets["volatility"].to_numpy(),
                assets["expected_return"].to_numpy(),
                [str(s) for s in assets.index],
            ),
            [kd, vd],
            "symbol",
        ).opts(text_font_size="8pt", text_color="#cbd5e1", yoffset=0.012)
        special = [
            hv.Scatter([(ms.volatility, ms.expected_return)], kd, vd, label="max Sharpe").opts(color=theme.OUT_OF_SAMPLE, marker="star", size=18),
            hv.Scatter([(mv.volatility, mv.expected_return)], kd, vd, label="min variance").opts(color=theme.LONG, marker="diamond", size=14),
            hv.Scatter([(chosen.volatility, chosen.expected_return)], kd, vd, label="chosen").opts(
                color="white", marker="circle", size=13, fill_alpha=0, line_width=2.5
            ),
        ]  # fmt: skip
        return hv.Overlay([curve, cml, pts, labels, *special]).opts(
            framewise=True, height=360, xformatter=PCT, yformatter=PCT, legend_position="bottom_right",
            xlim=(0, top * 1.05),
        )  # fmt: skip

    def _risk_plot(self, res: Any) -> hv.Overlay:
        assets, w, rc = [], [], []
        if res is not None:
            assets, w = list(res.assets), np.asarray(res.weights)
            rc = np.asarray(res.risk_contributions) / res.volatility
        return category_bars(
            assets, {"weight": w, "risk share": rc},
            {"weight": theme.ACCENT, "risk share": theme.SHORT},
            category="asset", value="share", value_format="0.0%",
        ).opts(xrotation=60, yformatter=PCT, height=300, legend_position="top_right")  # fmt: skip

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
        frame = pd.DataFrame({"asset": [], "weight": []})
        if res is not None:
            frame = pd.DataFrame(
                {"asset": list(res.assets), "weight": np.asarray(res.normalized_weights)}
            )
            frame = frame[frame["weight"].abs() > 0].sort_values("weight", ascending=False)
        return category_bars(
            frame["asset"], {"weight": frame["weight"]}, {"weight": theme.LONG},
            category="asset", value="weight", value_format="0.0%",
        ).opts(xrotation=60, yformatter=PCT, height=280, title="normalised weights of the selected assets")  # fmt: skip

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
        kd, vd = hv.Dimension("period", label="day"), hv.Dimension("weight")
        if res is None:
            return hv.Overlay([hv.Curve([], kd, vd)]).opts(framewise=True)
        aim = np.asarray(res.aim)
        top = np.argsort(-np.abs(aim - np.asarray(res.initial)))[:5]
        periods = np.arange(0, len(res.weights) + 1)
        layers = []
        for c, i in enumerate(top):
            colour = theme.SERIES_COLORS[c]
            opt = np.concatenate([[res.initial[i]], np.asarray(res.weights)[:, i]])
            myo = np.concatenate([[res.initial[i]], np.asarray(res.myopic_weights)[:, i]])
            layers.append(
                hv.Curve((periods, opt), kd, vd, label=res.assets[i]).opts(
                    color=colour, line_width=2
                )
            )
            layers.append(
                hv.Curve((periods, myo), kd, vd).opts(
                    color=colour, line_dash="dashed", line_width=1.2
                )
            )
            layers.append(
                hv.HLine(float(aim[i])).opts(color=colour, line_dash="dotted", line_width=1)
            )
        return hv.Overlay(layers).opts(
            framewise=True, height=260, yformatter=PCT, legend_position="right",
            title="weights of the 5 largest moves: optimal (solid), myopic (dashed), aim (dotted)",
        )  # fmt: skip

    def _mp_turnover(self, res: Any) -> hv.Overlay:
        kd, vd = hv.Dimension("period", label="day"), hv.Dimension("turnover")
        if res is None:
            return hv.Overlay([hv.Curve([], kd, vd)]).opts(framewise=True)
        periods = np.arange(1, len(res.turnover) + 1)
        return (
            hv.Curve((periods, res.turnover), kd, vd, label="multi-period").opts(
                color=theme.ACCENT, line_width=2
            )
            * hv.Curve((periods, res.myopic_turnover), kd, vd, label="myopic").opts(
                color=theme.OUT_OF_SAMPLE, line_dash="dashed"
            )
        ).opts(
            framewise=True,
            height=200,
            yformatter=PCT,
            title="turnover per day",
            legend_position="top_right",
        )

    def __panel__(self) -> pn.viewable.Viewable:
        return self._layout
