"""Benchmark workloads: named analytics requests that every backend can run, with a size ladder.

A :class:`Workload` builds its input deterministically for a size multiplier ``m`` (``1`` is the
size the issues specify, e.g. the 190 pairs of the bundled S&P 500 dataset on 2015-2022) and
then calls the backend method of the same name. Data comes from the bundled dataset
(:func:`lab.data.load_sp500`) where the issues name it, and from the seeded generators of
:mod:`lab.data` or a seeded NumPy generator where a larger size needs more data than the
dataset holds. The ``shape`` string of every request says which.

Workloads whose ``kind`` is ``"grpc"`` measure the transport itself (``Info`` round-trip and
dataset upload throughput) and run only on the grpc backend, at one fixed size.

Workloads whose ``kind`` is ``"jit"`` measure the native engine's numba compilation
(``numba_compile``: first calls in a fresh process with an empty numba cache) and cache loading
(``numba_cache_load``: the same with the cache an earlier process wrote), see
:mod:`lab.bench.jit`. They run once, at one fixed size, when native is among the backends, and
report their own duration (:class:`Timed`): the first calls as the child process timed them,
without its interpreter start-up and imports.
"""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lab.analytics.registry import REGISTRY, core_functions
from lab.analytics.workloads import WorkloadInput as Request
from lab.analytics.workloads import check_size

DEFAULT_LADDER: tuple[float, ...] = (1.0, 4.0, 16.0)
"""Size multipliers of the full suite."""


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


def _default_call(workload: Workload, backend: Any, request: Request) -> Any:
    return getattr(backend, workload.function)(*request.args, **request.kwargs)


FIXED_BACKEND = {"grpc": "grpc", "jit": "native", "feed": "native"}
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
        native only, fixed size, self-timed).
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
        return self.kind in ("jit", "feed")


# ---------------------------------------------------------------------------- grpc transport
INFO_CALLS = 1000
"""Timed Info round-trips of the ``grpc_info`` row (enough samples for a p99)."""

UPLOAD_BYTES = 80_000_000


def _info_request(m: float) -> Request:
    return Request((), {}, 1.0, "Info round-trip (no payload)")


def _call_info(workload: Workload, backend: Any, request: Request) -> Any:
    return backend.info()


_upload_counter = itertools.count(1)


