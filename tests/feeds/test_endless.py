"""The demo's endless local market: the stream starts over after its last message, update ids
keep counting, the client's book stays exact across passes, and memory stays that of one pass."""

from __future__ import annotations

import pytest

from lab.feeds.base import Backoff
from lab.feeds.binance import BinanceFeed
from lab.feeds.config import FeedConfig
from lab.feeds.exchange_sim import ExchangeThread, SimMarket
from lab.feeds.kraken import KrakenFeed
from tests.feeds._util import book_key, run_feed

FAST = Backoff(initial=0.02, factor=2.0, maximum=0.5)


def _market(exchange, symbol):
    return SimMarket(
        exchange, symbol, n_events=240, seed=5, rows_per_message=3, rate=3000.0, endless=True,
    )  # fmt: skip


def test_binance_feed_stays_in_sync_over_several_passes():
    market = _market("binance", "BTCUSDT")
    stored = (len(market._bodies), len(market._ids), len(market._levels))
    with ExchangeThread([market]) as ex:
        cfg = FeedConfig(
            "binance", "BTCUSDT", ws_url=ex.exchange.binance_ws, rest_url=ex.exchange.http_url,
            backoff=FAST,
        )  # fmt: skip
        wrong, seen = [], []

        def check(u, book):
            seen.append(u)
            if len(seen) % 25 == 0 or len(seen) < 3:  # the true book at id u, now and then
                p = next(p for p in range(market.position() + 1) if market.id_after(p) == u)
                if book_key(market._replay_to(p)) != book_key(book):
                    wrong.append(u)

        feed = BinanceFeed(cfg, on_applied=check)
        run_feed(feed, lambda: len(seen) > 3 * market.cycle, timeout=30)
    st = feed.status
    assert st.resyncs == st.gaps == st.reconnects == st.malformed == 0, st
    assert not wrong, f"book differed from the truth at ids {wrong[:5]}"
    assert seen[-1] > market.last_id + 2 * market.id_period  # ids kept counting past 2 passes
    assert (len(market._bodies), len(market._ids), len(market._levels)) == stored


def test_kraken_feed_checksums_hold_over_several_passes():
    market = _market("kraken", "BTC/USD")
    with ExchangeThread([market]) as ex:
        cfg = FeedConfig("kraken", "BTC/USD", ws_url=ex.exchange.kraken_ws, depth=10, backoff=FAST)
        feed = KrakenFeed(cfg)
        run_feed(feed, lambda: feed.status.applied > 3 * market.cycle, timeout=30)
    st = feed.status
    assert st.resyncs == st.gaps == st.reconnects == st.malformed == 0, st


def test_endless_market_needs_a_rate():
    with pytest.raises(ValueError, match="rate"):
        SimMarket("binance", "BTCUSDT", n_events=100, rate=None, endless=True)
