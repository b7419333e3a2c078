"""Look and feel shared by every view: colours, HoloViews defaults, the stylesheet and the logo."""

from __future__ import annotations

import functools
import logging
import re
from pathlib import Path
from typing import Any

import holoviews as hv
import panel as pn
from bokeh.themes import Theme as BokehTheme
from panel.theme.base import Inherit

from lab.plots.style import (  # noqa: F401  (the views' palette is the plots')
    ACCENT,
    BAND,
    IN_SAMPLE,
    LONG,
    NEUTRAL,
    OUT_OF_SAMPLE,
    PLOT_HEIGHT,
    REGIME_COLORS,
    SERIES_COLORS,
    SHORT,
    apply_defaults,
)

log = logging.getLogger(__name__)

ASSETS = Path(__file__).resolve().parents[1] / "assets"
"""The repository's ``assets/`` directory (stylesheet, logo, notebooks)."""


def _widget_css(
    accent_text: str, on_accent: str, accent_fill: str, outline_text: str, long: str, short: str
) -> str:
    return f"""
:host(.outline) .bk-btn.bk-btn-default, :host(.outline) .bk-btn.bk-btn-default a {{ color: {outline_text} !important; }}
:host(.outline) .bk-btn-group .bk-btn-primary.bk-active, :host(.solid) .bk-btn.bk-btn-primary {{
  background-color: {accent_fill} !important; border-color: {accent_fill} !important; color: {on_accent} !important; }}
:host(.solid) .bk-btn.bk-btn-success {{ background-color: {LONG_FILL}; border-color: {LONG_FILL}; color: #ffffff !important; }}
:host(.solid) .bk-btn.bk-btn-danger {{ background-color: {SHORT_FILL}; border-color: {SHORT_FILL}; color: #ffffff !important; }}
:host(.outline) .bk-btn.bk-btn-success {{ color: {long} !important; }}
:host(.outline) .bk-btn.bk-btn-danger {{ color: {short} !important; }}
.choices__list--multiple .choices__item.light {{ color: {accent_text} !important; }}
.choices__inner .choices__item.solid {{ background-color: {accent_fill} !important; color: {on_accent} !important; }}
.tabulator-page.active {{ color: {accent_text} !important; }}
"""


LONG_FILL, SHORT_FILL = "#15803d", "#b91c1c"
"""Fills of the green (start) and red buttons: white text on them is 5.0:1 and 6.5:1 (Bokeh's own
#5cb85c and #d9534f give 2.5:1 and 3.9:1)."""

WIDGET_CSS: dict[str, str] = {
    "dark": _widget_css("#7dd3fc", "#0b1220", "#0ea5e9", "#b3b3b3", "#4ade80", "#f87171"),
    "default": _widget_css("#075985", "#ffffff", "#0369a1", "#595959", "#15803d", "#b91c1c"),
}
"""Panel's Fast widgets re-coloured where their own colours fall short of WCAG AA on the theme's
cards (measured in Chromium by tests/ui/test_themes.py): the text of outline buttons, of the
active button of a group and of the pager's active page, the fills of accent, green and red
buttons and the selected items of a multi-choice."""

_RECOLOURED = (
    pn.widgets.Button,
    pn.widgets.Toggle,
    pn.widgets.FileDownload,
    pn.widgets.RadioButtonGroup,
    pn.widgets.CheckButtonGroup,
    pn.widgets.MultiChoice,
    pn.widgets.Tabulator,
)


def _plot_theme(base: type) -> type:
    """``base`` (one of Fast's themes) whose Bokeh theme also colours legend titles: Fast's sets
    the legend labels only, so the dark theme drew the title in Bokeh's #444444 on its
    #212121 card (1.7:1)."""

    def bokeh_theme(self: Any) -> BokehTheme:
        spec = self.style.create_bokeh_theme()
        spec["attrs"]["Legend"]["title_text_color"] = self.style.neutral_foreground_rest
        return BokehTheme(json=spec)

    return type(
        base.__name__, (base,), {"bokeh_theme": property(bokeh_theme), "__module__": __name__}
    )


