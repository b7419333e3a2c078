""":class:`OrderBook`: the reference engine's L2 book, built from a snapshot and updated event
by event with exact sequence checks.
"""

from __future__ import annotations

import bisect

import numpy as np

from lab.analytics.orderbook.events import (
    ASK,
    BID,
    SNAPSHOT,
    BookSnapshot,
    CrossedBookError,
    SequenceGapError,
    as_events,
    check_level,
    crossed_snapshot_error,
    crossed_update_error,
    duplicate_level_error,
    is_int,
)


def as_snapshot(book) -> BookSnapshot:
    """Validate ``book`` (an :class:`OrderBook` or :class:`BookSnapshot`) as a snapshot.

    Checks that prices are positive and strictly ordered best first, quantities positive, and
    that the book is not crossed.
    """
    if isinstance(book, OrderBook):
        return book.snapshot()
    if not isinstance(book, BookSnapshot):
        raise ValueError(f"book must be an OrderBook or a BookSnapshot, got {type(book).__name__}")
    arrays = {}
    for name in ("bid_price", "bid_qty", "ask_price", "ask_qty"):
        try:
            arr = np.ascontiguousarray(getattr(book, name), dtype=float)
        except (TypeError, ValueError):
            raise ValueError(f"book.{name} must be numeric") from None
        if arr.ndim != 1:
            raise ValueError(f"book.{name} must be 1-D, got shape {arr.shape}")
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"book.{name} has NaN or infinite values")
        arrays[name] = arr
    for side in ("bid", "ask"):
        px, q = arrays[f"{side}_price"], arrays[f"{side}_qty"]
        if px.shape != q.shape:
            raise ValueError(f"book.{side}_price and book.{side}_qty have different lengths")
        if np.any(px <= 0):
            raise ValueError(f"book.{side}_price must be positive")
        if np.any(q <= 0):
            raise ValueError(
                f"book.{side}_qty must be positive (a level with qty 0 does not exist)"
            )
    if np.any(np.diff(arrays["bid_price"]) >= 0):
        raise ValueError("book.bid_price must be strictly decreasing (best bid first)")
    if np.any(np.diff(arrays["ask_price"]) <= 0):
        raise ValueError("book.ask_price must be strictly increasing (best ask first)")
    if len(arrays["bid_price"]) and len(arrays["ask_price"]):
        if arrays["bid_price"][0] >= arrays["ask_price"][0]:
            raise CrossedBookError(
                f"crossed book: best bid {float(arrays['bid_price'][0])!r} >= best ask "
                f"{float(arrays['ask_price'][0])!r}"
            )
    seq = getattr(book, "seq", -1)
    if not is_int(seq):
        raise ValueError(f"book.seq must be an integer, got {seq!r}")
    return BookSnapshot(int(seq), **arrays)


