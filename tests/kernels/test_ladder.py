"""The price-indexed ladder book of the native ``ob_replay`` (lab/kernels/ladder.py): exactly
the reference's results on random streams (add, cancel, modify, trade rows; price jumps far
beyond the preset and the largest range; off-grid prices; crossing updates and snapshots;
empty sides; gaps and snapshots), and the slot-collision and span fallbacks taken when they
must be."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lab.analytics import orderbook as reference
from lab.analytics.orderbook import ASK, BID, CANCEL, LIMIT, SNAPSHOT, TRADE, native
from lab.analytics.orderbook.replay import record_rows
from lab.kernels import ladder
from tests.analytics._helpers import assert_same_book, events

SERIES = ("index", "seq", "time", "synced", "best_bid", "best_ask", "mid", "spread_bps",
          "microprice", "imbalance", "gap_index", "gap_expected", "gap_got")  # fmt: skip
COUNTS = ("n_events", "n_applied", "n_skipped", "n_snapshots", "n_gaps", "depth", "every")

TICK = 0.01
NEAR = st.integers(-30, 30).map(lambda k: round(100.0 + k * TICK, 2))
FAR = st.sampled_from([
    100.0 + 5000 * TICK,  # beyond the START_SPAN slots of a new book
    100.0 - 3000 * TICK,
    100.0 + 2e6 * TICK,  # beyond MAX_SPAN slots: the sorted-array book takes over
    0.5,
    100.005,  # off the 0.01 grid: shares a slot with a neighbour unless the tick is refined
    100.0051,
])  # fmt: skip
PRICE = st.one_of(NEAR, NEAR, NEAR, FAR)
QTY = st.sampled_from([0.0, 0.0, 1.0, 2.5, 7.0])
ROW = st.one_of(
    st.tuples(
        st.just("upd"),
        st.sampled_from([LIMIT, CANCEL, TRADE]),
        st.sampled_from([BID, ASK]),
        PRICE,
        QTY,
    ),  # fmt: skip
    st.tuples(
        st.just("snap"), st.lists(st.tuples(st.sampled_from([BID, ASK]), PRICE, QTY), max_size=6)
    ),  # fmt: skip
    st.tuples(st.just("gap")),
)


def build(ops):
    """Stream rows from ops: updates carry the next seq, a gap skips one, a snapshot's rows
    share one seq (an empty snapshot is one qty-0 row)."""
    rows, seq = [], 0
    for op in ops:
        if op[0] == "upd":
            seq += 1
            rows.append((seq, op[1], op[2], op[3], op[4]))
        elif op[0] == "gap":
            seq += 1
        else:
            seq += 1
            levels = op[1] or [(BID, 100.0, 0.0)]
            rows.extend((seq, SNAPSHOT, s, p, q) for s, p, q in levels)
    return events(rows)


def assert_same_outcome(ev, **kwargs):
    """Both engines raise the same error, or return exactly equal results (NaN == NaN)."""
    try:
        ref = reference.ob_replay(ev, **kwargs)
    except (ValueError, reference.SequenceGapError) as exc:
        with pytest.raises(type(exc)) as info:
            native.ob_replay(ev, **kwargs)
        assert str(info.value) == str(exc)
        return
    nat = native.ob_replay(ev, **kwargs)
    for name in SERIES:
        x, y = getattr(ref, name), getattr(nat, name)
        assert x.dtype == y.dtype, name
        np.testing.assert_array_equal(x, y, err_msg=name)
    for name in COUNTS:
        assert getattr(ref, name) == getattr(nat, name), name
    assert_same_book(ref.final, nat.final)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(ROW, min_size=1, max_size=60),
    st.sampled_from([1, 2, 3, 50]),
    st.integers(1, 4),
    st.sampled_from(["resync", "raise"]),
)
def test_ladder_replay_equals_the_reference_on_random_streams(ops, depth, every, on_gap):
    ev = build([("snap", [(BID, 99.99, 3.0), (ASK, 100.01, 4.0)])] + ops)
    assert_same_outcome(ev, depth=depth, every=every, on_gap=on_gap)


def kernel(ev, tick):
    rows = record_rows(len(ev), 1)
    return ladder.replay(ev.seq, ev.kind, ev.side, ev.price, ev.qty, 3, rows, False, tick)


def test_ladder_tracks_the_best_levels_through_deletes_and_empty_sides():
    ev = events([
        (0, SNAPSHOT, BID, 99.0, 1.0), (0, SNAPSHOT, BID, 98.0, 2.0),
        (0, SNAPSHOT, ASK, 101.0, 3.0),
        (1, LIMIT, BID, 99.5, 4.0),  # new best bid
        (2, CANCEL, BID, 99.5, 0.0),  # best deleted: back to 99
        (3, TRADE, BID, 99.0, 0.0), (4, TRADE, BID, 98.0, 0.0),  # bids empty
        (5, CANCEL, ASK, 101.0, 0.0),  # both sides empty
        (6, LIMIT, ASK, 150.0, 1.0),  # 5,000 ticks away: the array is re-centred
    ])  # fmt: skip
    out = kernel(ev, 0.5)
    assert out[0] == ladder.OK
    rec = out[6]
    nan = np.nan
    np.testing.assert_array_equal(rec[:, 0], [99, 99, 99, 99.5, 99, 98, nan, nan, nan])
    np.testing.assert_array_equal(rec[:, 1], [101] * 7 + [nan, 150])
    assert [a.tolist() for a in out[9:]] == [[], [], [150.0], [1.0]]
    assert_same_outcome(ev, depth=2)


def test_a_coarse_tick_is_a_collision_and_the_wrapper_refines_it():
    ev = events([(0, SNAPSHOT, BID, 99.0, 1.0), (0, SNAPSHOT, ASK, 101.0, 1.0),
                 (1, LIMIT, BID, 99.01, 2.0)])  # fmt: skip
    out = kernel(ev, 1.0)
    assert out[0] == ladder.COLLISION
    assert out[2] == pytest.approx(0.01)
    assert kernel(ev, out[2] / 2)[0] == ladder.OK
    assert ladder.infer_tick(ev.price) == pytest.approx(0.01)
    assert_same_outcome(ev)


def test_prices_wider_than_the_largest_ladder_go_to_the_sorted_book():
    far = 100.0 + (ladder.MAX_SPAN + 10) * 0.01
    ev = events([(0, SNAPSHOT, BID, 99.0, 1.0), (0, SNAPSHOT, ASK, 101.0, 1.0),
                 (1, LIMIT, BID, 99.01, 2.0), (2, LIMIT, ASK, far, 1.0)])  # fmt: skip
    assert kernel(ev, 0.01)[0] == ladder.SPAN
    res = native.ob_replay(ev)
    np.testing.assert_array_equal(res.final.ask_price, [101.0, far])
    assert_same_outcome(ev)


def test_ladder_equals_the_reference_on_a_simulated_feed_with_gaps():
    ev = native.simulate_lob(20_000, seed=3, snapshot_every=700, drop_prob=0.002)
    assert kernel(ev, ladder.infer_tick(ev.price))[0] == ladder.OK
    assert_same_outcome(ev, depth=5, every=10)


def test_prices_one_float_apart_stay_distinct_levels():
    # the finest grid there is: neighbouring float64 values around 1e15 (0.125 apart)
    p = 1e15
    up, down = np.nextafter(p, 2 * p), np.nextafter(p, 0.0)
    ev = events([(0, SNAPSHOT, BID, p, 1.0), (0, SNAPSHOT, ASK, up, 1.0),
                 (1, LIMIT, BID, down, 2.0), (2, CANCEL, BID, p, 0.0)])  # fmt: skip
    assert ladder.infer_tick(ev.price) == up - p
    res = native.ob_replay(ev)
    np.testing.assert_array_equal(res.best_bid, [p, p, p, down])
    assert_same_outcome(ev)
