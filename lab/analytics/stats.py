"""Descriptive statistics of returns and series: correlation, covariance, rolling moments, PCA and
the Hurst exponent (reference implementations on NumPy, pandas, scikit-learn and SciPy).

The input validators of this module (:func:`as_matrix`, :func:`as_series`) are shared by the
cointegration module and by the native engine, so both engines reject bad input with the same
messages.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

# ---------------------------------------------------------------------------------------------
# input validation (shared with lab.analytics.cointegration and lab.backends.native)
# ---------------------------------------------------------------------------------------------


def _to_float(values: Any, name: str) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric: {exc}") from None
    return arr


def _labels(values: Any) -> tuple[str, ...] | None:
    if isinstance(values, pd.DataFrame):
        return tuple(str(c) for c in values.columns)
    return None


def _check_finite(arr: np.ndarray, name: str, labels: tuple[str, ...] | None = None) -> None:
    bad = ~np.isfinite(arr)
    if not bad.any():
        return
    if arr.ndim == 1:
        row = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"{name} contains NaN or inf (first at position {row}: {arr[row]!r}); "
            "drop or fill missing values first"
        )
    row, col = (int(v) for v in np.argwhere(bad)[0])
    label = repr(labels[col]) if labels is not None else str(col)
    raise ValueError(
        f"{name} contains NaN or inf (first in column {label} at row {row}: {arr[row, col]!r}); "
        "drop or fill missing values first"
    )


MAX_COLUMNS = 4096
"""Most series (columns) in a T x N input: N x N results (correlation, covariance) then stay
within 128 MiB, and an N-column scan or optimisation within minutes."""


def as_matrix(
    values: Any,
    name: str = "returns",
    min_rows: int = 2,
    min_cols: int = 1,
    allow_nan: bool = False,
) -> tuple[np.ndarray, tuple[str, ...] | None]:
    """Validate a T x N matrix and return it as C-contiguous float64 with its column labels.

    Parameters
    ----------
    values : array_like or pandas.DataFrame
        T observations (rows) by N series (columns).
    name : str
        Parameter name used in error messages.
    min_rows, min_cols : int
        Smallest accepted T and N.
    allow_nan : bool
        Accept NaN (never inf); callers that allow it handle missing values themselves.

    Raises
    ------
    ValueError
        Not 2-D, non-numeric, NaN/inf (naming column and row), or too few rows/columns.
    """
    labels = _labels(values)
    arr = _to_float(values, name)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (T x N), got shape {arr.shape}")
    t, n = arr.shape
    if t < min_rows:
        raise ValueError(f"{name} needs at least {min_rows} rows (observations), got {t}")
    if n < min_cols:
        raise ValueError(f"{name} needs at least {min_cols} columns (series), got {n}")
    if n > MAX_COLUMNS:
        raise ValueError(f"{name} has {n} columns; at most {MAX_COLUMNS} are accepted")
    if allow_nan:
        _check_finite(np.where(np.isnan(arr), 0.0, arr), name, labels)
    else:
        _check_finite(arr, name, labels)
    return np.ascontiguousarray(arr), labels


def as_series(values: Any, name: str = "x", min_len: int = 2) -> np.ndarray:
    """Validate a 1-D series (array, list or pandas Series) and return it as float64.

    Raises
    ------
    ValueError
        Not 1-D, non-numeric, NaN/inf (naming the position) or shorter than ``min_len``.
    """
    arr = _to_float(values, name)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D series, got shape {arr.shape}")
    if arr.shape[0] < min_len:
        raise ValueError(f"{name} needs at least {min_len} observations, got {arr.shape[0]}")
    _check_finite(arr, name)
    return np.ascontiguousarray(arr)


def check_int(value: Any, name: str, low: int, high: int | None = None) -> int:
    """Return ``value`` as int if it is an integer in ``[low, high]``; else raise ValueError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    value = int(value)
    if value < low or (high is not None and value > high):
        bound = f">= {low}" if high is None else f"between {low} and {high}"
        raise ValueError(f"{name} must be {bound}, got {value}")
    return value


def check_rolling_input(x: Any, window: Any) -> tuple[np.ndarray, int]:
    arr = _to_float(x, "x")
    if arr.ndim not in (1, 2):
        raise ValueError(f"x must be a 1-D series or a 2-D (T x N) matrix, got shape {arr.shape}")
    if arr.shape[0] < 2:
        raise ValueError(f"x needs at least 2 observations, got {arr.shape[0]}")
    _check_finite(arr, "x", _labels(x))
    window = check_int(window, "window", 2, arr.shape[0])
    return np.ascontiguousarray(arr), window


# ---------------------------------------------------------------------------------------------
# results
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# shared pieces used by both engines
# ---------------------------------------------------------------------------------------------


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


def check_pca_components(n_components: Any, t: int, n: int) -> int:
    """Validate ``n_components`` against a T x N matrix (scikit-learn's rule: <= min(T, N))."""
    return check_int(n_components, "n_components", 1, min(t, n))


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


# ---------------------------------------------------------------------------------------------
# reference implementations
# ---------------------------------------------------------------------------------------------


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
