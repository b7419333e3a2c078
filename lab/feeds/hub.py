"""One running feed per (source, symbol), shared by every session of the app.

A :class:`SharedFeed` runs its feed on a background thread with its own asyncio loop. The book
is kept up to date at the feed's rate; readers (the app's sessions, at their own frame rate)
take :meth:`SharedFeed.view`: the current book, a copy of the status and the top-of-book series
since their last look. An optional :class:`~lab.feeds.writer.RecorderThread` records every batch (its writes and
fsyncs run on its own writer thread, never on the feed's loop).

:func:`acquire` returns the shared feed for a key (starting it on first use) and counts its
users; :func:`release` stops it when the last user leaves. :func:`local_exchange` starts, once
per process, the loopback exchange simulator that the ``local`` endpoints point at, so that the
live path can be shown without any network.
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lab.analytics.orderbook import ASK, BID, BookSnapshot, top_metrics
from lab.feeds.base import Backoff, FeedStatus
from lab.feeds.writer import RecorderThread

HISTORY = 20_000
"""Series points kept per shared feed (one per batch)."""

LOCAL_MARKETS = {
    "binance": "BTCUSDT",
    "kraken": "BTC/USD",
}
"""Symbols the local exchange simulator serves."""


@dataclass(frozen=True)
class FeedKey:
    """Identity of a shared feed: exchange (``binance``/``kraken``), symbol and endpoint
    (``local`` for the loopback simulator, ``exchange`` for the public endpoints)."""

    exchange: str
    symbol: str
    endpoint: str = "local"


@dataclass(frozen=True)
class FeedView:
    """What a reader sees: the book, the status and the series points after ``cursor``."""

    book: BookSnapshot | None
    status: FeedStatus
    series: np.ndarray  # (k, 5): time, mid, microprice, spread_bps, imbalance
    cursor: int
    recording: str | None
    durable_rows: int


class SharedFeed:
    """A feed running on its own thread (see the module docstring)."""

    def __init__(self, key: FeedKey, depth: int = 5) -> None:
        self.key = key
        self.depth = depth
        self._lock = threading.Lock()
        self._series: deque = deque(maxlen=HISTORY)
        self._count = 0
        self._book: BookSnapshot | None = None
        self._recorder: RecorderThread | None = None
        self._record_from_here = False
        self._durable_rows = 0
        self.error: str | None = None
        self.feed = self._make_feed()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, daemon=True, name=f"feed-{key}")
        self._thread.start()

    def _make_feed(self):
        from lab.feeds.binance import BinanceFeed
        from lab.feeds.config import FeedConfig
        from lab.feeds.kraken import KrakenFeed

        k = self.key
        kw = {"backoff": Backoff(0.2, 2.0, 10.0)}
        if k.endpoint == "local":
            ex = local_exchange().exchange
            if k.exchange == "binance":
                kw.update(ws_url=ex.binance_ws, rest_url=ex.http_url)
            else:
                kw.update(ws_url=ex.kraken_ws)
        elif k.endpoint != "exchange":
            raise ValueError(f"endpoint must be 'local' or 'exchange', got {k.endpoint!r}")
        if k.exchange == "kraken":
            kw["depth"] = 10
        cfg = FeedConfig(k.exchange, k.symbol, **kw)
        return BinanceFeed(cfg) if k.exchange == "binance" else KrakenFeed(cfg)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._pump())
        except Exception as exc:  # shown by the readers' status
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            with self._lock:
                if self._recorder is not None:
                    try:
                        self._recorder.close()
                    except RuntimeError as exc:  # the writer failed: shown like a feed error
                        self.error = str(exc)
                    self._recorder = None
            self._loop.close()

    async def _pump(self) -> None:
        feed = self.feed
        async for batch in feed.events():
            book = feed.book
            bp, bq = book.levels(BID, self.depth)
            ap, aq = book.levels(ASK, self.depth)
            synced = feed.builder.synced and len(bp) and len(ap)
            with self._lock:
                if self._recorder is not None:
                    if self._record_from_here and not feed.builder.synced:
                        pass  # wait for a synchronised book to start from
                    elif self._record_from_here:
                        # the book after this batch, as a snapshot; later batches follow on
                        snap = book.snapshot().to_events(time=float(batch.time[-1]))
                        self._recorder.append(snap)
                        self._record_from_here = False
                    else:
                        self._recorder.append(batch)
                if synced:
                    mid, spread_bps, micro, imb = top_metrics(
                        bp[0], ap[0], bq[0], aq[0], float(bq.sum()), float(aq.sum())
                    )
                    self._series.append((float(batch.time[-1]), mid, micro, spread_bps, imb))
                    self._count += 1
                self._book = book.snapshot()

    # -- readers -----------------------------------------------------------------------------
    def view(self, cursor: int = 0) -> FeedView:
        """The book, the status and the series points numbered ``>= cursor``."""
        with self._lock:
            new = min(self._count - cursor, len(self._series))
            pts = list(self._series)[len(self._series) - new :] if new > 0 else []
            status = self.feed.status.copy()
            if self.error:
                status.state, status.last_reason = "error", self.error
            rec = None if self._recorder is None else str(self._recorder.directory)
            return FeedView(
                self._book,
                status,
                np.array(pts, dtype=float).reshape(-1, 5),
                self._count,
                rec,
                self._durable_rows,
            )

    def start_recording(self, directory: str | Path) -> None:
        """Record from the next batch on into ``directory`` (a new or existing recording): the
        feed's thread writes the book after that batch as a snapshot, then every later batch
        (the book is only read on the thread that changes it)."""
        with self._lock:
            if self._recorder is not None:
                raise ValueError(f"already recording into {self._recorder.directory}")
            rec = RecorderThread(
                directory,
                meta={"source": self.key.exchange, "symbol": self.key.symbol},
                on_flush=self._acknowledged,
            )
            self._recorder = rec
            self._record_from_here = True
            self._durable_rows = rec.durable.rows

    def _acknowledged(self, durable) -> None:
        """The recorder's flush callback (on its writer thread): rows now durable."""
        self._durable_rows = durable.rows

    def stop_recording(self) -> int:
        """Stop recording; returns the rows durable in the recording."""
        with self._lock:
            if self._recorder is None:
                return self._durable_rows
            d = self._recorder.close()
            self._recorder = None
            self._durable_rows = d.rows
            return d.rows

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self.feed.stop)
        self._thread.join(10)


