"""lab.data.simulate_regimes: a Gaussian HMM sampler with known parameters."""

import numpy as np
import pytest

from lab.data import simulate_regimes

MEANS = np.array([-1.0, 0.5, 2.0])
STDS = np.array([0.5, 0.3, 0.8])
TRANSMAT = np.array([[0.95, 0.04, 0.01], [0.03, 0.94, 0.03], [0.02, 0.08, 0.90]])


def stationary(transmat):
    w, v = np.linalg.eig(transmat.T)
    pi = np.real(v[:, np.argmin(np.abs(w - 1.0))])
    return pi / pi.sum()


@pytest.fixture(scope="module")
def sample():
    return simulate_regimes(60_000, MEANS, STDS, TRANSMAT, seed=11)


def test_shapes_types_and_seed(sample):
    obs, states = sample
    assert obs.shape == states.shape == (60_000,)
    assert obs.dtype == float and np.issubdtype(states.dtype, np.integer)
    assert set(np.unique(states)) == {0, 1, 2}
    again = simulate_regimes(60_000, MEANS, STDS, TRANSMAT, seed=11)
    np.testing.assert_array_equal(again[0], obs)
    np.testing.assert_array_equal(again[1], states)
    other = simulate_regimes(60_000, MEANS, STDS, TRANSMAT, seed=12)
    assert not np.array_equal(other[1], states)


def test_transition_frequencies_match_transmat(sample):
    _, s = sample
    counts = np.zeros((3, 3))
    np.add.at(counts, (s[:-1], s[1:]), 1.0)
    n_from = counts.sum(axis=1, keepdims=True)
    freq = counts / n_from
    se = np.sqrt(TRANSMAT * (1 - TRANSMAT) / n_from)
    assert np.all(np.abs(freq - TRANSMAT) < 5 * se + 1e-12)


def test_state_occupancy_is_stationary(sample):
    _, s = sample
    pi = stationary(TRANSMAT)
    occupancy = np.bincount(s, minlength=3) / s.size
    # states are autocorrelated: allow a generous multiple of the iid standard error
    assert np.all(np.abs(occupancy - pi) < 0.03)


def test_emissions_have_the_state_means_and_stds(sample):
    obs, s = sample
    for k in range(3):
        x = obs[s == k]
        assert abs(x.mean() - MEANS[k]) < 5 * STDS[k] / np.sqrt(x.size)
        assert abs(x.std(ddof=1) / STDS[k] - 1.0) < 5 / np.sqrt(2 * x.size)


def test_single_state_is_iid_normal():
    obs, s = simulate_regimes(5000, [0.3], [2.0], [[1.0]], seed=1)
    assert np.all(s == 0)
    assert abs(obs.mean() - 0.3) < 5 * 2.0 / np.sqrt(5000)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n": 0}, "n must be a positive integer"),
        ({"means": 0.5}, "means and stds must have shape"),
        ({"stds": [0.5, 0.3]}, "means and stds must have shape"),
        ({"transmat": np.eye(2)}, "means and stds must have shape"),
        ({"stds": [0.5, -0.3, 0.8]}, "stds must be positive"),
        ({"means": [np.nan, 0.5, 2.0]}, "means must be finite"),
        ({"transmat": TRANSMAT * 1.1}, "transmat must be non-negative with rows summing to 1"),
        ({"transmat": np.full((3, 3), np.nan)}, "transmat must be non-negative"),
    ],
)
def test_bad_input_is_a_clear_error(kwargs, match):
    args = {"n": 100, "means": MEANS, "stds": STDS, "transmat": TRANSMAT, **kwargs}
    with pytest.raises(ValueError, match=match):
        simulate_regimes(**args)
