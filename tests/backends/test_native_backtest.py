"""Native pairs backtest and sweep equal the reference; no look-ahead; cost identity; errors."""

import dataclasses
import math
import weakref

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lab.analytics import backtest as reference
from lab.analytics.backtest import HEDGES, METRIC_NAMES, PairParams, native
from lab.data import load_sp500, simulate_ou_pair
from lab.kernels.backtest import metric_values_kernel
from tests.analytics._helpers import assert_no_look_ahead, ou_pair


@pytest.fixture(scope="module")
def ko_pep():
    prices = load_sp500()
    return prices["KO"].to_numpy(), prices["PEP"].to_numpy()


def _metrics_close(a: dict, b: dict):
    assert list(a) == list(b) == list(METRIC_NAMES)
    for key in a:
        if math.isnan(a[key]):
            assert math.isnan(b[key]), key
        else:
            # relative 1e-10; the absolute floor covers ratios near zero (a Sharpe of -3e-4 is a
            # difference of means ~1e-16 and differs by ~2e-13 between summation orders)
            assert b[key] == pytest.approx(a[key], rel=1e-10, abs=1e-12), key


def _assert_same(ref, nat):
    np.testing.assert_allclose(nat.equity, ref.equity, rtol=1e-10, atol=0)
    np.testing.assert_array_equal(nat.positions, ref.positions)
    np.testing.assert_allclose(nat.shares_y, ref.shares_y, rtol=1e-10, atol=0)
    np.testing.assert_allclose(nat.shares_x, ref.shares_x, rtol=1e-10, atol=0)
    np.testing.assert_allclose(nat.hedge_ratio, ref.hedge_ratio, rtol=1e-10, atol=0)
    # z on the nine-decimal grid: a rounding apart, the engines can be one step (1e-9) apart
    np.testing.assert_allclose(nat.zscore, ref.zscore, rtol=0, atol=1.5e-9)
    np.testing.assert_allclose(nat.costs, ref.costs, rtol=1e-10, atol=1e-18)
    np.testing.assert_allclose(nat.traded, ref.traded, rtol=1e-10, atol=0)
    np.testing.assert_allclose(nat.returns + 1, ref.returns + 1, rtol=1e-10, atol=0)
    assert nat.n_train == ref.n_train
    for field in dataclasses.fields(ref.trades):
        a, b = getattr(ref.trades, field.name), getattr(nat.trades, field.name)
        assert a.dtype == b.dtype, field.name
        if field.name == "pnl":
            np.testing.assert_allclose(b, a, rtol=1e-9, atol=1e-13)
        else:
            np.testing.assert_array_equal(b, a)
    _metrics_close(ref.metrics.in_sample, nat.metrics.in_sample)
    _metrics_close(ref.metrics.out_of_sample, nat.metrics.out_of_sample)


@pytest.mark.parametrize("hedge", HEDGES)
@pytest.mark.parametrize("stop_z", [None, 3.0])
def test_native_backtest_equals_reference_on_ko_pep(ko_pep, hedge, stop_z):
    y, x = ko_pep
    assert y.size == 8313
    p = PairParams(hedge=hedge, stop_z=stop_z)
    ref, nat = reference.backtest_pairs(y, x, p), native.backtest_pairs(y, x, p)
    assert ref.trades.entry.size > 100
    _assert_same(ref, nat)


@given(
    seed=st.integers(0, 10_000),
    hedge=st.sampled_from(HEDGES),
    lookback=st.integers(3, 80),
    entry=st.floats(0.3, 3.0),
    exit_frac=st.floats(-0.9, 0.9),
    stop=st.one_of(st.none(), st.floats(0.05, 2.0)),
    cost=st.floats(0.0, 50.0),
    train=st.floats(0.1, 0.9),
)
def test_native_backtest_equals_reference_on_simulated_pairs(
    seed, hedge, lookback, entry, exit_frac, stop, cost, train
):
    y, x = ou_pair(600, seed=seed)
    p = PairParams(
        lookback=lookback,
        entry_z=entry,
        exit_z=exit_frac * entry,
        stop_z=None if stop is None else entry + stop,
        cost_bps=cost,
        hedge=hedge,
        train_fraction=train,
    )
    _assert_same(reference.backtest_pairs(y, x, p), native.backtest_pairs(y, x, p))


