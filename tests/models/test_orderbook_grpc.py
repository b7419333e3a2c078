"""The Order book page's model on the grpc backend: a batch of ticks per remote call, never one
call per tick, with the same series and books as in process."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest

from lab.models.backend import BackendModel
from lab.models.orderbook import OrderBookModel
from tests.rpc.rpc_support import start_server


@pytest.fixture(scope="module")
def server():
    srv = start_server(workers=2, cache_mb=16)
    yield srv
    srv.stop(0).wait()


def test_grpc_session_makes_two_calls_per_batch_of_ticks(server):
    ticks, batch = 45, 10
    backend = BackendModel(backend="grpc", grpc_address=server.address)
    model = OrderBookModel(backend=backend, n_events=3000, speed=40, remote_batch=batch)
    live = backend.get()
    calls: Counter = Counter()
    inner = live._watched_call

    def counted(function, args, kwargs, *options):
        calls[function] += 1
        return inner(function, args, kwargs, *options)

    live._watched_call = counted
    local = OrderBookModel(n_events=3000, speed=40)  # native, one call per tick
    assert model.ticks_per_call() == batch and local.ticks_per_call() == 1
    frames, books = [], []
    for t in range(ticks):
        frames.append(model.step())
        want = local.step()
        pd.testing.assert_frame_equal(frames[-1], want)
        assert model.position == local.position
        if (t + 1) % batch == 0:  # the book and costs move at the last tick of each call
            np.testing.assert_array_equal(model.book.bid_qty, local.book.bid_qty)
            assert model.metrics == local.metrics
            books.append(model.book)
    calls_per_call = -(-ticks // batch)  # 5 calls cover 45 ticks
    assert calls["ob_replay"] == calls["lob_metrics"] == calls_per_call
    assert model.engine_of("ob_replay") == "grpc"
    assert sum(len(f) for f in frames) == ticks * 40
    from components.orderbook import OrderBookView  # the page says which engine replays

    status = OrderBookView(model=model)._status_html()
    assert 'replayed by <b class="arb-ob-engine">grpc</b> (one call per 10 ticks)' in status


def test_in_process_engines_replay_one_tick_per_call():
    model = OrderBookModel(n_events=2000, speed=30, remote_batch=50)
    model.step()
    assert model.ticks_per_call() == 1 and model.position == 30
    assert model.engine_of("ob_replay") == "native"
