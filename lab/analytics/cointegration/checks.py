"""Input checks and size bounds of the cointegration analytics, shared by both engines:
regression and lag choices, the ADF residual degrees of freedom, pair lists and scan sizes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lab.analytics.stats import as_matrix, as_series, check_int

REGRESSIONS = ("n", "c", "ct", "ctt")
"""Deterministic terms: none, constant, constant + trend, constant + trend + trend^2."""

AUTOLAGS = ("aic", "bic", "t-stat", None)
"""Lag-selection rules of the ADF regression (None: use ``maxlag`` lags)."""

COLLINEAR_R2 = 1.0 - 100.0 * float(np.sqrt(np.finfo(np.float64).eps))
"""R-squared of the cointegrating regression at or above which statsmodels ``coint`` declares
y and x collinear and reports a statistic of -inf."""


def check_choice(value: Any, name: str, options: tuple) -> Any:
    """Return ``value`` normalised to lower case if it is one of ``options``; else ValueError."""
    norm = value.lower() if isinstance(value, str) else value
    if norm not in options:
        raise ValueError(f"{name} must be one of {options}, got {value!r}")
    return norm


def ntrend_of(regression: str) -> int:
    """Number of deterministic regressors of a regression code ("n" 0, "c" 1, "ct" 2, "ctt" 3)."""
    return REGRESSIONS.index(regression)


ADF_MIN_RESID_DOF = 10
"""Smallest number of residual degrees of freedom the ADF regressions may keep.

