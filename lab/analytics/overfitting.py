"""Overfitting-aware Sharpe statistics: the Sharpe ratio's standard error under non-normal
returns, the Probabilistic and Deflated Sharpe Ratios, and the Probability of Backtest
Overfitting by combinatorially symmetric cross-validation (reference implementations on NumPy
and SciPy).

Conventions
-----------
All Sharpe ratios here are **per period** (not annualised), as in the papers, with a zero
benchmark rate unless stated: ``SR = mean(r) / std(r, ddof=1)``. The skewness ``g3`` and the
(non-excess) kurtosis ``g4`` (3 for normal returns) are the population moment ratios
``m3 / m2^1.5`` and ``m4 / m2^2`` of the central moments ``mk = mean((r - mean(r))^k)``, as
``scipy.stats.skew`` and ``scipy.stats.kurtosis(fisher=False)`` compute them and as Bailey &
Lopez de Prado use them.

The estimated Sharpe ratio of ``T`` returns is asymptotically normal with variance
(Mertens 2002; Lo 2002 for the normal case ``g3 = 0``, ``g4 = 3``, where it is
``(1 + SR^2 / 2) / T``)::

    Var[SR] = (1 - g3 SR + (g4 - 1) / 4 SR^2) / (T - 1)

with ``T - 1`` in the denominator as in Bailey & Lopez de Prado (2012, 2014). By Pearson's
inequality ``g4 >= 1 + g3^2`` the numerator is ``>= (1 - g3 SR / 2)^2 >= 0``.

References
----------
* Lo, A. W. (2002). The statistics of Sharpe ratios. Financial Analysts Journal 58(4), 36-52.
* Mertens, E. (2002). Comments on variance of the IID estimator in Lo (2002). Working paper,
  University of Basel.
* Bailey, D. H. & Lopez de Prado, M. (2012). The Sharpe ratio efficient frontier. Journal of
  Risk 15(2), 3-44.
* Bailey, D. H. & Lopez de Prado, M. (2014). The deflated Sharpe ratio: correcting for selection
  bias, backtest overfitting and non-normality. Journal of Portfolio Management 40(5), 94-107.
* Bailey, D. H., Borwein, J. M., Lopez de Prado, M. & Zhu, Q. J. (2017). The probability of
  backtest overfitting. Journal of Computational Finance 20(4), 39-69.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import special, stats

from lab.analytics.stats import as_matrix, as_series, check_int

EULER_GAMMA = 0.5772156649015329
"""The Euler-Mascheroni constant, in the expected maximum of ``N`` normal Sharpe ratios."""

MIN_RETURNS = 3
"""Fewest returns accepted (the variance of the Sharpe ratio divides by ``T - 1``)."""

MAX_TRIALS = 10**9
"""Largest ``n_trials`` accepted by :func:`deflated_sharpe`."""

MAX_SPLITS = 20
"""Largest ``n_splits`` of :func:`pbo` (C(20, 10) = 184,756 combinations)."""

MAX_PBO_TRIALS = 100_000
"""Largest number of trials (columns) accepted by :func:`pbo`."""


@dataclass(frozen=True)
class PBOResult:
    """Outcome of :func:`pbo` (combinatorially symmetric cross-validation).

    Attributes
    ----------
    pbo : float
        Probability of backtest overfitting: the fraction of the ``C(S, S/2)`` splits whose
        in-sample best trial ranks at or below the median out of sample (logit <= 0).
    logits : ndarray, shape (C,)
        ``log(w / (1 - w))`` of each split, ``w`` the selected trial's relative rank.
    relative_rank : ndarray, shape (C,)
        ``w = rank / (K + 1)`` of the selected trial among the out-of-sample Sharpe ratios
        (rank 1 = worst, ties get their average rank).
    selected : ndarray of int64, shape (C,)
        Column of the trial with the highest in-sample Sharpe ratio (first one on ties).
    sharpe_in, sharpe_out : ndarray, shape (C,)
        The selected trial's per-period Sharpe ratio in and out of sample.
    n_splits : int
        ``S``, the number of row blocks.
    """

    pbo: float
    logits: np.ndarray
    relative_rank: np.ndarray
    selected: np.ndarray
    sharpe_in: np.ndarray
    sharpe_out: np.ndarray
    n_splits: int


# ---------------------------------------------------------------------------------------------
# formulas on moments (shared by both engines)


def sharpe_variance(sr: float, skew: float, kurtosis: float, n: int) -> float:
    """Asymptotic variance of an estimated per-period Sharpe ratio ``sr`` from ``n`` returns
    with skewness ``skew`` and non-excess kurtosis ``kurtosis`` (Mertens 2002; module
    docstring). NaN if ``sr`` is NaN or ``n < 2``."""
    if n < 2 or math.isnan(sr):
        return math.nan
    value = (1.0 - skew * sr + (kurtosis - 1.0) / 4.0 * sr * sr) / (n - 1)
    return max(value, 0.0)


def psr_from_moments(sr: float, sr_benchmark: float, n: int, skew: float, kurtosis: float) -> float:
    """Probabilistic Sharpe Ratio from moments (Bailey & Lopez de Prado 2012, eq. 10)::

        PSR(SR*) = Phi((SR - SR*) sqrt(T - 1) / sqrt(1 - g3 SR + (g4 - 1) / 4 SR^2))

    NaN when ``sr`` is NaN; 0 or 1 when the standard error is zero."""
    variance = sharpe_variance(sr, skew, kurtosis, n)
    if math.isnan(variance):
        return math.nan
    gap = sr - sr_benchmark
    if variance == 0.0:
        return 1.0 if gap > 0 else 0.0 if gap < 0 else 0.5
    return float(special.ndtr(gap / math.sqrt(variance)))


def expected_max_sharpe(n_trials: int, sr_variance: float) -> float:
    """Expected maximum of ``n_trials`` independent zero-mean normal Sharpe ratios with
    variance ``sr_variance`` (Bailey & Lopez de Prado 2014, eq. 2; the False Strategy
    theorem)::

        SR0 = sqrt(V) ((1 - gamma) Phi^-1(1 - 1/N) + gamma Phi^-1(1 - 1/(N e)))

    ``gamma`` is the Euler-Mascheroni constant. One trial involves no selection: ``SR0 = 0``."""
    if n_trials <= 1:
        return 0.0
    z1 = special.ndtri(1.0 - 1.0 / n_trials)
    z2 = special.ndtri(1.0 - 1.0 / (n_trials * math.e))
    return math.sqrt(sr_variance) * ((1.0 - EULER_GAMMA) * z1 + EULER_GAMMA * z2)


def dsr_from_moments(
    sr: float, n: int, skew: float, kurtosis: float, n_trials: int, sr_variance: float
) -> float:
    """Deflated Sharpe Ratio from moments: the PSR against :func:`expected_max_sharpe`
    (Bailey & Lopez de Prado 2014, eq. 1)."""
    return psr_from_moments(sr, expected_max_sharpe(n_trials, sr_variance), n, skew, kurtosis)


def path_returns(equity: np.ndarray, start: int, stop: int, capital: float) -> np.ndarray:
    """Period returns of rows ``start .. stop - 1`` of an equity curve, the first against
    ``equity[start - 1]`` (``capital`` when ``start == 0``); all NaN after ruin (equity <= 0).
    The same convention as :func:`lab.analytics.backtest.metric_values`; numba-compatible."""
    n = stop - start
    path = np.empty(n + 1)
    path[0] = capital if start == 0 else equity[start - 1]
    path[1:] = equity[start:stop]
    if not np.all(path[:-1] > 0):
        return np.full(n, np.nan)
    return path[1:] / path[:-1] - 1.0


def sharpe_moments(r: np.ndarray) -> np.ndarray:
    """``[SR, skew, kurtosis]`` of returns ``r`` (module conventions), two-pass sums.

    SR is NaN without variation (or with a NaN return), as are the moment ratios. This is the
    one implementation used for the per-cell statistics of a sweep on both engines (the native
    engine compiles it with numba)."""
    out = np.full(3, np.nan)
    n = r.shape[0]
    if n < 2:
        return out
    mean = r.sum() / n
    d = r - mean
    m2 = (d * d).sum() / n
    if not m2 > 0:
        return out
    out[0] = mean / math.sqrt(m2 * n / (n - 1))
    out[1] = (d * d * d).sum() / n / m2**1.5
    out[2] = (d * d * d * d).sum() / n / (m2 * m2)
    return out


# ---------------------------------------------------------------------------------------------
# input checks (shared by both engines)


def check_returns(returns: Any) -> np.ndarray:
    """A finite 1-D series of at least :data:`MIN_RETURNS` returns, as float64."""
    return as_series(returns, "returns", min_len=MIN_RETURNS)


def check_number(value: Any, name: str, low: float | None = None) -> float:
    """``value`` as a finite float (``>= low`` when given); else ValueError naming it."""
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a number, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if low is not None and number < low:
        raise ValueError(f"{name} must be >= {low}, got {number}")
    return number


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


# ---------------------------------------------------------------------------------------------
# reference engine


def _moments(r: np.ndarray) -> tuple[float, float, float]:
    sd = float(np.std(r, ddof=1))
    if not sd > 0:
        return math.nan, math.nan, math.nan
    sr = float(np.mean(r)) / sd
    return sr, float(stats.skew(r)), float(stats.kurtosis(r, fisher=False))


def sharpe_se(returns):
    """Standard error of the per-period Sharpe ratio under non-normal IID returns.

    ``sqrt((1 - g3 SR + (g4 - 1) / 4 SR^2) / (T - 1))`` (Mertens 2002, who corrected Lo 2002's
    IID formula ``sqrt((1 + SR^2 / 2) / T)`` for skewness and kurtosis; the ``T - 1`` follows
    Bailey & Lopez de Prado 2012). Conventions in the module docstring.

    Parameters
    ----------
    returns : array_like, shape (T,)
        Period returns (finite, ``T >= 3``).

    Returns
    -------
    float
        NaN when the returns do not vary.
    """
    r = check_returns(returns)
    sr, skew, kurt = _moments(r)
    return (
        math.sqrt(sharpe_variance(sr, skew, kurt, r.shape[0])) if not math.isnan(sr) else math.nan
    )


def probabilistic_sharpe(returns, sr_benchmark=0.0):
    """Probabilistic Sharpe Ratio: the probability that the true per-period Sharpe ratio
    exceeds ``sr_benchmark``, given the estimate's non-normal standard error (Bailey &
    Lopez de Prado 2012, eq. 10; :func:`psr_from_moments`).

    Parameters
    ----------
    returns : array_like, shape (T,)
        Period returns (finite, ``T >= 3``).
    sr_benchmark : float
        Benchmark Sharpe ratio ``SR*``, per period (default 0).

    Returns
    -------
    float
        In [0, 1]; NaN when the returns do not vary.
    """
    r = check_returns(returns)
    benchmark = check_number(sr_benchmark, "sr_benchmark")
    sr, skew, kurt = _moments(r)
    return psr_from_moments(sr, benchmark, r.shape[0], skew, kurt)


def deflated_sharpe(returns, n_trials, sr_variance):
    """Deflated Sharpe Ratio (Bailey & Lopez de Prado 2014): the PSR of ``returns`` against
    the Sharpe ratio expected from the best of ``n_trials`` unskilled trials,
    ``SR0 = sqrt(V) ((1 - gamma) Phi^-1(1 - 1/N) + gamma Phi^-1(1 - 1/(N e)))``.

    Parameters
    ----------
    returns : array_like, shape (T,)
        Period returns of the selected strategy (finite, ``T >= 3``).
    n_trials : int
        Number of strategies tried to find it, ``N`` (1 .. :data:`MAX_TRIALS`); take it from
        the sweep or walk-forward grid that produced the strategy.
    sr_variance : float
        ``V``: the variance of the trials' per-period Sharpe ratios (>= 0).

    Returns
    -------
    float
        In [0, 1]; NaN when the returns do not vary. ``n_trials = 1`` gives the PSR against 0.

    Notes
    -----
    The paper's worked example (daily returns, T = 1250, annualised SR 2.5, skew -3,
    kurtosis 10, N = 100, annualised V = 1/2, 250 days a year) gives SR0 = 0.1132 per day and
    DSR = 0.9004; the tests reproduce it with :func:`dsr_from_moments`.
    """
    r = check_returns(returns)
    trials = check_int(n_trials, "n_trials", 1, MAX_TRIALS)
    variance = check_number(sr_variance, "sr_variance", low=0.0)
    sr, skew, kurt = _moments(r)
    return dsr_from_moments(sr, r.shape[0], skew, kurt, trials, variance)


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
