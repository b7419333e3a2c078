"""numba kernels for unit-root and cointegration tests: the augmented Dickey-Fuller regression
with its lag search, the Engle-Granger two-step test and the parallel pair scan.

They reproduce :func:`statsmodels.tsa.stattools.adfuller` and :func:`~statsmodels.tsa.stattools.coint`
step for step:

* default ``maxlag = ceil(12 (nobs / 100)^(1/4))``, capped at ``nobs // 2 - ntrend - 1``
  (Schwert 1989, as in Greene);
* the lag search fits every lag ``0..maxlag`` on the *same* sample, trimmed by ``maxlag``, so
  the information criteria are comparable, and picks the smallest criterion (ties: the smaller
  lag); ``"t-stat"`` starts at ``maxlag`` and drops lags until the last one is significant at
  5 % (|t| >= 1.6448536269514722);
* the test regression is then refitted at the chosen lag on the sample trimmed by that lag only;
* the p-value is MacKinnon's (1994) response surface with the 2010 coefficients; the tables are
  passed in as arrays (:func:`mackinnon_tables`, taken from ``statsmodels.tsa.adfvalues``).

Numerics. The nested models of the lag search are the leading columns of one design, so one
factorisation gives every model's residual sum of squares and the t-ratio of its last
regressor. The search uses the Cholesky factor of that design's cross-product matrix with the
constant partialled out by centring (Frisch-Waugh); the lagged-difference block is Toeplitz-like
and is filled in O(m maxlag) by sliding updates (:func:`_search_gram`). If that factorisation
breaks down (a near-singular design) the search falls back to a Householder QR of the full
design (:func:`_search_householder`, O(m maxlag^2)); both pick identical lags on the test data.
The reported statistic always comes from a Householder QR refit at the chosen lag
(:mod:`lab.kernels._linalg`), which is backward stable like statsmodels' ``pinv``.

Codes used by the kernels: ``ntrend`` 0 = "n", 1 = "c", 2 = "ct", 3 = "ctt" (number of
deterministic terms, which is also MacKinnon's table index); ``autolag`` 0 = None, 1 = "aic",
2 = "bic", 3 = "t-stat".
"""

from __future__ import annotations

import math

import numba
import numpy as np

from lab.kernels._jit import kernel
from lab.kernels._linalg import householder_qr, ols_t

REGRESSIONS = ("n", "c", "ct", "ctt")
"""Deterministic-term codes; the index is ``ntrend``."""
AUTOLAGS = (None, "aic", "bic", "t-stat")
"""Lag-selection codes; the index is the kernels' ``autolag`` code."""

TSTAT_STOP = 1.6448536269514722
"""5 % one-sided normal quantile used by statsmodels' ``"t-stat"`` lag search."""


def mackinnon_tables() -> tuple[np.ndarray, ...]:
    """MacKinnon (1994, 2010) p-value response-surface coefficients as dense arrays.

    Returns ``(tau_max, tau_min, tau_star, small_p, large_p)`` with shapes (4, 6), (4, 6),
    (4, 6), (4, 6, 3), (4, 6, 4); the first axis is ``ntrend`` (n, c, ct, ctt), the second
    ``N - 1`` (number of I(1) series), the last the polynomial coefficients in increasing
    order. The numbers are statsmodels' published tables (``statsmodels.tsa.adfvalues``).
    """
    from statsmodels.tsa import adfvalues

    def stack(table: dict) -> np.ndarray:
        return np.ascontiguousarray([np.asarray(table[r], dtype=np.float64) for r in REGRESSIONS])

    return (
        stack(adfvalues._tau_maxs),
        stack(adfvalues._tau_mins),
        stack(adfvalues._tau_stars),
        stack(adfvalues._tau_smallps),
        stack(adfvalues._tau_largeps),
    )


@kernel
def norm_cdf(z):
    """Standard normal distribution function, ``0.5 erfc(-z / sqrt(2))``."""
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


@kernel
def mackinnon_p(stat, ntrend, n_series, tau_max, tau_min, tau_star, small_p, large_p):
    """MacKinnon's approximate asymptotic p-value of a Dickey-Fuller t statistic.

    Same branches as ``statsmodels.tsa.adfvalues.mackinnonp``: 1 above the table maximum,
    0 below the minimum, else ``Phi(polynomial(stat))`` with the small-p coefficients at or
    below ``tau_star`` and the large-p coefficients above it.
    """
    r = ntrend
    c = n_series - 1
    if stat > tau_max[r, c]:
        return 1.0
    if stat < tau_min[r, c]:
        return 0.0
    y = 0.0
    if stat <= tau_star[r, c]:
        for i in range(small_p.shape[2] - 1, -1, -1):
            y = y * stat + small_p[r, c, i]
    else:
        for i in range(large_p.shape[2] - 1, -1, -1):
            y = y * stat + large_p[r, c, i]
    return norm_cdf(y)