The lag search (and, without ``autolag``, the one regression) fits ``ntrend + 1 + maxlag``
coefficients on the ``nobs - maxlag - 1`` rows the largest lag leaves, so it keeps
``nobs - 2 maxlag - ntrend - 2`` residual degrees of freedom. Below 10 the t-ratio and the
information criteria are dominated by the fit's own noise: statsmodels then returns, for a
random walk, a statistic of exactly 0 (no degrees of freedom, even T <= 20) or +13.6 (T = 19).
Both engines refuse such a sample with the same ``ValueError``. With the default ``maxlag``
this means at least 31 observations for ``regression="c"`` (30 for the Engle-Granger residual
test, which has no deterministic terms); a smaller explicit ``maxlag`` needs fewer."""


def resolve_maxlag(maxlag: Any, nobs: int, ntrend: int, name: str = "x") -> int:
    """statsmodels' ADF ``maxlag`` rule for a series of length ``nobs``, and the sample check.

    The default is ``ceil(12 (nobs/100)^(1/4))`` capped at ``nobs // 2 - ntrend - 1``; a given
    ``maxlag`` must be a non-negative integer not above that cap. Either way the regressions
    must keep :data:`ADF_MIN_RESID_DOF` residual degrees of freedom.
    """
    cap = nobs // 2 - ntrend - 1
    if maxlag is None:
        if cap < 0:
            raise ValueError(
                f"{name} is too short ({nobs} observations) for an ADF regression with "
                f"{ntrend} deterministic terms"
            )
        maxlag = min(int(np.ceil(12.0 * np.power(nobs / 100.0, 1 / 4.0))), cap)
        which = "the default maxlag"
    else:
        maxlag = check_int(maxlag, "maxlag", 0)
        if maxlag > cap:
            raise ValueError(
                f"maxlag must be at most nobs // 2 - ntrend - 1 = {cap} for {nobs} observations "
                f"and {ntrend} deterministic terms, got {maxlag}"
            )
        which = "maxlag"
    dof = nobs - 2 * maxlag - ntrend - 2
    if dof < ADF_MIN_RESID_DOF:
        raise ValueError(
            f"{name} has too few observations ({nobs}) for an ADF regression with {which} = "
            f"{maxlag} and {ntrend} deterministic terms: it keeps {dof} residual degrees of "
            f"freedom, at least {ADF_MIN_RESID_DOF} are needed (use a longer sample or a "
            "smaller maxlag)"
        )
    return maxlag


def check_adf_input(x: Any, maxlag: Any, regression: Any, autolag: Any) -> tuple:
    """Validate :func:`adf` arguments; returns ``(x, maxlag, regression, autolag)``."""
    arr = as_series(x, "x", min_len=3)
    if arr.max() == arr.min():
        raise ValueError("x is constant; the ADF test needs a varying series")
    diff = np.diff(arr)
    if diff.max() == diff.min():
        raise ValueError(
            "x is a straight line (constant differences); the ADF regression is singular"
        )
    regression = check_choice(regression, "regression", REGRESSIONS)
    autolag = check_choice(autolag, "autolag", AUTOLAGS)
    maxlag = resolve_maxlag(maxlag, arr.shape[0], ntrend_of(regression))
    return arr, maxlag, regression, autolag


def check_eg_input(y: Any, x: Any, trend: Any, maxlag: Any, autolag: Any) -> tuple:
    """Validate :func:`engle_granger` arguments; returns ``(y, x, trend, maxlag, autolag)``."""
    ya = as_series(y, "y", min_len=4)
    xa = as_series(x, "x", min_len=4)
    if ya.shape != xa.shape:
        raise ValueError(f"y and x must have the same length, got {ya.shape[0]} and {xa.shape[0]}")
    for name, arr in (("y", ya), ("x", xa)):
        if arr.max() == arr.min():
            raise ValueError(f"{name} is constant; the Engle-Granger test needs varying series")
    trend = check_choice(trend, "trend", REGRESSIONS)
    autolag = check_choice(autolag, "autolag", AUTOLAGS)
    resolve_maxlag(maxlag, ya.shape[0], 0, "y")  # the residual test's sample check
    return ya, xa, trend, maxlag, autolag


def check_johansen_input(prices: Any, det_order: Any, k_ar_diff: Any) -> tuple:
    """Validate :func:`johansen` arguments; returns ``(prices, det_order, k_ar_diff)``."""
    arr, _ = as_matrix(prices, "prices", min_rows=3, min_cols=2)
    if arr.shape[1] > 12:
        raise ValueError(
            f"prices has {arr.shape[1]} columns; Johansen critical values exist for at most 12"
        )
    det_order = check_int(det_order, "det_order", -1, 1)
    k_ar_diff = check_int(k_ar_diff, "k_ar_diff", 0)
    if k_ar_diff > MAX_K_AR_DIFF:
        raise ValueError(f"k_ar_diff must be at most {MAX_K_AR_DIFF}, got {k_ar_diff}")
    t, n = arr.shape
    need = n * (k_ar_diff + 1) + 4 + k_ar_diff
    if t < need:
        raise ValueError(
            f"prices has {t} rows, too few for {n} series with k_ar_diff={k_ar_diff} "
            f"(need at least {need})"
        )
    const = np.ptp(arr, axis=0) == 0
    if const.any():
        raise ValueError(f"prices column {int(np.flatnonzero(const)[0])} is constant")
    return arr, det_order, k_ar_diff


MAX_SCAN_CELLS = 200_000_000
"""Most pairs x rows one :func:`pair_scan` tests (e.g. 24,000 pairs of 8,313 days)."""

MAX_K_AR_DIFF = 100
"""Most lagged differences in :func:`johansen`."""


def check_pair_scan_input(
    prices: Any, trend: Any, maxlag: Any, autolag: Any, pairs: Any = None
) -> tuple:
    """Validate :func:`pair_scan` arguments.

    Leading NaNs (a series that starts later) are allowed: each pair uses the rows where both
    of its series are present. Any other NaN, and inf, is rejected.

    Returns ``(prices, starts, symbols, trend, maxlag, autolag, pairs)``; ``starts[i]`` is the
    first non-NaN row of column i and ``pairs`` the (M, 2) int64 column pairs to test
    (:func:`check_pairs`).
    """
    arr, labels = as_matrix(prices, "prices", min_rows=4, min_cols=2, allow_nan=True)
    nan = np.isnan(arr)
    starts = np.argmax(~nan, axis=0).astype(np.int64)
    for col in range(arr.shape[1]):
        label = repr(labels[col]) if labels else str(col)
        if nan[:, col].all():
            raise ValueError(f"prices column {label} has no values (all NaN)")
        gaps = np.flatnonzero(nan[starts[col] :, col])
        if gaps.size:
            raise ValueError(
                f"prices column {label} has a missing value at row {starts[col] + gaps[0]} after "
                "its first value; only leading NaNs are allowed (forward-fill gaps first)"
            )
        seg = arr[starts[col] :, col]
        if seg.max() == seg.min():
            raise ValueError(f"prices column {label} is constant")
    trend = check_choice(trend, "trend", REGRESSIONS)
    autolag = check_choice(autolag, "autolag", AUTOLAGS)
    t = arr.shape[0]
    pairs = check_pairs(pairs, arr.shape[1])
    if len(pairs) * t > MAX_SCAN_CELLS:
        raise ValueError(
            f"pair_scan of {len(pairs)} pairs x {t} rows = {len(pairs) * t:,} cells exceeds the "
            f"limit of {MAX_SCAN_CELLS:,}; scan fewer pairs (pairs=) or a shorter window"
        )
    for i, j in pairs:
        nobs = t - max(starts[i], starts[j])
        li = labels[i] if labels else i
        lj = labels[j] if labels else j
        if nobs < 4:
            raise ValueError(
                f"prices columns {li!r} and {lj!r} overlap on only {nobs} rows; "
                "at least 4 are needed"
            )
        resolve_maxlag(maxlag, nobs, 0, f"prices columns {li!r} and {lj!r} (overlap)")
    return arr, starts, labels or (), trend, maxlag, autolag, pairs


def all_pairs(n: int) -> np.ndarray:
    """All ``(i, j)`` with ``0 <= i < j < n`` in lexicographic order, shape (n(n-1)/2, 2)."""
    i, j = np.triu_indices(n, k=1)
    return np.column_stack([i, j]).astype(np.int64)


def check_pairs(pairs: Any, n: int) -> np.ndarray:
    """Validate a subset of column pairs for :func:`pair_scan` (default: :func:`all_pairs`).

    ``pairs`` is an (M, 2) array of column indices with ``0 <= i, j < n``, ``i != j`` and no
    pair listed twice (in either order).
    """
    if pairs is None:
        return all_pairs(n)
    arr = np.asarray(pairs)
    if arr.ndim != 2 or arr.shape[1] != 2 or arr.shape[0] == 0:
        raise ValueError(
            f"pairs must be a non-empty (M, 2) array of column indices, got shape {arr.shape}"
        )
    if not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"pairs must hold integer column indices, got dtype {arr.dtype}")
    arr = arr.astype(np.int64)
    if arr.min() < 0 or arr.max() >= n:
        raise ValueError(f"pairs index a column outside 0..{n - 1}")
    if np.any(arr[:, 0] == arr[:, 1]):
        k = int(np.flatnonzero(arr[:, 0] == arr[:, 1])[0])
        raise ValueError(f"pairs row {k} pairs column {arr[k, 0]} with itself")
    key = np.sort(arr, axis=1)
    if len(np.unique(key, axis=0)) != len(key):
        raise ValueError("pairs lists the same pair more than once")
    return np.ascontiguousarray(arr)
