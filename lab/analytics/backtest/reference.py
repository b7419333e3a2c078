""":func:`backtest_pairs` and :func:`sweep` on the reference engine (pandas moments, a plain
Python loop over the rows).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from lab.analytics.backtest.checks import check_grid, check_metric, check_pair
from lab.analytics.backtest.execution import backtest_result, leg_shares, make_trades, vol_scale
from lab.analytics.backtest.params import (
    CAPITAL,
    EXIT_NO_SIGNAL,
    EXIT_OPEN,
    EXIT_SIGNAL,
    EXIT_STOP,
    PERIODS_PER_YEAR,
    SIZINGS,
    PairParams,
    resolve_params,
)
from lab.analytics.backtest.results import BacktestResult, SweepResult
from lab.analytics.backtest.signals import _signals
from lab.analytics.overfitting import path_returns, sharpe_moments


def backtest_pairs(y, x, params=None):
    """Backtest the z-score pairs strategy on prices ``y`` and ``x`` (reference engine).

    The rules, the sizing, the P&L and cost conventions and the metrics are in the module
    docstring of :mod:`lab.analytics.backtest`. In short: the signal at ``t`` uses prices up
    to ``t`` only, ``positions[t]`` is held over ``(t, t+1]``, each trade commits gross
    notional 1 (the initial capital), and every leg transaction costs ``cost_bps`` of its
    traded notional.

    This engine computes the moments with pandas ``rolling``/``expanding`` and steps through
    the rows in a plain Python loop; the native engine (numba) matches its equity within 1e-10
    relative.

    Parameters
    ----------
    y, x : array_like, shape (T,)
        Positive prices of the two legs, aligned row by row, finite.
    params : PairParams, optional
        Strategy parameters; ``PairParams()`` when omitted.

    Returns
    -------
    BacktestResult

    Raises
    ------
    ValueError
        For NaN/inf or non-positive prices, different lengths, fewer than ``lookback + 2``
        rows, a train/test split leaving fewer than 2 rows on a side, or invalid params.
    """
    params = resolve_params(params)
    y, x, n_train = check_pair(y, x, params)
    z, beta = _signals(y, x, params, n_train)
    return _simulate(y, x, z, beta, params, n_train)


def _simulate(y, x, z, beta, params: PairParams, n_train: int) -> BacktestResult:
    rows = len(y)
    entry_z, exit_z, stop_z = params.entry_z, params.exit_z, params.stop_z
    rate = params.cost_bps / 1e4
    borrow_rate = params.borrow_bps_per_year / 1e4 / PERIODS_PER_YEAR
    next_close = params.fill == "next_close"
    compounding = params.capital == "compounding"
    refuse = params.negative_hedge == "refuse"
    sizing = SIZINGS.index(params.sizing)
    every, threshold = params.rebalance_every, params.rebalance_threshold
    rebalancing = every > 0 or threshold > 0
    scale = vol_scale(y, x, beta, params)
    rebalanced = np.zeros(rows, dtype=np.bool_)
    equity = np.empty(rows)
    positions = np.zeros(rows)
    shares_y = np.zeros(rows)
    shares_x = np.zeros(rows)
    costs = np.zeros(rows)
    traded = np.zeros(rows)
    borrow = np.zeros(rows)
    negative = np.zeros(rows, dtype=np.bool_)
    records: list[tuple] = []

    value = CAPITAL
    position, held, n_y, n_x, lock = 0, 0, 0.0, 0.0, 0
    pending, pending_beta, pending_reason = 0, math.nan, EXIT_OPEN
    pending_scale, since = math.nan, 0
    trade_entry, trade_pnl = -1, 0.0
    for t in range(rows):
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
            lock = 0  # back inside the entry band: a stopped-out side may trade again

        target, reason = position, EXIT_OPEN
        if position != 0:
            if not valid:
                target, reason = 0, EXIT_NO_SIGNAL
            elif position == 1 and stop_z is not None and zt <= -stop_z:
                target, reason, lock = 0, EXIT_STOP, 1
            elif position == 1 and zt >= -exit_z:
                target, reason = 0, EXIT_SIGNAL
            elif position == -1 and stop_z is not None and zt >= stop_z:
                target, reason, lock = 0, EXIT_STOP, -1
            elif position == -1 and zt <= exit_z:
                target, reason = 0, EXIT_SIGNAL
        if target == 0 and valid:
            inside_stop_short = stop_z is None or zt < stop_z
            inside_stop_long = stop_z is None or zt > -stop_z
            if zt > entry_z and inside_stop_short and lock != -1:
                target = -1
            elif zt < -entry_z and inside_stop_long and lock != 1:
                target = 1
        if target != 0 and target != position and not beta[t] > 0:
            negative[t] = True
            if refuse:
                target = 0
        position = target

        if next_close:  # trade the previous row's decision at this close
            desired, desired_beta, desired_reason = pending, pending_beta, pending_reason
            pending, pending_beta, pending_reason = target, beta[t], reason
            desired_scale, pending_scale = pending_scale, scale[t]
        else:
            desired, desired_beta, desired_reason = target, beta[t], reason
            desired_scale = scale[t]
        if desired != held:
            if held != 0:  # close the open trade
                notional = abs(n_y) * y[t] + abs(n_x) * x[t]
                charge = rate * notional
                costs[t] += charge
                traded[t] += notional
                trade_pnl -= charge
                records.append((trade_entry, t, held, trade_pnl, True, desired_reason))
                n_y, n_x = 0.0, 0.0
            gross = (value if compounding else CAPITAL) * desired_scale
            if desired != 0 and gross > 0:  # open a new trade with gross notional `gross`
                n_y, n_x = leg_shares(sizing, desired * gross, desired_beta, y[t], x[t])
                notional = abs(n_y) * y[t] + abs(n_x) * x[t]
                charge = rate * notional
                costs[t] += charge
                traded[t] += notional
                trade_entry, trade_pnl, since = t, -charge, 0
                held = desired
            else:
                held = 0
        elif held != 0 and rebalancing:  # resize the open trade when a rule is due
            since += 1
            gross = (value if compounding else CAPITAL) * desired_scale
            if gross > 0 and not math.isnan(desired_beta):
                t_y, t_x = leg_shares(sizing, held * gross, desired_beta, y[t], x[t])
                due = every > 0 and since >= every
                if not due and threshold > 0:
                    hedge_held = -n_x * x[t] / (n_y * y[t])
                    hedge_target = -t_x * x[t] / (t_y * y[t])
                    due = abs(hedge_held - hedge_target) > threshold * abs(hedge_target)
                if due:
                    notional = abs(t_y - n_y) * y[t] + abs(t_x - n_x) * x[t]
                    charge = rate * notional
                    costs[t] += charge
                    traded[t] += notional
                    trade_pnl -= charge
                    n_y, n_x, since = t_y, t_x, 0
                    rebalanced[t] = True
        value -= costs[t]
        equity[t] = value
        positions[t] = held
        shares_y[t] = n_y
        shares_x[t] = n_x
    if held != 0:
        records.append((trade_entry, rows - 1, held, trade_pnl, False, EXIT_OPEN))
    columns = zip(*records, strict=True) if records else [()] * 6
    trades = make_trades(*columns)
    return backtest_result(
        y, x, equity, positions, shares_y, shares_x, z, beta, costs, traded, borrow, negative,
        trades, n_train, rebalanced=rebalanced,
    )  # fmt: skip


def sweep(y, x, grid, metric="sharpe", params=None, sample="out"):
    """Evaluate a metric of :func:`backtest_pairs` over a ``lookback`` x ``entry_z`` grid.

    Parameters
    ----------
    y, x : array_like, shape (T,)
        Positive prices, as for :func:`backtest_pairs`.
    grid : dict
        ``{"lookback": [...], "entry_z": [...]}``; every combination is run with the other
        fields taken from ``params``.
    metric : str
        Key of :data:`METRIC_NAMES` (default ``"sharpe"``).
    params : PairParams, optional
        Base parameters (defaults when omitted).
    sample : str
        ``"out"`` (default): the out-of-sample metric, rows ``n_train ..`` - the honest one;
        ``"in"``: the in-sample metric.

    Returns
    -------
    SweepResult
        ``values[i, j]`` for ``lookbacks[i]``, ``entry_zs[j]``.

    Notes
    -----
    The reference engine simply calls :func:`backtest_pairs` for every grid point. The
    native engine computes each lookback's signals once and runs the grid in parallel
    (numba ``prange``); both agree within 1e-10.
    """
    params = resolve_params(params)
    check_metric(metric, sample)
    lookbacks, entry_zs = check_grid(grid, params)
    ya, _, n_train = check_pair(y, x, params, lookback=int(lookbacks.max()))
    start, stop = (n_train, ya.shape[0]) if sample == "out" else (0, n_train)
    key = "out_of_sample" if sample == "out" else "in_sample"
    shape = (lookbacks.size, entry_zs.size)
    values = np.empty(shape)
    moments = np.empty((*shape, 3))
    for i, lookback in enumerate(lookbacks):
        for j, entry_z in enumerate(entry_zs):
            point = dataclasses.replace(params, lookback=int(lookback), entry_z=float(entry_z))
            result = backtest_pairs(y, x, point)
            values[i, j] = getattr(result.metrics, key)[metric]
            moments[i, j] = sharpe_moments(path_returns(result.equity, start, stop, CAPITAL))
    return SweepResult(
        lookbacks=lookbacks,
        entry_zs=entry_zs,
        values=values,
        metric=metric,
        sample=sample,
        cell_sharpe=moments[..., 0],
        cell_skew=moments[..., 1],
        cell_kurtosis=moments[..., 2],
        n_obs=stop - start,
    )