@kernel
def default_maxlag(nobs, ntrend):
    """statsmodels' default ADF maximum lag, ``min(ceil(12 (nobs/100)^(1/4)), nobs//2 - ntrend - 1)``."""
    maxlag = int(math.ceil(12.0 * math.pow(nobs / 100.0, 1.0 / 4.0)))
    cap = nobs // 2 - ntrend - 1
    return min(cap, maxlag)


@kernel
def _adf_design(x, lag, maxlag_trim, ntrend, level_last):
    """Transposed ADF design on the sample trimmed by ``maxlag_trim`` with ``lag`` lagged
    differences, the dependent ``diff(x)`` in the last row.

    Rows (level_last False): deterministic terms, level x[t], dx[t-1..t-lag], dx[t].
    Rows (level_last True): deterministic terms, dx[t-1..t-lag], level x[t], dx[t].
    The sample is t = maxlag_trim .. n-2 in ``dx`` indices (``dx[t] = x[t+1] - x[t]``).
    Trend regressors are scaled by the sample size; this spans the same space as
    statsmodels' 1..nobs and leaves every residual and the level t-statistic unchanged.
    """
    n = x.shape[0]
    m = n - 1 - maxlag_trim
    k = ntrend + 1 + lag
    a = np.empty((k + 1, m))
    for i in range(m):
        t = maxlag_trim + i
        tt = (i + 1.0) / m
        if ntrend >= 1:
            a[0, i] = 1.0
        if ntrend >= 2:
            a[1, i] = tt
        if ntrend >= 3:
            a[2, i] = tt * tt
        if level_last:
            for j in range(1, lag + 1):
                a[ntrend + j - 1, i] = x[t - j + 1] - x[t - j]
            a[ntrend + lag, i] = x[t]
        else:
            a[ntrend, i] = x[t]
            for j in range(1, lag + 1):
                a[ntrend + j, i] = x[t - j + 1] - x[t - j]
        a[k, i] = x[t + 1] - x[t]
    return a


@kernel
def _last_tstat(a, rdiag, q, ssr, m):
    """t statistic of regressor ``q - 1`` in the regression on the first ``q`` regressors."""
    scale = ssr / (m - q)
    z = a[a.shape[0] - 1, q - 1]
    sign = 1.0 if rdiag[q - 1] >= 0.0 else -1.0
    return sign * z / math.sqrt(scale)


@kernel
def _loglike(ssr, nobs):
    nobs2 = nobs / 2.0
    llf = -math.log(ssr) * nobs2
    llf -= (1.0 + math.log(math.pi / nobs2)) * nobs2
    return llf


