"""What every book feed shares: its status, the builder that turns exchange messages into the
typed book events of :mod:`lab.analytics.orderbook`, and the bounded message queue.

A feed yields :class:`~lab.analytics.orderbook.LOBEvents` batches with the feed's OWN sequence
numbers: each level change is one row whose ``seq`` is the previous row's plus 1, and each
(re)synchronisation emits a full :data:`SNAPSHOT` group with a fresh ``seq``. The exchange's
update ids are checked by the feed, never copied into ``seq`` (one Binance message covers a range
``U..u`` of ids with fewer rows than ids), so any recorded stream replays through ``ob_replay``
with ``on_gap="raise"`` exactly as it was built.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field, replace
from typing import Protocol, runtime_checkable

import numpy as np

from lab.analytics.orderbook import (
    ASK,
    BID,
    LIMIT,
    BookSnapshot,
    CrossedBookError,
    LOBEvents,
    OrderBook,
)

STATES = ("idle", "connecting", "resynchronising", "connected", "stopped", "error")
"""Feed states shown by the status line."""

MAX_QUEUE = 1_000_000
"""Upper bound of :attr:`FeedConfig.queue_size` (raw messages held between socket and book)."""


class ResyncRequired(Exception):
    """The book can no longer be trusted (gap, bad checksum, crossed book, overflow): the feed
    must fetch a new snapshot before applying anything else."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


@dataclass
class FeedStatus:
    """Live counters of a feed (read by the status line; written only by the feed's loop).

    Attributes
    ----------
    state : str
        One of :data:`STATES`.
    messages : int
        Exchange messages received (including those dropped or refused).
    applied : int
        Messages applied to the book.
    rows : int
        Event rows emitted.
    gaps : int
        Sequence breaks or checksum mismatches detected.
    resyncs : int
        Resynchronisations started (each fetches or receives a fresh snapshot).
    reconnects : int
        WebSocket reconnections after the first connection.
    malformed : int
        Messages that were not valid JSON or not of the documented shape.
    overflows : int
        Times the bounded queue overflowed (policy: drop the backlog and resynchronise).
    last_reason : str
        Why the last resynchronisation happened.
    lag : float
        Receive time minus exchange event time of the last applied message, seconds (NaN if the
        source has no event time).
    rate : float
        Messages per second over the last rate window.
    """

    state: str = "idle"
    messages: int = 0
    applied: int = 0
    rows: int = 0
    gaps: int = 0
    resyncs: int = 0
    reconnects: int = 0
    malformed: int = 0
    overflows: int = 0
    last_reason: str = ""
    lag: float = float("nan")
    rate: float = 0.0
    _window_t: float = field(default_factory=time.monotonic, repr=False)
    _window_n: int = field(default=0, repr=False)

    def tick(self, n: int = 1) -> None:
        """Count ``n`` received messages and refresh :attr:`rate` once a second."""
        self.messages += n
        now = time.monotonic()
        dt = now - self._window_t
        if dt >= 1.0:
            self.rate = (self.messages - self._window_n) / dt
            self._window_t, self._window_n = now, self.messages

    def copy(self) -> FeedStatus:
        return replace(self)

    def line(self) -> str:
        """One human-readable status line."""
        lag = "–" if np.isnan(self.lag) else f"{self.lag * 1e3:,.1f} ms"
        line = (
            f"{self.state} · {self.rate:,.0f} msg/s · lag {lag} · gaps {self.gaps} · "
            f"resyncs {self.resyncs} · reconnects {self.reconnects}"
        )
        if self.last_reason and self.state != "connected":
            line += f" · {self.last_reason}"
        return line


@runtime_checkable
class Feed(Protocol):
    """A source of book events.

    ``events()`` is an async iterator of :class:`LOBEvents` batches (the first one starts with a
    snapshot); ``status`` holds its live counters; ``stop()`` ends the iteration.
    """

    status: FeedStatus

    def events(self) -> AsyncIterator[LOBEvents]: ...

    def stop(self) -> None: ...


