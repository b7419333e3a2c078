"""Interactive Bokeh figures of a report (pan, zoom, hover; no server needed).

Plain Bokeh is used (not HoloViews/Panel) so that :mod:`lab` never imports Panel and the
figures serialise into a standalone HTML file with :data:`bokeh.resources.INLINE`. The three
time-series plots of the pair share one date axis: zooming one zooms all.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from bokeh.models import (
    BoxAnnotation,
    ColumnDataSource,
    HoverTool,
    Legend,
    NumeralTickFormatter,
    Range1d,
    Span,
)
from bokeh.plotting import figure

IN_COLOR = "#64748b"
"""In-sample colour."""
OUT_COLOR = "#0284c7"
"""Out-of-sample colour."""
LONG_COLOR = "#16a34a"
SHORT_COLOR = "#dc2626"
BAND_COLOR = "#9333ea"
HEIGHT = 260
TOOLS = "pan,wheel_zoom,box_zoom,reset,save"


def base_figure(name: str, title: str, y_label: str, x_axis_type: str = "datetime", **options: Any):
    """A figure with the report's size, tools and look; ``name`` identifies it in the page."""
    fig = figure(
        name=name,
        title=title,
        x_axis_type=x_axis_type,
        height=options.pop("height", HEIGHT),
        sizing_mode="stretch_width",
        tools=TOOLS,
        toolbar_location="right",
        active_drag="box_zoom",
        **options,
    )
    fig.yaxis.axis_label = y_label
    fig.title.text_font_size = "13px"
    fig.xgrid.grid_line_alpha = 0.3
    fig.ygrid.grid_line_alpha = 0.3
    return fig


def _split(fig, dates: np.ndarray, n_train: int) -> None:
    """Shade the out-of-sample rows and draw the split line."""
    if 0 < n_train < len(dates):
        split = dates[n_train]
        fig.add_layout(BoxAnnotation(left=split, fill_color=OUT_COLOR, fill_alpha=0.05))
        fig.add_layout(
            Span(
                location=split,
                dimension="height",
                line_color="#475569",
                line_dash="dotted",
                line_width=1,
            )
        )


def _segments(
    series: dict[str, np.ndarray], n_train: int, column: str
) -> tuple[ColumnDataSource, ColumnDataSource]:
    dates = series["dates"]
    values = series[column]
    # the out-of-sample line starts at the last in-sample point so the curve is continuous
    cut = max(n_train - 1, 0)
    ins = ColumnDataSource({"date": dates[:n_train], column: values[:n_train]})
    outs = ColumnDataSource({"date": dates[cut:], column: values[cut:]})
    return ins, outs


def _legend(fig, items: list[tuple[str, list]]) -> None:
    legend = Legend(
        items=items, location="top_left", click_policy="hide", label_text_font_size="11px"
    )
    fig.add_layout(legend)


def equity_figure(series: dict[str, np.ndarray], n_train: int, x_range: Any = None):
    """Equity (initial capital 1) in-sample and out-of-sample."""
    opts = {"x_range": x_range} if x_range is not None else {}
    fig = base_figure("equity", "Equity (initial capital = 1, after costs)", "equity", **opts)
    ins, outs = _segments(series, n_train, "equity")
    r_in = fig.line("date", "equity", source=ins, color=IN_COLOR, line_width=1.6)
    r_out = fig.line("date", "equity", source=outs, color=OUT_COLOR, line_width=1.6)
    _split(fig, series["dates"], n_train)
    fig.add_tools(
        HoverTool(
            renderers=[r_in, r_out],
            tooltips=[("date", "@date{%F}"), ("equity", "@equity{0.0000}")],
            formatters={"@date": "datetime"},
            mode="vline",
        )
    )
    _legend(fig, [("in-sample", [r_in]), ("out-of-sample", [r_out])])
    return fig


