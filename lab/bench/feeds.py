"""Feed benchmarks: feed -> book -> metrics from the local exchange at the highest rate it
sustains on loopback (recorder on), and the recorder's write throughput and flush latency.

``feed_loopback``: the local exchange runs in a child process (so that the server's work does
not share the client's interpreter lock) with one Binance market, one update per message,
unpaced (``rate=None``: the whole stream is in flight as fast as the socket takes it). The timed
part is from the first batch after the REST snapshot to the last message applied: every message
is received (picows), decoded (numba, a batch per call), sequence-checked, applied to the book,
handed to the recorder (:class:`~lab.feeds.writer.RecorderThread`: flush every 65,536 rows or
250 ms, fsync each time, on its writer thread) and each batch's book is measured with the native
``lob_metrics``. Throughput = messages / seconds (wall clock). Parts: the recorder's p99 flush
latency (on the writer thread), the feed loop's p99 stall in the recorder (the hand-off per
batch), and the client's and the server's CPU seconds; the note adds level updates/s, the
recorder's write throughput (rows / seconds the writer spent flushing), the batches, the CPU per
message (what one core sustains: on a shared machine the wall clock also counts the time other
processes held the cores) and the machine's load average. A run with any resync, gap, reconnect
or overflow is refused.

``feed_receive_ceiling`` and ``feed_receive_ceiling_picows``: the same exchange and stream
received by a bare loop that only counts frames, with aiohttp's ``async for msg in ws`` (the
previous feed client) and with a picows listener keeping each payload (the feed's client): the
most each allows here, beside which ``feed_loopback``'s rate is read.

``recorder_write``: :class:`~lab.feeds.recorder.Recorder` appending a simulated stream in 10,000
row batches (flush every 65,536 rows, fsync each time). Throughput = rows / seconds; parts:
p50 and p99 flush latency.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from lab.bench.base import Request, Timed, Workload

FEED_EVENTS = 150_000
"""Simulated arrivals behind the loopback feed row (about 155k messages)."""

RECORDER_EVENTS = 500_000
"""Simulated arrivals behind the recorder row (about 515k rows)."""

CHILD_TIMEOUT_S = 600.0


def _start_exchange(events: int) -> tuple[subprocess.Popen, dict]:
    root = Path(__file__).resolve().parents[2]
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")])
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "lab.feeds.exchange_sim", "--events", str(events)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    line = proc.stdout.readline()
    if not line:
        proc.kill()
        raise RuntimeError("the local exchange process did not start")
    return proc, json.loads(line)


def _stop_exchange(proc: subprocess.Popen) -> float:
    """Close the local exchange's stdin; returns the CPU seconds it spent serving."""
    proc.stdin.close()
    line = proc.stdout.readline()
    proc.wait(30)
    try:
        return float(json.loads(line)["serving_cpu_s"])
    except (ValueError, KeyError, TypeError):
        return float("nan")


