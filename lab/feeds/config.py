"""Where a live feed connects and what it subscribes to.

The exchanges' public endpoints are the defaults (documented in the exchanges' API pages); a
:class:`FeedConfig` overrides any of them, e.g. to point a feed at the local exchange simulator
(:mod:`lab.feeds.exchange_sim`) or to read them from a JSON file (:func:`load_config`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from pathlib import Path

from lab.feeds.base import MAX_QUEUE, Backoff

EXCHANGES = ("binance", "kraken")

DEFAULT_ENDPOINTS = {
    # Binance spot: diff-depth stream <symbol>@depth@100ms and REST GET /api/v3/depth
    "binance": {"ws_url": "wss://stream.binance.com:9443", "rest_url": "https://api.binance.com"},
    # Kraken spot WebSocket v2, channel "book" (snapshot and updates arrive on the socket)
    "kraken": {"ws_url": "wss://ws.kraken.com/v2", "rest_url": ""},
}

KRAKEN_DEPTHS = (10, 25, 100, 500, 1000)
"""Depths the Kraken v2 book channel accepts."""

MAX_SNAPSHOT_LIMIT = 5000
"""Largest Binance REST depth ``limit``."""


@dataclass(frozen=True)
class FeedConfig:
    """Connection settings of one live feed.

    Parameters
    ----------
    exchange : {"binance", "kraken"}
    symbol : str
        Exchange symbol: ``BTCUSDT`` on Binance, ``BTC/USD`` on Kraken.
    ws_url, rest_url : str
        Endpoints; empty means the exchange's public default.
    depth : int
        Kraken: subscribed book depth (one of :data:`KRAKEN_DEPTHS`); Binance: REST snapshot
        ``limit`` (1..5000).
    price_precision, qty_precision : int
        Decimals of prices and quantities (Kraken checksums format numbers with them; the
        instrument channel or REST AssetPairs gives them for a real pair).
    queue_size : int
        Raw messages buffered between the socket and the book (1..1,000,000); on overflow the
        backlog is dropped and the book resynchronised.
    heartbeat : float
        Seconds between WebSocket pings; a missing pong closes the connection.
    backoff : Backoff
        Reconnect delays.
    stream_speed : str
        Binance diff-depth update speed suffix (``100ms`` or ``1000ms``).
    """

    exchange: str
    symbol: str
    ws_url: str = ""
    rest_url: str = ""
    depth: int = 1000
    price_precision: int = 2
    qty_precision: int = 8
    queue_size: int = 100_000
    heartbeat: float = 10.0
    backoff: Backoff = field(default_factory=Backoff)
    stream_speed: str = "100ms"

    def __post_init__(self) -> None:
        if self.exchange not in EXCHANGES:
            raise ValueError(f"exchange must be one of {EXCHANGES}, got {self.exchange!r}")
        if not isinstance(self.symbol, str) or not self.symbol.strip():
            raise ValueError(f"symbol must be a non-empty string, got {self.symbol!r}")
        if self.exchange == "kraken" and self.depth not in KRAKEN_DEPTHS:
            raise ValueError(f"Kraken book depth must be one of {KRAKEN_DEPTHS}, got {self.depth}")
        if self.exchange == "binance" and not 1 <= self.depth <= MAX_SNAPSHOT_LIMIT:
            raise ValueError(f"Binance snapshot limit must be in [1, {MAX_SNAPSHOT_LIMIT}]")
        if not 1 <= self.queue_size <= MAX_QUEUE:
            raise ValueError(f"queue_size must be in [1, {MAX_QUEUE}], got {self.queue_size}")
        for name in ("price_precision", "qty_precision"):
            if not 0 <= getattr(self, name) <= 18:
                raise ValueError(f"{name} must be in [0, 18], got {getattr(self, name)}")
        if not self.heartbeat > 0:
            raise ValueError(f"heartbeat must be positive, got {self.heartbeat}")
        if self.stream_speed not in ("100ms", "1000ms"):
            raise ValueError(f"stream_speed must be '100ms' or '1000ms', got {self.stream_speed!r}")
        defaults = DEFAULT_ENDPOINTS[self.exchange]
        object.__setattr__(self, "ws_url", (self.ws_url or defaults["ws_url"]).rstrip("/"))
        object.__setattr__(self, "rest_url", (self.rest_url or defaults["rest_url"]).rstrip("/"))


def load_config(path: str | Path) -> FeedConfig:
    """A :class:`FeedConfig` from a JSON object with its field names (``backoff`` a mapping)."""
    try:
        raw = json.loads(Path(path).read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"cannot read feed config {path}: {exc}") from None
    if not isinstance(raw, dict):
        raise ValueError(f"feed config {path} must be a JSON object")
    known = {f.name for f in fields(FeedConfig)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ValueError(f"feed config {path}: unknown field(s) {unknown}")
    if "backoff" in raw:
        raw["backoff"] = Backoff(**raw["backoff"])
    return FeedConfig(**raw)
