"""Binance spot diff-depth feed, synchronised exactly as Binance documents ("How to manage a
local order book correctly", Binance spot WebSocket streams):

1. open ``<ws_url>/ws/<symbol>@depth@100ms`` and buffer its events;
2. fetch ``GET <rest_url>/api/v3/depth?symbol=<SYMBOL>&limit=<depth>`` (``lastUpdateId``);
3. drop buffered events with ``u <= lastUpdateId``;
4. the first applied event must have ``U <= lastUpdateId + 1 <= u``, otherwise the snapshot is
   older than the buffered events (or events are missing): fetch a new snapshot;
5. every later event must have ``U == previous u + 1``, otherwise resynchronise from step 2;
6. quantities are absolute; quantity 0 removes the level (removing an absent level is normal).

A diff event is ``{"e": "depthUpdate", "E": ms, "s": SYMBOL, "U": first id, "u": last id,
"b": [[price, qty], ...], "a": [[price, qty], ...]}`` with prices and quantities as strings.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import numpy as np
from orjson import loads

from lab.analytics.orderbook import ASK, BID, LOBEvents
from lab.feeds.base import MessageQueue, ResyncRequired
from lab.feeds.ws import CLOSED, ConnectionLost, WebSocketFeed
from lab.kernels import orderbook as _k


def parse_levels(levels, side: int) -> list[tuple[int, float, float]]:
    """``[[price, qty], ...]`` strings as ``(side, price, qty)`` changes (ValueError if bad)."""
    out = []
    for level in levels:
        price, qty = float(level[0]), float(level[1])
        if not (price > 0 and qty >= 0) or price == float("inf") or qty == float("inf"):
            raise ValueError(f"bad level {level!r}")
        out.append((side, price, qty))
    return out


@dataclass(frozen=True)
class DecodedBatch:
    """Binance diff events decoded in bulk (:func:`decode_batch`): per message ``ok`` (a
    ``depthUpdate`` of the symbol with valid levels), ``first``/``final`` (``U``/``u``),
    ``time`` (``E`` in seconds), ``rows`` and ``row_start`` (its levels in ``side``, ``price``,
    ``qty``: bids then asks)."""

    ok: np.ndarray
    first: np.ndarray
    final: np.ndarray
    time: np.ndarray
    rows: np.ndarray
    row_start: np.ndarray
    side: np.ndarray
    price: np.ndarray
    qty: np.ndarray


_EVENT = np.frombuffer(b"depthUpdate", dtype=np.uint8)


def decode_batch(items: list, symbol: str) -> DecodedBatch:
    """Decode raw diff events, many at once.

    A batch whose messages all have the canonical shape (the exchange's own: exactly the keys
    ``e``, ``E``, ``s``, ``U``, ``u``, ``b``, ``a``, integers and plain decimal strings) is
    decoded by one numba kernel (:func:`lab.kernels.orderbook.decode_binance`, which converts
    decimals exactly as ``float`` does). Any other batch is decoded message by message with
    orjson, with the same result. A message that is not a valid ``depthUpdate`` of ``symbol``
    has ``ok`` False.
    """
    n = len(items)
    data = None
    types = set(map(type, items))
    if types == {bytes}:  # as received (the WebSocket payloads)
        lens = np.fromiter(map(len, items), dtype=np.int64, count=n)
        data = b"".join(items)
    elif types == {str}:
        lens = np.fromiter(map(len, items), dtype=np.int64, count=n)
        data = "".join(items).encode()
        if len(data) != int(lens.sum()):  # not ASCII: character offsets are not byte offsets
            data = None
    if data is not None:
        offsets = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(lens, out=offsets[1:])
        cap = len(data) // 8 + 1  # a level takes at least 9 bytes: ["1","0"],
        side = np.empty(cap, dtype=np.int8)
        price, qty = np.empty(cap), np.empty(cap)
        ok = np.empty(n, dtype=np.bool_)
        ids = np.empty((n, 3), dtype=np.int64)
        rows = np.empty(n, dtype=np.int64)
        sym = np.frombuffer(symbol.encode(), dtype=np.uint8)
        r = _k.decode_binance(
            np.frombuffer(data, dtype=np.uint8), offsets, _EVENT, sym, side, price, qty,
            ok, ids, rows,
        )  # fmt: skip
        if ok.all():
            row_start = np.zeros(n, dtype=np.int64)
            np.cumsum(rows[:-1], out=row_start[1:])
            return DecodedBatch(
                ok, ids[:, 0], ids[:, 1], ids[:, 2] / 1e3, rows, row_start,
                side[:r], price[:r], qty[:r],
            )  # fmt: skip
    return _decode_each(items, symbol)


def _decode_each(items: list, symbol: str) -> DecodedBatch:
    """:func:`decode_batch` one message at a time (orjson, then each field checked)."""
    n = len(items)
    ok = np.zeros(n, dtype=np.bool_)
    first = np.zeros(n, dtype=np.int64)
    final = np.zeros(n, dtype=np.int64)
    when = np.zeros(n)
    rows = np.zeros(n, dtype=np.int64)
    changes: list[tuple[int, float, float]] = []
    for k, item in enumerate(items):
        try:
            msg = loads(item)
            U, u = int(msg["U"]), int(msg["u"])
            if msg.get("e") != "depthUpdate" or msg.get("s") != symbol:
                raise ValueError("not a depthUpdate of this symbol")
            levels = parse_levels(msg["b"], BID) + parse_levels(msg["a"], ASK)
            event_time = float(msg["E"]) / 1e3
            first[k], final[k] = U, u  # OverflowError beyond int64
        except (KeyError, TypeError, ValueError, IndexError, OverflowError):
            continue
        ok[k], when[k], rows[k] = True, event_time, len(levels)
        changes += levels
    row_start = np.zeros(n, dtype=np.int64)
    np.cumsum(rows[:-1], out=row_start[1:])
    return DecodedBatch(
        ok, first, final, when, rows, row_start,
        np.array([c[0] for c in changes], dtype=np.int8),
        np.array([c[1] for c in changes], dtype=float),
        np.array([c[2] for c in changes], dtype=float),
    )  # fmt: skip


def sequence_check(
    first: np.ndarray, final: np.ndarray, ok: np.ndarray, last: int, prev: int | None
) -> tuple[np.ndarray, int, str]:
    """Steps 3-5 of the module docstring over a batch of decoded events, vectorised.

    ``first``/``final`` are the events' ``U``/``u``, ``ok`` whether each decoded, ``last`` the
    snapshot's ``lastUpdateId`` and ``prev`` the ``u`` of the last event applied since it (None
    before the first). Events that did not decode are skipped (the ``U``/``u`` chain of the next
    one catches a loss), as are events with ``u <= last`` (already in the snapshot).

    Returns ``(accepted, brk, reason)``: the indices of the events to apply, in order; the index
    of the first event that breaks the sequence (-1 if none: all the rest is accepted) and why.
    Nothing at or after ``brk`` is accepted.
    """
    cand = np.flatnonzero(np.asarray(ok, dtype=bool) & (final > last))
    if not cand.size:
        return cand, -1, ""
    f, u = first[cand], final[cand]
    bad = np.empty(len(cand), dtype=bool)
    bad[0] = not (f[0] <= last + 1 <= u[0]) if prev is None else f[0] != prev + 1
    np.not_equal(f[1:], u[:-1] + 1, out=bad[1:])
    if not bad.any():
        return cand, -1, ""
    j = int(np.argmax(bad))
    U, u_j = int(f[j]), int(u[j])
    if j == 0 and prev is None:
        reason = (
            f"first event U={U} u={u_j} does not contain lastUpdateId+1={last + 1} (snapshot "
            "older than the buffered events or events missing)"
        )
    else:
        expected = prev + 1 if j == 0 else int(u[j - 1]) + 1
        reason = f"sequence break: expected U={expected}, got U={U}"
    return cand[:j], int(cand[j]), reason


class BinanceFeed(WebSocketFeed):
    """Live L2 book of one Binance spot symbol (see the module docstring for the procedure).

    :attr:`snapshot_ids` lists the ``lastUpdateId`` of every snapshot it synchronised from;
    :attr:`last_update_id` is the ``u`` of the last message applied.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.snapshot_ids: list[int] = []
        self.last_update_id: int | None = None

    def _url(self) -> str:
        return (
            f"{self.config.ws_url}/ws/{self.config.symbol.lower()}@depth@{self.config.stream_speed}"
        )

    async def _snapshot(self, http: aiohttp.ClientSession) -> dict:
        url = f"{self.config.rest_url}/api/v3/depth"
        params = {"symbol": self.config.symbol.upper(), "limit": str(self.config.depth)}
        try:
            async with http.get(url, params=params) as resp:
                if resp.status != 200:
                    raise ConnectionLost(f"depth snapshot HTTP {resp.status}")
                snap = await resp.json(content_type=None)
            last = int(snap["lastUpdateId"])
            bids = [(p, q) for _, p, q in parse_levels(snap["bids"], BID)]
            asks = [(p, q) for _, p, q in parse_levels(snap["asks"], ASK)]
        except (KeyError, TypeError, ValueError, json.JSONDecodeError) as exc:
            raise ConnectionLost(f"malformed depth snapshot: {exc}") from None
        return {"last": last, "bids": bids, "asks": asks}

    def _handler(self, queue: MessageQueue, last: int, state: dict):
        """The batch handler of one synchronisation from a snapshot with ``lastUpdateId`` =
        ``last``: decodes a batch of messages (:func:`decode_batch`), sequence-checks each in
        order (steps 3-5 of the module docstring), then applies the accepted ones in one
        :meth:`BookBuilder.update_many` call. At a sequence break or closed socket, the
        messages before it are applied first, and the ones after it are put back in the queue
        for the next synchronisation."""
        status, builder = self.status, self.builder
        symbol = self.config.symbol.upper()

        def handle_many(items: list) -> None:
            self._check_overflow(queue)
            closed = bool(items) and items[-1] is CLOSED
            raw = items[:-1] if closed else items
            dec = decode_batch(raw, symbol)
            stop: Exception | None = None
            used = len(items)
            prev = state["prev"]
            sel, brk, reason = sequence_check(dec.first, dec.final, dec.ok, last, prev)
            finals = dec.final.tolist()
            accepted = sel.tolist()
            if brk >= 0:
                stop = ResyncRequired(reason)
                status.gaps += 1
                used = brk + 1
            elif closed:
                stop = ConnectionLost("socket closed")
            applied = len(accepted)
            if applied:
                rows = dec.rows[sel]
                starts = np.zeros(applied + 1, dtype=np.int64)
                np.cumsum(rows, out=starts[1:])
                take = np.repeat(dec.row_start[sel] - starts[:-1], rows) + np.arange(starts[-1])
                sides, prices, qtys = dec.side[take], dec.price[take], dec.qty[take]
                times = dec.time[sel] - self.time_origin
            try:
                if not applied:
                    pass
                elif self.on_applied is None:
                    builder.update_many(times, sides, prices, qtys, starts)
                else:  # every intermediate book is shown to the callback
                    for m in range(applied):
                        lo, hi = starts[m], starts[m + 1]
                        try:
                            builder.update_many(
                                times[m : m + 1], sides[lo:hi], prices[lo:hi], qtys[lo:hi],
                                [0, hi - lo],
                            )  # fmt: skip
                        except ResyncRequired:
                            applied = m
                            raise
                        self.on_applied(finals[accepted[m]], builder.book)
            except ResyncRequired as exc:
                if self.on_applied is None:
                    applied = exc.applied  # messages the kernel applied in full
                stop, used = exc, accepted[applied] + 1
            finally:
                status.tick(used)
                status.malformed += int((~dec.ok[: min(used, len(raw))]).sum())
                queue.unget(items[used:])
                if applied:
                    state["prev"] = self.last_update_id = finals[accepted[applied - 1]]
                    status.applied += applied
                    status.lag = time.time() - float(dec.time[accepted[applied - 1]])
                    if status.state != "connected":
                        status.state = "connected"
            if stop is not None:
                raise stop

        return handle_many

    async def _session(self, http, ws, queue: MessageQueue) -> AsyncIterator[LOBEvents]:
        status, builder = self.status, self.builder
        failures = 0
        while True:
            await self._resync_pause(failures)
            applied_before = status.applied
            if status.state != "resynchronising":
                status.state = "resynchronising"
            snap = await self._snapshot(http)
            last = snap["last"]
            self.snapshot_ids.append(last)
            handle_many = self._handler(queue, last, {"prev": None})
            try:
                builder.snapshot(time.time() - self.time_origin, snap["bids"], snap["asks"])
                async for batch in self._drain(queue, handle_many):
                    status.rows += len(batch)
                    yield batch
            except ResyncRequired as exc:
                failures = failures + 1 if status.applied == applied_before else 1
                self._resync(exc)
                batch = builder.take()
                if batch is not None:
                    status.rows += len(batch)
                    yield batch
