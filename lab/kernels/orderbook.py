"""numba kernels for L2 order books: sorted-array book, sequence-checked replay, metrics and the
order-flow simulator.

Book layout: each side is a pair of arrays ``(keys, qtys)`` sorted by ascending key with the
best level LAST, where ``key = price`` for bids and ``key = -price`` for asks. Most activity is
at the top of the book, so inserting or deleting a level shifts only the few entries behind it.
The semantics (sequence checks, snapshots, qty 0 deletes, crossing checks, metrics formulas and
their summation order) are those of :mod:`lab.analytics.orderbook`.
"""

from __future__ import annotations

import numpy as np

from lab.kernels._jit import kernel

SNAPSHOT, LIMIT, CANCEL, TRADE = 0, 1, 2, 3
BID, ASK = 1, -1

# status codes returned by the kernels (the Python wrappers raise the matching exceptions)
OK, GAP, CROSSED_UPDATE, CROSSED_SNAPSHOT, DUPLICATE = 0, 1, 2, 3, 4


@kernel
def _find(keys, n, key):
    """Leftmost index ``i`` in ``keys[:n]`` with ``keys[i] >= key`` (binary search)."""
    lo = 0
    hi = n
    while lo < hi:
        mid = (lo + hi) >> 1
        if keys[mid] < key:
            lo = mid + 1
        else:
            hi = mid
    return lo


@kernel
def _grow(a, n):
    out = np.empty(max(2 * a.shape[0], 16), dtype=a.dtype)
    out[:n] = a[:n]
    return out


@kernel
def get_qty(keys, qtys, n, key):
    """Quantity at ``key`` (0 if the level is absent)."""
    i = _find(keys, n, key)
    if i < n and keys[i] == key:
        return qtys[i]
    return 0.0


@kernel
def set_level(keys, qtys, n, key, qty):
    """Set level ``key`` to ``qty`` (0 deletes). Returns ``(new n, existed)``.

    The caller guarantees capacity for one more level.
    """
    i = _find(keys, n, key)
    found = i < n and keys[i] == key
    if found:
        if qty == 0.0:
            for j in range(i, n - 1):
                keys[j] = keys[j + 1]
                qtys[j] = qtys[j + 1]
            return n - 1, True
        qtys[i] = qty
        return n, True
    if qty == 0.0:
        return n, False
    for j in range(n, i, -1):
        keys[j] = keys[j - 1]
        qtys[j] = qtys[j - 1]
    keys[i] = key
    qtys[i] = qty
    return n + 1, False


@kernel
def put_level(keys, qtys, n, key, qty):
    """:func:`set_level` after making room for one more level (the arrays are replaced by
    larger copies when full). Returns ``(keys, qtys, new n, existed)``."""
    if n == keys.shape[0]:
        keys = _grow(keys, n)
        qtys = _grow(qtys, n)
    n, existed = set_level(keys, qtys, n, key, qty)
    return keys, qtys, n, existed


@kernel
def apply_messages(bk, bq, nb, ak, aq, na, side, price, qty, starts, o_side, o_price, o_qty):
    """Apply a batch of messages of absolute level changes to a book (validated rows).

    Message ``m`` is rows ``starts[m]:starts[m + 1]``; its deletions (qty 0) are applied first,
    then its other rows, each group in row order (a change is an absolute quantity, so this order
    gives the message's end state, and deleting first never crosses a book that is uncrossed at
    the end). The applied rows are written in that order to ``o_side``, ``o_price``, ``o_qty``
    (room for every row). A positive quantity at or through the opposite best quote stops the
    batch: message ``m`` is then partly applied and its rows are not counted.

    Returns ``(status, bad_msg, bad_row, err_x, err_y, n_msgs, n_rows, bk, bq, nb, ak, aq,
    na)``: ``status`` OK or CROSSED_UPDATE (row ``bad_row`` of message ``bad_msg``, price
    ``err_x`` against best opposite ``err_y``); ``n_msgs`` and ``n_rows`` count the messages
    fully applied and their rows.
    """
    r = 0
    for m in range(starts.shape[0] - 1):
        lo = starts[m]
        hi = starts[m + 1]
        r_msg = r
        for deletions in (True, False):
            for i in range(lo, hi):
                q = qty[i]
                if (q == 0.0) != deletions:
                    continue
                p = price[i]
                if side[i] == BID:
                    if q > 0.0 and na > 0 and p >= -ak[na - 1]:
                        return (CROSSED_UPDATE, m, i, p, -ak[na - 1], m, r_msg,
                                bk, bq, nb, ak, aq, na)  # fmt: skip
                    bk, bq, nb, existed = put_level(bk, bq, nb, p, q)
                else:
                    if q > 0.0 and nb > 0 and p <= bk[nb - 1]:
                        return (CROSSED_UPDATE, m, i, p, bk[nb - 1], m, r_msg,
                                bk, bq, nb, ak, aq, na)  # fmt: skip
                    ak, aq, na, existed = put_level(ak, aq, na, -p, q)
                o_side[r] = side[i]
                o_price[r] = p
                o_qty[r] = q
                r += 1
    return OK, -1, -1, 0.0, 0.0, starts.shape[0] - 1, r, bk, bq, nb, ak, aq, na


