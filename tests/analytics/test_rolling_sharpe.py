"""The rolling Sharpe ratio (lab/analytics/backtest/rolling.py) against pandas' rolling mean and
standard deviation, with its NaN conventions."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from lab.analytics.backtest.rolling import SHARPE_WINDOW, annualised_sharpe, rolling_sharpe


@pytest.mark.parametrize("window", [2, 21, SHARPE_WINDOW])
def test_equals_pandas_rolling_mean_over_std_times_sqrt_252(window):
    r = np.random.default_rng(7).normal(3e-4, 0.01, 700)
    s = pd.Series(r)
    expected = (s.rolling(window).mean() / s.rolling(window).std() * math.sqrt(252)).to_numpy()
    got = rolling_sharpe(r, window)
    assert got.shape == r.shape
    assert np.isnan(got[: window - 1]).all() and np.isfinite(got[window - 1 :]).all()
    np.testing.assert_allclose(got[window - 1 :], expected[window - 1 :], rtol=1e-9, atol=1e-12)


def test_default_window_is_a_quarter():
    assert SHARPE_WINDOW == 63
    r = np.random.default_rng(1).normal(0, 0.01, 200)
    np.testing.assert_array_equal(rolling_sharpe(r), rolling_sharpe(r, 63))


def test_a_window_without_variation_is_nan_not_inf():
    rng = np.random.default_rng(3)
    r = np.concatenate(
        [rng.normal(0, 0.01, 80), np.zeros(100), np.full(50, 0.002), rng.normal(0, 0.01, 80)]
    )
    w = 20
    got = rolling_sharpe(r, w)
    assert not np.isinf(got).any()
    flat_zero = np.arange(80 + w - 1, 180)  # windows wholly inside the zero block
    flat_const = np.arange(180 + w - 1, 230)  # windows of equal non-zero returns
    assert np.isnan(got[flat_zero]).all() and np.isnan(got[flat_const]).all()
    s = pd.Series(r)
    expected = s.rolling(w).mean() / s.rolling(w).std() * math.sqrt(252)
    live = np.arange(230 + w - 1, len(r))
    np.testing.assert_allclose(got[live], expected.to_numpy()[live], rtol=1e-9)


def test_a_window_longer_than_the_series_is_all_nan():
    assert np.isnan(rolling_sharpe(np.random.default_rng(0).normal(0, 0.01, 30), 63)).all()


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="window must be >= 2"):
        rolling_sharpe(np.zeros(10), 1)
    with pytest.raises(ValueError, match="returns"):
        rolling_sharpe([0.01, float("nan"), 0.02], 2)


def test_annualised_sharpe_zero_std_is_nan():
    out = annualised_sharpe([0.001, 0.0, 0.002], [0.0, 0.0, 0.01])
    assert np.isnan(out[:2]).all() and out[2] == pytest.approx(0.2 * math.sqrt(252))
