"""lab.analytics.chunking: split calls cover every item once and merge back to the unsplit
result; the plan comes from the registry's chunking declarations."""

import numpy as np
import pytest

from lab.analytics import chunking, registry
from lab.analytics.backtest import merge_sweeps
from lab.analytics.registry import REGISTRY
from lab.backends import native


def pair(n=500, seed=2):
    rng = np.random.default_rng(seed)
    x = 40.0 * np.exp(np.cumsum(rng.normal(0, 0.01, n)))
    return 0.8 * x + rng.normal(0, 0.3, n) + 5.0, x


def test_only_the_scans_declare_a_chunking():
    chunked = {name for name, a in REGISTRY.items() if a.chunking is not None}
    assert chunked == {"pair_scan", "sweep", "backtest_many"}


@pytest.mark.parametrize(
    ("n_items", "n_chunks"), [(1, 8), (7, 8), (8, 8), (190, 8), (701, 8), (5, 2)]
)
def test_split_covers_every_item_once_in_order(n_items, n_chunks):
    pieces = chunking.split_range(n_items, n_chunks)
    assert len(pieces) == min(n_items, n_chunks)
    covered = np.concatenate([np.arange(n_items)[p] for p in pieces])
    np.testing.assert_array_equal(covered, np.arange(n_items))
    sizes = [p.stop - p.start for p in pieces]
    assert max(sizes) - min(sizes) <= 1


def test_sweep_plan_splits_lookbacks_and_merges_to_the_native_result():
    y, x = pair()
    grid = {"lookback": [40, 10, 30, 20, 60, 50, 15], "entry_z": [1.0, 2.0]}
    plan = registry.plan("sweep", native.sweep, (y, x, grid), {"metric": "sharpe"})
    assert plan.unit == "lookbacks" and plan.total == 7 and len(plan.parts) == 7
    merged = plan.merge([native.sweep(*a, **k) for a, k in plan.parts])
    whole = native.sweep(y, x, grid, metric="sharpe")
    np.testing.assert_array_equal(merged.lookbacks, whole.lookbacks)  # grid order kept
    np.testing.assert_array_equal(merged.entry_zs, whole.entry_zs)
    np.testing.assert_allclose(merged.values, whole.values, rtol=1e-12, equal_nan=True)
    assert (merged.metric, merged.sample) == (whole.metric, whole.sample)


def test_sweep_parts_that_disagree_are_not_merged():
    y, x = pair()
    a = native.sweep(y, x, {"lookback": [20], "entry_z": [1.0]})
    b = native.sweep(y, x, {"lookback": [30], "entry_z": [1.5]})
    with pytest.raises(ValueError, match="disagree"):
        merge_sweeps([a, b])
    with pytest.raises(ValueError, match="at least one"):
        merge_sweeps([])


def test_unsplittable_calls_are_one_chunk_made_as_called():
    y, x = pair()
    plan = registry.plan("sweep", native.sweep, (y, x, {"lookback": [20], "entry_z": [1.0]}), {})
    assert len(plan.parts) == 1 and plan.total == 1
    plan = registry.plan("adf", native.adf, (y,), {})
    assert len(plan.parts) == 1 and plan.unit == "calls"
    result = native.adf(y)
    assert plan.merge([result]) is result
    # arguments that do not bind are left for the engine to report
    plan = registry.plan("sweep", native.sweep, (y,), {"nope": 1})
    assert plan.parts == [((y,), {"nope": 1})]
    # a malformed grid is not split: the engine's own ValueError names it
    plan = registry.plan("sweep", native.sweep, (y, x, {"lookback": 20, "entry_z": [1.0]}), {})
    assert len(plan.parts) == 1


def test_pair_scan_plan_uses_pair_chunks_and_merges_to_the_whole_scan():
    rng = np.random.default_rng(4)
    prices = np.cumsum(rng.normal(size=(300, 6)), axis=0) + 100
    plan = registry.plan("pair_scan", native.pair_scan, (prices,), {})
    assert plan.unit == "pairs" and plan.total == 15 and len(plan.parts) == 8
    merged = plan.merge([native.pair_scan(*a, **k) for a, k in plan.parts])
    whole = native.pair_scan(prices)
    np.testing.assert_array_equal(merged.pairs, whole.pairs)
    np.testing.assert_allclose(merged.pvalue, whole.pvalue, rtol=1e-12)
    np.testing.assert_allclose(merged.qvalue, whole.qvalue, rtol=1e-12)
    # an explicit subset is split too, and keeps its pairs
    subset = np.array([[0, 1], [2, 3], [5, 4]])
    plan = registry.plan("pair_scan", native.pair_scan, (prices,), {"pairs": subset}, n_chunks=2)
    assert plan.total == 3 and len(plan.parts) == 2
    merged = plan.merge([native.pair_scan(*a, **k) for a, k in plan.parts])
    np.testing.assert_array_equal(
        np.sort(merged.pairs, axis=0), np.sort(native.pair_scan(prices, pairs=subset).pairs, axis=0)
    )