@kernel
def _grow_rows(o_seq, o_time, o_kind, o_side, o_price, o_qty, nrow):
    """The simulator's output columns, each copied into twice the room."""
    return (
        _grow(o_seq, nrow),
        _grow(o_time, nrow),
        _grow(o_kind, nrow),
        _grow(o_side, nrow),
        _grow(o_price, nrow),
        _grow(o_qty, nrow),
    )


@kernel
def top_metrics(bk, bq, nb, ak, aq, na, depth, out):
    """Fill ``out`` with best bid, best ask, mid, spread_bps, microprice, imbalance."""
    bb = bk[nb - 1] if nb > 0 else np.nan
    ba = -ak[na - 1] if na > 0 else np.nan
    b1 = bq[nb - 1] if nb > 0 else 0.0
    a1 = aq[na - 1] if na > 0 else 0.0
    sb = 0.0
    for k in range(1, min(depth, nb) + 1):
        sb += bq[nb - k]
    sa = 0.0
    for k in range(1, min(depth, na) + 1):
        sa += aq[na - k]
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
def _walk(prices, qtys, size):
    remaining = size
    notional = 0.0
    for i in range(prices.shape[0]):
        if remaining <= 0.0:
            break
        q = qtys[i]
        take = q if q < remaining else remaining
        notional += take * prices[i]
        remaining -= take
    filled = size - remaining
    vwap = notional / filled if filled > 0.0 else np.nan
    return vwap, filled


@kernel
def book_metrics(bp, bq, ap, aq, depth, order_size, depth_bps):
    """Metrics of a best-first book: the 15 values named by
    :data:`lab.analytics.orderbook.BOOK_METRIC_FIELDS`, in that order (best_bid, best_ask, mid,
    ..., buy_filled, sell_filled)."""
    nb = bp.shape[0]
    na = ap.shape[0]
    bb = bp[0] if nb > 0 else np.nan
    ba = ap[0] if na > 0 else np.nan
    b1 = bq[0] if nb > 0 else 0.0
    a1 = aq[0] if na > 0 else 0.0
    sb = 0.0
    for k in range(min(depth, nb)):
        sb += bq[k]
    sa = 0.0
    for k in range(min(depth, na)):
        sa += aq[k]
    mid = 0.5 * (bb + ba)
    top = b1 + a1
    tot = sb + sa
    lo = mid * (1.0 - depth_bps * 1e-4)
    hi = mid * (1.0 + depth_bps * 1e-4)
    bid_near = 0.0
    for k in range(nb):
        if bp[k] < lo:
            break
        bid_near += bq[k]
    ask_near = 0.0
    for k in range(na):
        if ap[k] > hi:
            break
        ask_near += aq[k]
    if np.isnan(mid):
        bid_near = np.nan
        ask_near = np.nan
    buy_vwap, buy_filled = _walk(ap, aq, order_size)
    sell_vwap, sell_filled = _walk(bp, bq, order_size)
    out = np.empty(15)
    out[0] = bb
    out[1] = ba
    out[2] = mid
    out[3] = ba - bb
    out[4] = (ba - bb) / mid * 1e4
    out[5] = (bb * a1 + ba * b1) / top if top > 0.0 else np.nan
    out[6] = (sb - sa) / tot if tot > 0.0 else np.nan
    out[7] = bid_near
    out[8] = ask_near
    out[9] = buy_vwap
    out[10] = sell_vwap
    out[11] = (buy_vwap / mid - 1.0) * 1e4
    out[12] = (1.0 - sell_vwap / mid) * 1e4
    out[13] = buy_filled
    out[14] = sell_filled
    return out


