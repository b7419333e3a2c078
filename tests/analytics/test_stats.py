"""Reference descriptive statistics against independent computations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.lib.stride_tricks import sliding_window_view

from lab.analytics import stats as st
from lab.data import load_sp500, simulate_ou_pair


@pytest.fixture(scope="module")
def returns() -> pd.DataFrame:
    return np.log(load_sp500().loc["2015":"2022"]).diff().dropna()


def exact_rolling(x: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Two-pass mean and ddof=1 std of every trailing window (NaN-padded)."""
    win = sliding_window_view(x, window)
    pad = np.full(window - 1, np.nan)
    return np.r_[pad, win.mean(axis=1)], np.r_[pad, win.std(axis=1, ddof=1)]


def test_correlation_and_covariance_equal_pandas(returns):
    np.testing.assert_allclose(
        st.correlation(returns), returns.corr().to_numpy(), rtol=0, atol=1e-12
    )
    np.testing.assert_allclose(st.covariance(returns), returns.cov().to_numpy(), rtol=1e-12)
    corr = st.correlation(returns.to_numpy())
    np.testing.assert_allclose(np.diag(corr), 1.0, atol=1e-15)
    np.testing.assert_array_equal(corr, corr.T)
    assert st.covariance(returns.iloc[:, :1]).shape == (1, 1)


def test_correlation_constant_column_is_nan():
    x = np.column_stack([np.arange(10.0), np.ones(10), np.arange(10.0) ** 2])
    corr = st.correlation(x)
    assert np.isnan(corr[1]).all() and np.isnan(corr[:, 1]).all()
    assert corr[0, 2] == pytest.approx(np.corrcoef(x[:, 0], x[:, 2])[0, 1])


@pytest.mark.parametrize("window", [2, 5, 20, 60])
def test_rolling_stats_equal_exact_windows(returns, window):
    x = returns["JPM"].to_numpy()
    res = st.rolling_stats(x, window)
    mean, std = exact_rolling(x, window)
    assert np.isnan(res.mean[: window - 1]).all() and np.isnan(res.std[: window - 1]).all()
    np.testing.assert_allclose(res.mean, mean, rtol=0, atol=1e-10 * np.nanmax(std))
    np.testing.assert_allclose(res.std, std, rtol=1e-10)
    np.testing.assert_allclose(res.zscore, (x - mean) / std, rtol=1e-8, atol=1e-10)


def test_rolling_stats_matrix_is_column_wise(returns):
    x = returns.iloc[:, :4]
    res = st.rolling_stats(x, 30)
    assert res.mean.shape == x.shape
    for j in range(4):
        col = st.rolling_stats(x.iloc[:, j], 30)
        np.testing.assert_array_equal(res.std[:, j], col.std)
        np.testing.assert_array_equal(res.zscore[:, j], col.zscore)


def test_rolling_stats_no_look_ahead(returns):
    x = returns["KO"].to_numpy().copy()
    base = st.rolling_stats(x, 20)
    for t in (19, 100, 1000):
        bumped = x.copy()
        bumped[t + 1 :] = 50.0 * np.random.default_rng(t).standard_normal(len(x) - t - 1)
        res = st.rolling_stats(bumped, 20)
        for field in ("mean", "std", "zscore"):
            np.testing.assert_array_equal(
                getattr(res, field)[: t + 1], getattr(base, field)[: t + 1]
            )


def test_rolling_constant_window_has_zero_std_and_nan_zscore():
    x = np.r_[np.full(10, 4.845), np.linspace(1, 2, 10)]
    res = st.rolling_stats(x, 3)
    assert (res.std[2:10] == 0.0).all() and np.isnan(res.zscore[2:10]).all()
    assert (res.std[11:] > 0).all() and np.isfinite(res.zscore[11:]).all()


