"""Page scaffolding shared by the views: a controls column beside the results."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import panel as pn

from components import theme

CONTROLS_WIDTH = 290


def section(title: str) -> pn.pane.HTML:
    return theme.html(f'<div class="arb-section-title">{title}</div>', margin=(8, 10, 0, 10))


WRAP_LABELS_CSS = (
    ".bk-input-group, .bk-slider-title { white-space: normal; overflow-wrap: anywhere; }"
    " .bk-btn { white-space: normal; }"
)
"""Lets a widget's labels wrap (slider titles, radio and checkbox labels, button labels): Bokeh
keeps them on one line, so a long label stuck out of the fixed-width Settings card."""


def _fit_controls(objects: Sequence[Any]) -> None:
    """Make the controls fit the Settings card: widget labels wrap (nested layouts included)."""
    for obj in objects:
        if isinstance(obj, pn.widgets.Widget):
            if WRAP_LABELS_CSS not in obj.stylesheets:
                obj.stylesheets = [*obj.stylesheets, WRAP_LABELS_CSS]
        elif isinstance(obj, pn.layout.ListLike):
            _fit_controls(obj.objects)


def page(
    title: str,
    controls: Sequence[Any],
    body: Sequence[Any],
    intro: str = "",
    css_class: str = "",
) -> pn.Row:
    """A page: a fixed-width controls card on the left, the results on the right."""
    header = [theme.html(f"<h2 style='margin:0'>{title}</h2>", margin=(0, 10))]
    if intro:
        header.append(theme.html(f'<div class="arb-note">{intro}</div>', margin=(0, 10, 6, 10)))
    _fit_controls(controls)
    side = pn.Card(
        *controls,
        title="Settings",
        collapsible=False,
        width=CONTROLS_WIDTH,
        margin=(10, 6),
    )
    main = pn.Column(*header, *body, sizing_mode="stretch_width", margin=(10, 6))
    return pn.Row(
        side, main, sizing_mode="stretch_width", css_classes=[css_class] if css_class else []
    )


def panel_card(title: str, *objects: Any, **params: Any) -> pn.Card:
    """A titled card holding one plot or table."""
    params.setdefault("sizing_mode", "stretch_width")
    params.setdefault("collapsible", False)
    params.setdefault("margin", (6, 6))
    return pn.Card(*objects, title=title, **params)


def tabulator(frame, formats: dict[str, str] | None = None, **params: Any) -> pn.widgets.Tabulator:
    """A read-only, sortable table with numeric formatters (``formats`` maps column to a
    ``numeral.js`` format such as ``"0.000"``; a missing value prints as
    :data:`lab.format.MISSING`). ``formatters`` adds Tabulator formatters of other columns
    (for example ``{"type": "plaintext"}`` for text, which shows HTML as text)."""
    from bokeh.models.widgets.tables import NumberFormatter

    from lab.format import MISSING

    formatters = {
        c: NumberFormatter(format=f, text_align="right", nan_format=MISSING)
        for c, f in (formats or {}).items()
    }
    formatters.update(params.pop("formatters", {}))
    params.setdefault("sizing_mode", "stretch_width")
    params.setdefault("disabled", True)
    params.setdefault("layout", "fit_columns")
    params.setdefault("theme", "fast")
    return pn.widgets.Tabulator(frame, formatters=formatters, **params)