def feed_loopback(events: int = FEED_EVENTS) -> Timed:
    """One run of the ``feed_loopback`` row (see the module docstring)."""
    from lab.backends import get_backend
    from lab.feeds.base import Backoff
    from lab.feeds.binance import BinanceFeed
    from lab.feeds.config import FeedConfig
    from lab.feeds.writer import RecorderThread

    native = get_backend("native")
    proc, info = _start_exchange(events)
    try:
        url = f"127.0.0.1:{info['port']}"
        cfg = FeedConfig(
            "binance", "BTCUSDT", ws_url=f"ws://{url}", rest_url=f"http://{url}",
            backoff=Backoff(0.05, 2.0, 1.0), queue_size=1_000_000,
        )  # fmt: skip
        feed = BinanceFeed(cfg)
        _warm_kernels()
        with tempfile.TemporaryDirectory(prefix="arblab-bench-rec-") as tmp:
            rec = RecorderThread(tmp, flush_rows=65_536, flush_seconds=0.25)
            batches = []

            async def go() -> tuple[float, float, float]:
                t0 = c0 = None
                async for batch in feed.events():
                    batches.append(len(batch))
                    if t0 is None:
                        t0, c0 = time.perf_counter(), time.process_time()
                    rec.append(batch)
                    native.lob_metrics(feed.book.snapshot(50), depth=5)
                    st = feed.status
                    if st.resyncs or st.gaps or st.reconnects or st.overflows:
                        feed.stop()
                        break
                    if (feed.last_update_id or -1) >= info["last_id"]:
                        feed.stop()
                        break
                return t0, time.perf_counter(), time.process_time() - c0

            t0, t1, cpu = asyncio.run(asyncio.wait_for(go(), CHILD_TIMEOUT_S))
            rec.close()
            lat = np.array(rec.flush_latencies)
            stall = np.array(rec.append_seconds)
    finally:
        server_cpu = _stop_exchange(proc)
    st = feed.status
    if st.resyncs or st.gaps or st.reconnects or st.overflows:
        raise RuntimeError(f"the loopback feed lost sync ({st.last_reason}): not a clean run")
    seconds = t1 - t0
    rows = rec.durable.rows
    n = max(st.applied, 1)
    load = os.getloadavg()[0]
    return Timed(
        seconds,
        {
            "flush_p99": float(np.quantile(lat, 0.99)),
            "loop_stall_p99": float(np.quantile(stall, 0.99)),
            "client_cpu": cpu,
            "server_cpu": server_cpu,
        },
        f"{st.applied:,} messages applied, {st.applied / seconds:,.0f} msg/s, "
        f"{rows / seconds:,.0f} level updates/s, recorder on ({rows:,} rows, {len(lat)} flushes "
        f"on its writer thread, {rows / max(lat.sum(), 1e-9):,.0f} rows/s written, flush p99 "
        f"{np.quantile(lat, 0.99) * 1e3:.1f} ms; feed loop stall in the recorder p50 "
        f"{np.quantile(stall, 0.5) * 1e6:.0f} us, p99 {np.quantile(stall, 0.99) * 1e6:.0f} us, "
        f"{rec.stalls} blocked hand-offs); "
        f"{len(batches):,} batches; client CPU {cpu / n * 1e6:.2f} us/msg, i.e. "
        f"{n / max(cpu, 1e-9):,.0f} msg/s per core; local exchange CPU "
        f"{server_cpu / n * 1e6:.2f} us/msg; load average {load:.1f} on {os.cpu_count()} cores",
    )


def _warm_kernels() -> None:
    """Load (or compile) the feed's decoding and book kernels before the clock starts."""
    from lab.analytics.orderbook import BookSnapshot
    from lab.feeds.binance import decode_batch
    from lab.feeds.book import ArrayBook

    book = ArrayBook.from_snapshot(BookSnapshot(0, [99.0], [1.0], [101.0], [1.0]))
    book.apply_updates([1, -1], [100.0, 101.0], [2.0, 0.0], [0, 2])
    msg = b'{"e":"depthUpdate","E":1,"s":"BTCUSDT","U":1,"u":1,"b":[["1.0","2"]],"a":[]}'
    decode_batch([msg], "BTCUSDT")


def feed_receive_ceiling(events: int = FEED_EVENTS, client: str = "aiohttp") -> Timed:
    """One run of a receive-ceiling row: the same local exchange and stream as
    ``feed_loopback``, received by a bare loop that only counts the frames (no decoding, no
    book, no recorder). ``client="aiohttp"``: ``async for msg in ws`` (the previous feed
    client); ``client="picows"``: a picows listener that keeps each payload as ``bytes`` (what
    the feed's listener does per frame), i.e. the most the feed's client allows here."""
    if client not in ("aiohttp", "picows"):
        raise ValueError(f"client must be 'aiohttp' or 'picows', got {client!r}")
    proc, info = _start_exchange(events)
    url = f"ws://127.0.0.1:{info['port']}/ws/btcusdt@depth@100ms"
    total = info["messages"]
    try:
        go = _receive_aiohttp if client == "aiohttp" else _receive_picows
        n, seconds, cpu = asyncio.run(asyncio.wait_for(go(url, total), CHILD_TIMEOUT_S))
    finally:
        _stop_exchange(proc)
    return Timed(
        seconds,
        {"client_cpu": cpu},
        f"{n:,} frames received ({client}), {n / seconds:,.0f} frames/s; client CPU "
        f"{cpu / max(n, 1) * 1e6:.2f} us/frame, i.e. {n / max(cpu, 1e-9):,.0f} frames/s per core",
    )


