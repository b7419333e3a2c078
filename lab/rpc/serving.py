"""How the analytics server is configured and started: settings and their checks, binding
rules, gRPC server options and the process tuning done at start.

* :class:`ServerConfig` holds the ``arblab server`` settings and refuses unsafe ones: a
  non-loopback address needs a bearer token (:func:`lab.rpc.auth.check_token`), TLS needs a
  certificate and a key.
* :func:`config_from_args` builds it from the command line
  (:func:`lab.rpc.options.add_server_arguments`).
* :func:`tune_malloc` keeps freed message buffers for reuse (glibc).
"""

from __future__ import annotations

import argparse
import ctypes
import ipaddress
import os
from dataclasses import dataclass
from typing import Any

from lab.rpc import limits
from lab.rpc.auth import check_token
from lab.rpc.wire import DEFAULT_HOST, DEFAULT_PORT, MAX_MESSAGE_BYTES

MESSAGE_OVERHEAD_BYTES = 4 * 2**20
"""Headroom above the cache cap for the largest message the server accepts."""
GRACE_SECONDS = 5.0
"""Time calls in flight get to finish on shutdown."""
READY_PREFIX = "arblab server listening on "
"""Start of the line the server prints on stdout once it serves (parsed by start_embedded)."""

SERVER_OPTIONS: tuple[tuple[str, Any], ...] = (
    ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
    # one server per port: without this, gRPC sets SO_REUSEPORT and a second server silently
    # shares the port of a first one
    ("grpc.so_reuseport", 0),
    ("grpc.keepalive_time_ms", 60_000),
    ("grpc.keepalive_timeout_ms", 20_000),
    ("grpc.keepalive_permit_without_calls", 1),
    # clients ping every 20 s (lab.rpc.client.CHANNEL_OPTIONS); accept down to 10 s
    ("grpc.http2.min_ping_interval_without_data_ms", 10_000),
    ("grpc.http2.max_ping_strikes", 2),
    # a 16 MiB stream window: with the 64 KiB default, a streaming upload on loopback runs at a
    # third of the speed (measured with 1 MiB chunks)
    ("grpc.http2.lookahead_bytes", 16 * 2**20),
)


ISOLATIONS = ("process", "thread")
"""Where the analytics run: worker processes the server can stop, or its handler threads."""


