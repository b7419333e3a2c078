"""Batch pairs backtest on the native engine: every column in one parallel numba call
(:func:`lab.kernels.batch.batch_backtest`).

Same checks (:func:`lab.analytics.backtest_many.check_batch`), result type and definition as
the reference :func:`lab.analytics.backtest_many.backtest_many`; each column runs the kernels of
the native ``backtest_pairs``, so it equals looping that function (and the reference within
``backtest_pairs``' tolerance).
"""

from __future__ import annotations

import numpy as np

from lab.analytics.backtest import METRIC_NAMES
from lab.analytics.backtest_many import BatchBacktestResult, check_batch
from lab.kernels.batch import batch_backtest, param_tables

__all__ = ["backtest_many"]


def backtest_many(Y, X, params=None):
    """Backtest the z-score pairs strategy on every column (native engine).

    Arguments, broadcasting, result and errors as
    :func:`lab.analytics.backtest_many.backtest_many`. The parameter sets are laid out as
    small tables once (one row, whatever N, for a single PairParams), and one call of
    :func:`lab.kernels.batch.batch_backtest` runs the columns in parallel (``prange``): no
    Python runs per column.
    """
    y, x, plist, n_train, n = check_batch(Y, X, params)
    rows = y.shape[1]
    ints, floats, execution = param_tables(plist, n_train)
    equity = np.empty((n, rows))
    n_trades = np.empty(n, dtype=np.int64)
    metrics = np.empty((2, n, len(METRIC_NAMES)))
    batch_backtest(y, x, ints, floats, execution, equity, n_trades, metrics)
    return BatchBacktestResult(
        equity=equity.T,
        n_trades=n_trades,
        in_sample=metrics[0],
        out_of_sample=metrics[1],
        n_train=np.broadcast_to(n_train, (n,)).copy(),
    )
