""":func:`lob_metrics`: spread, depth, imbalance and the cost of walking the book for an
order (reference engine), with the argument checks and the metric fields both engines share.
"""

from __future__ import annotations

import numpy as np

from lab.analytics.orderbook.book import as_snapshot
from lab.analytics.orderbook.events import is_int
from lab.analytics.orderbook.results import LOBMetrics

MAX_DEPTH = 1000
"""Most book levels per side that :func:`lob_metrics` and :func:`ob_replay` report."""


def check_depth(depth) -> None:
    """``depth`` must be an integer in 1..:data:`MAX_DEPTH`."""
    if not is_int(depth) or depth < 1:
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
