"""Unit-root and cointegration tests (reference implementations on statsmodels).

* :func:`adf` - augmented Dickey-Fuller test (``statsmodels.tsa.stattools.adfuller``).
* :func:`engle_granger` - Engle-Granger two-step test (``statsmodels.tsa.stattools.coint``),
  plus the hedge ratio and the lag chosen on the residuals.
* :func:`johansen` - Johansen trace and maximum-eigenvalue tests
  (``statsmodels.tsa.vector_ar.vecm.coint_johansen``).
* :func:`pair_scan` - Engle-Granger on all N(N-1)/2 pairs, Benjamini-Hochberg q-values,
  hedge ratios and half-lives, ranked by p-value.

References: Dickey and Fuller (1979); Said and Dickey (1984); Engle and Granger (1987),
"Co-integration and error correction", Econometrica 55, 251-276; MacKinnon (1994, 2010) for the
p-values and critical values; Johansen (1991), Econometrica 59, 1551-1580; Benjamini and
Hochberg (1995), JRSS B 57, 289-300.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
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

# ---------------------------------------------------------------------------------------------
# results
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ADFResult:
    """Augmented Dickey-Fuller test.

    Attributes
    ----------
    statistic : float
        t-ratio of the lagged level in ``dx[t] = det + gamma x[t-1] + sum phi_j dx[t-j] + e``.
    pvalue : float
        MacKinnon (1994) approximate p-value, 2010 coefficients.
    lags : int
        Lagged differences used.
    nobs : int
        Observations of the test regression.
    crit_values : ndarray, shape (3,)
        Critical values at 1 %, 5 % and 10 % (MacKinnon 2010, finite-sample ``nobs``).
    icbest : float
        Best information criterion of the lag search (|t| of the deciding lag for
        ``"t-stat"``); NaN when ``autolag`` is None.
    maxlag : int
        Largest lag considered.
    """

    statistic: float
    pvalue: float
    lags: int
    nobs: int
    crit_values: np.ndarray
    icbest: float
    maxlag: int


@dataclass(frozen=True)
class CointResult:
    """Engle-Granger cointegration test of y on x.

    Attributes
    ----------
    statistic : float
        ADF t statistic (no deterministic terms) of the cointegrating-regression residuals;
        -inf when y and x are (almost) perfectly collinear, as in statsmodels.
    pvalue : float
        MacKinnon approximate p-value for two I(1) series.
    crit_values : ndarray, shape (3,)
        Critical values at 1 %, 5 %, 10 % (NaN for ``trend="n"``, which has no 2010 table).
    hedge_ratio : float
        OLS coefficient of x in ``y = intercept + hedge_ratio x (+ trend terms) + u``.
    intercept : float
        OLS constant of that regression (0 for ``trend="n"``).
    lags : int
        Lag chosen by the lag search on the residuals (``maxlag`` without search; 0 when
        collinear, where no ADF regression is run).
    """

    statistic: float
    pvalue: float
    crit_values: np.ndarray
    hedge_ratio: float
    intercept: float
    lags: int


@dataclass(frozen=True)
class JohansenResult:
    """Johansen cointegration-rank tests (names of statsmodels' result in brackets).

    Attributes
    ----------
    trace_stat : ndarray, shape (N,)
        Trace statistics for rank <= r, r = 0..N-1 (``lr1``).
    trace_crit : ndarray, shape (N, 3)
        Critical values at 90 %, 95 %, 99 % (``cvt``; MacKinnon, Haug and Michelis 1999).
    max_eig_stat : ndarray, shape (N,)
        Maximum-eigenvalue statistics (``lr2``).
    max_eig_crit : ndarray, shape (N, 3)
        Critical values at 90 %, 95 %, 99 % (``cvm``).
    eigenvalues : ndarray, shape (N,)
        Decreasing (``eig``).
    eigenvectors : ndarray, shape (N, N)
        Columns are the cointegrating vectors, normalised so ``v' S_kk v = 1`` (``evec``).
        Sign convention (:func:`sign_columns`): each column's first non-zero entry is positive,
        i.e. the first series enters every relation with a positive weight. statsmodels fixes
        only one sign for the whole matrix and leaves the other columns' signs to LAPACK's
        ``geev``, which flips them under rounding-level changes; with this convention the
        first column equals ``evec[:, 0]`` and every column equals statsmodels' up to sign.
    nobs : int
        Observations of the reduced-rank regression.
    """

    trace_stat: np.ndarray
    trace_crit: np.ndarray
    max_eig_stat: np.ndarray
    max_eig_crit: np.ndarray
    eigenvalues: np.ndarray
    eigenvectors: np.ndarray
    nobs: int


@dataclass(frozen=True)
class PairScanResult:
    """Engle-Granger tests on all pairs of columns, ranked by p-value (ascending, stable).

    Attributes
    ----------
    pairs : ndarray of int, shape (M, 2)
        Column indices ``(i, j)``: y is column i, x is column j (``i < j`` unless a ``pairs``
        subset says otherwise).
    statistic, pvalue : ndarray, shape (M,)
        Engle-Granger statistic and p-value of each pair.
    qvalue : ndarray, shape (M,)
        Benjamini-Hochberg adjusted p-values over the M tests (all N(N-1)/2 pairs by default).
    hedge_ratio, intercept : ndarray, shape (M,)
        Cointegrating-regression coefficients (``y = intercept + hedge_ratio x + u``).
    half_life : ndarray, shape (M,)
        Half-life in rows of the AR(1) fitted to the residual spread u (:func:`ar1_half_life`);
        NaN for a collinear pair (statistic -inf), whose residuals are rounding noise.
    lags : ndarray of int, shape (M,)
        Lags chosen on each pair's residuals.
    symbols : tuple of str
        Column labels when a DataFrame was given (``symbols[pairs[k, 0]]`` is y), else empty.
    """

    pairs: np.ndarray
    statistic: np.ndarray
    pvalue: np.ndarray
    qvalue: np.ndarray
    hedge_ratio: np.ndarray
    intercept: np.ndarray
    half_life: np.ndarray
    lags: np.ndarray
    symbols: tuple[str, ...]


# ---------------------------------------------------------------------------------------------
# validation shared by both engines
# ---------------------------------------------------------------------------------------------


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


def sign_columns(vectors: np.ndarray) -> np.ndarray:
    """Flip each column so that its first non-zero entry is positive (Johansen eigenvectors)."""
    out = np.array(vectors, dtype=np.float64, copy=True)
    for j in range(out.shape[1]):
        nz = np.flatnonzero(out[:, j])
        if nz.size and out[nz[0], j] < 0:
            out[:, j] = -out[:, j]
    return out


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


def benjamini_hochberg(pvalues: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg (1995) adjusted p-values (q-values).

    ``q_(k) = min_{j >= k} min(1, m p_(j) / j)`` over the p-values sorted ascending, returned in
    the input order; equals statsmodels ``multipletests(method="fdr_bh")[1]`` (tested).
    """
    p = np.asarray(pvalues, dtype=np.float64)
    m = p.shape[0]
    order = np.argsort(p, kind="mergesort")
    scaled = p[order] * m / np.arange(1, m + 1)
    q_sorted = np.minimum.accumulate(scaled[::-1])[::-1]
    q = np.empty(m)
    q[order] = np.minimum(q_sorted, 1.0)
    return q


def merge_pair_scans(parts: list[PairScanResult]) -> PairScanResult:
    """Combine scans of disjoint pair subsets (``pair_scan(..., pairs=chunk)``) into one.

    The Benjamini-Hochberg q-values are recomputed over all the merged tests and the pairs are
    ranked again, so merging the chunks of a split scan gives the result of the whole scan.
    Used by the Dask backend and the gRPC progress stream.
    """
    if not parts:
        raise ValueError("merge_pair_scans needs at least one PairScanResult")
    symbols = parts[0].symbols
    if any(p.symbols != symbols for p in parts):
        raise ValueError("cannot merge pair scans of different symbols")
    cat = {
        f: np.concatenate([getattr(p, f) for p in parts])
        for f in ("pairs", "statistic", "pvalue", "hedge_ratio", "intercept", "half_life", "lags")
    }
    check_pairs(cat["pairs"], int(cat["pairs"].max()) + 1)
    # restore lexicographic pair order first, so ties rank exactly as in one whole scan
    lex = np.lexsort((cat["pairs"][:, 1], cat["pairs"][:, 0]))
    cat = {f: v[lex] for f, v in cat.items()}
    order = rank_pairs(cat["pvalue"])
    qvalue = benjamini_hochberg(cat["pvalue"])
    return PairScanResult(
        qvalue=qvalue[order], symbols=symbols, **{f: v[order] for f, v in cat.items()}
    )


def rank_pairs(pvalue: np.ndarray) -> np.ndarray:
    """Order of pairs by ascending p-value, ties kept in pair order (stable sort)."""
    return np.argsort(pvalue, kind="stable")


def crit_values(n_series: int, trend: str, nobs: int) -> np.ndarray:
    """MacKinnon (2010) critical values at 1 %, 5 %, 10 % for ``n_series`` I(1) series.

    NaN where the 2010 tables have no entry (``trend="n"`` with more than one series), as in
    statsmodels ``coint``.
    """
    from statsmodels.tsa.adfvalues import mackinnoncrit

    if trend == "n" and n_series > 1:
        return np.full(3, np.nan)
    return np.asarray(mackinnoncrit(N=n_series, regression=trend, nobs=nobs), dtype=np.float64)


# ---------------------------------------------------------------------------------------------
# reference implementations
# ---------------------------------------------------------------------------------------------


def adf(
    x: Any, maxlag: int | None = None, regression: str = "c", autolag: str | None = "aic"
) -> ADFResult:
    """Augmented Dickey-Fuller unit-root test (statsmodels ``adfuller``).

    Model: ``dx[t] = det[t] + gamma x[t-1] + sum_{j=1..p} phi_j dx[t-j] + e[t]``; H0: unit root
    (``gamma = 0``). The statistic is the OLS t-ratio of ``gamma``.

    Parameters
    ----------
    x : array_like, shape (T,)
        Series (e.g. a log price); finite, not constant.
    maxlag : int, optional
        Largest lag; default ``ceil(12 (T/100)^(1/4))`` capped at ``T // 2 - ntrend - 1``.
    regression : {"c", "ct", "ctt", "n"}
        Deterministic terms: constant, + linear trend, + quadratic trend, none.
    autolag : {"aic", "bic", "t-stat", None}
        Lag selection over ``0..maxlag`` on a common sample (None: use ``maxlag``).

    Returns
    -------
    ADFResult
    """
    from statsmodels.tsa.stattools import adfuller

    arr, maxlag, regression, autolag = check_adf_input(x, maxlag, regression, autolag)
    res = adfuller(arr, maxlag=maxlag, regression=regression, autolag=autolag, result_object=True)
    crit = res.critical_values
    return ADFResult(
        statistic=float(res.statistic),
        pvalue=float(res.pvalue),
        lags=int(res.lags),
        nobs=int(res.nobs),
        crit_values=np.array([crit["1%"], crit["5%"], crit["10%"]], dtype=np.float64),
        icbest=float(res.icbest) if res.icbest is not None else float("nan"),
        maxlag=maxlag,
    )


def ar1_half_life(spread: np.ndarray) -> float:
    """Half-life, in rows, of the AR(1) fitted to ``spread`` (statsmodels OLS).

    Model: ``ds[t] = a + b s[t-1] + e[t]``, i.e. ``s[t] = a + phi s[t-1] + e[t]`` with
    ``phi = 1 + b``. Half-life ``-ln 2 / ln phi`` for ``0 < phi < 1``; inf when ``phi >= 1`` (no
    mean reversion); NaN when ``phi <= 0`` (oscillating, no half-life). For an exactly
    discretised OU process ``phi = exp(-kappa dt)`` so this is ``ln 2 / kappa`` in rows.
    """
    from statsmodels.regression.linear_model import OLS

    lagged = spread[:-1]
    design = np.column_stack([np.ones_like(lagged), lagged])
    phi = 1.0 + float(OLS(np.diff(spread), design).fit().params[1])
    if phi >= 1.0:
        return float("inf")
    if phi <= 0.0:
        return float("nan")
    return float(-np.log(2.0) / np.log(phi))


def _engle_granger(ya, xa, trend, maxlag, autolag) -> tuple[CointResult, np.ndarray | None]:
    """statsmodels ``coint`` step for step, also returning the lag and the residuals (None when
    y and x are collinear: the residuals are then rounding noise)."""
    from statsmodels.regression.linear_model import OLS
    from statsmodels.tools.sm_exceptions import CollinearityWarning
    from statsmodels.tsa.adfvalues import mackinnonp
    from statsmodels.tsa.stattools import adfuller
    from statsmodels.tsa.tsatools import add_trend

    xx = xa[:, None] if trend == "n" else add_trend(xa[:, None], trend=trend, prepend=False)
    ols = OLS(ya, xx).fit()
    if ols.rsquared < COLLINEAR_R2:
        res = adfuller(
            ols.resid, maxlag=maxlag, regression="n", autolag=autolag, result_object=True
        )
        stat, lags = float(res.statistic), int(res.lags)
        resid = np.asarray(ols.resid)
    else:
        warnings.warn(
            "y and x are (almost) perfectly collinear; the Engle-Granger statistic is -inf",
            CollinearityWarning,
            stacklevel=3,
        )
        stat, lags, resid = float("-inf"), 0, None
    result = CointResult(
        statistic=stat,
        pvalue=float(mackinnonp(stat, regression=trend, N=2)),
        crit_values=crit_values(2, trend, ya.shape[0] - 1),
        hedge_ratio=float(ols.params[0]),
        intercept=float(ols.params[1]) if trend != "n" else 0.0,
        lags=lags,
    )
    return result, resid


def engle_granger(
    y: Any, x: Any, trend: str = "c", maxlag: int | None = None, autolag: str | None = "aic"
) -> CointResult:
    """Engle-Granger two-step cointegration test (statsmodels ``coint``, method "aeg").

    Step 1: OLS ``y = intercept + hedge_ratio x (+ trend terms) + u``. Step 2: ADF without
    deterministic terms on ``u``, lag chosen by ``autolag``; MacKinnon p-value and critical
    values for two series (critical values at ``nobs = T - 1``, as statsmodels and Stata).
    H0: no cointegration.

    Parameters
    ----------
    y, x : array_like, shape (T,)
        Series (usually log prices); y is the dependent leg.
    trend : {"c", "ct", "ctt", "n"}
        Deterministic terms of the cointegrating regression.
    maxlag : int, optional
        Largest ADF lag on the residuals (default rule of :func:`adf`).
    autolag : {"aic", "bic", "t-stat", None}
        Lag selection on the residuals.

    Returns
    -------
    CointResult
        Statistic, p-value and critical values equal statsmodels ``coint``; ``lags`` is the lag
        its internal ``adfuller`` picks.
    """
    ya, xa, trend, maxlag, autolag = check_eg_input(y, x, trend, maxlag, autolag)
    return _engle_granger(ya, xa, trend, maxlag, autolag)[0]


def johansen(prices: Any, det_order: int = 0, k_ar_diff: int = 1) -> JohansenResult:
    """Johansen cointegration-rank tests (statsmodels ``coint_johansen``).

    Model: the VECM ``dy[t] = Pi y[t-1] + sum_{i=1..k} G_i dy[t-i] + det + e[t]``; the
    eigenvalues of the reduced-rank regression give the trace statistics
    ``-T sum_{i>r} ln(1 - lambda_i)`` and maximum-eigenvalue statistics ``-T ln(1 - lambda_{r+1})``.

    Parameters
    ----------
    prices : array_like or DataFrame, shape (T, N)
        Level series (log prices), 2 <= N <= 12.
    det_order : {-1, 0, 1}
        Deterministic terms: none, constant, linear trend.
    k_ar_diff : int
        Number of lagged differences ``k``.

    Returns
    -------
    JohansenResult
    """
    from statsmodels.tsa.vector_ar.vecm import coint_johansen

    arr, det_order, k_ar_diff = check_johansen_input(prices, det_order, k_ar_diff)
    res = coint_johansen(arr, det_order, k_ar_diff)
    return JohansenResult(
        trace_stat=np.asarray(res.lr1),
        trace_crit=np.asarray(res.cvt),
        max_eig_stat=np.asarray(res.lr2),
        max_eig_crit=np.asarray(res.cvm),
        eigenvalues=np.asarray(res.eig),
        eigenvectors=sign_columns(res.evec),
        nobs=int(arr.shape[0] - 1 - k_ar_diff),
    )


def pair_scan(
    prices: Any,
    trend: str = "c",
    maxlag: int | None = None,
    autolag: str | None = "aic",
    pairs: Any = None,
) -> PairScanResult:
    """Engle-Granger test of every pair of columns, with Benjamini-Hochberg q-values.

    For each ``i < j``: :func:`engle_granger` with y = column i and x = column j (statsmodels
    ``coint``), the AR(1) half-life of the residual spread (:func:`ar1_half_life`), then
    q-values over all N(N-1)/2 p-values (statsmodels ``multipletests(method="fdr_bh")``), and
    the pairs ranked by p-value.

    Parameters
    ----------
    prices : array_like or DataFrame, shape (T, N)
        Level series (log prices), N >= 2. Leading NaNs are allowed (each pair uses the rows
        where both series exist); other NaN and inf are rejected.
    trend, maxlag, autolag
        As in :func:`engle_granger`.
    pairs : array_like of int, shape (M, 2), optional
        Test only these column pairs (y = first, x = second); q-values are then over the M tests.
        Default: all N(N-1)/2 pairs ``i < j``. Split scans recombine with
        :func:`merge_pair_scans`.

    Returns
    -------
    PairScanResult
    """
    from statsmodels.stats.multitest import multipletests

    arr, starts, symbols, trend, maxlag, autolag, pairs = check_pair_scan_input(
        prices, trend, maxlag, autolag, pairs
    )
    m = len(pairs)
    stat, pval, hedge, icpt, half = (np.empty(m) for _ in range(5))
    lags = np.empty(m, dtype=np.int64)
    for k, (i, j) in enumerate(pairs):
        s0 = max(starts[i], starts[j])
        res, resid = _engle_granger(arr[s0:, i], arr[s0:, j], trend, maxlag, autolag)
        stat[k], pval[k], hedge[k], icpt[k], lags[k] = (
            res.statistic,
            res.pvalue,
            res.hedge_ratio,
            res.intercept,
            res.lags,
        )
        half[k] = ar1_half_life(resid) if resid is not None else np.nan
    qval = multipletests(pval, method="fdr_bh")[1]
    order = rank_pairs(pval)
    return PairScanResult(
        pairs=pairs[order],
        statistic=stat[order],
        pvalue=pval[order],
        qvalue=np.asarray(qval)[order],
        hedge_ratio=hedge[order],
        intercept=icpt[order],
        half_life=half[order],
        lags=lags[order],
        symbols=tuple(symbols),
    )
