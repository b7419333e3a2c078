"""Batch pairs backtest: many pairs, or many parameter sets, in one call.

:func:`backtest_many` runs the strategy of :func:`lab.analytics.backtest.backtest_pairs` (rules,
sizing, costs and metrics in the module docstring of :mod:`lab.analytics.backtest`) on every
column of a pair of price matrices. Column ``j`` of ``Y`` is backtested against column ``j`` of
``X`` with ``params[j]``. A single column of ``Y`` or ``X``, and a single :class:`PairParams`,
is broadcast to every column, so the same call covers

* many pairs: ``Y`` and ``X`` both ``T x N``, one ``PairParams``;
* one leg against many: ``Y`` ``T x N`` and ``X`` one column (or the mirror image);
* many parameter sets on one pair: ``Y`` and ``X`` one column, ``params`` a list of N.

The definition is the loop: column ``j`` of the result is ``backtest_pairs(Y[:, j], X[:, j],
params[j])`` reduced to its equity curve, trade count and metrics. The reference engine runs
exactly that loop; the native engine runs all columns in one numba call, in parallel over the
columns, with the same per-pair kernels (:mod:`lab.kernels.batch`).

The call is checked as a whole before any column is run (:func:`check_batch`): equal row
counts, column counts that are equal or 1, a params list of length 1 or N, at most
:data:`MAX_BATCH_CELLS` cells ``N x T``, finite positive prices, and enough rows for every
parameter set.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from lab.analytics.backtest.metric_table import METRIC_NAMES
from lab.analytics.backtest.params import PairParams
from lab.analytics.backtest.reference import backtest_pairs
from lab.analytics.chunking import Chunking, Parts, split_range

MAX_BATCH_CELLS = 20_000_000
"""Most cells ``N x T`` (backtests times rows) of one :func:`backtest_many` call: the result's
equity matrix alone is ``8 N T`` bytes (160 MB at the bound), and the native engine holds the
inputs transposed as well. 1,000 pairs of 8,313 days are 8.3M cells."""


@dataclass(frozen=True)
class BatchBacktestResult:
    """Outcome of :func:`backtest_many`: column ``j`` is the backtest of pair ``j``.

    Attributes
    ----------
    equity : ndarray, shape (T, N)
        Account value at the close of each row after that row's costs, per column (units of
        the initial capital ``K = 1``), as :attr:`BacktestResult.equity`.
    n_trades : ndarray of int64, shape (N,)
        Trades of each column over all rows (including one still open at the end), as
        ``len(BacktestResult.trades.entry)``.
    in_sample, out_of_sample : ndarray, shape (N, len(metric_names))
        Metrics of the in-sample rows ``0 .. n_train - 1`` and of the out-of-sample rows
        ``n_train .. T - 1``, column ``k`` being ``metric_names[k]`` (units in
        :data:`lab.analytics.backtest.METRIC_NAMES`: returns and drawdowns as fractions,
        ratios annualised with 252 periods, holdings in periods, costs in units of ``K``).
    n_train : ndarray of int64, shape (N,)
        Rows in each column's in-sample segment (``floor(train_fraction T)``).
    metric_names : tuple of str
        :data:`lab.analytics.backtest.METRIC_NAMES`.
    """

    equity: np.ndarray
    n_trades: np.ndarray
    in_sample: np.ndarray
    out_of_sample: np.ndarray
    n_train: np.ndarray
    metric_names: tuple[str, ...] = METRIC_NAMES

    def metrics_frame(self, sample: str = "out", columns: Sequence[Any] | None = None):
        """The metrics of one segment (``"in"`` or ``"out"``) as a DataFrame: one row per
        column (labelled by ``columns``, default 0 .. N-1), one column per metric, plus
        ``n_trades_total`` (:attr:`n_trades`)."""
        if sample not in ("in", "out"):
            raise ValueError(f"sample must be 'in' or 'out', got {sample!r}")
        values = self.in_sample if sample == "in" else self.out_of_sample
        frame = pd.DataFrame(values, columns=list(self.metric_names), index=columns)
        frame["n_trades_total"] = self.n_trades
        return frame


def _shape(values: object, name: str) -> tuple[int, int]:
    """``(rows, columns)`` of a 1-D or 2-D price input, without converting it."""
    try:
        shape = np.shape(values)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a T x N matrix of prices: {exc}") from None
    if len(shape) == 1:
        shape = (shape[0], 1)
    if len(shape) != 2:
        raise ValueError(f"{name} must be 1-D or 2-D (T x N), got shape {tuple(shape)}")
    if shape[0] == 0 or shape[1] == 0:
        raise ValueError(f"{name} is empty (shape {tuple(shape)})")
    return int(shape[0]), int(shape[1])


def _param_list(params: object) -> list[PairParams]:
    if params is None:
        return [PairParams()]
    if isinstance(params, PairParams):
        return [params]
    if isinstance(params, str | bytes) or not isinstance(params, Sequence | np.ndarray):
        raise ValueError(
            "params must be a PairParams, a sequence of PairParams (one per column) or None, "
            f"got {type(params).__name__}"
        )
    out = list(params)
    if not out:
        raise ValueError("params is an empty sequence; pass one PairParams or one per column")
    for i, p in enumerate(out):
        if not isinstance(p, PairParams):
            raise ValueError(f"params[{i}] must be a PairParams, got {type(p).__name__}")
    return out


def batch_width(y_shape, x_shape, n_params: int) -> int:
    """Number N of backtests of a call with these input shapes and ``n_params`` parameter
    sets; a ``ValueError`` when they cannot be broadcast or ``N x T`` exceeds the bound."""
    if y_shape[0] != x_shape[0]:
        raise ValueError(
            f"Y and X must have the same number of rows, got {y_shape[0]} and {x_shape[0]}"
        )
    n = max(y_shape[1], x_shape[1], n_params)
    for label, count in (("Y", y_shape[1]), ("X", x_shape[1])):
        if count not in (1, n):
            raise ValueError(
                f"{label} has {count} columns where the call has {n} backtests; Y and X need "
                "the same number of columns, or one of them a single column (broadcast)"
            )
    if n_params not in (1, n):
        raise ValueError(
            f"params has {n_params} PairParams for {n} columns; pass one PairParams (used for "
            "every column) or exactly one per column"
        )
    rows = y_shape[0]
    if n * rows > MAX_BATCH_CELLS:
        raise ValueError(
            f"{n:,} backtests x {rows:,} rows = {n * rows:,} cells exceeds the limit of "
            f"{MAX_BATCH_CELLS:,} (MAX_BATCH_CELLS); split the columns into smaller calls"
        )
    return n


def check_prices(values: object, name: str) -> np.ndarray:
    """``values`` (T x k or T) as float64 ``(k, T)``, C-contiguous (each column a contiguous
    row); a ``ValueError`` naming the first column with a NaN/inf or non-positive price."""
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a T x N matrix of prices: {exc}") from None
    if arr.ndim == 1:
        arr = arr[:, None]
    bad = ~np.isfinite(arr)
    if bad.any():
        col = int(np.flatnonzero(bad.any(axis=0))[0])
        raise ValueError(
            f"{name} column {col} has {int(bad[:, col].sum())} non-finite values (NaN/inf), "
            f"first at row {int(np.argmax(bad[:, col]))}; align and clean the prices first"
        )
    if arr.min() <= 0:
        col = int(np.flatnonzero((arr <= 0).any(axis=0))[0])
        row = int(np.argmin(arr[:, col]))
        raise ValueError(
            f"{name} must hold positive prices; column {col} row {row} is {arr[row, col]:g}"
        )
    return np.ascontiguousarray(arr.T)


def _check_rows(rows: int, params: list[PairParams]) -> np.ndarray:
    """``n_train`` of each parameter set for ``rows`` rows (the rules of
    :func:`lab.analytics.backtest.check_pair`)."""
    n_train = np.empty(len(params), dtype=np.int64)
    for i, p in enumerate(params):
        where = f"params[{i}]: " if len(params) > 1 else ""
        if rows < p.lookback + 2:
            raise ValueError(
                f"{where}Y and X are too short: {rows} rows, need at least lookback + 2 = "
                f"{p.lookback + 2}"
            )
        n_train[i] = int(math.floor(p.train_fraction * rows))
        if n_train[i] < 2 or rows - n_train[i] < 2:
            raise ValueError(
                f"{where}train_fraction={p.train_fraction} splits {rows} rows into "
                f"{n_train[i]} in-sample and {rows - n_train[i]} out-of-sample rows; each "
                "segment needs at least 2"
            )
    return n_train


def check_batch(Y: object, X: object, params: object, convert=None):
    """Validate a :func:`backtest_many` call before any work (shared by every engine).

    Returns ``(y, x, params, n_train, n)``: the prices as float64 ``(columns, T)`` arrays
    (one row per column, 1 when broadcast), the parameter sets (1 or N), their ``n_train``
    and the number N of backtests. Shapes and the :data:`MAX_BATCH_CELLS` bound are checked
    before the prices are converted. ``convert(values, name)`` converts and checks one price
    input (default :func:`check_prices`); an engine's faster converter must raise
    :func:`check_prices`' error on bad prices.
    """
    convert = check_prices if convert is None else convert
    plist = _param_list(params)
    y_shape, x_shape = _shape(Y, "Y"), _shape(X, "X")
    n = batch_width(y_shape, x_shape, len(plist))
    n_train = _check_rows(y_shape[0], plist)
    return convert(Y, "Y"), convert(X, "X"), plist, n_train, n


def backtest_many(Y, X, params=None):
    """Backtest the z-score pairs strategy on every column of ``Y`` against ``X`` (reference).

    The definition: column ``j`` is :func:`lab.analytics.backtest.backtest_pairs` of
    ``(Y[:, j], X[:, j], params[j])``, a single column or PairParams being broadcast (module
    docstring). This engine runs exactly that loop; the native engine runs every column in
    one parallel numba call and agrees within ``backtest_pairs``' tolerance.

    Parameters
    ----------
    Y, X : array_like or DataFrame, shape (T, N) or (T, 1) or (T,)
        Positive finite prices, aligned row by row; column ``j`` of ``Y`` is paired with
        column ``j`` of ``X``. One column (or a 1-D array) is used for every pair.
    params : PairParams or sequence of PairParams, optional
        One parameter set for every column (default ``PairParams()``), or one per column.

    Returns
    -------
    BatchBacktestResult

    Raises
    ------
    ValueError
        For different row counts, column counts that are neither equal nor 1, a params
        sequence whose length is neither 1 nor N, more than :data:`MAX_BATCH_CELLS` cells,
        NaN/inf or non-positive prices, too few rows for a parameter set, or invalid params.
    """
    y, x, plist, n_train, n = check_batch(Y, X, params)
    rows = y.shape[1]
    equity = np.empty((rows, n))
    n_trades = np.empty(n, dtype=np.int64)
    metrics = np.empty((2, n, len(METRIC_NAMES)))
    for j in range(n):
        res = backtest_pairs(
            y[j if y.shape[0] > 1 else 0],
            x[j if x.shape[0] > 1 else 0],
            plist[j if len(plist) > 1 else 0],
        )
        equity[:, j] = res.equity
        n_trades[j] = res.trades.entry.shape[0]
        metrics[0, j] = [res.metrics.in_sample[name] for name in METRIC_NAMES]
        metrics[1, j] = [res.metrics.out_of_sample[name] for name in METRIC_NAMES]
    return BatchBacktestResult(
        equity=equity,
        n_trades=n_trades,
        in_sample=metrics[0],
        out_of_sample=metrics[1],
        n_train=np.broadcast_to(n_train, (n,)).copy(),
    )


# --------------------------------------------------------------------------------------------
# chunking (the gRPC server and the Dask backend split a call by columns)


def _columns(values: Any, part: slice, count: int) -> Any:
    if count == 1:
        return values  # broadcast: every chunk gets the one column
    if isinstance(values, pd.DataFrame):
        return values.iloc[:, part]
    return np.asarray(values)[:, part]


def _split(arguments: dict[str, Any], n_chunks: int) -> Parts | None:
    Y, X, params = arguments["Y"], arguments["X"], arguments["params"]
    try:
        plist = _param_list(params)
        y_shape, x_shape = _shape(Y, "Y"), _shape(X, "X")
        n = batch_width(y_shape, x_shape, len(plist))
    except ValueError:
        return None  # one chunk: the engine reports the error
    parts: Parts = []
    for s in split_range(n, n_chunks):
        chunk_params = params if len(plist) == 1 else plist[s]
        parts.append(
            (
                {
                    **arguments,
                    "Y": _columns(Y, s, y_shape[1]),
                    "X": _columns(X, s, x_shape[1]),
                    "params": chunk_params,
                },
                s.stop - s.start,
            )
        )
    return parts


def merge_batches(parts: list[BatchBacktestResult]) -> BatchBacktestResult:
    """The result of the whole call from the results of consecutive column chunks: the
    columns concatenated in order (equity along axis 1, the per-column arrays along axis 0)."""
    if not parts:
        raise ValueError("parts must hold at least one batch backtest result")
    rows = {p.equity.shape[0] for p in parts}
    if len(rows) != 1:
        raise ValueError(f"batch parts disagree on the number of rows: {sorted(rows)}")
    return BatchBacktestResult(
        equity=np.concatenate([p.equity for p in parts], axis=1),
        n_trades=np.concatenate([p.n_trades for p in parts]),
        in_sample=np.concatenate([p.in_sample for p in parts], axis=0),
        out_of_sample=np.concatenate([p.out_of_sample for p in parts], axis=0),
        n_train=np.concatenate([p.n_train for p in parts]),
        metric_names=parts[0].metric_names,
    )


BACKTEST_MANY = Chunking("pairs", _split, merge_batches)
"""``backtest_many`` in chunks of consecutive columns (a broadcast column or PairParams goes
to every chunk); the parts are concatenated back by :func:`merge_batches`."""
