"""Figures of the Options page: the strategy's P&L and its greeks against the spot."""

from __future__ import annotations

from typing import Any

import holoviews as hv
import numpy as np
import pandas as pd

from lab.plots import style


def payoff_plot(res: Any, spot: float, days: int) -> hv.Overlay:
    """P&L of an option strategy against the spot: at expiry (shaded gains and losses) and
    now, ``days`` days after the start; the current ``spot`` and the break-evens as lines."""
    kd, vd = hv.Dimension("spot"), hv.Dimension("pnl", label="P&L")
    if res is None:
        return hv.Overlay([hv.Curve([], kd, vd)]).opts(framewise=True)
    expiry = hv.Curve((res.spots, res.pnl_at_expiry), kd, vd, label="at expiry").opts(
        color=style.ACCENT, line_width=2.5
    )
    now = hv.Curve((res.spots, res.pnl_now), kd, vd, label=f"now (day {days})").opts(
        color=style.OUT_OF_SAMPLE, line_width=2, line_dash="dashed"
    )
    layers = [
        hv.Area((res.spots, np.maximum(res.pnl_at_expiry, 0)), kd, vd).opts(
            color=style.LONG, alpha=0.12, line_width=0
        ),
        hv.Area((res.spots, np.minimum(res.pnl_at_expiry, 0)), kd, vd).opts(
            color=style.SHORT, alpha=0.12, line_width=0
        ),
        expiry,
        now,
        hv.HLine(0).opts(color=style.NEUTRAL, line_width=1),
        hv.VLine(spot).opts(color=style.NEUTRAL, line_dash="dotted", line_width=1),
    ]
    for b in np.asarray(res.breakevens):
        layers.append(hv.VLine(float(b)).opts(color=style.BAND, line_dash="dashed", line_width=1))
    return hv.Overlay(layers).opts(framewise=True, height=360, legend_position="top_left")


def greek_plot(greek: str, label: str):
    """A builder of the curve of ``greek`` (a column of the greeks frame) against the spot."""

    def plot(frame: pd.DataFrame | None) -> hv.Curve:
        kd, vd = hv.Dimension("spot"), hv.Dimension(greek, label=label)
        if frame is None:
            return hv.Curve([], kd, vd).opts(framewise=True)
        return hv.Curve((frame["spot"], frame[greek]), kd, vd).opts(
            color=style.ACCENT, line_width=2, framewise=True, height=220, title=label
        )

    plot.__name__ = f"greek_{greek}"
    return plot
