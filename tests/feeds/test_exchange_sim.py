"""The local exchange's wire encoding: a run of Binance frames written at once is exactly the
messages sent one by one, with the current event time in every frame."""

from __future__ import annotations

import re
import time

import orjson

from lab.feeds.exchange_sim import SimMarket, _frame


def _split_frames(data: bytes) -> list[bytes]:
    """Payloads of consecutive unmasked frames (RFC 6455 5.2; lengths below 65,536)."""
    out, i = [], 0
    while i < len(data):
        assert data[i] == 0x81  # FIN + text
        n, i = data[i + 1], i + 2
        if n == 126:
            n, i = int.from_bytes(data[i : i + 2], "big"), i + 2
        out.append(data[i : i + n])
        i += n
    return out


def test_frames_written_together_equal_the_messages_one_by_one():
    m = SimMarket("binance", "BTCUSDT", n_events=3000, rows_per_message=2, rate=None)
    lo, hi = 17, 160
    t0 = int(time.time() * 1e3)
    many = m.binance_frames(lo, hi)
    t1 = int(time.time() * 1e3)
    one = b"".join(_frame(m.binance_message(j)) for j in range(lo, hi))
    assert len(many) == len(one)
    strip = re.compile(rb'"E":\d+,')
    assert strip.sub(b"", many) == strip.sub(b"", one)
    payloads = _split_frames(many)
    assert len(payloads) == hi - lo
    for j, payload in zip(range(lo, hi), payloads, strict=True):
        msg = orjson.loads(payload)
        assert t0 <= msg["E"] <= t1
        assert (msg["U"], msg["u"]) == m._ids[j]
