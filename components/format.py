"""Small HTML renderers for numbers: key-figure tiles and numeric tables.

Numbers are printed by :func:`lab.format.number` (re-exported here as ``number`` for the views)
and HTML-escaped by these renderers.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from lab.format import number

__all__ = ["alert_text", "kpi", "kpis", "number", "signed_class", "table"]


def alert_text(text: Any) -> str:
    """``text`` for an alert (:func:`components.theme.alert`): HTML-escaped, so that symbol names
    or file contents quoted in a message show as text and never run as markup."""
    return html.escape(str(text)) if text else ""


def signed_class(value: Any) -> str:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return ""
    if not math.isfinite(v) or v == 0:
        return ""
    return "arb-pos" if v > 0 else "arb-neg"


def kpi(
    label: str, value: Any, fmt: str = "{:,.2f}", sub: str = "", key: str = "", signed: bool = False
) -> str:
    """One key-figure tile. ``key`` becomes ``data-metric`` (tests and benchmarks read it)."""
    cls = signed_class(value) if signed else ""
    attr = f' data-metric="{html.escape(key)}"' if key else ""
    sub_html = f'<div class="sub">{html.escape(sub)}</div>' if sub else ""
    return (
        f'<div class="arb-kpi"><div class="label">{html.escape(label)}</div>'
        f'<div class="value {cls}"{attr}>{html.escape(number(value, fmt))}</div>{sub_html}</div>'
    )


def kpis(tiles: Sequence[str]) -> str:
    return '<div class="arb-kpis">' + "".join(tiles) + "</div>"


def table(
    frame: pd.DataFrame,
    formats: Mapping[str, str] | None = None,
    index_label: str | None = None,
    caption: str = "",
    row_keys: Sequence[str] | None = None,
    signed: Sequence[str] = (),
    css_class: str = "arb-table",
    scroll: bool = True,
) -> str:
    """A numeric table: right-aligned numbers, one format per column (default 4 decimals).

    ``row_keys`` (one per row) are written as ``data-row`` attributes and, with the column
    name, as ``data-metric="<row>:<column>"`` on each cell.

    With ``scroll`` (the default) the table sits in a ``div.arb-scroll`` (``overflow-x: auto``,
    ``assets/arblab.css``): a table wider than its card scrolls sideways inside the card instead
    of widening the card and the page. Pass ``scroll=False`` when the caller already wraps the
    table in a scroller of its own.
    """
    formats = dict(formats or {})
    head = f"<th>{html.escape(index_label or str(frame.index.name or ''))}</th>"
    head += "".join(
        f'<th class="{"num" if pd.api.types.is_numeric_dtype(frame[c]) else ""}">{html.escape(str(c))}</th>'
        for c in frame.columns
    )
    rows = []
    for r, (idx, row) in enumerate(frame.iterrows()):
        key = row_keys[r] if row_keys is not None else str(idx)
        cells = [f"<th>{html.escape(str(idx))}</th>"]
        for c in frame.columns:
            v = row[c]
            numeric = isinstance(v, int | float) and not isinstance(v, bool)
            fmt = formats.get(str(c), "{:,.4f}")
            text = html.escape(number(v, fmt) if numeric else str(v))
            cls = ("num " if numeric else "") + (signed_class(v) if c in signed else "")
            cells.append(
                f'<td class="{cls.strip()}" data-metric="{html.escape(key)}:{html.escape(str(c))}">{text}</td>'
            )
        rows.append(f'<tr data-row="{html.escape(key)}">' + "".join(cells) + "</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    out = f'<table class="{css_class}">{cap}<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    return f'<div class="arb-scroll">{out}</div>' if scroll else out
