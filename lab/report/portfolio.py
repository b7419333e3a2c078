"""The report's portfolio section, read from a :class:`~lab.models.portfolio.PortfolioModel`.

It shows the chosen optimal portfolio (weights, risk contributions, expected return,
volatility, Sharpe) and the efficient frontier with the max-Sharpe and minimum-variance
portfolios; the sparse replication and the multi-period path are added when the session has
computed them (their analytics have run on this model).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from bokeh.models import ColumnDataSource, FactorRange, HoverTool, Legend, NumeralTickFormatter

from lab.format import number
from lab.report.plots import OUT_COLOR, base_figure
from lab.report.section import Section

TITLE = "Portfolio"

FUNCTIONS = ("optimize_portfolio", "efficient_frontier", "sparse_portfolio", "multi_period")
"""Analytics behind the section."""

PARAMS = ("method", "risk_free", "risk_aversion", "long_only", "max_weight", "cov", "n_points")
SPARSE_PARAMS = ("sparse_method", "lam", "l1_ratio")
MP_PARAMS = ("mp_cost_bps", "mp_periods")


def _summary(res: Any) -> dict[str, Any]:
    return {
        "method": res.method,
        "expected_return": res.expected_return,
        "volatility": res.volatility,
        "sharpe": res.sharpe,
        "weights": dict(zip(res.assets, np.asarray(res.weights, dtype=float), strict=True)),
        "risk_contributions": dict(
            zip(res.assets, np.asarray(res.risk_contributions, dtype=float), strict=True)
        ),
    }


def collect(model: Any) -> Section:
    """The portfolio section of ``model``'s current settings (computed through its cache)."""
    res = model.optimize()
    front = model.frontier()
    rets = model.returns()
    points = model.asset_points()
    assets = list(res.assets)
    weights = np.asarray(res.weights, dtype=float)
    rc = np.asarray(res.risk_contributions, dtype=float)
    share = rc / res.volatility if res.volatility > 0 else np.full_like(rc, np.nan)
    bounds = model.bounds()
    notes = [
        f"Objective {res.method} on the daily simple returns of {len(assets)} symbols, "
        f"{len(rets):,} days from {rets.index[0].date()} to {rets.index[-1].date()}; {model.cov} "
        f"covariance; weights in [{bounds[0]:g}, {bounds[1]:g}]; risk-free rate {model.risk_free:.2%}. "
        "Returns and volatilities are annualised (252 days)."
    ]
    data: dict[str, Any] = {
        "params": {p: getattr(model, p) for p in PARAMS},
        "engine": model.engine_of("optimize_portfolio"),
        "days": int(len(rets)),
        "portfolio": _summary(res),
        "frontier": {
            "points": int(len(front.returns)),
            "max_sharpe": _summary(front.max_sharpe),
            "min_variance": _summary(front.min_variance),
        },
    }
    summary_rows = [
        [
            name,
            number(p.expected_return, "{:+.2%}"),
            number(p.volatility, "{:.2%}"),
            number(p.sharpe, "{:.3f}"),
        ]
        for name, p in (
            (f"chosen ({res.method})", res),
            ("max Sharpe", front.max_sharpe),
            ("min variance", front.min_variance),
        )
    ]
    order = [i for i in np.argsort(-np.abs(weights), kind="stable") if weights[i] != 0.0]
    weight_rows = [
        [assets[i], number(weights[i], "{:+.2%}"), number(share[i], "{:.1%}")] for i in order
    ]
    zero = [assets[i] for i in range(len(assets)) if weights[i] == 0.0]
    if zero:
        weight_rows.append([f"{len(zero)} at zero: {', '.join(zero)}", "0", "0"])
    tables = {
        "Portfolios": (["portfolio", "expected return", "volatility", "Sharpe"], summary_rows),
        "Weights of the chosen portfolio": (["asset", "weight", "share of risk"], weight_rows),
    }
    if model.engine_of("sparse_portfolio"):
        sp = model.sparse()
        data["sparse"] = {
            "params": {p: getattr(model, p) for p in SPARSE_PARAMS},
            "selected": list(sp.selected),
            "weights": dict(
                zip(sp.assets, np.asarray(sp.normalized_weights, dtype=float), strict=True)
            ),
            "r2": sp.r2,
            "tracking_error": sp.tracking_error,
            "n_selected": sp.n_selected,
        }
        tables["Sparse replication of the equal-weight index"] = (
            ["method", "assets held", "R²", "tracking error (annual)"],
            [
                [
                    sp.method,
                    f"{sp.n_selected}: {', '.join(sp.selected)}",
                    number(sp.r2, "{:.4f}"),
                    number(sp.tracking_error, "{:.2%}"),
                ]
            ],
        )
    if model.engine_of("multi_period"):
        mp = model.multi_period()
        data["multi_period"] = {
            "params": {p: getattr(model, p) for p in MP_PARAMS},
            "net_utility": mp.net_utility,
            "gross_utility": mp.gross_utility,
            "cost": mp.cost,
            "myopic_net_utility": mp.myopic_net_utility,
            "myopic_gross_utility": mp.myopic_gross_utility,
            "myopic_cost": mp.myopic_cost,
        }
        tables["Multi-period trading with quadratic costs (Garleanu-Pedersen) vs myopic"] = (
            ["path", "net utility", "gross utility", "trading cost", "total turnover"],
            [
                [
                    "multi-period",
                    number(mp.net_utility, "{:.6f}"),
                    number(mp.gross_utility, "{:.6f}"),
                    number(mp.cost, "{:.6f}"),
                    number(float(np.sum(mp.turnover)), "{:.3f}"),
                ],
                [
                    "myopic",
                    number(mp.myopic_net_utility, "{:.6f}"),
                    number(mp.myopic_gross_utility, "{:.6f}"),
                    number(mp.myopic_cost, "{:.6f}"),
                    number(float(np.sum(mp.myopic_turnover)), "{:.3f}"),
                ],
            ],
        )
    return Section(
        title=TITLE,
        data=data,
        tables=tables,
        series={
            "assets": assets,
            "weights": weights,
            "frontier_vol": np.asarray(front.volatilities, dtype=float),
            "frontier_ret": np.asarray(front.returns, dtype=float),
            "asset_vol": points["volatility"].to_numpy(dtype=float),
            "asset_ret": points["expected_return"].to_numpy(dtype=float),
            "asset_names": [str(a) for a in points.index],
            "chosen": (res.volatility, res.expected_return, res.method),
            "max_sharpe": (front.max_sharpe.volatility, front.max_sharpe.expected_return),
            "min_variance": (front.min_variance.volatility, front.min_variance.expected_return),
        },
        notes=tuple(notes),
    )