def _design(theme: str) -> type:
    modifiers = dict(pn.theme.Fast.modifiers)
    for cls in _RECOLOURED:
        modifiers[cls] = {
            **modifiers.get(cls, {}),
            "stylesheets": [Inherit, WIDGET_CSS[theme]],
        }
    return type(
        # Panel resolves a design's bundled files by its class name, so the subclass keeps "Fast".
        "Fast",
        (pn.theme.Fast,),
        {
            "_resources": {k: v for k, v in pn.theme.Fast._resources.items() if k != "font"},
            "modifiers": modifiers,
            "_themes": {k: _plot_theme(v) for k, v in pn.theme.Fast._themes.items()},
            "__module__": __name__,
            "__doc__": f"Panel's Fast design for the {theme!r} theme without its Google-fonts "
            "stylesheet (the lab requests nothing outside its own server; system fonts are "
            "used instead), with the widgets of :data:`WIDGET_CSS` re-coloured.",
        },
    )


THEMES: tuple[str, ...] = ("dark", "default")
"""The lab's themes, under Panel's names (``"default"`` is the light theme)."""

DEFAULT_THEME = "dark"
"""The theme of a session whose link names none."""

HEADER_BACKGROUND: dict[str, str] = {"dark": "#075985", "default": "#0369a1"}
"""Header bar colour per theme: dark enough under the header's white title and icons for WCAG
AA (white on the accent itself, #0ea5e9, is only 2.8:1)."""

_PALETTE = re.compile(r"/\* palette (\w+) \*/(.*?)/\* end palette \*/\n?", re.S)
"""A colour set of ``assets/arblab.css``: ``/* palette <theme> */ ... /* end palette */``."""


DESIGNS: dict[str, type] = {name: _design(name) for name in THEMES}
"""The lab's Panel design per theme (:func:`_design`)."""

OfflineFast = DESIGNS[DEFAULT_THEME]
"""The design of the default theme (kept under its former name)."""


def design(theme: str | None = None) -> type:
    """The Panel design of ``theme`` (default: :func:`current_theme`)."""
    return DESIGNS[resolve_theme(theme or current_theme())]


def resolve_theme(name: Any) -> str:
    """``name`` if it is one of :data:`THEMES`, else :data:`DEFAULT_THEME` (a link may carry
    any ``?theme=`` text; an unknown one is logged, never raised)."""
    if name in THEMES:
        return name
    if name:
        log.warning(
            "unknown theme %r (known: %s): using %r", name, ", ".join(THEMES), DEFAULT_THEME
        )
    return DEFAULT_THEME


def current_theme() -> str:
    """The theme of the running session (``pn.config.theme``, which is per session when
    served; :func:`components.app.create_app` sets it from the link), else of the notebook."""
    return resolve_theme(pn.config.theme)


@functools.cache
def _stylesheet(theme: str) -> str:
    css = (ASSETS / "arblab.css").read_text()
    found = {m.group(1) for m in _PALETTE.finditer(css)}
    if found != set(THEMES):
        raise RuntimeError(f"assets/arblab.css declares palettes {sorted(found)}, not {THEMES}")
    return _PALETTE.sub(lambda m: m.group(2).lstrip("\n") if m.group(1) == theme else "", css)


def stylesheet(theme: str | None = None) -> str:
    """The app's CSS (``assets/arblab.css``) with the colour set of ``theme`` only (default:
    :func:`current_theme`)."""
    if theme is not None and theme not in THEMES:
        raise ValueError(f"theme must be one of {THEMES}, got {theme!r}")
    return _stylesheet(theme or current_theme())


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
    """Load the Panel extensions and set the HoloViews defaults (idempotent; the defaults are
    :func:`lab.plots.style.apply_defaults`).

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
    apply_defaults()
