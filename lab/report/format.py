"""How the report prints the backtest metrics (labels and formats), and safe HTML.

Every number in the report is printed by :func:`lab.format.number`, so a reader of the file (or
a test parsing it) knows the precision shown: the format string of each metric is in
:data:`METRIC_FORMATS`.
"""

from __future__ import annotations

import html
from typing import Any

from lab.format import number

METRIC_FORMATS: dict[str, tuple[str, str]] = {
    "total_return": ("total return", "{:+.2%}"),
    "cagr": ("CAGR", "{:+.2%}"),
    "ann_vol": ("annualised volatility", "{:.2%}"),
    "sharpe": ("Sharpe ratio", "{:.3f}"),
    "sortino": ("Sortino ratio", "{:.3f}"),
    "max_drawdown": ("max drawdown", "{:.2%}"),
    "calmar": ("Calmar ratio", "{:.3f}"),
    "n_trades": ("trades", "{:,.0f}"),
    "win_rate": ("win rate", "{:.1%}"),
    "avg_holding": ("average holding (days)", "{:.1f}"),
    "turnover": ("turnover (x capital per year)", "{:.2f}"),
    "total_costs": ("costs (fraction of capital)", "{:.3%}"),
    "exposure": ("time in the market", "{:.1%}"),
    "n_periods": ("trading days", "{:,.0f}"),
}
"""Display label and ``str.format`` pattern of each backtest metric (keys of
:data:`lab.analytics.backtest.METRIC_NAMES`)."""


def metric_label(key: str) -> str:
    """Display label of metric ``key`` (the key itself for unknown metrics)."""
    return METRIC_FORMATS.get(key, (key, ""))[0]


def metric_text(key: str, value: Any) -> str:
    """Metric ``key`` printed with its format from :data:`METRIC_FORMATS` (4 significant
    digits for unknown metrics)."""
    return number(value, METRIC_FORMATS.get(key, (key, "{:.4g}"))[1])


def esc(value: Any) -> str:
    """HTML-escaped ``str(value)`` (symbols and file names come from user data)."""
    return html.escape(str(value), quote=True)
