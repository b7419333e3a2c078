"""Reference hmm_fit (hmmlearn): likelihood and posteriors agree with hmmlearn for the returned
parameters, filtered probabilities are causal, restarts and errors behave."""

import numpy as np
import pytest

from lab.analytics.regimes import HMMParams, hmm_fit, hmm_initial_params
from lab.data import simulate_regimes
from tests.analytics._helpers import MEANS, STDS, TRANSMAT, hmmlearn_model


@pytest.fixture(scope="module")
def data():
    obs, states = simulate_regimes(1500, MEANS, STDS, TRANSMAT, seed=3)
    return obs, states


@pytest.fixture(scope="module")
def fit(data):
    return hmm_fit(data[0], 3, seed=0)


def test_result_shapes_and_state_order(fit, data):
    t = data[0].size
    assert fit.means.shape == fit.covars.shape == (3, 1)
    assert fit.transmat.shape == (3, 3) and fit.startprob.shape == (3,)
    assert fit.filtered.shape == fit.smoothed.shape == (t, 3)
    assert fit.viterbi.shape == (t,) and fit.viterbi.dtype == np.int64
    assert np.all(np.diff(fit.means[:, 0]) > 0)
    np.testing.assert_allclose(fit.transmat.sum(axis=1), 1.0, atol=1e-12)
    np.testing.assert_allclose(fit.filtered.sum(axis=1), 1.0, atol=1e-12)
    assert 1 <= fit.n_iter <= 100 and fit.n_init == 1
    assert fit.converged == (fit.n_iter < 100)


def test_hmmlearn_score_and_posteriors_match(fit, data):
    obs = data[0][:, None]
    model = hmmlearn_model(fit)
    assert model.score(obs) == pytest.approx(fit.loglik, rel=1e-8)
    np.testing.assert_allclose(model.predict_proba(obs), fit.smoothed, atol=1e-8)
    np.testing.assert_array_equal(model.predict(obs), fit.viterbi)
    k, d = fit.means.shape
    n_params = (k - 1) + k * (k - 1) + 2 * k * d
    assert fit.bic == pytest.approx(-2 * fit.loglik + n_params * np.log(obs.shape[0]))


def test_filtered_is_the_last_smoothed_probability_of_each_prefix(fit, data):
    """P(s[t] | obs[0..t]) is hmmlearn's predict_proba on the prefix, at its last row."""
    obs = data[0][:, None]
    model = hmmlearn_model(fit)
    for t in (0, 1, 17, 400, 999):
        np.testing.assert_allclose(
            fit.filtered[t], model.predict_proba(obs[: t + 1])[-1], atol=1e-10
        )


def test_filtered_has_no_look_ahead_but_smoothed_has(fit, data):
    obs = data[0]
    t = 700
    changed = obs.copy()
    changed[t + 1 :] = np.random.default_rng(5).normal(3.0, 1.0, obs.size - t - 1)
    a = hmm_fit(obs, 3, n_iter=0, init=fit.params)
    b = hmm_fit(changed, 3, n_iter=0, init=fit.params)
    np.testing.assert_array_equal(a.filtered[: t + 1], b.filtered[: t + 1])
    assert np.abs(a.filtered[t + 1 :] - b.filtered[t + 1 :]).max() > 0.1
    assert np.abs(a.smoothed[t - 5 : t + 1] - b.smoothed[t - 5 : t + 1]).max() > 1e-6


def test_recovers_the_simulated_regimes(fit, data):
    _, states = data
    np.testing.assert_allclose(fit.means[:, 0], MEANS, atol=0.1)
    np.testing.assert_allclose(np.sqrt(fit.covars[:, 0]), STDS, rtol=0.15)
    np.testing.assert_allclose(np.diag(fit.transmat), np.diag(TRANSMAT), atol=0.05)
    assert np.mean(fit.viterbi == states) > 0.9


def test_evaluating_given_parameters_with_n_iter_zero(fit, data):
    again = hmm_fit(data[0], 3, n_iter=0, init=fit.params)
    assert again.n_iter == 0 and not again.converged
    assert again.loglik == pytest.approx(fit.loglik, rel=1e-12)
    np.testing.assert_array_equal(again.means, fit.means)


def test_more_restarts_never_lower_the_likelihood(data):
    one = hmm_fit(data[0], 3, n_iter=30, seed=4, n_init=1)
    three = hmm_fit(data[0], 3, n_iter=30, seed=4, n_init=3)
    assert three.n_init == 3
    assert three.loglik >= one.loglik - 1e-9 * abs(one.loglik)


