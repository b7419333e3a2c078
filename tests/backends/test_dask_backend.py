"""The dask backend: the native engine on a LocalCluster, chunked pair scans and sweeps.

One 2-worker cluster serves the module; it must give the native engine's results for every
analytics function, split pair scans and sweeps into chunks without changing the answer,
start only on first use, and leave no worker process behind when closed. (Every analytic on
generated inputs: tests/backends/test_differential.py.)
"""

from __future__ import annotations

import os

import numpy as np
import psutil
import pytest

from lab.analytics.backtest import merge_sweeps
from lab.analytics.chunking import split_range
from lab.analytics.registry import REGISTRY
from lab.backends import get_backend
from lab.backends.dask import DaskBackend, _content_key
from lab.data import load_sp500, simulate_ou_pair


@pytest.fixture(scope="module")
def dask_backend():
    backend = get_backend("dask", n_workers=2, threads_per_worker=1)
    yield backend
    backend.close()


@pytest.fixture(scope="module")
def native():
    return get_backend("native")


def assert_same(a, b, name: str) -> None:
    """Equal within the registered tolerance of ``name`` (the registry's one comparison)."""
    problems = REGISTRY[name].tolerance.mismatches(a, b)
    assert not problems, "\n".join(problems)


def test_construction_does_not_start_a_cluster():
    backend = DaskBackend()
    assert backend.status == "not started" and not backend.started
    assert backend._cluster is None and backend._client is None
    backend.close()  # closing an unstarted backend is a no-op
    assert backend.status == "not started"


def test_bad_options_are_value_errors():
    with pytest.raises(ValueError, match="n_workers"):
        DaskBackend(n_workers=0)
    with pytest.raises(ValueError, match="threads_per_worker"):
        DaskBackend(threads_per_worker=1.5)
    with pytest.raises(ValueError, match="address"):
        DaskBackend(address="")


def test_first_call_starts_the_local_cluster(dask_backend, native):
    x = np.cumsum(np.random.default_rng(0).standard_normal(1000))
    assert_same(dask_backend.rolling_stats(x, 20), native.rolling_stats(x, 20), "rolling_stats")
    assert dask_backend.last_engine == "dask"
    assert dask_backend.status.startswith("LocalCluster: 2 workers at tcp://127.0.0.1:")
    assert dask_backend.total_threads() == 2


def test_pair_scan_is_chunked_and_identical_to_native(dask_backend, native):
    prices = np.log(load_sp500().loc["2019":"2022"].iloc[:, :9])  # 36 pairs
    assert len(split_range(36, dask_backend.total_threads())) == 2
    assert_same(dask_backend.pair_scan(prices), native.pair_scan(prices), "pair_scan")


def test_sweep_is_chunked_along_lookback_and_identical_to_native(dask_backend, native):
    y, x, _ = simulate_ou_pair(800, kappa=10.0, theta=0.0, sigma=1.0, beta=0.8, seed=7)
    grid = {"lookback": [15, 20, 30, 45, 60], "entry_z": [1.0, 1.5, 2.0]}
    result = dask_backend.sweep(y, x, grid, metric="total_return")
    assert_same(result, native.sweep(y, x, grid, metric="total_return"), "sweep")
    np.testing.assert_array_equal(result.lookbacks, grid["lookback"])


def test_backtest_many_is_chunked_by_columns_and_identical_to_native(dask_backend, native):
    from lab.analytics.backtest import PairParams
    from lab.analytics.workloads import synthetic_pairs

    y, x = synthetic_pairs(400, 5, seed=3)
    params = [PairParams(lookback=20 + 5 * j, hedge=("static", "rolling")[j % 2]) for j in range(5)]
    assert len(split_range(5, dask_backend.total_threads())) == 2
    result = dask_backend.backtest_many(y, x, params)
    assert dask_backend.last_engine == "dask"
    assert_same(result, native.backtest_many(y, x, params), "backtest_many")
    np.testing.assert_array_equal(result.equity, native.backtest_many(y, x, params).equity)


def test_merge_sweeps_refuses_parts_that_disagree(native):
    y, x, _ = simulate_ou_pair(400, kappa=10.0, theta=0.0, sigma=1.0, beta=0.8, seed=8)
    a = native.sweep(y, x, {"lookback": [20], "entry_z": [1.5, 2.0]})
    b = native.sweep(y, x, {"lookback": [30], "entry_z": [1.5]})
    with pytest.raises(ValueError, match="disagree"):
        merge_sweeps([a, b])
    with pytest.raises(ValueError, match="at least one"):
        merge_sweeps([])


def test_invalid_input_raises_the_native_value_error(dask_backend):
    with pytest.raises(ValueError, match="window"):
        dask_backend.rolling_stats(np.arange(50.0), 0)
    assert dask_backend.available  # bad input is not a backend failure


def test_large_inputs_are_scattered_once_by_content(dask_backend, native):
    big = np.cumsum(np.random.default_rng(9).standard_normal(20_000))  # 160 kB
    before = len(dask_backend._scattered)
    dask_backend.rolling_stats(big, 50)
    dask_backend.rolling_stats(big.copy(), 60)  # same content, another object
    assert len(dask_backend._scattered) == before + 1
    assert _content_key(big) == _content_key(big.copy()) != _content_key(big + 1.0)
    assert _content_key(np.arange(10.0)) is None  # small inputs travel inline
    # changed in place: new content, so the workers get the new data, never a stale copy
    big[10_000:] += 5.0
    assert_same(dask_backend.rolling_stats(big, 50), native.rolling_stats(big, 50), "rolling_stats")
    # dataclasses of arrays (an order-book event stream) are keyed by their content too
    events = native.simulate_lob(20_000, seed=1)
    assert _content_key(events) == _content_key(native.simulate_lob(20_000, seed=1))
    assert _content_key(events) != _content_key(native.simulate_lob(20_000, seed=2))


def test_unreachable_scheduler_gives_a_clear_error():
    backend = DaskBackend(address="tcp://127.0.0.1:9", connect_timeout=0.5)
    with pytest.raises(
        ConnectionError, match=r"Dask scheduler at 'tcp://127.0.0.1:9' is unreachable"
    ):
        backend.correlation(np.ones((5, 2)))
    assert backend.status.startswith("unavailable: ")
    assert not backend.available


def test_close_leaves_no_worker_processes(dask_backend):
    # last test of the module: it shuts the shared cluster down
    pids = list(dask_backend.client.run(os.getpid).values())
    assert len(pids) == 2 and all(psutil.pid_exists(p) for p in pids)
    dask_backend.close()
    assert dask_backend.status == "closed" and not dask_backend.started
    gone = [
        not psutil.pid_exists(p) or psutil.Process(p).status() == psutil.STATUS_ZOMBIE for p in pids
    ]
    assert all(gone)
