"""Bulk decoding of Binance diff events: the numba decoder (canonical messages) gives exactly
what orjson plus the field checks give, message by message, on canonical and odd input."""

from __future__ import annotations

import json

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lab.feeds.binance import _decode_each, decode_batch

decimal = st.one_of(
    st.decimals(min_value=0, max_value=10**9, places=8, allow_nan=False).map(str),
    st.sampled_from(["0", "1", "100.01", "0.10000000", "123456789012345.6", "9007199254740993",
                     "1e5", "1.", ".5", "-1", " 1", "1_0", "inf", "NaN", "", "00.5",
                     "12345678.123456789012345678"]),
)  # fmt: skip
level = st.lists(decimal, min_size=2, max_size=3)


@st.composite
def message(draw):
    msg = {
        "e": draw(st.sampled_from(["depthUpdate"] * 8 + ["trade"])),
        "E": draw(st.one_of(st.integers(0, 2**53), st.sampled_from([1.5, "17", -3, 2**70]))),
        "s": draw(st.sampled_from(["BTCUSDT"] * 8 + ["ETHUSDT", "btcusdt"])),
        "U": draw(st.integers(0, 2**40)),
        "u": draw(st.integers(0, 2**40)),
        "b": draw(st.lists(level, max_size=4)),
        "a": draw(st.lists(level, max_size=4)),
    }
    for key in draw(st.lists(st.sampled_from(list(msg)), max_size=2, unique=True)):
        del msg[key]
    if draw(st.booleans()):
        msg["x"] = 1
    keys = draw(st.permutations(list(msg)))
    text = json.dumps(
        {k: msg[k] for k in keys}, separators=draw(st.sampled_from([(",", ":"), (", ", ": ")]))
    )
    cut = draw(st.sampled_from([None] * 6 + [len(text) // 2]))
    return text if cut is None else text[:cut]


def _same(a, b):
    assert a.ok.tolist() == b.ok.tolist()
    ok = a.ok
    for name in ("first", "final", "time", "rows"):
        np.testing.assert_array_equal(getattr(a, name)[ok], getattr(b, name)[ok])
    for k in np.flatnonzero(ok):
        lo_a, lo_b, n = a.row_start[k], b.row_start[k], a.rows[k]
        for name in ("side", "price", "qty"):
            np.testing.assert_array_equal(
                getattr(a, name)[lo_a : lo_a + n], getattr(b, name)[lo_b : lo_b + n]
            )


@settings(max_examples=300, deadline=None)
@given(st.lists(message(), min_size=1, max_size=6))
def test_bulk_decoding_equals_decoding_one_by_one(msgs):
    _same(decode_batch(msgs, "BTCUSDT"), _decode_each(msgs, "BTCUSDT"))
    raw = [m.encode() for m in msgs]  # as the WebSocket listener delivers them
    _same(decode_batch(raw, "BTCUSDT"), _decode_each(msgs, "BTCUSDT"))
    for text in msgs:  # a batch of one takes the kernel path whenever that message can
        _same(decode_batch([text], "BTCUSDT"), _decode_each([text], "BTCUSDT"))


def test_canonical_messages_take_the_kernel_and_convert_exactly():
    msgs = [
        '{"e":"depthUpdate","E":1700000000123,"s":"BTCUSDT","U":5,"u":7,'
        '"b":[["100.01","1.50000000"],["0.1","0"]],"a":[["101.3","0.30000000"]]}',
        '{"e":"depthUpdate","E":1700000000124,"s":"BTCUSDT","U":8,"u":8,"b":[],"a":[]}',
    ]
    dec = decode_batch(msgs, "BTCUSDT")
    _same(dec, decode_batch([m.encode() for m in msgs], "BTCUSDT"))
    assert dec.ok.all() and dec.rows.tolist() == [3, 0]
    assert dec.price.tolist() == [100.01, 0.1, 101.3] and dec.qty.tolist() == [1.5, 0.0, 0.3]
    assert dec.side.tolist() == [1, 1, -1] and dec.first.tolist() == [5, 8]
    assert dec.time.tolist() == [1700000000.123, 1700000000.124]
