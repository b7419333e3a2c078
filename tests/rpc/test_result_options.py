"""Result options (field mask, float32 display series), the encoded-response cache and the
in-thread path of small bounded calls, against a real in-process server with worker processes."""

from __future__ import annotations

import dataclasses
import itertools

import grpc
import numpy as np
import pytest

from lab.analytics import native
from lab.analytics import workloads as wl
from lab.analytics.backtest import BacktestResult
from lab.backends import get_backend
from lab.rpc import messages, service
from lab.rpc.cache import ResponseCache
from lab.rpc.schema import spec
from tests.rpc.rpc_support import identity_problems, start_server

_fresh = itertools.count(1)


@pytest.fixture(scope="module")
def isolated():
    srv = start_server(workers=2, cache_mb=16)
    assert srv.pool is not None  # analytics run in worker processes by default
    yield srv
    srv.stop(0).wait()


@pytest.fixture
def backend(isolated):
    be = get_backend("grpc", address=isolated.address, reconnect_interval=0.0)
    yield be
    be.close()


@pytest.fixture
def worker_runs(isolated, monkeypatch):
    """Calls that went to a worker process, counted."""
    runs = []
    real = isolated.pool.run

    def run(function, *args, **kwargs):
        runs.append(function)
        return real(function, *args, **kwargs)

    monkeypatch.setattr(isolated.pool, "run", run)
    return runs


@pytest.fixture(scope="module")
def pair():
    y, x, params = wl.backtest(1.0).args
    return y, x, params


def fresh(params):
    """Parameters no earlier call used (the response cache cannot answer them)."""
    return dataclasses.replace(params, entry_z=params.entry_z + 1e-9 * next(_fresh))


def test_no_options_is_the_exact_result_and_a_repeat_comes_from_the_response_cache(
    backend, isolated, pair, worker_runs
):
    y, x, params = pair
    params = fresh(params)
    want = native.backtest_pairs(y, x, params)
    before = isolated.servicer.responses.stats()

    def computed():
        return isolated.servicer.inline_calls + len(worker_runs)

    start = computed()
    first = backend.backtest_pairs(y, x, params)
    assert computed() == start + 1
    second = backend.call_with("backtest_pairs", (y, x, params))  # no option: the same call
    after = isolated.servicer.responses.stats()
    assert identity_problems(first, want) == []
    assert identity_problems(second, want) == []
    assert after["hits"] - before["hits"] == 1 and after["entries"] > before["entries"]
    # the repeat ran nothing: no inline call and no worker
    assert computed() == start + 1


def test_field_mask_round_trip(backend, pair):
    y, x, params = pair
    params = fresh(params)
    want = native.backtest_pairs(y, x, params)
    got = backend.call_with("backtest_pairs", (y, x, params), fields=["metrics", "equity"])
    assert isinstance(got, messages.PartialResult) and got.result_type is BacktestResult
    assert got.fields == ("equity", "metrics")  # the dataclass's order
    assert identity_problems(got.equity, want.equity) == []
    assert identity_problems(got.metrics, want.metrics) == []
    with pytest.raises(AttributeError, match=r"BacktestResult\.zscore was not requested"):
        got.zscore  # noqa: B018
    with pytest.raises(AttributeError, match="read-only"):
        got.equity = None


def test_field_mask_sends_fewer_bytes(isolated, pair):
    y, x, params = pair
    client = get_backend("grpc", address=isolated.address).client
    try:
        method, request = client._request("backtest_pairs", (y, x, fresh(params)), {}, None)
        mask = messages.ResultOptions.checked("backtest_pairs", ("metrics",))
        whole = method.with_call(request)[1]
        part = method.with_call(request, metadata=mask.metadata())[1]
        assert whole.code() is part.code() is grpc.StatusCode.OK
        sizes = [
            len(method.with_call(request, metadata=m)[0].SerializeToString())
            for m in ((), mask.metadata())
        ]
    finally:
        client.close()
    assert sizes[1] * 50 < sizes[0]


