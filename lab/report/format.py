"""How the report prints the backtest metrics (labels and formats), and safe HTML.

Every number in the report is printed by :func:`lab.format.number`, so a reader of the file (or a test
parsing it) knows the precision shown: the label and format string of each metric are those
of the one metrics table, :data:`lab.analytics.backtest.metric_table.METRICS`.
"""

from __future__ import annotations

import html
from typing import Any

from lab.analytics.backtest.metric_table import METRIC_BY_NAME
from lab.format import number


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
