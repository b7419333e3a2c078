"""numba kernels for the pairs backtest and its parameter sweep.

The rules are those of :mod:`lab.analytics.backtest` (module docstring): hedge ratio and
z-score from data up to ``t``, position decided at ``t`` and held over ``(t, t+1]``, fixed gross
notional ``capital`` per trade, costs on every leg transaction. :func:`pair_signals` computes
the hedge ratio and z-score of one lookback; :func:`simulate_into` steps through the rows;
:func:`signals_grid` and :func:`sweep_grid` run many lookbacks / grid points in parallel
(``prange``); the metrics are the reference engine's own function compiled by numba
(:data:`metric_values_kernel`).

Trade exit-reason codes: 0 still open, 1 exit band, 2 stop-loss, 3 z-score undefined.
"""

from __future__ import annotations

import math
from collections import namedtuple

import numpy as np
from numba import prange
from numba.extending import overload

from lab.analytics.backtest import (
    PERIODS_PER_YEAR,
    SIZINGS,
    SPREAD_RESOLUTION,
    Z_DECIMALS,
    exposure_vector,
    leg_shares,
    metric_values,
    running_max,
)
from lab.analytics.backtest.metrics import (
    all_positive,
    largest_drawdown,
    leverage_stats,
    return_sums,
)
from lab.kernels._jit import kernel
from lab.kernels.overfitting import path_returns_kernel, sharpe_moments_kernel


@overload(running_max)
def _running_max(values):
    """numba implementation of :func:`lab.analytics.backtest.running_max` (a plain loop)."""

    def impl(values):
        out = np.empty_like(values)
        peak = -np.inf
        for i in range(values.shape[0]):
            if values[i] > peak or math.isnan(values[i]):
                peak = values[i]
            out[i] = peak
        return out

    return impl


@overload(all_positive)
def _all_positive(values):
    """numba implementation of :func:`lab.analytics.backtest.metrics.all_positive`."""

    def impl(values):
        for i in range(values.shape[0]):
            if not values[i] > 0:
                return False
        return True

    return impl


@overload(return_sums)
def _return_sums(path):
    """numba implementation of :func:`lab.analytics.backtest.metrics.return_sums`: the
    returns recomputed in each of two loops instead of stored, summed in index order (the
    order of numba's own ``ndarray.sum``), so the values equal the array form's compiled."""

    def impl(path):
        n = path.shape[0] - 1
        total = 0.0
        for i in range(n):
            total += path[i + 1] / path[i] - 1.0
        mean = total / n
        squares = 0.0
        downside = 0.0
        for i in range(n):
            r = path[i + 1] / path[i] - 1.0
            d = r - mean
            squares += d * d
            low = r if not r >= 0.0 else 0.0  # np.minimum(r, 0): NaN stays NaN
            downside += low * low
        return mean, squares, downside

    return impl


@overload(largest_drawdown)
def _largest_drawdown(path):
    """numba implementation of :func:`lab.analytics.backtest.metrics.largest_drawdown` (one
    loop: the running peak of :func:`_running_max`, NaN as ``ndarray.max``)."""

    def impl(path):
        peak = -np.inf
        worst = -np.inf
        for i in range(path.shape[0]):
            v = path[i]
            if v > peak or math.isnan(v):
                peak = v
            dd = 1.0 - v / peak
            if math.isnan(dd):
                return dd
            if dd > worst:
                worst = dd
        return worst

    return impl


@overload(leverage_stats)
def _leverage_stats(gross, net, value):
    """numba implementation of :func:`lab.analytics.backtest.metrics.leverage_stats`: one
    loop, each mean summed in index order (as numba's ``ndarray.mean``), NaN as
    ``ndarray.max``."""

    def impl(gross, net, value):
        n = value.shape[0]
        lev_sum = 0.0
        net_sum = 0.0
        peak = -np.inf
        nan_seen = False
        for i in range(n):
            lev = gross[i] / value[i]
            lev_sum += lev
            net_sum += abs(net[i]) / value[i]
            if math.isnan(lev):
                nan_seen = True
            elif lev > peak:
                peak = lev
        return lev_sum / n, net_sum / n, np.nan if nan_seen else peak

    return impl


