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
from collections import deque
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
)
from lab.feeds.book import ArrayBook

STATES = ("idle", "connecting", "resynchronising", "connected", "stopped", "error")
"""Feed states shown by the status line."""

MAX_QUEUE = 1_000_000
"""Upper bound of :attr:`FeedConfig.queue_size` (raw messages held between socket and book)."""


class ResyncRequired(Exception):
    """The book can no longer be trusted (gap, bad checksum, crossed book, overflow): the feed
    must fetch a new snapshot before applying anything else.

    ``applied``: messages of the batch being applied that were applied in full before it
    (:meth:`BookBuilder.update_many`)."""

    def __init__(self, reason: str, applied: int = 0):
        self.reason = reason
        self.applied = int(applied)
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
    :class:`~lab.feeds.book.ArrayBook` with the feed's own sequence numbers and collects the
    rows accepted.

    Each message's changes are applied deletions first (a change is an absolute quantity, so the
    order within a message does not change its end state, and deleting first never crosses a
    book that is uncrossed at the end). A change that would cross the book raises
    :class:`ResyncRequired`; the rows of the messages before it are kept.
    """

    def __init__(self, seq_origin: int = 0) -> None:
        self.book = ArrayBook()
        self._chunks: list[tuple] = []  # (seq, time, kind, side, price, qty) arrays
        self._pending = 0
        self.synced = False
        self.seq_origin = int(seq_origin)

    @property
    def next_seq(self) -> int:
        """``seq`` of the next row (the first is ``seq_origin``, e.g. to continue a recording)."""
        return self.seq_origin if self.book.seq is None else self.book.seq + 1

    def _emit(self, seq, t, kind, side, price, qty) -> None:
        self._chunks.append((seq, t, kind, side, price, qty))
        self._pending += len(seq)

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
        self._emit(ev.seq, ev.time, ev.kind, ev.side, ev.price, ev.qty)
        self.synced = True

    def update(self, t: float, changes: Iterable[tuple[int, float, float]]) -> int:
        """Apply one message's ``(side, price, qty)`` changes; returns rows emitted."""
        changes = list(changes)
        side = [c[0] for c in changes]
        price = [c[1] for c in changes]
        qty = [c[2] for c in changes]
        return self.update_many([t], side, price, qty, [0, len(changes)])

    def update_many(self, times, side, price, qty, starts) -> int:
        """Apply a batch of messages in one kernel call (see
        :meth:`~lab.feeds.book.ArrayBook.apply_updates`): message ``m`` has event time
        ``times[m]`` and changes ``starts[m]:starts[m + 1]``. Returns rows emitted; raises
        :class:`ResyncRequired` at a refused change, after keeping the messages before it."""
        try:
            out = self.book.apply_updates(side, price, qty, starts)
        except ValueError as exc:
            self.synced = False
            raise ResyncRequired(f"refused update: {exc}") from None
        n = len(out.seq)
        if n:
            t = np.asarray(times, dtype=float)[out.row_message]
            self._emit(out.seq, t, np.full(n, LIMIT, dtype=np.int8), out.side, out.price, out.qty)
        if out.error is not None:
            self.synced = False
            raise ResyncRequired(f"refused update: {out.error}", applied=out.n_messages)
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
        kept, total = [], 0
        for chunk in self._chunks:
            if total >= rows_to_keep:
                break
            room = rows_to_keep - total
            kept.append(chunk if len(chunk[0]) <= room else tuple(c[:room] for c in chunk))
            total += len(kept[-1][0])
        self._chunks, self._pending = kept, total

    def pending(self) -> int:
        return self._pending

    def take(self) -> LOBEvents | None:
        """The rows collected since the last call, as an :class:`LOBEvents` (None if none)."""
        if not self._pending:
            return None
        chunks, self._chunks, self._pending = self._chunks, [], 0
        dtypes = (np.int64, float, np.int8, np.int8, float, float)
        if len(chunks) == 1:
            return LOBEvents(
                *(np.asarray(c, dtype=d) for c, d in zip(chunks[0], dtypes, strict=True))
            )
        return LOBEvents(
            *(
                np.concatenate([np.asarray(ch[k], dtype=d) for ch in chunks])
                for k, d in enumerate(dtypes)
            )
        )


class MessageQueue:
    """A bounded FIFO of raw messages between the socket reader and the book.

    Overflow policy: when a message arrives and the queue is full, the whole backlog is dropped,
    :attr:`overflowed` is set and the consumer resynchronises from a fresh snapshot (a dropped
    update can never be applied later, so keeping a partial backlog would only delay the resync).

    The consumer takes messages in batches (:meth:`get_many`): everything the reader queued
    since the consumer last looked, so that one event-loop wakeup handles many frames.
    """

    def __init__(self, maxsize: int):
        if not 1 <= maxsize <= MAX_QUEUE:
            raise ValueError(f"queue_size must be in [1, {MAX_QUEUE}], got {maxsize}")
        self.maxsize = int(maxsize)
        self._items: deque = deque()
        self._waiter: asyncio.Future | None = None
        self.overflowed = False

    def put(self, item) -> None:
        items = self._items
        if len(items) >= self.maxsize:
            items.clear()
            self.overflowed = True
        items.append(item)
        w = self._waiter
        if w is not None and not w.done():
            w.set_result(None)

    def put_many(self, batch: list) -> None:
        """:meth:`put` each item of ``batch`` in order (one wakeup of the consumer)."""
        items = self._items
        if len(items) + len(batch) <= self.maxsize:
            items.extend(batch)
        else:  # the overflow policy, exactly as one put per item
            room = self.maxsize - len(items)
            items.extend(batch[: max(room, 0)])
            rest = batch[max(room, 0) :]
            while rest:
                items.clear()
                self.overflowed = True
                items.extend(rest[: self.maxsize])
                rest = rest[self.maxsize :]
        w = self._waiter
        if w is not None and not w.done():
            w.set_result(None)

    async def get_many(self, limit: int) -> list:
        """Up to ``limit`` messages, oldest first (waits for at least one)."""
        items = self._items
        while not items:
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        out = list(items)  # one copy at C speed, not a popleft per message
        items.clear()
        if len(out) > limit:
            items.extend(out[limit:])
            del out[limit:]
        return out

    async def get(self):
        return (await self.get_many(1))[0]

    def empty(self) -> bool:
        return not self._items

    def __len__(self) -> int:
        return len(self._items)

    def unget(self, items: list) -> None:
        """Put ``items`` (taken by :meth:`get_many`, not handled) back at the front."""
        self._items.extendleft(reversed(items))

    def clear(self) -> None:
        self._items.clear()


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
