"""The types of a benchmark row: :class:`Workload` (what a backend runs, at any size),
its input (:data:`Request`, the analytics' :class:`~lab.analytics.workloads.WorkloadInput`) and
:class:`Timed` (what a self-timed call returns). The catalogue of rows is
:mod:`lab.bench.workloads`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lab.analytics.workloads import WorkloadInput as Request

__all__ = [
    "FIXED_BACKEND",
    "UPLOAD_BYTES",
    "Request",
    "Skip",
    "Timed",
    "Workload",
    "upload_request",
]


@dataclass(frozen=True)
class Timed:
    """What a self-timed workload's call returns: the duration it measured itself.

    The runner times a self-timed call (``kind="jit"``) by ``seconds``, not by the wall time of
    the call (which includes starting a process).

    Attributes
    ----------
    seconds : float
        The measured duration.
    parts : dict of str to float
        Named components of ``seconds`` (seconds each), reported in the row's note as their
        median over the timed calls.
    detail : str
        A short remark added to the note (e.g. the numba cache hits and misses).
    """

    seconds: float
    parts: dict[str, float] = field(default_factory=dict)
    detail: str = ""


UPLOAD_BYTES = 80_000_000
"""Size of the array of the upload rows (grpc transport and the Arrow Flight peer)."""


def upload_request(m: float) -> Request:
    """The upload rows' input: :data:`UPLOAD_BYTES` of seeded standard normals (float64)."""
    import numpy as np

    data = np.random.default_rng(9).standard_normal(UPLOAD_BYTES // 8)
    return Request((data,), {}, data.nbytes / 1e9, f"{data.nbytes / 1e6:.0f} MB float64 array")


class Skip(Exception):  # noqa: N818 - a row outcome, not an error
    """Raised by a workload's call when it cannot run here (an optional peer library is not
    installed); the runner records the row as skipped with this reason."""


def _default_call(workload: Workload, backend: Any, request: Request) -> Any:
    return getattr(backend, workload.function)(*request.args, **request.kwargs)


FIXED_BACKEND = {
    "grpc": "grpc",
    "transport": "grpc",
    "jit": "native",
    "feed": "native",
    "startup": "native",
    "kernel": "native",
    "peer": "native",
    "grpc_peer": "grpc",
}
"""The one backend that the rows of each fixed-size kind run on."""


@dataclass(frozen=True)
class Workload:
    """A named request that a backend runs, at any size multiplier.

    Attributes
    ----------
    name : str
        Name shown in the tables (``"pair_scan"``).
    function : str
        Backend method it calls (a name in :data:`lab.analytics.FUNCTIONS`, or a grpc-only
        method for ``kind="grpc"``).
    make : callable
        ``make(m) -> Request``; deterministic for a given ``m``.
    description : str
        What size ``1`` is.
    unit : str
        What :attr:`Request.ops` counts; throughput is reported in ``unit``/s.
    kind : str
        ``"analytics"`` (every backend), ``"grpc"`` (transport rows, grpc only, fixed size) or
        ``"jit"`` (numba compile-time rows, native only, fixed size, self-timed: the call
        returns a :class:`Timed`) or ``"feed"`` (book-feed rows of :mod:`lab.bench.feeds`,
        native only, fixed size, self-timed) or ``"startup"`` (fresh-process start-up rows of
        :mod:`lab.bench.startup`, fixed size, self-timed) or ``"kernel"`` (kernel-efficiency rows
        of :mod:`lab.bench.kernels`: Python share, memory-bandwidth floor; native only, fixed
        size, self-timed), ``"transport"`` (gRPC overhead rows of :mod:`lab.bench.transport`:
        a grpc call against native in the same run; grpc only, fixed size, self-timed) or
        ``"peer"`` / ``"grpc_peer"`` (ArbLab against a peer library in one run,
        :mod:`lab.bench.peers`; native / grpc only, fixed size, self-timed).
    call : callable, optional
        ``call(workload, backend, request)``; defaults to the backend method ``function``.
    quantiles : tuple of float
        Upper quantiles of the call time to report (p95, and p99 for round-trip rows).
    repeats : int, optional
        Fixed number of timed calls, overriding the suite's (for sub-millisecond rows whose
        p99 needs many samples, and for the compile rows, whose calls take tens of seconds).
    warmup : int, optional
        Fixed number of untimed warm-up calls, overriding the suite's (0 for the compile rows:
        every call is a fresh process, so a warm-up would change nothing).
    """

    name: str
    function: str
    make: Callable[[float], Request]
    description: str
    unit: str = "calls"
    kind: str = "analytics"
    call: Callable[[Workload, Any, Request], Any] = _default_call
    quantiles: tuple[float, ...] = (0.95,)
    repeats: int | None = None
    warmup: int | None = None

    def run(self, backend: Any, request: Request) -> Any:
        """Make one call of this workload on ``backend``."""
        return self.call(self, backend, request)

    @property
    def fixed_size(self) -> bool:
        """Transport and compile-time rows run at one size, whatever sizes a suite asks for."""
        return self.kind in FIXED_BACKEND

    @property
    def fixed_backend(self) -> str | None:
        """The only backend a fixed-size row runs on (None: every backend)."""
        return FIXED_BACKEND.get(self.kind)

    @property
    def self_timed(self) -> bool:
        """The call returns its own duration (:class:`Timed`); the runner times it by that."""
        return self.kind in ("jit", "feed", "startup", "kernel", "transport", "peer", "grpc_peer")
