"""Pairs backtest and parameter sweep on the native engine (numba kernels in
:mod:`lab.kernels.backtest`).

Same rules, conventions, result types, input checks and metrics function
(:func:`lab.analytics.backtest.metric_values`, compiled by numba) as the reference engine
:mod:`lab.analytics.backtest`. The equity curve agrees with the reference within 1e-10
relative; sweep values within 1e-10 (NaN where the reference is NaN).
"""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass

import numpy as np

from lab.analytics.backtest.checks import check_grid, check_metric, check_pair
from lab.analytics.backtest.metric_table import METRIC_NAMES, N_METRICS, M
from lab.analytics.backtest.metrics import segment_dict
from lab.analytics.backtest.params import (
    CAPITAL,
    KALMAN_P0,
    SIZINGS,
    VAR_S_TOL,
    VAR_X_TOL,
    PairParams,
    resolve_params,
)
from lab.analytics.backtest.results import (
    EXPOSURE_NAMES,
    BacktestMetrics,
    BacktestResult,
    SweepResult,
    Trades,
)
from lab.kernels.backtest import (
    SERIES,
    S,
    backtest_rows,
    execution_options,
    kalman_hedge_kernel,
    pair_signals,
    signals_grid,
    spread_signals,
    sweep_grid,
    vol_scale_kernel,
    zscore_with_hedge,
)

__all__ = ["backtest_pairs", "sweep"]

NO_SCALE = np.empty(0)
"""The volatility-target scale without a target (:func:`lab.kernels.backtest.simulate_into`
reads an empty scale as 1 at every row, so no array of ones is built)."""


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


MAX_POOLED_BYTES = 2 * 2**30
"""Largest float block (bytes) that :data:`BLOCKS` keeps for reuse: 2 GiB, the block of a
backtest of about 22M rows. Larger blocks are allocated fresh and freed with their result."""


class BlockPool:
    """One float block kept for reuse by the next backtest of the same length.

    A backtest's arrays are rows of one ``(len(SERIES), T)`` block. Writing fresh memory costs
    a page fault per 4 KiB page the first time (on this machine about 17x the cost of
    rewriting it: 0.66 s against 0.04 s of CPU for 512 MB), so the pool keeps the block of the
    last call and hands it to the next call of the same shape, but only once nothing else
    refers to it: every array of a result is a view holding a reference to its block, so a
    block is reused only after the result it was lent to has been dropped. A result that is
    kept (the lab's caches keep theirs) is never written to; the next call then gets a fresh
    block. At most one block of at most :data:`MAX_POOLED_BYTES` is kept.
    """

    def __init__(self) -> None:
        self._block: np.ndarray | None = None
        self._lock = threading.Lock()  # calls run on many threads (server, sessions)

    def take(self, shape: tuple[int, int]) -> np.ndarray:
        """A float64 block of ``shape`` (contents undefined): the kept block when it has that
        shape and no other reference, else a new one (kept in its place if small enough)."""
        with self._lock:
            block = self._block
            # references: self._block, the local name and getrefcount's argument; a block
            # handed out under the lock is held by its caller before the next check
            if block is not None and block.shape == shape and sys.getrefcount(block) <= 3:
                return block
            block = np.empty(shape)
            self._block = block if block.nbytes <= MAX_POOLED_BYTES else None
            return block

    def clear(self) -> None:
        """Drop the kept block (its memory is freed once no result refers to it)."""
        with self._lock:
            self._block = None


BLOCKS = BlockPool()
"""The native backtest's block pool (:class:`BlockPool`)."""


@dataclass
class PairJob:
    """The buffers of one native backtest between its phases (:func:`prepare`,
    :func:`run`, :func:`finish`)."""

    y: np.ndarray
    x: np.ndarray
    params: PairParams
    n_train: int
    series: np.ndarray
    flags: np.ndarray
    tr_int: np.ndarray
    tr_pnl: np.ndarray
    tr_closed: np.ndarray
    metrics: np.ndarray
    exposure: np.ndarray
    n_trades: int = 0


