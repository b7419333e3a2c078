"""Kraken spot WebSocket v2 ``book`` feed, verified with the documented CRC32 checksum.

Subscribe with ``{"method": "subscribe", "params": {"channel": "book", "symbol": [SYMBOL],
"depth": N, "snapshot": true}}``. Book messages are ``{"channel": "book", "type": "snapshot" |
"update", "data": [{"symbol", "bids": [{"price", "qty"}], "asks": [...], "checksum",
"timestamp"}]}``. Maintenance, as documented ("Book checksum (WebSocket v2)"):

- apply every level of a message, ``qty`` 0 removes the level;
- then truncate the book to the subscribed depth (no ``qty`` 0 is sent for levels pushed out);
- the checksum is CRC32 (unsigned 32 bit) of the top 10 asks (low to high) then the top 10 bids
  (high to low), each level written as price then quantity, each formatted with the pair's
  precision, ``.`` removed and leading zeros stripped.

The v2 book has no sequence numbers, so the checksum is the integrity check: a mismatch, a
malformed message once synchronised, or a crossing update makes the feed resubscribe (a fresh
snapshot) and nothing after it is applied before that snapshot.
"""

from __future__ import annotations

import json
import time
import zlib
from collections.abc import AsyncIterator
from datetime import datetime

from lab.analytics.orderbook import ASK, BID, LOBEvents, OrderBook
from lab.feeds.base import MessageQueue, ResyncRequired
from lab.feeds.ws import ConnectionLost, WebSocketFeed

CHECKSUM_LEVELS = 10


def checksum_token(value: float, precision: int) -> str:
    """One number of the checksum string: fixed ``precision`` decimals, no ``.``, no leading 0s.

    >>> checksum_token(45285.2, 1) + checksum_token(0.001, 8)
    '452852100000'
    """
    return f"{value:.{precision}f}".replace(".", "").lstrip("0")


def kraken_checksum(
    bid_price, bid_qty, ask_price, ask_qty, price_precision: int, qty_precision: int
) -> int:
    """CRC32 of the top 10 levels (asks low to high, then bids high to low), unsigned."""
    parts = []
    for prices, qtys in ((ask_price, ask_qty), (bid_price, bid_qty)):
        for p, q in zip(list(prices)[:CHECKSUM_LEVELS], list(qtys)[:CHECKSUM_LEVELS], strict=True):
            parts.append(checksum_token(float(p), price_precision))
            parts.append(checksum_token(float(q), qty_precision))
    return zlib.crc32("".join(parts).encode()) & 0xFFFFFFFF


def book_checksum(book: OrderBook, price_precision: int, qty_precision: int) -> int:
    """:func:`kraken_checksum` of an :class:`OrderBook`."""
    bp, bq = book.levels(BID, CHECKSUM_LEVELS)
    ap, aq = book.levels(ASK, CHECKSUM_LEVELS)
    return kraken_checksum(bp, bq, ap, aq, price_precision, qty_precision)


def _levels(entries, side: int) -> list[tuple[int, float, float]]:
    out = []
    for e in entries:
        price, qty = float(e["price"]), float(e["qty"])
        if not (0 < price < float("inf") and 0 <= qty < float("inf")):
            raise ValueError(f"bad level {e!r}")
        out.append((side, price, qty))
    return out


def _event_time(entry: dict, default: float) -> float:
    ts = entry.get("timestamp")
    if not ts:
        return default
    return datetime.fromisoformat(ts.replace("Z", "+00:00")).timestamp()


class KrakenFeed(WebSocketFeed):
    """Live L2 book of one Kraken spot pair (see the module docstring)."""

    def _url(self) -> str:
        return self.config.ws_url

    def _request(self, method: str) -> dict:
        params = {"channel": "book", "symbol": [self.config.symbol]}
        if method == "subscribe":
            params.update(depth=self.config.depth, snapshot=True)
        return {"method": method, "params": params}

    async def _session(self, http, ws, queue: MessageQueue) -> AsyncIterator[LOBEvents]:
        status, builder, cfg = self.status, self.builder, self.config
        status.state = "resynchronising"
        await ws.send_json(self._request("subscribe"))
        pp, qp, depth = cfg.price_precision, cfg.qty_precision, cfg.depth

        def handle(item):
            self._check(item, queue)
            status.tick()
            try:
                msg = json.loads(item)
                if not isinstance(msg, dict):
                    raise ValueError("not an object")
                if "method" in msg:
                    if msg.get("success") is False:
                        status.state = "error"
                        raise ConnectionLost(f"{msg.get('method')} refused: {msg.get('error')}")
                    return
                if msg.get("channel") != "book":
                    return  # heartbeat, status
                kind = msg["type"]
                entries = [d for d in msg["data"] if d.get("symbol") == cfg.symbol]
                parsed = [
                    (
                        _levels(d.get("bids", []), BID) + _levels(d.get("asks", []), ASK),
                        int(d["checksum"]),
                        _event_time(d, time.time()),
                    )
                    for d in entries
                ]
                if kind not in ("snapshot", "update"):
                    raise ValueError(f"unknown book message type {kind!r}")
            except (KeyError, TypeError, ValueError) as exc:
                status.malformed += 1
                if builder.synced:  # no sequence numbers: a lost update cannot be detected later
                    status.gaps += 1
                    raise ResyncRequired(f"malformed book message: {exc}") from None
                return
            for changes, checksum, event_time in parsed:
                t = event_time - self.time_origin
                start = builder.pending()
                if kind == "snapshot":
                    builder.snapshot(
                        t,
                        [(p, q) for s, p, q in changes if s == BID],
                        [(p, q) for s, p, q in changes if s == ASK],
                    )
                    builder.truncate(t, depth)
                elif not builder.synced:
                    continue  # updates of an old subscription, before the new snapshot
                else:
                    builder.update(t, changes)
                    builder.truncate(t, depth)
                got = book_checksum(builder.book, pp, qp)
                if got != checksum:
                    builder.discard_pending(start)
                    builder.synced = False
                    status.gaps += 1
                    raise ResyncRequired(f"checksum mismatch: book {got}, message {checksum}")
                status.applied += 1
                status.lag = time.time() - event_time
                if status.state != "connected":
                    status.state = "connected"
                if self.on_applied is not None:
                    self.on_applied(checksum, builder.book)

        failures = 0
        while True:
            applied_before = status.applied
            try:
                async for batch in self._drain(queue, self._each(handle, queue)):
                    status.rows += len(batch)
                    yield batch
            except ResyncRequired as exc:
                self._resync(exc)
                batch = builder.take()
                if batch is not None:
                    status.rows += len(batch)
                    yield batch
                failures = failures + 1 if status.applied == applied_before else 1
                await ws.send_json(self._request("unsubscribe"))
                await self._resync_pause(failures)
                await ws.send_json(self._request("subscribe"))
