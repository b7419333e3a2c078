"""The Probability of Backtest Overfitting by combinatorially symmetric cross-validation
(Bailey, Borwein, Lopez de Prado & Zhu 2017); reference engine.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lab.analytics.overfitting.results import PBOResult
from lab.analytics.stats import as_matrix, check_int

MAX_SPLITS = 20
"""Largest ``n_splits`` of :func:`pbo` (C(20, 10) = 184,756 combinations)."""

MAX_PBO_TRIALS = 100_000
"""Largest number of trials (columns) accepted by :func:`pbo`."""


def check_pbo_input(returns_matrix: Any, n_splits: Any) -> tuple[np.ndarray, int]:
    """A finite T x K matrix (K in 2 .. :data:`MAX_PBO_TRIALS`) and an even ``n_splits`` in
    2 .. :data:`MAX_SPLITS` with at least 2 rows per block."""
    splits = check_int(n_splits, "n_splits", 2, MAX_SPLITS)
    if splits % 2:
        raise ValueError(f"n_splits must be even, got {splits}")
    arr, _ = as_matrix(returns_matrix, "returns_matrix", min_rows=2 * splits, min_cols=2)
    if arr.shape[1] > MAX_PBO_TRIALS:
        raise ValueError(
            f"returns_matrix has {arr.shape[1]} trials (columns); at most {MAX_PBO_TRIALS}"
        )
    return arr, splits


def cscv_blocks(arr: np.ndarray, splits: int):
    """``(total, squares, count, shift)``: per block (S x K) the sums of the returns minus
    their column means ``shift`` and of their squares, and the block sizes (S,), for
    ``numpy.array_split`` into ``splits`` consecutive blocks."""
    shift = arr.mean(axis=0)
    blocks = np.array_split(arr - shift, splits, axis=0)
    total = np.ascontiguousarray([b.sum(axis=0) for b in blocks])
    squares = np.ascontiguousarray([(b * b).sum(axis=0) for b in blocks])
    count = np.array([b.shape[0] for b in blocks], dtype=np.int64)
    return total, squares, count, shift


def pbo_result(logits: np.ndarray, rank: np.ndarray, selected, sr_in, sr_out, splits: int):
    """:class:`PBOResult` from the per-split columns (shared by both engines)."""
    return PBOResult(
        pbo=float(np.mean(logits <= 0.0)),
        logits=logits,
        relative_rank=rank,
        selected=np.asarray(selected, dtype=np.int64),
        sharpe_in=sr_in,
        sharpe_out=sr_out,
        n_splits=splits,
    )


def split_combinations(n_splits: int) -> np.ndarray:
    """All ``C(S, S/2)`` in-sample block sets, shape (C, S/2), in lexicographic order
    (:func:`itertools.combinations` order); the out-of-sample set is the complement."""
    from itertools import combinations

    return np.array(list(combinations(range(n_splits), n_splits // 2)), dtype=np.int64)


def _rank_of(values: np.ndarray, k: int) -> float:
    """Average 1-based ascending rank of ``values[k]`` (ties share their mean rank)."""
    below = np.count_nonzero(values < values[k])
    equal = np.count_nonzero(values == values[k])
    return below + (equal + 1) / 2.0


def sharpe_from_sums(
    total: np.ndarray, squares: np.ndarray, count: int, shift: np.ndarray
) -> np.ndarray:
    """Per-column Sharpe ratio (ddof=1) of ``count`` returns from the sum and sum of squares
    of the returns minus ``shift`` (a per-column constant that limits cancellation). Zero
    variance gives 0 for a zero mean and +-inf otherwise, so every trial is ranked."""
    mean_d = total / count
    var = (squares - count * mean_d * mean_d) / (count - 1)
    mean = mean_d + shift
    sd = np.sqrt(np.maximum(var, 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        sr = mean / sd
    flat = ~(sd > 0)
    sr[flat] = np.where(mean[flat] > 0, np.inf, np.where(mean[flat] < 0, -np.inf, 0.0))
    return sr


def pbo(returns_matrix, n_splits=16):
    """Probability of Backtest Overfitting by combinatorially symmetric cross-validation
    (CSCV; Bailey, Borwein, Lopez de Prado & Zhu 2017, section 2).

    The ``T`` rows of the ``T x K`` matrix of the ``K`` trials' period returns are cut into
    ``S = n_splits`` consecutive blocks of (nearly) equal size (``numpy.array_split``). For each
    of the ``C(S, S/2)`` ways to choose half of the blocks as the training set (the other half
    is the test set): the trial with the highest per-period Sharpe ratio on the training rows
    is selected, ``w`` is its relative rank ``rank / (K + 1)`` among the trials' Sharpe ratios
    on the test rows, and the logit is ``log(w / (1 - w))``. PBO is the fraction of
    combinations with logit <= 0: the in-sample optimum is at or below the median out of
    sample.

    Parameters
    ----------
    returns_matrix : array_like, shape (T, K)
        Period returns of ``K >= 2`` trials (columns, at most :data:`MAX_PBO_TRIALS`), finite.
    n_splits : int
        ``S``: an even number of blocks, 2 .. :data:`MAX_SPLITS` (default 16, 12,870
        combinations); each block needs at least 2 rows.

    Returns
    -------
    PBOResult
    """
    arr, splits = check_pbo_input(returns_matrix, n_splits)
    total, squares, count, shift = cscv_blocks(arr, splits)
    combos = split_combinations(splits)
    mask = np.zeros((combos.shape[0], splits), dtype=bool)
    np.put_along_axis(mask, combos, True, axis=1)
    rows_in = mask @ count
    rows_out = count.sum() - rows_in
    k = arr.shape[1]
    selected = np.empty(combos.shape[0], dtype=np.int64)
    rank = np.empty(combos.shape[0])
    sr_in = np.empty(combos.shape[0])
    sr_out = np.empty(combos.shape[0])
    for c in range(combos.shape[0]):
        inside = mask[c]
        sharpe_train = sharpe_from_sums(
            total[inside].sum(axis=0), squares[inside].sum(axis=0), rows_in[c], shift
        )
        sharpe_test = sharpe_from_sums(
            total[~inside].sum(axis=0), squares[~inside].sum(axis=0), rows_out[c], shift
        )
        best = int(np.argmax(sharpe_train))
        selected[c] = best
        rank[c] = _rank_of(sharpe_test, best) / (k + 1)
        sr_in[c] = sharpe_train[best]
        sr_out[c] = sharpe_test[best]
    logits = np.log(rank / (1.0 - rank))
    return pbo_result(logits, rank, selected, sr_in, sr_out, splits)
