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

from lab.analytics.orderbook import ASK, BID, LOBEvents
from lab.feeds.base import MessageQueue, ResyncRequired
from lab.feeds.ws import ConnectionLost, WebSocketFeed


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

    :attr:`snapshot_ids` lists the ``lastUpdateId`` of every snapshot it synchronised from.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.snapshot_ids: list[int] = []

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

    async def _session(self, http, ws, queue: MessageQueue) -> AsyncIterator[LOBEvents]:
        status, builder = self.status, self.builder
        symbol = self.config.symbol.upper()
        failures = 0
        while True:
            await self._resync_pause(failures)
            applied_before = status.applied
            if status.state != "resynchronising":
                status.state = "resynchronising"
            snap = await self._snapshot(http)
            last = snap["last"]
            self.snapshot_ids.append(last)
            state = {"prev": None}

            def handle(item, last=last, state=state):
                self._check(item, queue)
                status.tick()
                try:
                    msg = json.loads(item)
                    first, final = int(msg["U"]), int(msg["u"])
                    if msg.get("e") != "depthUpdate" or msg.get("s") != symbol:
                        raise ValueError("not a depthUpdate of this symbol")
                    changes = parse_levels(msg["b"], BID) + parse_levels(msg["a"], ASK)
                    event_time = float(msg["E"]) / 1e3
                except (KeyError, TypeError, ValueError, IndexError):
                    # its content is unknown; the U/u chain of the next event catches a loss
                    status.malformed += 1
                    return
                if final <= last:
                    return  # already in the snapshot
                prev = state["prev"]
                if prev is None:
                    if not first <= last + 1 <= final:
                        status.gaps += 1
                        raise ResyncRequired(
                            f"first event U={first} u={final} does not contain "
                            f"lastUpdateId+1={last + 1} (snapshot older than the buffered events "
                            "or events missing)"
                        )
                elif first != prev + 1:
                    status.gaps += 1
                    raise ResyncRequired(f"sequence break: expected U={prev + 1}, got U={first}")
                builder.update(event_time - self.time_origin, changes)
                state["prev"] = final
                status.applied += 1
                status.lag = time.time() - event_time
                if status.state != "connected":
                    status.state = "connected"
                if self.on_applied is not None:
                    self.on_applied(final, builder.book)

            try:
                builder.snapshot(time.time() - self.time_origin, snap["bids"], snap["asks"])
                async for batch in self._drain(queue, handle):
                    status.rows += len(batch)
                    yield batch
            except ResyncRequired as exc:
                failures = failures + 1 if status.applied == applied_before else 1
                self._resync(exc)
                batch = builder.take()
                if batch is not None:
                    status.rows += len(batch)
                    yield batch
