"""Write a recording in hftbacktest's event format (a NumPy structured array), without
depending on hftbacktest.

Format (hftbacktest ``types.py`` / data docs): ``event_dtype`` is the aligned structured dtype
``ev u8, exch_ts i8, local_ts i8, px f8, qty f8, order_id u8, ival i8, fval f8``; ``ev`` holds
the event kind in its low byte (``DEPTH_EVENT`` 1, ``TRADE_EVENT`` 2, ``DEPTH_CLEAR_EVENT`` 3,
``DEPTH_SNAPSHOT_EVENT`` 4) or-ed with ``EXCH_EVENT`` (1<<31), ``LOCAL_EVENT`` (1<<30) and the
side ``BUY_EVENT`` (1<<29) / ``SELL_EVENT`` (1<<28); timestamps are integer nanoseconds.

Mapping: a snapshot becomes, per side, one ``DEPTH_CLEAR_EVENT`` (price = the side's worst
snapshot price, clearing up to it) followed by its ``DEPTH_SNAPSHOT_EVENT`` levels; an update
becomes a ``DEPTH_EVENT`` with the new absolute quantity (a TRADE row of the simulator is its
depth change; L2 streams hold no trade prints). Both timestamps are the row's ``time`` (our
streams carry one clock) shifted by ``time_origin`` seconds.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lab.analytics.orderbook import BID, SNAPSHOT, as_events

DEPTH_EVENT, TRADE_EVENT, DEPTH_CLEAR_EVENT, DEPTH_SNAPSHOT_EVENT = 1, 2, 3, 4
EXCH_EVENT, LOCAL_EVENT = 1 << 31, 1 << 30
BUY_EVENT, SELL_EVENT = 1 << 29, 1 << 28

HBT_EVENT_DTYPE = np.dtype(
    [
        ("ev", "<u8"),
        ("exch_ts", "<i8"),
        ("local_ts", "<i8"),
        ("px", "<f8"),
        ("qty", "<f8"),
        ("order_id", "<u8"),
        ("ival", "<i8"),
        ("fval", "<f8"),
    ],
    align=True,
)


def to_hftbacktest(events, time_origin: float = 0.0) -> np.ndarray:
    """``events`` (LOBEvents or anything :func:`as_events` takes) as hftbacktest events."""
    ev = as_events(events)
    n = len(ev)
    kind, side, seq = ev.kind, ev.side, ev.seq
    ts = np.round((ev.time + float(time_origin)) * 1e9).astype(np.int64)
    flags = np.where(side == BID, BUY_EVENT, SELL_EVENT).astype(np.uint64) | np.uint64(
        EXCH_EVENT | LOCAL_EVENT
    )
    rows = []
    i = 0
    while i < n:
        if kind[i] == SNAPSHOT:
            j = i
            while j < n and kind[j] == SNAPSHOT and seq[j] == seq[i]:
                j += 1
            for s in (BID, -BID):
                idx = [k for k in range(i, j) if side[k] == s and ev.qty[k] > 0]
                if not idx:
                    continue
                worst = min(ev.price[k] for k in idx) if s == BID else max(ev.price[k] for k in idx)
                f = int(flags[idx[0]])
                rows.append((f | DEPTH_CLEAR_EVENT, ts[i], ts[i], worst, 0.0))
                rows.extend(
                    (f | DEPTH_SNAPSHOT_EVENT, ts[k], ts[k], ev.price[k], ev.qty[k]) for k in idx
                )
            i = j
        else:
            rows.append((int(flags[i]) | DEPTH_EVENT, ts[i], ts[i], ev.price[i], ev.qty[i]))
            i += 1
    out = np.zeros(len(rows), dtype=HBT_EVENT_DTYPE)
    if rows:
        cols = list(zip(*rows, strict=True))
        out["ev"] = np.array(cols[0], dtype=np.uint64)
        out["exch_ts"] = cols[1]
        out["local_ts"] = cols[2]
        out["px"] = cols[3]
        out["qty"] = cols[4]
    return out


def write_hftbacktest(recording: str | Path, out: str | Path) -> Path:
    """Convert a recording directory to an hftbacktest ``.npz`` (array ``data``)."""
    from lab.feeds.recorder import read_manifest, read_recording

    manifest = read_manifest(recording)
    data = to_hftbacktest(
        read_recording(recording, as_events=True), manifest.get("created_unix", 0)
    )
    out = Path(out)
    np.savez_compressed(out, data=data)
    return out if out.suffix == ".npz" else out.with_suffix(out.suffix + ".npz")