@kernel
def _search_gram(x, maxlag, ntrend):
    """Cross-product matrix of the lag-search regression, deterministic terms partialled out.

    Regressors in nested order (level, dx lags 1..maxlag) followed by the dependent dx (lag 0),
    on the sample trimmed by ``maxlag``. With a constant (``ntrend >= 1``) every column is
    centred (Frisch-Waugh: the constant is partialled out exactly) and the centred, scaled
    trend columns lead the order. The block of lagged differences is Toeplitz-like, so it is
    filled along its diagonals with O(1) updates: O(m maxlag) work instead of O(m maxlag^2).
    """
    n = x.shape[0]
    m = n - 1 - maxlag
    p = maxlag
    ndet = ntrend - 1 if ntrend >= 1 else 0
    r = ndet + 1 + p + 1  # det, level, lags 1..p, y
    dx = np.empty(n - 1)
    for t in range(n - 1):
        dx[t] = x[t + 1] - x[t]
    centre = ntrend >= 1
    if centre:
        # a constant shift of dx leaves centred cross-products unchanged; removing the mean
        # first limits cancellation in S - m mu mu'
        shift = 0.0
        for t in range(n - 1):
            shift += dx[t]
        shift /= n - 1
        for t in range(n - 1):
            dx[t] -= shift
    # columns needing direct dot products: det terms and level, shape (ndet + 1, m)
    direct = np.empty((ndet + 1, m))
    for i in range(m):
        t = maxlag + i
        tt = (i + 1.0) / m
        if ndet >= 1:
            direct[0, i] = tt
        if ndet >= 2:
            direct[1, i] = tt * tt
        direct[ndet, i] = x[t]
    if centre:
        for j in range(ndet + 1):
            mu = 0.0
            for i in range(m):
                mu += direct[j, i]
            mu /= m
            c = 0.0
            for i in range(m):
                direct[j, i] -= mu
                c += direct[j, i]
            c /= m
            for i in range(m):
                direct[j, i] -= c
    g = np.empty((r, r))
    # gram index of dx lag a (a = 0 is the dependent, placed last)
    # direct-direct block
    for a in range(ndet + 1):
        for b in range(a, ndet + 1):
            s = 0.0
            for i in range(m):
                s += direct[a, i] * direct[b, i]
            g[a, b] = s
            g[b, a] = s
    # direct-lag block
    for a in range(ndet + 1):
        for lag in range(p + 1):
            s = 0.0
            for i in range(m):
                s += direct[a, i] * dx[maxlag + i - lag]
            gi = r - 1 if lag == 0 else ndet + lag
            g[a, gi] = s
            g[gi, a] = s
    # lag-lag block: S(a, b) = sum_t dx[t-a] dx[t-b], t = maxlag .. n-2
    sums = np.empty(p + 1)
    for lag in range(p + 1):
        s = 0.0
        for i in range(m):
            s += dx[maxlag + i - lag]
        sums[lag] = s
    lo = maxlag  # first t of the sample
    hi = n - 2  # last t of the sample
    for b in range(p + 1):
        s = 0.0
        for i in range(m):
            s += dx[maxlag + i] * dx[maxlag + i - b]
        a = 0
        bb = b
        while bb <= p:
            val = s
            if centre:
                val -= sums[a] * sums[bb] / m
            ga = r - 1 if a == 0 else ndet + a
            gb = r - 1 if bb == 0 else ndet + bb
            g[ga, gb] = val
            g[gb, ga] = val
            s += dx[lo - 1 - a] * dx[lo - 1 - bb] - dx[hi - a] * dx[hi - bb]
            a += 1
            bb += 1
    return g, ndet


@kernel
def _cholesky_rows(g):
    """Lower Cholesky factor of ``g``; returns (L, ok) with ok False on a non-positive pivot."""
    r = g.shape[0]
    low = np.zeros((r, r))
    for j in range(r):
        s = g[j, j]
        for k in range(j):
            s -= low[j, k] * low[j, k]
        if not s > 0.0:
            return low, False
        d = math.sqrt(s)
        low[j, j] = d
        for i in range(j + 1, r):
            v = g[i, j]
            for k in range(j):
                v -= low[i, k] * low[j, k]
            low[i, j] = v / d
    return low, True


@kernel
def _select_lag(ssr_q, tlast, m, maxlag, start, autolag):
    """Apply statsmodels' ``_autolag`` rule to the nested-model SSRs and last-regressor t's.

    ``ssr_q[q]`` and ``tlast[q]`` refer to the model with ``q`` regressors (constant included);
    the model with ``lag`` lags has ``q = start + lag``.
    """
    icbest = np.nan
    if autolag == 3:
        bestlag = maxlag
        for lag in range(maxlag, -1, -1):
            q = start + lag
            icbest = abs(tlast[q])
            bestlag = lag
            if icbest >= TSTAT_STOP:
                break
        return bestlag, icbest
    bestlag = 0
    for lag in range(0, maxlag + 1):
        q = start + lag
        llf = _loglike(ssr_q[q], m)
        if autolag == 1:
            ic = -2.0 * llf + 2.0 * q
        else:
            ic = -2.0 * llf + math.log(m) * q
        if lag == 0 or ic < icbest:
            icbest = ic
            bestlag = lag
    return bestlag, icbest


@kernel
def _search_householder(x, maxlag, ntrend, autolag):
    """Lag search from one Householder QR of the full search design (O(m maxlag^2))."""
    a = _adf_design(x, maxlag, maxlag, ntrend, False)
    m = a.shape[1]
    ncols = ntrend + 1 + maxlag
    rdiag = householder_qr(a, ncols)
    yrow = ncols
    ssr_q = np.empty(ncols + 1)
    tlast = np.empty(ncols + 1)
    s = 0.0
    for i in range(ncols, m):
        s += a[yrow, i] * a[yrow, i]
    for q in range(ncols, 0, -1):
        ssr_q[q] = s
        tlast[q] = _last_tstat(a, rdiag, q, s, m)
        s += a[yrow, q - 1] * a[yrow, q - 1]
    ssr_q[0] = s
    return _select_lag(ssr_q, tlast, m, maxlag, ntrend + 1, autolag)


