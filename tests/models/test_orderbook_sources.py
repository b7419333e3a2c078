"""OrderBookModel's sources (recording, live against the local exchange) and recording, headless."""

from __future__ import annotations

import time

import numpy as np
import pytest

from lab.analytics.orderbook import ob_replay
from lab.feeds import hub
from lab.feeds.recorder import read_recording
from lab.models.orderbook import OrderBookModel


def _step_until(model, cond, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        model.step()
        if cond():
            return
        time.sleep(0.1)
    raise AssertionError(f"condition not reached; status: {model.status}")


def test_simulated_recording_replays_on_the_page_model(tmp_path):
    sim = OrderBookModel(n_events=2000, speed=300)
    sim.step()  # not recorded: the recording starts with a snapshot of this book
    sim.start_recording(str(tmp_path / "rec"))
    for _ in range(4):
        sim.step()
    rows = sim.stop_recording()
    book = sim.book
    ev = read_recording(tmp_path / "rec", as_events=True)
    n_levels = len(book.bid_price) + len(book.ask_price)
    assert rows == len(ev) > 4 * 300  # the opening snapshot, then four chunks
    assert (ev.kind[: n_levels // 2] == 0).all()
    replay = ob_replay(ev, on_gap="raise")
    np.testing.assert_array_equal(replay.final.bid_price, book.bid_price)
    np.testing.assert_array_equal(replay.final.ask_qty, book.ask_qty)
    rec = OrderBookModel(source="recording", recording_path=str(tmp_path / "rec"), speed=5000)
    rec.step()
    np.testing.assert_array_equal(rec.book.bid_qty, book.bid_qty)


def test_recording_source_reports_a_bad_directory(tmp_path):
    model = OrderBookModel(source="recording", recording_path=str(tmp_path / "none"))
    with pytest.raises(ValueError, match="not a recording"):
        model.step()


def test_live_local_feed_is_shared_and_recorded(tmp_path):
    a = OrderBookModel(source="live", exchange="binance")
    b = OrderBookModel(source="live", exchange="binance")
    try:
        _step_until(a, lambda: a.metrics is not None and a.status.startswith("connected"))
        b.step()
        key = hub.FeedKey("binance", "BTCUSDT", "local")
        assert hub.users(key) == 2  # one feed for both sessions
        a.start_recording(str(tmp_path / "live"))
        _step_until(a, lambda: a.durable_rows > 0, timeout=30)
        a.stop_recording()
        ev = read_recording(tmp_path / "live", as_events=True)
        replay = ob_replay(ev, on_gap="raise")
        assert replay.n_snapshots >= 1 and replay.n_gaps == 0
        assert np.isfinite(a.metrics.mid) and a.metrics.spread_bps > 0
    finally:
        a.close()
        b.close()
    assert hub.users(hub.FeedKey("binance", "BTCUSDT", "local")) == 0
