"""Fakes for the benchmark tests: backends whose engine and failures the test controls."""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from lab.bench.base import Request, Workload


class FakeBackend:
    """A backend with one method, ``toy(n)``, that can fall back or fail on request.

    ``fallback_after`` makes every call after that many calls run on ``"native"`` (as the grpc
    backend does when its server goes away); ``fail_on`` makes the given call numbers raise;
    ``sleep`` is the time each call takes (seconds).
    """

    def __init__(
        self,
        name: str,
        sleep: float = 0.0,
        fallback_after: int | None = None,
        fail_on: set[int] | None = None,
    ) -> None:
        self.name = name
        self.last_engine = name
        self.sleep = sleep
        self.fallback_after = fallback_after
        self.fail_on = fail_on or set()
        self.calls = 0

    @property
    def status(self) -> str:
        return "fake"

    def toy(self, n: int) -> float:
        self.calls += 1
        if self.calls in self.fail_on:
            raise ValueError(f"toy failed on call {self.calls}")
        if self.fallback_after is not None and self.calls > self.fallback_after:
            self.last_engine = "native"
        else:
            self.last_engine = self.name
        if self.sleep:
            time.sleep(self.sleep)
        return float(np.arange(n).sum())


def toy_workload(name: str = "toy", make: Any = None) -> Workload:
    def _make(m: float) -> Request:
        return Request((int(100 * m),), {}, 100 * m, f"{int(100 * m)} numbers")

    return Workload(
        name,
        "toy",
        make or _make,
        "100 numbers",
        unit="numbers",
        call=lambda w, b, r: b.toy(*r.args),
    )
