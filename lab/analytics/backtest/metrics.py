"""The backtest's metrics and exposures from its equity, trades and positions (both engines),
and the comparison of two results' returns.
"""

from __future__ import annotations

import math

import numpy as np

from lab.analytics.backtest.metric_table import METRIC_NAMES, N_METRICS, M
from lab.analytics.backtest.params import CAPITAL, PERIODS_PER_YEAR
from lab.analytics.backtest.results import (
    EXPOSURE_NAMES,
    BacktestMetrics,
    BacktestResult,
    Trades,
)


def running_max(values: np.ndarray) -> np.ndarray:
    """Running maximum, ``np.maximum.accumulate`` (numba gets a loop for it, registered in
    :mod:`lab.kernels.backtest`)."""
    return np.maximum.accumulate(values)


def all_positive(values: np.ndarray) -> bool:
    """``np.all(values > 0)`` (numba gets a loop that stops at the first failure, registered
    in :mod:`lab.kernels.backtest`)."""
    return bool(np.all(values > 0))


def return_sums(path: np.ndarray) -> tuple[float, float, float]:
    """``(mean, sum (r - mean)^2, sum min(r, 0)^2)`` of the period returns
    ``r = path[1:] / path[:-1] - 1`` of an equity path (numba gets two fused loops with the
    same order of operations, registered in :mod:`lab.kernels.backtest`)."""
    r = path[1:] / path[:-1] - 1.0
    mean = r.sum() / r.shape[0]
    return mean, ((r - mean) ** 2).sum(), (np.minimum(r, 0.0) ** 2).sum()


def largest_drawdown(path: np.ndarray) -> float:
    """``max(1 - path / running_max(path))``, the largest fall from a running peak as a
    fraction (numba gets one loop, registered in :mod:`lab.kernels.backtest`)."""
    return (1.0 - path / running_max(path)).max()


def metric_values(
    equity: np.ndarray,
    costs: np.ndarray,
    traded: np.ndarray,
    positions: np.ndarray,
    trade_entry: np.ndarray,
    trade_closed: np.ndarray,
    trade_pnl: np.ndarray,
    trade_holding: np.ndarray,
    start: int,
    stop: int,
) -> np.ndarray:
    """Metrics of rows ``start .. stop - 1``, a vector indexed by the named indices
    :data:`~lab.analytics.backtest.metric_table.M` (the order of :data:`METRIC_NAMES`;
    definitions and units in :data:`~lab.analytics.backtest.metric_table.METRICS`).

    This is the one implementation of the metrics. The reference engine runs it with NumPy;
    the native engine compiles this same function with numba
    (:data:`lab.kernels.backtest.metric_values_kernel`), so it sticks to the NumPy subset
    numba supports.

    The segment's equity path starts from ``equity[start - 1]`` (``K`` when ``start == 0``).
    If the account is ruined (equity <= 0) inside the segment, the return-based ratios are NaN.
    """
    nan = math.nan
    n = stop - start
    if n < 1 or start < 0 or stop > equity.shape[0]:
        raise ValueError("metric_values: the segment must be a non-empty range of rows")
    ann = math.sqrt(PERIODS_PER_YEAR)
    path = np.empty(n + 1)
    path[0] = CAPITAL if start == 0 else equity[start - 1]
    path[1:] = equity[start:stop]
    base = path[0]
    ann_vol = nan
    sharpe = nan
    sortino = nan
    if all_positive(path[:-1]):
        mean, squares, downside_squares = return_sums(path)
        if n >= 2:
            sd = math.sqrt(squares / (n - 1))
            ann_vol = sd * ann
            if sd > 0:
                sharpe = mean / sd * ann
        downside = math.sqrt(downside_squares / n)
        if downside > 0:
            sortino = mean * ann / downside
    max_drawdown = nan
    if base > 0:
        max_drawdown = largest_drawdown(path)
    growth = path[n] / base if base > 0 else nan
    if growth > 0:
        cagr = growth ** (PERIODS_PER_YEAR / n) - 1.0
    elif growth <= 0:
        cagr = -1.0
    else:
        cagr = nan
    calmar = cagr / max_drawdown if max_drawdown > 0 else nan

    in_segment = (trade_entry >= start) & (trade_entry < stop)
    done = in_segment & trade_closed
    n_done = done.sum()

    out = np.empty(N_METRICS)
    out[M.total_return] = growth - 1.0
    out[M.cagr] = cagr
    out[M.ann_vol] = ann_vol
    out[M.sharpe] = sharpe
    out[M.sortino] = sortino
    out[M.max_drawdown] = max_drawdown
    out[M.calmar] = calmar
    out[M.n_trades] = in_segment.sum()
    out[M.win_rate] = (trade_pnl[done] > 0).sum() / n_done if n_done > 0 else nan
    out[M.avg_holding] = trade_holding[done].sum() / n_done if n_done > 0 else nan
    out[M.turnover] = traded[start:stop].sum() / CAPITAL * PERIODS_PER_YEAR / n
    out[M.total_costs] = costs[start:stop].sum()
    out[M.exposure] = np.count_nonzero(positions[start:stop]) / n
    out[M.n_periods] = n
    return out