RECOMPUTE_BELOW = 1e-2
"""Recompute the spread variance exactly when it is below this fraction of
``var(y) + beta^2 var(x)`` (the moment formula would have lost over two digits)."""

metric_values_kernel = kernel(metric_values)
"""The shared metrics function :func:`lab.analytics.backtest.metric_values`, compiled."""

leg_shares_kernel = kernel(leg_shares)
"""The shared sizing function :func:`lab.analytics.backtest.leg_shares`, compiled."""

exposure_vector_kernel = kernel(exposure_vector)
"""The shared exposures function :func:`lab.analytics.backtest.exposure_vector`, compiled."""


@kernel
def vol_scale_kernel(
    y: np.ndarray,
    x: np.ndarray,
    beta: np.ndarray,
    sizing: int,
    window: int,
    target: float,
    cap: float,
    scale: np.ndarray,
) -> None:
    """Fill ``scale`` (length T) with the volatility-target scale of
    :func:`lab.analytics.backtest.vol_scale`: the unit spread returns of the sizing, their
    trailing ``window`` sample standard deviation (exact two passes per window), annualised,
    and ``min(target / sigma, cap)`` (``cap`` where sigma is 0, NaN where undefined)."""
    rows = y.shape[0]
    r = np.empty(rows)
    r[0] = np.nan
    for t in range(1, rows):
        u_y, u_x = leg_shares_kernel(sizing, 1.0, beta[t - 1], y[t - 1], x[t - 1])
        r[t] = u_y * (y[t] - y[t - 1]) + u_x * (x[t] - x[t - 1])
    for t in range(rows):
        if t < window - 1:
            scale[t] = np.nan
            continue
        m = 0.0
        for i in range(t - window + 1, t + 1):
            m += r[i]
        m /= window
        ss = 0.0
        for i in range(t - window + 1, t + 1):
            d = r[i] - m
            ss += d * d
        sigma = math.sqrt(ss / (window - 1) * PERIODS_PER_YEAR)
        if sigma == 0.0:
            scale[t] = cap
        elif math.isnan(sigma):
            scale[t] = np.nan
        else:
            scale[t] = min(target / sigma, cap)


@kernel
def _window_sums(x, y, start, stop, ax, ay):
    """``(sum dx, sum dy, sum dx^2, sum dy^2, sum dx dy)`` over rows ``start .. stop - 1`` with
    ``dx = x - ax`` and ``dy = y - ay``."""
    sx = 0.0
    sy = 0.0
    sxx = 0.0
    syy = 0.0
    sxy = 0.0
    for i in range(start, stop):
        dx = x[i] - ax
        dy = y[i] - ay
        sx += dx
        sy += dy
        sxx += dx * dx
        syy += dy * dy
        sxy += dx * dy
    return sx, sy, sxx, syy, sxy