@pytest.mark.parametrize("k", [1, 3, 20])
def test_pca_equals_svd(returns, k):
    res = st.pca(returns, n_components=k)
    x = returns.to_numpy()
    xc = x - x.mean(axis=0)
    _, s, vt = np.linalg.svd(xc, full_matrices=False)
    vt = vt[:k] * np.sign(vt[np.arange(k), np.argmax(np.abs(vt[:k]), axis=1)])[:, None]
    np.testing.assert_allclose(res.components, vt, atol=1e-10)
    np.testing.assert_allclose(res.explained_variance, s[:k] ** 2 / (len(x) - 1), rtol=1e-10)
    np.testing.assert_allclose(res.explained_variance_ratio, s[:k] ** 2 / np.sum(s**2), rtol=1e-10)
    np.testing.assert_allclose(res.scores, xc @ vt.T, atol=1e-12)
    np.testing.assert_allclose(res.components @ res.components.T, np.eye(k), atol=1e-12)
    # sign convention: the largest-magnitude loading of each component is positive
    idx = np.argmax(np.abs(res.components), axis=1)
    assert (res.components[np.arange(k), idx] > 0).all()
    if k == 20:
        assert res.explained_variance_ratio.sum() == pytest.approx(1.0)


def test_hurst_equals_log_log_fit_and_known_processes():
    rng = np.random.default_rng(0)
    walk = np.cumsum(rng.standard_normal(20_000))
    res = st.hurst(walk, max_lag=50)
    np.testing.assert_array_equal(res.lags, np.arange(2, 51))
    scale = np.array([np.std(walk[k:] - walk[:-k]) for k in res.lags])
    np.testing.assert_allclose(res.scale, scale, rtol=1e-14)
    slope, intercept = np.polyfit(np.log(res.lags), np.log(scale), 1)
    assert res.exponent == pytest.approx(slope, rel=1e-12)
    assert res.intercept == pytest.approx(intercept, rel=1e-10)
    assert abs(res.exponent - 0.5) < 0.05 and res.r_squared > 0.99
    _, _, spread = simulate_ou_pair(20_000, kappa=50.0, theta=0.0, sigma=1.0, beta=1.0, seed=0)
    assert st.hurst(spread).exponent < 0.35
    # persistent: positively autocorrelated increments (AR(1), phi = 0.95) give H > 0.5
    inc = np.zeros(20_000)
    shocks = rng.standard_normal(20_000)
    for t in range(1, inc.size):
        inc[t] = 0.95 * inc[t - 1] + shocks[t]
    assert st.hurst(np.cumsum(inc), max_lag=20).exponent > 0.8
    # a deterministic drift is removed with the mean of the differences: still a random walk
    assert (
        abs(st.hurst(walk + 0.3 * np.arange(walk.size), max_lag=50).exponent - res.exponent) < 1e-9
    )


@pytest.mark.parametrize(
    "call, match",
    [
        (
            lambda: st.correlation(np.ones(5)),
            r"returns must be a 2-D array \(T x N\), got shape \(5,\)",
        ),
        (lambda: st.covariance(np.ones((1, 3))), "returns needs at least 2 rows"),
        (lambda: st.covariance(np.array([[1.0, np.nan], [2.0, 3.0]])), "column 1 at row 0"),
        (
            lambda: st.correlation(pd.DataFrame({"A": [1.0, 2.0, 3.0], "B": [1.0, np.inf, 2.0]})),
            "column 'B' at row 1",
        ),
        (lambda: st.covariance([["a", "b"], ["c", "d"]]), "returns must be numeric"),
        (lambda: st.rolling_stats(np.arange(10.0), 1), "window must be between 2 and 10"),
        (lambda: st.rolling_stats(np.arange(10.0), 11), "window must be between 2 and 10"),
        (lambda: st.rolling_stats(np.arange(10.0), 3.0), "window must be an integer"),
        (lambda: st.rolling_stats(np.ones((2, 2, 2)), 2), "1-D series or a 2-D"),
        (lambda: st.rolling_stats(np.r_[1.0, np.nan, 2.0], 2), "x contains NaN"),
        (
            lambda: st.pca(np.ones((10, 3)) + np.arange(3), n_components=4),
            "n_components must be between 1 and 3",
        ),
        (
            lambda: st.pca(np.random.default_rng(0).random((10, 3)), n_components=0),
            "n_components must be between 1 and 3",
        ),
        (lambda: st.hurst(np.arange(4.0)), "at least 5 observations"),
        (lambda: st.hurst(np.cumsum(np.ones(200) * 2.0)), "zero variance of lag-2 differences"),
        (
            lambda: st.hurst(np.random.default_rng(0).random(50), max_lag=49),
            "max_lag must be between 3 and 48",
        ),
        (lambda: st.hurst(np.random.default_rng(0).random((50, 2))), "x must be a 1-D series"),
    ],
)
def test_bad_input_raises_clear_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()
