"""numba kernels for the price-indexed ("ladder") L2 book of the native ``ob_replay``.

Book layout: one float64 array ``book`` of shape ``(span, 4)``; row ``k`` is the price slot
``base + k`` on a grid of ``tick`` and holds ``(bid qty, bid price, ask qty, ask price)``, so an
update touches one 32-byte row. A price ``p`` goes to slot ``floor(p / tick + 0.5) - base``;
that map is monotone in ``p`` (a product with a positive constant and a rounding are both
monotone in IEEE arithmetic), so slot order is price order. A level is live while its quantity
is positive, and it keeps the EXACT float price it was set with: levels stay keyed by the exact
price, as in :mod:`lab.analytics.orderbook`. Two different live prices in one slot (the tick
was too coarse) stop the kernel with :data:`COLLISION` and the caller retries with a finer
tick; a price beyond :data:`MAX_SPAN` slots of the others stops it with :data:`SPAN` (the caller
then uses the sorted-array book of :mod:`lab.kernels.orderbook`, which has no range).

The best bid and ask are tracked as slot indices: an insert above the best bid (below the best
ask) moves it in O(1); deleting the best level scans to the next live slot, which on a dense
book is the neighbouring one. Each side also keeps the lowest and highest slot used since the
last snapshot, so a snapshot clears only that range and scans never leave it. Prices out of the
array's range re-centre it in a larger array (up to :data:`MAX_SPAN` slots).

The event semantics (sequence checks, snapshots, qty 0 deletes, crossing checks, duplicate
snapshot levels, the metrics and their summation order) are those of
:func:`lab.kernels.orderbook.replay`, whose status codes this kernel returns too.
"""

from __future__ import annotations

import numpy as np

from lab.kernels._jit import kernel
from lab.kernels.orderbook import (
    BID,
    CROSSED_SNAPSHOT,
    CROSSED_UPDATE,
    DUPLICATE,
    GAP,
    OK,
    SNAPSHOT,
)

COLLISION = 10
"""Status: two different live prices fell into one slot (``err_x`` is their distance)."""

SPAN = 11
"""Status: the prices span more than :data:`MAX_SPAN` slots."""

START_SPAN = 4096
"""Slots of a new book (128 KiB), centred on the first price."""

MAX_SPAN = 1 << 19
"""Most slots of a book (16 MiB); wider books use the sorted-array kernel."""

TICK_SAMPLES = 4096
"""Prices sampled (evenly over the stream) by :func:`infer_tick`."""

# rows of the int64 state array
_BASE, _NB, _NA, _BB, _BA, _BLO, _BHI, _ALO, _AHI = range(9)


