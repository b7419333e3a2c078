"""The WebSocket side shared by the exchange feeds: connect, read into the bounded queue,
reconnect with exponential backoff, keep the connection alive with ping/pong.

Client: picows (``picows.ws_connect``), a WebSocket client for asyncio whose frame parser is
compiled and which calls back once per frame with no coroutine, future or message object per
frame: at a high message rate the Python WebSocket client, not the book, is the cost (aiohttp's
``async for msg in ws`` took 3.1-4.3 us per frame here, picows with this listener about 1 us).
``heartbeat`` is picows' auto ping: a ping after ``heartbeat`` seconds without incoming data,
and the socket is closed when no pong arrives within half of that; server pings are answered
automatically (auto pong). The REST snapshot is fetched with aiohttp.

The listener (:class:`QueueListener`) puts the messages of one socket read into the bounded
:class:`~lab.feeds.base.MessageQueue` together (one :meth:`~MessageQueue.put_many` per read, with
the same overflow policy as one put per message), reassembles fragmented messages, and answers
a close frame by closing.
"""

from __future__ import annotations

import abc
import asyncio
import functools
import json
import time
from collections.abc import AsyncIterator, Callable

import aiohttp
import picows

from lab.analytics.orderbook import LOBEvents, OrderBook
from lab.feeds.base import BookBuilder, FeedStatus, MessageQueue, ResyncRequired
from lab.feeds.config import FeedConfig

CLOSED = object()
"""Queue sentinel: the socket closed."""

BATCH_MESSAGES = 4096
"""Messages handled between two yielded batches at most."""

MAX_FRAME_BYTES = 64 << 20
"""Largest WebSocket frame accepted (bytes); a larger one closes the connection."""

CONNECT_TIMEOUT_S = 10.0
"""Seconds allowed for the TCP connection plus the WebSocket handshake."""

_TEXT, _BINARY = picows.WSMsgType.TEXT, picows.WSMsgType.BINARY
_CONTINUATION, _CLOSE = picows.WSMsgType.CONTINUATION, picows.WSMsgType.CLOSE


class ConnectionLost(Exception):
    """The socket closed or the REST snapshot could not be fetched."""


class QueueListener(picows.WSListener):
    """picows listener of one connection: each complete TEXT or BINARY message's payload
    (``bytes``) goes to ``queue``; the messages of one socket read are put together when its
    last frame has been parsed (``frame.last_in_buffer``). A fragmented message is reassembled
    from its continuation frames; a CLOSE frame is answered and the socket closed; the
    disconnection puts :data:`CLOSED`. (PING is answered and the auto ping's PONG consumed by
    picows itself.)"""

    def __init__(self, queue: MessageQueue) -> None:
        super().__init__()
        self.queue = queue
        self._frames: list[bytes] = []
        self._partial: bytearray | None = None

    def on_ws_frame(self, transport: picows.WSTransport, frame: picows.WSFrame) -> None:
        kind = frame.msg_type
        if kind is _TEXT or kind is _BINARY:
            if frame.fin:
                self._frames.append(frame.get_payload_as_bytes())
            else:
                self._partial = bytearray(frame.get_payload_as_memoryview())
        elif kind is _CONTINUATION:
            if self._partial is None:  # RFC 6455 5.4: no message to continue
                transport.send_close(picows.WSCloseCode.PROTOCOL_ERROR)
                transport.disconnect()
            else:
                self._partial += frame.get_payload_as_memoryview()
                if frame.fin:
                    self._frames.append(bytes(self._partial))
                    self._partial = None
        elif kind is _CLOSE:
            transport.send_close(frame.get_close_code())
            transport.disconnect()
        if frame.last_in_buffer and self._frames:
            self.queue.put_many(self._frames)
            self._frames = []

    def on_ws_disconnected(self, transport: picows.WSTransport) -> None:
        if self._frames:
            self.queue.put_many(self._frames)
            self._frames = []
        self.queue.put(CLOSED)


async def connect(url: str, queue: MessageQueue, heartbeat: float) -> picows.WSTransport:
    """Open ``url`` with a :class:`QueueListener` on ``queue`` and ``heartbeat`` seconds of auto
    ping (see the module docstring), within :data:`CONNECT_TIMEOUT_S`."""
    transport, _ = await asyncio.wait_for(
        picows.ws_connect(
            functools.partial(QueueListener, queue), url,
            enable_auto_ping=True, auto_ping_idle_timeout=heartbeat,
            auto_ping_reply_timeout=heartbeat / 2, max_frame_size=MAX_FRAME_BYTES,
            websocket_handshake_timeout=None,
        ),
        CONNECT_TIMEOUT_S,
    )  # fmt: skip
    return transport


class Connection:
    """One connected socket as the feeds' sessions use it (sending requests, closing)."""

    def __init__(self, transport: picows.WSTransport) -> None:
        self.transport = transport

    @property
    def closed(self) -> bool:
        return bool(self.transport.is_disconnected)

    async def send_json(self, obj) -> None:
        """Send ``obj`` as one JSON text frame (nothing if the socket is closed)."""
        if not self.closed:
            self.transport.send(_TEXT, json.dumps(obj).encode())

    def close(self) -> None:
        """Send a close frame and close the socket (a no-op once closed)."""
        if not self.closed:
            self.transport.send_close(picows.WSCloseCode.OK)
            self.transport.disconnect()