@kernel
def replay(seq, kind, side, price, qty, depth, rows, raise_on_gap):
    """Replay an event stream (validated arrays) and record top metrics after ``rows``.

    Returns ``(status, err_row, err_x, err_y, rec_seq, rec_synced, rec, gaps, counts, bk, bq,
    nb, ak, aq, na)``. ``status`` is OK or the first error (GAP when ``raise_on_gap``,
    CROSSED_UPDATE, CROSSED_SNAPSHOT, DUPLICATE) at row ``err_row`` with details ``err_x``,
    ``err_y`` (expected/got seq, price/best opposite, best bid/ask, or duplicated price).
    ``counts`` = (applied, snapshots, skipped). The book arrays describe the final book.
    """
    n = seq.shape[0]
    cap = 64
    bk = np.empty(cap)
    bq = np.empty(cap)
    ak = np.empty(cap)
    aq = np.empty(cap)
    nb = 0
    na = 0
    m = rows.shape[0]
    rec_seq = np.empty(m, dtype=np.int64)
    rec_synced = np.zeros(m, dtype=np.bool_)
    rec = np.full((m, 6), np.nan)
    gaps = np.empty((16, 3), dtype=np.int64)
    n_gaps = 0
    counts = np.zeros(3, dtype=np.int64)
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
                nb = 0
                na = 0
                for t in range(i, j):
                    if qty[t] == 0.0:
                        continue
                    if side[t] == BID:
                        bk, bq, nb, existed = put_level(bk, bq, nb, price[t], qty[t])
                    else:
                        ak, aq, na, existed = put_level(ak, aq, na, -price[t], qty[t])
                    if existed:
                        status, err_row, err_x, err_y = DUPLICATE, t, price[t], float(side[t])
                        break
                if status != OK:
                    break
                if nb > 0 and na > 0 and bk[nb - 1] >= -ak[na - 1]:
                    status, err_row, err_x, err_y = CROSSED_SNAPSHOT, i, bk[nb - 1], -ak[na - 1]
                    break
                cur = seq[i]
                synced = True
                counts[1] += 1
            counts[0] += 1
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
            if side[i] == BID:
                if q > 0.0 and na > 0 and p >= -ak[na - 1]:
                    status, err_row, err_x, err_y = CROSSED_UPDATE, i, p, -ak[na - 1]
                    break
                bk, bq, nb, existed = put_level(bk, bq, nb, p, q)
            else:
                if q > 0.0 and nb > 0 and p <= bk[nb - 1]:
                    status, err_row, err_x, err_y = CROSSED_UPDATE, i, p, bk[nb - 1]
                    break
                ak, aq, na, existed = put_level(ak, aq, na, -p, q)
            cur = seq[i]
            counts[0] += 1
        if i == next_row:
            rec_seq[r] = cur
            rec_synced[r] = synced
            if synced:
                top_metrics(bk, bq, nb, ak, aq, na, depth, rec[r])
            r += 1
            if r < m:
                next_row = rows[r]
    return (
        status,
        err_row,
        err_x,
        err_y,
        rec_seq,
        rec_synced,
        rec,
        gaps[:n_gaps],
        counts,
        bk,
        bq,
        nb,
        ak,
        aq,
        na,
    )


