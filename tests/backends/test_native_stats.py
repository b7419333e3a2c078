"""Native descriptive statistics equal the reference engine (tolerances of
lab.analytics.stats.native) and are exact where pandas' online variance is not."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.lib.stride_tricks import sliding_window_view

from lab.analytics import stats as ref
from lab.analytics.stats import native as nat
from lab.data import load_sp500, simulate_ou_pair


@pytest.fixture(scope="module")
def prices() -> pd.DataFrame:
    return load_sp500()


@pytest.fixture(scope="module")
def returns(prices) -> pd.DataFrame:
    return np.log(prices.loc["2015":"2022"]).diff().dropna()


def test_correlation_and_covariance(returns):
    corr = nat.correlation(returns)
    np.testing.assert_allclose(corr, ref.correlation(returns), rtol=0, atol=1e-12)
    np.testing.assert_array_equal(corr, corr.T)
    cov = ref.covariance(returns)
    np.testing.assert_array_equal(nat.covariance(returns), nat.covariance(returns).T)
    np.testing.assert_allclose(nat.covariance(returns), cov, rtol=0, atol=1e-12 * np.abs(cov).max())
    x = np.random.default_rng(0).standard_normal((1000, 50)) * 3 + 7
    np.testing.assert_allclose(nat.correlation(x), ref.correlation(x), rtol=0, atol=1e-12)
    const = np.column_stack([np.arange(10.0), np.ones(10)])
    np.testing.assert_array_equal(
        np.isnan(nat.correlation(const)), np.isnan(ref.correlation(const))
    )


def _rel(a, b):
    assert np.array_equal(np.isnan(a), np.isnan(b))
    ok = ~np.isnan(b)
    return np.max(np.abs(a[ok] - b[ok]) / np.maximum(np.abs(b[ok]), 1e-300))


@pytest.mark.parametrize("window", [2, 5, 20, 60, 250])
def test_rolling_stats_equal_reference_on_returns_and_spreads(returns, window):
    _, _, spread = simulate_ou_pair(3000, kappa=10.0, theta=0.5, sigma=1.0, beta=1.0, seed=1)
    for x in (returns.to_numpy(), spread):
        got, want = nat.rolling_stats(x, window), ref.rolling_stats(x, window)
        scale = np.nanmax(want.std)
        np.testing.assert_allclose(got.mean, want.mean, rtol=1e-10, atol=1e-10 * scale)
        assert _rel(got.std, want.std) < 1e-10
        np.testing.assert_allclose(got.zscore, want.zscore, rtol=0, atol=1e-8)


@pytest.mark.parametrize("window", [2, 5, 60])
def test_rolling_stats_exact_on_price_levels(prices, window):
    """On levels pandas' online variance drifts (~1e-7); native stays at the exact value."""
    x = np.log(prices.to_numpy()[:, [0, 5, 15]])
    got = nat.rolling_stats(x, window)
    want_ref = ref.rolling_stats(x, window)
    for j in range(x.shape[1]):
        win = sliding_window_view(x[:, j], window)
        mean = win.mean(axis=1)
        std = np.where(win.max(axis=1) == win.min(axis=1), 0.0, win.std(axis=1, ddof=1))
        np.testing.assert_allclose(
            got.mean[window - 1 :, j], mean, rtol=0, atol=1e-13 * np.abs(x).max()
        )
        np.testing.assert_allclose(got.std[window - 1 :, j], std, rtol=1e-11, atol=0)
    # equal windows (repeated closes) give std 0 in both engines, hence NaN z-scores
    np.testing.assert_array_equal(got.std == 0, want_ref.std == 0)
    np.testing.assert_array_equal(np.isnan(got.zscore), np.isnan(want_ref.zscore))


def test_rolling_stats_shapes_and_no_look_ahead(returns):
    x = returns["PG"].to_numpy()
    one = nat.rolling_stats(x, 10)
    assert (
        one.mean.shape == x.shape
        and np.isnan(one.mean[:9]).all()
        and not np.isnan(one.mean[9:]).any()
    )
    bumped = x.copy()
    bumped[501:] *= 100.0
    two = nat.rolling_stats(bumped, 10)
    np.testing.assert_array_equal(two.std[:501], one.std[:501])
    np.testing.assert_array_equal(two.zscore[:501], one.zscore[:501])


@pytest.mark.parametrize("k", [1, 3, 10])
def test_pca_equals_reference(returns, k):
    got, want = nat.pca(returns, k), ref.pca(returns, k)
    np.testing.assert_allclose(got.explained_variance, want.explained_variance, rtol=1e-10)
    np.testing.assert_allclose(
        got.explained_variance_ratio, want.explained_variance_ratio, rtol=1e-10
    )
    np.testing.assert_allclose(got.components, want.components, rtol=0, atol=1e-8)
    np.testing.assert_allclose(
        got.scores, want.scores, rtol=0, atol=1e-8 * np.abs(want.scores).max()
    )


def test_pca_wide_matrix_equals_reference():
    x = np.random.default_rng(4).standard_normal((8, 12))
    got, want = nat.pca(x, 5), ref.pca(x, 5)
    np.testing.assert_allclose(got.explained_variance, want.explained_variance, rtol=1e-10)
    np.testing.assert_allclose(got.components, want.components, atol=1e-8)


def test_hurst_equals_reference(returns):
    logp = returns.cumsum().to_numpy()
    for j in range(0, 20, 4):
        for max_lag in (3, 20, 100):
            got, want = nat.hurst(logp[:, j], max_lag), ref.hurst(logp[:, j], max_lag)
            np.testing.assert_array_equal(got.lags, want.lags)
            np.testing.assert_allclose(got.scale, want.scale, rtol=1e-12)
            assert got.exponent == pytest.approx(want.exponent, abs=1e-10)
            assert got.stderr == pytest.approx(want.stderr, rel=1e-8)


@pytest.mark.parametrize(
    "name, args",
    [
        ("correlation", (np.ones(5),)),
        ("covariance", (np.array([[1.0, np.nan], [2.0, 3.0]]),)),
        ("rolling_stats", (np.arange(10.0), 1)),
        ("rolling_stats", (np.r_[1.0, np.inf, 2.0], 2)),
        ("pca", (np.random.default_rng(0).random((10, 3)), 4)),
        ("hurst", (np.cumsum(np.ones(200)),)),
        ("hurst", (np.random.default_rng(0).random(50), 60)),
    ],
)
def test_bad_input_same_error_as_reference(name, args):
    with pytest.raises(ValueError) as want:
        getattr(ref, name)(*args)
    with pytest.raises(ValueError) as got:
        getattr(nat, name)(*args)
    assert str(got.value) == str(want.value)
