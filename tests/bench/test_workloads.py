"""Benchmark workloads: the sizes the issues name, deterministic data, and real backend calls."""

from __future__ import annotations

import numpy as np
import pytest

from lab.analytics.workloads import n_assets_for_pairs
from lab.backends import get_backend
from lab.bench.jit import CORE_FUNCTIONS
from lab.bench.runner import run_suite
from lab.bench.workloads import (
    ANALYTICS,
    GRPC_ROWS,
    WORKLOADS,
    get_workload,
)


def test_every_analytics_workload_names_a_backend_method():
    from lab.analytics import FUNCTIONS

    assert set(CORE_FUNCTIONS) <= set(ANALYTICS)
    for name in ANALYTICS:
        assert WORKLOADS[name].function in FUNCTIONS
    assert {WORKLOADS[n].kind for n in GRPC_ROWS} == {"grpc", "transport"}
    with pytest.raises(ValueError, match="unknown workload 'nope'"):
        get_workload("nope")


@pytest.mark.parametrize("pairs, n", [(1, 2), (3, 3), (190, 20), (760, 40), (3040, 79)])
def test_assets_for_pairs_is_the_smallest_n_reaching_the_count(pairs, n):
    assert n_assets_for_pairs(pairs) == n
    assert n * (n - 1) // 2 >= pairs > (n - 1) * (n - 2) // 2


def test_size_one_is_what_the_issues_specify():
    scan = WORKLOADS["pair_scan"].make(1)
    prices = scan.args[0]
    assert scan.ops == 190 and prices.shape == (2012, 20)
    assert (
        str(prices.index[0].date()) >= "2015-01-01" and str(prices.index[-1].date()) <= "2022-12-31"
    )
    y, x, params = WORKLOADS["backtest_pairs"].make(1).args
    assert y.shape == x.shape == (8313,)
    sweep = WORKLOADS["sweep"].make(1)
    grid = sweep.args[2]
    assert (len(grid["lookback"]), len(grid["entry_z"])) == (20, 20) and sweep.ops == 400
    hmm = WORKLOADS["hmm_fit"].make(1)
    assert hmm.args[0].shape[0] == 8000 and hmm.kwargs["n_states"] == 3
    returns, method = WORKLOADS["optimize_portfolio"].make(1).args
    assert method == "min_variance" and returns.shape[1] == 20
    assert WORKLOADS["rolling_stats"].make(1).args[0].shape == (8313,)


def test_larger_sizes_scale_the_work_and_data_is_deterministic():
    small, big = WORKLOADS["pair_scan"].make(1), WORKLOADS["pair_scan"].make(4)
    assert big.ops >= 4 * small.ops and big.args[0].shape[1] == 40
    # the real 20 columns are kept and the extension is seeded
    np.testing.assert_array_equal(big.args[0].iloc[:, :20].to_numpy(), small.args[0].to_numpy())
    np.testing.assert_array_equal(
        big.args[0].to_numpy(), WORKLOADS["pair_scan"].make(4).args[0].to_numpy()
    )
    for name in ("correlation", "rolling_stats", "engle_granger", "backtest_pairs", "hmm_fit"):
        a, b = WORKLOADS[name].make(2), WORKLOADS[name].make(2)
        for u, v in zip(a.args, b.args, strict=True):
            if isinstance(u, np.ndarray):
                np.testing.assert_array_equal(u, v)
        assert a.shape == b.shape and a.shape
    assert WORKLOADS["backtest_pairs"].make(4).args[0].shape == (4 * 8313,)
    with pytest.raises(ValueError, match="size multiplier"):
        WORKLOADS["correlation"].make(0)


def test_every_analytics_workload_runs_on_reference_and_native_at_a_small_size():
    backends = {"reference": get_backend("reference"), "native": get_backend("native")}
    results = run_suite(ANALYTICS, backends, sizes=[0.02], repeats=1, budget_s=0.01)
    errors = [(r.workload, r.backend, r.error) for r in results.rows if not r.ok]
    assert errors == []
    assert {(r.workload, r.ran_on) for r in results.rows} == {
        (w, b) for w in ANALYTICS for b in backends
    }
    assert all(r.speedup is not None and r.speedup > 0 for r in results.rows)
