"""Limit order books, native engine: numba kernels; ``ob_replay`` runs on the price-indexed
ladder book of :mod:`lab.kernels.ladder` (the sorted-array book of :mod:`lab.kernels.orderbook`
for streams too wide for it), the metrics and the simulator on :mod:`lab.kernels.orderbook`.

Same event semantics, validation, errors and result types as :mod:`lab.analytics.orderbook`;
the replay, the metrics and the simulator's book dynamics run in numba. :func:`simulate_lob`
consumes the same pre-drawn random numbers (:func:`lab.analytics.orderbook.sim_draws`) as the
reference, so both engines return the identical stream for the same arguments.
"""

from __future__ import annotations

import numpy as np

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
from lab.kernels import ladder as _ladder
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
    """Replay an L2 event stream (native engine); see :func:`lab.analytics.orderbook.ob_replay`.

    The book is the price-indexed ladder of :mod:`lab.kernels.ladder` on the stream's own tick
    (:func:`lab.kernels.ladder.infer_tick`), refined when two live prices share a slot; a
    stream whose prices span more than :data:`lab.kernels.ladder.MAX_SPAN` ticks replays on
    the sorted-array book of :func:`lab.kernels.orderbook.replay`. Both give the reference's
    results exactly.
    """
    check_replay_args(depth, every, on_gap)
    ev = _checked_events(events)
    rows = record_rows(len(ev), every)
    out = _replay(ev, int(depth), rows, on_gap == "raise")
    status, err_row, err_x, err_y, rec_seq, rec_synced, rec, gaps, counts, final = out
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
    return make_replay_result(
        ev,
        rows,
        rec_seq,
        rec_synced,
        rec,
        tuple(int(c) for c in counts),
        gaps,
        BookSnapshot(cur, *final),
        depth,
        every,
    )


_CANONICAL = {
    "seq": np.int64,
    "time": np.float64,
    "kind": np.int8,
    "side": np.int8,
    "price": np.float64,
    "qty": np.float64,
}


def _checked_events(events) -> LOBEvents:
    """:func:`as_events` without its column copies when ``events`` is already an
    :class:`LOBEvents` of canonical contiguous columns that pass one numba pass of the same
    checks (anything else goes through :func:`as_events`, which names the problem)."""
    if isinstance(events, LOBEvents):
        cols = [getattr(events, name) for name in _CANONICAL]
        if (
            all(
                isinstance(c, np.ndarray) and c.ndim == 1 and c.dtype == dt and c.flags.c_contiguous
                for c, dt in zip(cols, _CANONICAL.values(), strict=True)
            )
            and len({c.shape[0] for c in cols}) == 1
            and _k.events_valid(*cols)
        ):
            return events
    return as_events(events)


LADDER_ATTEMPTS = 4
"""Ladder replays tried (each on a finer tick after a slot collision) before the sorted book."""


def _replay(ev: LOBEvents, depth: int, rows, raise_on_gap: bool):
    """Run the ladder kernel, or the sorted-array kernel when the ladder cannot hold the
    stream; returns the kernel outputs with the final book as best-first level arrays."""
    tick = float(_ladder.infer_tick(ev.price))
    for _ in range(LADDER_ATTEMPTS):
        out = _ladder.replay(ev.seq, ev.kind, ev.side, ev.price, ev.qty, depth, rows,
                             raise_on_gap, tick)  # fmt: skip
        if out[0] == _ladder.COLLISION:
            tick = min(tick, float(out[2])) / 2.0
            continue
        if out[0] == _ladder.SPAN:
            break
        return (*out[:9], out[9:])
    (status, err_row, err_x, err_y, rec_seq, rec_synced, rec, gaps, counts,
     bk, bq, nb, ak, aq, na) = _k.replay(
        ev.seq, ev.kind, ev.side, ev.price, ev.qty, depth, rows, raise_on_gap
    )  # fmt: skip
    final = (bk[:nb][::-1].copy(), bq[:nb][::-1].copy(), -ak[:na][::-1], aq[:na][::-1].copy())
    return status, err_row, err_x, err_y, rec_seq, rec_synced, rec, gaps, counts, final


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