@kernel
def _search_cholesky(x, maxlag, ntrend, autolag):
    """Lag search from the Cholesky factor of the partialled cross-product matrix
    (:func:`_search_gram`); O(m maxlag). Returns ``ok = False`` if the factorisation breaks
    down (near-singular design), in which case the caller uses the Householder search."""
    g, ndet = _search_gram(x, maxlag, ntrend)
    low, ok = _cholesky_rows(g)
    if not ok:
        return 0, np.nan, False
    m = x.shape[0] - 1 - maxlag
    r = g.shape[0]
    yr = r - 1
    shift = 1 if ntrend >= 1 else 0  # the partialled-out constant counts as a regressor
    ncols = ntrend + 1 + maxlag
    ssr_q = np.empty(ncols + 1)
    tlast = np.empty(ncols + 1)
    s = low[yr, yr] * low[yr, yr]
    for q in range(ncols, shift, -1):
        e = q - shift  # regressors in the partialled Gram
        ssr_q[q] = s
        tlast[q] = low[yr, e - 1] / math.sqrt(s / (m - q))
        s += low[yr, e - 1] * low[yr, e - 1]
    return _select_lag(ssr_q, tlast, m, maxlag, ntrend + 1, autolag) + (True,)


@kernel
def adf_core(x, maxlag, ntrend, autolag):
    """Augmented Dickey-Fuller test regression with statsmodels' lag search.

    Model: ``dx[t] = deterministic + gamma x[t-1] + sum_j phi_j dx[t-j] + e[t]``; the statistic
    is the OLS t-ratio of ``gamma``.

    Parameters
    ----------
    x : ndarray, shape (n,)
        Series (already validated: finite, not constant).
    maxlag : int
        Largest lag (validated, >= 0).
    ntrend, autolag : int
        Codes, see the module docstring.

    Returns
    -------
    stat : float
        ADF t statistic at the chosen lag.
    usedlag : int
        Number of lagged differences in the final regression.
    nobs : int
        Observations of the final regression.
    icbest : float
        Best information criterion (``aic``/``bic``), the |t| of the deciding lag
        (``t-stat``), NaN without lag search.
    """
    n = x.shape[0]
    icbest = np.nan
    usedlag = maxlag
    if autolag != 0:
        bestlag, icbest, ok = _search_cholesky(x, maxlag, ntrend, autolag)
        if not ok:
            bestlag, icbest = _search_householder(x, maxlag, ntrend, autolag)
        usedlag = bestlag
        trim = bestlag
    else:
        trim = maxlag
    a = _adf_design(x, usedlag, trim, ntrend, True)
    m = a.shape[1]
    q = ntrend + 1 + usedlag
    rdiag = householder_qr(a, q)
    s = 0.0
    for i in range(q, m):
        s += a[q, i] * a[q, i]
    stat = _last_tstat(a, rdiag, q, s, m)
    return stat, usedlag, n - 1 - trim, icbest


@kernel
def _trend_design(x, ntrend):
    """Transposed design ``[x, 1, t, t^2][: 1 + ntrend]`` of the cointegrating regression
    (statsmodels' column order, trend 1..n)."""
    n = x.shape[0]
    d = np.empty((1 + ntrend, n))
    for i in range(n):
        d[0, i] = x[i]
        tt = i + 1.0
        if ntrend >= 1:
            d[1, i] = 1.0
        if ntrend >= 2:
            d[2, i] = tt
        if ntrend >= 3:
            d[3, i] = tt * tt
    return d


@kernel
def _ar1_half_life(s):
    """Half-life, in rows, of the AR(1) fitted by OLS of ``ds[t] = a + b s[t-1]``:
    ``phi = 1 + b``, ``-ln 2 / ln phi`` if ``0 < phi < 1``, inf if ``phi >= 1``, NaN if
    ``phi <= 0``."""
    n = s.shape[0]
    m = n - 1
    mx = 0.0
    my = 0.0
    for i in range(m):
        mx += s[i]
        my += s[i + 1] - s[i]
    mx /= m
    my /= m
    sxy = 0.0
    sxx = 0.0
    for i in range(m):
        dx = s[i] - mx
        sxy += dx * (s[i + 1] - s[i] - my)
        sxx += dx * dx
    phi = 1.0 + sxy / sxx
    if phi >= 1.0:
        return np.inf
    if phi <= 0.0:
        return np.nan
    return -math.log(2.0) / math.log(phi)