@kernel
def pair_signals(
    y: np.ndarray,
    x: np.ndarray,
    lookback: int,
    rolling: bool,
    n_train: int,
    var_x_tol: float,
    var_s_tol: float,
    z: np.ndarray,
    beta: np.ndarray,
) -> None:
    """Fill ``z`` and ``beta`` (length T) for one lookback.

    Window moments: running sums of ``x - ax`` and ``y - ay`` (and their squares and
    cross-product) over the trailing window ``t - lookback + 1 .. t``, updated by adding the
    new row and dropping the oldest, with the anchors ``(ax, ay)`` moved to the current prices
    and the sums recomputed exactly every ``lookback`` rows. Shifting by a recent price keeps
    the cancellation in ``sum(d^2) - sum(d)^2 / L`` small and the restart bounds the
    accumulation of rounding error; a window whose variance has fallen over two digits below
    the sums' largest value since the restart (a jump that has left the window) restarts at
    once with the anchors at its means. So the moments match an exact two-pass computation to
    about 1e-13 relative, at O(1) cost per row away from such windows. The static hedge uses Welford's expanding
    update over rows ``0 .. n_train - 1`` and is then frozen.
    """
    rows = y.shape[0]
    inv_l = 1.0 / lookback
    inv_l1 = 1.0 / (lookback - 1)
    # static hedge state (Welford)
    e_mx = 0.0
    e_my = 0.0
    e_cxx = 0.0
    e_cxy = 0.0
    e_beta = np.nan
    e_var = 0.0
    # rolling window state
    ax = 0.0
    ay = 0.0
    sx = 0.0
    sy = 0.0
    sxx = 0.0
    syy = 0.0
    sxy = 0.0
    since_reset = lookback
    peak_xx = 0.0
    peak_yy = 0.0
    for t in range(rows):
        if not rolling and t < n_train:
            k = t + 1
            dx = x[t] - e_mx
            e_mx += dx / k
            e_my += (y[t] - e_my) / k
            e_cxx += dx * (x[t] - e_mx)
            e_cxy += dx * (y[t] - e_my)
            if k >= 2:
                e_var = e_cxx / (k - 1)
                # equal opening closes leave e_cxx == 0: no hedge yet (NaN, as the reference)
                e_beta = e_cxy / e_cxx if e_cxx > 0.0 else np.nan
        if t < lookback - 1:
            z[t] = np.nan
            if rolling:
                beta[t] = np.nan
            else:
                beta[t] = e_beta if e_var > var_x_tol * x[t] * x[t] else np.nan
            continue
        if since_reset >= lookback:
            ax = x[t]
            ay = y[t]
            sx, sy, sxx, syy, sxy = _window_sums(x, y, t - lookback + 1, t + 1, ax, ay)
            since_reset = 1
            peak_xx = sxx
            peak_yy = syy
        else:
            dx = x[t] - ax
            dy = y[t] - ay
            ox = x[t - lookback] - ax
            oy = y[t - lookback] - ay
            sx += dx - ox
            sy += dy - oy
            sxx += dx * dx - ox * ox
            syy += dy * dy - oy * oy
            sxy += dx * dy - ox * oy
            since_reset += 1
        vx = (sxx - sx * sx * inv_l) * inv_l1
        vy = (syy - sy * sy * inv_l) * inv_l1
        cxy = (sxy - sx * sy * inv_l) * inv_l1
        peak_xx = max(peak_xx, sxx)
        peak_yy = max(peak_yy, syy)
        if since_reset > 1 and (
            vx < RECOMPUTE_BELOW * peak_xx * inv_l1 or vy < RECOMPUTE_BELOW * peak_yy * inv_l1
        ):
            # the sums carry a rounding error of ~eps times their largest value since the last
            # restart (a jump that has left the window, or prices far from the anchors): when
            # the window's variance is over two digits below that, restart now with the
            # anchors at the window's means (exact two-pass sums, as the reference's)
            ax = x[t - lookback + 1 : t + 1].sum() * inv_l
            ay = y[t - lookback + 1 : t + 1].sum() * inv_l
            sx, sy, sxx, syy, sxy = _window_sums(x, y, t - lookback + 1, t + 1, ax, ay)
            since_reset = 1
            peak_xx = sxx
            peak_yy = syy
            vx = (sxx - sx * sx * inv_l) * inv_l1
            vy = (syy - sy * sy * inv_l) * inv_l1
            cxy = (sxy - sx * sy * inv_l) * inv_l1
        if rolling:
            b = cxy / vx if vx > var_x_tol * x[t] * x[t] else np.nan
        else:
            b = e_beta if e_var > var_x_tol * x[t] * x[t] else np.nan
        beta[t] = b
        if math.isnan(b):
            z[t] = np.nan
            continue
        scale = vy + b * b * vx
        var_s = vy - 2.0 * b * cxy + b * b * vx
        if var_s > RECOMPUTE_BELOW * scale:
            dev = (y[t] - ay - sy * inv_l) - b * (x[t] - ax - sx * inv_l)
        else:
            # the moment formula has cancelled more than two digits: recompute the spread's
            # mean and variance over the window exactly (two passes)
            ms = 0.0
            for i in range(t - lookback + 1, t + 1):
                ms += y[i] - b * x[i]
            ms *= inv_l
            ss = 0.0
            for i in range(t - lookback + 1, t + 1):
                d = (y[i] - b * x[i]) - ms
                ss += d * d
            var_s = ss * inv_l1
            dev = (y[t] - b * x[t]) - ms
        level = abs(y[t]) + abs(b * x[t])
        if var_s > var_s_tol * scale and math.sqrt(var_s) > SPREAD_RESOLUTION * level:
            z[t] = np.rint(dev / math.sqrt(var_s) * Z_DECIMALS) / Z_DECIMALS
        else:
            z[t] = np.nan


