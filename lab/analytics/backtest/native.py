"""Pairs backtest and parameter sweep on the native engine (numba kernels in
:mod:`lab.kernels.backtest`).

Same rules, conventions, result types, input checks and metrics function
(:func:`lab.analytics.backtest.metric_values`, compiled by numba) as the reference engine
:mod:`lab.analytics.backtest`. The equity curve agrees with the reference within 1e-10
relative; sweep values within 1e-10 (NaN where the reference is NaN).
"""

from __future__ import annotations

import numpy as np

from lab.analytics.backtest.checks import check_grid, check_metric, check_pair
from lab.analytics.backtest.execution import backtest_result, make_trades
from lab.analytics.backtest.metric_table import M
from lab.analytics.backtest.params import (
    CAPITAL,
    KALMAN_P0,
    SIZINGS,
    VAR_S_TOL,
    VAR_X_TOL,
    PairParams,
    resolve_params,
)
from lab.analytics.backtest.results import SweepResult
from lab.kernels.backtest import (
    execution_options,
    kalman_hedge_kernel,
    metric_values_kernel,
    pair_signals,
    signals_grid,
    simulate,
    spread_signals,
    sweep_grid,
    vol_scale_kernel,
    zscore_with_hedge,
)

__all__ = ["backtest_pairs", "sweep"]


def signals(y, x, lookbacks, params: PairParams, n_train: int):
    """``(z, beta)``, each (L, T): the signals of every lookback (rolling or static hedge:
    :func:`lab.kernels.backtest.signals_grid`; Kalman hedge: one filter run,
    :func:`lab.kernels.backtest.kalman_hedge_kernel`, and the z-score of each lookback; spread
    bands: :func:`lab.kernels.backtest.spread_signals`, the same for every lookback)."""
    rows = y.shape[0]
    z = np.empty((lookbacks.size, rows))
    beta = np.empty((lookbacks.size, rows))
    if params.band_units == "spread":  # the signal does not depend on the lookback
        for i in range(lookbacks.size):
            spread_signals(y, x, params.spread_beta, params.spread_mean, z[i], beta[i])
        return z, beta
    if params.hedge == "kalman":
        _, slope = kalman_hedge_kernel(
            y, x, params.kalman_q_alpha, params.kalman_q_beta, params.kalman_r, KALMAN_P0
        )
        for i, lookback in enumerate(lookbacks):
            beta[i] = slope
            zscore_with_hedge(y, x, slope, int(lookback), VAR_S_TOL, z[i])
        return z, beta
    signals_grid(y, x, lookbacks, params.hedge == "rolling", n_train, VAR_X_TOL, VAR_S_TOL, z, beta)
    return z, beta


def scales(y, x, beta, params: PairParams) -> np.ndarray:
    """The volatility-target scale of each row of ``beta`` (L, T) or of one hedge series
    (T,): ones without a target, else :func:`lab.kernels.backtest.vol_scale_kernel`."""
    out = np.ones(beta.shape)
    if params.vol_target is None:
        return out
    sizing = SIZINGS.index(params.sizing)
    for row_beta, row_out in zip(np.atleast_2d(beta), np.atleast_2d(out), strict=True):
        vol_scale_kernel(
            y, x, row_beta, sizing, params.vol_window, params.vol_target, params.leverage_cap,
            row_out,
        )  # fmt: skip
    return out


def _stop(params: PairParams) -> tuple[float, bool]:
    return (0.0, False) if params.stop_z is None else (float(params.stop_z), True)


def backtest_pairs(y, x, params=None):
    """Backtest the z-score pairs strategy (native engine).

    Rules, conventions and outputs as :func:`lab.analytics.backtest.backtest_pairs`. The
    hedge ratio and z-score come from :func:`lab.kernels.backtest.pair_signals` (exact
    two-pass window moments, Welford expanding moments for the static hedge) and the rows are
    stepped through by :func:`lab.kernels.backtest.simulate`. Equity agrees with the reference
    within 1e-10 relative.
    """
    params = resolve_params(params)
    y, x, n_train = check_pair(y, x, params)
    if params.hedge == "kalman" or params.band_units == "spread":
        z, beta = (a[0] for a in signals(y, x, np.array([params.lookback]), params, n_train))
    else:
        rows = y.shape[0]
        z = np.empty(rows)
        beta = np.empty(rows)
        pair_signals(
            y, x, params.lookback, params.hedge == "rolling", n_train, VAR_X_TOL, VAR_S_TOL, z, beta
        )
    stop_z, has_stop = _stop(params)
    rate = params.cost_bps / 1e4
    option = execution_options(params)
    equity, positions, shares_y, shares_x, costs, traded, borrow, negative, *trade_columns = (
        simulate(
            y, x, z, beta, params.entry_z, params.exit_z, stop_z, has_stop, rate, CAPITAL,
            option[0] > 0, option[1] > 0, option[2], option[3] > 0,
            int(option[4]), int(option[5]), option[6], scales(y, x, beta, params),
        )
    )  # fmt: skip
    *trade_columns, rebalanced = trade_columns
    return backtest_result(
        y,
        x,
        equity,
        positions,
        shares_y,
        shares_x,
        z,
        beta,
        costs,
        traded,
        borrow,
        negative,
        make_trades(*trade_columns),
        n_train,
        compute=metric_values_kernel,
        rebalanced=rebalanced,
    )


def sweep(y, x, grid, metric="sharpe", params=None, sample="out"):
    """Metric surface over a ``lookback`` x ``entry_z`` grid (native engine).

    Arguments and result as :func:`lab.analytics.backtest.sweep`. The signals of each lookback
    are computed once (:func:`lab.kernels.backtest.signals_grid`, parallel over lookbacks),
    then all grid points are backtested in parallel (:func:`lab.kernels.backtest.sweep_grid`,
    ``prange`` over points), each point's metric coming from the shared
    :func:`lab.analytics.backtest.metric_values` compiled by numba. Values agree with the
    reference within 1e-10.
    """
    params = resolve_params(params)
    check_metric(metric, sample)
    lookbacks, entry_zs = check_grid(grid, params)
    y, x, n_train = check_pair(y, x, params, lookback=int(lookbacks.max()))
    rows = y.shape[0]
    n_l, n_e = lookbacks.size, entry_zs.size
    z, beta = signals(y, x, lookbacks, params, n_train)
    signal_row = np.repeat(np.arange(n_l, dtype=np.int64), n_e)
    point_entry = np.tile(entry_zs, n_l)
    stop_z, has_stop = _stop(params)
    start, stop = (n_train, rows) if sample == "out" else (0, n_train)
    values = np.empty(n_l * n_e)
    moments = np.empty((n_l * n_e, 3))
    sweep_grid(
        y,
        x,
        z,
        beta,
        signal_row,
        point_entry,
        params.exit_z,
        stop_z,
        has_stop,
        params.cost_bps / 1e4,
        CAPITAL,
        execution_options(params),
        scales(y, x, beta, params),
        start,
        stop,
        getattr(M, metric),
        values,
        moments,
    )
    moments = moments.reshape(n_l, n_e, 3)
    return SweepResult(
        lookbacks=lookbacks,
        entry_zs=entry_zs,
        values=values.reshape(n_l, n_e),
        metric=metric,
        sample=sample,
        cell_sharpe=moments[..., 0].copy(),
        cell_skew=moments[..., 1].copy(),
        cell_kurtosis=moments[..., 2].copy(),
        n_obs=stop - start,
    )
