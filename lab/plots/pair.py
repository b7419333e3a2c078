"""Figures of one pair's backtest (Mean reversion page and report): z-score with the strategy's
levels and trades, spread with the OU bands, equity and drawdown.

Each builder takes the :class:`~lab.analytics.backtest.BacktestResult` and the prices it was run
on (columns ``y`` and ``x``, dated rows), and returns an empty element of the same layers when
either is None, so a DynamicMap keeps its layers across updates.
"""

from __future__ import annotations

from typing import Any

import holoviews as hv
import numpy as np
import pandas as pd
from bokeh.models import NumeralTickFormatter

from lab.plots import style

LEVEL_COLOURS = {
    "entry short": style.SHORT,
    "entry long": style.LONG,
    "exit": style.NEUTRAL,
    "stop": "#f97316",
    "OU-optimal": style.BAND,
    "theta": style.NEUTRAL,
}
"""Colour of each kind of horizontal level."""

Z_KINDS = ("entry short", "entry long", "exit", "stop", "OU-optimal")
SPREAD_KINDS = ("theta", "OU-optimal")


def oos_span(bt: Any, dates: pd.DatetimeIndex) -> hv.VSpan:
    """Shaded out-of-sample region (from the first out-of-sample day to the end)."""
    return hv.VSpan(dates[bt.n_train], dates[-1]).opts(
        color=style.OUT_OF_SAMPLE,
        alpha=0.07,
        line_color=style.OUT_OF_SAMPLE,
        line_dash="dashed",
        line_width=1,
    )


def levels(values: list[tuple[float, str]], kinds: tuple[str, ...]) -> list[hv.HLines]:
    """One ``HLines`` glyph per kind (always all ``kinds``, empty when absent, so the overlay
    keeps its layers across updates)."""
    out = []
    for kind in kinds:
        found = [v for v, k in values if k == kind]
        out.append(
            hv.HLines(found, kdims=[hv.Dimension("level")]).opts(
                color=LEVEL_COLOURS[kind],
                line_width=1.2,
                line_dash="dotted" if kind in ("exit", "theta") else "dashed",
            )
        )
    return out


def z_plot(
    bt: Any,
    prices: pd.DataFrame | None,
    params: Any,
    names: tuple[str, str],
    bands: Any = None,
    show_bands: bool = True,
) -> hv.Overlay:
    """The z-score with the entry, exit, stop (and OU-optimal) levels and the trades.

    Parameters
    ----------
    bt : BacktestResult or None
    prices : DataFrame or None
        The rows the backtest ran on.
    params : PairParams
        The parameters the backtest used (its levels are drawn).
    names : (str, str)
        Symbols of ``y`` and ``x`` (for the title).
    bands : OUBands, optional
        OU-optimal bands; drawn when ``show_bands`` (z-levels, or USD bands when the
        parameters trade spread bands).
    """
    kd, vd = hv.Dimension("date"), hv.Dimension("z", label="z-score")
    opts = dict(
        framewise=True,
        height=280,
        xlabel="",
        padding=(0, 0.05),
        legend_position="top",
        legend_cols=4,
    )
    if bt is None or prices is None:
        empty = [hv.Scatter([], kd, vd, label=e) for e in ("long entry", "short entry", "exit")]
        return hv.Overlay(
            [
                hv.Curve([], kd, vd, label="z"),
                hv.VSpan(None, None),
                *levels([], Z_KINDS),
                *empty,
            ]
        ).opts(title="Z-score", **opts)
    p = params
    dates = prices.index
    z = bt.zscore
    lv = [
        (p.entry_z, "entry short"),
        (-p.entry_z, "entry long"),
        (p.exit_z, "exit"),
        (-p.exit_z, "exit"),
    ]
    if p.stop_z is not None:
        lv += [(p.stop_z, "stop"), (-p.stop_z, "stop")]
    spread_units = p.band_units == "spread"
    if show_bands and bands is not None:
        band = bands.band if spread_units else bands.entry_z
        lv += [(band, "OU-optimal"), (-band, "OU-optimal")]
    t = bt.trades
    closed = t.closed
    marks = {
        "long entry": (t.entry[t.direction > 0], style.LONG, "triangle"),
        "short entry": (t.entry[t.direction < 0], style.SHORT, "inverted_triangle"),
        "exit": (t.exit[closed], style.NEUTRAL, "x"),
    }
    markers = [
        hv.Scatter((dates[rows], z[rows]), kd, vd, label=e).opts(
            # an "x" is all outline: a white one vanished on the light theme's plot
            color=c, marker=mk, size=9, line_color=c if mk == "x" else "white",
            line_width=1.2 if mk == "x" else 0.4,
        )
        for e, (rows, c, mk) in marks.items()
    ]
    curve = hv.Curve((dates, z), kd, vd, label="z").opts(color=style.ACCENT, line_width=1.2)
    y, x = names
    if spread_units:
        title = (f"Spread {y} − {p.spread_beta:.4g}·{x} − {p.spread_mean:.4g} (USD; dashed: entry, stop "
                 "and OU-optimal (purple) bands; dotted: exit)")  # fmt: skip
    else:
        title = f"Z-score of {y} − β·{x} (lookback {p.lookback}; dashed: entry, stop and OU-optimal (purple) levels; dotted: exit)"
    ylabel = "deviation from the spread mean (USD)" if spread_units else "z-score"
    return hv.Overlay([curve, oos_span(bt, dates), *levels(lv, Z_KINDS), *markers]).opts(
        title=title, ylabel=ylabel, **opts
    )


