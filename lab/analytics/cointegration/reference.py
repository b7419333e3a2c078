"""ADF, Engle-Granger and Johansen on the reference engine (statsmodels), with the critical
values and the eigenvector sign convention both engines share.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from lab.analytics.cointegration.checks import (
    COLLINEAR_R2,
    check_adf_input,
    check_eg_input,
    check_johansen_input,
)
from lab.analytics.cointegration.results import ADFResult, CointResult, JohansenResult


def sign_columns(vectors: np.ndarray) -> np.ndarray:
    """Flip each column so that its first non-zero entry is positive (Johansen eigenvectors)."""
    out = np.array(vectors, dtype=np.float64, copy=True)
    for j in range(out.shape[1]):
        nz = np.flatnonzero(out[:, j])
        if nz.size and out[nz[0], j] < 0:
            out[:, j] = -out[:, j]
    return out


def crit_values(n_series: int, trend: str, nobs: int) -> np.ndarray:
    """MacKinnon (2010) critical values at 1 %, 5 %, 10 % for ``n_series`` I(1) series.

    NaN where the 2010 tables have no entry (``trend="n"`` with more than one series), as in
    statsmodels ``coint``.
    """
    from statsmodels.tsa.adfvalues import mackinnoncrit

    if trend == "n" and n_series > 1:
        return np.full(3, np.nan)
    return np.asarray(mackinnoncrit(N=n_series, regression=trend, nobs=nobs), dtype=np.float64)


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
