"""Figures of the Order book page: mid and microprice, spread, imbalance and depth.

Each builder takes the frame the page streams (``time`` in simulated seconds).
"""

from __future__ import annotations

import holoviews as hv
import pandas as pd

from lab.plots import style


def mid_plot(data: pd.DataFrame) -> hv.Overlay:
    """The mid price and the microprice over simulated time."""
    kd = hv.Dimension("time", label="simulated time (s)")
    return (
        hv.Curve(data, kd, hv.Dimension("mid", label="price"), label="mid").opts(
            color=style.ACCENT, line_width=1.6
        )
        * hv.Curve(data, kd, hv.Dimension("microprice", label="price"), label="microprice").opts(
            color=style.OUT_OF_SAMPLE, line_width=1, alpha=0.8
        )
    ).opts(height=260, responsive=True, legend_position="top_left", framewise=True)


def spread_plot(data: pd.DataFrame) -> hv.Curve:
    """The quoted spread in basis points (a step function)."""
    return hv.Curve(data, hv.Dimension("time", label="simulated time (s)"), "spread_bps").opts(
        color=style.BAND,
        height=200,
        responsive=True,
        framewise=True,
        interpolation="steps-post",
    )


def imbalance_plot(data: pd.DataFrame) -> hv.Area:
    """The top-of-book imbalance in [-1, 1]."""
    return hv.Area(data, hv.Dimension("time", label="simulated time (s)"), "imbalance").opts(
        color=style.LONG, alpha=0.5, height=200, responsive=True, framewise=True, ylim=(-1, 1)
    )


def depth_plot(data: pd.DataFrame) -> hv.Overlay:
    """Cumulative bid and ask quantity against the price."""
    kd, vd = hv.Dimension("price"), hv.Dimension("cum_qty", label="cumulative quantity")
    bids = data[data["side"] == "bid"].sort_values("price")
    asks = data[data["side"] == "ask"].sort_values("price")
    return (
        hv.Area((bids["price"], bids["cum_qty"]), kd, vd, label="bids").opts(
            color=style.LONG, alpha=0.5
        )
        * hv.Area((asks["price"], asks["cum_qty"]), kd, vd, label="asks").opts(
            color=style.SHORT, alpha=0.5
        )
    ).opts(height=300, responsive=True, framewise=True, legend_position="top")
