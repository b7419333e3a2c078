"""Result types of the descriptive statistics (both engines return these)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class RollingStats:
    """Trailing-window moments.

    Attributes
    ----------
    mean, std : ndarray, shape like ``x``
        Mean and sample standard deviation (ddof=1) over rows ``t-window+1 .. t`` (inclusive:
        causal, no look-ahead); the first ``window - 1`` rows are NaN.
    zscore : ndarray, shape like ``x``
        ``(x - mean) / std``; NaN where ``std`` is 0 or undefined.
    """

    mean: np.ndarray
    std: np.ndarray
    zscore: np.ndarray


@dataclass(frozen=True)
class PCAResult:
    """Principal components of a return matrix.

    Attributes
    ----------
    components : ndarray, shape (k, N)
        Unit-norm loadings, one component per row, by decreasing variance. Sign convention
        (scikit-learn's ``svd_flip(u_based_decision=False)``): the entry of largest absolute
        value in each row is positive (the first such entry on exact ties).
    explained_variance : ndarray, shape (k,)
        Variance of each component's scores (ddof=1), in squared return units.
    explained_variance_ratio : ndarray, shape (k,)
        ``explained_variance`` divided by the total variance (the trace of the covariance).
    scores : ndarray, shape (T, k)
        Projections of the column-centred returns on the components.
    """

    components: np.ndarray
    explained_variance: np.ndarray
    explained_variance_ratio: np.ndarray
    scores: np.ndarray


@dataclass(frozen=True)
class HurstResult:
    """Hurst exponent from the scaling of lagged differences.

    Attributes
    ----------
    exponent : float
        H, the slope of ``log scale`` on ``log lags``. 0.5 for a random walk, below 0.5 for a
        mean-reverting series, above 0.5 for a trending one.
    intercept : float
        Intercept of that regression.
    lags : ndarray of int, shape (L,)
        Lags used, ``2 .. max_lag``, in rows.
    scale : ndarray, shape (L,)
        Population standard deviation (ddof=0) of ``x[t + lag] - x[t]`` for each lag.
    r_squared, stderr : float
        Fit quality and standard error of ``exponent`` (ordinary OLS formulas).
    """

    exponent: float
    intercept: float
    lags: np.ndarray
    scale: np.ndarray
    r_squared: float
    stderr: float
