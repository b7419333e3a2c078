"""numba kernel of the batch pairs backtest (:func:`lab.analytics.backtest.batch.backtest_many`).

:func:`batch_backtest` runs every column in parallel (``prange``) through the same per-pair
kernels as the native ``backtest_pairs``: :func:`~lab.kernels.backtest.pair_signals` (or the
spread bands, :func:`~lab.kernels.backtest.spread_signals`, or the Kalman hedge,
:func:`~lab.kernels.backtest.kalman_hedge_kernel` and
:func:`~lab.kernels.backtest.zscore_with_hedge`), :func:`~lab.kernels.backtest.vol_scale_kernel`,
:func:`~lab.kernels.backtest.simulate_into` and the shared metrics function
(:data:`~lab.kernels.backtest.metric_values_kernel`). No strategy logic lives here: this module
only lays the parameters out as arrays and loops over the columns.
"""

from __future__ import annotations

import numpy as np
from numba import prange

from lab.analytics.backtest import CAPITAL, HEDGE_METHODS, KALMAN_P0, VAR_S_TOL, VAR_X_TOL
from lab.kernels._jit import kernel
from lab.kernels.backtest import (
    execution_options,
    kalman_hedge_kernel,
    metric_values_kernel,
    pair_signals,
    simulate_buffers,
    simulate_into,
    spread_signals,
    vol_scale_kernel,
    zscore_with_hedge,
)

INT_FIELDS = ("lookback", "hedge", "n_train", "has_stop", "vol_on", "vol_window", "spread_bands")
"""Columns of the integer parameter table (``hedge`` indexes
:data:`lab.analytics.backtest.HEDGE_METHODS`; ``has_stop``, ``vol_on`` and ``spread_bands``
(``band_units="spread"``) are 0/1)."""

FLOAT_FIELDS = (
    "entry_z",
    "exit_z",
    "stop_z",
    "rate",
    "kalman_q_alpha",
    "kalman_q_beta",
    "kalman_r",
    "vol_target",
    "leverage_cap",
    "spread_beta",
    "spread_mean",
)
"""Columns of the float parameter table (``rate`` is ``cost_bps / 1e4``; ``stop_z`` and
``vol_target`` are 0 when off)."""


