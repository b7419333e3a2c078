"""Walk-forward evaluation on the native engine.

The folds, choices and statistics are those of :mod:`lab.analytics.backtest.walkforward` (the same
driver, :func:`~lab.analytics.backtest.walkforward.run_walk_forward`); each fold's signals come from
:func:`lab.kernels.backtest.signals_grid` (one per distinct lookback, in parallel) and all
cells are backtested in parallel by :func:`lab.kernels.backtest.fold_grid`. Results agree with
the reference engine within 1e-10 (returns) and exactly on the chosen parameters.
"""

from __future__ import annotations

import numpy as np

from lab.analytics.backtest.native import scales, signals
from lab.analytics.backtest.params import CAPITAL
from lab.analytics.backtest.walkforward import FoldRuns, run_walk_forward
from lab.kernels.backtest import execution_options, fold_grid

__all__ = ["walk_forward"]


def _native_fold(y, x, params, cells_l, cells_e, n_train, metric_index) -> FoldRuns:
    rows = y.shape[0]
    lookbacks, signal_row = np.unique(cells_l, return_inverse=True)
    z, beta = signals(y, x, lookbacks, params, n_train)
    k = cells_l.size
    n_test = rows - n_train
    train_metric = np.empty(k)
    returns = np.empty((k, n_test))
    positions = np.empty((k, n_test))
    stop_z, has_stop = (0.0, False) if params.stop_z is None else (float(params.stop_z), True)
    fold_grid(
        y,
        x,
        z,
        beta,
        signal_row.astype(np.int64),
        np.ascontiguousarray(cells_e, dtype=np.float64),
        params.exit_z,
        stop_z,
        has_stop,
        params.cost_bps / 1e4,
        CAPITAL,
        execution_options(params),
        scales(y, x, beta, params),
        n_train,
        metric_index,
        train_metric,
        returns,
        positions,
    )
    return FoldRuns(
        train_metric, returns, positions, z[signal_row, n_train:], beta[signal_row, n_train:]
    )


def walk_forward(
    y, x, params=None, grid=None, train=504, test=126, anchored=False, metric="sharpe"
):
    """Walk-forward evaluation (native engine); see :func:`lab.analytics.walk_forward`."""
    return run_walk_forward(y, x, params, grid, train, test, anchored, metric, _native_fold)