@kernel
def infer_tick(price):
    """The grid step of a stream: the smallest positive gap between :data:`TICK_SAMPLES`
    prices sampled evenly over it (the first price when they are all equal)."""
    n = price.shape[0]
    m = min(n, TICK_SAMPLES)
    s = np.empty(m)
    for j in range(m):
        s[j] = price[(j * n) // m]
    s.sort()
    tick = np.inf
    for j in range(1, m):
        d = s[j] - s[j - 1]
        if 0.0 < d < tick:
            tick = d
    if tick == np.inf:
        tick = price[0]
    return tick


@kernel
def _slot(p, inv):
    return np.int64(np.floor(p * inv + 0.5))


@kernel
def _regrow(book, st, k):
    """A larger array holding slot ``k`` (relative to the current base) and every used slot,
    or an empty array when that needs more than :data:`MAX_SPAN` slots. Updates ``st``."""
    span = book.shape[0]
    lo = k
    hi = k
    if st[_BLO] <= st[_BHI]:
        lo = min(lo, st[_BLO])
        hi = max(hi, st[_BHI])
    if st[_ALO] <= st[_AHI]:
        lo = min(lo, st[_ALO])
        hi = max(hi, st[_AHI])
    need = hi - lo + 1
    new_span = span
    while new_span < 2 * need:
        new_span *= 2
    if new_span > MAX_SPAN:
        return np.empty((0, 4))
    shift = (new_span - need) // 2 - lo  # new index = old index + shift
    out = np.zeros((new_span, 4))
    for side in range(2):
        a = st[_BLO] if side == 0 else st[_ALO]
        b = st[_BHI] if side == 0 else st[_AHI]
        c = 2 * side
        for j in range(a, b + 1):
            out[j + shift, c] = book[j, c]
            out[j + shift, c + 1] = book[j, c + 1]
    st[_BASE] -= shift
    if st[_NB] > 0:
        st[_BB] += shift
    else:
        st[_BB] = -1
    if st[_NA] > 0:
        st[_BA] += shift
    else:
        st[_BA] = new_span
    for f in (_BLO, _ALO):  # a used range, or the empty range (new_span, -1)
        if st[f] <= st[f + 1]:
            st[f] += shift
            st[f + 1] += shift
        else:
            st[f] = new_span
            st[f + 1] = -1
    return out


@kernel
def _clear(book, st, span):
    """Empty the book (only the used slot ranges are written)."""
    for j in range(st[_BLO], st[_BHI] + 1):
        book[j, 0] = 0.0
    for j in range(st[_ALO], st[_AHI] + 1):
        book[j, 2] = 0.0
    st[_NB] = 0
    st[_NA] = 0
    st[_BB] = -1
    st[_BA] = span
    st[_BLO] = span
    st[_BHI] = -1
    st[_ALO] = span
    st[_AHI] = -1


@kernel
def _put(book, st, k, is_bid, p, q):
    """Set slot ``k`` of one side to quantity ``q`` at price ``p`` (0 deletes). Returns 0, 1
    when the level already existed (a duplicate, for a snapshot), or 2 when slot ``k`` holds a
    different live price (a collision)."""
    c = 0 if is_bid else 2
    cur = book[k, c]
    if cur > 0.0:
        if book[k, c + 1] != p:
            return 2
        if q > 0.0:
            book[k, c] = q
            return 1
        book[k, c] = 0.0
        if is_bid:
            st[_NB] -= 1
            if k == st[_BB]:
                j = -1
                if st[_NB] > 0:
                    j = k - 1
                    while book[j, 0] <= 0.0:
                        j -= 1
                st[_BB] = j
        else:
            st[_NA] -= 1
            if k == st[_BA]:
                j = book.shape[0]
                if st[_NA] > 0:
                    j = k + 1
                    while book[j, 2] <= 0.0:
                        j += 1
                st[_BA] = j
        return 1
    if q > 0.0:
        book[k, c] = q
        book[k, c + 1] = p
        if is_bid:
            st[_NB] += 1
            if k > st[_BB]:
                st[_BB] = k
            if k < st[_BLO]:
                st[_BLO] = k
            if k > st[_BHI]:
                st[_BHI] = k
        else:
            st[_NA] += 1
            if k < st[_BA]:
                st[_BA] = k
            if k < st[_ALO]:
                st[_ALO] = k
            if k > st[_AHI]:
                st[_AHI] = k
    return 0


@kernel
def _top(book, st, depth, out):
    """Best bid, best ask, mid, spread_bps, microprice, imbalance into ``out`` (the formulas
    and summation order of :func:`lab.kernels.orderbook.top_metrics`)."""
    nb = st[_NB]
    na = st[_NA]
    bb = np.nan
    ba = np.nan
    b1 = 0.0
    a1 = 0.0
    sb = 0.0
    sa = 0.0
    if nb > 0:
        j = st[_BB]
        bb = book[j, 1]
        b1 = book[j, 0]
        left = min(depth, nb)
        while left > 0:
            q = book[j, 0]
            if q > 0.0:
                sb += q
                left -= 1
            j -= 1
    if na > 0:
        j = st[_BA]
        ba = book[j, 3]
        a1 = book[j, 2]
        left = min(depth, na)
        while left > 0:
            q = book[j, 2]
            if q > 0.0:
                sa += q
                left -= 1
            j += 1
    mid = 0.5 * (bb + ba)
    out[0] = bb
    out[1] = ba
    out[2] = mid
    out[3] = (ba - bb) / mid * 1e4
    top = b1 + a1
    out[4] = (bb * a1 + ba * b1) / top if top > 0.0 else np.nan
    tot = sb + sa
    out[5] = (sb - sa) / tot if tot > 0.0 else np.nan


@kernel
def _levels(book, st):
    """The live levels best first: ``(bid_price, bid_qty, ask_price, ask_qty)``."""
    bp = np.empty(st[_NB])
    bq = np.empty(st[_NB])
    ap = np.empty(st[_NA])
    aq = np.empty(st[_NA])
    i = 0
    for j in range(st[_BHI], st[_BLO] - 1, -1):
        if book[j, 0] > 0.0:
            bp[i] = book[j, 1]
            bq[i] = book[j, 0]
            i += 1
    i = 0
    for j in range(st[_ALO], st[_AHI] + 1):
        if book[j, 2] > 0.0:
            ap[i] = book[j, 3]
            aq[i] = book[j, 2]
            i += 1
    return bp, bq, ap, aq


@kernel
def replay(seq, kind, side, price, qty, depth, rows, raise_on_gap, tick):
    """Replay an event stream (validated arrays) on a ladder book with grid ``tick`` and
    record top metrics after ``rows``.

    Returns ``(status, err_row, err_x, err_y, rec_seq, rec_synced, rec, gaps, counts,
    bid_price, bid_qty, ask_price, ask_qty)``: as :func:`lab.kernels.orderbook.replay`, with
    the final book as best-first levels; ``status`` may also be :data:`COLLISION` (``err_x``
    the distance of the two prices) or :data:`SPAN`, after which nothing else is meaningful.

    The update path keeps the book's state in local variables (the state array ``st`` is
    written back only around the rare snapshots, re-centrings and records).
    """
    n = seq.shape[0]
    inv = 1.0 / tick
    span = START_SPAN
    book = np.zeros((span, 4))
    st = np.empty(9, dtype=np.int64)
    st[_BASE] = _slot(price[0], inv) - span // 2
    st[_BLO] = 0
    st[_BHI] = -1
    st[_ALO] = 0
    st[_AHI] = -1
    _clear(book, st, span)
    base, nb, na, bb, ba, blo, bhi, alo, ahi = (
        st[0],
        st[1],
        st[2],
        st[3],
        st[4],
        st[5],
        st[6],
        st[7],
        st[8],
    )
    m = rows.shape[0]
    rec_seq = np.empty(m, dtype=np.int64)
    rec_synced = np.zeros(m, dtype=np.bool_)
    rec = np.full((m, 6), np.nan)
    gaps = np.empty((16, 3), dtype=np.int64)
    n_gaps = 0
    counts = np.zeros(3, dtype=np.int64)
    n_applied = 0
    cur = -1
    synced = False
    snap_end = -1
    r = 0
    next_row = rows[0]
    status = OK
    err_row = -1
    err_x = 0.0
    err_y = 0.0
    for i in range(n):
        if kind[i] == SNAPSHOT:
            if i >= snap_end:
                j = i + 1
                while j < n and kind[j] == SNAPSHOT and seq[j] == seq[i]:
                    j += 1
                snap_end = j
                st[0], st[1], st[2], st[3], st[4], st[5], st[6], st[7], st[8] = (
                    base, nb, na, bb, ba, blo, bhi, alo, ahi)  # fmt: skip
                _clear(book, st, span)
                for t in range(i, j):
                    q = qty[t]
                    if q == 0.0:
                        continue
                    p = price[t]
                    k = _slot(p, inv) - st[_BASE]
                    if k < 0 or k >= span:
                        book = _regrow(book, st, k)
                        if book.shape[0] == 0:
                            status = SPAN
                            break
                        span = book.shape[0]
                        k = _slot(p, inv) - st[_BASE]
                    is_bid = side[t] == BID
                    res = _put(book, st, k, is_bid, p, q)
                    if res == 2:
                        status = COLLISION
                        err_x = abs(p - book[k, 1 if is_bid else 3])
                        break
                    if res == 1:
                        status, err_row, err_x, err_y = DUPLICATE, t, p, float(side[t])
                        break
                base, nb, na, bb, ba, blo, bhi, alo, ahi = (
                    st[0],
                    st[1],
                    st[2],
                    st[3],
                    st[4],
                    st[5],
                    st[6],
                    st[7],
                    st[8],
                )
                if status != OK:
                    break
                if nb > 0 and na > 0 and book[bb, 1] >= book[ba, 3]:
                    status, err_row, err_x, err_y = CROSSED_SNAPSHOT, i, book[bb, 1], book[ba, 3]
                    break
                cur = seq[i]
                synced = True
                counts[1] += 1
            n_applied += 1
        elif not synced:
            counts[2] += 1
        elif seq[i] != cur + 1:
            if raise_on_gap:
                status, err_row, err_x, err_y = GAP, i, float(cur + 1), float(seq[i])
                break
            if n_gaps == gaps.shape[0]:
                g2 = np.empty((2 * n_gaps, 3), dtype=np.int64)
                g2[:n_gaps] = gaps[:n_gaps]
                gaps = g2
            gaps[n_gaps, 0] = i
            gaps[n_gaps, 1] = cur + 1
            gaps[n_gaps, 2] = seq[i]
            n_gaps += 1
            synced = False
            counts[2] += 1
        else:
            p = price[i]
            q = qty[i]
            k = np.int64(np.floor(p * inv + 0.5)) - base
            inside = k >= 0 and k < span
            if side[i] == BID:
                if q > 0.0:
                    if na > 0 and p >= book[ba, 3]:
                        status, err_row, err_x, err_y = CROSSED_UPDATE, i, p, book[ba, 3]
                        break
                    if not inside:
                        st[0], st[1], st[2], st[3], st[4], st[5], st[6], st[7], st[8] = (
                            base, nb, na, bb, ba, blo, bhi, alo, ahi)  # fmt: skip
                        book = _regrow(book, st, k)
                        if book.shape[0] == 0:
                            status = SPAN
                            break
                        span = book.shape[0]
                        base, nb, na, bb, ba, blo, bhi, alo, ahi = (
                            st[0],
                            st[1],
                            st[2],
                            st[3],
                            st[4],
                            st[5],
                            st[6],
                            st[7],
                            st[8],
                        )
                        k = np.int64(np.floor(p * inv + 0.5)) - base
                    if book[k, 0] > 0.0:
                        if book[k, 1] != p:
                            status, err_x = COLLISION, abs(p - book[k, 1])
                            break
                        book[k, 0] = q
                    else:
                        book[k, 0] = q
                        book[k, 1] = p
                        nb += 1
                        bb = max(bb, k)
                        blo = min(blo, k)
                        bhi = max(bhi, k)
                elif inside and book[k, 0] > 0.0:
                    if book[k, 1] != p:
                        status, err_x = COLLISION, abs(p - book[k, 1])
                        break
                    book[k, 0] = 0.0
                    nb -= 1
                    if k == bb:
                        bb = -1
                        if nb > 0:
                            bb = k - 1
                            while book[bb, 0] <= 0.0:
                                bb -= 1
            else:
                if q > 0.0:
                    if nb > 0 and p <= book[bb, 1]:
                        status, err_row, err_x, err_y = CROSSED_UPDATE, i, p, book[bb, 1]
                        break
                    if not inside:
                        st[0], st[1], st[2], st[3], st[4], st[5], st[6], st[7], st[8] = (
                            base, nb, na, bb, ba, blo, bhi, alo, ahi)  # fmt: skip
                        book = _regrow(book, st, k)
                        if book.shape[0] == 0:
                            status = SPAN
                            break
                        span = book.shape[0]
                        base, nb, na, bb, ba, blo, bhi, alo, ahi = (
                            st[0],
                            st[1],
                            st[2],
                            st[3],
                            st[4],
                            st[5],
                            st[6],
                            st[7],
                            st[8],
                        )
                        k = np.int64(np.floor(p * inv + 0.5)) - base
                    if book[k, 2] > 0.0:
                        if book[k, 3] != p:
                            status, err_x = COLLISION, abs(p - book[k, 3])
                            break
                        book[k, 2] = q
                    else:
                        book[k, 2] = q
                        book[k, 3] = p
                        na += 1
                        ba = min(ba, k)
                        alo = min(alo, k)
                        ahi = max(ahi, k)
                elif inside and book[k, 2] > 0.0:
                    if book[k, 3] != p:
                        status, err_x = COLLISION, abs(p - book[k, 3])
                        break
                    book[k, 2] = 0.0
                    na -= 1
                    if k == ba:
                        ba = span
                        if na > 0:
                            ba = k + 1
                            while book[ba, 2] <= 0.0:
                                ba += 1
            cur = seq[i]
            n_applied += 1
        if i == next_row:
            rec_seq[r] = cur
            rec_synced[r] = synced
            if synced:
                st[0], st[1], st[2], st[3], st[4], st[5], st[6], st[7], st[8] = (
                    base, nb, na, bb, ba, blo, bhi, alo, ahi)  # fmt: skip
                _top(book, st, depth, rec[r])
            r += 1
            if r < m:
                next_row = rows[r]
    counts[0] = n_applied
    st[0], st[1], st[2], st[3], st[4], st[5], st[6], st[7], st[8] = (
        base, nb, na, bb, ba, blo, bhi, alo, ahi)  # fmt: skip
    if status == SPAN:  # the book was dropped; the caller replays on the sorted book
        st[_NB] = 0
        st[_NA] = 0
        st[_BLO] = 0
        st[_BHI] = -1
        st[_ALO] = 0
        st[_AHI] = -1
    bp, bq, ap, aq = _levels(book, st)
    return (status, err_row, err_x, err_y, rec_seq, rec_synced, rec, gaps[:n_gaps], counts,
            bp, bq, ap, aq)  # fmt: skip
