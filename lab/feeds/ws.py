"""The WebSocket side shared by the exchange feeds: connect, read into the bounded queue,
reconnect with exponential backoff, keep the connection alive with ping/pong.

Client: aiohttp 3.x (``ClientSession.ws_connect``). ``heartbeat`` makes aiohttp send a ping
every ``heartbeat`` seconds and close the socket when no pong arrives within half of that;
server pings are answered automatically (``autoping``).
"""

from __future__ import annotations

import abc
import asyncio
import time
from collections.abc import AsyncIterator, Callable

import aiohttp

from lab.analytics.orderbook import LOBEvents, OrderBook
from lab.feeds.base import BookBuilder, FeedStatus, MessageQueue, ResyncRequired
from lab.feeds.config import FeedConfig

CLOSED = object()
"""Queue sentinel: the socket closed."""

BATCH_MESSAGES = 4096
"""Messages handled between two yielded batches at most."""


class ConnectionLost(Exception):
    """The socket closed or the REST snapshot could not be fetched."""


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
        self._ws: aiohttp.ClientWebSocketResponse | None = None

    @property
    def book(self) -> OrderBook:
        return self.builder.book

    def stop(self) -> None:
        self._stop.set()
        if self._ws is not None and not self._ws.closed:
            asyncio.ensure_future(self._ws.close())

    @abc.abstractmethod
    def _url(self) -> str:
        """The exchange's WebSocket endpoint for this feed's symbol."""

    @abc.abstractmethod
    def _session(self, http, ws, queue: MessageQueue) -> AsyncIterator[LOBEvents]:
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
                    async with http.ws_connect(
                        self._url(), heartbeat=cfg.heartbeat, autoping=True, max_msg_size=0
                    ) as ws:
                        self._ws = ws
                        if connections:
                            self.status.reconnects += 1
                        connections += 1
                        queue = MessageQueue(cfg.queue_size)
                        reader = asyncio.create_task(self._read(ws, queue))
                        try:
                            async for batch in self._session(http, ws, queue):
                                delays = cfg.backoff.delays()  # a working session resets it
                                yield batch
                        finally:
                            reader.cancel()
                except (TimeoutError, aiohttp.ClientError, OSError, ConnectionLost) as exc:
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

    async def _read(self, ws, queue: MessageQueue) -> None:
        try:
            async for msg in ws:
                if msg.type in (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY):
                    queue.put(msg.data)
                else:
                    break
        finally:
            queue.put(CLOSED)

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
