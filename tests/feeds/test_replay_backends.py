"""A recording made from the local exchange replays through ``ob_replay`` with identical
metrics on every backend (reference, native, grpc, dask)."""

from __future__ import annotations

import numpy as np
import pytest

from lab.backends import get_backend
from lab.feeds.base import Backoff
from lab.feeds.binance import BinanceFeed
from lab.feeds.config import FeedConfig
from lab.feeds.exchange_sim import ExchangeThread, Faults, SimMarket
from lab.feeds.recorder import Recorder, read_recording
from lab.rpc.embedded import start_embedded
from tests.feeds._util import book_key, run_feed

FIELDS = ("index", "seq", "synced", "best_bid", "best_ask", "mid", "spread_bps", "microprice",
          "imbalance")  # fmt: skip


@pytest.fixture(scope="module")
def recording(tmp_path_factory):
    """Binance-format stream with a gap and a disconnect, recorded through the feed."""
    market = SimMarket(
        "binance", "BTCUSDT", n_events=1500, seed=11, rows_per_message=2, rate=5000.0, warmup=5,
        faults=Faults(gaps={80}, disconnects={200}), keep_history=True,
    )  # fmt: skip
    out = tmp_path_factory.mktemp("rec")
    truth = None
    with ExchangeThread([market]) as ex, Recorder(out, flush_rows=500) as rec:
        cfg = FeedConfig(
            "binance", "BTCUSDT", ws_url=ex.exchange.binance_ws, rest_url=ex.exchange.http_url,
            backoff=Backoff(0.02, 2.0, 0.5),
        )  # fmt: skip
        feed = BinanceFeed(cfg)
        truth = market.history[market.last_id]

        def done():
            return market.position() == market.n_messages and book_key(feed.book) == truth

        for batch in run_feed(feed, done):
            rec.append(batch)
    return out, truth


@pytest.fixture(scope="module")
def grpc_address():
    with start_embedded(port=0, workers=2, cache_mb=64) as server:
        yield server.address


def test_recording_replays_identically_on_every_backend(recording, grpc_address):
    out, truth = recording
    events = read_recording(out, as_events=True)
    results = {}
    backends = {
        "reference": get_backend("reference"),
        "native": get_backend("native"),
        # no fallback: a grpc failure must fail the test, not run native silently
        "grpc": get_backend("grpc", address=grpc_address, reconnect_interval=0.0, fallback=False),
        "dask": get_backend("dask", n_workers=1, threads_per_worker=1),
    }
    try:
        for name, be in backends.items():
            results[name] = be.ob_replay(events, depth=5, every=7)
    finally:
        for be in backends.values():
            if hasattr(be, "close"):
                be.close()
    ref = results["reference"]
    assert book_key(ref.final) == truth
    assert ref.n_gaps == 0 and ref.n_snapshots >= 2
    for name, res in results.items():
        for field in FIELDS:
            np.testing.assert_array_equal(
                getattr(res, field), getattr(ref, field), err_msg=f"{name}.{field}"
            )
        assert book_key(res.final) == truth, name
