"""How the report prints numbers: labels and formats of the backtest metrics, and safe HTML.

Every number in the report is printed by :func:`number`, so a reader of the file (or a test
parsing it) knows the precision shown: the label and format string of each metric are those
of the one metrics table, :data:`lab.analytics.backtest.metric_table.METRICS`.
"""

from __future__ import annotations

import html
import math
from typing import Any

from lab.analytics.backtest.metric_table import METRIC_BY_NAME

MISSING = "n/a"
"""Printed for NaN or None (a metric that is undefined, e.g. Sharpe without variation)."""


def number(value: Any, fmt: str = "{:.4g}") -> str:
    """``value`` formatted with ``fmt``; :data:`MISSING` for None/NaN, signed infinity as text."""
    if value is None:
        return MISSING
    if isinstance(value, float | int) and not isinstance(value, bool):
        v = float(value)
        if math.isnan(v):
            return MISSING
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
    try:
        return fmt.format(value)
    except (TypeError, ValueError):
        return esc(value)


def metric_label(key: str) -> str:
    """Display label of metric ``key`` from the metrics table (the key itself for unknown
    metrics)."""
    m = METRIC_BY_NAME.get(key)
    return key if m is None else m.label


def metric_text(key: str, value: Any) -> str:
    """Metric ``key`` printed with its format from the metrics table (4 significant digits
    for unknown metrics)."""
    m = METRIC_BY_NAME.get(key)
    return number(value, "{:.4g}" if m is None else m.format)


def esc(value: Any) -> str:
    """HTML-escaped ``str(value)`` (symbols and file names come from user data)."""
    return html.escape(str(value), quote=True)
