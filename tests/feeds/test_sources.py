"""The offline feeds: the simulated flow and a recording, through the Feed protocol."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

from lab.analytics.orderbook import simulate_lob
from lab.feeds.base import Feed
from lab.feeds.recorder import Recorder
from lab.feeds.sources import RecordingFeed, SimulatedFeed
from tests.feeds._util import concat


def _all(feed) -> list:
    async def go():
        return [b async for b in feed.events()]

    return asyncio.run(go())


def test_simulated_feed_yields_the_stream_in_chunks_and_resumes():
    full = simulate_lob(2000, seed=4)
    feed = SimulatedFeed(2000, seed=4, chunk_rows=333)
    assert isinstance(feed, Feed)
    batches = _all(feed)
    assert max(len(b) for b in batches) == 333
    np.testing.assert_array_equal(concat(batches).qty, full.qty)
    assert feed.status.rows == len(full) and feed.status.state == "stopped"
    rest = concat(_all(SimulatedFeed(2000, seed=4, start_row=1500)))
    np.testing.assert_array_equal(rest.seq, full.seq[1500:])


def test_recording_feed_replays_what_was_recorded(tmp_path):
    full = simulate_lob(1500, seed=8)
    with Recorder(tmp_path) as rec:
        rec.append(full)
    out = concat(_all(RecordingFeed(tmp_path, chunk_rows=400)))
    for name in ("seq", "time", "kind", "side", "price", "qty"):
        np.testing.assert_array_equal(getattr(out, name), getattr(full, name))


def test_bad_arguments():
    with pytest.raises(ValueError, match="chunk_rows"):
        SimulatedFeed(100, chunk_rows=0)
    with pytest.raises(ValueError, match="rate"):
        SimulatedFeed(100, rate=-1.0)