class WebSocketFeed(abc.ABC):
    """Base of the exchange feeds: the reconnect loop around an exchange-specific session.

    Subclasses implement :meth:`_url` and :meth:`_session` (an async generator of batches that
    raises :class:`ResyncRequired` or :class:`ConnectionLost`).

    ``on_applied(key, book)``, if given, is called after every applied message with the
    exchange's id for it (Binance ``u``; Kraken the checksum) and the feed's book, e.g. to check
    every intermediate state in tests.
    """

    def __init__(
        self,
        config: FeedConfig,
        on_applied: Callable[[int, OrderBook], None] | None = None,
        time_origin: float | None = None,
        seq_origin: int = 0,
    ) -> None:
        self.config = config
        self.status = FeedStatus()
        self.builder = BookBuilder(seq_origin)
        self.on_applied = on_applied
        self.time_origin = time.time() if time_origin is None else float(time_origin)
        self._stop = asyncio.Event()
        self._ws: Connection | None = None

    @property
    def book(self) -> OrderBook:
        return self.builder.book

    def stop(self) -> None:
        self._stop.set()
        if self._ws is not None:
            self._ws.close()

    @abc.abstractmethod
    def _url(self) -> str:
        """The exchange's WebSocket endpoint for this feed's symbol."""

    @abc.abstractmethod
    def _session(self, http, ws: Connection, queue: MessageQueue) -> AsyncIterator[LOBEvents]:
        """One connected session: synchronise the book and yield its event batches."""

    async def events(self) -> AsyncIterator[LOBEvents]:
        """Batches of book events until :meth:`stop`; reconnects as needed."""
        cfg = self.config
        delays = cfg.backoff.delays()
        connections = 0
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=10.0)
        async with aiohttp.ClientSession(timeout=timeout) as http:
            while not self._stop.is_set():
                self.status.state = "connecting"
                try:
                    queue = MessageQueue(cfg.queue_size)
                    transport = await connect(self._url(), queue, cfg.heartbeat)
                    ws = self._ws = Connection(transport)
                    if connections:
                        self.status.reconnects += 1
                    connections += 1
                    try:
                        async for batch in self._session(http, ws, queue):
                            delays = cfg.backoff.delays()  # a working session resets it
                            yield batch
                    finally:
                        transport.disconnect()
                except (
                    TimeoutError, aiohttp.ClientError, picows.WSError, OSError, ConnectionLost
                ) as exc:  # fmt: skip
                    self.status.last_reason = f"{type(exc).__name__}: {exc}"
                    failed = self.status.state == "error"
                    pending = self.builder.take()
                    if pending is not None:
                        yield pending
                else:
                    failed = False
                self.builder.synced = False
                if self._stop.is_set():
                    break
                self.status.state = "error" if failed else "connecting"
                try:
                    await asyncio.wait_for(self._stop.wait(), timeout=next(delays))
                except TimeoutError:
                    pass
        self.status.state = "stopped"

    async def _drain(self, queue: MessageQueue, handle_many) -> AsyncIterator[LOBEvents]:
        """Hand the queued messages to ``handle_many`` in batches (all that is queued, at most
        :data:`BATCH_MESSAGES`); yield the rows after each batch. ``handle_many`` puts back
        (:meth:`MessageQueue.unget`) the messages after one that raised."""
        builder = self.builder
        while True:
            batch = builder.take()  # e.g. a snapshot, before waiting for the next message
            if batch is not None:
                yield batch
            handle_many(await queue.get_many(BATCH_MESSAGES))
            batch = builder.take()
            if batch is not None:
                yield batch
            if not queue.empty():
                await asyncio.sleep(0)  # a backlog: let the reader and ping/pong in between

    def _each(self, handle, queue: MessageQueue):
        """A ``handle_many`` that handles one message at a time with ``handle``."""

        def handle_many(items: list) -> None:
            self._check_overflow(queue)  # before any: an overflow drops the whole backlog
            for k, item in enumerate(items):
                try:
                    handle(item)
                except BaseException:
                    queue.unget(items[k + 1 :])
                    raise

        return handle_many

    def _check(self, item, queue: MessageQueue) -> None:
        """Common checks before a raw message is parsed: closed socket, queue overflow."""
        if item is CLOSED:
            raise ConnectionLost("socket closed")
        self._check_overflow(queue)

    def _check_overflow(self, queue: MessageQueue) -> None:
        if queue.overflowed:
            queue.overflowed = False
            queue.clear()
            self.status.overflows += 1
            raise ResyncRequired("message queue overflow: backlog dropped")

    async def _resync_pause(self, failures: int) -> None:
        """Back off before the ``failures``-th resynchronisation in a row without an applied
        message (none before the first), so that a persistently bad snapshot is not fetched in a
        tight loop."""
        if failures <= 1:
            return
        delays = self.config.backoff.delays()
        for _ in range(failures - 2):
            next(delays)
        await asyncio.sleep(next(delays))

    def _resync(self, exc: ResyncRequired) -> None:
        self.status.resyncs += 1
        self.status.last_reason = exc.reason
        self.status.state = "resynchronising"
        self.builder.synced = False
