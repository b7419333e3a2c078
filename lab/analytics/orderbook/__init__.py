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

Modules
-------
``events``    event kinds, event tables, snapshots and the book errors;
``results``   result types (both engines);
``metrics``   :func:`lob_metrics`;
``book``      the reference :class:`OrderBook`;
``replay``    :func:`ob_replay`;
``simulate``  :func:`simulate_lob`;
``native``    the native engine (numba kernels of :mod:`lab.kernels.ladder`, the price-indexed
              book of its replay, and :mod:`lab.kernels.orderbook`).
"""

from lab.analytics.orderbook.book import OrderBook, as_snapshot
from lab.analytics.orderbook.events import (
    ASK,
    BID,
    CANCEL,
    EVENT_DTYPE,
    LIMIT,
    SNAPSHOT,
    TRADE,
    BookSnapshot,
    CrossedBookError,
    LOBEvents,
    SequenceGapError,
    as_events,
    crossed_snapshot_error,
    crossed_update_error,
    duplicate_level_error,
)
from lab.analytics.orderbook.metrics import BOOK_METRIC_FIELDS, MAX_DEPTH, lob_metrics, top_metrics
from lab.analytics.orderbook.replay import ob_replay
from lab.analytics.orderbook.results import LOBMetrics, ReplayResult
from lab.analytics.orderbook.simulate import (
    MAX_N_EVENTS,
    MAX_N_LEVELS,
    LOBSimParams,
    sim_draws,
    sim_params,
    simulate_lob,
)

__all__ = [
    "ASK",
    "BID",
    "BOOK_METRIC_FIELDS",
    "BookSnapshot",
    "CANCEL",
    "CrossedBookError",
    "EVENT_DTYPE",
    "LIMIT",
    "LOBEvents",
    "LOBMetrics",
    "LOBSimParams",
    "MAX_DEPTH",
    "MAX_N_EVENTS",
    "MAX_N_LEVELS",
    "OrderBook",
    "ReplayResult",
    "SNAPSHOT",
    "SequenceGapError",
    "TRADE",
    "as_events",
    "as_snapshot",
    "crossed_snapshot_error",
    "crossed_update_error",
    "duplicate_level_error",
    "lob_metrics",
    "ob_replay",
    "sim_draws",
    "sim_params",
    "simulate_lob",
    "top_metrics",
]