@kernel
def simulate_into(
    y: np.ndarray,
    x: np.ndarray,
    z: np.ndarray,
    beta: np.ndarray,
    entry_z: float,
    exit_z: float,
    stop_z: float,
    has_stop: bool,
    rate: float,
    capital: float,
    next_close: bool,
    compounding: bool,
    borrow_rate: float,
    refuse_negative: bool,
    sizing: int,
    rebalance_every: int,
    rebalance_threshold: float,
    scale: np.ndarray,
    equity: np.ndarray,
    positions: np.ndarray,
    shares_y: np.ndarray,
    shares_x: np.ndarray,
    costs: np.ndarray,
    traded: np.ndarray,
    borrow: np.ndarray,
    negative: np.ndarray,
    rebalanced: np.ndarray,
    tr_entry: np.ndarray,
    tr_exit: np.ndarray,
    tr_dir: np.ndarray,
    tr_pnl: np.ndarray,
    tr_closed: np.ndarray,
    tr_reason: np.ndarray,
) -> int:
    """Run the position rules, the execution model and the accounting (the rules of
    :func:`lab.analytics.backtest.backtest_pairs` and :class:`~lab.analytics.PairParams`:
    ``next_close`` trades each decision at the next row's close, ``compounding`` sizes entries
    by the account value, ``borrow_rate`` is the per-period fee on short notional,
    ``refuse_negative`` skips entries whose hedge ratio is not positive, ``sizing`` indexes
    :data:`~lab.analytics.backtest.SIZINGS`, the rebalance rule resizes open trades and
    ``scale`` is the volatility-target scale of the committed gross at each row, or an empty
    array for a scale of 1 at every row).

    Writes every row of the length-``T`` arrays ``equity .. rebalanced`` (no allocation: the
    caller's buffers, which may be reused) and the trades, in order of entry, to the first
    ``n`` entries of the ``tr_*`` buffers (length ``T`` suffices: a trade opens at a row of
    its own); returns ``n``.
    """
    rows = y.shape[0]
    rebalancing = rebalance_every > 0 or rebalance_threshold > 0
    pending_scale = np.nan
    since = 0
    value = capital
    position = 0
    held = 0
    n_y = 0.0
    n_x = 0.0
    lock = 0
    pending = 0
    pending_beta = np.nan
    pending_reason = 0
    trade_entry = -1
    trade_pnl = 0.0
    n_trades = 0
    has_scale = scale.shape[0] > 0
    for t in range(rows):
        borrow[t] = 0.0
        negative[t] = False
        rebalanced[t] = False
        if t > 0:
            pnl = n_y * (y[t] - y[t - 1]) + n_x * (x[t] - x[t - 1])
            value += pnl
            if held != 0:
                trade_pnl += pnl
            if borrow_rate > 0:
                fee = borrow_rate * (max(-n_y, 0.0) * y[t - 1] + max(-n_x, 0.0) * x[t - 1])
                borrow[t] = fee
                value -= fee
                trade_pnl -= fee
        zt = z[t]
        valid = not math.isnan(zt)
        if valid and abs(zt) < entry_z:
            lock = 0
        target = position
        reason = 0
        if position != 0:
            if not valid:
                target = 0
                reason = 3
            elif position == 1 and has_stop and zt <= -stop_z:
                target = 0
                reason = 2
                lock = 1
            elif position == 1 and zt >= -exit_z:
                target = 0
                reason = 1
            elif position == -1 and has_stop and zt >= stop_z:
                target = 0
                reason = 2
                lock = -1
            elif position == -1 and zt <= exit_z:
                target = 0
                reason = 1
        if target == 0 and valid:
            inside_short = (not has_stop) or zt < stop_z
            inside_long = (not has_stop) or zt > -stop_z
            if zt > entry_z and inside_short and lock != -1:
                target = -1
            elif zt < -entry_z and inside_long and lock != 1:
                target = 1
        if target != 0 and target != position and not beta[t] > 0:
            negative[t] = True
            if refuse_negative:
                target = 0
        position = target
        if next_close:
            desired = pending
            desired_beta = pending_beta
            desired_reason = pending_reason
            pending = target
            pending_beta = beta[t]
            pending_reason = reason
            desired_scale = pending_scale
            pending_scale = scale[t] if has_scale else 1.0
        else:
            desired = target
            desired_beta = beta[t]
            desired_reason = reason
            desired_scale = scale[t] if has_scale else 1.0
        cost_t = 0.0
        traded_t = 0.0
        if desired != held:
            if held != 0:
                notional = abs(n_y) * y[t] + abs(n_x) * x[t]
                charge = rate * notional
                cost_t += charge
                traded_t += notional
                trade_pnl -= charge
                tr_entry[n_trades] = trade_entry
                tr_exit[n_trades] = t
                tr_dir[n_trades] = held
                tr_pnl[n_trades] = trade_pnl
                tr_closed[n_trades] = True
                tr_reason[n_trades] = desired_reason
                n_trades += 1
                n_y = 0.0
                n_x = 0.0
            gross = (value if compounding else capital) * desired_scale
            if desired != 0 and gross > 0:
                n_y, n_x = leg_shares_kernel(sizing, desired * gross, desired_beta, y[t], x[t])
                notional = abs(n_y) * y[t] + abs(n_x) * x[t]
                charge = rate * notional
                cost_t += charge
                traded_t += notional
                trade_entry = t
                trade_pnl = -charge
                since = 0
                held = desired
            else:
                held = 0
        elif held != 0 and rebalancing:
            since += 1
            gross = (value if compounding else capital) * desired_scale
            if gross > 0 and not math.isnan(desired_beta):
                t_y, t_x = leg_shares_kernel(sizing, held * gross, desired_beta, y[t], x[t])
                due = rebalance_every > 0 and since >= rebalance_every
                if not due and rebalance_threshold > 0:
                    hedge_held = -n_x * x[t] / (n_y * y[t])
                    hedge_target = -t_x * x[t] / (t_y * y[t])
                    due = abs(hedge_held - hedge_target) > rebalance_threshold * abs(hedge_target)
                if due:
                    notional = abs(t_y - n_y) * y[t] + abs(t_x - n_x) * x[t]
                    charge = rate * notional
                    cost_t += charge
                    traded_t += notional
                    trade_pnl -= charge
                    n_y = t_y
                    n_x = t_x
                    since = 0
                    rebalanced[t] = True
        value -= cost_t
        costs[t] = cost_t
        traded[t] = traded_t
        equity[t] = value
        positions[t] = held
        shares_y[t] = n_y
        shares_x[t] = n_x
    if held != 0:
        tr_entry[n_trades] = trade_entry
        tr_exit[n_trades] = rows - 1
        tr_dir[n_trades] = held
        tr_pnl[n_trades] = trade_pnl
        tr_closed[n_trades] = False
        tr_reason[n_trades] = 0
        n_trades += 1
    return n_trades


