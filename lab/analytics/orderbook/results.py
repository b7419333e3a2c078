"""Result types of the order-book analytics (both engines return these)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lab.analytics.orderbook.events import BookSnapshot


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
