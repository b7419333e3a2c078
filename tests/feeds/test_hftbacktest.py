"""The hftbacktest converter: dtype, flags, and a book rebuilt from its events."""

from __future__ import annotations

import numpy as np

from lab.analytics.orderbook import OrderBook, simulate_lob
from lab.feeds import hftbacktest as hbt
from lab.feeds.recorder import Recorder


def test_dtype_is_the_documented_64_byte_aligned_record():
    assert hbt.HBT_EVENT_DTYPE.itemsize == 64
    assert hbt.HBT_EVENT_DTYPE.names == (
        "ev", "exch_ts", "local_ts", "px", "qty", "order_id", "ival", "fval",
    )  # fmt: skip


def test_events_rebuild_the_same_book(tmp_path):
    ev = simulate_lob(3000, seed=2, snapshot_every=500)
    with Recorder(tmp_path / "rec") as rec:
        rec.append(ev)
    path = hbt.write_hftbacktest(tmp_path / "rec", tmp_path / "out.npz")
    data = np.load(path)["data"]
    assert data.dtype == hbt.HBT_EVENT_DTYPE
    kinds = data["ev"] & 0xFF
    assert set(np.unique(kinds)) == {
        hbt.DEPTH_EVENT,
        hbt.DEPTH_CLEAR_EVENT,
        hbt.DEPTH_SNAPSHOT_EVENT,
    }
    assert np.all(data["ev"] & hbt.EXCH_EVENT) and np.all(data["ev"] & hbt.LOCAL_EVENT)
    assert np.all(np.diff(data["exch_ts"]) >= 0)
    # rebuild the book from the hftbacktest events as hftbacktest documents them
    bids: dict[float, float] = {}
    asks: dict[float, float] = {}
    for row in data:
        book = bids if row["ev"] & hbt.BUY_EVENT else asks
        kind = row["ev"] & 0xFF
        if kind == hbt.DEPTH_CLEAR_EVENT:
            book.clear()
        elif row["qty"] == 0:
            book.pop(float(row["px"]), None)
        else:
            book[float(row["px"])] = float(row["qty"])
    truth = OrderBook()
    truth.apply(ev)
    bp, bq = truth.levels(1)
    ap, aq = truth.levels(-1)
    assert dict(zip(bp.tolist(), bq.tolist(), strict=True)) == bids
    assert dict(zip(ap.tolist(), aq.tolist(), strict=True)) == asks