@kernel
def simulate_buffers(rows: int):
    """Fresh buffers for :func:`simulate_into` on ``rows`` rows, in its argument order:
    ``(equity, positions, shares_y, shares_x, costs, traded, borrow, negative, rebalanced,
    tr_entry, tr_exit, tr_dir, tr_pnl, tr_closed, tr_reason)``."""
    return (
        np.empty(rows),
        np.empty(rows),
        np.empty(rows),
        np.empty(rows),
        np.empty(rows),
        np.empty(rows),
        np.empty(rows),
        np.empty(rows, dtype=np.bool_),
        np.empty(rows, dtype=np.bool_),
        np.empty(rows, dtype=np.int64),
        np.empty(rows, dtype=np.int64),
        np.empty(rows, dtype=np.int64),
        np.empty(rows),
        np.empty(rows, dtype=np.bool_),
        np.empty(rows, dtype=np.int64),
    )


SERIES: tuple[str, ...] = (
    "equity",
    "positions",
    "shares_y",
    "shares_x",
    "costs",
    "traded",
    "borrow",
    "returns",
    "gross_exposure",
    "net_exposure",
    "zscore",
    "hedge_ratio",
)
"""Rows of the float block :func:`backtest_rows` fills: the per-row float fields of
:class:`~lab.analytics.backtest.BacktestResult`, by name."""

S = namedtuple("SeriesIndex", SERIES)(*range(len(SERIES)))
"""Named indices of :data:`SERIES` (``S.equity`` is the row of the equity curve)."""


