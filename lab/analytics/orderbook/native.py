"""Limit order books, native engine: numba sorted-array book (:mod:`lab.kernels.orderbook`).

Same event semantics, validation, errors and result types as :mod:`lab.analytics.orderbook`;
the replay, the metrics and the simulator's book dynamics run in numba. :func:`simulate_lob`
consumes the same pre-drawn random numbers (:func:`lab.analytics.orderbook.sim_draws`) as the
reference, so both engines return the identical stream for the same arguments.
"""

from __future__ import annotations

from lab.analytics.orderbook.book import as_snapshot
from lab.analytics.orderbook.events import (
    ASK,
    BID,
    BookSnapshot,
    LOBEvents,
    SequenceGapError,
    as_events,
    crossed_snapshot_error,
    crossed_update_error,
    duplicate_level_error,
)
from lab.analytics.orderbook.metrics import check_metric_args, make_metrics
from lab.analytics.orderbook.replay import check_replay_args, make_replay_result, record_rows
from lab.analytics.orderbook.simulate import sim_draws, sim_params
from lab.kernels import orderbook as _k


def lob_metrics(book, depth=5, order_size=1000.0, depth_bps=10.0):
    """Metrics of an L2 book (native engine); see :func:`lab.analytics.orderbook.lob_metrics`."""
    check_metric_args(depth, order_size, depth_bps)
    snap = as_snapshot(book)
    v = _k.book_metrics(
        snap.bid_price,
        snap.bid_qty,
        snap.ask_price,
        snap.ask_qty,
        int(depth),
        float(order_size),
        float(depth_bps),
    )
    return make_metrics(snap.seq, v, depth, order_size, depth_bps)


def ob_replay(events, depth=5, every=1, on_gap="resync"):
    """Replay an L2 event stream (native engine); see :func:`lab.analytics.orderbook.ob_replay`."""
    check_replay_args(depth, every, on_gap)
    ev = as_events(events)
    rows = record_rows(len(ev), every)
    (status, err_row, err_x, err_y, rec_seq, rec_synced, rec, gaps, counts,
     bk, bq, nb, ak, aq, na) = _k.replay(
        ev.seq, ev.kind, ev.side, ev.price, ev.qty, int(depth), rows, on_gap == "raise"
    )  # fmt: skip
    if status == _k.GAP:
        raise SequenceGapError(int(err_x), int(err_y), row=int(err_row))
    if status == _k.CROSSED_UPDATE:
        side = int(ev.side[err_row])
        raise crossed_update_error(side, float(err_x), float(err_y), int(ev.seq[err_row]))
    if status == _k.CROSSED_SNAPSHOT:
        raise crossed_snapshot_error(int(ev.seq[err_row]), float(err_x), float(err_y))
    if status == _k.DUPLICATE:
        raise duplicate_level_error(int(ev.seq[err_row]), BID if err_y > 0 else ASK, float(err_x))
    cur = int(rec_seq[-1]) if len(rec_seq) else -1
    final = BookSnapshot(
        cur,
        bk[:nb][::-1].copy(),
        bq[:nb][::-1].copy(),
        -ak[:na][::-1],
        aq[:na][::-1].copy(),
    )
    return make_replay_result(
        ev, rows, rec_seq, rec_synced, rec, tuple(int(c) for c in counts), gaps, final, depth, every
    )


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
    """Simulate L2 order flow (native engine); see :func:`lab.analytics.orderbook.simulate_lob`
    for the model. Returns the same stream as the reference for the same arguments."""
    p = sim_params(**locals())  # first statement: exactly the arguments, by name
    d = sim_draws(p)
    seq, time, kind, side, price, qty = _k.simulate(
        d.init_qty,
        d.uniform,
        d.expo,
        d.dist.astype(float),
        d.limit_size,
        d.market_size,
        p.n_levels,
        int(round(p.mid0 / p.tick)),
        p.tick,
        p.rate_limit,
        p.rate_market,
        p.rate_cancel,
        p.size_mean,
        p.snapshot_every,
        p.drop_prob,
    )
    return LOBEvents(seq=seq, time=time, kind=kind, side=side, price=price, qty=qty)
