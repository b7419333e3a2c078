""":func:`ob_replay`: replay an event stream through the book and record its metrics (reference
engine), with gap handling and the result assembly both engines share.
"""

from __future__ import annotations

import numpy as np

from lab.analytics.orderbook.book import OrderBook, snapshot_end
from lab.analytics.orderbook.events import (
    SNAPSHOT,
    BookSnapshot,
    LOBEvents,
    SequenceGapError,
    as_events,
    is_int,
)
from lab.analytics.orderbook.metrics import check_depth, top_metrics
from lab.analytics.orderbook.results import ReplayResult


def check_replay_args(depth, every, on_gap) -> None:
    """Validate the parameters of :func:`ob_replay` (``depth`` at most :data:`MAX_DEPTH`)."""
    check_depth(depth)
    if not is_int(every) or every < 1:
        raise ValueError(f"every must be an integer >= 1, got {every!r}")
    if on_gap not in ("resync", "raise"):
        raise ValueError(f"on_gap must be 'resync' or 'raise', got {on_gap!r}")


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
                snap_end = snapshot_end(kind, seq, i)
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
