"""The feeds' L2 book: :class:`~lab.analytics.orderbook.OrderBook`'s semantics on the numba
sorted-array layout of :mod:`lab.kernels.orderbook`, with a batch :meth:`ArrayBook.apply_updates`
that applies many exchange messages in one kernel call.

The reference :class:`~lab.analytics.orderbook.OrderBook` (dicts and sorted lists, one Python
call per level) stays the source of truth; this book gives the same levels, sequence numbers
and errors (a test compares them on random message streams) at the rate of a live feed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lab.analytics.orderbook.book import as_snapshot
from lab.analytics.orderbook.events import (
    ASK,
    BID,
    BookSnapshot,
    SequenceGapError,
    check_level,
    crossed_update_error,
    is_int,
)
from lab.kernels import orderbook as _k

MAX_BATCH_ROWS = 10_000_000
"""Most level changes one :meth:`ArrayBook.apply_updates` call takes."""


@dataclass(frozen=True)
class AppliedUpdates:
    """What :meth:`ArrayBook.apply_updates` applied.

    Attributes
    ----------
    n_messages : int
        Messages applied in full (all of them unless ``error`` is set).
    seq : ndarray of int64
        Sequence number of each applied row (consecutive, from the book's ``seq + 1``).
    side, price, qty : ndarray
        The applied rows, in application order (each message's deletions first).
    row_message : ndarray of int64
        Index of the message each applied row belongs to.
    error : CrossedBookError or None
        Why message ``n_messages`` was refused (it is then partly applied and the book must be
        resynchronised; the messages before it are applied in full).
    """

    n_messages: int
    seq: np.ndarray
    side: np.ndarray
    price: np.ndarray
    qty: np.ndarray
    row_message: np.ndarray
    error: Exception | None


class ArrayBook:
    """An L2 book on sorted arrays (best level last; asks keyed by ``-price``).

    Same interface and semantics as :class:`~lab.analytics.orderbook.OrderBook` for what the
    feeds use (:meth:`apply_snapshot`, :meth:`apply_update`, :attr:`seq`, :meth:`levels`,
    :meth:`snapshot`, :attr:`best_bid`, :attr:`best_ask`), plus :meth:`apply_updates`.
    """

    def __init__(self) -> None:
        self._seq: int | None = None
        self._bk = np.empty(64)
        self._bq = np.empty(64)
        self._ak = np.empty(64)
        self._aq = np.empty(64)
        self._nb = 0
        self._na = 0

    @classmethod
    def from_snapshot(cls, snapshot: BookSnapshot) -> ArrayBook:
        book = cls()
        book.apply_snapshot(snapshot)
        return book

    def apply_snapshot(self, snapshot: BookSnapshot) -> None:
        """Replace the whole book by ``snapshot`` (validated as by ``OrderBook``)."""
        snap = as_snapshot(snapshot)  # ordered, positive, uncrossed: no duplicate levels
        if snap.seq < 0:
            raise ValueError(f"snapshot.seq must be >= 0 to synchronise a book, got {snap.seq}")
        nb, na = len(snap.bid_price), len(snap.ask_price)
        self._bk = np.empty(max(64, 2 * nb))
        self._bq = np.empty_like(self._bk)
        self._ak = np.empty(max(64, 2 * na))
        self._aq = np.empty_like(self._ak)
        self._bk[:nb] = snap.bid_price[::-1]
        self._bq[:nb] = snap.bid_qty[::-1]
        self._ak[:na] = -snap.ask_price[::-1]
        self._aq[:na] = snap.ask_qty[::-1]
        self._nb, self._na = nb, na
        self._seq = int(snap.seq)

    def apply_update(self, seq: int, side: int, price: float, qty: float) -> None:
        """Set level ``(side, price)`` to ``qty`` (0 deletes); ``seq`` must be the next one.

        Raises ``SequenceGapError``, ``CrossedBookError`` (book unchanged) or ``ValueError``
        exactly as :meth:`OrderBook.apply_update`.
        """
        if self._seq is None:
            raise ValueError("the book has no snapshot yet: apply a snapshot before updates")
        if not is_int(seq):
            raise ValueError(f"seq must be an integer, got {seq!r}")
        side, price, qty = int(side), float(price), float(qty)
        check_level(side, price, qty)
        if seq != self._seq + 1:
            raise SequenceGapError(self._seq + 1, seq)
        out = self.apply_updates([side], [price], [qty])
        if out.error is not None:
            raise out.error

    def apply_updates(self, side, price, qty, starts=None) -> AppliedUpdates:
        """Apply a batch of messages of absolute level changes in one kernel call.

        Parameters
        ----------
        side, price, qty : array-like
            The level changes (side BID/ASK, price > 0, qty >= 0 with 0 deleting the level),
            at most :data:`MAX_BATCH_ROWS`.
        starts : array-like of int, optional
            Message boundaries: message ``m`` is rows ``starts[m]:starts[m + 1]`` (``starts[0]
            == 0``, ``starts[-1] == len(side)``, non-decreasing). Default: one row per message.

        Each message's deletions are applied first, then its other rows; each row takes the
        next sequence number. A row that would cross the book stops the batch (see
        :class:`AppliedUpdates`); bad input raises ``ValueError`` before anything is applied.
        """
        if self._seq is None:
            raise ValueError("the book has no snapshot yet: apply a snapshot before updates")
        side = np.ascontiguousarray(side, dtype=np.int8)
        price = np.ascontiguousarray(price, dtype=float)
        qty = np.ascontiguousarray(qty, dtype=float)
        n = side.shape[0]
        if side.ndim != 1 or price.shape != (n,) or qty.shape != (n,):
            raise ValueError("side, price and qty must be 1-D arrays of one length")
        if n > MAX_BATCH_ROWS:
            raise ValueError(f"at most {MAX_BATCH_ROWS:,} rows per batch, got {n:,}")
        if n and not np.all((side == BID) | (side == ASK)):
            raise ValueError("side must be 1 (bid) or -1 (ask)")
        if n and not (np.all(np.isfinite(price)) and price.min() > 0):
            raise ValueError("price must be positive and finite")
        if n and not (np.all(np.isfinite(qty)) and qty.min() >= 0):
            raise ValueError("qty must be >= 0 and finite (0 deletes the level)")
        if starts is None:
            starts = np.arange(n + 1, dtype=np.int64)
        else:
            starts = np.ascontiguousarray(starts, dtype=np.int64)
            if (
                starts.ndim != 1
                or starts.shape[0] < 1
                or starts[0] != 0
                or starts[-1] != n
                or np.any(np.diff(starts) < 0)
            ):
                raise ValueError("starts must run from 0 to len(side), non-decreasing")
        o_side = np.empty(n, dtype=np.int8)
        o_price = np.empty(n)
        o_qty = np.empty(n)
        (status, bad_msg, bad_row, err_x, err_y, n_msgs, n_rows,
         self._bk, self._bq, self._nb, self._ak, self._aq, self._na) = _k.apply_messages(
            self._bk, self._bq, self._nb, self._ak, self._aq, self._na,
            side, price, qty, starts, o_side, o_price, o_qty,
        )  # fmt: skip
        seq0 = self._seq + 1
        seq = np.arange(seq0, seq0 + n_rows, dtype=np.int64)
        error = None
        if status == _k.CROSSED_UPDATE:
            # the refused row's seq, had the message been applied in full up to it
            error = crossed_update_error(int(side[bad_row]), float(err_x), float(err_y),
                                         seq0 + n_rows)  # fmt: skip
        self._seq = int(seq0 + n_rows - 1)
        sizes = np.diff(starts[: n_msgs + 1])
        return AppliedUpdates(
            int(n_msgs), seq, o_side[:n_rows], o_price[:n_rows], o_qty[:n_rows],
            np.repeat(np.arange(n_msgs, dtype=np.int64), sizes), error,
        )  # fmt: skip

    # --- state
    @property
    def seq(self) -> int | None:
        """Sequence number the book is synchronised to (None before the first snapshot)."""
        return self._seq

    @property
    def best_bid(self) -> float:
        return float(self._bk[self._nb - 1]) if self._nb else float("nan")

    @property
    def best_ask(self) -> float:
        return float(-self._ak[self._na - 1]) if self._na else float("nan")

    def levels(self, side: int, depth: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """``(prices, quantities)`` of the best ``depth`` levels of ``side``, best first."""
        if side == BID:
            keys, qtys, n, sign = self._bk, self._bq, self._nb, 1.0
        elif side == ASK:
            keys, qtys, n, sign = self._ak, self._aq, self._na, -1.0
        else:
            raise ValueError(f"side must be 1 (bid) or -1 (ask), got {side!r}")
        k = n if depth is None else max(0, min(int(depth), n))
        lo = n - k
        return sign * keys[lo:n][::-1], qtys[lo:n][::-1].copy()

    def snapshot(self, depth: int | None = None) -> BookSnapshot:
        """The book as a :class:`BookSnapshot` (all levels unless ``depth`` is given)."""
        bp, bq = self.levels(BID, depth)
        ap, aq = self.levels(ASK, depth)
        return BookSnapshot(-1 if self._seq is None else self._seq, bp, bq, ap, aq)

    def __len__(self) -> int:
        return self._nb + self._na

    def __repr__(self) -> str:
        return (
            f"<ArrayBook seq={self._seq} bids={self._nb} asks={self._na} "
            f"best={self.best_bid!r}/{self.best_ask!r}>"
        )