@kernel
def backtest_rows(
    y: np.ndarray,
    x: np.ndarray,
    entry_z: float,
    exit_z: float,
    stop_z: float,
    has_stop: bool,
    rate: float,
    capital: float,
    execution: np.ndarray,
    scale: np.ndarray,
    n_train: int,
    series: np.ndarray,
    flags: np.ndarray,
    tr_int: np.ndarray,
    tr_pnl: np.ndarray,
    tr_closed: np.ndarray,
    metrics: np.ndarray,
    exposure: np.ndarray,
) -> int:
    """One whole native backtest after the signals, into the caller's buffers: no Python
    between the kernels and no temporary of length ``T`` beyond the metrics function's.

    ``series`` (:data:`SERIES` x T) holds the signals in rows ``S.zscore`` and
    ``S.hedge_ratio`` on entry; :func:`simulate_into` fills the rows ``equity .. borrow`` and
    ``flags[0]`` (negative hedge) and ``flags[1]`` (rebalanced), then one pass adds the
    period returns (against ``capital`` before row 0) and the gross and net exposures
    (the formulas of :func:`lab.analytics.backtest.backtest_result`), and the shared
    :data:`metric_values_kernel` and :data:`exposure_vector_kernel` write the in-sample
    (``[0]``) and out-of-sample (``[1]``) rows of ``metrics`` and ``exposure``. The trades go
    to ``tr_int`` (rows entry, exit, direction, reason), ``tr_pnl`` and ``tr_closed``;
    returns their number. ``execution`` is :func:`execution_options` of the parameters,
    ``scale`` the volatility-target scale (empty: 1 at every row).
    """
    rows = y.shape[0]
    equity = series[S.equity]
    positions = series[S.positions]
    shares_y = series[S.shares_y]
    shares_x = series[S.shares_x]
    costs = series[S.costs]
    traded = series[S.traded]
    borrow = series[S.borrow]
    n = simulate_into(
        y, x, series[S.zscore], series[S.hedge_ratio], entry_z, exit_z, stop_z, has_stop,
        rate, capital, execution[0] > 0, execution[1] > 0, execution[2], execution[3] > 0,
        int(execution[4]), int(execution[5]), execution[6], scale,
        equity, positions, shares_y, shares_x, costs, traded, borrow, flags[0], flags[1],
        tr_int[0], tr_int[1], tr_int[2], tr_pnl, tr_closed, tr_int[3],
    )  # fmt: skip
    returns = series[S.returns]
    gross = series[S.gross_exposure]
    net = series[S.net_exposure]
    previous = capital
    for t in range(rows):
        value = equity[t]
        returns[t] = value / previous - 1.0
        previous = value
        gross[t] = abs(shares_y[t]) * y[t] + abs(shares_x[t]) * x[t]
        net[t] = shares_y[t] * y[t] + shares_x[t] * x[t]
    entry = tr_int[0, :n]
    holding = tr_int[1, :n] - entry
    closed = tr_closed[:n]
    pnl = tr_pnl[:n]
    for k in range(2):
        start = 0 if k == 0 else n_train
        stop = n_train if k == 0 else rows
        metrics[k] = metric_values_kernel(
            equity, costs, traded, positions, entry, closed, pnl, holding, start, stop
        )
        exposure[k] = exposure_vector_kernel(
            equity, gross, net, borrow, flags[0], flags[1], start, stop
        )
    return n


@kernel(parallel=True)
def signals_grid(
    y: np.ndarray,
    x: np.ndarray,
    lookbacks: np.ndarray,
    rolling: bool,
    n_train: int,
    var_x_tol: float,
    var_s_tol: float,
    z: np.ndarray,
    beta: np.ndarray,
) -> None:
    """:func:`pair_signals` for every lookback, in parallel; ``z`` and ``beta`` are (L, T)."""
    for i in prange(lookbacks.shape[0]):
        pair_signals(y, x, lookbacks[i], rolling, n_train, var_x_tol, var_s_tol, z[i], beta[i])


