"""The Sharpe ratio's sampling law under non-normal returns and the statistics built on it:
its standard error (Lo 2002; Mertens 2002), the Probabilistic and the Deflated Sharpe Ratio
(Bailey & Lopez de Prado 2012, 2014); reference engine, with the moment helpers both engines
and the backtest share.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy import special, stats

from lab.analytics.stats import as_series, check_int

EULER_GAMMA = 0.5772156649015329
"""The Euler-Mascheroni constant, in the expected maximum of ``N`` normal Sharpe ratios."""

MIN_RETURNS = 3
"""Fewest returns accepted (the variance of the Sharpe ratio divides by ``T - 1``)."""

MAX_TRIALS = 10**9
"""Largest ``n_trials`` accepted by :func:`deflated_sharpe`."""


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
