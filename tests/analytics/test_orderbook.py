"""Reference L2 order book: sequencing, level semantics, metrics against hand-computed books,
replay, the order-flow simulator and clear errors."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lab.analytics.orderbook import (
    ASK,
    BID,
    CANCEL,
    LIMIT,
    SNAPSHOT,
    TRADE,
    BookSnapshot,
    CrossedBookError,
    LOBEvents,
    OrderBook,
    SequenceGapError,
    as_events,
    lob_metrics,
    ob_replay,
    simulate_lob,
)
from tests.analytics._helpers import assert_same_book, events, update_stream

HAND = BookSnapshot(
    seq=10,
    bid_price=np.array([99.0, 98.5, 98.0]),
    bid_qty=np.array([10.0, 20.0, 30.0]),
    ask_price=np.array([101.0, 101.5, 102.0]),
    ask_qty=np.array([5.0, 15.0, 40.0]),
)


def naive_rebuild(ev: LOBEvents) -> BookSnapshot:
    """Rebuild the book from scratch: the last snapshot, then the last quantity of each level."""
    start = int(np.flatnonzero(ev.kind == SNAPSHOT)[-1])
    first = start
    while first > 0 and ev.kind[first - 1] == SNAPSHOT and ev.seq[first - 1] == ev.seq[start]:
        first -= 1
    levels = {}
    for i in range(first, len(ev)):
        key = (int(ev.side[i]), float(ev.price[i]))
        levels[key] = float(ev.qty[i])
    bids = sorted(((p, q) for (s, p), q in levels.items() if s == BID and q > 0), reverse=True)
    asks = sorted((p, q) for (s, p), q in levels.items() if s == ASK and q > 0)
    return BookSnapshot(
        int(ev.seq[-1]),
        np.array([p for p, _ in bids]),
        np.array([q for _, q in bids]),
        np.array([p for p, _ in asks]),
        np.array([q for _, q in asks]),
    )


@pytest.fixture(scope="module")
def stream():
    return simulate_lob(6000, seed=7)


# ----------------------------------------------------------------------------- OrderBook


def test_updates_set_replace_and_delete_levels():
    book = OrderBook.from_snapshot(HAND)
    assert book.seq == 10 and len(book) == 6
    book.apply_update(11, BID, 99.5, 7.0)  # new best bid
    book.apply_update(12, ASK, 101.5, 3.0)  # replace
    book.apply_update(13, ASK, 101.0, 0.0)  # qty 0 deletes the best ask
    book.apply_update(14, BID, 97.0, 0.0)  # deleting an absent level is a no-op
    assert book.seq == 14
    assert book.best_bid == 99.5 and book.best_ask == 101.5
    prices, qtys = book.levels(BID)
    np.testing.assert_array_equal(prices, [99.5, 99.0, 98.5, 98.0])
    np.testing.assert_array_equal(qtys, [7.0, 10.0, 20.0, 30.0])
    prices, qtys = book.levels(ASK, depth=1)
    np.testing.assert_array_equal(prices, [101.5])
    np.testing.assert_array_equal(qtys, [3.0])
    np.testing.assert_array_equal(book.snapshot(depth=2).bid_price, [99.5, 99.0])


def test_a_gap_is_detected_and_not_applied():
    book = OrderBook.from_snapshot(HAND)
    book.apply_update(11, BID, 99.5, 7.0)
    before = book.snapshot()
    with pytest.raises(
        SequenceGapError, match=r"expected seq 12, got 14 \(2 update\(s\) missing\)"
    ) as info:
        book.apply_update(14, BID, 99.6, 1.0)
    assert (info.value.expected, info.value.got) == (12, 14)
    assert isinstance(info.value, ValueError)
    with pytest.raises(
        SequenceGapError, match="out-of-order or duplicate update: expected seq 12, got 11"
    ):
        book.apply_update(11, BID, 99.6, 1.0)
    assert_same_book(book.snapshot(), before)
    book.apply_snapshot(BookSnapshot(20, [99.0], [1.0], [100.0], [1.0]))  # resynchronise
    book.apply_update(21, ASK, 100.5, 2.0)
    assert book.seq == 21


def test_apply_reports_the_row_of_a_gap():
    ev = events(
        [
            (5, SNAPSHOT, BID, 99.0, 1.0),
            (5, SNAPSHOT, ASK, 101.0, 1.0),
            (6, LIMIT, BID, 99.5, 2.0),
            (8, LIMIT, BID, 99.6, 2.0),
        ]
    )
    book = OrderBook()
    with pytest.raises(SequenceGapError, match="at event row 3: expected seq 7, got 8"):
        book.apply(ev)
    assert book.seq == 6 and book.best_bid == 99.5


def test_crossed_and_negative_input_are_clear_errors():
    book = OrderBook.from_snapshot(HAND)
    with pytest.raises(
        CrossedBookError, match=r"crossed book: bid 101.0 >= best ask 101.0 \(seq 11\)"
    ):
        book.apply_update(11, BID, 101.0, 1.0)
    with pytest.raises(CrossedBookError, match="crossed book: ask 98.0 <= best bid 99.0"):
        book.apply_update(11, ASK, 98.0, 1.0)
    book.apply_update(11, ASK, 99.0, 0.0)  # a deletion cannot cross
    with pytest.raises(ValueError, match="price must be positive and finite, got -1.0"):
        book.apply_update(12, BID, -1.0, 1.0)
    with pytest.raises(ValueError, match="qty must be >= 0"):
        book.apply_update(12, BID, 98.0, -5.0)
    with pytest.raises(ValueError, match="qty must be >= 0"):
        book.apply_update(12, BID, 98.0, float("nan"))
    with pytest.raises(ValueError, match="side must be 1"):
        book.apply_update(12, 0, 98.0, 1.0)
    assert book.seq == 11
    with pytest.raises(CrossedBookError, match="crossed book: best bid 101.0 >= best ask 100.0"):
        OrderBook.from_snapshot(BookSnapshot(1, [101.0], [1.0], [100.0], [1.0]))
    with pytest.raises(ValueError, match="bid_qty must be positive"):
        OrderBook.from_snapshot(BookSnapshot(1, [99.0], [-1.0], [100.0], [1.0]))
    with pytest.raises(ValueError, match="strictly decreasing"):
        OrderBook.from_snapshot(BookSnapshot(1, [98.0, 99.0], [1.0, 1.0], [100.0], [1.0]))
    with pytest.raises(ValueError, match="no snapshot yet"):
        OrderBook().apply_update(1, BID, 99.0, 1.0)


def test_snapshot_rows_in_a_stream():
    ev = events(
        [
            (3, SNAPSHOT, ASK, 101.0, 4.0),
            (3, SNAPSHOT, BID, 99.0, 2.0),
            (3, SNAPSHOT, BID, 98.0, 0.0),  # qty 0 row: no level
            (4, TRADE, ASK, 101.0, 1.0),
            (5, SNAPSHOT, BID, 1.0, 0.0),  # empty snapshot marker resets the book
            (6, LIMIT, BID, 50.0, 1.0),
        ]
    )
    book = OrderBook()
    assert book.apply(ev) == 6
    assert book.seq == 6 and len(book) == 1 and book.best_bid == 50.0
    with pytest.raises(ValueError, match="snapshot seq 3 lists bid level 99.0 twice"):
        OrderBook().apply(events([(3, SNAPSHOT, BID, 99.0, 2.0), (3, SNAPSHOT, BID, 99.0, 1.0)]))
    with pytest.raises(CrossedBookError, match="crossed snapshot seq 3"):
        OrderBook().apply(events([(3, SNAPSHOT, BID, 99.0, 2.0), (3, SNAPSHOT, ASK, 98.0, 1.0)]))
    with pytest.raises(ValueError, match="before any snapshot"):
        OrderBook().apply(events([(3, LIMIT, BID, 99.0, 2.0)]))


def test_applying_updates_equals_rebuilding_from_scratch(stream):
    book = OrderBook()
    book.apply(stream)
    assert_same_book(book.snapshot(), naive_rebuild(stream))
    # and a book rebuilt from a mid-stream snapshot catches up to the same state
    for k in (1000, 3333, len(stream) - 1):
        partial = OrderBook()
        partial.apply(stream[:k])
        rebuilt = OrderBook.from_snapshot(partial.snapshot())
        for i in range(k, len(stream)):
            rebuilt.apply_update(int(stream.seq[i]), stream.side[i], stream.price[i], stream.qty[i])
        assert_same_book(rebuilt.snapshot(), book.snapshot())


@given(
    st.lists(
        st.tuples(
            st.sampled_from([BID, ASK]), st.integers(0, 12), st.sampled_from([0.0, 1.0, 2.5, 7.0])
        ),
        min_size=1,
        max_size=60,
    )
)
def test_random_updates_match_a_dict_model(updates):
    """Bids live below 100 and asks above, so no update crosses."""
    ev = update_stream(updates, 0.5)
    book = OrderBook()
    book.apply(ev)
    assert_same_book(book.snapshot(), naive_rebuild(ev))
    assert_same_book(ob_replay(ev).final, naive_rebuild(ev))


# ----------------------------------------------------------------------------- metrics


def test_metrics_match_a_hand_computed_book():
    m = lob_metrics(HAND, depth=2, order_size=30.0, depth_bps=160.0)
    assert m.seq == 10
    assert (m.best_bid, m.best_ask, m.mid, m.spread) == (99.0, 101.0, 100.0, 2.0)
    assert m.spread_bps == pytest.approx(200.0, rel=1e-14)
    assert m.microprice == pytest.approx((99.0 * 5 + 101.0 * 10) / 15, rel=1e-14)
    assert m.imbalance == pytest.approx((30 - 20) / 50, rel=1e-14)
    assert (m.bid_qty_within_bps, m.ask_qty_within_bps) == (30.0, 20.0)  # band [98.4, 101.6]
    assert m.buy_vwap == pytest.approx((5 * 101.0 + 15 * 101.5 + 10 * 102.0) / 30, rel=1e-14)
    assert m.sell_vwap == pytest.approx((10 * 99.0 + 20 * 98.5) / 30, rel=1e-14)
    assert m.buy_cost_bps == pytest.approx((m.buy_vwap / 100.0 - 1) * 1e4, rel=1e-12)
    assert m.sell_cost_bps == pytest.approx(400 / 3, rel=1e-12)
    assert (m.buy_filled, m.sell_filled) == (30.0, 30.0)
    deep = lob_metrics(OrderBook.from_snapshot(HAND), depth=5, order_size=200.0)
    assert deep.imbalance == 0.0
    assert deep.buy_filled == 60.0 and deep.sell_filled == 60.0
    assert deep.buy_vwap == pytest.approx((5 * 101.0 + 15 * 101.5 + 40 * 102.0) / 60, rel=1e-14)


def test_metrics_of_one_sided_and_bad_books():
    m = lob_metrics(BookSnapshot(1, np.array([99.0]), np.array([3.0]), np.array([]), np.array([])))
    assert np.isnan(m.mid) and np.isnan(m.microprice) and np.isnan(m.buy_vwap)
    assert m.imbalance == 1.0 and m.sell_filled == 3.0
    with pytest.raises(ValueError, match="depth must be an integer >= 1"):
        lob_metrics(HAND, depth=0)
    with pytest.raises(ValueError, match="order_size must be a positive number"):
        lob_metrics(HAND, order_size=-1.0)
    with pytest.raises(ValueError, match="book must be an OrderBook or a BookSnapshot"):
        lob_metrics({"bid_price": [1.0]})
    with pytest.raises(CrossedBookError):
        lob_metrics(BookSnapshot(1, [101.0], [1.0], [100.0], [1.0]))
    with pytest.raises(ValueError, match="ask_price must be positive"):
        lob_metrics(BookSnapshot(1, [99.0], [1.0], [-100.0], [1.0]))


# ----------------------------------------------------------------------------- replay


def test_replay_metrics_equal_metrics_of_the_book_at_each_record(stream):
    res = ob_replay(stream, depth=3, every=250)
    assert res.n_events == len(stream) == res.n_applied and res.n_gaps == 0
    assert res.index[0] == 249 and res.index[-1] == len(stream) - 1
    assert np.all(np.diff(res.index[:-1]) == 250)
    book = OrderBook()
    done = 0
    for r, i in enumerate(res.index[:5]):
        book.apply(stream[done : i + 1])
        done = i + 1
        m = lob_metrics(book, depth=3)
        assert res.seq[r] == m.seq
        for name in ("best_bid", "best_ask", "mid", "spread_bps", "microprice", "imbalance"):
            assert getattr(res, name)[r] == getattr(m, name), name
    assert_same_book(res.final, naive_rebuild(stream))
    np.testing.assert_array_equal(res.time, stream.time[res.index])


def test_replay_records_gaps_and_resynchronises():
    ev = events(
        [
            (0, SNAPSHOT, BID, 99.0, 1.0),
            (0, SNAPSHOT, ASK, 101.0, 1.0),
            (1, LIMIT, BID, 99.5, 2.0),
            (3, LIMIT, BID, 99.6, 2.0),  # gap: 2 is missing
            (4, CANCEL, BID, 99.5, 0.0),  # skipped until the next snapshot
            (5, SNAPSHOT, BID, 98.0, 4.0),
            (5, SNAPSHOT, ASK, 102.0, 4.0),
            (6, LIMIT, ASK, 101.0, 1.0),
        ]
    )
    res = ob_replay(ev)
    assert res.n_gaps == 1
    assert (res.gap_index[0], res.gap_expected[0], res.gap_got[0]) == (3, 2, 3)
    assert (res.n_applied, res.n_skipped, res.n_snapshots) == (6, 2, 2)
    np.testing.assert_array_equal(res.synced, [True, True, True, False, False, True, True, True])
    assert np.isnan(res.mid[3]) and np.isnan(res.mid[4])
    assert res.mid[2] == (99.5 + 101.0) / 2 and res.mid[7] == (98.0 + 101.0) / 2
    assert res.final.seq == 6
    with pytest.raises(SequenceGapError, match="at event row 3: expected seq 2, got 3"):
        ob_replay(ev, on_gap="raise")
    with pytest.raises(
        CrossedBookError, match=r"crossed book: bid 101.5 >= best ask 101.0 \(seq 2\)"
    ):
        ob_replay(
            events(
                [
                    (0, SNAPSHOT, BID, 99.0, 1.0),
                    (0, SNAPSHOT, ASK, 101.0, 1.0),
                    (1, LIMIT, BID, 99.5, 2.0),
                    (2, LIMIT, BID, 101.5, 2.0),
                ]
            )
        )


def test_event_validation_names_the_field_and_row():
    good = events([(0, SNAPSHOT, BID, 99.0, 1.0), (1, LIMIT, BID, 99.5, 2.0)])
    rec = good.to_records()
    assert rec.dtype.names == ("seq", "time", "kind", "side", "price", "qty")
    for name in rec.dtype.names:
        np.testing.assert_array_equal(getattr(as_events(rec), name), getattr(good, name))
    bad = {name: np.asarray(getattr(good, name), dtype=float).copy() for name in rec.dtype.names}
    cases = [
        ("qty", -2.0, r"events.qty must be >= 0 \(0 deletes a level\); row 1 has -2.0"),
        ("price", 0.0, "events.price must be positive; row 1 has 0.0"),
        ("price", np.nan, r"events.price has NaN or infinite values \(row 1\)"),
        ("side", 0.0, "events.side must be 1 .bid. or -1 .ask.; row 1 has 0"),
        ("kind", 7.0, "events.kind must be 0 .snapshot., 1, 2 or 3; row 1 has 7"),
        ("seq", 1.5, r"events.seq must be integers \(row 1\)"),
    ]
    for field, value, match in cases:
        cols = {k: v.copy() for k, v in bad.items()}
        cols[field][1] = value
        with pytest.raises(ValueError, match=match):
            ob_replay(cols)
    with pytest.raises(ValueError, match="different lengths"):
        as_events({**bad, "qty": bad["qty"][:1]})
    with pytest.raises(ValueError, match=r"missing field\(s\) \['qty'\]"):
        as_events({k: v for k, v in bad.items() if k != "qty"})
    with pytest.raises(ValueError, match="events must be an LOBEvents"):
        as_events([1, 2, 3])
    with pytest.raises(ValueError, match="every must be an integer >= 1"):
        ob_replay(good, every=0)
    with pytest.raises(ValueError, match="on_gap must be 'resync' or 'raise'"):
        ob_replay(good, on_gap="ignore")


# ----------------------------------------------------------------------------- simulator


def test_simulated_stream_is_a_valid_deterministic_feed(stream):
    again = simulate_lob(6000, seed=7)
    for name in ("seq", "time", "kind", "side", "price", "qty"):
        np.testing.assert_array_equal(getattr(again, name), getattr(stream, name))
    assert not np.array_equal(simulate_lob(6000, seed=8).price, stream.price)
    first = np.flatnonzero(stream.kind != SNAPSHOT)[0]
    assert np.all(stream.seq[:first] == 0) and first == 20  # 10 levels per side
    np.testing.assert_array_equal(np.diff(stream.seq[first - 1 :]), 1)
    assert np.all(np.diff(stream.time) >= 0)
    assert set(np.unique(stream.kind[first:])) == {LIMIT, CANCEL, TRADE}
    ticks = stream.price / 0.01
    np.testing.assert_allclose(ticks, np.round(ticks), atol=1e-6)
    assert np.all(stream.qty == np.round(stream.qty))
    res = ob_replay(stream)
    assert res.n_gaps == 0 and res.n_skipped == 0
    assert np.all(res.spread_bps > 0) and np.all(np.abs(res.imbalance) <= 1)
    assert len(res.final.bid_price) > 0 and len(res.final.ask_price) > 0


def test_drops_create_gaps_and_snapshots_resynchronise():
    ev = simulate_lob(4000, seed=2, snapshot_every=200, drop_prob=0.002)
    res = ob_replay(ev)
    assert res.n_snapshots == 1 + 4000 // 200
    assert res.n_gaps >= 1
    assert np.all(res.gap_got > res.gap_expected)
    # the book resynchronised: synced after the final snapshot, and the final book matches
    assert res.synced[-1]
    assert_same_book(res.final, naive_rebuild(ev))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_events": 0}, "n_events must be >= 1"),
        ({"n_events": 2.5}, "n_events must be an integer"),
        ({"drop_prob": 1.0}, r"drop_prob must be in \[0, 1\)"),
        ({"price_decay": 0.0}, r"price_decay must be in \(0, 1\]"),
        ({"tick": -0.01}, "tick must be a positive number"),
        ({"rate_market": -1.0}, "rate_market must be a non-negative number"),
        ({"mid0": 0.05}, "must exceed n_levels"),
    ],
)
def test_simulator_bad_parameters(kwargs, match):
    args = {"n_events": 100, **kwargs}
    with pytest.raises(ValueError, match=match):
        simulate_lob(**args)


def test_sequence_gap_error_survives_pickling():
    # raised in a server worker process or a Dask task, it must arrive whole
    import pickle

    from lab.analytics.orderbook import SequenceGapError

    err = pickle.loads(pickle.dumps(SequenceGapError(2, 3, row=5)))
    assert (err.expected, err.got, err.row) == (2, 3, 5)
    assert str(err) == str(SequenceGapError(2, 3, row=5))
