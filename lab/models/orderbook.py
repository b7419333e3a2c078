"""A live order book fed by the order-flow simulator (the Order book page's model)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import param

from lab.analytics.orderbook import BookSnapshot, LOBEvents
from lab.models.base import AnalysisModel

SERIES_COLUMNS = ("time", "mid", "microprice", "spread_bps", "imbalance")
"""Columns of the frames returned by :meth:`OrderBookModel.step`."""


class OrderBookModel(AnalysisModel):
    """Replays a simulated L2 event stream chunk by chunk, as a live feed.

    The stream is ``simulate_lob(n_events, seed + epoch)`` on the selected backend (a
    zero-intelligence Poisson order-flow model; see its docstring). Each :meth:`step` takes the
    next ``speed`` rows and replays them with ``ob_replay`` on the backend, starting from the
    current book (sent as a snapshot), so the book never has to live in the model's process.
    It returns the mid, microprice, spread and imbalance after every row of the chunk and
    updates :attr:`book` (the full book after the chunk) and :attr:`metrics` (``lob_metrics``
    of it: VWAP costs, depth near the mid). When the stream is used up the next epoch starts
    with a fresh stream (``seed + epoch``), from its own opening snapshot.

    :attr:`running` is the start/stop switch the view's periodic callback honours.
    """

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
        super().__init__(**params)
        self._epoch_offset = 0.0

    @param.depends(
        "seed",
        "n_events",
        "epoch",
        "backend.backend",
        "backend.grpc_address",
        "backend.dask_address",
    )
    def events(self) -> LOBEvents:
        """The current simulated stream (cached per seed, size and epoch)."""
        seed = self.seed + self.epoch
        return self.compute("simulate_lob", (self.n_events, seed), self.n_events, seed=seed)

    def reset(self) -> None:
        """Back to the start of the first stream, with an empty history."""
        self._epoch_offset = 0.0
        with param.edit_constant(self):
            self.param.update(position=0, epoch=0, clock=0.0, book=None, metrics=None)

    def step(self, rows: int | None = None) -> pd.DataFrame:
        """Replay the next ``rows`` (default ``speed``) rows; return their metric series.

        Returns
        -------
        DataFrame
            Columns :data:`SERIES_COLUMNS`, one row per replayed event row; ``time`` is the
            simulated clock in seconds since the feed started.
        """
        n = int(rows or self.speed)
        events = self.events()
        start = self.position
        if start >= len(events):
            with param.edit_constant(self):
                self.param.update(epoch=self.epoch + 1, position=0)
            events, start = self.events(), 0
        stop = min(start + n, len(events))
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
        # each chunk is new data: replayed directly, not through the result cache
        res = self.backend.call("ob_replay", stream, depth=self.depth).value
        metrics = self.backend.call(
            "lob_metrics",
            res.final,
            depth=self.depth,
            order_size=self.order_size,
            depth_bps=self.depth_bps,
        ).value
        sel = np.asarray(res.index) >= skip
        frame = pd.DataFrame(
            {
                "time": np.asarray(res.time)[sel] + offset,
                "mid": np.asarray(res.mid)[sel],
                "microprice": np.asarray(res.microprice)[sel],
                "spread_bps": np.asarray(res.spread_bps)[sel],
                "imbalance": np.asarray(res.imbalance)[sel],
            }
        )
        with param.edit_constant(self):
            self.param.update(
                book=res.final, metrics=metrics, position=stop,
                clock=float(frame["time"].iloc[-1]) if len(frame) else self.clock,
            )  # fmt: skip
        self._engines["ob_replay"] = self.backend.engine
        return frame

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


def _concat(a: LOBEvents, b: LOBEvents) -> LOBEvents:
    fields = ("seq", "time", "kind", "side", "price", "qty")
    return LOBEvents(
        *(np.concatenate([np.asarray(getattr(a, f)), np.asarray(getattr(b, f))]) for f in fields)
    )
