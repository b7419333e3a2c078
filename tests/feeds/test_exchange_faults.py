"""Both exchange clients against the local exchange, with every fault the simulator injects.

After each run the client's book must equal the simulator's true book, every intermediate
Binance state (at exchange id ``u``) must equal the true book at ``u``, and the emitted stream
must replay with ``on_gap="raise"`` to the same book: nothing was applied out of order.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

from lab.analytics.orderbook import ob_replay
from lab.feeds.base import Backoff
from lab.feeds.binance import BinanceFeed
from lab.feeds.config import FeedConfig
from lab.feeds.exchange_sim import ExchangeThread, Faults, SimMarket
from lab.feeds.kraken import KrakenFeed, checksum_token, kraken_checksum
from tests.feeds._util import book_key, concat, run_feed

FAST = Backoff(initial=0.02, factor=2.0, maximum=0.5)

# fault -> (Faults(...), needs a resync on Binance, needs a resync on Kraken)
FAULTS = {
    "none": (dict(), False, False),
    "gap": (dict(gaps={60}), True, True),
    "duplicate": (dict(duplicates={60}), True, False),  # Kraken levels are absolute: idempotent
    "out_of_order": (dict(swaps={60}), True, True),
    "malformed_json": (dict(malformed={60}), True, True),
    "crossed_book": (dict(crossed={60}), True, True),
    "disconnect": (dict(disconnects={60}), True, True),
    "stale_snapshot": (dict(stale_snapshots=1), True, True),
    "all": (
        dict(gaps={60}, duplicates={90}, swaps={120}, malformed={150}, crossed={180},
             disconnects={210}, stale_snapshots=1),
        True, True,
    ),
}  # fmt: skip


def _market(exchange, symbol, faults, **kw):
    return SimMarket(
        exchange, symbol, n_events=900, seed=3, rows_per_message=3, rate=4000.0, warmup=20,
        faults=Faults(**copy.deepcopy(faults)), keep_history=(exchange == "binance"), **kw,
    )  # fmt: skip


@pytest.mark.parametrize("fault", list(FAULTS))
def test_binance_book_equals_truth_after_fault(fault):
    faults, must_resync, _ = FAULTS[fault]
    market = _market("binance", "BTCUSDT", faults)
    with ExchangeThread([market]) as ex:
        cfg = FeedConfig(
            "binance", "BTCUSDT", ws_url=ex.exchange.binance_ws, rest_url=ex.exchange.http_url,
            backoff=FAST,
        )  # fmt: skip
        wrong, last = [], [None]

        def check(u, book):
            last[0] = u
            if market.history[u] != book_key(book):
                wrong.append(u)

        feed = BinanceFeed(cfg, on_applied=check)
        truth = market.history[market.last_id]

        def done():
            return (
                market.position() == market.n_messages
                and feed.builder.synced
                and book_key(feed.book) == truth
                and (fault != "disconnect" or feed.status.reconnects >= 1)
            )

        batches = run_feed(feed, done)
    assert not wrong, f"book differed from the truth at update ids {wrong[:5]}"
    assert book_key(feed.book) == market.history[market.last_id]
    # a fault matters only if it hit a message after the first snapshot (on a loaded machine
    # the client may synchronise late, and the snapshot then already contains the message)
    first_id = feed.snapshot_ids[0]
    hit = [
        k
        for k, i in market.faults.fired
        if k == "stale_snapshot" or market.id_after(i + 1) > first_id
    ]
    if must_resync and hit:  # a reconnect starts over from a fresh snapshot too
        assert feed.status.resyncs + feed.status.reconnects >= 1, feed.status
    elif not must_resync:
        assert feed.status.resyncs == feed.status.reconnects == feed.status.gaps == 0
    replay = ob_replay(concat(batches), on_gap="raise")
    assert book_key(replay.final) == book_key(feed.book)
    assert replay.n_snapshots == 1 + feed.status.resyncs + feed.status.reconnects


@pytest.mark.parametrize("fault", list(FAULTS))
def test_kraken_book_equals_truth_after_fault(fault):
    faults, _, must_resync = FAULTS[fault]
    market = _market("kraken", "BTC/USD", faults, depth=10)
    truth = book_key(market.true_book(10))
    with ExchangeThread([market]) as ex:
        cfg = FeedConfig("kraken", "BTC/USD", ws_url=ex.exchange.kraken_ws, depth=10, backoff=FAST)
        feed = KrakenFeed(cfg)

        def done():
            return (
                market.position() == market.n_messages
                and feed.builder.synced
                and book_key(feed.book) == truth
                and feed.status.applied > 1  # a later update confirmed the snapshot
            )

        batches = run_feed(feed, done)
    assert book_key(feed.book) == truth
    if must_resync and market.faults.fired:  # a fired fault reached this subscription
        assert feed.status.resyncs + feed.status.reconnects >= 1, feed.status
    elif not must_resync:
        assert feed.status.resyncs == feed.status.reconnects == feed.status.gaps == 0
    replay = ob_replay(concat(batches), on_gap="raise")
    assert book_key(replay.final) == truth


def test_kraken_checksum_formatting_follows_the_documented_examples():
    # Kraken's v2 guide: price "45285.2" and qty "0.00100000" give "452852100000"; the v1 guide:
    # "0.05000" with volume "0.00000304" gives "5000304"
    assert checksum_token(45285.2, 1) + checksum_token(0.001, 8) == "452852100000"
    assert checksum_token(0.05, 5) + checksum_token(0.00000304, 8) == "5000304"
    import zlib

    expected = zlib.crc32(b"452852100000" + b"452835200000") & 0xFFFFFFFF
    assert kraken_checksum([45283.5], [0.002], [45285.2], [0.001], 1, 8) == expected


def test_binance_queue_overflow_resynchronises():
    market = SimMarket(
        "binance", "BTCUSDT", n_events=3000, seed=1, rows_per_message=1, rate=None,
        keep_history=True,
    )  # fmt: skip
    with ExchangeThread([market]) as ex:
        cfg = FeedConfig(
            "binance", "BTCUSDT", ws_url=ex.exchange.binance_ws, rest_url=ex.exchange.http_url,
            backoff=FAST, queue_size=4,
        )  # fmt: skip
        last = [None]
        feed = BinanceFeed(cfg, on_applied=lambda u, b: last.__setitem__(0, u))
        run_feed(feed, lambda: feed.builder.synced and feed.status.overflows >= 1, timeout=20)
    assert feed.status.overflows >= 1
    assert feed.status.resyncs >= 1


def test_config_rejects_bad_values():
    with pytest.raises(ValueError, match="exchange"):
        FeedConfig("ftx", "BTCUSD")
    with pytest.raises(ValueError, match="depth"):
        FeedConfig("kraken", "BTC/USD", depth=7)
    with pytest.raises(ValueError, match="queue_size"):
        FeedConfig("binance", "BTCUSDT", queue_size=0)
    cfg = FeedConfig("binance", "BTCUSDT")
    assert cfg.ws_url.startswith("wss://") and np.isfinite(cfg.heartbeat)