@kernel
def simulate(
    init_qty,
    uniform,
    expo,
    dist,
    limit_size,
    market_size,
    n_levels,
    mid_ticks,
    tick,
    rate_limit,
    rate_market,
    rate_cancel,
    size_mean,
    snapshot_every,
    drop_prob,
):
    """Order-flow simulator of :func:`lab.analytics.orderbook.simulate_lob` on pre-drawn
    random numbers; the book is kept in integer ticks (stored as floats). Returns the stream
    arrays ``(seq, time, kind, side, price, qty)``."""
    n_events = uniform.shape[0]
    cap = 2 * n_events + 4 * n_levels + 16
    o_seq = np.empty(cap, dtype=np.int64)
    o_time = np.empty(cap)
    o_kind = np.empty(cap, dtype=np.int8)
    o_side = np.empty(cap, dtype=np.int8)
    o_price = np.empty(cap)
    o_qty = np.empty(cap)
    lcap = 4 * n_levels + 64
    bk = np.empty(lcap)
    bq = np.empty(lcap)
    ak = np.empty(lcap)
    aq = np.empty(lcap)
    nb = 0
    na = 0
    qb = 0.0
    qa = 0.0
    for k in range(n_levels):
        nb, _ = set_level(bk, bq, nb, float(mid_ticks - 1 - k), init_qty[k])
        na, _ = set_level(ak, aq, na, -float(mid_ticks + 1 + k), init_qty[n_levels + k])
    for k in range(n_levels):
        qb += init_qty[k]
    for k in range(n_levels):
        qa += init_qty[n_levels + k]
    t = 0.0
    seq = 0
    nrow = 0
    # changes of one arrival: side, key, new qty (kind is shared)
    ch_side = np.empty(lcap, dtype=np.int8)
    ch_key = np.empty(lcap)
    ch_q = np.empty(lcap)
    for e in range(-1, n_events):
        n_ch = 0
        kind_e = SNAPSHOT
        keep = True
        if e >= 0:
            u_type = uniform[e, 0]
            u_side = uniform[e, 1]
            u_level = uniform[e, 2]
            keep = uniform[e, 3] >= drop_prob
            rate_c = rate_cancel * (qb + qa) / size_mean
            total = rate_limit + rate_market + rate_c
            t += expo[e] / total
            x = u_type * total
            if x < rate_limit:
                kind_e = LIMIT
                if u_side < 0.5:
                    px = -ak[na - 1] - dist[e]
                    ch_side[0] = BID
                    ch_key[0] = px
                    ch_q[0] = get_qty(bk, bq, nb, px) + limit_size[e]
                    qb += limit_size[e]
                else:
                    px = bk[nb - 1] + dist[e]
                    ch_side[0] = ASK
                    ch_key[0] = -px
                    ch_q[0] = get_qty(ak, aq, na, -px) + limit_size[e]
                    qa += limit_size[e]
                n_ch = 1
            elif x < rate_limit + rate_market:
                kind_e = TRADE
                if u_side < 0.5:
                    s = ASK
                    avail = qa - 1.0
                else:
                    s = BID
                    avail = qb - 1.0
                remaining = market_size[e] if market_size[e] < avail else avail
                taken = remaining
                nlev = na if s == ASK else nb
                for k in range(nlev - 1, -1, -1):
                    if remaining <= 0.0:
                        break
                    q = aq[k] if s == ASK else bq[k]
                    take = q if q < remaining else remaining
                    ch_side[n_ch] = s
                    ch_key[n_ch] = ak[k] if s == ASK else bk[k]
                    ch_q[n_ch] = q - take
                    n_ch += 1
                    remaining -= take
                if s == ASK:
                    qa -= taken
                else:
                    qb -= taken
            else:
                kind_e = CANCEL
                if u_side * (qb + qa) < qb:
                    s = BID
                    qside = qb
                    nlev = nb
                else:
                    s = ASK
                    qside = qa
                    nlev = na
                target = u_level * qside
                cum = 0.0
                lvl = 0
                for k in range(nlev - 1, -1, -1):
                    cum += bq[k] if s == BID else aq[k]
                    lvl = k
                    if cum > target:
                        break
                q = bq[lvl] if s == BID else aq[lvl]
                c = limit_size[e] if limit_size[e] < q else q
                if c == qside:
                    c -= 1.0
                if c > 0.0:
                    ch_side[0] = s
                    ch_key[0] = bk[lvl] if s == BID else ak[lvl]
                    ch_q[0] = q - c
                    n_ch = 1
                    if s == BID:
                        qb -= c
                    else:
                        qa -= c
        # apply the changes to the book, then emit them
        for c_i in range(n_ch):
            seq += 1
            if ch_side[c_i] == BID:
                bk, bq, nb, _ = put_level(bk, bq, nb, ch_key[c_i], ch_q[c_i])
            else:
                ak, aq, na, _ = put_level(ak, aq, na, ch_key[c_i], ch_q[c_i])
            if keep:
                if nrow == o_seq.shape[0]:
                    o_seq, o_time, o_kind, o_side, o_price, o_qty = _grow_rows(
                        o_seq, o_time, o_kind, o_side, o_price, o_qty, nrow
                    )
                o_seq[nrow] = seq
                o_time[nrow] = t
                o_kind[nrow] = kind_e
                o_side[nrow] = ch_side[c_i]
                key = ch_key[c_i]
                o_price[nrow] = (key if ch_side[c_i] == BID else -key) * tick
                o_qty[nrow] = ch_q[c_i]
                nrow += 1
        if nb + na + 2 > ch_key.shape[0]:
            ch_side = np.empty(2 * (nb + na) + 2, dtype=np.int8)
            ch_key = np.empty(2 * (nb + na) + 2)
            ch_q = np.empty(2 * (nb + na) + 2)
        if e == -1 or (snapshot_every > 0 and (e + 1) % snapshot_every == 0):
            if e >= 0:
                seq += 1
            while nrow + nb + na >= o_seq.shape[0]:
                o_seq, o_time, o_kind, o_side, o_price, o_qty = _grow_rows(
                    o_seq, o_time, o_kind, o_side, o_price, o_qty, nrow
                )
            for k in range(nb - 1, -1, -1):
                o_seq[nrow] = seq
                o_time[nrow] = t
                o_kind[nrow] = SNAPSHOT
                o_side[nrow] = BID
                o_price[nrow] = bk[k] * tick
                o_qty[nrow] = bq[k]
                nrow += 1
            for k in range(na - 1, -1, -1):
                o_seq[nrow] = seq
                o_time[nrow] = t
                o_kind[nrow] = SNAPSHOT
                o_side[nrow] = ASK
                o_price[nrow] = -ak[k] * tick
                o_qty[nrow] = aq[k]
                nrow += 1
    return (
        o_seq[:nrow].copy(),
        o_time[:nrow].copy(),
        o_kind[:nrow].copy(),
        o_side[:nrow].copy(),
        o_price[:nrow].copy(),
        o_qty[:nrow].copy(),
    )