def prepare(y, x, params=None) -> PairJob:
    """Phase 1 of :func:`backtest_pairs` (Python): check the inputs and lay out the buffers
    (the float block from :data:`BLOCKS`)."""
    params = resolve_params(params)
    y, x, n_train = check_pair(y, x, params)
    rows = y.shape[0]
    return PairJob(
        y,
        x,
        params,
        n_train,
        BLOCKS.take((len(SERIES), rows)),
        np.empty((2, rows), dtype=np.bool_),
        np.empty((4, rows), dtype=np.int64),
        np.empty(rows),
        np.empty(rows, dtype=np.bool_),
        np.empty((2, N_METRICS)),
        np.empty((2, len(EXPOSURE_NAMES))),
    )


def run(job: PairJob) -> PairJob:
    """Phase 2 of :func:`backtest_pairs` (the kernels): the signals into the block's
    ``zscore`` and ``hedge_ratio`` rows, then :func:`lab.kernels.backtest.backtest_rows`."""
    y, x, params, n_train = job.y, job.x, job.params, job.n_train
    z, beta = job.series[S.zscore], job.series[S.hedge_ratio]
    if params.hedge == "kalman" or params.band_units == "spread":
        z[:], beta[:] = (a[0] for a in signals(y, x, np.array([params.lookback]), params, n_train))
    else:
        pair_signals(
            y, x, params.lookback, params.hedge == "rolling", n_train, VAR_X_TOL, VAR_S_TOL, z, beta
        )
    stop_z, has_stop = _stop(params)
    scale = NO_SCALE if params.vol_target is None else scales(y, x, beta, params)
    job.n_trades = backtest_rows(
        y, x, params.entry_z, params.exit_z, stop_z, has_stop, params.cost_bps / 1e4, CAPITAL,
        execution_options(params), scale, n_train, job.series, job.flags, job.tr_int,
        job.tr_pnl, job.tr_closed, job.metrics, job.exposure,
    )  # fmt: skip
    return job


def finish(job: PairJob) -> BacktestResult:
    """Phase 3 of :func:`backtest_pairs` (Python): the result, whose arrays are rows of the
    block, with the trades copied out of their buffers."""
    n, tr_int = job.n_trades, job.tr_int
    entry, exit_ = tr_int[0, :n].copy(), tr_int[1, :n].copy()
    trades = Trades(
        entry=entry,
        exit=exit_,
        direction=tr_int[2, :n].copy(),
        pnl=job.tr_pnl[:n].copy(),
        holding=exit_ - entry,
        closed=job.tr_closed[:n].copy(),
        reason=tr_int[3, :n].copy(),
    )
    m, e = job.metrics, job.exposure
    return BacktestResult(
        **{name: job.series[i] for i, name in enumerate(SERIES)},
        trades=trades,
        metrics=BacktestMetrics(segment_dict(m[0], METRIC_NAMES), segment_dict(m[1], METRIC_NAMES)),
        n_train=job.n_train,
        negative_hedge=job.flags[0],
        exposure=BacktestMetrics(
            segment_dict(e[0], EXPOSURE_NAMES), segment_dict(e[1], EXPOSURE_NAMES)
        ),
    )


def backtest_pairs(y, x, params=None):
    """Backtest the z-score pairs strategy (native engine).

    Rules, conventions and outputs as :func:`lab.analytics.backtest.backtest_pairs`. Three
    phases: :func:`prepare` checks the inputs and lays out one float block of
    :data:`lab.kernels.backtest.SERIES` x T (reused from the last call when its result has
    been dropped, :class:`BlockPool`); :func:`run` writes the hedge ratio and z-score into
    the block (:func:`lab.kernels.backtest.pair_signals`: exact two-pass window moments,
    Welford expanding moments for the static hedge) and one kernel,
    :func:`lab.kernels.backtest.backtest_rows`, fills the rest of it (stepping through the
    rows with :func:`lab.kernels.backtest.simulate_into`), the trades, and the metrics and
    exposures of both segments (the shared functions, compiled); :func:`finish` builds the
    result, whose arrays are rows of the block. Equity agrees with the reference within
    1e-10 relative.
    """
    return finish(run(prepare(y, x, params)))


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
