"""Figures of one pair's backtest (Mean reversion page and report): the legs' prices with the
trades, z-score with the strategy's levels and trades, spread with the OU bands, equity,
drawdown, rolling Sharpe ratio, the hedge ratio traded and the walk-forward equity.

Every figure has a hover tooltip naming each value with its unit (:func:`hover`), and the
in-sample and out-of-sample rows are shaded (:func:`sample_spans`) on the price, z-score,
spread, equity, rolling Sharpe and hedge plots.

Each builder takes the :class:`~lab.analytics.backtest.BacktestResult` and the prices it was run
on (columns ``y`` and ``x``, dated rows), and returns an empty element of the same layers when
either is None, so a DynamicMap keeps its layers across updates.
"""

from __future__ import annotations

from typing import Any

import holoviews as hv
import numpy as np
import pandas as pd
from bokeh.models import (
    BasicTicker,
    BasicTickFormatter,
    LinearScale,
    LogScale,
    LogTicker,
    NumeralTickFormatter,
)

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


DATE_TOOLTIP = ("date", "@{date}{%F}")
"""The date row of every time-series tooltip (ISO date)."""


def hover(*rows: tuple[str, str, str], date: bool = True) -> dict[str, Any]:
    """Options of a hover tooltip naming each value with its unit.

    Parameters
    ----------
    *rows : (label, field, format)
        One tooltip row per value: the label shown (with its unit), the column of the
        element's data (its dimension's name) and a ``numeral.js`` format such as ``"0.000"``
        (``""``: the value as it is). ``%`` formats show fractions as percentages.
    date : bool
        Start with the ISO date of the ``date`` column (:data:`DATE_TOOLTIP`), and show the
        row under the mouse's date (``hover_mode="vline"``).
    """
    tips = [DATE_TOOLTIP] if date else []
    tips += [(label, f"@{{{field}}}" + (f"{{{fmt}}}" if fmt else "")) for label, field, fmt in rows]
    out: dict[str, Any] = {"tools": ["hover"], "hover_tooltips": tips}
    if date:  # a time series: the tooltip follows the mouse's date, anywhere over the plot
        out["hover_formatters"] = {"@{date}": "datetime"}
        out["hover_mode"] = "vline"
    return out


SAMPLE_ALPHA = {"in-sample": 0.05, "out-of-sample": 0.08}
"""Opacity of the shading of each segment."""


def sample_spans(bt: Any = None, dates: pd.DatetimeIndex | None = None) -> list[hv.VSpan]:
    """The shaded in-sample (rows ``0 .. n_train - 1``) and out-of-sample (``n_train ..``)
    regions of the backtest's split (``PairParams.train_fraction``); two empty spans without a
    backtest, so an overlay keeps its layers."""
    colours = {"in-sample": style.IN_SAMPLE, "out-of-sample": style.OUT_OF_SAMPLE}
    if bt is None or dates is None or len(dates) == 0:
        bounds = {"in-sample": (None, None), "out-of-sample": (None, None)}
    else:
        n = min(max(int(bt.n_train), 0), len(dates) - 1)
        bounds = {"in-sample": (dates[0], dates[n]), "out-of-sample": (dates[n], dates[-1])}
    return [
        hv.VSpan(*bounds[k]).opts(
            color=colours[k],
            alpha=SAMPLE_ALPHA[k],
            line_color=colours[k],
            line_dash="dashed",
            line_width=1 if k == "out-of-sample" else 0,
        )
        for k in colours
    ]


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
    spread_units = params is not None and params.band_units == "spread"
    z_tips = hover(("deviation (USD)", "z", "0.000") if spread_units else ("z-score", "z", "0.00"))
    opts = dict(
        framewise=True,
        height=280,
        xlabel="",
        padding=(0, 0.05),
        legend_position="top",
        legend_cols=4,
    )
    if bt is None or prices is None:
        empty = [
            hv.Scatter([], kd, vd, label=e).opts(**z_tips)
            for e in ("long entry", "short entry", "exit")
        ]
        return hv.Overlay(
            [
                hv.Curve([], kd, vd, label="z").opts(**z_tips),
                *sample_spans(),
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
            color=c, marker=mk, size=9, **style.marker_outline(c, mk), **z_tips
        )
        for e, (rows, c, mk) in marks.items()
    ]
    curve = hv.Curve((dates, z), kd, vd, label="z").opts(
        color=style.ACCENT, line_width=1.2, **z_tips
    )
    y, x = names
    if spread_units:
        title = (f"Spread {y} − {p.spread_beta:.4g}·{x} − {p.spread_mean:.4g} (USD; dashed: entry, stop "
                 "and OU-optimal (purple) bands; dotted: exit)")  # fmt: skip
    else:
        title = f"Z-score of {y} − β·{x} (lookback {p.lookback}; dashed: entry, stop and OU-optimal (purple) levels; dotted: exit)"
    ylabel = "deviation from the spread mean (USD)" if spread_units else "z-score"
    return hv.Overlay([curve, *sample_spans(bt, dates), *levels(lv, Z_KINDS), *markers]).opts(
        title=title, ylabel=ylabel, **opts
    )


