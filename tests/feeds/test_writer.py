"""The recorder's writer thread: same recording as the synchronous recorder, flushes and fsyncs
off the caller's thread, time-boundary flushes with no further appends, the blocking policy when
the hand-off queue is full, and writer failures raised to the caller."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from lab.analytics.orderbook import simulate_lob
from lab.feeds import recorder as recorder_module
from lab.feeds.recorder import Recorder, read_recording
from lab.feeds.writer import MAX_PENDING_ROWS, RecorderThread

FIELDS = ("seq", "time", "kind", "side", "price", "qty")


@pytest.fixture(scope="module")
def stream():
    return simulate_lob(5000, seed=11)


def _assert_recorded(directory, stream, n=None):
    ev = read_recording(directory, as_events=True)
    n = len(stream) if n is None else n
    assert len(ev) == n
    for name in FIELDS:
        np.testing.assert_array_equal(getattr(ev, name), getattr(stream, name)[:n])


def _wait_until(predicate, seconds=10.0):
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


def test_same_recording_as_the_synchronous_recorder(tmp_path, stream):
    acks = []
    with RecorderThread(tmp_path / "t", flush_rows=700, on_flush=acks.append) as rec:
        for i in range(0, len(stream), 333):
            rec.append(stream[i : i + 333])
        assert rec.durable.rows + rec.buffered_rows == len(stream)
    with Recorder(tmp_path / "s", flush_rows=700) as ref:
        for i in range(0, len(stream), 333):
            ref.append(stream[i : i + 333])
    _assert_recorded(tmp_path / "t", stream)
    assert rec.durable.rows == len(stream) and rec.buffered_rows == 0
    assert [a.rows for a in acks] == sorted(a.rows for a in acks) and acks[-1].rows == len(stream)
    assert len(rec.append_seconds) == len(range(0, len(stream), 333))
    # reopened and appended to, like the synchronous recorder
    with RecorderThread(tmp_path / "t") as again:
        assert again.durable.rows == len(stream)
    assert read_recording(tmp_path / "s").equals(read_recording(tmp_path / "t"))


def test_fsync_never_runs_on_the_callers_thread(tmp_path, stream, monkeypatch):
    rec = RecorderThread(tmp_path, flush_rows=200)  # creation (recovery, manifest) is the caller's
    threads = []
    real = recorder_module.os.fsync

    def fsync(fd):
        threads.append(threading.get_ident())
        real(fd)

    monkeypatch.setattr(recorder_module.os, "fsync", fsync)
    for i in range(0, 3000, 100):
        rec.append(stream[i : i + 100])
    rec.flush()
    rec.close()
    assert len(threads) >= 15  # a flush per 200 rows, each with 3 fsyncs at least
    assert threading.get_ident() not in threads
    _assert_recorded(tmp_path, stream, 3000)


def test_time_boundary_flushes_without_further_appends(tmp_path, stream):
    rec = RecorderThread(tmp_path, flush_rows=10**6, flush_seconds=0.05)
    rec.append(stream[:10])
    assert _wait_until(lambda: rec.durable.rows == 10), "no flush at the time boundary"
    assert rec.buffered_rows == 0
    rec.close()


def test_a_full_hand_off_blocks_the_feed_and_drops_nothing(tmp_path, stream, monkeypatch):
    gate = threading.Event()
    real = recorder_module.os.fsync

    def slow_fsync(fd):
        gate.wait(30)  # the disk hangs until the test releases it
        real(fd)

    rec = RecorderThread(tmp_path, flush_rows=100, max_pending_rows=250)
    monkeypatch.setattr(recorder_module.os, "fsync", slow_fsync)

    def feed():
        for i in range(0, 2000, 100):
            rec.append(stream[i : i + 100])

    feeder = threading.Thread(target=feed)
    feeder.start()
    assert _wait_until(lambda: rec.stalls >= 1), "a full hand-off queue did not block the feed"
    assert feeder.is_alive() and rec.durable.rows == 0
    gate.set()
    feeder.join(30)
    assert not feeder.is_alive()
    rec.close()
    assert rec.stall_seconds > 0
    _assert_recorded(tmp_path, stream, 2000)


def test_writer_failure_is_raised_to_the_caller(tmp_path, stream, monkeypatch):
    acks = []
    rec = RecorderThread(tmp_path, flush_rows=100, on_flush=acks.append)
    rec.append(stream[:100])
    rec.flush()

    def broken(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(recorder_module.os, "fsync", broken)
    rec.append(stream[100:300])
    with pytest.raises(RuntimeError, match="No space left on device"):
        rec.flush()
    with pytest.raises(RuntimeError, match="writer failed"):
        rec.append(stream[300:400])
    with pytest.raises(RuntimeError, match="writer failed"):
        rec.close()
    monkeypatch.undo()
    assert {a.rows for a in acks} == {100}  # nothing after the failure was acknowledged
    _assert_recorded(tmp_path, stream, 100)


def test_bad_arguments(tmp_path, stream):
    for bad in (0, MAX_PENDING_ROWS + 1):
        with pytest.raises(ValueError, match="max_pending_rows"):
            RecorderThread(tmp_path / "a", max_pending_rows=bad)
    rec = RecorderThread(tmp_path / "b")
    with pytest.raises(ValueError, match="missing column"):
        rec.append(np.zeros(3, dtype=[("seq", "i8")]))
    rec.close()
    with pytest.raises(ValueError, match="closed"):
        rec.append(stream[:1])
