"""A recorder whose writes and fsyncs run on a writer thread, off the feed's event loop.

:class:`RecorderThread` owns a :class:`~lab.feeds.recorder.Recorder` (same directory layout,
manifest and durability protocol) and a bounded hand-off queue. The feed's loop only takes a batch's
columns (no copy) and hands them over (microseconds); the writer thread appends, and flushes
(write + ``fsync`` + atomic manifest) on the recorder's row and time boundaries. A flush that
takes 30-60 ms on a slow disk therefore delays the writer, not the feed.

Acknowledgement: :attr:`RecorderThread.durable` and ``on_flush`` report only what a finished
flush made durable, exactly as :class:`Recorder` does; a row handed over but not yet flushed is
*buffered* (:attr:`RecorderThread.buffered_rows`), and is lost by a ``kill -9`` like any
unflushed row, never acknowledged.

Policy when the hand-off queue is full (``max_pending_rows`` rows handed over and not yet taken
by the writer): :meth:`RecorderThread.append` **blocks the feed** until the writer has taken
them. Nothing is dropped (a dropped batch would be a hole in a recording whose ``seq`` must be
contiguous); the blocked appends are counted (:attr:`RecorderThread.stalls`,
:attr:`RecorderThread.stall_seconds`) so a disk too slow for the feed is visible.

A failure on the writer thread (disk full, permissions) is kept and raised by the next
:meth:`append`, :meth:`flush` or :meth:`close` as ``RuntimeError`` naming the cause.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from pathlib import Path

from lab.feeds.recorder import Durable, Recorder, as_columns

MAX_PENDING_ROWS = 50_000_000
"""Upper bound of ``max_pending_rows`` (rows held between the feed and the writer)."""


class RecorderThread:
    """Append book events crash-safely, with the writes on a writer thread (see the module
    docstring).

    Parameters
    ----------
    directory, flush_rows, flush_seconds, meta :
        As for :class:`~lab.feeds.recorder.Recorder` (an existing recording is recovered and
        appended to, on the caller's thread, before this returns).
    on_flush : callable, optional
        Called with each acknowledged :class:`~lab.feeds.recorder.Durable`, **on the writer
        thread**.
    max_pending_rows : int
        Rows handed over and not yet taken by the writer above which :meth:`append` blocks
        (1..50,000,000).

    Attributes
    ----------
    append_seconds : list of float
        Time each :meth:`append` took on the caller's thread (the feed loop's stall), seconds.
    stalls : int
        Appends that had to wait for room in the hand-off queue.
    stall_seconds : float
        Seconds those appends waited.
    """

    def __init__(
        self,
        directory: str | Path,
        flush_rows: int = 65_536,
        flush_seconds: float = 0.25,
        meta: dict | None = None,
        on_flush=None,
        max_pending_rows: int = 1_000_000,
    ) -> None:
        if not 1 <= int(max_pending_rows) <= MAX_PENDING_ROWS:
            raise ValueError(
                f"max_pending_rows must be in [1, {MAX_PENDING_ROWS}], got {max_pending_rows}"
            )
        self.max_pending_rows = int(max_pending_rows)
        self._user_on_flush = on_flush
        self.recorder = Recorder(
            directory, flush_rows=flush_rows, flush_seconds=flush_seconds, meta=meta,
            on_flush=self._acknowledged,
        )  # fmt: skip
        self.directory = self.recorder.directory
        self.flush_rows, self.flush_seconds = self.recorder.flush_rows, self.recorder.flush_seconds
        self.recovered_bytes = self.recorder.recovered_bytes
        self._durable = self.recorder.durable
        self._start_rows = self._durable.rows
        self._appended = 0  # rows handed over since start
        self._cond = threading.Condition()
        self._queue: deque = deque()
        self._pending = 0  # rows in _queue
        self._flush_tokens: list[threading.Event] = []
        self._closing = False
        self._error: BaseException | None = None
        self.append_seconds: list[float] = []
        self.stalls = 0
        self.stall_seconds = 0.0
        self.closed = False
        self._thread = threading.Thread(
            target=self._run, name=f"recorder {self.directory.name}", daemon=True
        )
        self._thread.start()

    # -- what is durable ---------------------------------------------------------------------
    def _acknowledged(self, durable: Durable) -> None:
        self._durable = durable
        if self._user_on_flush is not None:
            self._user_on_flush(durable)

    @property
    def durable(self) -> Durable:
        """What the last acknowledged flush made durable."""
        return self._durable

    @property
    def buffered_rows(self) -> int:
        """Rows appended but not yet acknowledged (lost if the process dies now)."""
        return self._start_rows + self._appended - self._durable.rows

    @property
    def flush_latencies(self) -> list[float]:
        """Seconds each flush took on the writer thread (write + fsync + manifest)."""
        return self.recorder.flush_latencies

    # -- the caller's side -------------------------------------------------------------------
    def _raise_if_failed(self) -> None:
        if self._error is not None:
            raise RuntimeError(
                f"the recorder's writer failed: {type(self._error).__name__}: {self._error}"
            ) from self._error

    def append(self, events) -> None:
        """Hand ``events`` (an :class:`LOBEvents` or structured array with the recorder's
        columns) to the writer; blocks while the hand-off queue is full."""
        t0 = time.perf_counter()
        if self.closed:
            raise ValueError("the recorder is closed")
        rec = as_columns(events)
        n = len(rec[0])
        with self._cond:
            self._raise_if_failed()
            if n:
                if self._pending and self._pending + n > self.max_pending_rows:
                    w0 = time.perf_counter()
                    self.stalls += 1
                    while (
                        self._pending
                        and self._pending + n > self.max_pending_rows
                        and self._error is None
                    ):
                        self._cond.wait()
                    self.stall_seconds += time.perf_counter() - w0
                    self._raise_if_failed()
                self._queue.append(rec)
                self._pending += n
                self._appended += n
                self._cond.notify_all()
        self.append_seconds.append(time.perf_counter() - t0)

    def flush(self, timeout: float | None = None) -> Durable:
        """Wait until everything appended so far is durable; returns it."""
        if self.closed:
            return self.durable
        token = threading.Event()
        with self._cond:
            self._raise_if_failed()
            self._flush_tokens.append(token)
            self._cond.notify_all()
        if not token.wait(timeout):
            raise TimeoutError(f"the recorder's flush did not finish within {timeout} s")
        self._raise_if_failed()
        return self.durable

    def close(self) -> Durable:
        """Write and acknowledge everything appended, end the segment, stop the writer."""
        if self.closed:
            return self.durable
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        self._thread.join()
        self.closed = True
        self._raise_if_failed()
        return self.durable

    def __enter__(self) -> RecorderThread:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- the writer thread -------------------------------------------------------------------
    def _wait_timeout(self) -> float | None:
        """Seconds until the recorder's time boundary (None if it buffers nothing)."""
        oldest = self.recorder.oldest_buffered
        if oldest is None:
            return None
        return max(0.0, oldest + self.flush_seconds - time.monotonic())

    def _run(self) -> None:
        rec = self.recorder
        cond = self._cond
        tokens: list[threading.Event] = []
        try:
            while True:
                with cond:
                    while not (self._queue or self._flush_tokens or self._closing):
                        timeout = self._wait_timeout()
                        if timeout is None:
                            cond.wait()
                        elif timeout == 0.0 or not cond.wait(timeout):
                            break  # the time boundary of the rows the recorder buffers
                    items = list(self._queue)
                    self._queue.clear()
                    tokens, self._flush_tokens = self._flush_tokens, []
                    closing = self._closing
                for item in items:  # outside the lock: the feed keeps handing over meanwhile
                    rec.append_columns(item)  # flushes at the row boundary
                with cond:
                    self._pending -= sum(len(item[0]) for item in items)
                    cond.notify_all()
                if tokens or closing:
                    rec.flush()
                    for token in tokens:
                        token.set()
                else:
                    rec.maybe_flush()
                if closing:
                    with cond:
                        if self._queue:
                            continue
                    rec.close()
                    return
        except BaseException as exc:  # kept for the caller (see _raise_if_failed)
            with cond:
                self._error = exc
                cond.notify_all()
                for token in self._flush_tokens:
                    token.set()
                self._flush_tokens = []
            for token in tokens:  # flushes waiting on the batch that failed
                token.set()
