"""The feeds' kernel book (:class:`lab.feeds.book.ArrayBook`) against the reference
:class:`lab.analytics.orderbook.OrderBook`: same levels, sequence numbers and errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lab.analytics.orderbook import (
    ASK,
    BID,
    BookSnapshot,
    CrossedBookError,
    OrderBook,
    SequenceGapError,
)
from lab.feeds.book import ArrayBook
from tests.feeds._util import book_key

OPEN = BookSnapshot(
    10, np.array([99.0, 98.0, 97.0]), np.array([1.0, 2.0, 3.0]),
    np.array([101.0, 102.0]), np.array([4.0, 5.0]),
)  # fmt: skip

# a change: side, price in ticks around 100, qty (0 deletes)
change = st.tuples(
    st.sampled_from([BID, ASK]),
    st.integers(90, 110).map(lambda t: float(t)),
    st.sampled_from([0.0, 0.0, 1.0, 2.5, 7.0]),
)
messages = st.lists(st.lists(change, min_size=0, max_size=6), min_size=1, max_size=40)


def _reference(messages):
    """Messages applied one change at a time to the reference book, deletions first; stops at
    the first crossing change. Returns (book, messages applied in full, rows, error)."""
    ref = OrderBook.from_snapshot(OPEN)
    rows = []
    for m, msg in enumerate(messages):
        before = list(rows)
        for side, price, qty in sorted(msg, key=lambda c: c[2] != 0.0):
            try:
                ref.apply_update(ref.seq + 1, side, price, qty)
            except CrossedBookError as exc:
                return ref, m, before, exc
            rows.append((ref.seq, side, price, qty))
    return ref, len(messages), rows, None


@settings(max_examples=150, deadline=None)
@given(messages)
def test_apply_updates_equals_the_reference_book_row_by_row(msgs):
    ref, n_ok, rows, error = _reference(msgs)
    book = ArrayBook.from_snapshot(OPEN)
    flat = [c for msg in msgs for c in msg]
    starts = np.cumsum([0] + [len(msg) for msg in msgs])
    out = book.apply_updates(
        [c[0] for c in flat], [c[1] for c in flat], [c[2] for c in flat], starts
    )
    assert out.n_messages == n_ok
    assert (out.error is None) == (error is None)
    got = list(
        zip(out.seq.tolist(), out.side.tolist(), out.price.tolist(), out.qty.tolist(), strict=True)
    )
    assert got == rows
    if error is None:
        assert book_key(book) == book_key(ref)
        assert book.seq == ref.seq
        assert book.snapshot(2).bid_price.tolist() == ref.snapshot(2).bid_price.tolist()
    else:
        assert isinstance(out.error, CrossedBookError)
        assert book.seq == OPEN.seq + len(rows)


def test_single_updates_raise_like_the_reference():
    book, ref = ArrayBook.from_snapshot(OPEN), OrderBook.from_snapshot(OPEN)
    for b in (book, ref):
        b.apply_update(11, BID, 100.0, 2.0)
        b.apply_update(12, ASK, 101.0, 0.0)
        b.apply_update(13, ASK, 100.5, 1.0)
    assert book_key(book) == book_key(ref) and book.seq == ref.seq == 13
    for exc, args in (
        (SequenceGapError, (15, BID, 99.0, 1.0)),
        (CrossedBookError, (14, BID, 100.5, 1.0)),
        (CrossedBookError, (14, ASK, 100.0, 1.0)),
        (ValueError, (14, 0, 99.0, 1.0)),
        (ValueError, (14, BID, -1.0, 1.0)),
        (ValueError, (14, BID, 99.0, float("nan"))),
    ):
        with pytest.raises(exc) as got:
            book.apply_update(*args)
        with pytest.raises(exc) as want:
            ref.apply_update(*args)
        assert str(got.value) == str(want.value)
    assert book_key(book) == book_key(ref) and book.seq == 13  # refused updates change nothing


def test_bad_batches_are_refused_before_anything_is_applied():
    book = ArrayBook.from_snapshot(OPEN)
    with pytest.raises(ValueError, match="starts"):
        book.apply_updates([BID], [99.5], [1.0], [0, 2])
    with pytest.raises(ValueError, match="side"):
        book.apply_updates([2], [99.5], [1.0])
    with pytest.raises(ValueError, match="snapshot"):
        ArrayBook().apply_updates([BID], [99.5], [1.0])
    assert book_key(book) == book_key(OrderBook.from_snapshot(OPEN)) and book.seq == 10
