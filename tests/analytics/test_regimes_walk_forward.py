"""hmm_fit(mode="walk_forward"): parameters re-fitted on past data only and filtered forward,
on both engines. The probabilities up to t never depend on data after t (unlike those filtered
given full-sample parameters); each refit equals an independent fit of its training rows; the
refit schedule and the bounds are as documented."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lab.analytics import regimes as reference
from lab.analytics.regimes import MAX_HMM_REFITS, MAX_HMM_WORK, bounds, hmm_fit, native
from lab.data import simulate_regimes
from tests.analytics._helpers import MEANS, STDS, TRANSMAT

ENGINES = {"reference": reference.hmm_fit, "native": native.hmm_fit}
KW = {"n_iter": 25, "mode": "walk_forward", "window": 200, "refit_every": 60}


@pytest.fixture(scope="module")
def obs():
    return simulate_regimes(600, MEANS, STDS, TRANSMAT, seed=5)[0]


@pytest.fixture(scope="module")
def fits(obs):
    return {name: fit(obs, 3, **KW) for name, fit in ENGINES.items()}


def test_filtered_mode_is_unchanged_and_has_no_walk_forward(obs):
    plain = hmm_fit(obs, 2, n_iter=10)
    assert plain.mode == "filtered" and plain.refit_rows.size == 0
    assert plain.walk_forward.shape == plain.filtered.shape and np.isnan(plain.walk_forward).all()
    walked = hmm_fit(obs, 2, n_iter=10, mode="walk_forward", window=200, refit_every=100)
    # the full-sample fit is the same in both modes; only walk_forward is added
    for name in ("means", "covars", "transmat", "filtered", "smoothed", "viterbi"):
        np.testing.assert_array_equal(getattr(walked, name), getattr(plain, name))
    assert walked.mode == "walk_forward"


@pytest.mark.parametrize("engine", ENGINES)
def test_refit_schedule_and_each_refit_is_a_fit_of_its_past_rows(engine, obs, fits):
    res = fits[engine]
    np.testing.assert_array_equal(res.refit_rows, [200, 260, 320, 380, 440, 500, 560])
    assert np.isnan(res.walk_forward[:200]).all() and np.isfinite(res.walk_forward[200:]).all()
    np.testing.assert_allclose(res.walk_forward[200:].sum(axis=1), 1.0, atol=1e-12)
    fit = ENGINES[engine]
    for b in (200, 380, 560):  # rolling: rows b - 200 .. b - 1, filtered forward from b - 200
        a, e = b - 200, min(b + 60, obs.size)
        alone = fit(obs[a:b], 3, n_iter=25)
        forward = fit(obs[a:e], 3, n_iter=0, init=alone.params)
        np.testing.assert_allclose(res.walk_forward[b:e], forward.filtered[b - a :], atol=1e-12)


@pytest.mark.parametrize("engine", ENGINES)
def test_anchored_refits_use_every_earlier_row(engine, obs):
    fit = ENGINES[engine]
    res = fit(obs, 2, n_iter=15, mode="walk_forward", window=250, refit_every=200, anchored=True)
    np.testing.assert_array_equal(res.refit_rows, [250, 450])
    alone = fit(obs[:450], 2, n_iter=15)
    forward = fit(obs, 2, n_iter=0, init=alone.params)
    np.testing.assert_allclose(res.walk_forward[450:], forward.filtered[450:], atol=1e-12)


def test_engines_agree(fits):
    np.testing.assert_array_equal(fits["native"].refit_rows, fits["reference"].refit_rows)
    np.testing.assert_allclose(
        fits["native"].walk_forward, fits["reference"].walk_forward, atol=1e-8, equal_nan=True
    )


@settings(max_examples=12, deadline=None)
@given(
    seed=st.integers(0, 2**31),
    cut=st.integers(0, 299),
    window=st.integers(40, 150),
    refit_every=st.integers(10, 120),
    anchored=st.booleans(),
    engine=st.sampled_from(list(ENGINES)),
)
def test_no_look_ahead_in_walk_forward_probabilities(
    seed, cut, window, refit_every, anchored, engine
):
    """Changing the observations after row t leaves walk_forward[:t + 1] exactly unchanged."""
    rng = np.random.default_rng(seed)
    obs = simulate_regimes(300, MEANS, STDS, TRANSMAT, seed=seed % 997)[0]
    changed = obs.copy()
    changed[cut + 1 :] *= np.exp(rng.normal(0.0, 0.5, 300 - cut - 1))
    kw = dict(n_iter=8, mode="walk_forward", window=window, refit_every=refit_every)
    a = ENGINES[engine](obs, 2, anchored=anchored, **kw)
    try:
        b = ENGINES[engine](changed, 2, anchored=anchored, **kw)
    except ValueError as exc:
        # EM may fail on changed data, but only in a refit that trains on it
        last = int(re.search(r"rows \d+\.\.(\d+):", str(exc)).group(1))
        assert last > cut, str(exc)
        return
    np.testing.assert_array_equal(a.walk_forward[: cut + 1], b.walk_forward[: cut + 1])


def test_full_sample_filtered_probabilities_do_look_ahead_in_their_parameters(obs):
    """The reason for the walk-forward mode: the full-sample filter's past changes with the
    future (through the parameters), the walk-forward one's does not."""
    changed = obs.copy()
    changed[400:] *= 3.0
    a, b = (hmm_fit(o, 2, n_iter=15, mode="walk_forward", window=200, refit_every=100)
            for o in (obs, changed))  # fmt: skip
    assert np.abs(a.filtered[:400] - b.filtered[:400]).max() > 1e-6
    np.testing.assert_array_equal(a.walk_forward[:400], b.walk_forward[:400])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"mode": "causal"}, "mode must be one of"),
        ({"mode": "walk_forward", "window": 1}, "window must be an integer >= 2"),
        ({"mode": "walk_forward", "window": 50.5}, "window must be an integer"),
        ({"mode": "walk_forward", "refit_every": 0}, "refit_every must be an integer >= 1"),
        ({"mode": "walk_forward", "anchored": "yes"}, "anchored must be True or False"),
        ({"mode": "walk_forward", "window": 600}, "window=600 leaves no rows"),
        ({"mode": "walk_forward", "window": 5}, "too short to fit a 3-state HMM"),
    ],
)
def test_bad_walk_forward_arguments_are_clear_errors(obs, kwargs, match):
    with pytest.raises(ValueError, match=match):
        hmm_fit(obs, 3, **kwargs)