class BookBuilder:
    """The feed's book and its event rows: applies exchange level changes to an
    :class:`OrderBook` with the feed's own sequence numbers and collects the rows accepted.

    Each message's changes are applied deletions first (a change is an absolute quantity, so the
    order within a message does not change its end state, and deleting first never crosses a
    book that is uncrossed at the end). A change that would cross the book raises
    :class:`ResyncRequired`.
    """

    def __init__(self, seq_origin: int = 0) -> None:
        self.book = OrderBook()
        self._cols: list[list] = [[], [], [], [], [], []]
        self.synced = False
        self.seq_origin = int(seq_origin)

    @property
    def next_seq(self) -> int:
        """``seq`` of the next row (the first is ``seq_origin``, e.g. to continue a recording)."""
        return self.seq_origin if self.book.seq is None else self.book.seq + 1

    def snapshot(self, t: float, bids: Iterable, asks: Iterable) -> None:
        """Replace the book by ``bids``/``asks`` (pairs ``(price, qty)``) and emit it."""
        bids = sorted(((float(p), float(q)) for p, q in bids if float(q) > 0), reverse=True)
        asks = sorted((float(p), float(q)) for p, q in asks if float(q) > 0)
        seq = self.next_seq
        snap = BookSnapshot(
            seq,
            np.array([p for p, _ in bids], dtype=float),
            np.array([q for _, q in bids], dtype=float),
            np.array([p for p, _ in asks], dtype=float),
            np.array([q for _, q in asks], dtype=float),
        )
        try:
            self.book.apply_snapshot(snap)
        except (CrossedBookError, ValueError) as exc:
            self.synced = False
            raise ResyncRequired(f"bad snapshot: {exc}") from None
        ev = snap.to_events(time=t)
        for col, name in zip(
            self._cols, ("seq", "time", "kind", "side", "price", "qty"), strict=True
        ):
            col.extend(getattr(ev, name).tolist())
        self.synced = True

    def update(self, t: float, changes: Iterable[tuple[int, float, float]]) -> int:
        """Apply one message's ``(side, price, qty)`` changes; returns rows emitted."""
        changes = sorted(changes, key=lambda c: c[2] != 0.0)  # deletions first, stable
        book, cols = self.book, self._cols
        start = len(cols[0])
        n = 0
        for side, price, qty in changes:
            seq = book.seq + 1
            try:
                book.apply_update(seq, side, price, qty)
            except (CrossedBookError, ValueError) as exc:
                self.synced = False
                self.discard_pending(start)
                raise ResyncRequired(f"refused update: {exc}") from None
            cols[0].append(seq)
            cols[1].append(t)
            cols[2].append(LIMIT)
            cols[3].append(side)
            cols[4].append(price)
            cols[5].append(qty)
            n += 1
        return n

    def truncate(self, t: float, depth: int) -> None:
        """Delete the levels beyond the best ``depth`` of each side (emitted as qty-0 rows)."""
        extra = []
        for side in (BID, ASK):
            prices, _ = self.book.levels(side)
            extra.extend((side, float(p), 0.0) for p in prices[depth:])
        if extra:
            self.update(t, extra)

    def discard_pending(self, rows_to_keep: int) -> None:
        """Drop the rows emitted after the first ``rows_to_keep`` (a refused message)."""
        for col in self._cols:
            del col[rows_to_keep:]

    def pending(self) -> int:
        return len(self._cols[0])

    def take(self) -> LOBEvents | None:
        """The rows collected since the last call, as an :class:`LOBEvents` (None if none)."""
        if not self._cols[0]:
            return None
        s, t, k, sd, p, q = self._cols
        out = LOBEvents(
            np.array(s, dtype=np.int64),
            np.array(t, dtype=float),
            np.array(k, dtype=np.int8),
            np.array(sd, dtype=np.int8),
            np.array(p, dtype=float),
            np.array(q, dtype=float),
        )
        self._cols = [[], [], [], [], [], []]
        return out


class MessageQueue:
    """A bounded FIFO of raw messages between the socket reader and the book.

    Overflow policy: when a message arrives and the queue is full, the whole backlog is dropped,
    :attr:`overflowed` is set and the consumer resynchronises from a fresh snapshot (a dropped
    update can never be applied later, so keeping a partial backlog would only delay the resync).
    """

    def __init__(self, maxsize: int):
        if not 1 <= maxsize <= MAX_QUEUE:
            raise ValueError(f"queue_size must be in [1, {MAX_QUEUE}], got {maxsize}")
        self._q: asyncio.Queue = asyncio.Queue(maxsize)
        self.overflowed = False

    def put(self, item) -> None:
        try:
            self._q.put_nowait(item)
        except asyncio.QueueFull:
            while not self._q.empty():
                self._q.get_nowait()
            self.overflowed = True
            self._q.put_nowait(item)

    async def get(self):
        return await self._q.get()

    def get_nowait(self):
        return self._q.get_nowait()

    def empty(self) -> bool:
        return self._q.empty()

    def clear(self) -> None:
        while not self._q.empty():
            self._q.get_nowait()


@dataclass(frozen=True)
class Backoff:
    """Reconnect delays: ``initial * factor**k`` seconds, capped at ``maximum``."""

    initial: float = 0.1
    factor: float = 2.0
    maximum: float = 10.0

    def delays(self):
        d = self.initial
        while True:
            yield d
            d = min(d * self.factor, self.maximum)