class OrderBook:
    """An L2 limit order book: a snapshot plus sequence-checked incremental updates.

    Prices are kept in sorted lists (``bisect``) with a dict of quantities per side. A new book
    is empty and unsynchronised: apply a snapshot (:meth:`apply_snapshot`, or snapshot rows via
    :meth:`apply`) before updates.

    Examples
    --------
    >>> book = OrderBook.from_snapshot(BookSnapshot(7, [99.0], [5.0], [101.0], [3.0]))
    >>> book.apply_update(8, BID, 100.0, 2.0)
    >>> book.best_bid, book.seq
    (100.0, 8)
    """

    def __init__(self) -> None:
        self._seq: int | None = None
        self._bp: list[float] = []  # bid prices, ascending (best = last)
        self._bq: dict[float, float] = {}
        self._ap: list[float] = []  # ask prices, ascending (best = first)
        self._aq: dict[float, float] = {}

    # --- construction
    @classmethod
    def from_snapshot(cls, snapshot: BookSnapshot) -> OrderBook:
        """A book holding ``snapshot``."""
        book = cls()
        book.apply_snapshot(snapshot)
        return book

    def apply_snapshot(self, snapshot: BookSnapshot) -> None:
        """Replace the whole book by ``snapshot`` and synchronise to its ``seq``."""
        snap = as_snapshot(snapshot)
        if snap.seq < 0:
            raise ValueError(f"snapshot.seq must be >= 0 to synchronise a book, got {snap.seq}")
        self._load(
            snap.seq,
            np.concatenate([np.full(len(snap.bid_price), BID), np.full(len(snap.ask_price), ASK)]),
            np.concatenate([snap.bid_price, snap.ask_price]),
            np.concatenate([snap.bid_qty, snap.ask_qty]),
        )

    def _load(self, seq: int, side, price, qty) -> None:
        """Reset to the snapshot levels given as rows (qty 0 rows add no level)."""
        bq: dict[float, float] = {}
        aq: dict[float, float] = {}
        for s, p, q in zip(side.tolist(), price.tolist(), qty.tolist(), strict=True):
            if q == 0.0:
                continue
            levels = bq if s == BID else aq
            if p in levels:
                raise duplicate_level_error(seq, s, p)
            levels[p] = q
        if bq and aq and max(bq) >= min(aq):
            raise crossed_snapshot_error(seq, max(bq), min(aq))
        self._bq, self._aq = bq, aq
        self._bp, self._ap = sorted(bq), sorted(aq)
        self._seq = int(seq)

    # --- updates
    def apply_update(self, seq: int, side: int, price: float, qty: float) -> None:
        """Set level ``(side, price)`` to ``qty`` (0 deletes it); ``seq`` must be the next one.

        Raises
        ------
        SequenceGapError
            ``seq`` is not ``self.seq + 1`` (the book is left unchanged).
        CrossedBookError
            The update would cross the book (left unchanged).
        ValueError
            No snapshot applied yet, or invalid side, price or quantity.
        """
        if self._seq is None:
            raise ValueError("the book has no snapshot yet: apply a snapshot before updates")
        if not is_int(seq):
            raise ValueError(f"seq must be an integer, got {seq!r}")
        side, price, qty = int(side), float(price), float(qty)
        check_level(side, price, qty)
        if seq != self._seq + 1:
            raise SequenceGapError(self._seq + 1, seq)
        self._set_level(side, price, qty)
        self._seq = int(seq)

    def _set_level(self, side: int, price: float, qty: float) -> None:
        if side == BID:
            prices, levels = self._bp, self._bq
            if qty > 0.0 and self._ap and price >= self._ap[0]:
                raise crossed_update_error(BID, price, self._ap[0], self._seq_next())
        else:
            prices, levels = self._ap, self._aq
            if qty > 0.0 and self._bp and price <= self._bp[-1]:
                raise crossed_update_error(ASK, price, self._bp[-1], self._seq_next())
        if qty == 0.0:
            if price in levels:
                del levels[price]
                del prices[bisect.bisect_left(prices, price)]
        else:
            if price not in levels:
                bisect.insort(prices, price)
            levels[price] = qty

    def _seq_next(self) -> int:
        return -1 if self._seq is None else self._seq + 1

    def apply(self, events) -> int:
        """Apply an event stream in order (snapshots reset the book); returns rows applied.

        Raises :class:`SequenceGapError` at the first sequence break, leaving the book as it was
        after the last good row.
        """
        ev = as_events(events)
        i, n = 0, len(ev)
        seq, kind, side = ev.seq.tolist(), ev.kind.tolist(), ev.side.tolist()
        price, qty = ev.price.tolist(), ev.qty.tolist()
        while i < n:
            if kind[i] == SNAPSHOT:
                j = snapshot_end(kind, seq, i)
                self._load(seq[i], ev.side[i:j], ev.price[i:j], ev.qty[i:j])
                i = j
                continue
            if self._seq is None:
                raise ValueError(
                    f"update at event row {i} before any snapshot: the book is not synchronised"
                )
            if seq[i] != self._seq + 1:
                raise SequenceGapError(self._seq + 1, seq[i], row=i)
            self._set_level(side[i], price[i], qty[i])
            self._seq = seq[i]
            i += 1
        return n

    # --- state
    @property
    def seq(self) -> int | None:
        """Sequence number the book is synchronised to (None before the first snapshot)."""
        return self._seq

    @property
    def best_bid(self) -> float:
        return self._bp[-1] if self._bp else float("nan")

    @property
    def best_ask(self) -> float:
        return self._ap[0] if self._ap else float("nan")

    def levels(self, side: int, depth: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """``(prices, quantities)`` of the best ``depth`` levels of ``side``, best first."""
        if side == BID:
            prices = self._bp[::-1] if depth is None else self._bp[: -depth - 1 : -1]
            levels = self._bq
        elif side == ASK:
            prices = self._ap if depth is None else self._ap[:depth]
            levels = self._aq
        else:
            raise ValueError(f"side must be 1 (bid) or -1 (ask), got {side!r}")
        return np.array(prices, dtype=float), np.array([levels[p] for p in prices], dtype=float)

    def snapshot(self, depth: int | None = None) -> BookSnapshot:
        """The book as a :class:`BookSnapshot` (all levels unless ``depth`` is given)."""
        bp, bq = self.levels(BID, depth)
        ap, aq = self.levels(ASK, depth)
        return BookSnapshot(-1 if self._seq is None else self._seq, bp, bq, ap, aq)

    def __len__(self) -> int:
        return len(self._bp) + len(self._ap)

    def __repr__(self) -> str:
        return (
            f"<OrderBook seq={self._seq} bids={len(self._bp)} asks={len(self._ap)} "
            f"best={float(self.best_bid)!r}/{float(self.best_ask)!r}>"
        )

    def _top(self, depth: int) -> tuple[float, float, float, float, float, float]:
        """best bid, best ask, top bid qty, top ask qty, bid qty and ask qty over ``depth``."""
        bp, ap, bq, aq = self._bp, self._ap, self._bq, self._aq
        nb, na = len(bp), len(ap)
        bb = bp[-1] if nb else np.nan
        ba = ap[0] if na else np.nan
        b1 = bq[bb] if nb else 0.0
        a1 = aq[ba] if na else 0.0
        sb = 0.0
        for k in range(1, min(depth, nb) + 1):
            sb += bq[bp[-k]]
        sa = 0.0
        for k in range(min(depth, na)):
            sa += aq[ap[k]]
        return bb, ba, b1, a1, sb, sa


def snapshot_end(kind: list, seq: list, i: int) -> int:
    """End (exclusive) of the snapshot group starting at row ``i``."""
    j = i + 1
    n = len(kind)
    while j < n and kind[j] == SNAPSHOT and seq[j] == seq[i]:
        j += 1
    return j
