"""The crash-safe recorder: round trip, torn tails, kill -9 at random moments, the CLI."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from lab.analytics.orderbook import EVENT_DTYPE, ob_replay, simulate_lob
from lab.feeds.recorder import COLUMNS, MANIFEST, Recorder, read_manifest, read_recording
from lab.feeds.writer import RecorderThread

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def stream():
    return simulate_lob(20_000, seed=5)


def test_columns_match_the_event_dtype():
    assert [(n, np.dtype(t)) for n, t in COLUMNS] == [
        (n, EVENT_DTYPE.fields[n][0]) for n in EVENT_DTYPE.names
    ]


def test_round_trip_readable_by_plain_pyarrow_and_pandas(tmp_path, stream):
    with Recorder(tmp_path, flush_rows=3000) as rec:
        for i in range(0, len(stream), 1234):
            rec.append(stream[i : i + 1234])
    table = pa.ipc.open_stream(tmp_path / "seg-000000.arrows").read_all()
    assert table.num_rows == len(stream)
    frame = read_recording(tmp_path)
    np.testing.assert_array_equal(frame["seq"].to_numpy(), stream.seq)
    np.testing.assert_array_equal(frame["price"].to_numpy(), stream.price)
    ev = read_recording(tmp_path, as_events=True)
    a, b = ob_replay(ev, every=100), ob_replay(stream, every=100)
    np.testing.assert_array_equal(a.mid, b.mid)
    assert read_manifest(tmp_path)["rows"] == len(stream)


def test_torn_tail_is_cut_on_reopen_and_appends_continue(tmp_path, stream):
    rec = Recorder(tmp_path, flush_rows=10**6)
    rec.append(stream[:5000])
    rec.flush()
    seg = tmp_path / "seg-000000.arrows"
    durable_bytes = seg.stat().st_size
    with open(seg, "ab") as f:  # half a batch that was never acknowledged
        f.write(b"\xff\xff\xff\xff\x88\x00\x00\x00garbage-from-a-torn-write")
    rec2 = Recorder(tmp_path)
    assert rec2.recovered_bytes > 0 and seg.stat().st_size == durable_bytes
    rec2.append(stream[5000:8000])
    rec2.close()
    ev = read_recording(tmp_path, as_events=True)
    np.testing.assert_array_equal(ev.seq, stream.seq[:8000])


def test_missing_acknowledged_bytes_are_an_error(tmp_path, stream):
    with Recorder(tmp_path) as rec:
        rec.append(stream[:1000])
    seg = tmp_path / "seg-000000.arrows"
    with open(seg, "r+b") as f:
        f.truncate(seg.stat().st_size - 40)
    with pytest.raises(ValueError, match="shorter"):
        read_recording(tmp_path)


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="flush_rows"):
        Recorder(tmp_path, flush_rows=0)
    with pytest.raises(ValueError, match="not a recording"):
        read_recording(tmp_path / "nothing")


def _child(directory: Path, start: int, stream, write_fd: int, cls=Recorder) -> None:
    """Forked recorder (``cls``: :class:`Recorder`, or :class:`RecorderThread` whose flushes
    and acknowledgements run on its writer thread): append from ``start`` in small batches,
    report each acknowledged flush on the pipe."""
    try:
        rec = cls(
            directory,
            flush_rows=500,
            flush_seconds=0.005,
            on_flush=lambda d: os.write(write_fd, f"{d.rows} {d.last_seq}\n".encode()),
        )
        i = rec.durable.rows
        assert i == start
        while i < len(stream):
            rec.append(stream[i : i + 97])
            i += 97
        rec.close()
    except BaseException:
        import traceback

        traceback.print_exc()
        os._exit(1)
    os._exit(0)


def _kill_loop(tmp_path: Path, stream, kills: int, seed: int, cls=Recorder) -> tuple[int, int]:
    rng = np.random.default_rng(seed)
    acked_rows = 0
    done = 0
    while done < kills:
        start = read_manifest(tmp_path)["rows"] if (tmp_path / MANIFEST).exists() else 0
        if start >= len(stream):
            break
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            _child(tmp_path, start, stream, w, cls)
        os.close(w)
        first = b""
        if done % 2 == 0:  # every other kill lands after the first acknowledged flush
            ready, _, _ = select.select([r], [], [], 30.0)
            first = os.read(r, 65536) if ready else b""
        time.sleep(float(rng.uniform(0.0, 0.03)))
        os.kill(pid, signal.SIGKILL)
        _, code = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(code) or os.WEXITSTATUS(code) == 0, "the recorder failed"
        with os.fdopen(r, "rb") as f:
            lines = (first + f.read()).decode().split("\n")
        for line in lines:  # the last line may itself be torn
            parts = line.split()
            if len(parts) == 2 and line.endswith(parts[1]):
                acked_rows = max(acked_rows, int(parts[0]))
        done += os.WIFSIGNALED(code)  # a child that finished the stream was not killed
        # every acknowledged row is present, in order, nothing else
        ev = read_recording(tmp_path, as_events=True) if (tmp_path / MANIFEST).exists() else None
        if ev is not None:
            assert len(ev) >= acked_rows
            np.testing.assert_array_equal(ev.seq, stream.seq[: len(ev)])
    return done, acked_rows


def _kill_many(tmp_path: Path, stream, total_kills: int, cls=Recorder) -> int:
    """Kill recorders ``total_kills`` times; a recording that reaches the end of the stream is
    checked and a new one started. Returns the rows acknowledged over all recordings."""
    total = run = acked_all = 0
    while total < total_kills:
        directory = tmp_path / f"run{run}"
        directory.mkdir()
        kills, acked = _kill_loop(directory, stream, total_kills - total, run, cls)
        assert acked > 0
        ev = read_recording(directory, as_events=True)
        assert len(ev) >= acked  # nothing acknowledged is lost ...
        for name in ("seq", "time", "kind", "side", "price", "qty"):  # ... and all is in order
            np.testing.assert_array_equal(getattr(ev, name), getattr(stream, name)[: len(ev)])
        total += kills
        acked_all += acked
        run += 1
    assert total == total_kills
    return acked_all


@pytest.mark.parametrize("cls", [Recorder, RecorderThread])
def test_kill_minus_nine_loses_no_acknowledged_event(tmp_path, stream, cls):
    assert _kill_many(tmp_path, stream, 20, cls) > 0


@pytest.mark.slow
@pytest.mark.parametrize("cls", [Recorder, RecorderThread])
def test_kill_minus_nine_many_times(tmp_path, cls):
    assert _kill_many(tmp_path, simulate_lob(100_000, seed=9), 200, cls) > 0


def _cli(*args, **kw):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [sys.executable, "-m", "lab.cli", "record", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT, **kw,
    )  # fmt: skip


def test_cli_records_and_resumes_a_simulated_stream(tmp_path):
    out = tmp_path / "rec"
    args = ["--source", "simulated", "--out", str(out), "--events-sim", "5000", "--seed", "2"]
    p = _cli(*args, "--flush-rows", "1000", "--max-rows", "2000")
    stdout, stderr = p.communicate(timeout=120)
    assert p.returncode == 0, stderr
    acks = [json.loads(line) for line in stdout.splitlines()]
    assert acks[-1]["durable_rows"] == 2000
    p = _cli(*args, "--flush-rows", "1000")
    stdout, stderr = p.communicate(timeout=120)
    assert p.returncode == 0, stderr
    ev = read_recording(out, as_events=True)
    full = simulate_lob(5000, seed=2)
    np.testing.assert_array_equal(ev.seq, full.seq)
    assert len(read_manifest(out)["segments"]) == 2


@pytest.mark.slow
def test_cli_process_killed_repeatedly(tmp_path):
    out = tmp_path / "rec"
    args = ["--source", "simulated", "--out", str(out), "--events-sim", "200000", "--seed", "4"]
    acked = 0
    for k in range(20):
        p = _cli(*args, "--flush-rows", "2000", "--flush-ms", "10")
        line = p.stdout.readline()  # wait for the first acknowledged flush
        time.sleep(0.05 * (k % 4))
        p.send_signal(signal.SIGKILL)
        rest, _ = p.communicate()
        for text in [line, *rest.splitlines()]:
            if text.endswith("}"):
                acked = max(acked, json.loads(text)["durable_rows"])
    ev = read_recording(out, as_events=True)
    assert len(ev) >= acked > 0
    np.testing.assert_array_equal(ev.seq, simulate_lob(200_000, seed=4).seq[: len(ev)])
