"""Descriptive statistics on the native engine (numba kernels plus NumPy/LAPACK).

Same signatures and result types as :mod:`lab.analytics.stats`. Tolerances against the
reference engine:

* ``correlation``, ``covariance``: 1e-12 absolute on correlations, 1e-12 relative to the
  largest variance on covariances;
* ``rolling_stats``: mean and std within 1e-10 relative to pandas, z-score within 1e-8
  absolute;
* ``pca``: explained variances and ratios within 1e-10 relative, components and scores within
  1e-8 (eigenvectors are determined up to rounding over the eigen-gap; same sign convention);
* ``hurst``: exponent within 1e-10.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lab.analytics.stats.checks import (
    as_matrix,
    as_series,
    check_pca_components,
    check_rolling_input,
)
from lab.analytics.stats.reference import hurst_fit, hurst_lags, rolling_result
from lab.analytics.stats.results import HurstResult, PCAResult, RollingStats
from lab.kernels import stats as kern


def _covariance(arr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Centred data (numba) and the ddof=1 covariance from one BLAS ``X^T X``."""
    xc, _ = kern.center_columns(arr)
    cov = xc.T @ xc / (arr.shape[0] - 1)
    return xc, (cov + cov.T) / 2.0


def covariance(returns: Any) -> np.ndarray:
    """Sample covariance (ddof=1); see :func:`lab.analytics.covariance`."""
    arr, _ = as_matrix(returns, "returns")
    return _covariance(arr)[1]


def correlation(returns: Any) -> np.ndarray:
    """Pearson correlation; see :func:`lab.analytics.correlation`. Constant columns give NaN."""
    arr, _ = as_matrix(returns, "returns")
    cov = _covariance(arr)[1]
    d = np.sqrt(np.diag(cov))
    with np.errstate(invalid="ignore", divide="ignore"):
        out = cov / np.outer(d, d)
    return np.clip(out, -1.0, 1.0)


def rolling_stats(x: Any, window: int) -> RollingStats:
    """Causal trailing-window moments; see :func:`lab.analytics.rolling_stats`.

    numba kernel :func:`lab.kernels.stats.rolling_moments_1d` (anchored sliding sums with an
    exact recompute on cancellation), parallel over columns.
    """
    arr, window = check_rolling_input(x, window)
    cols = np.ascontiguousarray(arr.T if arr.ndim == 2 else arr[None, :])
    mean, std = kern.rolling_moments(cols, window)
    if arr.ndim == 1:
        mean, std = mean[0], std[0]
    else:
        mean, std = np.ascontiguousarray(mean.T), np.ascontiguousarray(std.T)
    return rolling_result(arr, mean, std)


def pca(returns: Any, n_components: int = 3) -> PCAResult:
    """Principal components; see :func:`lab.analytics.pca`.

    Eigen-decomposition (LAPACK ``syevd`` via ``numpy.linalg.eigh``) of the ddof=1 covariance,
    components sorted by decreasing eigenvalue and signed like scikit-learn (largest-magnitude
    loading positive); scores are the centred data times the loadings.
    """
    arr, _ = as_matrix(returns, "returns")
    k = check_pca_components(n_components, *arr.shape)
    xc, cov = _covariance(arr)
    evals, evecs = np.linalg.eigh(cov)
    order = np.argsort(evals)[::-1][:k]
    comps = np.ascontiguousarray(evecs[:, order].T)
    pivot = np.argmax(np.abs(comps), axis=1)
    comps *= np.sign(comps[np.arange(k), pivot])[:, None]
    ev = np.clip(evals[order], 0.0, None)
    total = float(np.trace(cov))
    return PCAResult(
        components=comps,
        explained_variance=ev,
        explained_variance_ratio=ev / total,
        scores=xc @ comps.T,
    )


def hurst(x: Any, max_lag: int = 100) -> HurstResult:
    """Hurst exponent; see :func:`lab.analytics.hurst` (lag scales by a parallel numba kernel)."""
    arr = as_series(x, "x")
    lags = hurst_lags(arr.shape[0], max_lag)
    return hurst_fit(lags, kern.lagged_diff_std(arr, lags))
