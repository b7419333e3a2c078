"""A live order book (the Order book page's model): fed by the order-flow simulator, a
recording, or a live exchange feed (Binance or Kraken, public endpoints or the local exchange
simulator), with recording on demand."""

from __future__ import annotations

import os
from collections import deque
from typing import Any

import numpy as np
import pandas as pd
import param

from lab.analytics.orderbook import BookSnapshot, LOBEvents
from lab.models.base import AnalysisModel

SOURCES = ("simulated", "recording", "live")
"""Where the book comes from."""

DEFAULT_SYMBOLS = {"binance": "BTCUSDT", "kraken": "BTC/USD"}

REMOTE_ENGINES = ("grpc", "dask")
"""Backends whose calls leave the process (the replay is batched over several steps)."""

MAX_REMOTE_BATCH = 200
"""Upper bound of :attr:`OrderBookModel.remote_batch`."""

MAX_CALL_ROWS = 200_000
"""Most stream rows one batched replay call carries (fewer steps per call at high speed)."""

RECORDINGS_ENV = "ARBLAB_RECORDINGS"
"""Environment variable naming the directory of recordings listed by the page."""

SERIES_COLUMNS = ("time", "mid", "microprice", "spread_bps", "imbalance")
"""Columns of the frames returned by :meth:`OrderBookModel.step`."""