def test_native_metrics_kernel_is_the_reference_function():
    y, x = ou_pair(800, seed=1)
    res = reference.backtest_pairs(y, x, PairParams(lookback=25, entry_z=1.2))
    tr = res.trades
    for start, stop in ((0, 400), (400, 800), (13, 17)):
        args = (
            res.equity,
            res.costs,
            res.traded,
            res.positions,
            tr.entry,
            tr.closed,
            tr.pnl,
            tr.holding,
            start,
            stop,
        )
        np.testing.assert_allclose(
            metric_values_kernel(*args), reference.metric_values(*args), rtol=1e-12, atol=1e-15
        )


@given(
    seed=st.integers(0, 2**31),
    cut=st.floats(0.0, 1.0),
    hedge=st.sampled_from(HEDGES),
    lookback=st.integers(3, 40),
    entry=st.floats(0.3, 2.5),
    stop=st.one_of(st.none(), st.floats(0.1, 2.0)),
    scale=st.floats(0.001, 0.3),
)
def test_native_no_look_ahead(seed, cut, hedge, lookback, entry, stop, scale):
    p = PairParams(
        lookback=lookback,
        entry_z=entry,
        exit_z=0.25 * entry,
        stop_z=None if stop is None else entry + stop,
        hedge=hedge,
    )
    assert_no_look_ahead(native.backtest_pairs, p, seed, cut, scale)


@pytest.mark.parametrize("hedge", HEDGES)
def test_native_cost_identity(ko_pep, hedge):
    y, x = ko_pep
    costly = native.backtest_pairs(y, x, PairParams(entry_z=1.5, cost_bps=10, hedge=hedge))
    free = native.backtest_pairs(y, x, PairParams(entry_z=1.5, cost_bps=0, hedge=hedge))
    assert costly.costs.sum() > 0.1
    np.testing.assert_array_equal(costly.positions, free.positions)
    np.testing.assert_allclose(free.equity - costly.equity, np.cumsum(costly.costs), atol=1e-12)
    assert costly.trades.pnl.sum() == pytest.approx(costly.equity[-1] - 1.0, abs=1e-11)


@pytest.mark.parametrize("hedge", HEDGES)
@pytest.mark.parametrize("stop_z", [None, 2.6])
def test_native_sweep_equals_reference(hedge, stop_z):
    y, x = ou_pair(700, seed=9)
    base = PairParams(exit_z=0.3, stop_z=stop_z, hedge=hedge, cost_bps=8, train_fraction=0.4)
    grid = {"lookback": [10, 25, 60], "entry_z": [0.8, 1.4, 2.0, 2.5]}
    ref = reference.sweep(y, x, grid, params=base)
    nat = native.sweep(y, x, grid, params=base)
    np.testing.assert_array_equal(nat.lookbacks, ref.lookbacks)
    np.testing.assert_array_equal(nat.entry_zs, ref.entry_zs)
    assert (nat.metric, nat.sample) == (ref.metric, ref.sample) == ("sharpe", "out")
    np.testing.assert_allclose(nat.values, ref.values, rtol=1e-10, atol=1e-12)
    # every metric and both samples: the reference backtest of each grid point
    points = {
        (i, j): reference.backtest_pairs(y, x, dataclasses.replace(base, lookback=lb, entry_z=ez))
        for i, lb in enumerate(grid["lookback"])
        for j, ez in enumerate(grid["entry_z"])
    }
    for sample, key in (("out", "out_of_sample"), ("in", "in_sample")):
        for metric in METRIC_NAMES:
            values = native.sweep(y, x, grid, metric=metric, params=base, sample=sample).values
            expected = np.array(
                [[getattr(points[i, j].metrics, key)[metric] for j in range(4)] for i in range(3)]
            )
            np.testing.assert_allclose(values, expected, rtol=1e-10, atol=1e-12, err_msg=metric)


