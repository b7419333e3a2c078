"""The one table of the backtest's metrics: name, label, unit, format, sign and whether the
sweep may optimise it.

Everything that lists the metrics derives from :data:`METRICS`: the order of the values the
metrics function writes (:func:`lab.analytics.backtest.metric_values`, by the named indices
of :data:`M`), the keys of :class:`~lab.analytics.backtest.BacktestMetrics`, the metrics the
sweep and walk-forward accept, the rows of the Mean reversion page's table and of the
report, and the metrics the page offers for its sweep surface. Adding a metric touches this
table and :func:`~lab.analytics.backtest.metric_values` (which computes it), nothing else.
"""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    """One metric of a backtest segment.

    Attributes
    ----------
    name : str
        Key in the metrics dictionaries and name of its index in :data:`M`.
    label : str
        Display label (views and report), with the unit where the format does not show it.
    unit : str
        Unit of the value: ``"fraction"`` (0.01 is 1%), ``"fraction / year"``,
        ``"ratio"`` (dimensionless, annualised where stated), ``"count"``, ``"periods"``
        (rows, i.e. trading days for daily data) or ``"x capital / year"``.
    format : str
        ``str.format`` pattern of the value (views and report).
    better : int
        +1 when higher is better, -1 when lower is better, 0 when neither (a count).
    signed : bool
        The value's sign is meaningful (it can be negative and is coloured by sign, and the
        sweep surface uses a diverging colour map).
    sweepable : bool
        Offered as the objective of the lookback x entry_z sweep surface.
    definition : str
        What it is, with the estimator.
    """

    name: str
    label: str
    unit: str
    format: str
    better: int
    signed: bool
    sweepable: bool
    definition: str


METRICS: tuple[Metric, ...] = (
    Metric(
        "total_return", "Total return", "fraction", "{:+.2%}", 1, True, True,
        "equity[end] / equity[start] - 1 over the segment",
    ),
    Metric(
        "cagr", "CAGR", "fraction / year", "{:+.2%}", 1, True, True,
        "(1 + total_return)^(252 / n_periods) - 1 (-1 after ruin)",
    ),
    Metric(
        "ann_vol", "Annualised volatility", "fraction / sqrt(year)", "{:.2%}", -1, False, True,
        "std(r, ddof=1) sqrt(252)",
    ),
    Metric(
        "sharpe", "Sharpe ratio", "ratio (annualised)", "{:.3f}", 1, True, True,
        "mean(r) / std(r, ddof=1) sqrt(252) (zero risk-free rate; NaN without variation)",
    ),
    Metric(
        "sortino", "Sortino ratio", "ratio (annualised)", "{:.3f}", 1, True, True,
        "mean(r) sqrt(252) / sqrt(mean(min(r, 0)^2)) (target 0; NaN without losses)",
    ),
    Metric(
        "max_drawdown", "Max drawdown", "fraction", "{:.2%}", -1, False, True,
        "largest fall from a running peak, max(1 - equity / peak), as a positive fraction",
    ),
    Metric(
        "calmar", "Calmar ratio", "ratio", "{:.3f}", 1, True, True,
        "cagr / max_drawdown (NaN without drawdown)",
    ),
    Metric(
        "n_trades", "Trades", "count", "{:,.0f}", 0, False, False,
        "trades entered in the segment (including one still open at the end)",
    ),
    Metric(
        "win_rate", "Win rate", "fraction", "{:.1%}", 1, False, True,
        "fraction of closed trades entered in the segment with P&L > 0 (after costs)",
    ),
    Metric(
        "avg_holding", "Average holding (days)", "periods", "{:.1f}", 0, False, True,
        "mean holding period, in periods, of those closed trades",
    ),
    Metric(
        "turnover", "Turnover (x capital per year)", "x capital / year", "{:.2f}", -1, False,
        False, "traded notional over capital per year, sum(traded) / K * 252 / n_periods",
    ),
    Metric(
        "total_costs", "Costs (fraction of capital)", "fraction", "{:.3%}", -1, False, False,
        "costs charged in the segment, in units of the initial capital",
    ),
    Metric(
        "exposure", "Time in the market", "fraction", "{:.1%}", 0, False, False,
        "fraction of the segment's rows with an open position",
    ),
    Metric(
        "n_periods", "Trading days", "periods", "{:,.0f}", 0, False, False,
        "number of rows (returns) in the segment",
    ),
)  # fmt: skip
"""Every metric of a backtest segment, in the order the metrics function writes them."""

METRIC_NAMES: tuple[str, ...] = tuple(m.name for m in METRICS)
"""Keys of each metrics dictionary, in table order (definitions: :data:`METRICS`)."""

METRIC_BY_NAME: dict[str, Metric] = {m.name: m for m in METRICS}
""":data:`METRICS` by name."""

N_METRICS: int = len(METRICS)
"""Length of the metrics vector."""

M = namedtuple("MetricIndex", METRIC_NAMES)(*range(N_METRICS))
"""Named indices of the metrics vector (``M.sharpe`` is the index of ``"sharpe"``): the
metrics function writes ``out[M.<name>]`` and numba folds each to a constant."""

SWEEP_METRICS: tuple[str, ...] = tuple(m.name for m in METRICS if m.sweepable)
"""Metrics offered as the sweep surface's objective (:attr:`Metric.sweepable`)."""

SIGNED_METRICS: frozenset[str] = frozenset(m.name for m in METRICS if m.signed)
"""Metrics whose sign is meaningful (:attr:`Metric.signed`)."""

if len(METRIC_BY_NAME) != N_METRICS:  # pragma: no cover - a declaration error
    raise RuntimeError("a metric is declared twice in lab.analytics.backtest.metric_table")


def metric(name: str) -> Metric:
    """The :class:`Metric` called ``name``; a ``ValueError`` naming the choices otherwise."""
    try:
        return METRIC_BY_NAME[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown metric {name!r}; choose one of {', '.join(METRIC_NAMES)}"
        ) from None