def param_tables(params, n_train: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(ints, floats, execution)``: one row per :class:`~lab.analytics.PairParams` of
    ``params`` (columns :data:`INT_FIELDS`, :data:`FLOAT_FIELDS` and
    :func:`lab.kernels.backtest.execution_options`), for :func:`batch_backtest`."""
    k = len(params)
    ints = np.empty((k, len(INT_FIELDS)), dtype=np.int64)
    floats = np.empty((k, len(FLOAT_FIELDS)))
    execution = np.empty((k, 7))
    for i, p in enumerate(params):
        ints[i] = (
            p.lookback,
            HEDGE_METHODS.index(p.hedge),
            n_train[i],
            p.stop_z is not None,
            p.vol_target is not None,
            p.vol_window,
            p.band_units == "spread",
        )
        floats[i] = (
            p.entry_z,
            p.exit_z,
            0.0 if p.stop_z is None else p.stop_z,
            p.cost_bps / 1e4,
            p.kalman_q_alpha,
            p.kalman_q_beta,
            p.kalman_r,
            0.0 if p.vol_target is None else p.vol_target,
            p.leverage_cap,
            p.spread_beta,
            p.spread_mean,
        )
        execution[i] = execution_options(p)
    return ints, floats, execution


COLUMN_BLOCK = 32
"""Columns gathered together by :func:`columns_checked` (four 64-byte cache lines of a
C-ordered row)."""

ROW_TILE = 256
"""Rows of one tile of :func:`columns_checked`: a tile reads ``ROW_TILE`` rows of
:data:`COLUMN_BLOCK` columns and writes :data:`COLUMN_BLOCK` contiguous runs of ``ROW_TILE``
values, so the pages it touches stay in the TLB."""


@kernel(parallel=True)
def columns_checked(values: np.ndarray, out: np.ndarray, bad: np.ndarray) -> None:
    """Copy the T x K price matrix ``values`` (any layout) to ``out`` (K, T), column ``j`` to
    row ``j``, in parallel blocks of :data:`COLUMN_BLOCK` columns and tiles of
    :data:`ROW_TILE` rows (a cache- and TLB-friendly transpose), and set ``bad[j]`` where
    column ``j`` holds a value that is not a finite positive price (NaN, inf or <= 0)."""
    rows = values.shape[0]
    cols = values.shape[1]
    for block in prange((cols + COLUMN_BLOCK - 1) // COLUMN_BLOCK):
        lo = block * COLUMN_BLOCK
        hi = min(lo + COLUMN_BLOCK, cols)
        for t0 in range(0, rows, ROW_TILE):
            t1 = min(t0 + ROW_TILE, rows)
            for t in range(t0, t1):
                for j in range(lo, hi):
                    v = values[t, j]
                    out[j, t] = v
                    if not (v > 0.0 and v < np.inf):
                        bad[j] = True


BATCH_CHUNKS = 16
"""Column chunks of :func:`batch_backtest`: the chunks run in parallel, and each allocates
its scratch buffers once and reuses them for every column it backtests."""


@kernel(parallel=True)
def batch_backtest(
    y: np.ndarray,
    x: np.ndarray,
    ints: np.ndarray,
    floats: np.ndarray,
    execution: np.ndarray,
    equity: np.ndarray,
    n_trades: np.ndarray,
    metrics: np.ndarray,
) -> None:
    """Backtest column ``j`` of ``equity`` (N, T) for every ``j``, in parallel.

    ``y`` and ``x`` are (N or 1, T): row ``j`` (or the one row) holds column ``j``'s prices;
    ``ints``, ``floats`` and ``execution`` are (N or 1, ...) parameter tables
    (:func:`param_tables`). Writes the equity curve to ``equity[j]``, the number of trades to
    ``n_trades[j]`` and the in- and out-of-sample metrics to ``metrics[0, j]`` and
    ``metrics[1, j]`` (the order of :data:`lab.analytics.backtest.METRIC_NAMES`).

    The columns are cut into :data:`BATCH_CHUNKS` contiguous chunks run in parallel
    (``prange``); a chunk allocates the signal, scale, position, share, cost and trade
    buffers once and :func:`~lab.kernels.backtest.simulate_into` reuses them for each of its
    columns, writing the equity straight into ``equity[j]``, so no column touches fresh
    memory beyond the metrics function's temporaries.
    """
    n = equity.shape[0]
    rows = equity.shape[1]
    # row strides: 0 where one row is broadcast to every column
    y_step = 1 if y.shape[0] > 1 else 0
    x_step = 1 if x.shape[0] > 1 else 0
    p_step = 1 if ints.shape[0] > 1 else 0
    chunks = min(n, BATCH_CHUNKS)
    for c in prange(chunks):
        z = np.empty(rows)
        beta = np.empty(rows)
        scale = np.empty(rows)
        (_equity, positions, shares_y, shares_x, costs, traded, borrow, negative, rebalanced,
         tr_entry, tr_exit, tr_dir, tr_pnl, tr_closed, tr_reason) = simulate_buffers(rows)  # fmt: skip
        for j in range(c * n // chunks, (c + 1) * n // chunks):
            yj = y[j * y_step]
            xj = x[j * x_step]
            k = j * p_step
            lookback = ints[k, 0]
            hedge = ints[k, 1]
            n_train = ints[k, 2]
            if ints[k, 6] != 0:  # band_units="spread"
                spread_signals(yj, xj, floats[k, 9], floats[k, 10], z, beta)
            elif hedge == 2:  # kalman
                _alpha, slope = kalman_hedge_kernel(
                    yj, xj, floats[k, 4], floats[k, 5], floats[k, 6], KALMAN_P0
                )
                beta[:] = slope
                zscore_with_hedge(yj, xj, slope, lookback, VAR_S_TOL, z)
            else:
                pair_signals(yj, xj, lookback, hedge == 1, n_train, VAR_X_TOL, VAR_S_TOL, z, beta)
            scale_j = scale[:0]  # empty: a scale of 1 at every row
            if ints[k, 4] != 0:
                vol_scale_kernel(
                    yj, xj, beta, int(execution[k, 4]), ints[k, 5], floats[k, 7], floats[k, 8],
                    scale,
                )  # fmt: skip
                scale_j = scale
            eq = equity[j]
            m = simulate_into(
                yj, xj, z, beta, floats[k, 0], floats[k, 1], floats[k, 2], ints[k, 3] != 0,
                floats[k, 3], CAPITAL,
                execution[k, 0] > 0, execution[k, 1] > 0, execution[k, 2], execution[k, 3] > 0,
                int(execution[k, 4]), int(execution[k, 5]), execution[k, 6], scale_j,
                eq, positions, shares_y, shares_x, costs, traded, borrow, negative, rebalanced,
                tr_entry, tr_exit, tr_dir, tr_pnl, tr_closed, tr_reason,
            )  # fmt: skip
            n_trades[j] = m
            entry = tr_entry[:m]
            closed = tr_closed[:m]
            pnl = tr_pnl[:m]
            holding = tr_exit[:m] - entry
            metrics[0, j] = metric_values_kernel(
                eq, costs, traded, positions, entry, closed, pnl, holding, 0, n_train
            )
            metrics[1, j] = metric_values_kernel(
                eq, costs, traded, positions, entry, closed, pnl, holding, n_train, rows
            )
