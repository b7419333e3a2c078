"""Figures of the Portfolio page and report: weights, efficient frontier, risk shares, the
sparse replication and the multi-period path.

Each builder takes the analytics result it draws (None draws an empty plot of the same layers).
Returns and volatilities are annualised (252 days); weights are fractions of capital.
"""

from __future__ import annotations

from typing import Any

import holoviews as hv
import numpy as np
import pandas as pd
from bokeh.models import NumeralTickFormatter

from lab.plots import style
from lab.plots.charts import category_bars


def pct() -> NumeralTickFormatter:
    """A percent tick formatter. A new one per plot: a Bokeh model belongs to one document,
    and a shared instance fails in the second (another session, the exported report)."""
    return NumeralTickFormatter(format="0%")


def weights_plot(res: Any) -> hv.Overlay:
    """Weights of a :class:`~lab.analytics.portfolio.PortfolioResult`, largest first."""
    frame = pd.DataFrame({"asset": [], "weight": []})
    if res is not None:
        frame = pd.DataFrame(
            {"asset": list(res.assets), "weight": np.asarray(res.weights)}
        ).sort_values("weight", ascending=False)
    title = "" if res is None else f"{res.method.replace('_', ' ')} weights"
    return category_bars(
        frame["asset"], {"weight": frame["weight"]}, {"weight": style.ACCENT},
        category="asset", value="weight", value_format="0.0%",
    ).opts(xrotation=60, yformatter=pct(), height=360, title=title)  # fmt: skip


def frontier_plot(
    front: Any, chosen: Any, assets: pd.DataFrame | None, risk_free: float
) -> hv.Overlay:
    """The efficient frontier with the capital market line (from ``risk_free``, a rate a year),
    the assets, the max-Sharpe, min-variance and ``chosen`` portfolios (annualised)."""
    kd, vd = (
        hv.Dimension("volatility", label="annualised volatility"),
        hv.Dimension("expected_return", label="annualised return"),
    )
    if front is None or chosen is None or assets is None:
        return hv.Overlay([hv.Curve([], kd, vd)]).opts(framewise=True)
    ms, mv = front.max_sharpe, front.min_variance
    rf = risk_free
    curve = hv.Curve((front.volatilities, front.returns), kd, vd, label="efficient frontier").opts(
        color=style.ACCENT, line_width=2.5
    )
    top = max(float(np.max(front.volatilities)), float(assets["volatility"].max()))
    cml = hv.Curve(
        ([0, top], [rf, rf + ms.sharpe * top]), kd, vd, label="capital market line"
    ).opts(color=style.NEUTRAL, line_dash="dashed", line_width=1)
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
    ).opts(text_font_size="8pt", text_color=style.INK, yoffset=0.012)
    special = [
        hv.Scatter([(ms.volatility, ms.expected_return)], kd, vd, label="max Sharpe").opts(color=style.OUT_OF_SAMPLE, marker="star", size=18),
        hv.Scatter([(mv.volatility, mv.expected_return)], kd, vd, label="min variance").opts(color=style.LONG, marker="diamond", size=14),
        hv.Scatter([(chosen.volatility, chosen.expected_return)], kd, vd, label="chosen").opts(
            color=style.INK, marker="circle", size=13, fill_alpha=0, line_width=2.5
        ),
    ]  # fmt: skip
    return hv.Overlay([curve, cml, pts, labels, *special]).opts(
        framewise=True, height=360, xformatter=pct(), yformatter=pct(), legend_position="bottom_right",
        xlim=(0, top * 1.05),
    )  # fmt: skip


def risk_plot(res: Any) -> hv.Overlay:
    """Each asset's weight beside its share of the portfolio's volatility."""
    assets, w, rc = [], [], []
    if res is not None:
        assets, w = list(res.assets), np.asarray(res.weights)
        rc = np.asarray(res.risk_contributions) / res.volatility
    return category_bars(
        assets, {"weight": w, "risk share": rc},
        {"weight": style.ACCENT, "risk share": style.SHORT},
        category="asset", value="share", value_format="0.0%",
    ).opts(xrotation=60, yformatter=pct(), height=300, legend_position="top_right")  # fmt: skip


def sparse_plot(res: Any) -> hv.Overlay:
    """Normalised weights of the assets a sparse replication selected."""
    frame = pd.DataFrame({"asset": [], "weight": []})
    if res is not None:
        frame = pd.DataFrame(
            {"asset": list(res.assets), "weight": np.asarray(res.normalized_weights)}
        )
        frame = frame[frame["weight"].abs() > 0].sort_values("weight", ascending=False)
    return category_bars(
        frame["asset"], {"weight": frame["weight"]}, {"weight": style.LONG},
        category="asset", value="weight", value_format="0.0%",
    ).opts(xrotation=60, yformatter=pct(), height=280, title="normalised weights of the selected assets")  # fmt: skip


def mp_paths(res: Any) -> hv.Overlay:
    """Multi-period weights of the five assets that move most: optimal, myopic and aim."""
    kd, vd = hv.Dimension("period", label="day"), hv.Dimension("weight")
    if res is None:
        return hv.Overlay([hv.Curve([], kd, vd)]).opts(framewise=True)
    aim = np.asarray(res.aim)
    top = np.argsort(-np.abs(aim - np.asarray(res.initial)))[:5]
    periods = np.arange(0, len(res.weights) + 1)
    layers = []
    for c, i in enumerate(top):
        colour = style.SERIES_COLORS[c]
        opt = np.concatenate([[res.initial[i]], np.asarray(res.weights)[:, i]])
        myo = np.concatenate([[res.initial[i]], np.asarray(res.myopic_weights)[:, i]])
        layers.append(
            hv.Curve((periods, opt), kd, vd, label=res.assets[i]).opts(color=colour, line_width=2)
        )
        layers.append(
            hv.Curve((periods, myo), kd, vd).opts(color=colour, line_dash="dashed", line_width=1.2)
        )
        layers.append(hv.HLine(float(aim[i])).opts(color=colour, line_dash="dotted", line_width=1))
    return hv.Overlay(layers).opts(
        framewise=True, height=260, yformatter=pct(), legend_position="right",
        title="weights of the 5 largest moves: optimal (solid), myopic (dashed), aim (dotted)",
    )  # fmt: skip


def mp_turnover(res: Any) -> hv.Overlay:
    """Turnover per day of the multi-period path against the myopic one."""
    kd, vd = hv.Dimension("period", label="day"), hv.Dimension("turnover")
    if res is None:
        return hv.Overlay([hv.Curve([], kd, vd)]).opts(framewise=True)
    periods = np.arange(1, len(res.turnover) + 1)
    return (
        hv.Curve((periods, res.turnover), kd, vd, label="multi-period").opts(
            color=style.ACCENT, line_width=2
        )
        * hv.Curve((periods, res.myopic_turnover), kd, vd, label="myopic").opts(
            color=style.OUT_OF_SAMPLE, line_dash="dashed"
        )
    ).opts(
        framewise=True,
        height=200,
        yformatter=pct(),
        title="turnover per day",
        legend_position="top_right",
    )
