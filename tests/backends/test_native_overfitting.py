"""Native overfitting statistics and the sweep's per-cell Sharpe statistics equal the
reference engine's."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lab import analytics as reference
from lab.backends import native
from tests.analytics._helpers import ou_pair


def _returns(seed, t, k=1):
    rng = np.random.default_rng(seed)
    draws = rng.standard_t(5, (t, k)) * 0.01 + rng.normal(0, 0.002, (1, k))
    return draws[:, 0] if k == 1 else draws


@given(seed=st.integers(0, 10**6), t=st.integers(3, 400))
def test_sharpe_statistics_equal_the_reference(seed, t):
    r = _returns(seed, t)
    assert native.sharpe_se(r) == pytest.approx(reference.sharpe_se(r), rel=1e-12)
    for benchmark in (0.0, 0.05):
        assert native.probabilistic_sharpe(r, benchmark) == pytest.approx(
            reference.probabilistic_sharpe(r, benchmark), abs=1e-12
        )
    assert native.deflated_sharpe(r, 40, 0.01) == pytest.approx(
        reference.deflated_sharpe(r, 40, 0.01), abs=1e-12
    )


@given(seed=st.integers(0, 10**6), t=st.integers(16, 300), k=st.integers(2, 12))
def test_pbo_equals_the_reference(seed, t, k):
    m = _returns(seed, t, k)
    want, got = reference.pbo(m, n_splits=8), native.pbo(m, n_splits=8)
    assert got.pbo == want.pbo
    np.testing.assert_array_equal(got.selected, want.selected)
    np.testing.assert_allclose(got.logits, want.logits, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(got.sharpe_in, want.sharpe_in, rtol=1e-10)
    np.testing.assert_allclose(got.sharpe_out, want.sharpe_out, rtol=1e-10)


def test_constant_trials_are_ranked_on_both_engines():
    m = _returns(3, 64, 4)
    m[:, 1] = 0.0  # never traded
    want, got = reference.pbo(m, n_splits=4), native.pbo(m, n_splits=4)
    assert got.pbo == want.pbo and np.all(np.isfinite(got.logits))
    np.testing.assert_allclose(got.logits, want.logits, rtol=1e-10)


def test_errors_are_the_reference_messages():
    for module in (native, reference):
        with pytest.raises(ValueError, match="n_splits must be even"):
            module.pbo(np.zeros((40, 3)), n_splits=6 + 1)
        with pytest.raises(ValueError, match="n_trials"):
            module.deflated_sharpe([0.1, 0.0, 0.2], -1, 0.1)
        assert math.isnan(module.sharpe_se(np.ones(10)))


@pytest.mark.parametrize(("hedge", "sample"), [("static", "out"), ("rolling", "in")])
def test_sweep_cell_statistics_equal_the_reference(hedge, sample):
    y, x = ou_pair(700, seed=5)
    params = reference.PairParams(hedge=hedge)
    grid = {"lookback": [20, 35, 50], "entry_z": [1.0, 1.5, 2.5]}
    want = reference.sweep(y, x, grid, params=params, sample=sample)
    got = native.sweep(y, x, grid, params=params, sample=sample)
    for name in ("cell_sharpe", "cell_skew", "cell_kurtosis"):
        np.testing.assert_allclose(getattr(got, name), getattr(want, name), rtol=1e-9, err_msg=name)
    assert got.n_obs == want.n_obs and got.n_trials == want.n_trials == 9
    assert got.best_cell == want.best_cell
    assert got.best_dsr == pytest.approx(want.best_dsr, abs=1e-9)
