"""Native hmm_fit (numba Baum-Welch): equals the reference (hmmlearn) for the same initial
parameters, agrees with hmmlearn's score/predict_proba/decode, recovers simulated regimes."""

import numpy as np
import pytest

from lab.analytics import regimes as reference
from lab.analytics.regimes import HMMParams, native
from lab.backends import get_backend
from lab.data import simulate_regimes
from tests.analytics._helpers import MEANS, STDS, TRANSMAT, hmmlearn_model


@pytest.fixture(scope="module")
def data():
    return simulate_regimes(2000, MEANS, STDS, TRANSMAT, seed=21)


@pytest.fixture(scope="module")
def fits(data):
    return native.hmm_fit(data[0], 3, seed=0), reference.hmm_fit(data[0], 3, seed=0)


def test_native_equals_reference_for_the_same_seed(fits):
    nat, ref = fits
    assert nat.loglik == pytest.approx(ref.loglik, rel=1e-10)
    assert nat.n_iter == ref.n_iter and nat.converged == ref.converged
    for name in ("means", "covars", "transmat", "startprob"):
        np.testing.assert_allclose(getattr(nat, name), getattr(ref, name), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(nat.filtered, ref.filtered, atol=1e-8)
    np.testing.assert_allclose(nat.smoothed, ref.smoothed, atol=1e-8)
    np.testing.assert_array_equal(nat.viterbi, ref.viterbi)


def test_native_and_reference_agree_from_given_initial_parameters():
    """Deliberately poor starting values: both engines follow the same EM path."""
    rng = np.random.default_rng(1)
    obs1, _ = simulate_regimes(1200, [-0.01, 0.0, 0.02], [0.02, 0.01, 0.03], TRANSMAT, seed=9)
    obs = np.column_stack([obs1, 0.5 * obs1 + 0.01 * rng.standard_normal(obs1.size)])
    init = HMMParams(
        startprob=np.array([0.2, 0.5, 0.3]),
        transmat=np.array([[0.6, 0.3, 0.1], [0.2, 0.6, 0.2], [0.1, 0.1, 0.8]]),
        means=np.array([[0.0, 0.01], [0.01, 0.0], [-0.01, 0.0]]),
        covars=np.array([[1e-4, 1e-4], [4e-4, 1e-4], [2e-4, 3e-4]]),
    )
    for n_iter in (1, 7, 60):
        nat = native.hmm_fit(obs, 3, n_iter=n_iter, tol=1e-9, init=init)
        ref = reference.hmm_fit(obs, 3, n_iter=n_iter, tol=1e-9, init=init)
        assert nat.loglik == pytest.approx(ref.loglik, rel=1e-10)
        assert nat.n_iter == ref.n_iter
        np.testing.assert_allclose(nat.means, ref.means, rtol=1e-6, atol=1e-12)
        np.testing.assert_allclose(nat.covars, ref.covars, rtol=1e-6)
        np.testing.assert_allclose(nat.transmat, ref.transmat, atol=1e-7)


def test_hmmlearn_score_posteriors_and_decode_match_the_native_fit(fits, data):
    nat, _ = fits
    obs = data[0][:, None]
    model = hmmlearn_model(nat)
    assert model.score(obs) == pytest.approx(nat.loglik, rel=1e-8)
    np.testing.assert_allclose(model.predict_proba(obs), nat.smoothed, atol=1e-8)
    np.testing.assert_array_equal(model.decode(obs, algorithm="viterbi")[1], nat.viterbi)


def test_native_filtered_is_causal(fits, data):
    nat, _ = fits
    obs = data[0]
    # the most ambiguous time in the middle of the sample: there the future matters most
    t = 500 + int(np.argmin(nat.filtered[500:1500].max(axis=1)))
    changed = obs.copy()
    changed[t + 1 :] = -obs[t + 1 :] + 1.0
    a = native.hmm_fit(obs, 3, n_iter=0, init=nat.params)
    b = native.hmm_fit(changed, 3, n_iter=0, init=nat.params)
    np.testing.assert_array_equal(a.filtered[: t + 1], b.filtered[: t + 1])
    assert np.abs(a.filtered[t + 1 :] - b.filtered[t + 1 :]).max() > 0.1
    assert np.abs(a.smoothed[t] - b.smoothed[t]).max() > 1e-3
    model = hmmlearn_model(nat)
    np.testing.assert_allclose(
        a.filtered[t], model.predict_proba(obs[: t + 1, None])[-1], atol=1e-10
    )


def test_native_fit_recovers_the_simulated_means(fits, data):
    nat, _ = fits
    np.testing.assert_allclose(nat.means[:, 0], MEANS, atol=0.1)
    np.testing.assert_allclose(np.sqrt(nat.covars[:, 0]), STDS, rtol=0.15)
    assert np.mean(nat.viterbi == data[1]) > 0.9


def test_native_restarts_match_reference_restarts(data):
    obs = data[0][:600]
    nat = native.hmm_fit(obs, 2, n_iter=40, seed=3, n_init=3)
    ref = reference.hmm_fit(obs, 2, n_iter=40, seed=3, n_init=3)
    assert nat.loglik == pytest.approx(ref.loglik, rel=1e-9)
    np.testing.assert_allclose(nat.means, ref.means, rtol=1e-6)


def test_outliers_do_not_underflow(data):
    obs = data[0].copy()
    obs[100] = 400.0  # hundreds of standard deviations from every state
    res = native.hmm_fit(obs, 3, n_iter=20)
    assert np.isfinite(res.loglik)
    assert np.all(np.isfinite(res.filtered)) and np.all(np.isfinite(res.smoothed))
    ref = reference.hmm_fit(obs, 3, n_iter=20)
    assert res.loglik == pytest.approx(ref.loglik, rel=1e-9)


def test_backend_method_runs_native(data):
    backend = get_backend("native")
    res = backend.hmm_fit(data[0][:500], 2, n_iter=10)
    assert backend.last_engine == "native"
    np.testing.assert_array_equal(res.viterbi, native.hmm_fit(data[0][:500], 2, n_iter=10).viterbi)


@pytest.mark.parametrize(
    ("obs", "kwargs", "match"),
    [
        (np.r_[np.nan, np.ones(99)], {}, "obs contains NaN"),
        (np.arange(100.0), {"n_states": 0}, "n_states must be an integer >= 1"),
        (np.arange(10.0), {}, "too few observations"),
        (np.ones(100), {}, "constant column"),
    ],
)
def test_native_bad_input_is_the_reference_error(obs, kwargs, match):
    args = {"n_states": 3, **kwargs}
    with pytest.raises(ValueError, match=match):
        native.hmm_fit(obs, **args)


def test_native_degenerate_cases_are_clear_errors():
    x = np.random.default_rng(0).standard_normal(300)
    far = HMMParams(
        np.array([0.5, 0.5]),
        np.array([[0.9, 0.1], [0.1, 0.9]]),
        np.array([[0.0], [1e4]]),
        np.array([[1.0], [1.0]]),
    )
    with pytest.raises(
        ValueError, match="EM failed from every start: a state lost all probability"
    ):
        native.hmm_fit(x, 2, init=far)
    impossible = HMMParams(
        far.startprob * [2, 0], np.array([[0.0, 1.0], [0.0, 1.0]]), far.means, far.covars
    )
    with pytest.raises(ValueError, match="the HMM parameters give obs zero likelihood"):
        native.hmm_fit(x, 2, n_iter=0, init=impossible)
