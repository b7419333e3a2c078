"""Result types of the cointegration analytics (both engines return these)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


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
