"""Look and feel shared by every view: colours, HoloViews defaults, the stylesheet and the logo."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import holoviews as hv
import panel as pn

ASSETS = Path(__file__).resolve().parents[1] / "assets"
"""The repository's ``assets/`` directory (stylesheet, logo, notebooks)."""

ACCENT = "#0ea5e9"
"""Accent colour of the template (sky blue)."""

LONG = "#22c55e"
SHORT = "#ef4444"
NEUTRAL = "#94a3b8"
IN_SAMPLE = "#0ea5e9"
OUT_OF_SAMPLE = "#f59e0b"
BAND = "#a855f7"
REGIME_COLORS = ("#22c55e", "#f59e0b", "#ef4444", "#a855f7", "#0ea5e9", "#ec4899")
"""Regime colours, ordered from the calmest (lowest volatility) state up."""

SERIES_COLORS = (
    "#0ea5e9", "#f59e0b", "#22c55e", "#ef4444", "#a855f7", "#14b8a6", "#ec4899", "#84cc16",
    "#6366f1", "#f97316", "#06b6d4", "#eab308", "#10b981", "#f43f5e", "#8b5cf6", "#0284c7",
    "#d97706", "#16a34a", "#dc2626", "#7c3aed",
)  # fmt: skip

PLOT_HEIGHT = 300


OfflineFast = type(
    # Panel resolves a design's bundled files by its class name, so the subclass keeps "Fast".
    "Fast",
    (pn.theme.Fast,),
    {
        "_resources": {k: v for k, v in pn.theme.Fast._resources.items() if k != "font"},
        "__module__": __name__,
        "__doc__": "Panel's Fast design without its Google-fonts stylesheet: the lab requests "
        "nothing outside its own server (system fonts are used instead).",
    },
)


@functools.cache
def stylesheet() -> str:
    """The app's CSS (``assets/arblab.css``)."""
    return (ASSETS / "arblab.css").read_text()


@functools.cache
def logo_svg() -> str:
    """The ArbLab logo (``assets/logo.svg``) as SVG text."""
    return (ASSETS / "logo.svg").read_text()


def logo_data_uri() -> str:
    """The logo as a ``data:`` URI, usable as the template logo without a static route."""
    import base64

    return "data:image/svg+xml;base64," + base64.b64encode(logo_svg().encode()).decode()


def html(text: str = "", **params) -> pn.pane.HTML:
    """An HTML pane carrying the app stylesheet (panes render in shadow DOM, so global CSS
    does not reach them)."""
    params.setdefault("sizing_mode", "stretch_width")
    return pn.pane.HTML(text, stylesheets=[stylesheet()], **params)


ALERT_LEVELS = ("danger", "warning", "info")


def alert_html(text: str, level: str = "danger") -> str:
    """``text`` (already escaped HTML) in an alert box of ``level``; empty text, no box."""
    if level not in ALERT_LEVELS:
        raise ValueError(f"alert level must be one of {ALERT_LEVELS}, got {level!r}")
    return f'<div class="arb-alert arb-alert-{level}" role="alert">{text}</div>' if text else ""


def alert(text: Any = "", level: str = "danger", **params) -> pn.pane.HTML:
    """An alert: :func:`html` of :func:`alert_html`, styled by the app stylesheet.

    ``text`` is escaped HTML or a reactive expression (``param.rx``) of it. Panel's own
    ``Alert`` pane is not used: after an update of a pane on a page in a hidden tab it pointed
    its stylesheet at Panel's CDN (``alerts.css``), which an offline browser cannot load.
    """
    if hasattr(text, "rx"):
        text = text.rx.pipe(alert_html, level)
    else:
        text = alert_html(text, level)
    return html(text, **params)


@functools.cache
def setup() -> None:
    """Load the Panel extensions and set the HoloViews defaults (idempotent).

    Outside a served session (a notebook, a script) the resources are inlined: BokehJS, Panel
    and the extensions travel in the notebook's output instead of being fetched from CDNs, so
    views render offline. ``arblab serve`` keeps serving them from its own static routes.
    """
    if pn.state.curdoc is not None:
        pn.extension("tabulator", notifications=True)
    else:
        pn.config.inline = True
        # a second pn.extension() call in a notebook emits a loader that fetches the
        # extensions from CDNs, whatever the inline setting: only call it when needed
        loaded = pn.extension._loaded_extensions if pn.extension._loaded else []
        if "tabulator" not in loaded:
            pn.extension("tabulator")
    if pn.state.curdoc is None:
        hv.extension("bokeh", logo=False, inline=True)
    else:
        hv.extension("bokeh", logo=False)
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
