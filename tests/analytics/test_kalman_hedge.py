"""The Kalman-filter hedge ratio (hedge="kalman"): equal to statsmodels' state-space Kalman
filter on the same model within 1e-8 on both engines, filtered (causal) and traded."""

from __future__ import annotations

import numpy as np
import pytest
from statsmodels.tsa.statespace.mlemodel import MLEModel

from lab.analytics import PairParams
from lab.analytics import backtest as reference
from lab.analytics.backtest import KALMAN_P0, kalman_hedge, native
from lab.data import load_sp500
from lab.kernels.backtest import kalman_hedge_kernel
from tests.analytics._helpers import assert_no_look_ahead, ou_pair


def statsmodels_filter(y, x, q_alpha, q_beta, r):
    """The same model in statsmodels: time-varying design (1, x[t]), random-walk state."""
    model = MLEModel(np.asarray(y, dtype=float), k_states=2)
    model["design"] = np.vstack([np.ones(len(x)), x])[None, :, :]
    model["transition"] = np.eye(2)
    model["selection"] = np.eye(2)
    model["state_cov"] = np.diag([q_alpha, q_beta])
    model["obs_cov"] = np.array([[r]])
    model.ssm.initialize_known(np.zeros(2), np.eye(2) * KALMAN_P0)
    return model.filter([]).filtered_state


CASES = {
    "ou_pair": lambda: ou_pair(1500, seed=3),
    "KO-PEP 2015-2022": lambda: tuple(
        load_sp500().loc["2015":"2022", sym].to_numpy() for sym in ("KO", "PEP")
    ),
}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize(("q_alpha", "q_beta", "r"), [(1e-4, 1e-6, 1.0), (1e-2, 1e-4, 0.3)])
def test_filter_equals_statsmodels_on_both_engines(case, q_alpha, q_beta, r):
    y, x = CASES[case]()
    want = statsmodels_filter(y, x, q_alpha, q_beta, r)
    for alpha, beta in (
        kalman_hedge(y, x, q_alpha, q_beta, r),
        kalman_hedge_kernel(y, x, q_alpha, q_beta, r, KALMAN_P0),
    ):
        np.testing.assert_allclose(alpha, want[0], rtol=0, atol=1e-8)
        np.testing.assert_allclose(beta, want[1], rtol=0, atol=1e-8)


@pytest.mark.parametrize("engine", [reference, native])
def test_backtest_trades_the_filtered_slope(engine):
    y, x = ou_pair(1200, seed=4)
    p = PairParams(hedge="kalman", lookback=30, entry_z=1.2, kalman_q_beta=1e-5)
    res = engine.backtest_pairs(y, x, p)
    np.testing.assert_allclose(
        res.hedge_ratio, statsmodels_filter(y, x, 1e-4, 1e-5, 1.0)[1], rtol=0, atol=1e-8
    )
    assert res.trades.entry.size > 10
    entries = res.trades.entry
    np.testing.assert_allclose(
        res.shares_x[entries], -res.hedge_ratio[entries] * res.shares_y[entries]
    )
    # the z-score uses the spread with the current slope over the trailing window
    t = 500
    s = y[t - 29 : t + 1] - res.hedge_ratio[t] * x[t - 29 : t + 1]
    assert res.zscore[t] == pytest.approx(
        (s[-1] - s.mean()) / s.std(ddof=1), rel=1e-10, abs=0.5e-9 + 1e-12
    )  # nine-decimal grid


def test_native_equals_reference_with_the_kalman_hedge():
    y, x = ou_pair(1500, seed=5)
    p = PairParams(hedge="kalman", lookback=25, entry_z=1.0, stop_z=3.0)
    a, b = reference.backtest_pairs(y, x, p), native.backtest_pairs(y, x, p)
    np.testing.assert_allclose(b.equity, a.equity, rtol=1e-10)
    np.testing.assert_array_equal(b.positions, a.positions)
    grid = {"lookback": [15, 30], "entry_z": [1.0, 2.0]}
    np.testing.assert_allclose(
        native.sweep(y, x, grid, params=p).values,
        reference.sweep(y, x, grid, params=p).values,
        rtol=1e-9,
    )


@pytest.mark.parametrize("engine", [reference, native])
@pytest.mark.parametrize("cut", [0.2, 0.55, 0.9])
def test_kalman_hedge_has_no_look_ahead(engine, cut):
    p = PairParams(hedge="kalman", lookback=20, entry_z=1.0)
    assert_no_look_ahead(engine.backtest_pairs, p, seed=11, cut=cut, scale=0.05)


@pytest.mark.parametrize("name", ["kalman_q_alpha", "kalman_q_beta", "kalman_r"])
def test_noise_parameters_must_be_positive(name):
    with pytest.raises(ValueError, match=f"{name} must be > 0"):
        PairParams(hedge="kalman", **{name: 0.0})