# ----------------------------------------------------------------------------- Binance decoding

POW10 = 10.0 ** np.arange(23)
"""Exact powers of ten (every one up to 1e22 is a double)."""

MAX_EXACT_MANTISSA = 2**53
"""Largest decimal mantissa whose quotient by an exact power of ten is correctly rounded."""


@kernel
def _ws(b, i, end):
    while i < end and (b[i] == 32 or b[i] == 9 or b[i] == 10 or b[i] == 13):
        i += 1
    return i


@kernel
def _uint(b, i, end):
    """A JSON integer >= 0 at ``i`` (at most 18 digits, no leading zero, not followed by a
    fraction or exponent). Returns ``(value, next index, ok)``."""
    v = 0
    j = i
    while j < end and 48 <= b[j] <= 57:
        if j - i == 18:
            return 0, j, False
        v = v * 10 + (b[j] - 48)
        j += 1
    if j == i or (b[i] == 48 and j - i > 1):
        return 0, j, False
    if j < end and (b[j] == 46 or b[j] == 101 or b[j] == 69):
        return 0, j, False
    return v, j, True


@kernel
def _decimal(b, i, end):
    """A JSON string holding a plain decimal (``digits[.digits]``) at ``i``, converted exactly as
    Python's ``float`` does (the mantissa below 2**53 and at most 22 decimals, so one division
    by an exact power of ten is correctly rounded). Returns ``(value, next index, ok)``."""
    if i >= end or b[i] != 34:
        return 0.0, i, False
    j = i + 1
    m = 0
    k = 0
    digits = 0
    dot = False
    while j < end and b[j] != 34:
        c = b[j]
        if 48 <= c <= 57:
            if dot:
                k += 1
            else:
                digits += 1
            if m >= MAX_EXACT_MANTISSA // 10:
                return 0.0, j, False
            m = m * 10 + (c - 48)
        elif c == 46 and not dot and digits > 0:
            dot = True
        else:
            return 0.0, j, False
        j += 1
    if j >= end or digits == 0 or k > 22 or m > MAX_EXACT_MANTISSA:
        return 0.0, j, False
    return m / POW10[k], j + 1, True


@kernel
def _same(b, i, end, word):
    """Whether the JSON string at ``i`` is exactly ``word`` (no escapes); next index."""
    n = word.shape[0]
    if i + n + 2 > end or b[i] != 34 or b[i + n + 1] != 34:
        return False, i
    for t in range(n):
        if b[i + 1 + t] != word[t]:
            return False, i
    return True, i + n + 2