def figures(section: Section) -> list:
    """Weights of the chosen portfolio, and the efficient frontier with the portfolios."""
    s = section.series
    assets = [str(a) for a in s["assets"]]
    w = s["weights"]
    bars = base_figure(
        "portfolio_weights", "Weights of the chosen portfolio", "weight", x_axis_type="auto",
        x_range=FactorRange(*assets), height=240,
    )  # fmt: skip
    src = ColumnDataSource(
        {"asset": assets, "weight": w, "color": np.where(w >= 0, OUT_COLOR, "#dc2626").tolist()}
    )
    bars.vbar(x="asset", top="weight", width=0.8, color="color", source=src)
    bars.yaxis.formatter = NumeralTickFormatter(format="0%")
    bars.xaxis.major_label_orientation = 0.8
    bars.add_tools(HoverTool(tooltips=[("asset", "@asset"), ("weight", "@weight{+0.00%}")]))

    front = base_figure(
        "portfolio_frontier",
        "Efficient frontier (annualised)",
        "expected return",
        x_axis_type="linear",
        height=320,
    )
    front.xaxis.axis_label = "volatility"
    front.xaxis.formatter = NumeralTickFormatter(format="0%")
    front.yaxis.formatter = NumeralTickFormatter(format="0%")
    r_front = front.line(s["frontier_vol"], s["frontier_ret"], color=OUT_COLOR, line_width=2)
    asrc = ColumnDataSource(
        {"vol": s["asset_vol"], "ret": s["asset_ret"], "asset": s["asset_names"]}
    )
    r_assets = front.scatter("vol", "ret", source=asrc, size=6, color="#94a3b8")
    front.add_tools(
        HoverTool(
            renderers=[r_assets],
            tooltips=[("asset", "@asset"), ("volatility", "@vol{0.0%}"), ("return", "@ret{0.0%}")],
        )
    )
    vol, ret, method = s["chosen"]
    r_chosen = front.scatter([vol], [ret], size=13, marker="star", color="#d97706")
    r_ms = front.scatter(
        [s["max_sharpe"][0]], [s["max_sharpe"][1]], size=9, marker="diamond", color="#16a34a"
    )
    r_mv = front.scatter(
        [s["min_variance"][0]], [s["min_variance"][1]], size=9, marker="square", color="#9333ea"
    )
    front.add_layout(
        Legend(
            items=[("frontier", [r_front]), ("assets", [r_assets]), (f"chosen ({method})", [r_chosen]),
                   ("max Sharpe", [r_ms]), ("min variance", [r_mv])],
            location="top_left", click_policy="hide", label_text_font_size="11px",
        )
    )  # fmt: skip
    return [bars, front]
