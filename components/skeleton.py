"""The placeholder a page shows while it is being built: a title and pulsing cards.

A page is built the first time its tab is opened (:class:`components.app.LabApp`); building
runs its first analytics, which can take seconds. In a served session the tab therefore shows
:func:`page_skeleton` at once (the browser receives it as soon as the tab-change callback
returns) and the page replaces it when built. The pulse is a CSS animation in the browser: an
idle skeleton sends nothing over the websocket.
"""

from __future__ import annotations

import html

import panel as pn

from components import theme

SKELETON_CLASS = "arb-skeleton"
"""CSS class of the placeholder (``assets/arblab.css``); browser tests look for it."""


def skeleton_html(name: str) -> str:
    """The placeholder's HTML for page ``name`` (escaped): a status line and three cards."""
    cards = "".join('<div class="arb-skeleton-card"></div>' for _ in range(3))
    return (
        f'<div class="{SKELETON_CLASS}" role="status" aria-live="polite">'
        f'<div class="arb-skeleton-title">Opening {html.escape(name)}: building the page and '
        f"running its first analytics…</div>"
        f'<div class="arb-skeleton-row">{cards}</div>'
        f'<div class="arb-skeleton-card arb-skeleton-wide"></div></div>'
    )


def page_skeleton(name: str) -> pn.pane.HTML:
    """A pane with :func:`skeleton_html`, styled by the app stylesheet."""
    return theme.html(skeleton_html(name), name=f"{name} (loading)")