def test_the_number_of_refits_is_bounded_before_any_fit():
    obs = np.random.default_rng(1).normal(0, 0.01, MAX_HMM_REFITS + 520)
    with pytest.raises(ValueError, match=f"would refit {MAX_HMM_REFITS + 500:,} times"):
        hmm_fit(obs, 2, n_iter=10, mode="walk_forward", window=20, refit_every=1)


def test_the_work_bound_counts_every_refit(monkeypatch, obs):
    """The bound is checked before any EM: a schedule whose refits exceed it is refused even
    though the full fit alone would be within it."""
    per_row = 10 * 1 * 3**2 * 1
    full = obs.size * per_row
    monkeypatch.setattr(bounds, "MAX_HMM_WORK", full + per_row)  # room for the full fit only
    assert full < MAX_HMM_WORK
    with pytest.raises(ValueError, match="walk-forward training rows"):
        hmm_fit(obs, 3, n_iter=10, mode="walk_forward", window=100, refit_every=100)


def test_a_constant_training_window_is_a_clear_error():
    rng = np.random.default_rng(0)
    obs = np.r_[np.zeros(60), rng.normal(0, 0.01, 200)]
    with pytest.raises(ValueError, match="training rows 0..49 have a constant column"):
        hmm_fit(obs, 2, n_iter=5, mode="walk_forward", window=50, refit_every=50)
