"""Walk-forward evaluation (reference engine): fold layout, each fold equals a plain backtest
of its rows, the chosen cell is the training optimum, and no decision uses later data."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lab.analytics import PairParams, backtest_pairs, deflated_sharpe, walk_forward
from lab.analytics.overfitting import sharpe_moments
from lab.testing.strategies import execution_params
from tests.analytics._helpers import ou_pair

GRID = {"lookback": [20, 40], "entry_z": [1.0, 1.5, 2.0]}


def test_rolling_and_anchored_folds_tile_the_data():
    y, x = ou_pair(1000, seed=1)
    rolling = walk_forward(y, x, train=300, test=150)
    np.testing.assert_array_equal(rolling.test_start, [300, 450, 600, 750, 900])
    np.testing.assert_array_equal(rolling.test_stop, [450, 600, 750, 900, 1000])
    np.testing.assert_array_equal(rolling.train_start, rolling.test_start - 300)
    np.testing.assert_array_equal(rolling.rows, np.arange(300, 1000))
    anchored = walk_forward(y, x, train=300, test=150, anchored=True)
    np.testing.assert_array_equal(anchored.train_start, 0)
    # a last fold shorter than 2 rows is dropped
    assert walk_forward(y, x, train=300, test=233).test_stop[-1] == 999


@pytest.mark.parametrize("anchored", [False, True])
@pytest.mark.parametrize("hedge", ["static", "rolling"])
def test_each_fold_is_the_backtest_of_its_rows_with_the_training_optimum(anchored, hedge):
    y, x = ou_pair(900, seed=2)
    base = PairParams(hedge=hedge, cost_bps=3.0)
    result = walk_forward(y, x, base, GRID, train=300, test=200, anchored=anchored)
    folds = zip(result.train_start, result.test_start, result.test_stop, strict=True)
    for f, (a, b, e) in enumerate(folds):
        best, best_value = None, -np.inf
        for lookback in GRID["lookback"]:
            for entry_z in GRID["entry_z"]:
                point = dataclasses.replace(base, lookback=lookback, entry_z=entry_z)
                # a fold of (e - a) rows with b - a training rows: the backtest's own split
                fraction = (b - a + 0.5) / (e - a)
                run = backtest_pairs(
                    y[a:e], x[a:e], dataclasses.replace(point, train_fraction=fraction)
                )
                assert run.n_train == b - a
                value = run.metrics.in_sample["sharpe"]
                if np.isfinite(value) and value > best_value:
                    best, best_value = (point, run), value
        point, run = best
        assert (result.lookback[f], result.entry_z[f]) == (point.lookback, point.entry_z)
        assert result.train_metric[f] == best_value
        rows = result.fold == f
        np.testing.assert_array_equal(result.returns[rows], run.returns[b - a :])
        np.testing.assert_array_equal(result.positions[rows], run.positions[b - a :])
        assert result.fold_hedge[f] == run.hedge_ratio[b - a]
        if hedge == "static":  # the hedge of the test rows is the training OLS slope
            slope = np.polyfit(x[a:b], y[a:b], 1)[0]
            np.testing.assert_allclose(result.hedge_ratio[rows], slope, rtol=1e-9)
    np.testing.assert_allclose(result.equity, np.cumprod(1 + result.returns), rtol=1e-14)


def test_metrics_deflate_by_the_grid_size():
    y, x = ou_pair(1000, seed=3)
    result = walk_forward(y, x, grid=GRID, train=300, test=140)
    m = result.metrics
    assert m["n_trials"] == 6 and m["n_folds"] == result.test_start.size
    trial_sr = [sharpe_moments(c)[0] for c in result.trial_returns.T]
    assert m["sr_variance"] == pytest.approx(np.var(trial_sr, ddof=1), rel=1e-12)
    assert m["dsr"] == pytest.approx(
        deflated_sharpe(result.returns, 6, m["sr_variance"]), abs=1e-12
    )
    assert m["dsr"] <= m["psr"]
    assert m["sharpe"] == pytest.approx(m["sharpe_per_period"] * np.sqrt(252), rel=1e-12)
    # every trial is traded in every fold: the chosen cell's returns are one of its columns
    cell = [(lb, ez) for lb in GRID["lookback"] for ez in GRID["entry_z"]]
    for f in range(int(m["n_folds"])):
        rows = result.fold == f
        k = cell.index((result.lookback[f], result.entry_z[f]))
        np.testing.assert_array_equal(result.trial_returns[rows, k], result.returns[rows])
    without_grid = walk_forward(y, x, train=300, test=140)
    assert without_grid.metrics["n_trials"] == 1
    assert without_grid.metrics["dsr"] == without_grid.metrics["psr"]


DECIDED_PER_FOLD = ("lookback", "entry_z", "train_metric")
DECIDED_PER_ROW = ("returns", "positions", "zscore", "hedge_ratio", "equity")


def assert_walk_forward_causal(walk_forward, seed, cut, scale, hedge, anchored, options=None):
    """Changing the prices after row ``c`` changes nothing decided for a fold whose test part
    starts at or before ``c + 1`` (parameters, training metric, and with the static hedge the
    hedge ratio of all its test rows; with the rolling hedge the ratio at the first test row
    when that row is ``<= c``) nor any out-of-sample row ``<= c``. ``cut`` in [0, 1] is a row
    fraction; an integer ``cut`` picks ``c`` just before the start of test fold ``cut``.
    ``options`` are execution fields of the :class:`PairParams` (fill, sizing, rebalancing,
    volatility target, ...)."""
    n = 700
    y, x = ou_pair(n, seed=seed % 1000)
    rng = np.random.default_rng(seed)
    c = int(cut * (n - 2)) if isinstance(cut, float) else 200 + 90 * cut - 1
    y2, x2 = y.copy(), x.copy()
    y2[c + 1 :] *= np.exp(rng.normal(0, scale, n - c - 1))
    x2[c + 1 :] *= np.exp(rng.normal(0, scale, n - c - 1))
    kwargs = dict(grid=GRID, train=200, test=90, anchored=anchored)
    params = PairParams(hedge=hedge, **(options or {}))
    a, b = walk_forward(y, x, params, **kwargs), walk_forward(y2, x2, params, **kwargs)
    folds = a.test_start <= c + 1
    for name in DECIDED_PER_FOLD:
        np.testing.assert_array_equal(getattr(a, name)[folds], getattr(b, name)[folds], name)
    seen = a.test_start <= c
    np.testing.assert_array_equal(a.fold_hedge[seen], b.fold_hedge[seen])
    if hedge == "static":
        fixed = np.isin(a.fold, np.flatnonzero(folds))
        np.testing.assert_array_equal(a.hedge_ratio[fixed], b.hedge_ratio[fixed])
    rows = a.rows <= c
    for name in DECIDED_PER_ROW:
        np.testing.assert_array_equal(getattr(a, name)[rows], getattr(b, name)[rows], name)
    np.testing.assert_array_equal(a.trial_returns[rows], b.trial_returns[rows])


@given(
    seed=st.integers(0, 10**6),
    cut=st.one_of(st.floats(0.0, 1.0), st.integers(0, 5)),
    scale=st.floats(0.001, 0.2),
    hedge=st.sampled_from(["static", "rolling"]),
    anchored=st.booleans(),
    options=execution_params(),
)
def test_no_decision_depends_on_later_data(seed, cut, scale, hedge, anchored, options):
    assert_walk_forward_causal(walk_forward, seed, cut, scale, hedge, anchored, options)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"train": 30}, "train must be >= 62"),
        ({"train": 300.0}, "train must be an integer"),
        ({"test": 1}, "test must be >= 2"),
        ({"metric": "alpha"}, "metric must be one of"),
        ({"anchored": "yes"}, "anchored must be True or False"),
        ({"grid": {"lookback": [20]}}, "grid must be a dict"),
        ({"params": "fast"}, "params must be a PairParams"),
    ],
)
def test_bad_input_is_a_clear_error(kwargs, message):
    y, x = ou_pair(1000, seed=4)
    with pytest.raises(ValueError, match=message):
        walk_forward(y, x, **kwargs)


def test_short_data_caps_train_and_test_in_their_ratio():
    y, x = ou_pair(400, seed=4)
    capped = walk_forward(y, x)  # defaults 504 / 126: 400 rows -> 320 / 80, one fold
    np.testing.assert_array_equal(capped.train_start, [0])
    np.testing.assert_array_equal(capped.test_start, [320])
    np.testing.assert_array_equal(capped.test_stop, [400])
    same = walk_forward(y, x, train=320, test=80)
    np.testing.assert_array_equal(capped.returns, same.returns)
    # data that holds a full fold is not capped
    y, x = ou_pair(1000, seed=4)
    assert walk_forward(y, x, train=999 - 126, test=126).test_start[0] == 873
    capped = walk_forward(y, x, train=999)  # 1000 * 999 // 1125 = 888
    assert (capped.test_start[0], capped.test_stop[-1]) == (888, 1000)


def test_data_too_short_even_when_capped_names_the_lengths():
    y, x = ou_pair(70, seed=4)
    with pytest.raises(ValueError, match=r"70 rows: too few for train=504 and test=126; .* "
                       r"give train=56 and test=14 rows, but train needs >= 62"):  # fmt: skip
        walk_forward(y, x)
