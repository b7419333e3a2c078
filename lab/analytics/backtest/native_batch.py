"""Batch pairs backtest on the native engine: every column in one parallel numba call
(:func:`lab.kernels.batch.batch_backtest`).

Same checks (:func:`lab.analytics.backtest.batch.check_batch`), result type and definition as
the reference :func:`lab.analytics.backtest.batch.backtest_many`; each column runs the kernels of
the native ``backtest_pairs``, so it equals looping that function (and the reference within
``backtest_pairs``' tolerance).
"""

from __future__ import annotations

import numpy as np

from lab.analytics.backtest.batch import BatchBacktestResult, check_batch, check_prices
from lab.analytics.backtest.metric_table import METRIC_NAMES
from lab.kernels.batch import batch_backtest, columns_checked, param_tables

__all__ = ["backtest_many"]


def _prices(values, name: str) -> np.ndarray:
    """:func:`lab.analytics.backtest.batch.check_prices` in one parallel pass
    (:func:`lab.kernels.batch.columns_checked`: transpose and check together); on a bad price
    the shared function is run to raise its error."""
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        return check_prices(values, name)  # raises the shared conversion error
    if arr.ndim == 1:
        arr = arr[:, None]
    out = np.empty((arr.shape[1], arr.shape[0]))
    bad = np.zeros(arr.shape[1], dtype=np.bool_)
    columns_checked(arr, out, bad)
    if bad.any():
        check_prices(arr, name)
        raise AssertionError(f"{name}: columns_checked flagged a price check_prices accepts")
    return out


def backtest_many(Y, X, params=None):
    """Backtest the z-score pairs strategy on every column (native engine).

    Arguments, broadcasting, result and errors as
    :func:`lab.analytics.backtest.batch.backtest_many`. The parameter sets are laid out as
    small tables once (one row, whatever N, for a single PairParams), and one call of
    :func:`lab.kernels.batch.batch_backtest` runs the columns in parallel (``prange``): no
    Python runs per column.
    """
    y, x, plist, n_train, n = check_batch(Y, X, params, convert=_prices)
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
