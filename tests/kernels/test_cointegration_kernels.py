"""lab.kernels.cointegration / lab.kernels._linalg building blocks."""

from __future__ import annotations

import numpy as np
import pytest
from statsmodels.regression.linear_model import OLS
from statsmodels.tsa.adfvalues import mackinnonp

from lab.data import load_sp500
from lab.kernels import _linalg
from lab.kernels import cointegration as kc


@pytest.fixture(scope="module")
def logp() -> np.ndarray:
    return np.ascontiguousarray(np.log(load_sp500().loc["2015":"2022"]).to_numpy().T)


def test_householder_ols_equals_lstsq():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((200, 4)) * [1.0, 1e3, 1e-3, 50.0] + [0.0, 5.0, 0.0, 100.0]
    y = x @ [0.5, -1.0, 3.0, 0.01] + rng.standard_normal(200)
    coef, resid = _linalg.ols_t(np.ascontiguousarray(x.T), y)
    want = np.linalg.lstsq(x, y, rcond=None)[0]
    np.testing.assert_allclose(coef, want, rtol=1e-10)
    np.testing.assert_allclose(resid, y - x @ want, atol=1e-10)


def test_nested_ssr_and_last_tstat_from_one_qr():
    """SSR of every leading-column sub-model and its last t-ratio come from one factorisation."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal((300, 5))
    y = x[:, :3] @ [1.0, 0.5, -0.2] + rng.standard_normal(300)
    a = np.vstack([x.T, y])
    rdiag = _linalg.householder_qr(a, 5)
    for q in range(1, 6):
        fit = OLS(y, x[:, :q]).fit()
        ssr = np.sum(a[5, q:] ** 2)
        assert ssr == pytest.approx(fit.ssr, rel=1e-12)
        assert kc._last_tstat(a, rdiag, q, ssr, 300) == pytest.approx(fit.tvalues[-1], rel=1e-10)


@pytest.mark.parametrize("ntrend", [0, 1, 2, 3])
@pytest.mark.parametrize("autolag", [1, 2, 3])
def test_cholesky_search_equals_householder_search(logp, ntrend, autolag):
    """The O(m p) Toeplitz/Cholesky lag search picks the same lag as the Householder one."""
    for x in logp[::4]:
        maxlag = kc.default_maxlag(x.shape[0], ntrend)
        lag_c, ic_c, ok = kc._search_cholesky(x, maxlag, ntrend, autolag)
        lag_h, ic_h = kc._search_householder(x, maxlag, ntrend, autolag)
        assert ok and lag_c == lag_h
        assert ic_c == pytest.approx(ic_h, rel=1e-10)


def test_mackinnon_p_equals_statsmodels():
    tables = kc.mackinnon_tables()
    stats = np.r_[-30.0, -20.0, np.linspace(-8, 4, 241), 10.0, -np.inf]
    for ntrend, reg in enumerate(kc.REGRESSIONS):
        for n_series in range(1, 7):
            for s in stats:
                want = mackinnonp(s, regression=reg, N=n_series)
                got = kc.mackinnon_p(s, ntrend, n_series, *tables)
                assert got == pytest.approx(want, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("nobs", [4, 10, 60, 100, 2012, 8313])
@pytest.mark.parametrize("ntrend", [0, 1, 3])
def test_default_maxlag(nobs, ntrend):
    expected = min(int(np.ceil(12 * (nobs / 100) ** 0.25)), nobs // 2 - ntrend - 1)
    assert kc.default_maxlag(nobs, ntrend) == expected


def test_ar1_half_life():
    rng = np.random.default_rng(2)
    phi = 0.9
    s = np.zeros(50_000)
    for t in range(1, s.size):
        s[t] = 0.3 + phi * s[t - 1] + rng.standard_normal()
    assert kc._ar1_half_life(s) == pytest.approx(np.log(2) / -np.log(phi), rel=0.05)
    walk_away = np.cumprod(np.full(100, 1.01))  # explosive: phi > 1
    assert kc._ar1_half_life(walk_away) == np.inf
    alternating = np.array([1.0, -1.0] * 50) + 0.01 * rng.standard_normal(100)  # phi < 0
    assert np.isnan(kc._ar1_half_life(alternating))