def test_multicolumn_observations():
    rng = np.random.default_rng(0)
    obs1, states = simulate_regimes(
        800, [-1.0, 1.5], [0.4, 0.6], [[0.95, 0.05], [0.05, 0.95]], seed=8
    )
    second = np.where(states == 0, 2.0, -1.0) + 0.5 * rng.standard_normal(obs1.size)
    obs = np.column_stack([obs1, second])
    res = hmm_fit(obs, 2, seed=1)
    assert res.means.shape == res.covars.shape == (2, 2)
    np.testing.assert_allclose(res.means, [[-1.0, 2.0], [1.5, -1.0]], atol=0.15)
    model = hmmlearn_model(res)
    assert model.score(obs) == pytest.approx(res.loglik, rel=1e-8)
    np.testing.assert_allclose(model.predict_proba(obs), res.smoothed, atol=1e-8)


def test_initial_parameters_are_deterministic_and_vary_by_restart(data):
    z = (data[0] - data[0].mean()) / data[0].std()
    a = hmm_initial_params(z, 3, seed=2, restart=0)
    b = hmm_initial_params(z, 3, seed=2, restart=0)
    c = hmm_initial_params(z, 3, seed=2, restart=1)
    for name in ("startprob", "transmat", "means", "covars"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert not np.array_equal(a.transmat, c.transmat)
    np.testing.assert_allclose(a.transmat.sum(axis=1), 1.0)
    assert np.all(np.diag(a.transmat) >= 0.9)


def test_pandas_series_is_accepted(data):
    import pandas as pd

    obs = data[0][:300]
    res = hmm_fit(pd.Series(obs), 2, n_iter=20)
    ref = hmm_fit(obs, 2, n_iter=20)
    np.testing.assert_array_equal(res.smoothed, ref.smoothed)


@pytest.mark.parametrize(
    ("obs", "kwargs", "match"),
    [
        (np.r_[np.nan, np.ones(99)], {}, "obs contains NaN"),
        (np.r_[np.inf, np.arange(99.0)], {}, "obs contains NaN or infinite"),
        (np.arange(100.0), {"n_states": 0}, "n_states must be an integer >= 1"),
        (np.arange(100.0), {"n_states": 2.5}, "n_states must be an integer"),
        (np.arange(10.0), {}, "too few observations"),
        (np.ones(100), {}, "constant column"),
        (np.arange(100.0), {"n_init": 0}, "n_init must be an integer >= 1"),
        (np.arange(100.0), {"n_iter": -1}, "n_iter must be an integer >= 0"),
        (np.arange(100.0), {"tol": float("nan")}, "tol must not be NaN"),
        (np.arange(100.0), {"n_iter": 0}, "n_iter=0 evaluates given parameters"),
        (np.zeros((10, 10, 2)), {}, "obs must be 1-D or 2-D"),
        (["a", "b"], {}, "obs must be a numeric"),
    ],
)
def test_bad_input_is_a_clear_error(obs, kwargs, match):
    args = {"n_states": 3, **kwargs}
    with pytest.raises(ValueError, match=match):
        hmm_fit(obs, **args)


def test_bad_init_is_a_clear_error(fit, data):
    p = fit.params
    with pytest.raises(ValueError, match="n_init must be 1 when init is given"):
        hmm_fit(data[0], 3, init=p, n_init=2)
    with pytest.raises(ValueError, match="init must hold"):
        hmm_fit(data[0], 2, init=p)
    bad = HMMParams(p.startprob, p.transmat * 2, p.means, p.covars)
    with pytest.raises(
        ValueError, match="init.transmat must be non-negative with rows summing to 1"
    ):
        hmm_fit(data[0], 3, init=bad)
    with pytest.raises(ValueError, match="init must be an HMMParams"):
        hmm_fit(data[0], 3, init={"means": p.means})


def test_a_degenerate_start_is_a_clear_error_not_nan():
    x = np.random.default_rng(0).standard_normal(300)
    far = HMMParams(
        np.array([0.5, 0.5]),
        np.array([[0.9, 0.1], [0.1, 0.9]]),
        np.array([[0.0], [1e4]]),  # the second state never gets any probability
        np.array([[1.0], [1.0]]),
    )
    with pytest.raises(
        ValueError, match="EM failed from every start: a state lost all probability"
    ):
        hmm_fit(x, 2, init=far)


def test_filtered_survives_extreme_outliers_in_log_space():
    x = np.random.default_rng(0).standard_normal(50)
    p = HMMParams(
        np.array([1.0, 0.0]),
        np.array([[0.0, 1.0], [0.0, 1.0]]),  # forced into state 1 after t = 0
        np.array([[0.0], [1e4]]),
        np.array([[1.0], [1.0]]),
    )
    res = hmm_fit(x, 2, n_iter=0, init=p)
    np.testing.assert_array_equal(res.filtered[1:], np.tile([0.0, 1.0], (49, 1)))
    assert res.loglik == pytest.approx(hmmlearn_model(res).score(x[:, None]), rel=1e-12)
