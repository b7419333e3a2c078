"""Look of every plot: colours, sizes and the HoloViews defaults (pages and report alike)."""

from __future__ import annotations

import holoviews as hv

ACCENT = "#0ea5e9"
"""Accent colour (sky blue)."""

LONG = "#22c55e"
SHORT = "#ef4444"
NEUTRAL = "#94a3b8"
IN_SAMPLE = "#0ea5e9"
OUT_OF_SAMPLE = "#f59e0b"
BAND = "#a855f7"
INK = "#64748b"
"""Mid-tone slate for neutral marks and labels drawn on a plot (the spread, point labels, the
chosen-portfolio ring): it reads on the light theme's white plot background (4.8:1) and on the
dark theme's (3.7:1); white or pale grey marks vanished on the light one."""
REGIME_COLORS = ("#22c55e", "#f59e0b", "#ef4444", "#a855f7", "#0ea5e9", "#ec4899")
"""Regime colours, ordered from the calmest (lowest volatility) state up."""

SERIES_COLORS = (
    "#0ea5e9", "#f59e0b", "#22c55e", "#ef4444", "#a855f7", "#14b8a6", "#ec4899", "#84cc16",
    "#6366f1", "#f97316", "#06b6d4", "#eab308", "#10b981", "#f43f5e", "#8b5cf6", "#0284c7",
    "#d97706", "#16a34a", "#dc2626", "#7c3aed",
)  # fmt: skip


def marker_outline(colour: str, marker: str) -> dict[str, object]:
    """Outline options of a trade marker of ``colour``: a thin white edge sets a filled marker
    off on both themes' backgrounds; an ``"x"`` is all outline, so it is drawn in its own colour
    (a white one vanished on the light theme)."""
    if marker == "x":
        return {"line_color": colour, "line_width": 1.2}
    return {"line_color": "white", "line_width": 0.4}


PLOT_HEIGHT = 300
"""Default plot height in pixels (plots stretch to the width of their container)."""


def apply_defaults() -> None:
    """Select HoloViews' Bokeh backend and set the plot defaults (idempotent).

    Every plot is responsive in width, :data:`PLOT_HEIGHT` high, with hover and a wheel zoom.
    Importing :mod:`lab.plots` calls it (the builders set Bokeh options on their elements);
    ``components.theme.setup`` calls it again after ``hv.extension``.
    """
    hv.renderer("bokeh")  # loads HoloViews' Bokeh backend if it is not loaded yet
    hv.Store.set_current_backend("bokeh")
    opts = hv.opts
    common = dict(
        responsive=True,
        height=PLOT_HEIGHT,
        tools=["hover"],
        active_tools=["wheel_zoom"],
        show_grid=True,
    )
    hv.opts.defaults(
        opts.Curve(**common, line_width=1.5),
        opts.Area(**common),
        opts.Scatter(**common, size=6),
        opts.Bars(**common),
        opts.HeatMap(
            responsive=True, height=PLOT_HEIGHT + 80, tools=["hover", "tap"], colorbar=True
        ),
        opts.Histogram(**common),
        opts.Overlay(
            responsive=True,
            height=PLOT_HEIGHT,
            legend_position="top_left",
            active_tools=["wheel_zoom"],
        ),
        opts.Spikes(**common),
        opts.Segments(**common),
        opts.Table(height=PLOT_HEIGHT),
    )
