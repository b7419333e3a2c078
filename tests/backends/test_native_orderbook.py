"""Native order book (numba sorted arrays) equals the reference on simulated streams, on gaps,
on hand-computed books and on errors."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lab.analytics import orderbook as reference
from lab.analytics.orderbook import (
    ASK,
    BID,
    LIMIT,
    SNAPSHOT,
    BookSnapshot,
    CrossedBookError,
    OrderBook,
    SequenceGapError,
    native,
)
from lab.backends import get_backend
from tests.analytics._helpers import assert_same_book, events, update_stream

FIELDS = ("seq", "time", "kind", "side", "price", "qty")
SERIES = ("index", "seq", "time", "synced", "best_bid", "best_ask", "mid", "spread_bps",
          "microprice", "imbalance", "gap_index", "gap_expected", "gap_got")  # fmt: skip


def assert_same_replay(a, b):
    for name in SERIES:
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype, name
        if x.dtype.kind == "f":
            np.testing.assert_allclose(x, y, rtol=1e-12, atol=0, equal_nan=True, err_msg=name)
        else:
            np.testing.assert_array_equal(x, y, err_msg=name)
    for name in ("n_events", "n_applied", "n_skipped", "n_snapshots", "n_gaps", "depth", "every"):
        assert getattr(a, name) == getattr(b, name), name
    assert_same_book(a.final, b.final)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"snapshot_every": 300, "drop_prob": 0.003},
        {"n_levels": 3, "rate_market": 3.0, "seed": 5},
    ],
)
def test_simulate_lob_native_equals_reference(kwargs):
    args = {"n_events": 5000, "seed": 1, **kwargs}
    ref = reference.simulate_lob(**args)
    nat = native.simulate_lob(**args)
    assert len(nat) == len(ref)
    for name in FIELDS:
        x, y = getattr(ref, name), getattr(nat, name)
        assert x.dtype == y.dtype, name
        np.testing.assert_array_equal(x, y, err_msg=name)


@pytest.mark.parametrize(
    ("sim", "replay"),
    [
        ({}, {"depth": 5, "every": 1}),
        ({"snapshot_every": 250, "drop_prob": 0.005}, {"depth": 3, "every": 7}),
        ({"seed": 4}, {"depth": 1, "every": 1000}),
    ],
)
def test_ob_replay_native_equals_reference(sim, replay):
    ev = reference.simulate_lob(5000, **{"seed": 2, **sim})
    ref = reference.ob_replay(ev, **replay)
    nat = native.ob_replay(ev, **replay)
    assert_same_replay(ref, nat)
    if "drop_prob" in sim:
        assert ref.n_gaps > 0 and ref.n_skipped > 0


def test_native_replay_book_equals_the_reference_order_book():
    ev = native.simulate_lob(20_000, seed=9)
    book = OrderBook()
    book.apply(ev)
    assert_same_book(native.ob_replay(ev, every=len(ev)).final, book.snapshot())


@given(
    st.lists(
        st.tuples(
            st.sampled_from([BID, ASK]), st.integers(0, 40), st.sampled_from([0.0, 1.0, 3.0])
        ),
        min_size=1,
        max_size=120,
    )
)
def test_native_sorted_array_book_matches_reference_on_random_updates(updates):
    ev = update_stream(updates, 0.25)
    assert_same_replay(reference.ob_replay(ev, depth=4), native.ob_replay(ev, depth=4))


def test_lob_metrics_native_equals_reference():
    hand = BookSnapshot(
        10, [99.0, 98.5, 98.0], [10.0, 20.0, 30.0], [101.0, 101.5, 102.0], [5.0, 15.0, 40.0]
    )
    m = native.lob_metrics(hand, depth=2, order_size=30.0, depth_bps=160.0)
    assert (m.mid, m.spread_bps, m.bid_qty_within_bps, m.ask_qty_within_bps) == (
        100.0,
        200.0,
        30.0,
        20.0,
    )
    assert m.imbalance == pytest.approx(0.2, rel=1e-14)
    assert m.buy_vwap == pytest.approx((5 * 101.0 + 15 * 101.5 + 10 * 102.0) / 30, rel=1e-14)
    ev = reference.simulate_lob(3000, seed=3)
    books = [hand, BookSnapshot(1, [99.0], [3.0], [], [])]
    for stop in (500, 1500, len(ev)):
        book = OrderBook()
        book.apply(ev[:stop])
        books.append(book.snapshot())
    for snap in books:
        for kwargs in (
            {},
            {"depth": 1, "order_size": 5.0, "depth_bps": 1.0},
            {"depth": 50, "order_size": 1e9},
        ):
            a = reference.lob_metrics(snap, **kwargs)
            b = native.lob_metrics(snap, **kwargs)
            for name, x in vars(a).items():
                y = getattr(b, name)
                assert type(x) is type(y), name
                if isinstance(x, float):
                    np.testing.assert_allclose(
                        y, x, rtol=1e-12, atol=0, equal_nan=True, err_msg=name
                    )
                else:
                    assert x == y, name


def test_native_errors_are_the_reference_errors():
    base = [
        (0, SNAPSHOT, BID, 99.0, 1.0),
        (0, SNAPSHOT, ASK, 101.0, 1.0),
        (1, LIMIT, BID, 99.5, 2.0),
    ]
    cases = [
        (base + [(3, LIMIT, BID, 99.6, 2.0)], {"on_gap": "raise"}, SequenceGapError),
        (base + [(2, LIMIT, BID, 101.0, 2.0)], {}, CrossedBookError),
        (base + [(2, LIMIT, ASK, 99.5, 2.0)], {}, CrossedBookError),
        ([(0, SNAPSHOT, BID, 99.0, 1.0), (0, SNAPSHOT, ASK, 98.0, 1.0)], {}, CrossedBookError),
        ([(0, SNAPSHOT, ASK, 99.0, 1.0), (0, SNAPSHOT, ASK, 99.0, 2.0)], {}, ValueError),
        (base + [(2, LIMIT, BID, -99.0, 2.0)], {}, ValueError),
        (base + [(2, LIMIT, BID, 99.0, -2.0)], {}, ValueError),
    ]
    for rows, kwargs, exc in cases:
        ev = events(rows)
        with pytest.raises(exc) as ref_info:
            reference.ob_replay(ev, **kwargs)
        with pytest.raises(exc) as nat_info:
            native.ob_replay(ev, **kwargs)
        assert type(nat_info.value) is type(ref_info.value)
        assert str(nat_info.value) == str(ref_info.value)
    with pytest.raises(SequenceGapError) as info:
        native.ob_replay(events(cases[0][0]), on_gap="raise")
    assert (info.value.expected, info.value.got, info.value.row) == (2, 3, 3)
    with pytest.raises(ValueError, match="n_events must be >= 1"):
        native.simulate_lob(0)
    with pytest.raises(ValueError, match="depth must be an integer >= 1"):
        native.lob_metrics(BookSnapshot(1, [99.0], [1.0], [100.0], [1.0]), depth=0)


def test_backends_run_the_order_book():
    ev = get_backend("native").simulate_lob(500, seed=1)
    res = get_backend("native").ob_replay(ev)
    ref = get_backend("reference").ob_replay(ev)
    assert_same_replay(ref, res)
    snap = res.final
    assert (
        get_backend("native").lob_metrics(snap).mid
        == get_backend("reference").lob_metrics(snap).mid
    )