async def _receive_aiohttp(url: str, total: int) -> tuple[int, float, float]:
    import aiohttp

    n = 0
    async with aiohttp.ClientSession() as http:
        async with http.ws_connect(url, max_msg_size=0) as ws:
            t0 = c0 = None
            async for _msg in ws:
                if t0 is None:
                    t0, c0 = time.perf_counter(), time.process_time()
                n += 1
                if n >= total:
                    break
            return n, time.perf_counter() - t0, time.process_time() - c0


async def _receive_picows(url: str, total: int) -> tuple[int, float, float]:
    import picows

    done = asyncio.get_running_loop().create_future()

    class Counter(picows.WSListener):
        def __init__(self) -> None:
            super().__init__()
            self.frames: list[bytes] = []
            self.t0 = self.c0 = None

        def on_ws_frame(self, transport, frame) -> None:
            if self.t0 is None:
                self.t0, self.c0 = time.perf_counter(), time.process_time()
            if frame.msg_type is picows.WSMsgType.TEXT:
                self.frames.append(frame.get_payload_as_bytes())
                if len(self.frames) >= total and not done.done():
                    done.set_result((time.perf_counter(), time.process_time()))

    transport, listener = await picows.ws_connect(Counter, url, max_frame_size=1 << 26)
    try:
        t1, c1 = await done
    finally:
        transport.disconnect()
    return len(listener.frames), t1 - listener.t0, c1 - listener.c0


def recorder_write(events: int = RECORDER_EVENTS) -> Timed:
    """One run of the ``recorder_write`` row (see the module docstring)."""
    from lab.feeds.recorder import Recorder

    stream = _stream(events)
    with tempfile.TemporaryDirectory(prefix="arblab-bench-rec-") as tmp:
        t0 = time.perf_counter()
        with Recorder(tmp, flush_rows=65_536, flush_seconds=3600.0) as rec:
            for i in range(0, len(stream), 10_000):
                rec.append(stream[i : i + 10_000])
        seconds = time.perf_counter() - t0
        lat = np.array(rec.flush_latencies)
    return Timed(
        seconds,
        {"flush_p50": float(np.quantile(lat, 0.5)), "flush_p99": float(np.quantile(lat, 0.99))},
        f"{len(stream):,} rows, {len(stream) / seconds:,.0f} rows/s, {len(lat)} flushes (fsync)",
    )


_streams: dict[int, object] = {}


def _stream(events: int):
    if events not in _streams:
        from lab.analytics.orderbook import simulate_lob

        _streams[events] = simulate_lob(events, seed=0)
    return _streams[events]


def _feed_request(m: float) -> Request:
    from lab.analytics.orderbook import SNAPSHOT

    n = int((_stream(FEED_EVENTS).kind != SNAPSHOT).sum())  # one update per message
    return Request((), {}, float(n), f"{n:,} Binance diff messages on loopback")


def _recorder_request(m: float) -> Request:
    n = len(_stream(RECORDER_EVENTS))
    return Request((), {}, float(n), f"{n:,} rows in 10k-row batches")


FEED_WORKLOADS = (
    Workload(
        "feed_loopback",
        "feed_loopback",
        _feed_request,
        "local exchange -> Binance feed (picows) -> book -> metrics, recorder on (writer thread)",
        unit="messages",
        kind="feed",
        call=lambda w, b, r: feed_loopback(),
        repeats=1,
        warmup=0,
    ),
    Workload(
        "feed_receive_ceiling",
        "feed_receive_ceiling",
        _feed_request,
        "local exchange -> bare aiohttp receive loop (no processing): the previous client's ceiling",
        unit="messages",
        kind="feed",
        call=lambda w, b, r: feed_receive_ceiling(),
        repeats=1,
        warmup=0,
    ),
    Workload(
        "feed_receive_ceiling_picows",
        "feed_receive_ceiling_picows",
        _feed_request,
        "local exchange -> bare picows receive loop (payloads kept, no processing): the ceiling",
        unit="messages",
        kind="feed",
        call=lambda w, b, r: feed_receive_ceiling(client="picows"),
        repeats=1,
        warmup=0,
    ),
    Workload(
        "recorder_write",
        "recorder_write",
        _recorder_request,
        "Recorder appends, fsync per flush",
        unit="rows",
        kind="feed",
        call=lambda w, b, r: recorder_write(),
        repeats=3,
        warmup=0,
    ),
)
