"""The offline sources: the simulated order flow and a recording, as feeds."""

from __future__ import annotations

import abc
import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

from lab.analytics.orderbook import LOBEvents, simulate_lob
from lab.feeds.base import FeedStatus
from lab.feeds.recorder import read_recording

MAX_CHUNK = 1_000_000
"""Upper bound of ``chunk_rows``."""


class _ArrayFeed(abc.ABC):
    """Yields a fixed stream in chunks of ``chunk_rows``, paced at ``rate`` rows per second
    (``None``: as fast as the consumer takes them)."""

    def __init__(self, chunk_rows: int = 1000, rate: float | None = None, start_row: int = 0):
        if not 1 <= chunk_rows <= MAX_CHUNK:
            raise ValueError(f"chunk_rows must be in [1, {MAX_CHUNK}], got {chunk_rows}")
        if rate is not None and not rate > 0:
            raise ValueError(f"rate must be positive or None, got {rate}")
        if start_row < 0:
            raise ValueError(f"start_row must be >= 0, got {start_row}")
        self.chunk_rows, self.rate, self.start_row = chunk_rows, rate, start_row
        self.status = FeedStatus()
        self._stop = False

    def stop(self) -> None:
        self._stop = True

    @abc.abstractmethod
    def _stream(self) -> LOBEvents:
        """The whole event stream this feed plays (each source builds its own)."""

    async def events(self) -> AsyncIterator[LOBEvents]:
        stream = self._stream()
        status = self.status
        status.state = "connected"
        t0 = time.monotonic()
        i = self.start_row
        sent = 0
        while i < len(stream) and not self._stop:
            j = min(i + self.chunk_rows, len(stream))
            if self.rate is not None:
                due = t0 + (sent + j - i) / self.rate
                delay = due - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
            else:
                await asyncio.sleep(0)
            batch = stream[i:j]
            status.tick(j - i)
            status.applied += j - i
            status.rows += j - i
            sent += j - i
            i = j
            yield batch
        status.state = "stopped"


class SimulatedFeed(_ArrayFeed):
    """The zero-intelligence order flow of :func:`simulate_lob` as a feed.

    ``start_row`` skips the first rows (to continue a recording of the same stream); the other
    keywords go to :func:`simulate_lob`.
    """

    def __init__(
        self,
        n_events: int = 100_000,
        seed: int = 0,
        chunk_rows: int = 1000,
        rate: float | None = None,
        start_row: int = 0,
        **sim_kwargs,
    ) -> None:
        super().__init__(chunk_rows, rate, start_row)
        self._args = (n_events, seed, sim_kwargs)

    def _stream(self) -> LOBEvents:
        n, seed, kw = self._args
        return simulate_lob(n, seed=seed, **kw)


class RecordingFeed(_ArrayFeed):
    """A recording written by :class:`~lab.feeds.recorder.Recorder`, replayed as a feed."""

    def __init__(self, directory: str | Path, chunk_rows: int = 1000, rate: float | None = None):
        super().__init__(chunk_rows, rate)
        self.directory = Path(directory)
        self._events = read_recording(self.directory, as_events=True)  # errors surface now
        if len(self._events) == 0:
            raise ValueError(f"recording {self.directory} holds no events")

    def _stream(self) -> LOBEvents:
        return self._events
