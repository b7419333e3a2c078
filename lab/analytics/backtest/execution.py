"""Sizing and result assembly shared by both engines: leg shares for each sizing mode, the
volatility-target scale, trades and the result dataclass.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from lab.analytics.backtest.metrics import backtest_metrics, exposure_values, metric_values
from lab.analytics.backtest.params import CAPITAL, PERIODS_PER_YEAR, SIZINGS, PairParams
from lab.analytics.backtest.results import BacktestMetrics, BacktestResult, Trades


def make_trades(entry, exit_, direction, pnl, closed, reason) -> Trades:
    """:class:`Trades` from per-trade columns (any sequences, copied), with
    ``holding = exit - entry``."""
    entry = np.array(entry, dtype=np.int64)
    exit_ = np.array(exit_, dtype=np.int64)
    return Trades(
        entry=entry,
        exit=exit_,
        direction=np.array(direction, dtype=np.int64),
        pnl=np.array(pnl, dtype=np.float64),
        holding=exit_ - entry,
        closed=np.array(closed, dtype=np.bool_),
        reason=np.array(reason, dtype=np.int64),
    )


def leg_shares(sizing: int, signed_gross: float, beta: float, y: float, x: float):
    """Shares ``(n_y, n_x)`` of a position of gross notional ``|signed_gross|`` (sign: +1 long
    the spread) at prices ``y``, ``x`` with hedge ratio ``beta``, for sizing
    ``SIZINGS[sizing]`` (the formulas of :class:`PairParams`). The one implementation: the
    reference engine calls it (on scalars, and on arrays for the unit spread returns), the
    native engine compiles it (:data:`lab.kernels.backtest.leg_shares_kernel`)."""
    if sizing == 1:  # dollar neutral
        return 0.5 * signed_gross / y, -0.5 * signed_gross / x
    if sizing == 2:  # beta neutral
        n_y = signed_gross / ((1.0 + abs(beta)) * y)
        return n_y, -beta * n_y * y / x
    n_y = signed_gross / (y + abs(beta) * x)
    return n_y, -beta * n_y


def vol_scale(y: np.ndarray, x: np.ndarray, beta: np.ndarray, params: PairParams) -> np.ndarray:
    """Scale of the committed gross at each row: ones without a ``vol_target``, otherwise
    ``min(vol_target / sigma_hat[t], leverage_cap)`` (the cap where ``sigma_hat`` is 0, NaN
    where it is undefined) -- see the module docstring (reference engine: exact two-pass
    window sums over a sliding-window view)."""
    rows = y.shape[0]
    if params.vol_target is None:
        return np.ones(rows)
    sizing = SIZINGS.index(params.sizing)
    unit_y, unit_x = leg_shares(sizing, 1.0, beta[:-1], y[:-1], x[:-1])
    spread_returns = np.r_[np.nan, unit_y * np.diff(y) + unit_x * np.diff(x)]
    window = params.vol_window
    sigma = np.full(rows, np.nan)
    if rows >= window:
        w = sliding_window_view(spread_returns, window)
        dev = w - w.mean(axis=1)[:, None]
        var = np.einsum("ij,ij->i", dev, dev) / (window - 1)
        sigma[window - 1 :] = np.sqrt(var * PERIODS_PER_YEAR)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.minimum(params.vol_target / sigma, params.leverage_cap)
    scale[sigma == 0.0] = params.leverage_cap
    return scale


def backtest_result(
    y: np.ndarray,
    x: np.ndarray,
    equity: np.ndarray,
    positions: np.ndarray,
    shares_y: np.ndarray,
    shares_x: np.ndarray,
    z: np.ndarray,
    beta: np.ndarray,
    costs: np.ndarray,
    traded: np.ndarray,
    borrow: np.ndarray,
    negative: np.ndarray,
    trades: Trades,
    n_train: int,
    compute=metric_values,
    *,
    rebalanced: np.ndarray,
) -> BacktestResult:
    """Assemble a :class:`BacktestResult` from an engine's simulated rows: period returns
    against the previous equity (``CAPITAL`` before row 0), the metrics from ``compute``
    (see :func:`backtest_metrics`) and the exposures (:func:`exposure_values`)."""
    previous = np.concatenate([[CAPITAL], equity[:-1]])
    gross = np.abs(shares_y) * y + np.abs(shares_x) * x
    net = shares_y * y + shares_x * x
    negative = np.asarray(negative, dtype=np.bool_)
    rebalanced = np.asarray(rebalanced, dtype=np.bool_)
    segments = [
        exposure_values(equity, gross, net, borrow, negative, rebalanced, a, b)
        for a, b in ((0, n_train), (n_train, equity.shape[0]))
    ]
    return BacktestResult(
        equity=equity,
        positions=positions,
        shares_y=shares_y,
        shares_x=shares_x,
        zscore=z,
        hedge_ratio=beta,
        costs=costs,
        traded=traded,
        returns=equity / previous - 1.0,
        trades=trades,
        metrics=backtest_metrics(equity, costs, traded, positions, trades, n_train, compute),
        n_train=n_train,
        borrow=borrow,
        gross_exposure=gross,
        net_exposure=net,
        negative_hedge=negative,
        exposure=BacktestMetrics(in_sample=segments[0], out_of_sample=segments[1]),
    )