def spread_plot(
    bt: Any, prices: pd.DataFrame | None, bands: Any, ou: Any, show_bands: bool = True
) -> hv.Overlay:
    """The spread ``y - beta_t x`` with the OU mean and the OU-optimal (Bertram) bands."""
    kd, vd = hv.Dimension("date"), hv.Dimension("spread", label="spread (USD)")
    opts = dict(framewise=True, height=240, xlabel="", padding=(0, 0.05), show_legend=False)
    title = "Spread y − β_t·x with the OU-optimal (Bertram) bands of the in-sample fit"
    if bt is None or prices is None:
        return hv.Overlay(
            [hv.Curve([], kd, vd), hv.VSpan(None, None), *levels([], SPREAD_KINDS)]
        ).opts(title=title, **opts)
    dates = prices.index
    spread = prices["y"].to_numpy() - bt.hedge_ratio * prices["x"].to_numpy()
    lv = []
    if ou is not None:
        lv.append((ou.theta, "theta"))
    if show_bands and bands is not None:
        lv += [(bands.entry, "OU-optimal"), (bands.exit, "OU-optimal")]
    curve = hv.Curve((dates, spread), kd, vd).opts(color=style.INK, line_width=1)
    return hv.Overlay([curve, oos_span(bt, dates), *levels(lv, SPREAD_KINDS)]).opts(
        title=title, **opts
    )


def equity_plot(bt: Any, prices: pd.DataFrame | None) -> hv.Overlay:
    """Equity (multiples of the initial capital, net of costs), in-sample and out-of-sample."""
    kd, vd = hv.Dimension("date"), hv.Dimension("equity", label="equity (x capital)")
    opts = dict(
        title="Equity, net of costs",
        framewise=True,
        height=240,
        xlabel="",
        padding=(0, 0.05),
        legend_position="top_left",
    )
    if bt is None or prices is None:
        return hv.Overlay(
            [
                hv.Curve([], kd, vd, label="in-sample"),
                hv.Curve([], kd, vd, label="out-of-sample"),
                hv.VSpan(None, None),
            ]
        ).opts(**opts)
    dates = prices.index
    n = bt.n_train
    eq = bt.equity
    ins = hv.Curve((dates[: n + 1], eq[: n + 1]), kd, vd, label="in-sample").opts(
        color=style.IN_SAMPLE, line_width=1.8
    )
    oos = hv.Curve((dates[n:], eq[n:]), kd, vd, label="out-of-sample").opts(
        color=style.OUT_OF_SAMPLE, line_width=1.8
    )
    return hv.Overlay([ins, oos, oos_span(bt, dates)]).opts(**opts)


def drawdown_plot(bt: Any, prices: pd.DataFrame | None) -> hv.Area:
    """Drawdown ``equity / running peak - 1`` (a fraction, <= 0)."""
    kd, vd = hv.Dimension("date"), hv.Dimension("drawdown", label="drawdown")
    opts = dict(color=style.SHORT, alpha=0.45, line_width=0.8, title="Drawdown from the running peak", framewise=True,
                height=180, yformatter=NumeralTickFormatter(format="0%"), xlabel="", padding=(0, 0.05),
                # an Area's columns are x and y: name them, or the tooltip shows ???
                hover_tooltips=[("date", "@x{%F}"), ("drawdown", "@y{0.00%}")],
                hover_formatters={"@x": "datetime"})  # fmt: skip
    if bt is None or prices is None:
        return hv.Area([], kd, vd).opts(**opts)
    eq = bt.equity
    dd = eq / np.maximum.accumulate(eq) - 1.0
    return hv.Area((prices.index, dd), kd, vd).opts(**opts)
