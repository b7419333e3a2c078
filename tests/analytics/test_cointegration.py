"""Reference cointegration analytics against statsmodels, on the real data and on simulations."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest
from statsmodels.regression.linear_model import OLS
from statsmodels.stats.multitest import multipletests
from statsmodels.tools.sm_exceptions import CollinearityWarning
from statsmodels.tsa.stattools import adfuller, coint
from statsmodels.tsa.vector_ar.vecm import coint_johansen

from lab.analytics import cointegration as ca
from lab.data import simulate_ou_pair
from tests.analytics._helpers import SERIES, check_adf

TOL = 1e-10  # the reference calls statsmodels itself: agreement is to rounding


@pytest.fixture(scope="module")
def scan(logp):
    return ca.pair_scan(logp)


# --------------------------------------------------------------------------------------------
# ADF
# --------------------------------------------------------------------------------------------


def _check_adf(res: ca.ADFResult, x, **kwargs):
    check_adf(res, x, TOL, 1e-12, **kwargs)


def test_adf_each_stock_log_price(logp):
    for sym in logp.columns:
        x = logp[sym].to_numpy()
        _check_adf(ca.adf(x), x, autolag="AIC", regression="c")


@pytest.mark.parametrize("regression", ["c", "ct", "ctt", "n"])
@pytest.mark.parametrize("autolag", ["aic", "bic", "t-stat", None])
def test_adf_options(logp, regression, autolag):
    x = logp["JPM"].to_numpy()
    res = ca.adf(x, regression=regression, autolag=autolag)
    _check_adf(res, x, regression=regression, autolag=autolag)
    assert res.maxlag == int(np.ceil(12 * (len(x) / 100) ** 0.25))


def test_adf_explicit_maxlag_and_pandas_input(logp):
    x = logp["KO"]
    res = ca.adf(x, maxlag=5, autolag=None)
    _check_adf(res, x.to_numpy(), maxlag=5, autolag=None)
    assert res.lags == 5 and res.maxlag == 5


@pytest.mark.parametrize("seed", range(3))
def test_adf_simulated_stationary_and_unit_root(seed):
    _, x, spread = simulate_ou_pair(1000, kappa=20.0, theta=0.5, sigma=1.0, beta=1.0, seed=seed)
    stationary = ca.adf(spread)
    _check_adf(stationary, spread)
    assert stationary.pvalue < 0.01
    walk = ca.adf(np.log(x))
    _check_adf(walk, np.log(x))
    assert walk.pvalue > stationary.pvalue


# --------------------------------------------------------------------------------------------
# Engle-Granger and the pair scan
# --------------------------------------------------------------------------------------------


def test_pair_scan_equals_coint_on_all_190_pairs(scan, coint_190, logp):
    assert len(scan.pairs) == 190 and len(coint_190) == 190
    for k, (i, j) in enumerate(scan.pairs):
        stat, pval, crit = coint_190[(int(i), int(j))]
        assert abs(scan.statistic[k] - stat) <= TOL
        assert abs(scan.pvalue[k] - pval) <= TOL
    # critical values depend only on nobs: compare one engle_granger call
    i, j = scan.pairs[0]
    eg = ca.engle_granger(logp.iloc[:, i], logp.iloc[:, j])
    np.testing.assert_allclose(eg.crit_values, coint_190[(i, j)][2], rtol=1e-12)
    assert eg.statistic == scan.statistic[0] and eg.lags == scan.lags[0]


def test_pair_scan_lags_hedge_and_half_life(scan, logp):
    """Lags are the lag statsmodels' adfuller picks on the OLS residuals; hedge ratio and
    intercept are the OLS of y on [1, x]; half-life from the AR(1) of the residuals."""
    a = logp.to_numpy()
    for k in range(0, 190, 19):  # ten pairs spread over the ranking
        i, j = scan.pairs[k]
        slope, icpt = np.polyfit(a[:, j], a[:, i], 1)
        assert scan.hedge_ratio[k] == pytest.approx(slope, rel=1e-9)
        assert scan.intercept[k] == pytest.approx(icpt, rel=1e-9, abs=1e-12)
        resid = a[:, i] - scan.intercept[k] - scan.hedge_ratio[k] * a[:, j]
        sm = adfuller(resid, regression="n", autolag="AIC", result_object=True)
        assert scan.lags[k] == sm.lags
        assert abs(scan.statistic[k] - sm.statistic) < 1e-8
        b = (
            OLS(np.diff(resid), np.column_stack([np.ones(len(resid) - 1), resid[:-1]]))
            .fit()
            .params[1]
        )
        assert scan.half_life[k] == pytest.approx(np.log(2) / -np.log1p(b), rel=1e-8)


def test_pair_scan_ranking_and_qvalues(scan, logp):
    assert scan.symbols == tuple(logp.columns)
    assert np.all(np.diff(scan.pvalue) >= 0)
    assert (scan.pairs[:, 0] < scan.pairs[:, 1]).all()
    assert {tuple(p) for p in scan.pairs} == set(itertools.combinations(range(20), 2))
    np.testing.assert_allclose(
        scan.qvalue, multipletests(scan.pvalue, method="fdr_bh")[1], rtol=1e-14
    )
    assert (scan.qvalue >= scan.pvalue).all()


def test_pair_scan_stable_ties_and_collinear_pairs():
    _, x, _ = simulate_ou_pair(300, kappa=5.0, theta=0.0, sigma=1.0, beta=1.0, seed=0)
    noise = np.random.default_rng(0).standard_normal(300).cumsum() + 50
    prices = np.column_stack([x, 2 * x, noise, 3 * x + 1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CollinearityWarning)
        res = ca.pair_scan(prices)
    assert res.symbols == ()
    # the three collinear pairs tie at p = 0 and keep lexicographic order
    np.testing.assert_array_equal(res.pairs[:3], [[0, 1], [0, 3], [1, 3]])
    assert (res.pvalue[:3] == 0).all() and np.isneginf(res.statistic[:3]).all()
    assert np.isnan(res.half_life[:3]).all() and (res.lags[:3] == 0).all()


def test_pair_scan_leading_nan_uses_overlap(logp):
    frame = logp.iloc[:600, :3].copy()
    frame.iloc[:100, 1] = np.nan  # second symbol listed later
    res = ca.pair_scan(frame)
    k = next(n for n, p in enumerate(res.pairs) if tuple(p) == (0, 1))
    expected = coint(frame.iloc[100:, 0].to_numpy(), frame.iloc[100:, 1].to_numpy())
    assert abs(res.statistic[k] - expected[0]) <= TOL
    k2 = next(n for n, p in enumerate(res.pairs) if tuple(p) == (0, 2))
    assert abs(res.statistic[k2] - coint(frame.iloc[:, 0], frame.iloc[:, 2])[0]) <= TOL


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("trend", ["c", "ct"])
def test_engle_granger_simulated(seed, trend):
    y, x, _ = simulate_ou_pair(1200, kappa=30.0, theta=0.2, sigma=8.0, beta=1.5, seed=seed)
    res = ca.engle_granger(y, x, trend=trend)
    sm = coint(y, x, trend=trend)
    assert abs(res.statistic - sm[0]) <= TOL and abs(res.pvalue - sm[1]) <= TOL
    np.testing.assert_allclose(res.crit_values, sm[2], rtol=1e-12)
    assert res.pvalue < 0.01 and abs(res.hedge_ratio - 1.5) < 0.05


@pytest.mark.parametrize(
    "kwargs",
    [
        {"trend": "ctt"},
        {"trend": "n"},
        {"autolag": "bic"},
        {"autolag": "t-stat"},
        {"autolag": None, "maxlag": 3},
        {"maxlag": 2},
    ],
)
def test_engle_granger_options(logp, kwargs):
    y, x = logp["PEP"].to_numpy(), logp["KO"].to_numpy()
    res = ca.engle_granger(y, x, **kwargs)
    sm = coint(y, x, **kwargs)
    assert abs(res.statistic - sm[0]) <= TOL and abs(res.pvalue - sm[1]) <= TOL
    np.testing.assert_allclose(res.crit_values, sm[2], rtol=1e-12)
    if kwargs.get("trend") == "n":
        assert res.intercept == 0.0 and np.isnan(res.crit_values).all()
    if kwargs.get("autolag", "aic") is None:
        assert res.lags == kwargs["maxlag"]


def test_engle_granger_collinear():
    x = np.linspace(1.0, 2.0, 200) + np.sin(np.arange(200))
    with pytest.warns(CollinearityWarning):
        res = ca.engle_granger(2.0 * x + 1.0, x)
    assert np.isneginf(res.statistic) and res.pvalue == 0.0
    assert res.hedge_ratio == pytest.approx(2.0) and res.intercept == pytest.approx(1.0)


# --------------------------------------------------------------------------------------------
# Johansen
# --------------------------------------------------------------------------------------------


def _check_johansen(res: ca.JohansenResult, arr, det_order, k):
    """Equal to statsmodels up to BLAS rounding (which varies with memory alignment)."""
    sm = coint_johansen(arr, det_order, k)
    np.testing.assert_allclose(res.trace_stat, sm.lr1, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(res.max_eig_stat, sm.lr2, rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(res.trace_crit, sm.cvt)
    np.testing.assert_array_equal(res.max_eig_crit, sm.cvm)
    np.testing.assert_allclose(res.eigenvalues, sm.eig, rtol=1e-9, atol=1e-15)
    # statsmodels' column signs other than the first are LAPACK's; ours: first entry positive
    assert (res.eigenvectors[0] > 0).all()
    signed = sm.evec * np.sign(sm.evec[0])
    np.testing.assert_allclose(
        res.eigenvectors, signed, rtol=1e-9, atol=1e-9 * np.abs(sm.evec).max()
    )
    np.testing.assert_allclose(res.eigenvectors[:, 0], sm.evec[:, 0], rtol=1e-9)


def test_johansen_all_190_pairs(logp):
    a = logp.to_numpy()
    for i, j in itertools.combinations(range(20), 2):
        _check_johansen(ca.johansen(a[:, [i, j]]), a[:, [i, j]], 0, 1)


@pytest.mark.parametrize("det_order, k", [(-1, 0), (0, 0), (1, 1), (0, 3), (-1, 2)])
@pytest.mark.parametrize("cols", [["PEP", "KO"], ["XOM", "CVX", "BAC", "JPM", "WMT"]])
def test_johansen_options_and_baskets(logp, det_order, k, cols):
    arr = logp[cols].to_numpy()
    res = ca.johansen(logp[cols], det_order=det_order, k_ar_diff=k)
    _check_johansen(res, arr, det_order, k)
    assert res.nobs == len(arr) - 1 - k
    assert res.trace_stat.shape == (len(cols),) and res.trace_crit.shape == (len(cols), 3)


def test_johansen_twelve_stocks_and_simulated(logp):
    arr = logp.iloc[:, :12].to_numpy()
    _check_johansen(ca.johansen(arr), arr, 0, 1)
    y, x, _ = simulate_ou_pair(1000, kappa=40.0, theta=0.0, sigma=5.0, beta=0.8, seed=7)
    sim = np.column_stack([y, x])
    res = ca.johansen(sim)
    _check_johansen(res, sim, 0, 1)
    assert res.trace_stat[0] > res.trace_crit[0, 2]  # no cointegration rejected at 99 %


# --------------------------------------------------------------------------------------------
# bad input
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, match",
    [
        (
            lambda: ca.adf(np.r_[SERIES[:50], np.nan, SERIES[51:]]),
            "x contains NaN or inf .*position 50",
        ),
        (lambda: ca.adf(np.r_[SERIES[:5], np.inf, SERIES[6:]]), "x contains NaN or inf"),
        (lambda: ca.adf(SERIES.reshape(60, 2)), r"x must be a 1-D series, got shape \(60, 2\)"),
        (lambda: ca.adf(np.ones(100)), "x is constant"),
        (lambda: ca.adf(np.arange(100.0)), "x is a straight line"),
        (lambda: ca.adf([1.0, 2.0]), "x needs at least 3 observations"),
        (lambda: ca.adf(["a", "b", "c"]), "x must be numeric"),
        (lambda: ca.adf(SERIES, regression="cx"), "regression must be one of"),
        (lambda: ca.adf(SERIES, autolag="hqic"), "autolag must be one of"),
        (lambda: ca.adf(SERIES, maxlag=100), "maxlag must be at most nobs // 2 - ntrend - 1 = 58"),
        (lambda: ca.adf(SERIES, maxlag=-1), "maxlag must be >= 0"),
        (lambda: ca.adf(SERIES, maxlag=2.5), "maxlag must be an integer"),
        (lambda: ca.engle_granger(SERIES, SERIES[:-1]), "same length"),
        (lambda: ca.engle_granger(SERIES, np.ones(120)), "x is constant"),
        (lambda: ca.engle_granger(np.ones(120), SERIES), "y is constant"),
        (lambda: ca.engle_granger(SERIES, SERIES, trend="t"), "trend must be one of"),
        (lambda: ca.johansen(SERIES), r"prices must be a 2-D array \(T x N\)"),
        (lambda: ca.johansen(np.column_stack([SERIES] * 13)), "at most 12"),
        (
            lambda: ca.johansen(np.column_stack([SERIES, SERIES[::-1]]), det_order=2),
            "det_order must be between -1 and 1",
        ),
        (
            lambda: ca.johansen(np.column_stack([SERIES, SERIES[::-1]]), k_ar_diff=-1),
            "k_ar_diff must be >= 0",
        ),
        (lambda: ca.johansen(np.column_stack([SERIES, SERIES[::-1]])[:6]), "too few"),
        (lambda: ca.johansen(np.column_stack([SERIES, np.ones(120)])), "column 1 is constant"),
        (lambda: ca.pair_scan(SERIES[:, None]), "at least 2 columns"),
        (
            lambda: ca.pair_scan(
                pd.DataFrame({"A": SERIES, "B": np.r_[SERIES[:9], np.nan, SERIES[10:]]})
            ),
            "column 'B' has a missing value at row 9",
        ),
        (
            lambda: ca.pair_scan(pd.DataFrame({"A": SERIES, "B": np.nan})),
            "column 'B' has no values",
        ),
        (
            lambda: ca.pair_scan(
                pd.DataFrame({"A": SERIES, "B": np.r_[np.nan * SERIES[:118], 1, 2]})
            ),
            "overlap on only 2 rows",
        ),
        (
            lambda: ca.pair_scan(np.column_stack([SERIES, SERIES]), maxlag=80),
            "maxlag must be at most",
        ),
    ],
)
def test_bad_input_raises_clear_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()