def spread_plot(
    bt: Any, prices: pd.DataFrame | None, bands: Any, ou: Any, show_bands: bool = True
) -> hv.Overlay:
    """The spread ``y - beta_t x`` with the OU mean and the OU-optimal (Bertram) bands."""
    kd, vd = hv.Dimension("date"), hv.Dimension("spread", label="spread (USD)")
    opts = dict(framewise=True, height=240, xlabel="", padding=(0, 0.05), show_legend=False)
    title = "Spread y − β_t·x with the OU-optimal (Bertram) bands of the in-sample fit"
    tips = hover(("spread (USD)", "spread", "0,0.000"))
    if bt is None or prices is None:
        return hv.Overlay(
            [hv.Curve([], kd, vd).opts(**tips), *sample_spans(), *levels([], SPREAD_KINDS)]
        ).opts(title=title, **opts)
    dates = prices.index
    spread = prices["y"].to_numpy() - bt.hedge_ratio * prices["x"].to_numpy()
    lv = []
    if ou is not None:
        lv.append((ou.theta, "theta"))
    if show_bands and bands is not None:
        lv += [(bands.entry, "OU-optimal"), (bands.exit, "OU-optimal")]
    curve = hv.Curve((dates, spread), kd, vd).opts(color=style.INK, line_width=1, **tips)
    return hv.Overlay([curve, *sample_spans(bt, dates), *levels(lv, SPREAD_KINDS)]).opts(
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
    tips = hover(("equity (× initial capital)", "equity", "0.0000"))
    if bt is None or prices is None:
        return hv.Overlay(
            [
                hv.Curve([], kd, vd, label="in-sample").opts(**tips),
                hv.Curve([], kd, vd, label="out-of-sample").opts(**tips),
                *sample_spans(),
            ]
        ).opts(**opts)
    dates = prices.index
    n = bt.n_train
    eq = bt.equity
    ins = hv.Curve((dates[: n + 1], eq[: n + 1]), kd, vd, label="in-sample").opts(
        color=style.IN_SAMPLE, line_width=1.8, **tips
    )
    oos = hv.Curve((dates[n:], eq[n:]), kd, vd, label="out-of-sample").opts(
        color=style.OUT_OF_SAMPLE, line_width=1.8, **tips
    )
    return hv.Overlay([ins, oos, *sample_spans(bt, dates)]).opts(**opts)


def drawdown_plot(bt: Any, prices: pd.DataFrame | None) -> hv.Overlay:
    """Underwater curve: drawdown ``equity / running peak - 1`` (a fraction, <= 0; the page
    draws it under the prices and their trade markers, on their date axis).

    The shaded area carries no tooltip: Bokeh hovers an area glyph as one shape, without a
    row, so its fields showed ``???``. The line along its edge carries it (date, drawdown %).
    """
    kd, vd = hv.Dimension("date"), hv.Dimension("drawdown", label="drawdown")
    opts = dict(title="Underwater: drawdown from the running peak", framewise=True, height=180,
                yformatter=NumeralTickFormatter(format="0%"), xlabel="", padding=(0, 0.05),
                show_legend=False)  # fmt: skip
    area = dict(color=style.SHORT, alpha=0.35, line_width=0, tools=[])
    line = dict(color=style.SHORT, line_width=0.9, **hover(("drawdown", "drawdown", "0.00%")))
    if bt is None or prices is None:
        return hv.Overlay(
            [hv.Area([], kd, vd).opts(**area), hv.Curve([], kd, vd).opts(**line)]
        ).opts(**opts)
    eq = bt.equity
    dd = eq / np.maximum.accumulate(eq) - 1.0
    data = (prices.index, dd)
    return hv.Overlay(
        [hv.Area(data, kd, vd).opts(**area), hv.Curve(data, kd, vd).opts(**line)]
    ).opts(**opts)


PRICE_SCALES = ("linear", "log")
"""The y scales of :func:`prices_plot`."""


def sync_y_scale(plot: Any, element: Any) -> None:
    """Hook: make the Bokeh figure's y scale and y axis follow the plot's ``logy`` option.

    HoloViews reads ``logy`` when a figure is created only; in a DynamicMap the option of a
    later frame updates the ranges but not the figure. This hook (run on every redraw) swaps
    the figure's ``y_scale`` and the axis ticker and formatter, so the browser redraws the same
    figure, with its zoom and its linked date axis, on the other scale.
    """
    fig = plot.state
    log = bool(plot.logy)
    if isinstance(fig.y_scale, LogScale) == log:
        return
    fig.y_scale = LogScale() if log else LinearScale()
    axis = plot.handles.get("yaxis")
    if axis is not None:
        axis.ticker = LogTicker() if log else BasicTicker()
        axis.formatter = BasicTickFormatter()


def prices_plot(
    bt: Any, prices: pd.DataFrame | None, names: tuple[str, str], scale: str = "linear"
) -> hv.Overlay:
    """The closes of both legs, with the trades on the y leg and the in-/out-of-sample shading.

    Parameters
    ----------
    bt : BacktestResult or None
    prices : DataFrame or None
        The rows the backtest ran on (columns ``y``, ``x``; price units, USD).
    names : (str, str)
        Symbols of ``y`` and ``x`` (legend; drawn as text).
    scale : {"linear", "log"}
        The y axis (:data:`PRICE_SCALES`); changing it redraws, never recomputes.
    """
    if scale not in PRICE_SCALES:
        raise ValueError(f"scale must be one of {PRICE_SCALES}, got {scale!r}")
    kd, vd = hv.Dimension("date"), hv.Dimension("price", label="close (USD)")
    y, x = (str(n) for n in names)
    labels = (f"y: {y}", f"x: {x}")
    tips = hover(("close (USD)", "price", "0,0.00"))
    marks = {
        "long entry": (style.LONG, "triangle"),
        "short entry": (style.SHORT, "inverted_triangle"),
        "exit": (style.NEUTRAL, "x"),
    }
    opts = dict(
        framewise=True, height=260, xlabel="", padding=(0, 0.02), logy=scale == "log",
        legend_position="top_left", legend_cols=5, hooks=[sync_y_scale],
        title=f"Closes of y = {y} and x = {x} ({scale} scale; markers: trades on y; "
        "shaded: in-sample blue, out-of-sample amber)",
    )  # fmt: skip
    if bt is None or prices is None:
        curves = [hv.Curve([], kd, vd, label=lb).opts(**tips) for lb in labels]
        points = [hv.Scatter([], kd, vd, label=m).opts(**tips) for m in marks]
        return hv.Overlay([*curves, *sample_spans(), *points]).opts(**opts)
    dates = prices.index
    py, px = prices["y"].to_numpy(), prices["x"].to_numpy()
    curves = [
        hv.Curve((dates, py), kd, vd, label=labels[0]).opts(
            color=style.ACCENT, line_width=1.3, **tips
        ),
        hv.Curve((dates, px), kd, vd, label=labels[1]).opts(
            color=style.BAND, line_width=1.3, **tips
        ),
    ]
    t = bt.trades
    rows = {
        "long entry": t.entry[t.direction > 0],
        "short entry": t.entry[t.direction < 0],
        "exit": t.exit[t.closed],
    }
    points = [
        hv.Scatter((dates[rows[m]], py[rows[m]]), kd, vd, label=m).opts(
            color=c, marker=mk, size=9, **style.marker_outline(c, mk), **tips
        )
        for m, (c, mk) in marks.items()
    ]
    return hv.Overlay([*curves, *sample_spans(bt, dates), *points]).opts(**opts)


def rolling_sharpe_plot(
    bt: Any, prices: pd.DataFrame | None, sharpe: Any, window: int
) -> hv.Overlay:
    """The rolling Sharpe ratio (``PairModel.rolling_sharpe``: mean / std of the daily
    returns over ``window`` trading days, annualised by sqrt(252)) with its zero line."""
    kd = hv.Dimension("date")
    vd = hv.Dimension("sharpe", label="Sharpe ratio (annualised)")
    tips = hover((f"Sharpe ratio ({window} d, annualised)", "sharpe", "0.00"))
    opts = dict(
        framewise=True, height=200, xlabel="", padding=(0, 0.05), show_legend=False,
        title=f"Rolling Sharpe ratio: {window}-day window of daily returns, annualised by √252 "
        "(none while flat)",
    )  # fmt: skip
    zero = hv.HLines([0.0], kdims=[hv.Dimension("level")]).opts(
        color=style.NEUTRAL, line_width=0.8, line_dash="dotted"
    )
    if bt is None or prices is None or sharpe is None:
        return hv.Overlay([hv.Curve([], kd, vd).opts(**tips), *sample_spans(), zero]).opts(**opts)
    dates = prices.index
    curve = hv.Curve((dates, np.asarray(sharpe, dtype=float)), kd, vd).opts(
        color=style.ACCENT, line_width=1.3, **tips
    )
    return hv.Overlay([curve, *sample_spans(bt, dates), zero]).opts(**opts)


HEDGE_TITLES = {
    "rolling": "rolling OLS of y on (1, x) over the lookback",
    "static": "static OLS on the training rows (expanding before them)",
    "kalman": "Kalman filter",
}
"""How each ``PairParams.hedge`` method estimates the ratio the backtest traded on."""


def hedge_plot(bt: Any, prices: pd.DataFrame | None, params: Any) -> hv.Overlay:
    """The hedge ratio ``beta[t]`` the backtest used for the signal and the sizing at each row
    (``BacktestResult.hedge_ratio``: shares of x per share of y)."""
    kd = hv.Dimension("date")
    vd = hv.Dimension("beta", label="hedge ratio β (x shares per y share)")
    tips = hover(("hedge ratio β (x shares per y share)", "beta", "0.0000"))
    if params is None:
        how = ""
    elif params.band_units == "spread":
        how = ": fixed spread β (spread bands)"
    else:
        how = f": {HEDGE_TITLES.get(params.hedge, params.hedge)}"
    opts = dict(
        framewise=True, height=200, xlabel="", padding=(0, 0.05), show_legend=False,
        title=f"Hedge ratio traded{how}",
    )  # fmt: skip
    if bt is None or prices is None:
        return hv.Overlay([hv.Curve([], kd, vd).opts(**tips), *sample_spans()]).opts(**opts)
    dates = prices.index
    curve = hv.Curve((dates, np.asarray(bt.hedge_ratio, dtype=float)), kd, vd).opts(
        color=style.BAND, line_width=1.3, **tips
    )
    return hv.Overlay([curve, *sample_spans(bt, dates)]).opts(**opts)


FOLD_ALPHA = (0.05, 0.12)
"""Opacity of the even and the odd walk-forward test windows (alternating shades)."""


def walk_forward_plot(wf: Any, prices: pd.DataFrame | None) -> hv.Overlay:
    """Out-of-sample equity across the walk-forward folds, each fold's test window shaded
    (alternating shades; dashed lines at the fold starts)."""
    kd = hv.Dimension("date")
    vd = hv.Dimension("equity", label="out-of-sample equity")
    tips = hover(("out-of-sample equity (× initial capital)", "equity", "0.0000"))
    opts = dict(
        color=style.LONG, line_width=1.6, framewise=True, height=240, responsive=True, **tips,
        title="Out-of-sample equity across folds (compounded; shaded: each fold's test window)",
    )  # fmt: skip
    shade = [hv.VSpans([]).opts(color=style.NEUTRAL, alpha=a, line_width=0) for a in FOLD_ALPHA]
    starts = hv.VLines([]).opts(color="gray", line_dash="dashed", line_width=0.8)
    if wf is None or prices is None:
        return hv.Overlay([hv.Curve([], kd, vd).opts(**opts), *shade, starts])
    dates = prices.index
    curve = hv.Curve((dates[wf.rows], wf.equity), kd, vd).opts(**opts)
    spans = [
        (dates[int(a)], dates[int(b) - 1]) for a, b in zip(wf.test_start, wf.test_stop, strict=True)
    ]
    shade = [
        hv.VSpans(spans[k::2]).opts(color=style.NEUTRAL, alpha=a, line_width=0)
        for k, a in enumerate(FOLD_ALPHA)
    ]
    starts = hv.VLines(list(dates[wf.test_start])).opts(
        color="gray", line_dash="dashed", line_width=0.8
    )
    return hv.Overlay([curve, *shade, starts])