def test_unknown_field_is_a_clear_error_locally_and_on_the_server(backend, isolated, pair):
    y, x, params = pair
    with pytest.raises(ValueError, match=r"no field\(s\) 'sharp'; its fields are equity,"):
        backend.call_with("backtest_pairs", (y, x, params), fields=("metrics", "sharp"))
    with pytest.raises(ValueError, match="returns ndarray, not a dataclass"):
        backend.call_with("correlation", (np.eye(3),), fields=("values",))
    with pytest.raises(ValueError, match="no display series"):
        backend.call_with("rolling_stats", (np.arange(10.0), 3), display_float32=True)
    # a hand-written client sending the metadata itself gets INVALID_ARGUMENT naming it
    method, request = backend.client._request("backtest_pairs", (y, x, params), {}, None)
    with pytest.raises(grpc.RpcError) as caught:
        method(request, metadata=((messages.FIELDS_KEY, "equity,nope"),))
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert "'nope'" in caught.value.details()


def test_float32_only_affects_the_display_series(backend, pair):
    y, x, params = pair
    params = fresh(params)
    want = native.backtest_pairs(y, x, params)
    got = backend.call_with("backtest_pairs", (y, x, params), display_float32=True)
    assert type(got) is BacktestResult
    display = messages.DISPLAY_SERIES[BacktestResult]
    for f in dataclasses.fields(BacktestResult):
        value, exact = getattr(got, f.name), getattr(want, f.name)
        if f.name in display:
            assert value.dtype == np.float32, f.name
            np.testing.assert_array_equal(value, exact.astype(np.float32))
        else:
            assert identity_problems(value, exact, f.name) == []
    # the two options combine: a mask of display series arrives as float32 too
    both = backend.call_with(
        "backtest_pairs", (y, x, params), fields=("equity", "metrics"), display_float32=True
    )
    assert both.equity.dtype == np.float32 and both.metrics == want.metrics


def test_display_series_are_float64_array_fields():
    for cls, names in messages.DISPLAY_SERIES.items():
        fields = {f.name: f for f in spec(cls).fields}
        for name in names:
            assert name in fields, f"{cls.__name__}.{name}"
            assert [k.tag for k in fields[name].kinds] == ["array"], name
    result = native.backtest_pairs(*wl.backtest(0.1).args)
    for name in messages.DISPLAY_SERIES[BacktestResult]:
        assert getattr(result, name).dtype == np.float64, name


def test_fallback_answers_in_the_same_form(pair):
    y, x, params = pair
    be = get_backend("grpc", address="127.0.0.1:1", connect_timeout=0.2)
    try:
        got = be.call_with("backtest_pairs", (y, x, params), fields=("metrics",))
        assert be.last_engine == "native"
        assert isinstance(got, messages.PartialResult) and got.fields == ("metrics",)
        assert got.metrics == native.backtest_pairs(y, x, params).metrics
    finally:
        be.close()


def test_a_small_backtest_runs_in_the_handler_thread_a_large_one_in_a_worker(
    backend, isolated, pair, monkeypatch, worker_runs
):
    y, x, params = pair
    assert service.inline_work("backtest_pairs", (y, x, params), {}) == len(y) * max(
        params.lookback, params.vol_window
    )
    assert service.inline_work("hmm_fit", (np.arange(100.0), 2), {}) is None
    start = isolated.servicer.inline_calls
    backend.backtest_pairs(y, x, fresh(params))
    assert isolated.servicer.inline_calls == start + 1 and worker_runs == []
    # above the bound the call goes to a worker process, which can be stopped
    monkeypatch.setattr(service, "INLINE_WORK", len(y) - 1)
    backend.backtest_pairs(y, x, fresh(params))
    assert isolated.servicer.inline_calls == start + 1 and worker_runs == ["backtest_pairs"]


def test_response_cache_is_a_bounded_lru():
    cache = ResponseCache(100, max_item_bytes=60)
    assert cache.put(b"a", b"x" * 39) and cache.put(b"b", b"y" * 39)
    assert cache.get(b"a") == b"x" * 39  # a is now the most recent
    assert cache.put(b"c", b"z" * 39)  # evicts b, the least recently used
    assert cache.get(b"b") is None and cache.get(b"a") is not None
    assert not cache.put(b"d", b"w" * 60)  # larger than one item may be
    assert cache.stats()["bytes"] <= 100
    off = ResponseCache(0)
    assert not off.enabled and not off.put(b"a", b"x")
    with pytest.raises(ValueError, match="capacity must be >= 0"):
        ResponseCache(-1)