class OrderBookModel(AnalysisModel):
    """An L2 book from a simulated stream, a recording or a live feed.

    ``source="simulated"``: the stream is ``simulate_lob(n_events, seed + epoch)`` on the selected backend (a
    zero-intelligence Poisson order-flow model; see its docstring). Each :meth:`step` takes the
    next ``speed`` rows and replays them with ``ob_replay`` on the backend, starting from the
    current book (sent as a snapshot), so the book never has to live in the model's process.
    On a remote engine (grpc, dask) one replay call covers :meth:`ticks_per_call` steps (see
    :meth:`step`), so a session makes two remote calls per :attr:`remote_batch` ticks.
    It returns the mid, microprice, spread and imbalance after every row of the chunk and
    updates :attr:`book` (the full book after the chunk) and :attr:`metrics` (``lob_metrics``
    of it: VWAP costs, depth near the mid). When the stream is used up the next epoch starts
    with a fresh stream (``seed + epoch``), from its own opening snapshot.

    ``source="recording"``: the same chunked replay of the recording at :attr:`recording_path`
    (written by :class:`lab.feeds.recorder.Recorder` or ``arblab record``).

    ``source="live"``: the book of the shared feed (:mod:`lab.feeds.hub`) of :attr:`exchange`
    and :attr:`symbol` at :attr:`endpoint` (``local``: the loopback exchange simulator). The
    feed keeps the book current on its own thread; each :meth:`step` takes the current book and
    the top-of-book points since the previous step, and computes ``lob_metrics`` on the
    backend. Every session watching the same symbol shares one feed.

    :meth:`start_recording` records what the model shows from then on (live: every feed batch;
    otherwise every replayed chunk, after a snapshot of the current book).

    :attr:`running` is the start/stop switch the view's periodic callback honours.
    """

    source = param.Selector(default="simulated", objects=list(SOURCES), doc="Book source.")
    recording_path = param.String(default="", doc="Recording directory (source 'recording').")
    recordings_dir = param.String(
        default=os.environ.get(RECORDINGS_ENV, "recordings"),
        doc=f"Directory whose recordings the picker lists (${RECORDINGS_ENV}, else ./recordings).",
    )
    exchange = param.Selector(
        default="binance", objects=list(DEFAULT_SYMBOLS), doc="Exchange (source 'live')."
    )
    symbol = param.String(default="BTCUSDT", doc="Exchange symbol (source 'live').")
    endpoint = param.Selector(
        default="local",
        objects=["local", "exchange"],
        doc="'local': the loopback exchange simulator; 'exchange': the public endpoints.",
    )
    status = param.String(default="", constant=True, doc="Feed status line (read-only).")
    recording = param.String(
        default="", constant=True, doc="Directory being recorded into, '' if none (read-only)."
    )
    durable_rows = param.Integer(
        default=0, constant=True, doc="Rows durable in the current recording (read-only)."
    )

    seed = param.Integer(default=0, bounds=(0, None), doc="Seed of the first simulated stream.")
    n_events = param.Integer(
        default=50_000, bounds=(1_000, 2_000_000), doc="Order arrivals per simulated stream."
    )
    speed = param.Integer(default=40, bounds=(1, 5_000), doc="Stream rows replayed per tick.")
    depth = param.Integer(default=5, bounds=(1, 50), doc="Levels per side in the imbalance.")
    order_size = param.Number(
        default=1000.0, bounds=(1.0, None), doc="Market-order size for the VWAP cost."
    )
    depth_bps = param.Number(
        default=10.0, bounds=(0.1, 1000.0), doc="Band around the mid for resting depth, bps."
    )
    running = param.Boolean(default=False, doc="Whether the feed is playing.")
    remote_batch = param.Integer(
        default=20,
        bounds=(1, MAX_REMOTE_BATCH),
        doc="Steps replayed per backend call on a remote engine (grpc, dask): one call per "
        "this many ticks, never one per tick.",
    )

    book = param.ClassSelector(
        class_=BookSnapshot,
        default=None,
        allow_None=True,
        constant=True,
        doc="Book after the last step (read-only).",
    )
    metrics = param.Parameter(
        default=None, constant=True, doc="lob_metrics of the book after the last step (read-only)."
    )
    position = param.Integer(
        default=0, constant=True, doc="Rows of the current stream replayed (read-only)."
    )
    epoch = param.Integer(default=0, constant=True, doc="Streams used up so far (read-only).")
    clock = param.Number(
        default=0.0, constant=True, doc="Simulated seconds since the feed started (read-only)."
    )

    def __init__(self, **params: Any) -> None:
        if "exchange" in params and "symbol" not in params:
            params["symbol"] = DEFAULT_SYMBOLS.get(params["exchange"], "")
        super().__init__(**params)
        self._epoch_offset = 0.0
        self._live = None  # (FeedKey, SharedFeed) while holding a shared feed
        self._cursor = 0
        self._recorder = None
        self._record_prefix = False
        self._recording_cache = None
        self._pending: deque = deque()  # steps replayed ahead (remote engines)

    @param.depends("exchange", watch=True)
    def _default_symbol(self) -> None:
        self.symbol = DEFAULT_SYMBOLS[self.exchange]

    @param.depends("source", "exchange", "symbol", "endpoint", "recording_path", watch=True)
    def _source_changed(self) -> None:
        self.stop_recording()
        self._release_live()
        self.reset()

    @param.depends(
        "seed",
        "n_events",
        "epoch",
        "source",
        "recording_path",
        "backend.backend",
        "backend.grpc_address",
        "backend.dask_address",
    )
    def events(self) -> LOBEvents:
        """The current stream: simulated (cached per seed, size and epoch) or the recording."""
        if self.source == "recording":
            from lab.feeds.recorder import read_recording

            path = self.recording_path.strip()
            if not path:
                raise ValueError("choose a recording")
            try:  # read once per version of the recording, not at every step
                stamp = _manifest_stamp(path)
                cached = self._recording_cache
                if stamp is not None and cached is not None and cached[:2] == (path, stamp):
                    return cached[2]
                ev = read_recording(path, as_events=True)
            except (ValueError, OSError) as exc:
                raise ValueError(f"cannot replay recording {path}: {exc}") from None
            if len(ev) == 0:
                raise ValueError(f"recording {path} holds no events")
            self._recording_cache = (path, stamp, ev)
            return ev
        if self.source == "live":
            raise ValueError("a live source has no fixed stream")
        seed = self.seed + self.epoch
        return self.compute("simulate_lob", self.n_events, seed=seed)

    def recordings(self):
        """The recordings in :attr:`recordings_dir`
        (:class:`~lab.feeds.recorder.RecordingInfo`, by name)."""
        from lab.feeds.recorder import list_recordings

        return list_recordings(self.recordings_dir.strip() or ".")

    def reset(self) -> None:
        """Back to the start of the first stream, with an empty history."""
        self._epoch_offset = 0.0
        self._pending.clear()
        with param.edit_constant(self):
            self.param.update(position=0, epoch=0, clock=0.0, book=None, metrics=None)

    def ticks_per_call(self) -> int:
        """Ticks replayed per backend call: :attr:`remote_batch` on a remote engine (grpc,
        dask), 1 in process."""
        if self.backend.backend not in REMOTE_ENGINES:
            return 1
        return max(1, min(self.remote_batch, MAX_CALL_ROWS // max(1, self.speed)))

    def step(self, rows: int | None = None) -> pd.DataFrame:
        """Replay the next ``rows`` (default ``speed``) rows; return their metric series.

        On a remote engine one ``ob_replay`` and one ``lob_metrics`` call cover
        :meth:`ticks_per_call` steps: the replayed series is handed out a step at a time, and
        :attr:`book` and :attr:`metrics` (the ladder and the VWAP costs) change at the last step
        of each call, to the book as it stands there. Parameter changes apply from the next
        call.

        Returns
        -------
        DataFrame
            Columns :data:`SERIES_COLUMNS`, one row per replayed event row; ``time`` is the
            simulated clock in seconds since the feed started.
        """
        if self.source == "live":
            return self._step_live()
        if not self._pending:
            self._replay_ahead(int(rows or self.speed), self.ticks_per_call())
        tick = self._pending.popleft()
        frame = tick["frame"]
        update = {"position": tick["position"]}
        if len(frame):
            update["clock"] = float(frame["time"].iloc[-1])
        if tick["book"] is not None:
            update.update(book=tick["book"], metrics=tick["metrics"])
        with param.edit_constant(self):
            self.param.update(**update)
        self._engines["ob_replay"] = tick["engine"]
        return frame

    def _replay_ahead(self, n: int, ticks: int) -> None:
        """Replay the next ``ticks`` steps of ``n`` rows in one ``ob_replay`` call (from the
        current book, sent as a snapshot) and queue them in :attr:`_pending`."""
        events = self.events()
        start = self.position
        if start >= len(events):
            with param.edit_constant(self):
                self.param.update(epoch=self.epoch + 1, position=0)
            events, start = self.events(), 0
        stop = min(start + n * ticks, len(events))
        chunk = events[start:stop]
        if start == 0 and self.epoch > 0:
            self._epoch_offset = self.clock  # a new stream continues the time axis
        offset = self._epoch_offset
        if self.book is not None and start > 0:
            prefix = self.book.to_events(time=float(chunk.time[0]) if len(chunk) else 0.0)
            stream = _concat(prefix, chunk)
            skip = len(prefix)
        else:
            stream, skip = chunk, 0
        if self._recorder is not None:
            if self._record_prefix and skip:
                self._recorder.append(stream)  # the current book as a snapshot, then the chunk
            else:
                self._recorder.append(chunk)
            self._record_prefix = False
            with param.edit_constant(self):
                self.durable_rows = self._recorder.durable.rows
        # each chunk is new data: replayed directly, not through the result cache
        replayed = self.backend.call("ob_replay", stream, depth=self.depth)
        res = replayed.value
        metrics = self.backend.call(
            "lob_metrics",
            res.final,
            depth=self.depth,
            order_size=self.order_size,
            depth_bps=self.depth_bps,
        ).value
        engine = replayed.engine + (" (fallback)" if replayed.fallback else "")
        sel = np.asarray(res.index) >= skip  # one recorded row per chunk row (every=1)
        frame = pd.DataFrame(
            {
                "time": np.asarray(res.time)[sel] + offset,
                "mid": np.asarray(res.mid)[sel],
                "microprice": np.asarray(res.microprice)[sel],
                "spread_bps": np.asarray(res.spread_bps)[sel],
                "imbalance": np.asarray(res.imbalance)[sel],
            }
        )
        for lo in range(0, len(chunk), n):
            hi = min(lo + n, len(chunk))
            last = hi == len(chunk)
            self._pending.append(
                {
                    "frame": frame.iloc[lo:hi].reset_index(drop=True),
                    "position": start + hi,
                    "book": res.final if last else None,
                    "metrics": metrics if last else None,
                    "engine": engine,
                }
            )

    # -- live --------------------------------------------------------------------------------
    def _feed_key(self):
        from lab.feeds.hub import FeedKey

        if not self.symbol.strip():
            raise ValueError("enter an exchange symbol")
        return FeedKey(self.exchange, self.symbol.strip(), self.endpoint)

    def _shared_feed(self):
        from lab.feeds import hub

        key = self._feed_key()
        if self._live is None or self._live[0] != key:
            self._release_live()
            self._live = (key, hub.acquire(key))
            self._cursor = 0
        return self._live[1]

    def _release_live(self) -> None:
        if self._live is not None:
            from lab.feeds import hub

            hub.release(self._live[0])
            self._live = None

    def close(self) -> None:
        """Stop recording and leave the shared feed (a session ends)."""
        self.stop_recording()
        self._release_live()

    def _step_live(self) -> pd.DataFrame:
        feed = self._shared_feed()
        view = feed.view(self._cursor)
        self._cursor = view.cursor
        book = view.book
        metrics = self.metrics
        if book is not None and len(book.bid_price) and len(book.ask_price):
            metrics = self.backend.call(
                "lob_metrics", book, depth=self.depth, order_size=self.order_size,
                depth_bps=self.depth_bps,
            ).value  # fmt: skip
            self._engines["ob_replay"] = self.backend.engine
        pts = view.series
        frame = pd.DataFrame(
            {
                "time": pts[:, 0],
                "mid": pts[:, 1],
                "microprice": pts[:, 2],
                "spread_bps": pts[:, 3],
                "imbalance": pts[:, 4],
            }
        )
        with param.edit_constant(self):
            self.param.update(
                book=book, metrics=metrics, status=view.status.line(),
                recording=view.recording or "", durable_rows=view.durable_rows,
                clock=float(pts[-1, 0]) if len(pts) else self.clock,
            )  # fmt: skip
        return frame

    # -- recording ---------------------------------------------------------------------------
    def start_recording(self, directory: str) -> None:
        """Record from now on into ``directory`` (created, or recovered and appended to)."""
        directory = str(directory).strip()
        if not directory:
            raise ValueError("enter a directory to record into")
        if self.recording:
            raise ValueError(f"already recording into {self.recording}")
        if self.source == "live":
            self._shared_feed().start_recording(directory)
        else:
            from lab.feeds.recorder import Recorder

            self._recorder = Recorder(directory, meta={"source": self.source})
            self._record_prefix = True
        with param.edit_constant(self):
            self.recording = directory

    def stop_recording(self) -> int:
        """Stop recording; returns the rows durable in the recording (0 if none)."""
        rows = 0
        if self._recorder is not None:
            rows = self._recorder.close().rows
            self._recorder = None
        elif self.recording and self._live is not None:
            rows = self._live[1].stop_recording()
        with param.edit_constant(self):
            self.param.update(recording="", durable_rows=rows)
        return rows

    def ladder(self, levels: int = 10) -> pd.DataFrame:
        """Top ``levels`` of each side: side, price, quantity and cumulative quantity."""
        book = self.book
        if book is None:
            return pd.DataFrame(columns=["side", "price", "qty", "cum_qty"])
        bids = pd.DataFrame(
            {"side": "bid", "price": book.bid_price[:levels], "qty": book.bid_qty[:levels]}
        )
        asks = pd.DataFrame(
            {"side": "ask", "price": book.ask_price[:levels], "qty": book.ask_qty[:levels]}
        )
        bids["cum_qty"] = bids["qty"].cumsum()
        asks["cum_qty"] = asks["qty"].cumsum()
        return pd.concat([asks.iloc[::-1], bids], ignore_index=True)


def _manifest_stamp(path: str) -> int | None:
    try:
        return os.stat(os.path.join(path, "manifest.json")).st_mtime_ns
    except OSError:
        return None  # reading it reports why


def _concat(a: LOBEvents, b: LOBEvents) -> LOBEvents:
    fields = ("seq", "time", "kind", "side", "price", "qty")
    return LOBEvents(
        *(np.concatenate([np.asarray(getattr(a, f)), np.asarray(getattr(b, f))]) for f in fields)
    )
