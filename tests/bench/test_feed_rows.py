"""The feed benchmark rows run end to end at a small size and report what they measured."""

from __future__ import annotations

import pytest

from lab.bench import feeds
from lab.bench.base import Timed
from lab.bench.workloads import WORKLOADS


def test_feed_rows_are_registered_as_self_timed_native_rows():
    for name in (
        "feed_loopback", "feed_receive_ceiling", "feed_receive_ceiling_picows", "recorder_write"
    ):  # fmt: skip
        w = WORKLOADS[name]
        assert w.self_timed and w.fixed_backend == "native"


def test_recorder_write_reports_rows_and_flush_latency():
    t = feeds.recorder_write(20_000)
    assert isinstance(t, Timed) and t.seconds > 0
    assert 0 < t.parts["flush_p50"] <= t.parts["flush_p99"]
    assert "rows/s" in t.detail


def test_feed_loopback_applies_every_message_with_the_recorder_on():
    t = feeds.feed_loopback(3000)
    assert t.seconds > 0 and t.parts["flush_p99"] > 0
    applied = int(t.detail.split(" messages applied")[0].replace(",", ""))
    assert applied > 3000  # every update of the stream, one per message
    # the recorder's flushes ran on its writer thread: the loop only paid for the hand-offs
    assert 0 < t.parts["loop_stall_p99"] and t.parts["server_cpu"] > 0
    assert "rows/s written" in t.detail and "0 blocked hand-offs" in t.detail


@pytest.mark.parametrize("client", ["aiohttp", "picows"])
def test_feed_receive_ceiling_counts_every_frame(client):
    t = feeds.feed_receive_ceiling(3000, client=client)
    assert t.seconds > 0 and t.parts["client_cpu"] > 0
    frames = int(t.detail.split(" frames received")[0].replace(",", ""))
    assert frames > 3000 and f"({client})" in t.detail and "frames/s per core" in t.detail
