"""Descriptive statistics of returns and series: correlation, covariance, rolling moments, PCA and
the Hurst exponent (reference implementations on NumPy, pandas, scikit-learn and SciPy).

The input validators of this module (:func:`as_matrix`, :func:`as_series`) are shared by the
cointegration module and by the native engine, so both engines reject bad input with the same
messages.

Modules
-------
``checks``     input checks shared by every domain;
``results``    result types (both engines);
``reference``  the statistics with NumPy, pandas and scikit-learn;
``native``     the native engine (numba kernels of :mod:`lab.kernels.stats`).
"""

from lab.analytics.stats.checks import MAX_COLUMNS, as_matrix, as_series, check_int
from lab.analytics.stats.reference import (
    FLAT_RTOL,
    ROLLING_BLOCK,
    correlation,
    covariance,
    flat_to_zero,
    hurst,
    pca,
    rolling_stats,
    zscore_from,
)
from lab.analytics.stats.results import HurstResult, PCAResult, RollingStats

__all__ = [
    "FLAT_RTOL",
    "HurstResult",
    "MAX_COLUMNS",
    "PCAResult",
    "ROLLING_BLOCK",
    "RollingStats",
    "as_matrix",
    "as_series",
    "check_int",
    "correlation",
    "covariance",
    "flat_to_zero",
    "hurst",
    "pca",
    "rolling_stats",
    "zscore_from",
]
