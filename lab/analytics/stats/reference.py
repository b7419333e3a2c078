"""Correlation, covariance, rolling moments, PCA and the Hurst exponent on the reference
engine (NumPy, pandas, scikit-learn), with the flat-window convention both engines share.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lab.analytics.stats.checks import (
    as_matrix,
    as_series,
    check_int,
    check_pca_components,
    check_rolling_input,
)
from lab.analytics.stats.results import HurstResult, PCAResult, RollingStats

FLAT_RTOL = 1e-7
"""A trailing window is *flat* when its sample standard deviation is at most this fraction of
the absolute value of its mean. Both engines then report ``std`` exactly 0 and a NaN z-score:
in such a window (equal values, or values equal to seven digits) the standard deviation is
rounding noise of the level, and a z-score of noise differs from engine to engine by O(1)."""


def flat_to_zero(mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    """``std`` with flat windows (``std <= FLAT_RTOL * |mean|``, see :data:`FLAT_RTOL`) set to
    exactly 0 (one convention for every engine; NaN stays NaN)."""
    out = np.array(std, dtype=np.float64, copy=True)
    out[out <= FLAT_RTOL * np.abs(mean)] = 0.0
    return out


def zscore_from(x: np.ndarray, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    """``(x - mean) / std``, NaN where ``std`` is 0 or NaN (one definition for every engine)."""
    ok = std > 0.0
    out = np.full_like(x, np.nan)
    np.divide(x - mean, std, out=out, where=ok)
    return out


def rolling_result(x: np.ndarray, mean: np.ndarray, std: np.ndarray) -> RollingStats:
    """The :class:`RollingStats` of trailing moments ``mean``/``std`` of ``x``, with the flat
    window convention (:func:`flat_to_zero`) applied; shared by both engines."""
    std = flat_to_zero(mean, std)
    return RollingStats(mean=mean, std=std, zscore=zscore_from(x, mean, std))


def hurst_lags(n: int, max_lag: Any) -> np.ndarray:
    """Validated lags ``2..max_lag`` for a series of length ``n`` (each needs >= 2 differences)."""
    if n < 5:
        raise ValueError(f"x needs at least 5 observations for a Hurst estimate, got {n}")
    max_lag = check_int(max_lag, "max_lag", 3, n - 2)
    return np.arange(2, max_lag + 1, dtype=np.int64)


def hurst_fit(lags: np.ndarray, scale: np.ndarray) -> HurstResult:
    """Log-log OLS of ``scale`` on ``lags`` (shared by both engines once the scales are known)."""
    if np.any(scale <= 0.0):
        lag = int(lags[np.flatnonzero(scale <= 0.0)[0]])
        raise ValueError(
            f"x has zero variance of lag-{lag} differences (constant or linear series)"
        )
    from scipy import stats

    fit = stats.linregress(np.log(lags.astype(np.float64)), np.log(scale))
    return HurstResult(
        exponent=float(fit.slope),
        intercept=float(fit.intercept),
        lags=lags,
        scale=scale,
        r_squared=float(fit.rvalue**2),
        stderr=float(fit.stderr),
    )


def correlation(returns: Any) -> np.ndarray:
    """Pearson correlation matrix of the columns of ``returns``.

    Parameters
    ----------
    returns : array_like or DataFrame, shape (T, N)
        T >= 2 observations of N series (for example daily log returns); NaN/inf rejected.

    Returns
    -------
    ndarray, shape (N, N)
        ``cov[i, j] / sqrt(cov[i, i] cov[j, j])`` clipped to [-1, 1] (``numpy.corrcoef``),
        exactly symmetric.
        A constant column has no correlation: its row and column are NaN.
    """
    arr, _ = as_matrix(returns, "returns")
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.atleast_2d(np.corrcoef(arr, rowvar=False))
    return (out + out.T) / 2.0  # exactly symmetric


def covariance(returns: Any) -> np.ndarray:
    """Sample covariance matrix (ddof=1) of the columns of ``returns`` (``numpy.cov``).

    Parameters
    ----------
    returns : array_like or DataFrame, shape (T, N)
        T >= 2 observations of N series; NaN/inf rejected.

    Returns
    -------
    ndarray, shape (N, N)
        In squared units of ``returns``; exactly symmetric.
    """
    arr, _ = as_matrix(returns, "returns")
    out = np.atleast_2d(np.cov(arr, rowvar=False, ddof=1))
    return (out + out.T) / 2.0  # exactly symmetric


ROLLING_BLOCK = 1 << 20
"""Window elements the reference materialises at once (rows are processed in blocks)."""


def rolling_stats(x: Any, window: int) -> RollingStats:
    """Causal trailing-window mean, standard deviation and z-score.

    Reference estimator: every window is computed exactly and independently with NumPy
    (``sliding_window_view``, then ``mean`` and the two-pass ``std(ddof=1)``), so the result has
    no accumulated rounding. (pandas' ``rolling().std()`` updates the variance online and its
    relative error reaches ~1e-7 on level series with short windows, too coarse to be the
    source of truth.)

    Parameters
    ----------
    x : array_like, shape (T,) or (T, N)
        Series (e.g. a spread); each column is treated separately. NaN/inf rejected.
    window : int
        Rows in the window, ``2 <= window <= T``; the window at t covers ``t-window+1 .. t``.

    Returns
    -------
    RollingStats
        ``mean``, ``std`` (ddof=1) and ``zscore``, same shape as ``x``; the first
        ``window - 1`` rows are NaN. A *flat* window (``std <= FLAT_RTOL * |mean|``, which
        includes every window of equal values, see :data:`FLAT_RTOL`) has ``std`` exactly 0 and
        a NaN z-score, on every engine.
    """
    arr, window = check_rolling_input(x, window)
    cols = arr[:, None] if arr.ndim == 1 else arr
    t = cols.shape[0]
    mean = np.full(cols.shape, np.nan)
    std = np.full(cols.shape, np.nan)
    block = max(1, ROLLING_BLOCK // window)
    for j in range(cols.shape[1]):  # column by column: each column's result is its own
        col = np.ascontiguousarray(cols[:, j])
        for lo in range(window - 1, t, block):
            hi = min(t, lo + block)
            view = np.lib.stride_tricks.sliding_window_view(col[lo - window + 1 : hi], window)
            mean[lo:hi, j] = view.mean(axis=-1)
            std[lo:hi, j] = view.std(axis=-1, ddof=1)
    if arr.ndim == 1:
        mean, std = mean[:, 0], std[:, 0]
    return rolling_result(arr, mean, std)


def pca(returns: Any, n_components: int = 3) -> PCAResult:
    """Principal component analysis of ``returns`` (scikit-learn ``PCA(svd_solver="full")``).

    Model: the column-centred ``X`` is decomposed by SVD, ``X = U S V^T``; the components are the
    first ``n_components`` rows of ``V^T`` and their variances ``S^2 / (T - 1)``.

    Parameters
    ----------
    returns : array_like or DataFrame, shape (T, N)
        T >= 2 observations of N series; NaN/inf rejected.
    n_components : int
        Number of components, ``1 <= n_components <= min(T, N)``.

    Returns
    -------
    PCAResult
        See :class:`PCAResult` for the sign convention.
    """
    from sklearn.decomposition import PCA

    arr, _ = as_matrix(returns, "returns")
    k = check_pca_components(n_components, *arr.shape)
    model = PCA(n_components=k, svd_solver="full")
    scores = model.fit_transform(arr)
    return PCAResult(
        components=np.asarray(model.components_),
        explained_variance=np.asarray(model.explained_variance_),
        explained_variance_ratio=np.asarray(model.explained_variance_ratio_),
        scores=np.asarray(scores),
    )


def hurst(x: Any, max_lag: int = 100) -> HurstResult:
    """Hurst exponent by the scaling of lagged differences (variance-of-increments estimator).

    Estimator: for each lag ``tau = 2..max_lag`` take the population standard deviation of
    ``x[t + tau] - x[t]``; for a self-similar process it grows like ``tau^H``, so ``H`` is the
    OLS slope of ``log std`` on ``log tau``. This is the second-moment case (q = 2) of the
    generalised Hurst exponent of Di Matteo, Aste and Dacorogna (2003), "Scaling behaviors in
    differently developed markets", Physica A 324, 183-188.

    Parameters
    ----------
    x : array_like, shape (T,)
        A level series (log price or spread), not returns. NaN/inf rejected.
    max_lag : int
        Largest lag in rows, ``3 <= max_lag <= T - 2``.

    Returns
    -------
    HurstResult
    """
    arr = as_series(x, "x")
    lags = hurst_lags(arr.shape[0], max_lag)
    scale = np.array([np.std(arr[lag:] - arr[:-lag]) for lag in lags])
    return hurst_fit(lags, scale)
