"""Unit-root and cointegration tests on the native engine (numba kernels plus NumPy/LAPACK).

Same signatures and result types as :mod:`lab.analytics.cointegration`. The ADF regression,
its lag search, the Engle-Granger test and the pair scan run in :mod:`lab.kernels.cointegration`
(Householder QR least squares, MacKinnon p-values evaluated in numba from statsmodels'
published coefficient tables); the pair scan is parallel over pairs.

Tolerances against the reference engine (statsmodels): ADF and Engle-Granger statistics and
p-values within 1e-8, identical lags and ``nobs``; critical values, hedge ratios, intercepts
and half-lives within 1e-8 relative; Johansen statistics and eigenvalues within 1e-8 relative,
eigenvectors within 1e-8 of the largest entry (same normalisation and sign convention). For
``regression="ctt"`` statsmodels' own rounding is ~1e-8 (its t^2 regressor is not rescaled),
so the agreement there is 1e-7; the native value is the more accurate one.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from lab.analytics.cointegration.checks import (
    check_adf_input,
    check_eg_input,
    check_johansen_input,
    check_pair_scan_input,
    ntrend_of,
)
from lab.analytics.cointegration.reference import crit_values, sign_columns
from lab.analytics.cointegration.results import (
    ADFResult,
    CointResult,
    JohansenResult,
    PairScanResult,
)
from lab.analytics.cointegration.scan import benjamini_hochberg, rank_pairs
from lab.kernels import cointegration as kern

_AUTOLAG_CODE = {None: 0, "aic": 1, "bic": 2, "t-stat": 3}


@functools.cache
def _tables() -> tuple[np.ndarray, ...]:
    """MacKinnon coefficient tables, read from statsmodels on first use (keeps import light)."""
    return kern.mackinnon_tables()


def _pvalue(stat: float, ntrend: int, n_series: int) -> float:
    return float(kern.mackinnon_p(stat, ntrend, n_series, *_tables()))


def _check_regular(stat: float, what: str) -> None:
    """A NaN statistic means an exactly singular ADF regression: say so instead of returning it."""
    if np.isnan(stat):
        raise ValueError(
            f"the ADF regression of {what} is singular (a deterministic or exactly periodic "
            "series); the test is undefined"
        )


def adf(
    x: Any, maxlag: int | None = None, regression: str = "c", autolag: str | None = "aic"
) -> ADFResult:
    """Augmented Dickey-Fuller test; see :func:`lab.analytics.adf` (numba kernel)."""
    arr, maxlag, regression, autolag = check_adf_input(x, maxlag, regression, autolag)
    ntrend = ntrend_of(regression)
    stat, lags, nobs, icbest = kern.adf_core(arr, maxlag, ntrend, _AUTOLAG_CODE[autolag])
    _check_regular(stat, "x")
    return ADFResult(
        statistic=float(stat),
        pvalue=_pvalue(stat, ntrend, 1),
        lags=int(lags),
        nobs=int(nobs),
        crit_values=crit_values(1, regression, int(nobs)),
        icbest=float(icbest),
        maxlag=maxlag,
    )


def engle_granger(
    y: Any, x: Any, trend: str = "c", maxlag: int | None = None, autolag: str | None = "aic"
) -> CointResult:
    """Engle-Granger two-step test; see :func:`lab.analytics.engle_granger` (numba kernel)."""
    ya, xa, trend, maxlag, autolag = check_eg_input(y, x, trend, maxlag, autolag)
    ntrend = ntrend_of(trend)
    ml = -1 if maxlag is None else int(maxlag)
    stat, lags, hedge, intercept, _ = kern.eg_core(ya, xa, ntrend, ml, _AUTOLAG_CODE[autolag])
    _check_regular(stat, "the residuals of y on x")
    return CointResult(
        statistic=float(stat),
        pvalue=_pvalue(stat, ntrend, 2),
        crit_values=crit_values(2, trend, ya.shape[0] - 1),
        hedge_ratio=float(hedge),
        intercept=float(intercept),
        lags=int(lags),
    )


def pair_scan(
    prices: Any,
    trend: str = "c",
    maxlag: int | None = None,
    autolag: str | None = "aic",
    pairs: Any = None,
) -> PairScanResult:
    """Engle-Granger on all N(N-1)/2 pairs; see :func:`lab.analytics.pair_scan`.

    Runs :func:`lab.kernels.cointegration.pair_scan_kernel`, parallel over pairs (numba
    ``prange``, threads set by ``numba.set_num_threads``).
    """
    arr, starts, symbols, trend, maxlag, autolag, pairs = check_pair_scan_input(
        prices, trend, maxlag, autolag, pairs
    )
    ntrend = ntrend_of(trend)
    cols = np.ascontiguousarray(arr.T)
    ml = -1 if maxlag is None else int(maxlag)
    stat, pval, hedge, icpt, half, lags = kern.pair_scan_kernel(
        cols, pairs, starts, ntrend, ml, _AUTOLAG_CODE[autolag], *_tables()
    )
    for k in np.flatnonzero(np.isnan(stat))[:1]:
        i, j = pairs[k]
        li, lj = (symbols[i], symbols[j]) if symbols else (i, j)
        _check_regular(stat[k], f"the residuals of pair ({li!r}, {lj!r})")
    qval = benjamini_hochberg(pval)
    order = rank_pairs(pval)
    return PairScanResult(
        pairs=pairs[order],
        statistic=stat[order],
        pvalue=pval[order],
        qvalue=qval[order],
        hedge_ratio=hedge[order],
        intercept=icpt[order],
        half_life=half[order],
        lags=lags[order],
        symbols=tuple(symbols),
    )


def _residualise(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Residuals of the least-squares projection of the columns of ``y`` on those of ``x``
    (LAPACK QR; the same projection statsmodels computes with ``pinv``)."""
    if x.size == 0:
        return y
    q, _ = np.linalg.qr(x, mode="reduced")
    return y - q @ (q.T @ y)


