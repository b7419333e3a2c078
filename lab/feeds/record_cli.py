"""``arblab record``: record a book feed into a crash-safe recording directory.

Prints one JSON line per acknowledged flush on stdout, e.g.
``{"durable_rows": 120000, "last_seq": 119999, "segments": 1, "flush_ms": 2.1}``: every row
counted there survives a ``kill -9``. Rerunning with the same ``--out`` recovers the directory
and appends (a simulated stream continues where the durable rows end).
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys

from lab.feeds.base import Backoff
from lab.feeds.writer import RecorderThread

SOURCES = ("simulated", "binance", "kraken")


def make_feed(source: str, symbol: str, *, seq_origin: int = 0, start_row: int = 0, **opts):
    """The feed for ``source``: ``simulated`` (options ``n_events``, ``seed``, ``chunk_rows``,
    ``rate``), or a live exchange (options ``ws_url``, ``rest_url``, ``depth``, ``config``)."""
    if source == "simulated":
        from lab.feeds.sources import SimulatedFeed

        return SimulatedFeed(
            n_events=opts.get("n_events") or 100_000,
            seed=opts.get("seed") or 0,
            chunk_rows=opts.get("chunk_rows") or 1000,
            rate=opts.get("rate"),
            start_row=start_row,
        )
    if source not in ("binance", "kraken"):
        raise ValueError(f"source must be one of {SOURCES}, got {source!r}")
    from lab.feeds.config import FeedConfig, load_config

    if opts.get("config"):
        cfg = load_config(opts["config"])
    else:
        kw = {"ws_url": opts.get("ws_url") or "", "rest_url": opts.get("rest_url") or ""}
        if opts.get("depth"):
            kw["depth"] = opts["depth"]
        elif source == "kraken":
            kw["depth"] = 10
        cfg = FeedConfig(source, symbol, backoff=Backoff(), **kw)
    if source == "binance":
        from lab.feeds.binance import BinanceFeed

        return BinanceFeed(cfg, seq_origin=seq_origin)
    from lab.feeds.kraken import KrakenFeed

    return KrakenFeed(cfg, seq_origin=seq_origin)


async def record(
    feed, recorder: RecorderThread, max_rows: int | None, seconds: float | None
) -> None:
    """Pump ``feed`` into ``recorder`` until ``max_rows`` rows, ``seconds`` or the feed ends
    (the recorder's writer thread flushes on its row and time boundaries, off this loop)."""

    async def ticker():
        await asyncio.sleep(seconds)
        feed.stop()

    tick = asyncio.ensure_future(ticker()) if seconds is not None else None
    try:
        async for batch in feed.events():
            if max_rows is not None:
                room = max_rows - recorder.durable.rows - recorder.buffered_rows
                if room <= 0:
                    break
                batch = batch[:room] if len(batch) > room else batch
            recorder.append(batch)
            if max_rows is not None and recorder.durable.rows + recorder.buffered_rows >= max_rows:
                break
    finally:
        if tick is not None:
            tick.cancel()


def run(args) -> int:
    def report(d):
        line = {"durable_rows": d.rows, "last_seq": d.last_seq, "segments": d.segments}
        line["flush_ms"] = round(d.latency * 1e3, 3)
        sys.stdout.write(json.dumps(line) + "\n")
        sys.stdout.flush()

    meta = {"source": args.source, "symbol": args.symbol}
    try:
        recorder = RecorderThread(
            args.out,
            flush_rows=args.flush_rows,
            flush_seconds=args.flush_ms / 1e3,
            meta=meta,
            on_flush=report,
        )
        durable = recorder.durable
        feed = make_feed(
            args.source,
            args.symbol,
            seq_origin=durable.last_seq + 1,
            start_row=durable.rows,
            n_events=args.events_sim,
            seed=args.seed,
            rate=args.rate,
            ws_url=args.ws_url,
            rest_url=args.rest_url,
            depth=args.depth,
            config=args.config,
        )
    except ValueError as exc:
        print(f"arblab record: {exc}", file=sys.stderr)
        return 2
    if recorder.recovered_bytes:
        print(
            f"arblab record: cut {recorder.recovered_bytes} unacknowledged bytes from the last "
            "segment",
            file=sys.stderr,
        )
    loop = asyncio.new_event_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, feed.stop)
    try:
        loop.run_until_complete(record(feed, recorder, args.max_rows, args.seconds))
    except RuntimeError as exc:  # the writer failed (disk full, ...): what was acked stays
        print(f"arblab record: {exc}", file=sys.stderr)
    finally:
        loop.close()
    try:
        final = recorder.close()
    except RuntimeError as exc:
        print(f"arblab record: {exc}", file=sys.stderr)
        return 1
    print(
        f"arblab record: {final.rows} rows durable in {args.out} ({final.segments} segment(s))",
        file=sys.stderr,
    )
    return 0
