"""lab.data.synthetic: known-parameter generators."""

from __future__ import annotations

import numpy as np
import pytest

from lab.data import simulate_ou_pair, simulate_regimes


def test_ou_pair_structure_and_reproducibility():
    y, x, spread = simulate_ou_pair(500, kappa=10.0, theta=2.0, sigma=1.0, beta=1.3, seed=4)
    assert y.shape == x.shape == spread.shape == (500,)
    np.testing.assert_allclose(y, 1.3 * x + spread, rtol=0, atol=1e-12)
    assert (x > 0).all() and x[0] == 100.0
    y2, x2, s2 = simulate_ou_pair(500, kappa=10.0, theta=2.0, sigma=1.0, beta=1.3, seed=4)
    np.testing.assert_array_equal(spread, s2)
    _, _, s3 = simulate_ou_pair(500, kappa=10.0, theta=2.0, sigma=1.0, beta=1.3, seed=5)
    assert not np.array_equal(spread, s3)


def test_ou_spread_has_exact_ar1_law():
    """Exact discretisation: S[t+1] - theta - a (S[t] - theta) ~ N(0, sigma^2 (1 - a^2) / (2 kappa))."""
    kappa, theta, sigma, dt = 20.0, -1.0, 0.8, 1 / 252
    _, _, s = simulate_ou_pair(200_000, kappa, theta, sigma, beta=1.0, dt=dt, seed=1)
    a = np.exp(-kappa * dt)
    innov = s[1:] - theta - a * (s[:-1] - theta)
    sd = sigma * np.sqrt((1 - a * a) / (2 * kappa))
    n = innov.size
    assert abs(innov.mean()) < 5 * sd / np.sqrt(n)
    assert abs(innov.std() / sd - 1) < 5 / np.sqrt(2 * n)
    # OLS AR(1) coefficient recovers exp(-kappa dt)
    phi = np.polyfit(s[:-1], s[1:], 1)[0]
    assert abs(phi - a) < 5 * np.sqrt((1 - a * a) / n)
    assert abs(s.mean() - theta) < 5 * sigma / np.sqrt(2 * kappa) * np.sqrt((1 + a) / (1 - a) / n)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n": 1}, "n must be an integer"),
        ({"kappa": 0.0}, "kappa must be a positive"),
        ({"sigma": -1.0}, "sigma must be a positive"),
        ({"beta": np.nan}, "theta and beta must be finite"),
    ],
)
def test_ou_pair_bad_input(kwargs, match):
    args = {"n": 100, "kappa": 5.0, "theta": 0.0, "sigma": 1.0, "beta": 1.0} | kwargs
    with pytest.raises(ValueError, match=match):
        simulate_ou_pair(**args)


def test_regimes_follow_transition_matrix():
    trans = np.array([[0.95, 0.05], [0.10, 0.90]])
    obs, states = simulate_regimes(50_000, [0.0, 3.0], [1.0, 0.5], trans, seed=2)
    assert obs.shape == states.shape == (50_000,)
    counts = np.zeros((2, 2))
    np.add.at(counts, (states[:-1], states[1:]), 1)
    np.testing.assert_allclose(counts / counts.sum(axis=1, keepdims=True), trans, atol=0.01)
    assert abs(obs[states == 1].mean() - 3.0) < 0.02
    assert abs(obs[states == 0].std() - 1.0) < 0.02
    np.testing.assert_array_equal(
        simulate_regimes(100, [0, 1], [1, 1], trans, seed=2)[1], states[:100]
    )


@pytest.mark.parametrize(
    "args, match",
    [
        (([0.0, 1.0], [1.0, 0.0], [[0.5, 0.5], [0.5, 0.5]]), "stds must be positive"),
        (([0.0, 1.0], [1.0, 1.0], [[0.5, 0.6], [0.5, 0.5]]), "rows summing to 1"),
        (([0.0, 1.0], [1.0], [[0.5, 0.5], [0.5, 0.5]]), "must have shape"),
    ],
)
def test_regimes_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        simulate_regimes(10, *args)
