"""Overfitting-aware Sharpe statistics on the native engine (numba kernels in
:mod:`lab.kernels.overfitting`).

Same signatures, conventions, checks and results as :mod:`lab.analytics.overfitting`; the
return moments come from a two-pass numba kernel instead of SciPy, and the CSCV loop of
:func:`pbo` is compiled. Tolerances against the reference: 1e-12 relative on ``sharpe_se``,
1e-12 absolute on the PSR and DSR, 1e-10 on the PBO logits (the PBO itself is equal).
"""

from __future__ import annotations

import math

import numpy as np

from lab.analytics.overfitting.pbo import (
    check_pbo_input,
    cscv_blocks,
    pbo_result,
    split_combinations,
)
from lab.analytics.overfitting.sharpe import (
    MAX_TRIALS,
    check_number,
    check_returns,
    dsr_from_moments,
    psr_from_moments,
    sharpe_variance,
)
from lab.analytics.stats import check_int
from lab.kernels.overfitting import cscv_logits, return_moments

__all__ = ["deflated_sharpe", "pbo", "probabilistic_sharpe", "sharpe_se"]


def _moments(r: np.ndarray) -> tuple[float, float, float]:
    mean, sd, skew, kurt = return_moments(r)
    if not sd > 0:
        return math.nan, math.nan, math.nan
    return mean / sd, skew, kurt


def sharpe_se(returns):
    """Standard error of the per-period Sharpe ratio (native); see
    :func:`lab.analytics.sharpe_se`."""
    r = check_returns(returns)
    sr, skew, kurt = _moments(r)
    return (
        math.sqrt(sharpe_variance(sr, skew, kurt, r.shape[0])) if not math.isnan(sr) else math.nan
    )


def probabilistic_sharpe(returns, sr_benchmark=0.0):
    """Probabilistic Sharpe Ratio (native); see :func:`lab.analytics.probabilistic_sharpe`."""
    r = check_returns(returns)
    benchmark = check_number(sr_benchmark, "sr_benchmark")
    sr, skew, kurt = _moments(r)
    return psr_from_moments(sr, benchmark, r.shape[0], skew, kurt)


def deflated_sharpe(returns, n_trials, sr_variance):
    """Deflated Sharpe Ratio (native); see :func:`lab.analytics.deflated_sharpe`."""
    r = check_returns(returns)
    trials = check_int(n_trials, "n_trials", 1, MAX_TRIALS)
    variance = check_number(sr_variance, "sr_variance", low=0.0)
    sr, skew, kurt = _moments(r)
    return dsr_from_moments(sr, r.shape[0], skew, kurt, trials, variance)


def pbo(returns_matrix, n_splits=16):
    """Probability of Backtest Overfitting by CSCV (native); see :func:`lab.analytics.pbo`.

    Block sums in NumPy, the loop over the ``C(S, S/2)`` combinations in
    :func:`lab.kernels.overfitting.cscv_logits`."""
    arr, splits = check_pbo_input(returns_matrix, n_splits)
    total, squares, count, shift = cscv_blocks(arr, splits)
    combos = split_combinations(splits)
    n = combos.shape[0]
    selected = np.empty(n, dtype=np.int64)
    rank, sr_in, sr_out = np.empty(n), np.empty(n), np.empty(n)
    cscv_logits(total, squares, count, shift, combos, selected, rank, sr_in, sr_out)
    logits = np.log(rank / (1.0 - rank))
    return pbo_result(logits, rank, selected, sr_in, sr_out, splits)
