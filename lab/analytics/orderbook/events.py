"""Order-book events and snapshots: the event kinds and sides, the event table and its
validation, book snapshots, and the errors both engines raise on gaps, crossed books and
duplicate levels.
"""

from __future__ import annotations

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


def is_int(value: object) -> bool:
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


def check_level(side: int, price: float, qty: float) -> None:
    if side not in (BID, ASK):
        raise ValueError(f"side must be 1 (bid) or -1 (ask), got {side!r}")
    if not np.isfinite(price) or price <= 0:
        raise ValueError(f"price must be positive and finite, got {price!r}")
    if not np.isfinite(qty) or qty < 0:
        raise ValueError(f"qty must be >= 0 and finite (0 deletes the level), got {qty!r}")
