"""Peer rows: ArbLab against the library a quant would pick instead, in one process, on the
same input, with the results checked equal before any rate is reported.

- ``ob_vs_hftbacktest``: the native ``ob_replay`` against hftbacktest (the ``peers`` extra)
  on the ``ob_replay`` workload's stream (:func:`lab.analytics.workloads.ob_replay`: 1M
  simulated arrivals, metrics every :data:`~lab.analytics.workloads.OB_RECORD_EVERY` rows).
  hftbacktest replays the same rows as L2 depth events (:func:`hftbacktest_events`) through
  its documented Python API (``BacktestAsset``, ``HashMapMarketDepthBacktest`` and
  ``ROIVectorMarketDepthBacktest``, ``elapse``, ``depth(0).best_bid``/``best_ask``) and reads
  the best bid and ask at every record point; they must equal ArbLab's exactly. The row's time
  is ArbLab's median call; its note gives both rates (rows per second) and the ratios against
  :data:`OB_RATIO_GOAL`.
- ``upload_vs_flight``: ArbLab's streaming ``PutDataset`` (grpc backend) against Arrow Flight
  ``do_put`` to a local Flight server, on the same 80 MB float64 array, alternating; the row's
  time is ArbLab's median upload; its note gives both GB/s and the ratio against
  :data:`UPLOAD_RATIO_GOAL`.

A peer that is not installed makes its row skipped (:class:`~lab.bench.base.Skip`), with the
reason and the extra that installs it.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from lab.bench.base import Request, Skip, Timed, Workload, upload_request

OB_RATIO_GOAL = 1.5
"""Goal: ArbLab's ``ob_replay`` rate at least this multiple of hftbacktest's."""

PEER_RUNS = 5
"""Alternating timed calls of each engine in one peer measurement (the medians count)."""


def _hftbacktest() -> Any:
    try:
        import hftbacktest
    except ImportError as exc:
        raise Skip(f"hftbacktest is not installed (pip install 'arblab[peers]'): {exc}") from None
    return hftbacktest


def hftbacktest_events(ev: Any) -> np.ndarray:
    """The stream as hftbacktest events (its ``event_dtype``): every row one depth event at
    exchange and local time ``row + 1`` ns (the snapshot's rows all at its first row's time, as
    ArbLab applies a snapshot whole at its first row), the snapshot rows as ``DEPTH_SNAPSHOT_EVENT``,
    the updates (limit, cancel and trade rows alike: each sets a level's absolute quantity) as
    ``DEPTH_EVENT``, bids as ``BUY_EVENT`` and asks as ``SELL_EVENT``.

    Only a stream with one snapshot, first, and no sequence gap has the same meaning in both
    libraries (hftbacktest has no sequence numbers); others raise ``ValueError``.
    """
    from lab.analytics.orderbook import BID, SNAPSHOT, as_events

    h = _hftbacktest()
    ev = as_events(ev)
    snap = ev.kind == SNAPSHOT
    n_snap = int(np.argmin(snap)) if not snap.all() else len(ev)
    if n_snap == 0 or snap[n_snap:].any() or (ev.seq[:n_snap] != ev.seq[0]).any():
        raise ValueError("the peer stream must start with its only snapshot")
    if (np.diff(ev.seq[n_snap - 1 :]) != 1).any():
        raise ValueError("the peer stream must have no sequence gap")
    out = np.zeros(len(ev), dtype=h.event_dtype)
    kind = np.where(snap, h.DEPTH_SNAPSHOT_EVENT, h.DEPTH_EVENT).astype(np.uint64)
    side = np.where(ev.side == BID, h.BUY_EVENT, h.SELL_EVENT).astype(np.uint64)
    out["ev"] = kind | side | h.EXCH_EVENT | h.LOCAL_EVENT
    ts = np.arange(1, len(ev) + 1, dtype=np.int64)
    ts[:n_snap] = 1  # ArbLab applies a snapshot whole at its first row
    out["exch_ts"] = ts
    out["local_ts"] = ts
    out["px"] = ev.price
    out["qty"] = ev.qty
    return out


_BBO_LOOP: Any = None


def _bbo_loop() -> Any:
    """The replay loop (numba, as hftbacktest's API requires): elapse to the time of each
    record row and read the best bid and ask."""
    global _BBO_LOOP
    if _BBO_LOOP is None:
        from numba import njit

        @njit
        def loop(hbt, rows, out_bid, out_ask):
            t = 1  # the backtest starts at the first event's time
            r = 0
            while r < rows.shape[0]:
                target = rows[r] + 1
                code = hbt.elapse(target - t)
                t = target
                depth = hbt.depth(0)
                out_bid[r] = depth.best_bid
                out_ask[r] = depth.best_ask
                r += 1
                if code != 0:  # end of data: the book is final
                    break
            return r

        _BBO_LOOP = loop
    return _BBO_LOOP


def hftbacktest_replay(data: np.ndarray, rows: np.ndarray, tick: float, vector: bool) -> tuple:
    """Replay hftbacktest events and record the best bid and ask after ``rows``: builds the
    backtest (zero latencies and fees: only the book matters) and runs :func:`_bbo_loop`.
    ``vector`` uses ``ROIVectorMarketDepthBacktest`` over the stream's price range.
    Returns ``(best_bid, best_ask)``."""
    h = _hftbacktest()
    asset = (
        h.BacktestAsset()
        .data(data)
        .linear_asset(1.0)
        .constant_order_latency(0, 0)
        .risk_adverse_queue_model()
        .no_partial_fill_exchange()
        .trading_value_fee_model(0.0, 0.0)
        .tick_size(tick)
        .lot_size(1.0)
        .last_trades_capacity(0)
    )
    if vector:
        asset = asset.roi_lb(float(data["px"].min()) - tick).roi_ub(float(data["px"].max()) + tick)
        hbt = h.ROIVectorMarketDepthBacktest([asset])
    else:
        hbt = h.HashMapMarketDepthBacktest([asset])
    bid = np.full(rows.shape[0], np.nan)
    ask = np.full(rows.shape[0], np.nan)
    done = _bbo_loop()(hbt, rows, bid, ask)
    hbt.close()
    if done != rows.shape[0]:
        raise RuntimeError(f"hftbacktest stopped after {done} of {rows.shape[0]} record points")
    return bid, ask


def check_same_bbo(res: Any, bid: np.ndarray, ask: np.ndarray, peer: str) -> None:
    """Raise ``AssertionError`` unless ``bid``/``ask`` equal the replay's best bid/ask exactly
    at every record point (NaN, an empty side, equals NaN)."""
    for what, ours, theirs in (("bid", res.best_bid, bid), ("ask", res.best_ask, ask)):
        bad = np.flatnonzero(~((ours == theirs) | (np.isnan(ours) & np.isnan(theirs))))
        if bad.size:
            i = int(bad[0])
            raise AssertionError(
                f"best {what} differs from {peer} at {bad.size} of {ours.size} record points, "
                f"first after row {int(res.index[i])}: {ours[i]!r} != {theirs[i]!r}"
            )


def _ob_request(m: float) -> Request:
    from lab.analytics import workloads as wl

    req = wl.ob_replay(1.0)
    (ev,) = req.args
    return Request(req.args, req.kwargs, float(len(ev)), f"{len(ev):,} rows of {req.shape}")


def ob_vs_hftbacktest(events: Any, every: int, runs: int = PEER_RUNS) -> Timed:
    """ArbLab's native ``ob_replay`` and hftbacktest (hash-map and ROI-vector depth) on one
    stream, alternating, ``runs`` calls each; raises ``AssertionError`` unless the best bid
    and ask agree exactly at every record point."""
    from lab.analytics.orderbook import native
    from lab.kernels.ladder import infer_tick

    data = hftbacktest_events(events)
    tick = float(np.round(infer_tick(events.price), 12))
    times: dict[str, list[float]] = {"arblab": [], "hashmap": [], "vector": []}
    for _ in range(runs):
        t0 = time.perf_counter()
        res = native.ob_replay(events, every=every)
        times["arblab"].append(time.perf_counter() - t0)
        for name in ("hashmap", "vector"):
            t0 = time.perf_counter()
            bid, ask = hftbacktest_replay(data, res.index, tick, vector=name == "vector")
            times[name].append(time.perf_counter() - t0)
            check_same_bbo(res, bid, ask, f"hftbacktest {name}")
    med = {k: float(np.median(v)) for k, v in times.items()}
    n = len(events)
    rate = {k: n / v for k, v in med.items()}
    r_hash, r_vec = rate["arblab"] / rate["hashmap"], rate["arblab"] / rate["vector"]
    verdict = "meets" if r_hash >= OB_RATIO_GOAL else "misses"
    return Timed(
        med["arblab"],
        {"hftbacktest hashmap": med["hashmap"], "hftbacktest vector": med["vector"]},
        f"best bid/ask identical at all {res.index.size:,} record points; ArbLab "
        f"{rate['arblab'] / 1e6:.1f}M rows/s, hftbacktest {rate['hashmap'] / 1e6:.1f}M/s "
        f"(hash-map depth), {rate['vector'] / 1e6:.1f}M/s (ROI vector depth): "
        f"{r_hash:.2f}x and {r_vec:.2f}x, {verdict} the {OB_RATIO_GOAL:g}x goal",
    )


def _call_ob(w: Workload, b: Any, r: Request) -> Timed:
    _hftbacktest()
    return ob_vs_hftbacktest(*r.args, every=r.kwargs["every"])


PEER_WORKLOADS = (
    Workload(
        "ob_vs_hftbacktest",
        "ob_replay",
        _ob_request,
        "native ob_replay vs hftbacktest on the same 1M-arrival L2 stream",
        unit="rows",
        kind="peer",
        call=_call_ob,
        repeats=1,
        warmup=1,
    ),
)
"""The peer rows, in report order."""


# ---------------------------------------------------------------------------- Arrow Flight
UPLOAD_RATIO_GOAL = 0.9
"""Goal: ArbLab's streaming upload at least this fraction of Arrow Flight ``do_put``'s rate."""


def _flight() -> Any:
    try:
        import pyarrow as pa
        import pyarrow.flight as fl
    except ImportError as exc:
        raise Skip(f"pyarrow.flight is not available: {exc}") from None
    return pa, fl


def flight_server() -> Any:
    """A local Arrow Flight server on a free loopback port whose ``do_put`` reads the whole
    stream into a table (as ArbLab's server stores a whole dataset); call ``shutdown()``."""
    pa, fl = _flight()

    class PutServer(fl.FlightServerBase):
        def do_put(self, context, descriptor, reader, writer):
            self.last_rows = reader.read_all().num_rows

    return PutServer("grpc://127.0.0.1:0")


def upload_vs_flight(backend: Any, data: np.ndarray, runs: int = PEER_RUNS) -> Timed:
    """ArbLab's streaming ``PutDataset`` (``backend.upload``) and Arrow Flight ``do_put`` of
    the same float64 array (one column, written with ``write_table`` as Flight does by
    default) to a local server, alternating, ``runs`` each; each ArbLab upload is new content
    (one element changed) so the server never answers from its cache."""
    pa, fl = _flight()
    server = flight_server()
    client = fl.connect(f"grpc://127.0.0.1:{server.port}")
    try:
        table = pa.table({"x": pa.array(data)})
        descriptor = fl.FlightDescriptor.for_path("bench")
        times: dict[str, list[float]] = {"arblab": [], "flight": []}
        for i in range(runs):
            data[0] = float(i + 1) * 0.5 + time.time()  # new content: a real upload each time
            t0 = time.perf_counter()
            backend.upload(data)
            times["arblab"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            writer, _ = client.do_put(descriptor, table.schema)
            writer.write_table(table)
            writer.close()
            times["flight"].append(time.perf_counter() - t0)
            if server.last_rows != data.size:
                raise AssertionError(f"Flight received {server.last_rows} of {data.size} rows")
    finally:
        client.close()
        server.shutdown()
    med = {k: float(np.median(v)) for k, v in times.items()}
    gbs = {k: data.nbytes / v / 1e9 for k, v in med.items()}
    ratio = gbs["arblab"] / gbs["flight"]
    verdict = "meets" if ratio >= UPLOAD_RATIO_GOAL else "misses"
    return Timed(
        med["arblab"],
        {"flight do_put": med["flight"]},
        f"median of {runs} each: ArbLab PutDataset {gbs['arblab']:.2f} GB/s, Arrow Flight "
        f"do_put {gbs['flight']:.2f} GB/s: {ratio:.0%} of Flight, {verdict} the "
        f"{UPLOAD_RATIO_GOAL:.0%} goal",
    )


def _call_upload(w: Workload, b: Any, r: Request) -> Timed:
    _flight()
    return upload_vs_flight(b, *r.args)


PEER_WORKLOADS += (
    Workload(
        "upload_vs_flight",
        "upload",
        upload_request,
        "80 MB PutDataset stream vs Arrow Flight do_put on loopback",
        unit="GB",
        kind="grpc_peer",
        call=_call_upload,
        repeats=1,
        warmup=1,
    ),
)
