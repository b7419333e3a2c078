"""``arblab bench --suite load``: many clients against one analytics server at once.

After one untimed warm-up round per client (uploads, numba loading in the server's
workers), each client has a channel (connection) of its own and loops over a mixed workload for the
duration: ``Info``, ``adf`` on an uploaded 2,000-day walk (passed by dataset ref), a
``backtest_pairs`` of a 1,000-day pair, a 500 x 10 ``correlation`` and a vectorised
``bs_price``. The report gives calls per second, error counts by status code, latency
quantiles over all calls and the server's resident memory at the start and the end (Linux).

The clients are threads of this process: gRPC waits and (de)serialises outside the GIL, and
the work happens in the server, whose capacity is what is measured.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

CLIENTS = 16
"""Concurrent clients."""
DURATION_S = 60.0
"""Seconds each client keeps calling."""


@dataclass
class LoadResult:
    """What one load run measured."""

    clients: int
    duration_s: float
    calls: int
    codes: Counter = field(default_factory=Counter)
    latencies_ms: list[float] = field(default_factory=list)
    rss_start_mib: float | None = None
    rss_end_mib: float | None = None
    server: str = ""

    @property
    def calls_per_s(self) -> float:
        return self.calls / self.duration_s if self.duration_s else 0.0

    @property
    def errors(self) -> int:
        return sum(n for code, n in self.codes.items() if code != "OK")

    def quantile_ms(self, q: float) -> float:
        return float(np.quantile(self.latencies_ms, q)) if self.latencies_ms else float("nan")

    def text(self) -> str:
        codes = ", ".join(f"{code} {n}" for code, n in sorted(self.codes.items()))
        rss = (
            f"{self.rss_start_mib:.0f} -> {self.rss_end_mib:.0f} MiB"
            if self.rss_start_mib is not None and self.rss_end_mib is not None
            else "n/a"
        )
        return "\n".join(
            [
                f"load: {self.clients} clients x {self.duration_s:g} s against {self.server}",
                f"calls       {self.calls:,} ({self.calls_per_s:,.1f}/s)",
                f"errors      {self.errors} (by code: {codes})",
                f"latency ms  p50 {self.quantile_ms(0.5):.1f}  p95 {self.quantile_ms(0.95):.1f}  "
                f"p99 {self.quantile_ms(0.99):.1f}",
                f"server RSS  {rss}",
            ]
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "clients": self.clients,
            "duration_s": self.duration_s,
            "calls": self.calls,
            "calls_per_s": self.calls_per_s,
            "errors": self.errors,
            "codes": dict(self.codes),
            "p50_ms": self.quantile_ms(0.5),
            "p95_ms": self.quantile_ms(0.95),
            "p99_ms": self.quantile_ms(0.99),
            "rss_start_mib": self.rss_start_mib,
            "rss_end_mib": self.rss_end_mib,
            "server": self.server,
        }


def _rss_mib(pid: int | None) -> float | None:
    if pid is None:
        return None
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _workload(seed: int) -> list[tuple[str, tuple, dict]]:
    from lab.analytics.backtest import PairParams

    rng = np.random.default_rng(seed)
    walk = np.cumsum(rng.normal(size=2000)) + 500.0
    x = 50.0 * np.exp(np.cumsum(rng.normal(0, 0.01, 1000)))
    y = 1.5 * x + rng.normal(0, 0.5, 1000) + 10.0
    returns = rng.normal(0, 0.01, (500, 10))
    spots = np.linspace(50.0, 150.0, 200)
    return [
        ("info", (), {}),
        ("adf", (walk,), {}),
        ("backtest_pairs", (y, x, PairParams()), {}),
        ("correlation", (returns,), {}),
        ("bs_price", (spots, 100.0, 0.5, 0.01, 0.2), {}),
    ]


def _client(
    address: str, token: str | None, seed: int, start: threading.Barrier, clock: dict, result, lock
):
    from lab.rpc.client import AnalyticsClient

    # a connection of its own: channels of one process otherwise share one
    client = AnalyticsClient(
        address,
        token=token,
        timeout=60.0,
        channel_options=(("grpc.use_local_subchannel_pool", 1),),
    )
    calls = _workload(seed)
    for name, args, kwargs in calls:  # warm-up, not counted: uploads, numba in the workers
        try:
            client.info(timeout=120) if name == "info" else client.call(
                name, args, kwargs, timeout=120
            )
        except Exception:
            pass  # counted in the timed loop if it persists
    start.wait()
    until = clock["until"]
    codes: Counter = Counter()
    latencies: list[float] = []
    i = seed
    while time.monotonic() < until:
        name, args, kwargs = calls[i % len(calls)]
        i += 1
        start = time.perf_counter()
        try:
            if name == "info":
                client.info(timeout=30)
            else:
                client.call(name, args, kwargs, timeout=60)
            code = "OK"
        except Exception as exc:  # counted by status code, never hidden
            code = getattr(getattr(exc, "code", None), "name", None) or type(exc).__name__
        latencies.append((time.perf_counter() - start) * 1e3)
        codes[code] += 1
    client.close()
    with lock:
        result.codes.update(codes)
        result.latencies_ms.extend(latencies)
        result.calls += sum(codes.values())


def run_load(
    address: str | None = None,
    clients: int = CLIENTS,
    duration_s: float = DURATION_S,
    token: str | None = None,
    workers: int = 4,
) -> LoadResult:
    """Run the load suite against ``address`` (default: an embedded server, ``workers``)."""
    server = None
    pid = None
    if address is None:
        from lab.rpc.embedded import start_embedded

        server = start_embedded(workers=workers, cache_mb=256)
        address, pid = server.address, server.pid
    try:
        result = LoadResult(clients, duration_s, 0, server=address)
        lock = threading.Lock()
        clock: dict[str, float] = {}
        start = threading.Barrier(
            clients + 1, action=lambda: clock.update(until=time.monotonic() + duration_s)
        )
        threads = [
            threading.Thread(
                target=_client,
                args=(address, token, seed, start, clock, result, lock),
                name=f"arblab-load-{seed}",
                daemon=True,
            )
            for seed in range(clients)
        ]
        for thread in threads:
            thread.start()
        start.wait()
        result.rss_start_mib = _rss_mib(pid)
        for thread in threads:
            thread.join()
        result.rss_end_mib = _rss_mib(pid)
        return result
    finally:
        if server is not None:
            server.stop()