@dataclass
class ServerConfig:
    """Validated server settings (see ``arblab server --help``)."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    token: str | None = None
    tls_cert: bytes | None = None
    tls_key: bytes | None = None
    workers: int = 4
    cache_mb: float = 512.0
    max_request_mb: float = 128.0
    upload_idle_s: float = limits.IDLE_SECONDS
    max_client_calls: int = 16
    isolation: str = "process"

    @property
    def cache_bytes(self) -> int:
        return int(self.cache_mb * 2**20)

    @property
    def max_receive_bytes(self) -> int:
        """Largest message accepted: a unary upload the cache could store, at most
        ``--max-request-mb`` (larger datasets stream with PutDataset)."""
        return min(self.cache_bytes, int(self.max_request_mb * 2**20)) + MESSAGE_OVERHEAD_BYTES

    def caps(self) -> limits.Limits:
        """The admission caps these settings imply (see :mod:`lab.rpc.limits`)."""
        return limits.Limits(
            workers=self.workers,
            queue=4 * self.workers,
            client_calls=self.max_client_calls,
            upload_bytes=self.cache_bytes,
            client_upload_bytes=self.cache_bytes,
            header_seconds=min(limits.HEADER_SECONDS, self.upload_idle_s),
            idle_seconds=self.upload_idle_s,
        )

    @property
    def tls(self) -> bool:
        return self.tls_cert is not None

    def validate(self) -> None:
        """Raise ValueError for settings the server refuses."""
        if not 0 <= self.port <= 65535:
            raise ValueError(f"--port must be in 0..65535, got {self.port}")
        if self.workers < 1:
            raise ValueError(f"--workers must be >= 1, got {self.workers}")
        if not self.cache_mb > 0:
            raise ValueError(f"--cache-mb must be > 0, got {self.cache_mb}")
        if not self.max_request_mb > 0:
            raise ValueError(f"--max-request-mb must be > 0, got {self.max_request_mb}")
        if not self.upload_idle_s > 0:
            raise ValueError(f"--upload-idle-s must be > 0, got {self.upload_idle_s}")
        if self.isolation not in ISOLATIONS:
            raise ValueError(
                f"--isolation must be one of {', '.join(ISOLATIONS)}, got {self.isolation!r}"
            )
        if self.max_client_calls < 1:
            raise ValueError(f"--max-client-calls must be >= 1, got {self.max_client_calls}")
        if (self.tls_cert is None) != (self.tls_key is None):
            raise ValueError("TLS needs both --tls-cert and --tls-key")
        if self.token is not None:
            check_token(self.token)
        if not is_loopback(self.host) and not self.token:
            raise ValueError(
                f"refusing to serve on non-loopback address {self.host!r} without a bearer token: "
                "set --token-env VAR (TLS alone does not say who may call; use both)"
            )

    def warnings(self) -> list[str]:
        """Settings that are accepted but unsafe (logged at start)."""
        if not is_loopback(self.host) and not self.tls:
            return [
                f"serving on non-loopback address {self.host!r} without TLS: the bearer token and "
                "all data travel in clear text; set --tls-cert/--tls-key"
            ]
        return []


def usable_cores() -> int:
    """CPU cores this process may run on (its affinity set, e.g. a container's CPU limit)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def is_loopback(host: str) -> bool:
    """Whether ``host`` names only the loopback interface."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def bind_address(host: str, port: int) -> str:
    """``host:port`` with IPv6 literals bracketed."""
    host = host.strip("[]")
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _read_file(path: str | None, what: str) -> bytes | None:
    if path is None:
        return None
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise ValueError(f"cannot read {what} {path!r}: {exc.strerror}") from None


def config_from_args(args: argparse.Namespace) -> ServerConfig:
    """Build and validate a :class:`ServerConfig` from ``arblab server`` arguments."""
    token = None
    if args.token_env:
        token = os.environ.get(args.token_env)
        if not token:
            raise ValueError(
                f"--token-env {args.token_env}: environment variable is unset or empty"
            )
    config = ServerConfig(
        host=args.host,
        port=args.port,
        token=token,
        tls_cert=_read_file(args.tls_cert, "--tls-cert"),
        tls_key=_read_file(args.tls_key, "--tls-key"),
        workers=args.workers,
        cache_mb=args.cache_mb,
        max_request_mb=args.max_request_mb,
        upload_idle_s=args.upload_idle_s,
        max_client_calls=args.max_client_calls,
        isolation=args.isolation,
    )
    config.validate()
    return config


MALLOC_MMAP_THRESHOLD = 2**20
MALLOC_TRIM_THRESHOLD = 32 * 2**20


def tune_malloc() -> bool:
    """Keep freed memory for reuse (glibc only); returns whether the settings were applied.

    Every call allocates and frees buffers of the size of its messages. With glibc's defaults
    a freed buffer of a few hundred KiB goes back to the kernel and the next one page-faults
    in again: serialising the 600 KB result of ``backtest_pairs`` on 8,313 days then took
    0.85 ms instead of 0.04 ms. Serving buffers up to 1 MiB from the heap and trimming the
    heap only above 32 MiB of free memory removes that cost, while larger buffers (uploads,
    cached datasets) are mapped and go back to the kernel when freed, so the server's resident
    memory follows its dataset cache (with 64 MiB / 256 MiB thresholds it grew by about 3x
    the ``--cache-mb`` cap; tests/rpc/test_hardening_limits.py measures it).
    """
    try:
        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    m_trim_threshold, m_mmap_threshold = -1, -3  # <malloc.h>
    return bool(mallopt(m_mmap_threshold, MALLOC_MMAP_THRESHOLD)) and bool(
        mallopt(m_trim_threshold, MALLOC_TRIM_THRESHOLD)
    )
