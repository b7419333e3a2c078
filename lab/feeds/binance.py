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

import aiohttp
from orjson import loads

from lab.analytics.orderbook import ASK, BID, LOBEvents
from lab.feeds.base import MessageQueue, ResyncRequired
from lab.feeds.ws import CLOSED, ConnectionLost, WebSocketFeed

INF = float("inf")


def parse_levels(levels, side: int) -> list[tuple[int, float, float]]:
    """``[[price, qty], ...]`` strings as ``(side, price, qty)`` changes (ValueError if bad)."""
    out = []
    for level in levels:
        price, qty = float(level[0]), float(level[1])
        if not (price > 0 and qty >= 0) or price == float("inf") or qty == float("inf"):
            raise ValueError(f"bad level {level!r}")
        out.append((side, price, qty))
    return out


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
        ``last``: decodes and sequence-checks each message in order (steps 3-5 of the module
        docstring), then applies the accepted ones in one :meth:`BookBuilder.update_many` call.
        At a sequence break or closed socket, the messages before it are applied first, and
        the ones after it are put back in the queue for the next synchronisation."""
        status, builder = self.status, self.builder
        symbol = self.config.symbol.upper()

        def handle_many(items: list) -> None:
            self._check_overflow(queue)
            times: list[float] = []
            finals: list[int] = []
            where: list[int] = []  # item index of each accepted message
            sides: list[int] = []
            prices: list[float] = []
            qtys: list[float] = []
            starts = [0]
            malformed: list[int] = []
            stop: Exception | None = None
            used = len(items)
            prev = state["prev"]
            for k, item in enumerate(items):
                if item is CLOSED:
                    stop, used = ConnectionLost("socket closed"), k + 1
                    break
                mark = starts[-1]
                try:
                    msg = loads(item)
                    first, final = int(msg["U"]), int(msg["u"])
                    if msg.get("e") != "depthUpdate" or msg.get("s") != symbol:
                        raise ValueError("not a depthUpdate of this symbol")
                    for levels, side in ((msg["b"], BID), (msg["a"], ASK)):
                        for level in levels:
                            price, qty = float(level[0]), float(level[1])
                            if not (0 < price < INF and 0 <= qty < INF):
                                raise ValueError(f"bad level {level!r}")
                            sides.append(side)
                            prices.append(price)
                            qtys.append(qty)
                    event_time = float(msg["E"]) / 1e3
                except (KeyError, TypeError, ValueError, IndexError):
                    # its content is unknown; the U/u chain of the next event catches a loss
                    del sides[mark:], prices[mark:], qtys[mark:]
                    malformed.append(k)
                    continue
                if final <= last:
                    del sides[mark:], prices[mark:], qtys[mark:]
                    continue  # already in the snapshot
                if prev is None:
                    if not first <= last + 1 <= final:
                        stop = ResyncRequired(
                            f"first event U={first} u={final} does not contain "
                            f"lastUpdateId+1={last + 1} (snapshot older than the buffered events "
                            "or events missing)"
                        )
                elif first != prev + 1:
                    stop = ResyncRequired(f"sequence break: expected U={prev + 1}, got U={first}")
                if stop is not None:
                    del sides[mark:], prices[mark:], qtys[mark:]
                    status.gaps += 1
                    used = k + 1
                    break
                prev = final
                starts.append(len(sides))
                times.append(event_time - self.time_origin)
                finals.append(final)
                where.append(k)
            applied = len(finals)
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
                        self.on_applied(finals[m], builder.book)
            except ResyncRequired as exc:
                if self.on_applied is None:
                    applied = exc.applied  # messages the kernel applied in full
                stop, used = exc, where[applied] + 1
            finally:
                status.tick(used)
                status.malformed += sum(1 for k in malformed if k < used)
                queue.unget(items[used:])
                if applied:
                    status.applied += applied
                    state["prev"] = self.last_update_id = finals[applied - 1]
                    status.lag = time.time() - (times[applied - 1] + self.time_origin)
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
