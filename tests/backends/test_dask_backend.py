"""The dask backend: the native engine on a LocalCluster, chunked pair scans and sweeps.

One 2-worker cluster serves the module; it must give the native engine's results for every
analytics function, split pair scans and sweeps into chunks without changing the answer,
start only on first use, and leave no worker process behind when closed.
"""

from __future__ import annotations

import dataclasses
import functools
import os

import numpy as np
import pandas as pd
import psutil
import pytest

from lab.analytics import FUNCTIONS, PairParams
from lab.backends import get_backend
from lab.backends.dask import DaskBackend, _chunks, _content_key, merge_sweeps
from lab.data import load_sp500, simulate_ou_pair


@pytest.fixture(scope="module")
def dask_backend():
    backend = get_backend("dask", n_workers=2, threads_per_worker=1)
    yield backend
    backend.close()


@pytest.fixture(scope="module")
def native():
    return get_backend("native")


def _returns(t: int = 300, n: int = 5, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return 0.01 * rng.standard_normal((t, n)) + 0.004 * rng.standard_normal((t, 1)) + 3e-4


@functools.cache
def _calls() -> dict[str, tuple[tuple, dict]]:
    """One valid call of every public analytics function (small inputs)."""
    from lab.analytics.options import strategy_preset

    y, x, spread = simulate_ou_pair(600, kappa=10.0, theta=0.0, sigma=1.0, beta=0.8, seed=1)
    walk = np.cumsum(np.random.default_rng(2).standard_normal(600))
    prices = np.log(load_sp500().loc["2021", ["KO", "PEP", "XOM", "CVX"]])
    returns = _returns()
    obs = np.concatenate(
        [
            np.random.default_rng(3).normal(-0.01, 0.03, 150),
            np.random.default_rng(4).normal(0.005, 0.01, 250),
        ]
    )
    events = get_backend("native").simulate_lob(3000, seed=5)
    book = get_backend("native").ob_replay(events, every=3000).final
    return {
        "correlation": ((returns,), {}),
        "covariance": ((returns,), {}),
        "rolling_stats": ((walk,), {"window": 30}),
        "pca": ((returns,), {"n_components": 2}),
        "hurst": ((walk,), {"max_lag": 30}),
        "adf": ((walk,), {}),
        "engle_granger": ((np.log(y), np.log(x)), {}),
        "johansen": ((prices,), {}),
        "pair_scan": ((prices,), {}),
        "ou_fit": ((spread,), {"dt": 1 / 252}),
        "optimal_thresholds": ((8.0, 0.0, 1.0, 0.05), {}),
        "cara_position": ((8.0, 0.0, 1.0, np.array([-0.5, 0.0, 0.3]), 2.0, 0.5), {}),
        "backtest_pairs": ((y, x, PairParams(lookback=30)), {}),
        "sweep": ((y, x, {"lookback": [20, 30, 40], "entry_z": [1.5, 2.0]}), {}),
        "hmm_fit": ((obs, 2), {"n_iter": 15}),
        "optimize_portfolio": ((returns, "min_variance"), {}),
        "efficient_frontier": ((returns,), {"n_points": 5}),
        "sparse_portfolio": ((returns,), {"lam": 0.001}),
        "multi_period": ((returns, 5.0, 10.0, 3), {}),
        "bs_price": ((100.0, np.array([90.0, 100.0, 110.0]), 0.5, 0.01, 0.2), {}),
        "bs_greeks": ((100.0, np.array([90.0, 100.0, 110.0]), 0.5, 0.01, 0.2), {"kind": "put"}),
        "implied_vol": ((np.array([12.0, 5.8]), 100.0, np.array([90.0, 100.0]), 0.5, 0.01), {}),
        "strategy_payoff": ((strategy_preset("straddle", 100.0), np.linspace(80, 120, 9)), {}),
        "lob_metrics": ((book,), {"depth": 3}),
        "simulate_lob": ((500,), {"seed": 6}),
        "ob_replay": ((events,), {"every": 100}),
        "sharpe_se": ((returns[:, 0],), {}),
        "probabilistic_sharpe": ((returns[:, 0],), {"sr_benchmark": 0.02}),
        "deflated_sharpe": ((returns[:, 1], 12, 0.003), {}),
        "pbo": ((returns,), {"n_splits": 6}),
        "walk_forward": (
            (y, x),
            {"grid": {"lookback": [20, 30], "entry_z": [1.5, 2.0]}, "train": 200, "test": 100},
        ),
    }


def assert_same(a, b, path: str = "result") -> None:
    """Equal results: same types, arrays within 1e-10 relative (NaN where NaN), other fields equal."""
    assert type(a) is type(b), f"{path}: {type(a).__name__} != {type(b).__name__}"
    if dataclasses.is_dataclass(a):
        for field in dataclasses.fields(a):
            assert_same(getattr(a, field.name), getattr(b, field.name), f"{path}.{field.name}")
    elif isinstance(a, np.ndarray):
        assert a.shape == b.shape and a.dtype == b.dtype, path
        if a.dtype.kind in "fc":
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12, equal_nan=True, err_msg=path)
        else:
            np.testing.assert_array_equal(a, b, err_msg=path)
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for k in a:
            assert_same(a[k], b[k], f"{path}[{k!r}]")
    elif isinstance(a, tuple | list):
        assert len(a) == len(b), path
        for i, (u, v) in enumerate(zip(a, b, strict=True)):
            assert_same(u, v, f"{path}[{i}]")
    elif isinstance(a, float):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12, equal_nan=True, err_msg=path)
    elif isinstance(a, pd.Series):
        pd.testing.assert_series_equal(a, b, rtol=1e-10)
    elif isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, rtol=1e-10)
    else:
        assert a == b, path


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
    assert_same(dask_backend.rolling_stats(x, 20), native.rolling_stats(x, 20))
    assert dask_backend.last_engine == "dask"
    assert dask_backend.status.startswith("LocalCluster: 2 workers at tcp://127.0.0.1:")
    assert dask_backend.total_threads() == 2


@pytest.mark.parametrize("function", FUNCTIONS)
def test_dask_equals_native_for_every_function(dask_backend, native, function):
    args, kwargs = _calls()[function]
    expected = getattr(native, function)(*args, **kwargs)
    assert_same(getattr(dask_backend, function)(*args, **kwargs), expected, function)


def test_pair_scan_is_chunked_and_identical_to_native(dask_backend, native):
    prices = np.log(load_sp500().loc["2019":"2022"].iloc[:, :9])  # 36 pairs
    assert len(_chunks(36, dask_backend.total_threads())) == 2
    assert_same(dask_backend.pair_scan(prices), native.pair_scan(prices), "pair_scan")


def test_sweep_is_chunked_along_lookback_and_identical_to_native(dask_backend, native):
    y, x, _ = simulate_ou_pair(800, kappa=10.0, theta=0.0, sigma=1.0, beta=0.8, seed=7)
    grid = {"lookback": [15, 20, 30, 45, 60], "entry_z": [1.0, 1.5, 2.0]}
    result = dask_backend.sweep(y, x, grid, metric="total_return")
    assert_same(result, native.sweep(y, x, grid, metric="total_return"), "sweep")
    np.testing.assert_array_equal(result.lookbacks, grid["lookback"])


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
    assert_same(dask_backend.rolling_stats(big, 50), native.rolling_stats(big, 50))
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