def test_native_sweep_equals_reference_on_ko_pep(ko_pep):
    y, x = ko_pep
    grid = {"lookback": [20, 120], "entry_z": [1.0, 2.5]}
    ref = reference.sweep(y, x, grid)
    nat = native.sweep(y, x, grid)
    assert np.all(np.isfinite(ref.values))
    np.testing.assert_allclose(nat.values, ref.values, rtol=1e-10, atol=1e-12)


def test_native_sweep_reports_nan_where_reference_does():
    y, x = ou_pair(300, seed=2)
    grid = {"lookback": [20], "entry_z": [1.0, 50.0]}  # 50 sigma: never trades
    ref = reference.sweep(y, x, grid, metric="win_rate")
    nat = native.sweep(y, x, grid, metric="win_rate")
    assert math.isnan(ref.values[0, 1]) and math.isnan(nat.values[0, 1])
    np.testing.assert_allclose(nat.values, ref.values, rtol=1e-10)


@pytest.mark.parametrize(
    "call",
    [
        lambda m, y, x: m.backtest_pairs(y[:-1], x),
        lambda m, y, x: m.backtest_pairs(np.r_[np.nan, y[1:]], x),
        lambda m, y, x: m.backtest_pairs(y[:30], x[:30]),
        lambda m, y, x: m.backtest_pairs(y, -x),
        lambda m, y, x: m.backtest_pairs(y, x, "params"),
        lambda m, y, x: m.sweep(
            y, x, {"lookback": [2], "entry_z": [1.0]}, params=PairParams(hedge="rolling")
        ),
        lambda m, y, x: m.sweep(y, x, {"lookback": [20], "entry_z": [1.0]}, metric="alpha"),
        lambda m, y, x: m.sweep(y, x, {"lookback": [20], "entry_z": [0.1]}),
        lambda m, y, x: m.sweep(y, x, {"lookback": [20], "entry_z": [1.0]}, sample="both"),
    ],
)
def test_native_raises_the_reference_errors(call):
    y, x = ou_pair(200)
    with pytest.raises(ValueError) as ref_err:
        call(reference, y, x)
    with pytest.raises(ValueError) as nat_err:
        call(native, y, x)
    assert str(nat_err.value) == str(ref_err.value)


def test_static_hedge_with_equal_opening_closes_equals_the_reference():
    # WMT opens the bundled dataset with two equal closes: the expanding variance is 0 there
    from lab.analytics.registry import REGISTRY
    from lab.data import load_sp500

    px = load_sp500()
    assert px["WMT"].iloc[0] == px["WMT"].iloc[1]
    args = (px["KO"], px["WMT"], PairParams())
    got, want = native.backtest_pairs(*args), reference.backtest_pairs(*args)
    assert not REGISTRY["backtest_pairs"].tolerance.problems(got, want, args, {})
    assert np.isnan(got.hedge_ratio[1]) and np.isfinite(got.hedge_ratio[-1])


def test_the_block_pool_never_writes_over_a_result_that_is_kept():
    from lab.analytics.backtest.native import BLOCKS

    y, x, _ = simulate_ou_pair(400, kappa=8.0, theta=0.0, sigma=0.4, beta=1.2, seed=5)
    first = native.backtest_pairs(y, x, PairParams(lookback=20))
    kept = first.equity.copy(), first.zscore.copy()
    second = native.backtest_pairs(y, x, PairParams(lookback=30))
    assert second.equity.base is not first.equity.base  # first is alive: a fresh block
    np.testing.assert_array_equal(first.equity, kept[0])
    np.testing.assert_array_equal(first.zscore, kept[1], strict=True)
    block = weakref.ref(second.equity.base)
    want = second.equity.copy()
    del second
    third = native.backtest_pairs(y, x, PairParams(lookback=30))
    assert third.equity.base is block()  # dropped: its block is reused
    np.testing.assert_array_equal(third.equity, want)
    np.testing.assert_array_equal(first.equity, kept[0])
    BLOCKS.clear()
    assert native.backtest_pairs(y, x, PairParams(lookback=30)).equity.base is not block()
