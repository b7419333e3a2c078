"""The report's portfolio section, read from a :class:`~lab.models.portfolio.PortfolioModel`.

It shows the chosen optimal portfolio (weights, risk contributions, expected return,
volatility, Sharpe) and the efficient frontier with the max-Sharpe and minimum-variance
portfolios (the Portfolio page's plots, :mod:`lab.plots.portfolio`); the sparse replication and the multi-period path are added when the session has
computed them (their analytics have run on this model).
"""

from __future__ import annotations

from typing import Any

import holoviews as hv
import numpy as np

from lab.format import number
from lab.plots import portfolio as portfolio_plots
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
            "result": res,
            "frontier": front,
            "asset_points": points,
            "risk_free": model.risk_free,
        },
        notes=tuple(notes),
    )


def figures(section: Section) -> dict[str, hv.Element]:
    """The Portfolio page's weights of the chosen portfolio and its efficient frontier."""
    s = section.series
    res = s["result"]
    return {
        "portfolio_weights": portfolio_plots.weights_plot(res),
        "portfolio_frontier": portfolio_plots.frontier_plot(
            s["frontier"], res, s["asset_points"], s["risk_free"]
        ),
    }
