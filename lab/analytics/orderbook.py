"""Limit order books (L2): book state, sequence-checked replay, book metrics and an order-flow
simulator (reference engine, pure Python/NumPy).

Event stream
------------
A stream is an :class:`LOBEvents`: parallel 1-D arrays, one row per price-level message, so it
travels over gRPC as plain arrays (or as one NumPy structured array, :meth:`LOBEvents.to_records`).

``seq`` (int64)
    Sequence number. Each update carries the next number; a snapshot uses one number for all its
    rows.
``time`` (float64)
    Event time in seconds from the start of the stream (informational, never checked).
``kind`` (int8)
    :data:`SNAPSHOT` (0): the row is one level of a full-book snapshot. Consecutive snapshot rows
    with the same ``seq`` form one snapshot, which replaces the whole book; a row with
    ``qty = 0`` adds no level (so a single such row is an empty snapshot). :data:`LIMIT` (1),
    :data:`CANCEL` (2) and :data:`TRADE` (3): an incremental update caused by a limit order, a
    cancellation or a market order. All three have the same L2 meaning; the kind only records
    the cause.
``side`` (int8)
    :data:`BID` (+1) or :data:`ASK` (-1): the side of the book the row changes.
``price`` (float64)
    Level price (> 0). Levels are keyed by the exact float value.
``qty`` (float64)
    NEW total quantity resting at that level (>= 0, absolute, not a delta); ``0`` deletes the
    level (deleting an absent level is a no-op).

Sequencing: an update is applied only if its ``seq`` is the previous one plus 1; anything else
is a gap (or a duplicate/out-of-order message) and is never silently applied. :class:`OrderBook`
raises :class:`SequenceGapError`; :func:`ob_replay` either raises or records the gap and ignores
updates until the next snapshot resynchronises the book. An update that would cross the book
(bid >= best ask or ask <= best bid) raises :class:`CrossedBookError`.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

SNAPSHOT, LIMIT, CANCEL, TRADE = 0, 1, 2, 3
"""Event kinds."""

BID, ASK = 1, -1
"""Book sides."""

EVENT_DTYPE = np.dtype(
    [
        ("seq", np.int64),
        ("time", np.float64),
        ("kind", np.int8),
        ("side", np.int8),
        ("price", np.float64),
        ("qty", np.float64),
    ]
)
"""Structured dtype of one event row (see :meth:`LOBEvents.to_records`)."""

_FIELDS = EVENT_DTYPE.names


class SequenceGapError(ValueError):
    """An update's sequence number is not the previous one plus 1.

    Attributes
    ----------
    expected, got : int
        The sequence number that was due and the one received.
    """

    def __init__(self, expected: int, got: int, row: int | None = None):
        self.expected = int(expected)
        self.got = int(got)
        self.row = row
        where = "" if row is None else f" at event row {row}"
        if got > expected:
            what = f"sequence gap{where}: expected seq {expected}, got {got} ({got - expected} update(s) missing)"
        else:
            what = f"out-of-order or duplicate update{where}: expected seq {expected}, got {got}"
        super().__init__(what + "; apply a fresh snapshot to resynchronise")

    def __reduce__(self):
        # rebuilt from its fields, so it survives pickling (a worker process, a Dask task)
        return type(self), (self.expected, self.got, self.row)


class CrossedBookError(ValueError):
    """The book would be crossed (best bid >= best ask)."""


def crossed_update_error(
    side: int, price: float, best_opposite: float, seq: int
) -> CrossedBookError:
    """The error for an update at ``price`` that would cross the opposite best quote."""
    if side == BID:
        return CrossedBookError(
            f"crossed book: bid {float(price)!r} >= best ask {float(best_opposite)!r} (seq {seq})"
        )
    return CrossedBookError(
        f"crossed book: ask {float(price)!r} <= best bid {float(best_opposite)!r} (seq {seq})"
    )


def crossed_snapshot_error(seq: int, best_bid: float, best_ask: float) -> CrossedBookError:
    """The error for a snapshot whose best bid is at or above its best ask."""
    return CrossedBookError(
        f"crossed snapshot seq {seq}: best bid {float(best_bid)!r} >= best ask {float(best_ask)!r}"
    )


def duplicate_level_error(seq: int, side: int, price: float) -> ValueError:
    """The error for a snapshot listing the same level twice."""
    return ValueError(
        f"snapshot seq {seq} lists {'bid' if side == BID else 'ask'} level {float(price)!r} twice"
    )


# ----------------------------------------------------------------------------- data types


@dataclass(frozen=True)
class LOBEvents:
    """An L2 event stream as parallel arrays (see the module docstring for the semantics)."""

    seq: np.ndarray
    time: np.ndarray
    kind: np.ndarray
    side: np.ndarray
    price: np.ndarray
    qty: np.ndarray

    def __len__(self) -> int:
        return int(self.seq.shape[0])

    def to_records(self) -> np.ndarray:
        """The stream as one NumPy structured array of dtype :data:`EVENT_DTYPE`."""
        out = np.empty(len(self), dtype=EVENT_DTYPE)
        for name in _FIELDS:
            out[name] = getattr(self, name)
        return out

    def __getitem__(self, item) -> LOBEvents:
        """Rows ``item`` (slice, index array or boolean mask) as a new stream."""
        if isinstance(item, int | np.integer):
            item = slice(int(item), int(item) + 1 if item != -1 else None)
        return LOBEvents(*(np.asarray(getattr(self, name))[item] for name in _FIELDS))


@dataclass(frozen=True)
class BookSnapshot:
    """An L2 book as arrays, best level first on each side.

    Attributes
    ----------
    seq : int
        Sequence number the book is synchronised to (-1 if unknown).
    bid_price, bid_qty : ndarray
        Bid levels, descending price.
    ask_price, ask_qty : ndarray
        Ask levels, ascending price.
    """

    seq: int
    bid_price: np.ndarray
    bid_qty: np.ndarray
    ask_price: np.ndarray
    ask_qty: np.ndarray

    def to_events(self, time: float = 0.0) -> LOBEvents:
        """The snapshot as :data:`SNAPSHOT` rows (bids then asks, best first)."""
        nb, na = len(self.bid_price), len(self.ask_price)
        n = max(nb + na, 1)
        kind = np.full(n, SNAPSHOT, dtype=np.int8)
        side = np.full(n, BID, dtype=np.int8)
        side[nb:] = ASK
        price = np.ones(n)
        qty = np.zeros(n)
        if nb + na:
            price[:] = np.concatenate([self.bid_price, self.ask_price])
            qty[:] = np.concatenate([self.bid_qty, self.ask_qty])
        return LOBEvents(
            np.full(n, self.seq, dtype=np.int64), np.full(n, float(time)), kind, side, price, qty
        )


@dataclass(frozen=True)
class LOBMetrics:
    """Metrics of one book state.

    Attributes
    ----------
    seq : int
        Sequence number of the book.
    best_bid, best_ask, mid, spread : float
        Top of book (price units); ``mid = (best_bid + best_ask) / 2``.
    spread_bps : float
        ``spread / mid * 1e4``.
    microprice : float
        Size-weighted mid ``(best_bid * ask_qty1 + best_ask * bid_qty1) / (bid_qty1 + ask_qty1)``
        (the "weighted mid" of Gatheral & Oomen 2010; it leans towards the thinner side).
    imbalance : float
        ``(B - A) / (B + A)`` with ``B``, ``A`` the quantities on the best ``depth`` levels of
        each side, in [-1, 1]; positive means more bids.
    bid_qty_within_bps, ask_qty_within_bps : float
        Quantity resting within ``depth_bps`` of the mid: bids priced >= ``mid (1 - x/1e4)``,
        asks priced <= ``mid (1 + x/1e4)``.
    buy_vwap, sell_vwap : float
        Average price of a market buy (sell) of ``order_size`` walking the asks (bids); over the
        filled part if the side is too thin.
    buy_cost_bps, sell_cost_bps : float
        Cost against the mid: ``(buy_vwap / mid - 1) * 1e4`` and ``(1 - sell_vwap / mid) * 1e4``.
    buy_filled, sell_filled : float
        Quantity that the book can fill (``<= order_size``).
    depth : int
    order_size, depth_bps : float
        The parameters used.

    Prices are NaN when a side is empty.
    """

    seq: int
    best_bid: float
    best_ask: float
    mid: float
    spread: float
    spread_bps: float
    microprice: float
    imbalance: float
    bid_qty_within_bps: float
    ask_qty_within_bps: float
    buy_vwap: float
    sell_vwap: float
    buy_cost_bps: float
    sell_cost_bps: float
    buy_filled: float
    sell_filled: float
    depth: int
    order_size: float
    depth_bps: float


@dataclass(frozen=True)
class ReplayResult:
    """Book metrics recorded while replaying an event stream (see :func:`ob_replay`).

    Attributes
    ----------
    index : ndarray of int64
        Event row after which each record was taken.
    seq : ndarray of int64
        Sequence number the book was at (-1 before the first snapshot).
    time : ndarray of float
        Event time of that row.
    synced : ndarray of bool
        Whether the book was synchronised (a snapshot seen and no gap since); metrics are NaN
        otherwise.
    best_bid, best_ask, mid, spread_bps, microprice, imbalance : ndarray of float
        As in :class:`LOBMetrics` (imbalance over ``depth`` levels).
    n_events : int
        Rows in the stream.
    n_applied : int
        Rows applied to the book (snapshot rows plus in-sequence updates).
    n_skipped : int
        Update rows not applied because the book was out of sync (gap rows included).
    n_snapshots : int
        Snapshots applied.
    n_gaps : int
        Sequence breaks detected.
    gap_index, gap_expected, gap_got : ndarray of int64
        Row, expected seq and received seq of each break.
    final : BookSnapshot
        The full book after the last row.
    depth, every : int
        The parameters used.
    """

    index: np.ndarray
    seq: np.ndarray
    time: np.ndarray
    synced: np.ndarray
    best_bid: np.ndarray
    best_ask: np.ndarray
    mid: np.ndarray
    spread_bps: np.ndarray
    microprice: np.ndarray
    imbalance: np.ndarray
    n_events: int
    n_applied: int
    n_skipped: int
    n_snapshots: int
    n_gaps: int
    gap_index: np.ndarray
    gap_expected: np.ndarray
    gap_got: np.ndarray
    final: BookSnapshot
    depth: int
    every: int


# ----------------------------------------------------------------------------- validation


def _is_int(value: object) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _first_bad(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def as_events(events) -> LOBEvents:
    """Validate an event stream and return it as an :class:`LOBEvents` of canonical dtypes.

    Accepts an :class:`LOBEvents`, a structured array with the fields of :data:`EVENT_DTYPE`,
    or a mapping (dict, DataFrame) of those columns. Raises ``ValueError`` naming the field and
    the first offending row.
    """
    if isinstance(events, LOBEvents):
        cols = {name: getattr(events, name) for name in _FIELDS}
    elif isinstance(events, np.ndarray) and events.dtype.names is not None:
        missing = [n for n in _FIELDS if n not in events.dtype.names]
        if missing:
            raise ValueError(f"events is missing field(s) {missing}")
        cols = {name: events[name] for name in _FIELDS}
    elif isinstance(events, Mapping) or hasattr(events, "columns"):
        missing = [n for n in _FIELDS if n not in events]
        if missing:
            raise ValueError(f"events is missing field(s) {missing}")
        cols = {name: np.asarray(events[name]) for name in _FIELDS}
    else:
        raise ValueError(
            "events must be an LOBEvents, a structured array or a mapping with fields "
            f"{list(_FIELDS)}, got {type(events).__name__}"
        )
    out = {}
    n = None
    for name in _FIELDS:
        raw = np.asarray(cols[name])
        if raw.ndim != 1:
            raise ValueError(f"events.{name} must be 1-D, got shape {raw.shape}")
        if n is None:
            n = raw.shape[0]
        elif raw.shape[0] != n:
            raise ValueError(
                f"events fields have different lengths ({name}: {raw.shape[0]} != {n})"
            )
        try:
            arr = raw.astype(float)
        except (TypeError, ValueError):
            raise ValueError(f"events.{name} must be numeric") from None
        if not np.all(np.isfinite(arr)):
            raise ValueError(
                f"events.{name} has NaN or infinite values (row {_first_bad(~np.isfinite(arr))})"
            )
        out[name] = arr
    if n == 0:
        raise ValueError("events is empty")
    for name in ("seq", "kind", "side"):
        bad = out[name] != np.round(out[name])
        if bad.any():
            raise ValueError(f"events.{name} must be integers (row {_first_bad(bad)})")
    if (bad := out["seq"] < 0).any():
        raise ValueError(f"events.seq must be >= 0 (row {_first_bad(bad)})")
    if (bad := ~np.isin(out["kind"], (SNAPSHOT, LIMIT, CANCEL, TRADE))).any():
        i = _first_bad(bad)
        raise ValueError(
            f"events.kind must be 0 (snapshot), 1, 2 or 3; row {i} has {out['kind'][i]:g}"
        )
    if (bad := ~np.isin(out["side"], (BID, ASK))).any():
        i = _first_bad(bad)
        raise ValueError(f"events.side must be 1 (bid) or -1 (ask); row {i} has {out['side'][i]:g}")
    if (bad := out["price"] <= 0).any():
        i = _first_bad(bad)
        raise ValueError(f"events.price must be positive; row {i} has {float(out['price'][i])!r}")
    if (bad := out["qty"] < 0).any():
        i = _first_bad(bad)
        raise ValueError(
            f"events.qty must be >= 0 (0 deletes a level); row {i} has {float(out['qty'][i])!r}"
        )
    return LOBEvents(
        seq=np.ascontiguousarray(out["seq"], dtype=np.int64),
        time=np.ascontiguousarray(out["time"]),
        kind=np.ascontiguousarray(out["kind"], dtype=np.int8),
        side=np.ascontiguousarray(out["side"], dtype=np.int8),
        price=np.ascontiguousarray(out["price"]),
        qty=np.ascontiguousarray(out["qty"]),
    )


def _check_level(side: int, price: float, qty: float) -> None:
    if side not in (BID, ASK):
        raise ValueError(f"side must be 1 (bid) or -1 (ask), got {side!r}")
    if not np.isfinite(price) or price <= 0:
        raise ValueError(f"price must be positive and finite, got {price!r}")
    if not np.isfinite(qty) or qty < 0:
        raise ValueError(f"qty must be >= 0 and finite (0 deletes the level), got {qty!r}")


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
    if not _is_int(seq):
        raise ValueError(f"book.seq must be an integer, got {seq!r}")
    return BookSnapshot(int(seq), **arrays)


MAX_DEPTH = 1000
"""Most book levels per side that :func:`lob_metrics` and :func:`ob_replay` report."""


def check_depth(depth) -> None:
    """``depth`` must be an integer in 1..:data:`MAX_DEPTH`."""
    if not _is_int(depth) or depth < 1:
        raise ValueError(f"depth must be an integer >= 1, got {depth!r}")
    if depth > MAX_DEPTH:
        raise ValueError(f"depth must be at most {MAX_DEPTH}, got {depth!r}")


def check_metric_args(depth, order_size, depth_bps) -> None:
    """Validate the parameters of :func:`lob_metrics` (``depth`` at most :data:`MAX_DEPTH`)."""
    check_depth(depth)
    for name, value in (("order_size", order_size), ("depth_bps", depth_bps)):
        if isinstance(value, bool) or not isinstance(value, int | float | np.number):
            raise ValueError(f"{name} must be a positive number, got {value!r}")
        if not np.isfinite(value) or value <= 0:
            raise ValueError(f"{name} must be a positive number, got {value!r}")


BOOK_METRIC_FIELDS = (
    "best_bid",
    "best_ask",
    "mid",
    "spread",
    "spread_bps",
    "microprice",
    "imbalance",
    "bid_qty_within_bps",
    "ask_qty_within_bps",
    "buy_vwap",
    "sell_vwap",
    "buy_cost_bps",
    "sell_cost_bps",
    "buy_filled",
    "sell_filled",
)
"""The float fields of :class:`LOBMetrics` that describe the book, in the order in which both
engines compute them."""


def make_metrics(seq, values, depth, order_size, depth_bps) -> LOBMetrics:
    """:class:`LOBMetrics` of book ``seq`` from its :data:`BOOK_METRIC_FIELDS` ``values`` and
    the (validated) arguments of :func:`lob_metrics`."""
    return LOBMetrics(
        seq=seq,
        **{name: float(v) for name, v in zip(BOOK_METRIC_FIELDS, values, strict=True)},
        depth=int(depth),
        order_size=float(order_size),
        depth_bps=float(depth_bps),
    )


def check_replay_args(depth, every, on_gap) -> None:
    """Validate the parameters of :func:`ob_replay` (``depth`` at most :data:`MAX_DEPTH`)."""
    check_depth(depth)
    if not _is_int(every) or every < 1:
        raise ValueError(f"every must be an integer >= 1, got {every!r}")
    if on_gap not in ("resync", "raise"):
        raise ValueError(f"on_gap must be 'resync' or 'raise', got {on_gap!r}")


# ----------------------------------------------------------------------------- the book


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
        if not _is_int(seq):
            raise ValueError(f"seq must be an integer, got {seq!r}")
        side, price, qty = int(side), float(price), float(qty)
        _check_level(side, price, qty)
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
                j = _snapshot_end(kind, seq, i)
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


def _snapshot_end(kind: list, seq: list, i: int) -> int:
    """End (exclusive) of the snapshot group starting at row ``i``."""
    j = i + 1
    n = len(kind)
    while j < n and kind[j] == SNAPSHOT and seq[j] == seq[i]:
        j += 1
    return j


# ----------------------------------------------------------------------------- metrics


def top_metrics(bb, ba, b1, a1, sb, sa) -> tuple[float, float, float, float]:
    """mid, spread_bps, microprice and imbalance from the top-of-book numbers (shared formula)."""
    mid = 0.5 * (bb + ba)
    spread_bps = (ba - bb) / mid * 1e4
    top = b1 + a1
    micro = (bb * a1 + ba * b1) / top if top > 0.0 else np.nan
    tot = sb + sa
    imb = (sb - sa) / tot if tot > 0.0 else np.nan
    return mid, spread_bps, micro, imb


def _walk(prices: np.ndarray, qtys: np.ndarray, size: float) -> tuple[float, float]:
    """VWAP and filled quantity of a market order of ``size`` walking ``prices`` best first."""
    remaining = size
    notional = 0.0
    for p, q in zip(prices.tolist(), qtys.tolist(), strict=True):
        if remaining <= 0.0:
            break
        take = q if q < remaining else remaining
        notional += take * p
        remaining -= take
    filled = size - remaining
    return (notional / filled if filled > 0.0 else np.nan), filled


def lob_metrics(book, depth=5, order_size=1000.0, depth_bps=10.0):
    """Metrics of an L2 book: mid, spread, microprice, imbalance, depth near the mid, and the
    VWAP cost of a market order.

    Parameters
    ----------
    book : OrderBook or BookSnapshot
        The book. A :class:`BookSnapshot` (arrays, best first) is what travels to a remote
        backend; an :class:`OrderBook` is converted with :meth:`OrderBook.snapshot`.
    depth : int
        Levels per side counted by the imbalance.
    order_size : float
        Size of the hypothetical market order, in the quantity units of the book.
    depth_bps : float
        Half-width (basis points of the mid) of the band in which resting quantity is summed.

    Returns
    -------
    LOBMetrics
        See :class:`LOBMetrics` for the formulas; NaN where a side is empty.
    """
    check_metric_args(depth, order_size, depth_bps)
    snap = as_snapshot(book)
    bp, bq, ap, aq = snap.bid_price, snap.bid_qty, snap.ask_price, snap.ask_qty
    nb, na = len(bp), len(ap)
    bb = bp[0] if nb else np.nan
    ba = ap[0] if na else np.nan
    b1 = bq[0] if nb else 0.0
    a1 = aq[0] if na else 0.0
    sb = float(np.cumsum(bq[:depth])[-1]) if nb else 0.0
    sa = float(np.cumsum(aq[:depth])[-1]) if na else 0.0
    mid, spread_bps, micro, imb = top_metrics(bb, ba, b1, a1, sb, sa)
    lo = mid * (1.0 - depth_bps * 1e-4)
    hi = mid * (1.0 + depth_bps * 1e-4)
    bid_near = 0.0
    for p, q in zip(bp.tolist(), bq.tolist(), strict=True):
        if p < lo:
            break
        bid_near += q
    ask_near = 0.0
    for p, q in zip(ap.tolist(), aq.tolist(), strict=True):
        if p > hi:
            break
        ask_near += q
    if np.isnan(mid):
        bid_near = ask_near = np.nan
    buy_vwap, buy_filled = _walk(ap, aq, float(order_size))
    sell_vwap, sell_filled = _walk(bp, bq, float(order_size))
    values = (
        bb, ba, mid, ba - bb, spread_bps, micro, imb, bid_near, ask_near, buy_vwap, sell_vwap,
        (buy_vwap / mid - 1.0) * 1e4, (1.0 - sell_vwap / mid) * 1e4, buy_filled, sell_filled,
    )  # fmt: skip
    return make_metrics(snap.seq, values, depth, order_size, depth_bps)


# ----------------------------------------------------------------------------- replay


def make_replay_result(
    ev: LOBEvents,
    rec_index: np.ndarray,
    rec_seq: np.ndarray,
    rec_synced: np.ndarray,
    rec_metrics: np.ndarray,
    counts: tuple[int, int, int],
    gaps: np.ndarray,
    final: BookSnapshot,
    depth: int,
    every: int,
) -> ReplayResult:
    """Assemble a :class:`ReplayResult`; ``rec_metrics`` columns are best_bid, best_ask, mid,
    spread_bps, microprice, imbalance; ``gaps`` rows are (row, expected, got)."""
    n_applied, n_snapshots, n_skipped = counts
    gaps = np.asarray(gaps, dtype=np.int64).reshape(-1, 3)
    m = np.asarray(rec_metrics, dtype=float).reshape(-1, 6)
    return ReplayResult(
        index=np.asarray(rec_index, dtype=np.int64),
        seq=np.asarray(rec_seq, dtype=np.int64),
        time=ev.time[np.asarray(rec_index, dtype=np.int64)],
        synced=np.asarray(rec_synced, dtype=bool),
        best_bid=m[:, 0].copy(),
        best_ask=m[:, 1].copy(),
        mid=m[:, 2].copy(),
        spread_bps=m[:, 3].copy(),
        microprice=m[:, 4].copy(),
        imbalance=m[:, 5].copy(),
        n_events=len(ev),
        n_applied=int(n_applied),
        n_skipped=int(n_skipped),
        n_snapshots=int(n_snapshots),
        n_gaps=int(gaps.shape[0]),
        gap_index=gaps[:, 0].copy(),
        gap_expected=gaps[:, 1].copy(),
        gap_got=gaps[:, 2].copy(),
        final=final,
        depth=int(depth),
        every=int(every),
    )


def record_rows(n: int, every: int) -> np.ndarray:
    """Rows after which :func:`ob_replay` records: ``every-1, 2*every-1, ...`` and the last."""
    rows = np.arange(every - 1, n, every, dtype=np.int64)
    if rows.size == 0 or rows[-1] != n - 1:
        rows = np.append(rows, n - 1)
    return rows


def ob_replay(events, depth=5, every=1, on_gap="resync"):
    """Replay an L2 event stream through a book and record its metrics as time series.

    Processing, row by row: a snapshot group (consecutive :data:`SNAPSHOT` rows sharing a
    ``seq``) replaces the book and synchronises it; an update is applied if its ``seq`` is the
    previous one plus 1. Any other ``seq`` is a sequence break: with ``on_gap="raise"`` a
    :class:`SequenceGapError` is raised; with ``on_gap="resync"`` (default) the break is
    recorded (row, expected, got), the book is marked out of sync and every update is skipped
    until the next snapshot (breaks are not counted again while out of sync). Updates before the
    first snapshot are skipped. A crossing update or snapshot raises :class:`CrossedBookError`.

    Metrics (best bid/ask, mid, spread in bps, microprice, imbalance over ``depth`` levels; see
    :class:`LOBMetrics`) are recorded after rows ``every-1, 2*every-1, ...`` and after the last
    row, on the book as it stands after that row; they are NaN while the book is out of sync.
    A snapshot group is applied as a whole when its first row is read.

    Parameters
    ----------
    events : LOBEvents, structured array or mapping of columns
        The stream (see the module docstring), e.g. from :func:`simulate_lob`.
    depth : int
        Levels per side counted by the imbalance.
    every : int
        Record every ``every`` rows.
    on_gap : {"resync", "raise"}
        What to do at a sequence break.

    Returns
    -------
    ReplayResult
    """
    check_replay_args(depth, every, on_gap)
    ev = as_events(events)
    n = len(ev)
    rows = record_rows(n, every)
    rec_seq = np.empty(rows.size, dtype=np.int64)
    rec_synced = np.empty(rows.size, dtype=bool)
    rec = np.full((rows.size, 6), np.nan)
    gaps: list[tuple[int, int, int]] = []
    book = OrderBook()
    seq, kind, side = ev.seq.tolist(), ev.kind.tolist(), ev.side.tolist()
    price, qty = ev.price.tolist(), ev.qty.tolist()
    synced = False
    n_applied = n_snapshots = n_skipped = 0
    snap_end = -1
    r = 0
    next_row = int(rows[0])
    for i in range(n):
        if kind[i] == SNAPSHOT:
            if i >= snap_end:
                snap_end = _snapshot_end(kind, seq, i)
                book._load(seq[i], ev.side[i:snap_end], ev.price[i:snap_end], ev.qty[i:snap_end])
                synced = True
                n_snapshots += 1
            n_applied += 1
        elif not synced:
            n_skipped += 1
        elif seq[i] != book._seq + 1:
            if on_gap == "raise":
                raise SequenceGapError(book._seq + 1, seq[i], row=i)
            gaps.append((i, book._seq + 1, seq[i]))
            synced = False
            n_skipped += 1
        else:
            book._set_level(side[i], price[i], qty[i])
            book._seq = seq[i]
            n_applied += 1
        if i == next_row:
            rec_seq[r] = -1 if book._seq is None else book._seq
            rec_synced[r] = synced
            if synced:
                bb, ba, b1, a1, sb, sa = book._top(depth)
                mid, spread_bps, micro, imb = top_metrics(bb, ba, b1, a1, sb, sa)
                rec[r] = (bb, ba, mid, spread_bps, micro, imb)
            r += 1
            if r < rows.size:
                next_row = int(rows[r])
    return make_replay_result(
        ev,
        rows,
        rec_seq,
        rec_synced,
        rec,
        (n_applied, n_snapshots, n_skipped),
        np.array(gaps, dtype=np.int64),
        book.snapshot(),
        depth,
        every,
    )


# ----------------------------------------------------------------------------- simulator


@dataclass(frozen=True)
class LOBSimParams:
    """Validated parameters of :func:`simulate_lob` (see its docstring)."""

    n_events: int
    seed: int
    tick: float
    mid0: float
    n_levels: int
    rate_limit: float
    rate_market: float
    rate_cancel: float
    size_mean: float
    market_size_mean: float
    price_decay: float
    snapshot_every: int
    drop_prob: float


MAX_N_EVENTS = 2_000_000
"""Most order arrivals of one :func:`simulate_lob` (its draws alone take 80 bytes each)."""
MAX_N_LEVELS = 1000
"""Most price levels per side of :func:`simulate_lob`."""


def sim_params(**kw) -> LOBSimParams:
    """Check the arguments of :func:`simulate_lob` (bounded by :data:`MAX_N_EVENTS`, :data:`MAX_N_LEVELS`)."""
    for name in ("n_events", "n_levels", "snapshot_every", "seed"):
        if not _is_int(kw[name]):
            raise ValueError(f"{name} must be an integer, got {kw[name]!r}")
    if kw["n_events"] < 1:
        raise ValueError(f"n_events must be >= 1, got {kw['n_events']}")
    if kw["n_events"] > MAX_N_EVENTS:
        raise ValueError(f"n_events must be at most {MAX_N_EVENTS:,}, got {kw['n_events']}")
    if kw["n_levels"] > MAX_N_LEVELS:
        raise ValueError(f"n_levels must be at most {MAX_N_LEVELS}, got {kw['n_levels']}")
    if kw["seed"] < 0:
        raise ValueError(f"seed must be a non-negative integer, got {kw['seed']}")
    if kw["n_levels"] < 1:
        raise ValueError(f"n_levels must be >= 1, got {kw['n_levels']}")
    if kw["snapshot_every"] < 0:
        raise ValueError(
            f"snapshot_every must be >= 0 (0 = only the initial snapshot), got {kw['snapshot_every']}"
        )
    for name in ("tick", "mid0", "rate_limit", "size_mean", "market_size_mean"):
        v = kw[name]
        if (
            isinstance(v, bool)
            or not isinstance(v, int | float | np.number)
            or not np.isfinite(v)
            or v <= 0
        ):
            raise ValueError(f"{name} must be a positive number, got {v!r}")
    for name in ("rate_market", "rate_cancel"):
        v = kw[name]
        if (
            isinstance(v, bool)
            or not isinstance(v, int | float | np.number)
            or not np.isfinite(v)
            or v < 0
        ):
            raise ValueError(f"{name} must be a non-negative number, got {v!r}")
    if not 0.0 < kw["price_decay"] <= 1.0:
        raise ValueError(f"price_decay must be in (0, 1], got {kw['price_decay']!r}")
    if not 0.0 <= kw["drop_prob"] < 1.0:
        raise ValueError(f"drop_prob must be in [0, 1), got {kw['drop_prob']!r}")
    if kw["size_mean"] < 1 or kw["market_size_mean"] < 1:
        raise ValueError("size_mean and market_size_mean must be >= 1 (sizes are whole units)")
    mid_ticks = round(kw["mid0"] / kw["tick"])
    if mid_ticks <= kw["n_levels"]:
        raise ValueError(
            f"mid0 / tick = {mid_ticks} must exceed n_levels so that prices stay positive"
        )
    return LOBSimParams(**{k: (int(v) if _is_int(v) else float(v)) for k, v in kw.items()})


@dataclass(frozen=True)
class LOBDraws:
    """Random numbers of :func:`simulate_lob`, drawn once in NumPy and shared by both engines."""

    init_qty: np.ndarray  # (2 * n_levels,) initial level sizes: bids best first, then asks
    uniform: np.ndarray  # (n_events, 4): event type, side, cancelled level, drop
    expo: np.ndarray  # (n_events,) standard exponential, scaled by the total rate
    dist: np.ndarray  # (n_events,) limit-order distance in ticks from the opposite best (>= 1)
    limit_size: np.ndarray  # (n_events,) limit and cancel sizes (>= 1)
    market_size: np.ndarray  # (n_events,) market order sizes (>= 1)


def sim_draws(p: LOBSimParams) -> LOBDraws:
    """Draw all random numbers of a simulation from ``numpy.random.default_rng(seed)``."""
    rng = np.random.default_rng(p.seed)
    n = p.n_events
    init_qty = rng.geometric(1.0 / (4.0 * p.size_mean), 2 * p.n_levels).astype(float)
    uniform = rng.random((n, 4))
    expo = rng.standard_exponential(n)
    dist = np.minimum(rng.geometric(p.price_decay, n), p.n_levels).astype(np.int64)
    limit_size = rng.geometric(1.0 / p.size_mean, n).astype(float)
    market_size = rng.geometric(1.0 / p.market_size_mean, n).astype(float)
    return LOBDraws(init_qty, uniform, expo, dist, limit_size, market_size)


def simulate_lob(
    n_events,
    seed=0,
    tick=0.01,
    mid0=100.0,
    n_levels=10,
    rate_limit=10.0,
    rate_market=1.2,
    rate_cancel=0.12,
    size_mean=100.0,
    market_size_mean=300.0,
    price_decay=0.3,
    snapshot_every=0,
    drop_prob=0.0,
):
    """Simulate L2 order flow: Poisson limit, market and cancel orders around a moving mid.

    Model (a zero-intelligence continuous-time Markov model in the spirit of Cont, Stoikov &
    Talreja 2010, "A stochastic model for order book dynamics", Oper. Res. 58(3)); prices live
    on a grid of ``tick``; quantities are whole units:

    - start: ``n_levels`` bid levels at ``m-1 .. m-n_levels`` ticks and ask levels at
      ``m+1 .. m+n_levels`` (``m = round(mid0 / tick)``), each with a geometric size of mean
      ``4 size_mean``; emitted as the snapshot ``seq = 0``, time 0;
    - limit orders arrive at rate ``rate_limit`` (per second, both sides), on either side with
      probability 1/2, ``d`` ticks inside the OPPOSITE best quote (``bid = best_ask - d``,
      ``ask = best_bid + d``, so never crossing), ``d ~ min(Geometric(price_decay), n_levels)``,
      with a geometric size of mean ``size_mean``;
    - market orders arrive at rate ``rate_market``, buy or sell with probability 1/2, with a
      geometric size of mean ``market_size_mean``; they walk the opposite side from the best
      level (one TRADE row per level touched) but never take its last unit;
    - each resting unit is cancelled at rate ``rate_cancel / size_mean``, i.e. cancellations
      arrive at rate ``rate_cancel * Q / size_mean`` for ``Q`` units resting (so the depth is
      mean-reverting); the side and level are drawn proportionally to their quantity and the
      cancelled amount is a geometric size of mean ``size_mean`` capped at the level (never the
      side's last unit).

    Inter-arrival times are exponential with the current total rate. Each change of a level is
    one update row with the new absolute quantity. Every ``snapshot_every`` arrivals (if > 0) a
    full snapshot is emitted; with ``drop_prob > 0`` each arrival's rows are lost with that
    probability (their sequence numbers are consumed, which creates gaps, as on a lossy feed).

    All random numbers are drawn up front by :func:`sim_draws` from
    ``numpy.random.default_rng(seed)``; the book dynamics are replayed from them, so both engines
    return the identical stream for the same arguments.

    Parameters
    ----------
    n_events : int
        Number of order arrivals (the stream has more rows: snapshots, multi-level trades; an
        arrival that changes nothing emits no row).
    seed : int
        Seed of the generator.
    tick, mid0 : float
        Tick size and initial mid price.
    n_levels : int
        Initial levels per side and maximum limit-order distance in ticks.
    rate_limit, rate_market, rate_cancel : float
        Arrival intensities (see the model).
    size_mean, market_size_mean : float
        Mean limit/cancel and market order sizes.
    price_decay : float
        Parameter of the geometric distance distribution, in (0, 1].
    snapshot_every : int
        Emit a snapshot every this many arrivals (0: only the initial one).
    drop_prob : float
        Probability that an arrival's update rows are dropped from the stream.

    Returns
    -------
    LOBEvents
    """
    p = sim_params(**locals())  # first statement: exactly the arguments, by name
    d = sim_draws(p)
    rows: list[tuple[int, float, int, int, float, float]] = []
    book = OrderBook()  # in tick units
    m = round(p.mid0 / p.tick)
    lv = p.n_levels
    bid_ticks = np.arange(m - 1, m - lv - 1, -1, dtype=float)
    ask_ticks = np.arange(m + 1, m + lv + 1, dtype=float)
    book._load(
        0,
        np.concatenate([np.full(lv, BID), np.full(lv, ASK)]),
        np.concatenate([bid_ticks, ask_ticks]),
        d.init_qty,
    )
    qb = float(d.init_qty[:lv].sum())
    qa = float(d.init_qty[lv:].sum())
    tick_ = p.tick
    t = 0.0
    seq = 0

    def emit_snapshot():
        for s, prices, levels in ((BID, book._bp[::-1], book._bq), (ASK, book._ap, book._aq)):
            for px in prices:
                rows.append((seq, t, SNAPSHOT, s, px * tick_, levels[px]))

    emit_snapshot()
    uni = d.uniform.tolist()
    expo, dist = d.expo.tolist(), d.dist.tolist()
    lsize, msize = d.limit_size.tolist(), d.market_size.tolist()
    for e in range(p.n_events):
        u_type, u_side, u_level, u_drop = uni[e]
        keep = u_drop >= p.drop_prob
        rate_c = p.rate_cancel * (qb + qa) / p.size_mean
        total = p.rate_limit + p.rate_market + rate_c
        t += expo[e] / total
        x = u_type * total
        changes: list[tuple[int, int, float, float]] = []
        if x < p.rate_limit:
            if u_side < 0.5:
                px = book._ap[0] - dist[e]
                newq = book._bq.get(px, 0.0) + lsize[e]
                changes.append((LIMIT, BID, px, newq))
                qb += lsize[e]
            else:
                px = book._bp[-1] + dist[e]
                newq = book._aq.get(px, 0.0) + lsize[e]
                changes.append((LIMIT, ASK, px, newq))
                qa += lsize[e]
        elif x < p.rate_limit + p.rate_market:
            if u_side < 0.5:  # buy: hits the asks
                s, prices, levels, avail = ASK, book._ap, book._aq, qa - 1.0
            else:
                s, prices, levels, avail = BID, book._bp[::-1], book._bq, qb - 1.0
            remaining = msize[e] if msize[e] < avail else avail
            taken = remaining
            for px in prices:
                if remaining <= 0.0:
                    break
                q = levels[px]
                take = q if q < remaining else remaining
                changes.append((TRADE, s, px, q - take))
                remaining -= take
            if s == ASK:
                qa -= taken
            else:
                qb -= taken
        else:
            if u_side * (qb + qa) < qb:
                s, prices, levels, qside = BID, book._bp[::-1], book._bq, qb
            else:
                s, prices, levels, qside = ASK, book._ap, book._aq, qa
            target = u_level * qside
            cum = 0.0
            px = prices[-1]
            for cand in prices:
                cum += levels[cand]
                if cum > target:
                    px = cand
                    break
            q = levels[px]
            c = lsize[e] if lsize[e] < q else q
            if c == qside:
                c -= 1.0
            if c > 0.0:
                changes.append((CANCEL, s, px, q - c))
                if s == BID:
                    qb -= c
                else:
                    qa -= c
        for kind, s, px, newq in changes:
            seq += 1
            book._set_level(s, px, newq)
            if keep:
                rows.append((seq, t, kind, s, px * tick_, newq))
        if p.snapshot_every and (e + 1) % p.snapshot_every == 0:
            seq += 1
            emit_snapshot()
    arr = np.array(rows, dtype=object)
    return LOBEvents(
        seq=arr[:, 0].astype(np.int64),
        time=arr[:, 1].astype(float),
        kind=arr[:, 2].astype(np.int8),
        side=arr[:, 3].astype(np.int8),
        price=arr[:, 4].astype(float),
        qty=arr[:, 5].astype(float),
    )