@kernel(parallel=True)
def sweep_grid(
    y: np.ndarray,
    x: np.ndarray,
    z: np.ndarray,
    beta: np.ndarray,
    signal_row: np.ndarray,
    entry_zs: np.ndarray,
    exit_z: float,
    stop_z: float,
    has_stop: bool,
    rate: float,
    capital: float,
    execution: np.ndarray,
    scale: np.ndarray,
    start: int,
    stop: int,
    metric_index: int,
    values: np.ndarray,
    moments: np.ndarray,
) -> None:
    """Backtest every grid point ``k`` (signals ``z[signal_row[k]]``, threshold ``entry_zs[k]``)
    in parallel and store metric ``metric_index`` of rows ``start .. stop - 1`` in
    ``values[k]``, using the shared metrics function compiled as :data:`metric_values_kernel`
    (``execution`` holds :func:`execution_options` of the parameters and ``scale[i]`` the
    volatility-target scale of signal row ``i``, :func:`vol_scale_kernel`),
    and the per-period Sharpe ratio, skewness and kurtosis of those rows' returns in
    ``moments[k]`` (the shared :func:`lab.analytics.overfitting.sharpe_moments`)."""
    rows = y.shape[0]
    for k in prange(signal_row.shape[0]):
        buffers = simulate_buffers(rows)
        n = simulate_into(
            y, x, z[signal_row[k]], beta[signal_row[k]], entry_zs[k],
            exit_z, stop_z, has_stop, rate, capital,
            execution[0] > 0, execution[1] > 0, execution[2], execution[3] > 0,
            int(execution[4]), int(execution[5]), execution[6], scale[signal_row[k]], *buffers,
        )  # fmt: skip
        equity, positions, costs, traded = buffers[0], buffers[1], buffers[4], buffers[5]
        tr_entry, tr_exit, tr_pnl, tr_closed = (
            buffers[9][:n],
            buffers[10][:n],
            buffers[12][:n],
            buffers[13][:n],
        )
        metrics = metric_values_kernel(
            equity,
            costs,
            traded,
            positions,
            tr_entry,
            tr_closed,
            tr_pnl,
            tr_exit - tr_entry,
            start,
            stop,
        )
        values[k] = metrics[metric_index]
        moments[k] = sharpe_moments_kernel(path_returns_kernel(equity, start, stop, capital))


@kernel(parallel=True)
def fold_grid(
    y: np.ndarray,
    x: np.ndarray,
    z: np.ndarray,
    beta: np.ndarray,
    signal_row: np.ndarray,
    entry_zs: np.ndarray,
    exit_z: float,
    stop_z: float,
    has_stop: bool,
    rate: float,
    capital: float,
    execution: np.ndarray,
    scale: np.ndarray,
    n_train: int,
    metric_index: int,
    train_metric: np.ndarray,
    returns: np.ndarray,
    positions: np.ndarray,
) -> None:
    """One walk-forward fold: backtest every cell ``k`` (as :func:`sweep_grid`) in parallel,
    store metric ``metric_index`` of the training rows ``0 .. n_train - 1`` in
    ``train_metric[k]`` and the test rows' returns and positions in ``returns[k]`` and
    ``positions[k]`` (length ``T - n_train``)."""
    rows = y.shape[0]
    for k in prange(signal_row.shape[0]):
        buffers = simulate_buffers(rows)
        n = simulate_into(
            y, x, z[signal_row[k]], beta[signal_row[k]], entry_zs[k],
            exit_z, stop_z, has_stop, rate, capital,
            execution[0] > 0, execution[1] > 0, execution[2], execution[3] > 0,
            int(execution[4]), int(execution[5]), execution[6], scale[signal_row[k]], *buffers,
        )  # fmt: skip
        equity, pos, costs, traded = buffers[0], buffers[1], buffers[4], buffers[5]
        tr_entry, tr_exit, tr_pnl, tr_closed = (
            buffers[9][:n],
            buffers[10][:n],
            buffers[12][:n],
            buffers[13][:n],
        )
        metrics = metric_values_kernel(
            equity,
            costs,
            traded,
            pos,
            tr_entry,
            tr_closed,
            tr_pnl,
            tr_exit - tr_entry,
            0,
            n_train,
        )
        train_metric[k] = metrics[metric_index]
        for t in range(n_train, rows):
            returns[k, t - n_train] = equity[t] / equity[t - 1] - 1.0
            positions[k, t - n_train] = pos[t]