COLLINEAR_R2 = 1.0 - 100.0 * math.sqrt(np.finfo(np.float64).eps)
"""R-squared above which statsmodels' ``coint`` declares y and x collinear (statistic -inf)."""


@kernel
def eg_core(y, x, ntrend, maxlag, autolag):
    """Engle-Granger two-step test of ``y`` on ``x`` (statsmodels ``coint``, method "aeg").

    Step 1: OLS ``y = beta x + deterministic + u``. Step 2: ADF without deterministic terms on
    the residuals ``u`` (``maxlag < 0`` means the default for ``len(u)``). If the step-1
    R-squared (centred when a constant is present) is at least :data:`COLLINEAR_R2` the
    statistic is -inf, as in statsmodels.

    Returns
    -------
    stat, usedlag, hedge_ratio, intercept, half_life
        ``intercept`` is 0 for ``ntrend == 0``; ``half_life`` is that of the AR(1) fitted to the
        residual spread (:func:`_ar1_half_life`); when collinear ``usedlag`` is 0 and
        ``half_life`` NaN (the residuals are rounding noise).
    """
    n = y.shape[0]
    design = _trend_design(x, ntrend)
    coef, resid = ols_t(design, y)
    ssr = 0.0
    for i in range(n):
        ssr += resid[i] * resid[i]
    tss = 0.0
    if ntrend == 0:
        for i in range(n):
            tss += y[i] * y[i]
    else:
        my = 0.0
        for i in range(n):
            my += y[i]
        my /= n
        for i in range(n):
            tss += (y[i] - my) * (y[i] - my)
    rsq = 1.0 - ssr / tss
    intercept = coef[1] if ntrend >= 1 else 0.0
    # np.int64(0), not the literal 0: a literal argument would make numba compile a second,
    # literal-specialised copy of the whole ADF kernel tree
    no_trend = np.int64(0)
    if rsq < COLLINEAR_R2:
        ml = default_maxlag(n, no_trend) if maxlag < 0 else maxlag
        stat, usedlag, _, _ = adf_core(resid, ml, no_trend, autolag)
        half_life = _ar1_half_life(resid)
    else:
        stat = -np.inf
        usedlag = 0
        half_life = np.nan
    return stat, usedlag, coef[0], intercept, half_life


@kernel(parallel=True)
def pair_scan_kernel(
    cols, pairs, starts, ntrend, maxlag, autolag, tau_max, tau_min, tau_star, small_p, large_p
):
    """Engle-Granger test on each pair ``(i, j)`` of ``pairs``, with y = column i, x = column j.

    Parameters
    ----------
    cols : ndarray, shape (N, T)
        Series, one per row (contiguous).
    pairs : ndarray of int64, shape (M, 2)
        Column pairs to test.
    starts : ndarray of int, shape (N,)
        First usable row of each series (leading NaNs skipped); a pair uses rows from the later
        of its two starts.
    ntrend, maxlag, autolag : int
        As in :func:`eg_core` (``maxlag < 0``: default for each pair's sample length).
    tau_max, ... , large_p : ndarray
        :func:`mackinnon_tables`.

    Returns
    -------
    stat, pvalue, hedge, intercept, half_life (M,) float64, lags (M,) int64
        In the order of ``pairs``; parallel over pairs (``prange``).
    """
    npairs = pairs.shape[0]
    stat = np.empty(npairs)
    pvalue = np.empty(npairs)
    hedge = np.empty(npairs)
    intercept = np.empty(npairs)
    half_life = np.empty(npairs)
    lags = np.empty(npairs, dtype=np.int64)
    two = np.int64(2)  # number of series for MacKinnon's tables (not a literal, see eg_core)
    for p in numba.prange(npairs):
        i = pairs[p, 0]
        j = pairs[p, 1]
        s0 = max(starts[i], starts[j])
        st, lag, b, c, hl = eg_core(cols[i, s0:], cols[j, s0:], ntrend, maxlag, autolag)
        stat[p] = st
        lags[p] = lag
        hedge[p] = b
        intercept[p] = c
        half_life[p] = hl
        pvalue[p] = mackinnon_p(st, ntrend, two, tau_max, tau_min, tau_star, small_p, large_p)
    return stat, pvalue, hedge, intercept, half_life, lags