def _upload_request(m: float) -> Request:
    data = np.random.default_rng(9).standard_normal(UPLOAD_BYTES // 8)
    return Request((data,), {}, data.nbytes / 1e9, f"{data.nbytes / 1e6:.0f} MB float64 array")


def _fresh(request: Request) -> np.ndarray:
    """Change one element so every upload is new content (the server caches by content hash)."""
    data = request.args[0]
    data[0] = float(next(_upload_counter))
    return data


def _call_upload(workload: Workload, backend: Any, request: Request) -> Any:
    method = backend.upload if workload.function == "upload" else backend.upload_unary
    return method(_fresh(request))


# ---------------------------------------------------------------------------- numba compile
CORE_FUNCTIONS: tuple[str, ...] = core_functions()
"""The functions whose first calls the compile-time rows time: the core suite's workloads
(those whose registry workload is marked ``core``)."""

JIT_COLD_RUNS = 2
"""Timed fresh-process compilations of the ``numba_compile`` row (each takes tens of seconds)."""

JIT_WARM_RUNS = 3
"""Timed fresh-process cache loads of the ``numba_cache_load`` row."""


def _timed_from_child(result: dict[str, Any], cold: bool) -> Timed:
    hits, misses = int(result["cache_hits"]), int(result["cache_misses"])
    if cold and hits:
        raise RuntimeError(f"the cold child loaded {hits} kernel(s) from numba's cache")
    if not cold and not hits:
        raise RuntimeError("the warm child found nothing in numba's cache: it compiled")
    return Timed(
        float(result["total_s"]),
        {k: float(v) for k, v in result["per_function"].items()},
        f"numba cache hits {hits}, misses {misses}",
    )


def jit_workload(
    name: str, cold: bool, functions: Sequence[str] | None = None, repeats: int | None = None
) -> Workload:
    """A compile-time row: the first native calls of ``functions`` in a fresh process.

    Parameters
    ----------
    name : str
        Row name.
    cold : bool
        True: every timed call runs a child with a new, empty ``NUMBA_CACHE_DIR`` (compilation).
        False: building the request runs one untimed child that fills a temporary cache
        directory; every timed call runs a child on that directory (cache loading). The
        directory is removed when the request is garbage-collected.
    functions : sequence of str, optional
        Analytics workloads whose first calls are timed (default
        :data:`CORE_FUNCTIONS`).
    repeats : int, optional
        Timed calls (default :data:`JIT_COLD_RUNS` or :data:`JIT_WARM_RUNS`).

    The call returns a :class:`Timed` whose seconds are the child's summed first calls and
    whose parts are the per-function times; a cold child that hit the cache or a warm child
    that did not is an error, never a time.
    """
    if functions is None:
        names = CORE_FUNCTIONS
    else:
        from lab.bench.jit import check_functions

        names = tuple(check_functions(functions))
    what = ", ".join(names) if len(names) <= 3 else f"the {len(names)} core native functions"
    state = "empty numba cache" if cold else "numba cache written by an earlier process"
    shape = f"first calls of {what} on tiny inputs, fresh process, {state}"

    def make(m: float) -> Request:
        check_size(m)
        if cold:
            return Request((names,), {}, 0.0, shape)
        from lab.bench import jit

        cache = tempfile.TemporaryDirectory(prefix="arblab-numba-warm-")
        _timed_from_child(jit.run_child(cache.name, names), cold=True)
        return Request((names, cache), {}, 0.0, shape)

    def call(workload: Workload, backend: Any, request: Request) -> Timed:
        from lab.bench import jit

        if cold:
            return _timed_from_child(jit.cold_run(request.args[0]), cold=True)
        names_, cache = request.args
        return _timed_from_child(jit.run_child(cache.name, names_), cold=False)

    return Workload(
        name,
        name,
        make,
        shape,
        kind="jit",
        call=call,
        repeats=repeats or (JIT_COLD_RUNS if cold else JIT_WARM_RUNS),
        warmup=0,
    )


# ---------------------------------------------------------------------------- registry
def _analytics_workloads() -> tuple[Workload, ...]:
    """One workload per analytic whose registry entry declares one, in registry order."""
    return tuple(
        Workload(a.name, a.name, a.workload.make, a.workload.description, unit=a.workload.unit)
        for a in REGISTRY.values()
        if a.workload is not None
    )


WORKLOADS: dict[str, Workload] = {
    w.name: w
    for w in (
        *_analytics_workloads(),
        Workload(
            "grpc_info",
            "info",
            _info_request,
            "Info round-trip",
            kind="grpc",
            call=_call_info,
            quantiles=(0.95, 0.99),
            repeats=INFO_CALLS,
        ),
        Workload(
            "upload_stream",
            "upload",
            _upload_request,
            "80 MB PutDataset (client streaming, ~1 MiB chunks)",
            unit="GB",
            kind="grpc",
            call=_call_upload,
        ),
        Workload(
            "upload_unary",
            "upload_unary",
            _upload_request,
            "80 MB in one unary message",
            unit="GB",
            kind="grpc",
            call=_call_upload,
        ),
        jit_workload("numba_compile", cold=True),
        jit_workload("numba_cache_load", cold=False),
    )
}
"""Every benchmark workload, by name: the analytics ones derived from the registry, then the
transport and compile-time rows."""

from lab.bench.feeds import FEED_WORKLOADS  # noqa: E402  (it builds on the classes above)

WORKLOADS.update({w.name: w for w in FEED_WORKLOADS})

GRPC_ROWS = ("grpc_info", "upload_stream", "upload_unary")
FEED_ROWS = tuple(w.name for w in FEED_WORKLOADS)
JIT_ROWS = ("numba_compile", "numba_cache_load")
ANALYTICS = tuple(name for name, w in WORKLOADS.items() if w.kind == "analytics")


def get_workload(name: str) -> Workload:
    """The workload called ``name`` (a key of :data:`WORKLOADS`)."""
    try:
        return WORKLOADS[name]
    except KeyError:
        raise ValueError(f"unknown workload {name!r}; choose from {', '.join(WORKLOADS)}") from None
