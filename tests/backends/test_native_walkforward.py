"""Native walk-forward equals the reference engine and is causal."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lab import analytics as reference
from lab.analytics import PairParams
from lab.backends import native
from lab.testing.strategies import execution_params
from tests.analytics._helpers import ou_pair
from tests.analytics.test_walkforward import GRID, assert_walk_forward_causal


@pytest.mark.parametrize(
    ("params", "anchored", "metric"),
    [
        (PairParams(), False, "sharpe"),
        (PairParams(hedge="rolling", stop_z=3.0), True, "total_return"),
        (PairParams(exit_z=-0.2, cost_bps=0.0), False, "calmar"),
    ],
)
def test_walk_forward_equals_the_reference(params, anchored, metric):
    y, x = ou_pair(1100, seed=6)
    kwargs = dict(grid=GRID, train=300, test=170, anchored=anchored, metric=metric)
    want = reference.walk_forward(y, x, params, **kwargs)
    got = native.walk_forward(y, x, params, **kwargs)
    for name in ("rows", "fold", "train_start", "test_start", "test_stop", "lookback", "entry_z"):
        np.testing.assert_array_equal(getattr(got, name), getattr(want, name), name)
    for name in ("returns", "equity", "positions", "zscore", "hedge_ratio", "train_metric",
                 "fold_hedge", "trial_returns"):  # fmt: skip
        np.testing.assert_allclose(getattr(got, name), getattr(want, name), rtol=1e-10,
                                   atol=1e-12, err_msg=name)  # fmt: skip
    for key, value in want.metrics.items():
        assert got.metrics[key] == pytest.approx(value, rel=1e-9, abs=1e-12, nan_ok=True), key


@given(
    seed=st.integers(0, 10**6),
    cut=st.one_of(st.floats(0.0, 1.0), st.integers(0, 5)),
    scale=st.floats(0.001, 0.2),
    hedge=st.sampled_from(["static", "rolling"]),
    anchored=st.booleans(),
    options=execution_params(),
)
def test_native_walk_forward_is_causal(seed, cut, scale, hedge, anchored, options):
    assert_walk_forward_causal(native.walk_forward, seed, cut, scale, hedge, anchored, options)
