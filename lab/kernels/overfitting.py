"""numba kernels for the overfitting statistics of :mod:`lab.analytics.overfitting`.

:data:`sharpe_moments_kernel` is the shared moments function compiled by numba (the per-cell
statistics of a sweep); :func:`cscv_logits` runs the combinatorially symmetric
cross-validation of :func:`lab.analytics.overfitting.pbo` over all block combinations.
"""

from __future__ import annotations

import math

import numpy as np

from lab.analytics.overfitting import path_returns, sharpe_moments
from lab.kernels._jit import kernel

sharpe_moments_kernel = kernel(sharpe_moments)
"""The shared :func:`lab.analytics.overfitting.sharpe_moments`, compiled."""

path_returns_kernel = kernel(path_returns)
"""The shared :func:`lab.analytics.overfitting.path_returns`, compiled."""


@kernel
def return_moments(r: np.ndarray) -> tuple[float, float, float, float]:
    """``(mean, std ddof=1, skew, kurtosis)`` of ``r`` by two passes (population moment
    ratios, as :func:`scipy.stats.skew` and ``kurtosis(fisher=False)``); NaN ratios and a
    zero std without variation."""
    n = r.shape[0]
    mean = 0.0
    for i in range(n):
        mean += r[i]
    mean /= n
    m2 = 0.0
    m3 = 0.0
    m4 = 0.0
    for i in range(n):
        d = r[i] - mean
        d2 = d * d
        m2 += d2
        m3 += d2 * d
        m4 += d2 * d2
    m2 /= n
    m3 /= n
    m4 /= n
    if not m2 > 0:
        return mean, 0.0, math.nan, math.nan
    return mean, math.sqrt(m2 * n / (n - 1)), m3 / m2**1.5, m4 / (m2 * m2)


@kernel(inline="always")
def _sharpe(total: float, squares: float, count: int, shift: float) -> float:
    mean_d = total / count
    var = (squares - count * mean_d * mean_d) / (count - 1)
    mean = mean_d + shift
    sd = math.sqrt(var) if var > 0 else 0.0
    if sd > 0:
        return mean / sd
    if mean > 0:
        return np.inf
    if mean < 0:
        return -np.inf
    return 0.0


@kernel
def cscv_logits(
    total: np.ndarray,
    squares: np.ndarray,
    count: np.ndarray,
    shift: np.ndarray,
    combos: np.ndarray,
    selected: np.ndarray,
    rank: np.ndarray,
    sr_in: np.ndarray,
    sr_out: np.ndarray,
) -> None:
    """For every row of ``combos`` (the training block set), select the trial with the highest
    training Sharpe ratio and store its relative out-of-sample rank and both Sharpe ratios.

    ``total`` and ``squares`` (S x K) are each block's sums of the returns minus ``shift``
    and of their squares; ``count`` (S,) the block sizes."""
    n_splits, k = total.shape
    half = combos.shape[1]
    inside = np.zeros(n_splits, dtype=np.bool_)
    train = np.empty(k)
    for c in range(combos.shape[0]):
        inside[:] = False
        for j in range(half):
            inside[combos[c, j]] = True
        n_in = 0
        n_out = 0
        for s in range(n_splits):
            if inside[s]:
                n_in += count[s]
            else:
                n_out += count[s]
        best = 0
        best_sr = -np.inf
        for col in range(k):
            t_in = 0.0
            q_in = 0.0
            for s in range(n_splits):
                if inside[s]:
                    t_in += total[s, col]
                    q_in += squares[s, col]
            sr = _sharpe(t_in, q_in, n_in, shift[col])
            train[col] = sr
            if col == 0 or sr > best_sr:  # the first maximum, as numpy.argmax
                best_sr = sr
                best = col
        below = 0
        equal = 0
        # the selected trial's test Sharpe first, then its rank among all trials
        t_b = 0.0
        q_b = 0.0
        for s in range(n_splits):
            if not inside[s]:
                t_b += total[s, best]
                q_b += squares[s, best]
        test_best = _sharpe(t_b, q_b, n_out, shift[best])
        for col in range(k):
            t_out = 0.0
            q_out = 0.0
            for s in range(n_splits):
                if not inside[s]:
                    t_out += total[s, col]
                    q_out += squares[s, col]
            sr = _sharpe(t_out, q_out, n_out, shift[col])
            if sr < test_best:
                below += 1
            elif sr == test_best:
                equal += 1
        selected[c] = best
        rank[c] = (below + (equal + 1) / 2.0) / (k + 1)
        sr_in[c] = best_sr
        sr_out[c] = test_best