def execution_options(params) -> np.ndarray:
    """``[next_close, compounding, borrow per period, refuse_negative, sizing index,
    rebalance_every, rebalance_threshold]`` of a :class:`~lab.analytics.PairParams`, as passed
    to the grid kernels (the volatility-target scale travels as an array of its own)."""
    return np.array(
        [
            float(params.fill == "next_close"),
            float(params.capital == "compounding"),
            params.borrow_bps_per_year / 1e4 / PERIODS_PER_YEAR,
            float(params.negative_hedge == "refuse"),
            float(SIZINGS.index(params.sizing)),
            float(params.rebalance_every),
            params.rebalance_threshold,
        ]
    )


@kernel
def kalman_hedge_kernel(
    y: np.ndarray, x: np.ndarray, q_alpha: float, q_beta: float, r: float, p0: float
) -> tuple[np.ndarray, np.ndarray]:
    """Filtered intercept and slope of the random-walk regression of
    :func:`lab.analytics.backtest.kalman_hedge` (2 x 2 updates written out)."""
    rows = y.shape[0]
    alpha = np.empty(rows)
    beta = np.empty(rows)
    s0 = 0.0
    s1 = 0.0
    p00 = p0
    p01 = 0.0
    p11 = p0
    for t in range(rows):
        if t > 0:
            p00 += q_alpha
            p11 += q_beta
        xt = x[t]
        pz0 = p00 + p01 * xt
        pz1 = p01 + p11 * xt
        f = pz0 + xt * pz1 + r
        k0 = pz0 / f
        k1 = pz1 / f
        v = y[t] - (s0 + s1 * xt)
        s0 += k0 * v
        s1 += k1 * v
        n00 = p00 - k0 * pz0
        n01 = p01 - 0.5 * (k0 * pz1 + k1 * pz0)
        n11 = p11 - k1 * pz1
        p00 = n00
        p01 = n01
        p11 = n11
        alpha[t] = s0
        beta[t] = s1
    return alpha, beta


@kernel
def zscore_with_hedge(
    y: np.ndarray,
    x: np.ndarray,
    beta: np.ndarray,
    lookback: int,
    var_s_tol: float,
    z: np.ndarray,
) -> None:
    """z-score of the spread ``y - beta[t] x`` over the trailing window with a given hedge
    series (the Kalman hedge), exact two-pass window moments; the degeneracy rule of
    :mod:`lab.analytics.backtest` (``var(s) <= var_s_tol (var(y) + beta^2 var(x))``)."""
    rows = y.shape[0]
    inv_l = 1.0 / lookback
    inv_l1 = 1.0 / (lookback - 1)
    for t in range(rows):
        if t < lookback - 1:
            z[t] = np.nan
            continue
        b = beta[t]
        my = 0.0
        mx = 0.0
        ms = 0.0
        for i in range(t - lookback + 1, t + 1):
            my += y[i]
            mx += x[i]
            ms += y[i] - b * x[i]
        my *= inv_l
        mx *= inv_l
        ms *= inv_l
        vy = 0.0
        vx = 0.0
        vs = 0.0
        for i in range(t - lookback + 1, t + 1):
            dy = y[i] - my
            dx = x[i] - mx
            ds = (y[i] - b * x[i]) - ms
            vy += dy * dy
            vx += dx * dx
            vs += ds * ds
        vy *= inv_l1
        vx *= inv_l1
        vs *= inv_l1
        level = abs(y[t]) + abs(b * x[t])
        if vs > var_s_tol * (vy + b * b * vx) and math.sqrt(vs) > SPREAD_RESOLUTION * level:
            z[t] = np.rint(((y[t] - b * x[t]) - ms) / math.sqrt(vs) * Z_DECIMALS) / Z_DECIMALS
        else:
            z[t] = np.nan


@kernel
def spread_signals(
    y: np.ndarray, x: np.ndarray, beta: float, mean: float, z: np.ndarray, hedge: np.ndarray
) -> None:
    """Signal of ``band_units="spread"`` (:func:`lab.analytics.backtest.spread_signal`): fill ``z``
    with ``y - beta x - mean`` on the nine-decimal grid and ``hedge`` with ``beta``."""
    for t in range(y.shape[0]):
        z[t] = np.rint((y[t] - beta * x[t] - mean) * Z_DECIMALS) / Z_DECIMALS
        hedge[t] = beta
