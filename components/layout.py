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


MAX_BASIS = 2000
"""Upper bound (px) of a card's preferred width in a :func:`card_row`."""


def panel_card(title: str, *objects: Any, basis: int | None = None, **params: Any) -> pn.Card:
    """A titled card holding one plot or table.

    Parameters
    ----------
    title : str
        The card's header.
    *objects
        Its content.
    basis : int, optional
        Preferred width in px (1 to :data:`MAX_BASIS`) when the card sits in a :func:`card_row`:
        the card starts from this width, shares any room left over with its neighbours, and
        shrinks (or wraps onto a new line) when the row is narrower. Without it the card
        stretches to the width of its container.
    **params
        Passed to ``pn.Card``.
    """
    params.setdefault("sizing_mode", "stretch_width")
    params.setdefault("collapsible", False)
    params.setdefault("margin", (6, 6))
    if basis is not None:
        if not 0 < int(basis) <= MAX_BASIS:
            raise ValueError(f"basis must be a width in px in 1..{MAX_BASIS}, got {basis!r}")
        params["styles"] = {**params.get("styles", {}), "flex": f"1 1 {int(basis)}px"}
    return pn.Card(*objects, title=title, **params)


def card_row(*cards: pn.Card, **params: Any) -> pn.FlexBox:
    """Cards side by side while the page is wide enough, wrapped onto more lines when not.

    Each card should have a ``basis`` (:func:`panel_card`); the row never forces the page wider
    than the window, whatever the window's width. ``**params`` go to ``pn.FlexBox``.
    """
    params.setdefault("flex_wrap", "wrap")
    params.setdefault("sizing_mode", "stretch_width")
    params.setdefault("margin", 0)
    return pn.FlexBox(*cards, **params)


def tabulator(frame, formats: dict[str, str] | None = None, **params: Any) -> pn.widgets.Tabulator:
    """A read-only, sortable table with numeric formatters (``formats`` maps column to a
    ``numeral.js`` format such as ``"0.000"``)."""
    from bokeh.models.widgets.tables import NumberFormatter

    formatters = {
        c: NumberFormatter(format=f, text_align="right") for c, f in (formats or {}).items()
    }
    params.setdefault("sizing_mode", "stretch_width")
    params.setdefault("disabled", True)
    params.setdefault("layout", "fit_columns")
    params.setdefault("theme", "fast")
    return pn.widgets.Tabulator(frame, formatters=formatters, **params)