@kernel
def _levels(b, i, end, side, o_side, o_price, o_qty, r):
    """``[["price","qty"], ...]`` at ``i``, appended at row ``r``; ``(next, rows end, ok)``."""
    if i >= end or b[i] != 91:
        return i, r, False
    i = _ws(b, i + 1, end)
    if i < end and b[i] == 93:
        return i + 1, r, True
    while True:
        if i >= end or b[i] != 91:
            return i, r, False
        p, i, ok = _decimal(b, _ws(b, i + 1, end), end)
        if not ok or p <= 0.0:
            return i, r, False
        i = _ws(b, i, end)
        if i >= end or b[i] != 44:
            return i, r, False
        q, i, ok = _decimal(b, _ws(b, i + 1, end), end)
        if not ok:
            return i, r, False
        i = _ws(b, i, end)
        if i >= end or b[i] != 93:
            return i, r, False
        if r >= o_side.shape[0]:
            return i, r, False
        o_side[r] = side
        o_price[r] = p
        o_qty[r] = q
        r += 1
        i = _ws(b, i + 1, end)
        if i < end and b[i] == 44:
            i = _ws(b, i + 1, end)
            continue
        if i < end and b[i] == 93:
            return i + 1, r, True
        return i, r, False


@kernel
def decode_binance(data, offsets, event, symbol, o_side, o_price, o_qty, m_ok, m_ids, m_rows):
    """Decode Binance diff-depth events of the canonical shape, many at once.

    Message ``m`` is ``data[offsets[m]:offsets[m + 1]]`` (ASCII): a JSON object with exactly the
    keys ``e`` (== ``event``), ``E``, ``s`` (== ``symbol``), ``U``, ``u`` (integers), ``b`` and
    ``a`` (arrays of ``["price", "qty"]`` decimal strings, price > 0). ``m_ok[m]`` is True when it
    has that shape; then ``m_ids[m] = (U, u, E)``, ``m_rows[m]`` its levels, written (bids then
    asks) after those of the previous messages to ``o_side``, ``o_price``, ``o_qty``. Anything
    else (another key, escapes, exponents, long mantissas, malformed JSON) leaves
    ``m_ok[m]`` False for the caller's general decoder. Returns the rows written.
    """
    r = 0
    for m in range(offsets.shape[0] - 1):
        m_ok[m] = False
        m_rows[m] = 0
        i = offsets[m]
        end = offsets[m + 1]
        r0 = r
        seen = 0  # bit per key
        ok = True
        i = _ws(data, i, end)
        if i >= end or data[i] != 123:
            continue
        i = _ws(data, i + 1, end)
        while ok:
            if i + 3 > end or data[i] != 34 or data[i + 2] != 34:
                ok = False
                break
            key = data[i + 1]
            i = _ws(data, i + 3, end)
            if i >= end or data[i] != 58:
                ok = False
                break
            i = _ws(data, i + 1, end)
            if key == 101:  # e
                bit = 1
                ok, i = _same(data, i, end, event)
            elif key == 69:  # E
                bit = 2
                v, i, ok = _uint(data, i, end)
                m_ids[m, 2] = v
            elif key == 115:  # s
                bit = 4
                ok, i = _same(data, i, end, symbol)
            elif key == 85:  # U
                bit = 8
                v, i, ok = _uint(data, i, end)
                m_ids[m, 0] = v
            elif key == 117:  # u
                bit = 16
                v, i, ok = _uint(data, i, end)
                m_ids[m, 1] = v
            elif key == 98:  # b
                bit = 32
                i, r, ok = _levels(data, i, end, BID, o_side, o_price, o_qty, r)
            elif key == 97:  # a
                bit = 64
                i, r, ok = _levels(data, i, end, ASK, o_side, o_price, o_qty, r)
            else:
                ok = False
            if not ok or seen & bit:
                ok = False
                break
            seen |= bit
            i = _ws(data, i, end)
            if i < end and data[i] == 44:
                i = _ws(data, i + 1, end)
                continue
            if i < end and data[i] == 125:
                i = _ws(data, i + 1, end)
                break
            ok = False
        if ok and seen == 127 and i == end:
            m_ok[m] = True
            m_rows[m] = r - r0
        else:
            r = r0
    return r


@kernel
def events_valid(seq, time, kind, side, price, qty):
    """Whether canonical event columns pass every check of
    :func:`lab.analytics.orderbook.as_events` (one pass; the caller re-runs that function to
    name the first problem when this returns False)."""
    n = seq.shape[0]
    if n == 0:
        return False
    for i in range(n):
        k = kind[i]
        s = side[i]
        p = price[i]
        q = qty[i]
        if seq[i] < 0 or k < SNAPSHOT or k > TRADE or (s != BID and s != ASK):
            return False
        if not (np.isfinite(time[i]) and np.isfinite(p) and np.isfinite(q) and p > 0.0):
            return False
        if q < 0.0:
            return False
    return True