_feeds: dict[FeedKey, tuple[SharedFeed, int]] = {}
_feeds_lock = threading.Lock()
_local = None
_local_lock = threading.Lock()


def acquire(key: FeedKey) -> SharedFeed:
    """The shared feed for ``key``, started on first use; pair with :func:`release`."""
    with _feeds_lock:
        feed, users = _feeds.get(key, (None, 0))
        if feed is None:
            feed = SharedFeed(key)
        _feeds[key] = (feed, users + 1)
        return feed


def release(key: FeedKey) -> None:
    """One user less; the feed stops when none is left."""
    with _feeds_lock:
        feed, users = _feeds.get(key, (None, 0))
        if feed is None:
            return
        if users <= 1:
            del _feeds[key]
            feed.stop()
        else:
            _feeds[key] = (feed, users - 1)


def users(key: FeedKey) -> int:
    with _feeds_lock:
        return _feeds.get(key, (None, 0))[1]


def local_exchange():
    """The process's loopback exchange simulator (started on first use): Binance ``BTCUSDT``
    and Kraken ``BTC/USD``, 40,000 simulated arrivals each, in 3-update messages at 40 messages
    per second. The markets are endless: after about 6 minutes of flow one message takes each
    book back to its opening book and the flow starts over, with update ids that keep counting
    (so it runs as long as the app, in the memory of one pass)."""
    global _local
    with _local_lock:
        if _local is None:
            from lab.feeds.exchange_sim import ExchangeThread, SimMarket

            markets = [
                SimMarket(
                    ex, sym, n_events=40_000, seed=i, rows_per_message=3, rate=40.0, endless=True
                )
                for i, (ex, sym) in enumerate(LOCAL_MARKETS.items())
            ]
            _local = ExchangeThread(markets)
        return _local