def backtest_metrics(
    equity: np.ndarray,
    costs: np.ndarray,
    traded: np.ndarray,
    positions: np.ndarray,
    trades: Trades,
    n_train: int,
    compute=metric_values,
) -> BacktestMetrics:
    """In-sample (rows ``< n_train``) and out-of-sample metrics.

    ``compute`` is :func:`metric_values` (reference) or its numba-compiled twin (native).
    """
    rows = equity.shape[0]
    args = (trades.entry, trades.closed, trades.pnl, trades.holding)
    segments = []
    for start, stop in ((0, n_train), (n_train, rows)):
        values = compute(equity, costs, traded, positions, *args, start, stop)
        segments.append(segment_dict(values, METRIC_NAMES))
    return BacktestMetrics(in_sample=segments[0], out_of_sample=segments[1])


def leverage_stats(gross: np.ndarray, net: np.ndarray, value: np.ndarray):
    """``(mean(gross / value), mean(|net| / value), max(gross / value))`` (numba gets one
    loop with the same order of operations, registered in :mod:`lab.kernels.backtest`)."""
    leverage = gross / value
    return leverage.mean(), (np.abs(net) / value).mean(), leverage.max()


def exposure_vector(
    equity: np.ndarray,
    gross: np.ndarray,
    net: np.ndarray,
    borrow: np.ndarray,
    negative: np.ndarray,
    rebalanced: np.ndarray,
    start: int,
    stop: int,
) -> np.ndarray:
    """:data:`EXPOSURE_NAMES` of rows ``start .. stop - 1``, in that order.

    The one implementation of the exposures: the reference engine runs it with NumPy
    (:func:`exposure_values`), the native engine compiles it with numba
    (:data:`lab.kernels.backtest.exposure_vector_kernel`). Ratios to equity are NaN once
    equity <= 0 in the segment.
    """
    value = equity[start:stop]
    out = np.empty(len(EXPOSURE_NAMES))
    if all_positive(value):
        out[0], out[1], out[2] = leverage_stats(gross[start:stop], net[start:stop], value)
    else:
        out[0], out[1], out[2] = math.nan, math.nan, math.nan
    out[3] = borrow[start:stop].sum()
    out[4] = np.count_nonzero(negative[start:stop])
    out[5] = np.count_nonzero(rebalanced[start:stop])
    return out


def exposure_values(
    equity, gross, net, borrow, negative, rebalanced, start: int, stop: int
) -> dict:
    """:data:`EXPOSURE_NAMES` of rows ``start .. stop - 1`` as a dictionary
    (:func:`exposure_vector`)."""
    values = exposure_vector(equity, gross, net, borrow, negative, rebalanced, start, stop)
    return segment_dict(values, EXPOSURE_NAMES)


def segment_dict(values: np.ndarray, names: tuple[str, ...]) -> dict[str, float]:
    """``{name: float(value)}`` of a segment's metric or exposure vector."""
    return dict(zip(names, values.tolist(), strict=True))


def returns_agreement(got: BacktestResult, want: BacktestResult) -> list[str]:
    """Whether two backtests' period returns agree as far as their equity curves determine them.

    ``returns[t] = equity[t] / equity[t-1] - 1`` is derived from the equity by the shared
    :func:`backtest_result`; where the equity passes near zero (a fixed-notional strategy that
    lost its capital) a return is the ratio of two tiny numbers, and a rounding of the equity
    moves it arbitrarily. So each result's returns must be its own equity's, exactly, and the
    two must agree within what the equity tolerance (1e-10 relative, 1e-12 of the largest
    equity) allows for that ratio.
    """
    problems = []
    for label, res in (("engine", got), ("reference", want)):
        previous = np.concatenate([[CAPITAL], res.equity[:-1]])
        own = res.equity / previous - 1.0
        if not np.array_equal(own, res.returns, equal_nan=True):
            problems.append(f"returns: the {label}'s returns are not its equity's")
    # the equity tolerance of the registry (1e-10 relative, 1e-12 of its largest value),
    # carried through r = e[t] / e[t-1] - 1 to first order
    previous = np.concatenate([[CAPITAL], want.equity[:-1]])
    floor = 1e-12 * float(np.nanmax(np.abs(want.equity)))
    err_e = 1e-10 * np.abs(want.equity) + floor
    err_prev = 1e-10 * np.abs(previous) + floor
    with np.errstate(divide="ignore", invalid="ignore"):
        limit = (err_e + np.abs(1.0 + want.returns) * err_prev) / np.abs(previous)
    diff = np.abs(got.returns - want.returns)
    bad = ~(diff <= limit) & ~(np.isnan(got.returns) & np.isnan(want.returns))
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        problems.append(
            f"returns[{k}]: {got.returns[k]!r} != {want.returns[k]!r} beyond what the equity "
            f"tolerance allows ({limit[k]:g})"
        )
    return problems