def _detrend(y: np.ndarray, order: int) -> np.ndarray:
    if order == -1:
        return y
    return _residualise(y, np.vander(np.linspace(-1, 1, len(y)), order + 1))


def johansen(prices: Any, det_order: int = 0, k_ar_diff: int = 1) -> JohansenResult:
    """Johansen trace and maximum-eigenvalue tests; see :func:`lab.analytics.johansen`.

    The reduced-rank regression of Johansen (1991) in NumPy/LAPACK: concentrate out the lagged
    differences (QR projections), form ``S00, S0k, Skk``, solve ``eig(Skk^-1 Sk0 S00^-1 S0k)``,
    normalise the eigenvectors to ``v' Skk v = 1`` (Cholesky) - the steps of statsmodels
    ``coint_johansen`` - then apply the column sign convention of
    :class:`~lab.analytics.cointegration.JohansenResult`.
    """
    from statsmodels.tsa.vector_ar.vecm import c_sja, c_sjt

    arr, det_order, k = check_johansen_input(prices, det_order, k_ar_diff)
    nobs, neqs = arr.shape
    f = 0 if det_order > -1 else det_order
    endog = _detrend(arr, det_order)
    dx = np.diff(endog, axis=0)
    # lagged differences dx[t-1..t-k], aligned with dx[k:]
    z = np.hstack([dx[k - i : len(dx) - i] for i in range(1, k + 1)]) if k else dx[k:, :0]
    z = _detrend(z, f)
    r0t = _residualise(_detrend(dx[k:], f), z)
    lx = endog[1 : endog.shape[0] - k]
    rkt = _residualise(_detrend(lx, f), z)
    t = rkt.shape[0]
    skk = rkt.T @ rkt / t
    sk0 = rkt.T @ r0t / t
    s00 = r0t.T @ r0t / t
    sig = sk0 @ np.linalg.solve(s00, sk0.T)
    au, du = np.linalg.eig(np.linalg.solve(skk, sig))
    dt = du @ np.linalg.inv(np.linalg.cholesky(du.T @ skk @ du))
    aind = np.argsort(au)[::-1]
    a = au[aind]
    d = dt[:, aind]
    trace = np.array([-t * np.sum(np.log(1.0 - a[i:])) for i in range(neqs)])
    maxeig = -t * np.log(1.0 - a)
    cvt = np.array([c_sjt(neqs - i, det_order) for i in range(neqs)])
    cvm = np.array([c_sja(neqs - i, det_order) for i in range(neqs)])
    return JohansenResult(
        trace_stat=trace,
        trace_crit=cvt,
        max_eig_stat=maxeig,
        max_eig_crit=cvm,
        eigenvalues=a,
        eigenvectors=sign_columns(d),
        nobs=int(nobs - 1 - k),
    )
