"""A local exchange for tests and demos: speaks Binance's and Kraken's wire formats on
loopback, fed from the simulated order flow (:func:`lab.analytics.orderbook.simulate_lob`), and
injects faults on request.

- Binance: ``GET /api/v3/depth?symbol=&limit=`` (REST snapshot with ``lastUpdateId``) and
  ``WS /ws/<symbol>@depth@100ms`` (diff events ``U``/``u``; one simulated update = one id).
- Kraken: ``WS /v2`` with ``subscribe``/``unsubscribe`` of channel ``book`` (snapshot then
  updates of the top ``depth`` levels with CRC32 checksums), ``ping``, and heartbeats.

Each market is one simulated stream cut into messages of ``rows_per_message`` updates
(played once, or forever with ``endless=True``: the demo's markets).
The market's clock starts with its first client, already ``warmup`` messages in, and advances at
``rate`` messages per second; every connection starts at the current position, as on a real
exchange. With ``rate=None`` the market is frozen at ``warmup``: snapshots show that book and
every connection is sent the whole rest of the stream as fast as the socket takes it (for
throughput measurements). The true book after every message is
known (:meth:`SimMarket.true_book`), so a test can compare a client's book with it.

Faults (:class:`Faults`, each fires once, at a message index): gaps (message not sent),
duplicates, swaps (message ``i + 1`` sent before ``i``), malformed JSON (message cut short),
crossed books (message replaced by a level crossing the book), disconnects (socket closed
before the message), and stale snapshots (the first ``stale_snapshots`` snapshots are the
opening book, older than anything the client has buffered).

Binds 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import json
import struct
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
from aiohttp import WSMsgType, web

from lab.analytics.orderbook import ASK, BID, SNAPSHOT, BookSnapshot, OrderBook, simulate_lob
from lab.feeds.kraken import kraken_checksum

MAX_SIM_EVENTS = 5_000_000
"""Upper bound of simulated order arrivals per market."""

CHECKPOINT = 512
"""Messages between stored books (a REST snapshot replays at most this many messages)."""


@dataclass
class Faults:
    """Faults to inject, by message index (each fires once)."""

    gaps: set = field(default_factory=set)
    duplicates: set = field(default_factory=set)
    swaps: set = field(default_factory=set)
    malformed: set = field(default_factory=set)
    crossed: set = field(default_factory=set)
    disconnects: set = field(default_factory=set)
    stale_snapshots: int = 0
    fired: list = field(default_factory=list)

    def pending(self) -> bool:
        """Whether any message fault is still to fire."""
        return bool(
            self.gaps or self.duplicates or self.swaps or self.malformed or self.crossed
            or self.disconnects
        )  # fmt: skip

    def take(self, kind: str, i: int) -> bool:
        s = getattr(self, kind)
        if i in s:
            s.discard(i)
            self.fired.append((kind, i))
            return True
        return False


def _fmt(x: float, prec: int) -> str:
    return f"{x:.{prec}f}"


class SimMarket:
    """One simulated symbol: its messages in a given exchange's format and its true books.

    Parameters
    ----------
    exchange : {"binance", "kraken"}
    symbol : str
    n_events, seed, n_levels :
        Passed to :func:`simulate_lob` (``n_events <= 5,000,000``).
    rows_per_message : int
        Simulated updates per exchange message (1..1000).
    rate : float or None
        Messages per second, or ``None`` (see above).
    warmup : int
        Messages already past when the server starts.
    depth : int
        Kraken: levels per side published (and truncated to).
    price_precision, qty_precision : int
        Decimals on the wire (prices are rounded to them).
    faults : Faults
    keep_history : bool
        Keep the full true book after every message (for tests; memory grows with the stream).
    endless : bool
        Play the stream forever (the demo of ``arblab serve``): after its last message one
        more message takes the book back to the opening book, and the stream starts over with
        update ids that keep counting (``U`` is always the previous ``u + 1``). Memory stays
        that of one pass. Needs a ``rate``; not with ``keep_history``.
    """

    def __init__(
        self,
        exchange: str,
        symbol: str,
        n_events: int = 5000,
        seed: int = 0,
        n_levels: int = 10,
        rows_per_message: int = 3,
        rate: float | None = 2000.0,
        warmup: int = 0,
        depth: int = 10,
        price_precision: int = 2,
        qty_precision: int = 8,
        faults: Faults | None = None,
        keep_history: bool = False,
        endless: bool = False,
    ) -> None:
        if endless and (rate is None or keep_history):
            raise ValueError("an endless market needs a rate and cannot keep its history")
        if exchange not in ("binance", "kraken"):
            raise ValueError(f"exchange must be 'binance' or 'kraken', got {exchange!r}")
        if not 1 <= n_events <= MAX_SIM_EVENTS:
            raise ValueError(f"n_events must be in [1, {MAX_SIM_EVENTS}], got {n_events}")
        if not 1 <= rows_per_message <= 1000:
            raise ValueError(f"rows_per_message must be in [1, 1000], got {rows_per_message}")
        if rate is not None and not rate > 0:
            raise ValueError(f"rate must be positive or None, got {rate}")
        self.exchange, self.symbol = exchange, symbol
        self.rate, self.depth = rate, depth
        self.pp, self.qp = price_precision, qty_precision
        self.faults = faults or Faults()
        self.endless = bool(endless)
        ev = simulate_lob(n_events, seed=seed, n_levels=n_levels)
        price = np.round(ev.price, price_precision)
        snap = ev.kind == SNAPSHOT
        self._initial = BookSnapshot(
            0,
            *_sorted_side(price[snap & (ev.side == BID)], ev.qty[snap & (ev.side == BID)], BID),
            *_sorted_side(price[snap & (ev.side == ASK)], ev.qty[snap & (ev.side == ASK)], ASK),
        )
        upd = ~snap
        seq, side, px, qty = ev.seq[upd], ev.side[upd], price[upd], ev.qty[upd]
        n_msg = max(1, int(np.ceil(len(seq) / rows_per_message)))
        self.n_messages = n_msg
        self.warmup = min(int(warmup), n_msg)
        book = OrderBook.from_snapshot(self._initial)
        self._checkpoints: list[BookSnapshot] = []
        self._ids: list[tuple[int, int]] = []  # Binance (U, u) per message
        self._bodies: list[str] = []
        self._levels: list[list[tuple[int, float, float]]] = []
        self.history: dict[int, tuple] | None = {0: _key(book)} if keep_history else None
        view = _view(book, depth)
        sl, pl, ql = side.tolist(), px.tolist(), qty.tolist()
        sq = seq.tolist()
        for m in range(n_msg):
            if m % CHECKPOINT == 0:
                self._checkpoints.append(book.snapshot())
            lo, hi = m * rows_per_message, min((m + 1) * rows_per_message, len(sq))
            agg: dict[tuple[int, float], float] = {}
            for r in range(lo, hi):
                book.apply_update(book.seq + 1, sl[r], pl[r], ql[r])
                agg[(sl[r], pl[r])] = ql[r]
            self._levels.append([(s, p, q) for (s, p), q in agg.items()])
            self._ids.append((sq[lo], sq[hi - 1]) if hi > lo else (book.seq, book.seq))
            if self.history is not None:
                self.history[book.seq] = _key(book)
            if exchange == "binance":
                self._bodies.append(self._binance_body(*self._ids[m], agg.items()))
            else:
                new_view = _view(book, depth)
                self._bodies.append(self._kraken_body(book, view, new_view))
                view = new_view
        self._final = book.snapshot()
        self._wire: _BinanceWire | None = None
        self.cycle = n_msg  # messages per pass
        self.id_period = 0  # update ids per pass
        if self.endless:
            self._add_return_message(book, view)
        self._book = book
        self._t0: float | None = None

    # -- wire formats ------------------------------------------------------------------------
    def _add_return_message(self, book: OrderBook, view: dict) -> None:
        """The message after the last one of an endless market: the changes from the final
        book to the opening book (deletions of the levels it does not have, then its levels),
        with one update id per change."""
        opening = OrderBook.from_snapshot(self._initial)
        agg: dict[tuple[int, float], float] = {}
        for s in (BID, ASK):
            now = dict(zip(*(a.tolist() for a in book.levels(s)), strict=True))
            then = dict(zip(*(a.tolist() for a in opening.levels(s)), strict=True))
            agg.update({(s, p): 0.0 for p in now if p not in then})
            agg.update({(s, p): q for p, q in then.items() if now.get(p) != q})
        last = self._ids[-1][1]
        first_id = self._ids[0][0]
        self._ids.append((last + 1, last + max(1, len(agg))))
        self._levels.append([(s, p, q) for (s, p), q in agg.items()])
        if self.exchange == "binance":
            self._bodies.append(self._binance_body(*self._ids[-1], agg.items()))
        else:
            self._bodies.append(self._kraken_body(opening, view, _view(opening, self.depth)))
        self.cycle = self.n_messages + 1
        self.id_period = self._ids[-1][1] - first_id + 1

    def _local(self, m: int) -> tuple[int, int]:
        """Message ``m`` as (pass, index in the pass); the pass is always 0 unless endless."""
        return divmod(m, self.cycle) if self.endless else (0, m)

    def _binance_body(self, U: int, u: int, changes) -> str:
        """``changes``: ``((side, price), qty)`` pairs."""
        b = [[_fmt(p, self.pp), _fmt(q, self.qp)] for (s, p), q in changes if s == BID]
        a = [[_fmt(p, self.pp), _fmt(q, self.qp)] for (s, p), q in changes if s == ASK]
        rest = json.dumps({"s": self.symbol, "U": U, "u": u, "b": b, "a": a}, separators=(",", ":"))
        return rest[1:]  # '"s":...}' : the event time is prepended when sent

    def _kraken_levels(self, levels) -> str:
        return (
            "["
            + ",".join(
                f'{{"price":{_fmt(p, self.pp)},"qty":{_fmt(q, self.qp)}}}' for p, q in levels
            )
            + "]"
        )

    def _kraken_body(self, book: OrderBook, old: dict, new: dict) -> str:
        changed = {BID: [], ASK: []}
        for (s, p), q in new.items():
            if old.get((s, p)) != q:
                changed[s].append((p, q))
        gone = [(s, p) for (s, p) in old if (s, p) not in new]
        if gone:
            present = {s: set(book.levels(s)[0].tolist()) for s in (BID, ASK)}
            for s, p in gone:
                if p not in present[s]:  # deleted, not just pushed below the published depth
                    changed[s].append((p, 0.0))
        cs = _view_checksum(new, self.pp, self.qp)
        return (
            f'"bids":{self._kraken_levels(changed[BID])},"asks":{self._kraken_levels(changed[ASK])},'
            f'"checksum":{cs}'
        )

    def binance_message(self, m: int, crossed: bool = False) -> str:
        ms = int(time.time() * 1e3)
        k, local = self._local(m)
        if k == 0:
            body = self._bodies[local]
        else:  # a later pass of an endless market: the same changes under later ids
            U, u = self._ids[local]
            body = self._binance_body(
                U + k * self.id_period,
                u + k * self.id_period,
                [((s, p), q) for s, p, q in self._levels[local]],
            )
        if crossed:
            U, u = self._ids[local]
            U, u = U + k * self.id_period, u + k * self.id_period
            before = self.book_at(m)
            p = float(before.ask_price[0])
            body = json.dumps(
                {"s": self.symbol, "U": U, "u": u, "b": [[_fmt(p, self.pp), "1"]], "a": []},
                separators=(",", ":"),
            )[1:]
        return f'{{"e":"depthUpdate","E":{ms},{body}'

    def first_pass(self, stop: int) -> bool:
        """Whether messages ``< stop`` are all of the first pass (their bodies are stored)."""
        return stop <= self.n_messages

    def binance_frames(self, lo: int, hi: int) -> bytes:
        """Messages ``lo..hi-1`` of the first pass as WebSocket text frames, with one event
        time (what :meth:`binance_message` sends one by one).

        The frames of the whole first pass are encoded once, with a 13-digit placeholder event
        time; a run is then one slice of that buffer with the current time written into each
        frame's ``E`` (one vectorised assignment), so that serving costs a few ns per message and
        a throughput measurement measures the client."""
        return self.encode_first_pass().frames(lo, hi, int(time.time() * 1e3))

    def encode_first_pass(self) -> _BinanceWire:
        """The first pass's Binance frames, encoded on first use (about 1 us per message)."""
        if self._wire is None:
            self._wire = _BinanceWire(self._bodies[: self.n_messages])
        return self._wire

    def kraken_message(self, m: int, crossed: bool = False) -> str:
        ts = datetime.now(UTC).isoformat().replace("+00:00", "Z")
        body = self._bodies[self._local(m)[1]]
        if crossed:
            before = self.book_at(m)
            cs = _view_checksum(_view(self._replay_to(m + 1), self.depth), self.pp, self.qp)
            p = float(before.ask_price[0])
            body = f'"bids":{self._kraken_levels([(p, 1.0)])},"asks":[],"checksum":{cs}'
        return (
            f'{{"channel":"book","type":"update","data":[{{"symbol":"{self.symbol}",{body},'
            f'"timestamp":"{ts}"}}]}}'
        )

    def kraken_snapshot(self, position: int) -> str:
        book = self._replay_to(position)
        view = _view(book, self.depth)
        bp, bq = book.levels(BID, self.depth)
        ap, aq = book.levels(ASK, self.depth)
        ts = datetime.now(UTC).isoformat().replace("+00:00", "Z")
        return (
            f'{{"channel":"book","type":"snapshot","data":[{{"symbol":"{self.symbol}",'
            f'"bids":{self._kraken_levels(zip(bp, bq, strict=True))},"asks":{self._kraken_levels(zip(ap, aq, strict=False))},'
            f'"checksum":{_view_checksum(view, self.pp, self.qp)},"timestamp":"{ts}"}}]}}'
        )

    def binance_snapshot(self, position: int, limit: int) -> dict:
        book = self._replay_to(position)
        bp, bq = book.levels(BID, limit)
        ap, aq = book.levels(ASK, limit)
        return {
            "lastUpdateId": self.id_after(position),
            "bids": [[_fmt(p, self.pp), _fmt(q, self.qp)] for p, q in zip(bp, bq, strict=True)],
            "asks": [[_fmt(p, self.pp), _fmt(q, self.qp)] for p, q in zip(ap, aq, strict=True)],
        }

    # -- state -------------------------------------------------------------------------------
    def position(self) -> int:
        """Messages published so far."""
        if self.rate is None:
            return self.n_messages
        if self._t0 is None:  # the clock starts with the first client
            self._t0 = time.monotonic()
        published = self.warmup + int((time.monotonic() - self._t0) * self.rate)
        return published if self.endless else min(self.n_messages, published)

    def start_position(self) -> int:
        """Where a new connection (and a snapshot) starts: the current position, or ``warmup``
        when ``rate`` is None (the whole stream is then in flight to every new client)."""
        return self.warmup if self.rate is None else self.position()

    def _replay_to(self, position: int) -> OrderBook:
        """The true book after ``position`` messages (its ``seq`` is a local counter; the
        exchange id is :meth:`id_after`)."""
        if self.endless:  # every pass ends on the opening book
            position = self._local(max(0, position))[1]
        position = max(0, min(position, self.n_messages))
        c = min(position // CHECKPOINT, len(self._checkpoints) - 1)
        if position == 0:
            return OrderBook.from_snapshot(self._initial)
        book = OrderBook.from_snapshot(self._checkpoints[c])
        for m in range(c * CHECKPOINT, position):
            for s, p, q in sorted(self._levels[m], key=lambda lv: lv[2] != 0.0):
                book.apply_update(book.seq + 1, s, p, q)
        return book

    def id_after(self, position: int) -> int:
        """Binance ``lastUpdateId`` after ``position`` messages."""
        if position <= 0:
            return 0
        if self.endless:
            k, local = self._local(position - 1)
            return self._ids[local][1] + k * self.id_period
        return self._ids[min(position, self.n_messages) - 1][1]

    def book_at(self, m: int) -> BookSnapshot:
        """True book before message ``m``."""
        return self._replay_to(m).snapshot()

    def true_book(self, depth: int | None = None) -> BookSnapshot:
        """True book after the last message (top ``depth`` levels, or all)."""
        book = self._book
        return book.snapshot(depth)

    @property
    def last_id(self) -> int:
        """Binance id of the last message of the (first) pass."""
        return self._ids[self.n_messages - 1][1]

    def snapshot_stale(self) -> bool:
        if self.faults.stale_snapshots > 0:
            self.faults.stale_snapshots -= 1
            self.faults.fired.append(("stale_snapshot", -1))
            return True
        return False


_E_DIGITS = 13
"""Digits of a millisecond Unix time from 2001 to 2286."""


class _BinanceWire:
    """Binance diff events ``{"e":"depthUpdate","E":<ms>,<body>`` as consecutive WebSocket
    frames in one buffer, with the offsets of each frame and of each event time's digits."""

    def __init__(self, bodies: list[str]) -> None:
        prefix = b'{"e":"depthUpdate","E":'
        placeholder = b"0" * _E_DIGITS + b","
        parts, starts, e_pos = [], [], []
        at = 0
        for body in bodies:
            payload = prefix + placeholder + body.encode()
            head = _frame_header(len(payload))
            starts.append(at)
            e_pos.append(at + len(head) + len(prefix))
            parts += (head, payload)
            at += len(head) + len(payload)
        starts.append(at)
        self.buffer = np.frombuffer(b"".join(parts), dtype=np.uint8)
        self.starts = np.array(starts, dtype=np.int64)
        self.e_pos = np.array(e_pos, dtype=np.int64)
        self._digits = np.arange(_E_DIGITS, dtype=np.int64)

    def frames(self, lo: int, hi: int, ms: int) -> bytes:
        """Frames ``lo..hi-1`` with event time ``ms`` (milliseconds, 13 digits)."""
        digits = str(int(ms)).encode()
        if len(digits) != _E_DIGITS:
            raise ValueError(f"event time {ms} ms does not have {_E_DIGITS} digits")
        base = self.starts[lo]
        out = self.buffer[base : self.starts[hi]].copy()
        where = (self.e_pos[lo:hi] - base)[:, None] + self._digits
        out[where] = np.frombuffer(digits, dtype=np.uint8)
        return out.tobytes()


def _sorted_side(price, qty, side):
    order = np.argsort(-price if side == BID else price, kind="stable")
    return price[order], qty[order]


def _key(book: OrderBook) -> tuple:
    bp, bq = book.levels(BID)
    ap, aq = book.levels(ASK)
    return (tuple(bp), tuple(bq), tuple(ap), tuple(aq))


def _view(book: OrderBook, depth: int) -> dict:
    out = {}
    for s in (BID, ASK):
        p, q = book.levels(s, depth)
        out.update({(s, float(a)): float(b) for a, b in zip(p, q, strict=True)})
    return out


def _view_checksum(view: dict, pp: int, qp: int) -> int:
    bids = sorted(((p, q) for (s, p), q in view.items() if s == BID), reverse=True)
    asks = sorted((p, q) for (s, p), q in view.items() if s == ASK)
    return kraken_checksum(
        [p for p, _ in bids], [q for _, q in bids], [p for p, _ in asks], [q for _, q in asks],
        pp, qp,
    )  # fmt: skip


class LocalExchange:
    """The loopback server holding one :class:`SimMarket` per (exchange, symbol).

    ``heartbeat``: seconds between Kraken ``heartbeat`` messages. ``ping_interval``: seconds
    between WebSocket pings; a client whose pong does not come within half of it is dropped
    (Binance pings every 3 minutes; a short interval would drop a client that is still reading
    a deep backlog, whose pong waits behind it).
    """

    def __init__(
        self, markets: list[SimMarket], heartbeat: float = 1.0, ping_interval: float = 20.0
    ) -> None:
        self.markets = {(m.exchange, m.symbol): m for m in markets}
        self.heartbeat = heartbeat
        self.ping_interval = ping_interval
        self.port: int | None = None
        self.connections = 0
        self._runner: web.AppRunner | None = None
        self._sockets: set = set()

    # -- urls --------------------------------------------------------------------------------
    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def binance_ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def kraken_ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}/v2"

    def market(self, exchange: str, symbol: str) -> SimMarket:
        try:
            return self.markets[(exchange, symbol)]
        except KeyError:
            raise ValueError(f"the local exchange has no {exchange} market {symbol!r}") from None

    # -- server ------------------------------------------------------------------------------
    async def start(self, port: int = 0) -> None:
        app = web.Application()
        app.router.add_get("/api/v3/depth", self._depth)
        app.router.add_get("/ws/{stream}", self._binance_ws)
        app.router.add_get("/v2", self._kraken_ws)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _depth(self, request: web.Request) -> web.Response:
        symbol = request.query.get("symbol", "")
        try:
            limit = int(request.query.get("limit", "100"))
        except ValueError:
            return web.json_response(
                {"code": -1100, "msg": "Illegal characters in limit"}, status=400
            )
        if ("binance", symbol) not in self.markets:
            return web.json_response({"code": -1121, "msg": "Invalid symbol."}, status=400)
        m = self.markets[("binance", symbol)]
        position = 0 if m.snapshot_stale() else m.start_position()
        return web.json_response(m.binance_snapshot(position, limit))

    async def _binance_ws(self, request: web.Request) -> web.WebSocketResponse:
        stream = request.match_info["stream"]
        symbol = stream.split("@", 1)[0].upper()
        ws = web.WebSocketResponse(heartbeat=self.ping_interval)
        await ws.prepare(request)
        if ("binance", symbol) not in self.markets or "@depth" not in stream:
            await ws.close(code=1008, message=b"unknown stream")
            return ws
        m = self.markets[("binance", symbol)]
        self.connections += 1
        self._sockets.add(ws)
        reader = asyncio.ensure_future(_discard(ws))
        try:
            await self._pump(ws, request.transport, m, m.start_position(), m.binance_message)
        finally:
            reader.cancel()
            self._sockets.discard(ws)
            await ws.close()
        return ws

    async def _pump(self, ws, transport, m: SimMarket, start: int, encode) -> None:
        """Send messages ``start ..`` as they are published, injecting faults.

        The frames published since the last look are written to the socket together (one
        WebSocket frame per message, up to :data:`SEND_BATCH` frames per write), as a busy
        exchange's server does: per-frame writes would make this server, not the client under
        test, the limit of a throughput measurement.
        """
        f = m.faults
        i = start
        end = float("inf") if m.endless else m.n_messages
        while i < end and not ws.closed:
            avail = m.position()
            if avail <= i or (i in f.swaps and i + 1 < end and i + 1 >= avail):
                await asyncio.sleep(0.002)  # nothing new yet (or a swap waits for its partner)
                continue
            out: list = []  # texts, or runs of frames already encoded
            stop = min(avail, i + SEND_BATCH)
            if not f.pending():
                if encode == m.binance_message and m.first_pass(stop):
                    out.append(m.binance_frames(i, stop))
                else:
                    out.extend(encode(j) for j in range(i, stop))
                i = stop
            while i < stop:
                if f.take("disconnects", i):
                    await _send_frames(transport, out)
                    await ws.close()
                    return
                if f.take("gaps", i):
                    i += 1
                    continue
                if i in f.swaps and i + 1 < end and i + 1 >= avail:
                    break  # wait until message i + 1 is published, then swap them
                if f.take("swaps", i) and i + 1 < avail:
                    out += [encode(i + 1), encode(i)]
                    i += 2
                    continue
                if f.take("malformed", i):
                    text = encode(i)
                    out.append(text[: len(text) // 2])
                    i += 1
                    continue
                text = encode(i, crossed=f.take("crossed", i))
                out.append(text)
                if f.take("duplicates", i):
                    out.append(text)
                i += 1
            await _send_frames(transport, out)
        # the stream is over: stay open (as an exchange would) until the client leaves
        while not ws.closed:
            await asyncio.sleep(0.05)

    async def _kraken_ws(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(heartbeat=self.ping_interval)
        await ws.prepare(request)
        self.connections += 1
        self._sockets.add(ws)
        pump: asyncio.Task | None = None
        beat = asyncio.ensure_future(self._kraken_heartbeat(ws))
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    break
                try:
                    req = json.loads(msg.data)
                    method = req["method"]
                except (ValueError, KeyError, TypeError):
                    await ws.send_json({"error": "malformed request", "success": False})
                    continue
                if method == "ping":
                    await ws.send_json({"method": "pong", "req_id": req.get("req_id")})
                    continue
                params = req.get("params", {})
                symbols = params.get("symbol", [])
                if params.get("channel") != "book" or len(symbols) != 1:
                    await ws.send_json({"method": method, "success": False, "error": "unsupported"})
                    continue
                key = ("kraken", symbols[0])
                if key not in self.markets:
                    await ws.send_json(
                        {"method": method, "success": False, "error": "Currency pair not supported"}
                    )
                    continue
                m = self.markets[key]
                if pump is not None:
                    pump.cancel()
                    pump = None
                if method == "unsubscribe":
                    await ws.send_json({"method": "unsubscribe", "success": True})
                    continue
                if method != "subscribe":
                    continue
                if params.get("depth", 10) != m.depth:
                    await ws.send_json(
                        {"method": method, "success": False, "error": f"depth must be {m.depth}"}
                    )
                    continue
                await ws.send_json(
                    {"method": "subscribe", "success": True,
                     "result": {"channel": "book", "symbol": m.symbol, "depth": m.depth}}
                )  # fmt: skip
                position = m.start_position()
                snap_pos = 0 if m.snapshot_stale() else position
                await ws.send_str(m.kraken_snapshot(snap_pos))
                pump = asyncio.ensure_future(
                    self._pump(ws, request.transport, m, position, m.kraken_message)
                )
        finally:
            beat.cancel()
            if pump is not None:
                pump.cancel()
            self._sockets.discard(ws)
        return ws

    async def _kraken_heartbeat(self, ws) -> None:
        while not ws.closed:
            await asyncio.sleep(self.heartbeat)
            if not ws.closed:
                await ws.send_str('{"channel":"heartbeat"}')


SEND_BATCH = 2048
"""Most frames written to a socket in one write."""

SEND_HIGH_WATER = 1 << 20
"""Bytes waiting in a socket's send buffer above which the server stops writing (flow
control: a slow client slows the server down, it does not make it buffer without bound)."""


def _frame_header(n: int) -> bytes:
    """Header of an unmasked, final WebSocket text frame of ``n`` payload bytes (RFC 6455
    section 5.2)."""
    if n < 126:
        return bytes((0x81, n))
    if n < 65536:
        return struct.pack("!BBH", 0x81, 126, n)
    return struct.pack("!BBQ", 0x81, 127, n)


def _frame(text: str) -> bytes:
    """``text`` as one WebSocket text frame."""
    payload = text.encode()
    return _frame_header(len(payload)) + payload


async def _send_frames(transport, texts: list) -> None:
    """Write ``texts`` as consecutive text frames in one transport write (an item that is
    ``bytes`` is a run of frames already encoded), then wait while the socket's send buffer is
    above :data:`SEND_HIGH_WATER`. (aiohttp writes a frame at a time,
    with one system call each; ``transport`` is the request's, and a single ``write`` of whole
    frames cannot interleave with aiohttp's own control frames, which it also writes whole.)"""
    if not texts or transport is None or transport.is_closing():
        return
    transport.write(b"".join(t if type(t) is bytes else _frame(t) for t in texts))
    while transport.get_write_buffer_size() > SEND_HIGH_WATER and not transport.is_closing():
        await asyncio.sleep(0.001)


async def _discard(ws) -> None:
    async for _ in ws:
        pass


class ExchangeThread:
    """A :class:`LocalExchange` serving from its own thread and event loop (for tests, the app
    and benchmarks)."""

    def __init__(self, markets: list[SimMarket], port: int = 0) -> None:
        self.exchange = LocalExchange(markets)
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(port,), daemon=True)
        self._error: BaseException | None = None
        self._thread.start()
        self._ready.wait(30)
        if self._error is not None:
            raise self._error

    def _run(self, port: int) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self.exchange.start(port))
        except BaseException as exc:  # reported to the constructor
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(self.exchange.stop())
        self._loop.close()

    def close(self) -> None:
        if self._loop.is_running():
            self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def __enter__(self) -> ExchangeThread:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def main(argv: list[str] | None = None) -> int:
    """``python -m lab.feeds.exchange_sim``: serve one market on loopback until stdin closes.

    Prints ``{"port": N, "messages": M, "last_id": U}`` on stdout once the market is built, and
    ``{"serving_cpu_s": S}`` (CPU seconds spent since then) when stdin closes.
    """
    import argparse
    import sys

    p = argparse.ArgumentParser(prog="python -m lab.feeds.exchange_sim")
    p.add_argument("--exchange", choices=("binance", "kraken"), default="binance")
    p.add_argument("--symbol", default="BTCUSDT")
    p.add_argument("--events", type=int, default=100_000)
    p.add_argument("--rows-per-message", type=int, default=1)
    p.add_argument("--rate", type=float, default=None, help="messages/s (default: unpaced)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--port", type=int, default=0)
    args = p.parse_args(argv)
    market = SimMarket(
        args.exchange, args.symbol, n_events=args.events, seed=args.seed,
        rows_per_message=args.rows_per_message, rate=args.rate,
    )  # fmt: skip
    if market.exchange == "binance":
        market.encode_first_pass()  # before the first client, not while serving it
    with ExchangeThread([market], port=args.port) as ex:
        info = {"port": ex.exchange.port, "messages": market.n_messages, "last_id": market.last_id}
        sys.stdout.write(json.dumps(info) + "\n")
        sys.stdout.flush()
        cpu0 = time.process_time()
        sys.stdin.read()  # until the parent closes our stdin
        sys.stdout.write(json.dumps({"serving_cpu_s": time.process_time() - cpu0}) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