def drawdown_figure(series: dict[str, np.ndarray], n_train: int, x_range: Any = None):
    """Drawdown from the running peak, restarted at the split (its minimum in each segment is
    minus that segment's max drawdown)."""
    opts = {"x_range": x_range} if x_range is not None else {}
    fig = base_figure(
        "drawdown", "Drawdown from the running peak (restarted at the split)", "drawdown", **opts
    )
    dates = series["dates"]
    dd = series["drawdown"]
    ins = ColumnDataSource(
        {"date": dates[:n_train], "drawdown": dd[:n_train], "zero": np.zeros(n_train)}
    )
    outs = ColumnDataSource(
        {"date": dates[n_train:], "drawdown": dd[n_train:], "zero": np.zeros(len(dates) - n_train)}
    )
    r_in = fig.varea("date", "zero", "drawdown", source=ins, fill_color=IN_COLOR, fill_alpha=0.5)
    r_out = fig.varea("date", "zero", "drawdown", source=outs, fill_color=OUT_COLOR, fill_alpha=0.5)
    lines = [
        fig.line("date", "drawdown", source=src, color=c, line_width=1)
        for src, c in ((ins, IN_COLOR), (outs, OUT_COLOR))
    ]
    fig.yaxis.formatter = NumeralTickFormatter(format="0%")
    _split(fig, dates, n_train)
    fig.add_tools(
        HoverTool(
            renderers=lines,
            tooltips=[("date", "@date{%F}"), ("drawdown", "@drawdown{0.00%}")],
            formatters={"@date": "datetime"},
            mode="vline",
        )
    )
    _legend(fig, [("in-sample", [r_in, lines[0]]), ("out-of-sample", [r_out, lines[1]])])
    return fig


def zscore_figure(
    series: dict[str, np.ndarray],
    n_train: int,
    params: dict[str, Any],
    trades: Any,
    x_range: Any = None,
):
    """The z-score signal with the entry, exit and stop bands, and the trades' entries
    (triangles: up = long the spread, down = short) and exits (crosses)."""
    opts = {"x_range": x_range} if x_range is not None else {}
    fig = base_figure(
        "zscore", "Z-score of the spread with the strategy's bands and trades", "z", **opts
    )
    dates = series["dates"]
    z = series["zscore"]
    src = ColumnDataSource({"date": dates, "z": z})
    line = fig.line("date", "z", source=src, color="#334155", line_width=1)
    bands = [
        (params["entry_z"], "solid", "entry"),
        (params["exit_z"], "dashed", "exit"),
    ]
    if params.get("stop_z") is not None:
        bands.append((params["stop_z"], "dotdash", "stop"))
    for level, dash, _ in bands:
        for sign in (1.0, -1.0):
            fig.add_layout(
                Span(
                    location=sign * float(level),
                    dimension="width",
                    line_color=BAND_COLOR,
                    line_dash=dash,
                    line_width=1,
                )
            )
    items = [("z-score", [line])]
    if len(trades):
        entry_idx = np.searchsorted(dates, trades["entry"].to_numpy())
        exit_idx = np.searchsorted(dates, trades["exit"].to_numpy())
        long = (trades["side"] == "long").to_numpy()
        for mask, marker, color, label in (
            (long, "triangle", LONG_COLOR, "long entry"),
            (~long, "inverted_triangle", SHORT_COLOR, "short entry"),
        ):
            if mask.any():
                s = ColumnDataSource(
                    {
                        "date": dates[entry_idx[mask]],
                        "z": z[entry_idx[mask]],
                        "pnl": trades["pnl"].to_numpy()[mask],
                    }
                )
                r = fig.scatter("date", "z", source=s, marker=marker, size=9, color=color)
                fig.add_tools(
                    HoverTool(
                        renderers=[r],
                        tooltips=[
                            (label, "@date{%F}"),
                            ("z", "@z{0.00}"),
                            ("trade P&L", "@pnl{+0.00%}"),
                        ],
                        formatters={"@date": "datetime"},
                    )
                )
                items.append((label, [r]))
        ex = ColumnDataSource({"date": dates[exit_idx], "z": z[exit_idx]})
        items.append(
            ("exit", [fig.scatter("date", "z", source=ex, marker="x", size=8, color="#0f172a")])
        )
    finite = z[np.isfinite(z)]
    top = (
        max(
            float(np.max(np.abs(finite))) if finite.size else 0.0,
            *(abs(float(b[0])) for b in bands),
        )
        * 1.1
    )
    fig.y_range = Range1d(-top, top)
    _split(fig, dates, n_train)
    fig.add_tools(
        HoverTool(
            renderers=[line],
            tooltips=[("date", "@date{%F}"), ("z", "@z{0.00}")],
            formatters={"@date": "datetime"},
            mode="vline",
        )
    )
    _legend(fig, items)
    return fig


def pair_figures(content: Any) -> list:
    """Equity, drawdown and z-score figures of a :class:`~lab.report.content.ReportContent`,
    sharing their date axis."""
    series = content.series
    n_train = content.data["pair"]["n_train"]
    equity = equity_figure(series, n_train)
    return [
        equity,
        drawdown_figure(series, n_train, x_range=equity.x_range),
        zscore_figure(
            series, n_train, content.data["pair"]["params"], content.trades, x_range=equity.x_range
        ),
    ]
