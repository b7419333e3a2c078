"""Admission control of the analytics server: no single client can hold what others need.

The server's gRPC thread pool is sized so that the calls admitted here can never take every
thread: analytics calls (running plus queued) and uploads have their own caps, and the rest of
the pool (:attr:`Limits.control_threads`) is always free for the health check, ``Info`` and
for refusing calls quickly. A call over a cap is refused at once with RESOURCE_EXHAUSTED and a
message naming the limit and the server option that sets it.

* **Analytics.** At most :attr:`Limits.workers` run at once; up to :attr:`Limits.queue` more wait
  for a slot (while their caller is still there); one client (one connection, ``peer``) has
  at most :attr:`Limits.client_calls` running or waiting.
* **Uploads.** At most :attr:`Limits.uploads` streams at once, :attr:`Limits.client_uploads`
  per client. Upload bytes are reserved as they arrive (never from the declared size) against
  a per-client and a global cap. A stream whose header has not arrived within
  :attr:`Limits.header_seconds`, or which then sends nothing for :attr:`Limits.idle_seconds`,
  is ended with DEADLINE_EXCEEDED by a watchdog, which frees its thread.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import grpc

log = logging.getLogger("lab.rpc.server")

HEADER_SECONDS = 10.0
"""Time an upload stream has to deliver its header."""
IDLE_SECONDS = 30.0
"""Longest pause between two messages of an upload stream."""
CONTROL_THREADS = 4
"""gRPC threads kept free for health, Info and quick refusals."""


class CallerGone(Exception):
    """The caller cancelled or its deadline passed (the server answers CANCELLED)."""


class Exhausted(Exception):
    """A call refused because a limit is reached (RESOURCE_EXHAUSTED); the message names it."""


@dataclass(frozen=True)
class Limits:
    """The caps of one server (see ``arblab server --help`` for the options).

    Attributes
    ----------
    workers : int
        Analytics calls running at once (``--workers``).
    queue : int
        Analytics calls waiting for a worker.
    client_calls : int
        Analytics calls running or waiting per client connection (``--max-client-calls``).
    uploads : int
        Upload streams at once.
    client_uploads : int
        Upload streams at once per client connection.
    upload_bytes : int
        Bytes of unfinished uploads held at once, all clients together.
    client_upload_bytes : int
        Bytes of unfinished uploads held at once by one client connection.
    header_seconds, idle_seconds : float
        Upload header timeout and idle timeout (``--upload-idle-s``).
    control_threads : int
        gRPC threads reserved for health, Info and refusals.
    """

    workers: int = 4
    queue: int = 16
    client_calls: int = 16
    uploads: int = 4
    client_uploads: int = 2
    upload_bytes: int = 512 * 2**20
    client_upload_bytes: int = 512 * 2**20
    header_seconds: float = HEADER_SECONDS
    idle_seconds: float = IDLE_SECONDS
    control_threads: int = CONTROL_THREADS

    @property
    def threads(self) -> int:
        """Size of the gRPC thread pool: every admitted call plus the control threads."""
        return self.workers + self.queue + self.uploads + self.control_threads


def _mib(nbytes: int) -> str:
    return f"{nbytes / 2**20:.1f} MiB"


class Upload:
    """One admitted upload stream: reserves bytes as they arrive, tells the watchdog it is alive."""

    def __init__(self, admission: Admission, client: str, context: grpc.ServicerContext) -> None:
        self._admission = admission
        self.client = client
        self.context = context
        self.reserved = 0
        self.header_seen = False
        self.last_activity = time.monotonic()
        self.timed_out: str | None = None

    def header(self) -> None:
        """The header arrived: from now on the idle timeout applies."""
        self.header_seen = True
        self.last_activity = time.monotonic()

    def reserve(self, nbytes: int) -> None:
        """Account ``nbytes`` more received bytes; raise :class:`Exhausted` over a cap."""
        self.last_activity = time.monotonic()
        self._admission._reserve(self, nbytes)

    def deadline(self) -> float:
        limits = self._admission.limits
        wait = limits.idle_seconds if self.header_seen else limits.header_seconds
        return self.last_activity + wait


class Admission:
    """Counters and caps of one server; thread-safe.

    Parameters
    ----------
    limits : Limits
    """

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._lock = threading.Lock()
        self._slots = threading.Semaphore(limits.workers)
        self._calls = 0  # running or waiting
        self._client_calls: Counter[str] = Counter()
        self._uploads: dict[int, Upload] = {}
        self._client_uploads: Counter[str] = Counter()
        self._bytes = 0
        self._client_bytes: Counter[str] = Counter()
        self._ids = itertools.count()
        self.refused = 0
        self.timed_out = 0
        self._stop = threading.Event()
        self._watchdog = threading.Thread(
            target=self._watch, name="arblab-upload-watch", daemon=True
        )
        self._watchdog.start()

    def close(self) -> None:
        """Stop the upload watchdog."""
        self._stop.set()

    def _refuse(self, message: str) -> Exhausted:
        self.refused += 1
        return Exhausted(message)

    # -- analytics ----------------------------------------------------------------------------

    @contextlib.contextmanager
    def analytics(self, context: grpc.ServicerContext, client: str) -> Iterator[None]:
        """Hold a worker slot for one analytics call (waiting while the caller is there)."""
        limits = self.limits
        with self._lock:
            if self._client_calls[client] >= limits.client_calls:
                raise self._refuse(
                    f"this client already has {self._client_calls[client]} analytics calls in "
                    f"flight (limit {limits.client_calls} per client, server option "
                    "--max-client-calls)"
                )
            if self._calls >= limits.workers + limits.queue:
                raise self._refuse(
                    f"the server is busy: {self._calls} analytics calls running or queued (limit "
                    f"{limits.workers} running + {limits.queue} queued, server option --workers)"
                )
            self._calls += 1
            self._client_calls[client] += 1
        acquired = False
        try:
            while not (acquired := self._slots.acquire(timeout=0.05)):
                if not context.is_active():
                    break
            if acquired:
                yield
            else:
                raise CallerGone()
        finally:
            if acquired:
                self._slots.release()
            with self._lock:
                self._calls -= 1
                self._client_calls[client] -= 1
                if not self._client_calls[client]:
                    del self._client_calls[client]

    # -- uploads ------------------------------------------------------------------------------

    @contextlib.contextmanager
    def upload(self, context: grpc.ServicerContext, client: str) -> Iterator[Upload]:
        """Admit one upload stream; its bytes are released when it ends (stored or not)."""
        limits = self.limits
        with self._lock:
            if self._client_uploads[client] >= limits.client_uploads:
                raise self._refuse(
                    f"this client already has {self._client_uploads[client]} uploads in flight "
                    f"(limit {limits.client_uploads} per client)"
                )
            if len(self._uploads) >= limits.uploads:
                raise self._refuse(
                    f"the server is busy: {len(self._uploads)} uploads in flight (limit "
                    f"{limits.uploads})"
                )
            upload = Upload(self, client, context)
            key = next(self._ids)
            self._uploads[key] = upload
            self._client_uploads[client] += 1
        try:
            yield upload
        finally:
            with self._lock:
                del self._uploads[key]
                self._client_uploads[client] -= 1
                if not self._client_uploads[client]:
                    del self._client_uploads[client]
                self._release(upload)
                if not self._client_bytes[client]:
                    del self._client_bytes[client]

    def _release(self, upload: Upload) -> None:
        """Free an upload's reserved bytes (under the lock; once, however often called)."""
        self._bytes -= upload.reserved
        self._client_bytes[upload.client] -= upload.reserved
        upload.reserved = 0

    def _reserve(self, upload: Upload, nbytes: int) -> None:
        limits = self.limits
        with self._lock:
            client = upload.client
            if upload.timed_out is not None:
                raise CallerGone(upload.timed_out)
            if self._client_bytes[client] + nbytes > limits.client_upload_bytes:
                raise self._refuse(
                    f"upload bytes in flight from this client would exceed "
                    f"{_mib(limits.client_upload_bytes)} (per-client limit, server option "
                    "--cache-mb)"
                )
            if self._bytes + nbytes > limits.upload_bytes:
                raise self._refuse(
                    f"upload bytes in flight would exceed {_mib(limits.upload_bytes)} (global "
                    "limit, server option --cache-mb); retry later"
                )
            self._bytes += nbytes
            self._client_bytes[client] += nbytes
            upload.reserved += nbytes

    def _watch(self) -> None:
        while not self._stop.wait(0.25):
            now = time.monotonic()
            with self._lock:
                late = [
                    u for u in self._uploads.values() if u.timed_out is None and u.deadline() < now
                ]
                for upload in late:
                    limits = self.limits
                    upload.timed_out = (
                        f"no message for {limits.idle_seconds:g} s (upload idle timeout, server "
                        "option --upload-idle-s)"
                        if upload.header_seen
                        else f"no DatasetHeader within {limits.header_seconds:g} s (upload "
                        "header timeout)"
                    )
                    self.timed_out += 1
                    # its bytes are free before the caller hears of the timeout
                    self._release(upload)
            for upload in late:
                log.info("PutDataset peer=%s ended: %s", upload.client, upload.timed_out)
                end_call(upload.context, grpc.StatusCode.DEADLINE_EXCEEDED, upload.timed_out)

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return {
                "calls": self._calls,
                "uploads": len(self._uploads),
                "upload_bytes": self._bytes,
                "refused": self.refused,
                "timed_out": self.timed_out,
            }


def end_call(context: grpc.ServicerContext, code: grpc.StatusCode, details: str) -> None:
    """End a call from another thread with ``code`` and ``details``.

    ``ServicerContext.cancel()`` would end it with a bare CANCELLED; the core call's cancel
    carries a status, so the client learns which limit ended its call.
    """
    call = getattr(getattr(context, "_rpc_event", None), "call", None)
    try:
        call.cancel(code.value[0], details)
    except (AttributeError, TypeError):  # another gRPC implementation: plain cancel
        context.cancel()
