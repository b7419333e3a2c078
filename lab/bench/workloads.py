"""Benchmark workloads: named analytics requests that every backend can run, with a size ladder.

A :class:`Workload` builds its input deterministically for a size multiplier ``m`` (``1`` is the
size the issues specify, e.g. the 190 pairs of the bundled S&P 500 dataset on 2015-2022) and
then calls the backend method of the same name. Data comes from the bundled dataset
(:func:`lab.data.load_sp500`) where the issues name it, and from the seeded generators of
:mod:`lab.data` or a seeded NumPy generator where a larger size needs more data than the
dataset holds. The ``shape`` string of every request says which.

Workloads whose ``kind`` is ``"grpc"`` measure the transport itself (``Info`` round-trip and
dataset upload throughput) and run only on the grpc backend, at one fixed size.

Workloads whose ``kind`` is ``"transport"`` time a cached grpc ``backtest_pairs`` against native
in the same run (:mod:`lab.bench.transport`); self-timed, grpc only, once per suite.

Workloads whose ``kind`` is ``"jit"`` measure the native engine's numba compilation
(``numba_compile``: first calls in a fresh process with an empty numba cache) and cache loading
(``numba_cache_load``: the same with the cache an earlier process wrote), see
:mod:`lab.bench.jit`. They run once, at one fixed size, when native is among the backends, and
report their own duration (:class:`Timed`): the first calls as the child process timed them,
without its interpreter start-up and imports.

Workloads whose ``kind`` is ``"kernel"`` measure the native backtest against its own limits
(Python share of a call, memory-bandwidth floor), see :mod:`lab.bench.kernels`; self-timed,
native only, once per suite.

Workloads whose ``kind`` is ``"peer"`` or ``"grpc_peer"`` measure ArbLab against a peer
library on the same input in one run, see :mod:`lab.bench.peers`; self-timed, skipped with the
reason when the peer is not installed.

Workloads whose ``kind`` is ``"startup"`` time what a user waits for in a fresh process
(``import_lab``), see :mod:`lab.bench.startup`; they are self-timed and run once per suite.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from lab.analytics.registry import REGISTRY
from lab.bench.base import Request, Workload, upload_request
from lab.bench.feeds import FEED_WORKLOADS
from lab.bench.jit import jit_workload
from lab.bench.kernels import KERNEL_WORKLOADS
from lab.bench.peers import PEER_WORKLOADS
from lab.bench.startup import STARTUP_WORKLOADS
from lab.bench.transport import TRANSPORT_WORKLOADS

DEFAULT_LADDER: tuple[float, ...] = (1.0, 4.0, 16.0)
"""Size multipliers of the full suite."""


# ---------------------------------------------------------------------------- grpc transport
INFO_CALLS = 1000
"""Timed Info round-trips of the ``grpc_info`` row (enough samples for a p99)."""


def _info_request(m: float) -> Request:
    return Request((), {}, 1.0, "Info round-trip (no payload)")


def _call_info(workload: Workload, backend: Any, request: Request) -> Any:
    return backend.info()


_upload_counter = itertools.count(1)


def _fresh(request: Request) -> np.ndarray:
    """Change one element so every upload is new content (the server caches by content hash)."""
    data = request.args[0]
    data[0] = float(next(_upload_counter))
    return data


def _call_upload(workload: Workload, backend: Any, request: Request) -> Any:
    method = backend.upload if workload.function == "upload" else backend.upload_unary
    return method(_fresh(request))


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
            upload_request,
            "80 MB PutDataset (client streaming, 4 MiB chunks)",
            unit="GB",
            kind="grpc",
            call=_call_upload,
        ),
        Workload(
            "upload_unary",
            "upload_unary",
            upload_request,
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

WORKLOADS.update(
    {
        w.name: w
        for w in (
            *FEED_WORKLOADS,
            *STARTUP_WORKLOADS,
            *KERNEL_WORKLOADS,
            *TRANSPORT_WORKLOADS,
            *PEER_WORKLOADS,
        )
    }
)

GRPC_ROWS = ("grpc_info", "upload_stream", "upload_unary", *(w.name for w in TRANSPORT_WORKLOADS))
FEED_ROWS = tuple(w.name for w in FEED_WORKLOADS)
STARTUP_ROWS = tuple(w.name for w in STARTUP_WORKLOADS)
KERNEL_ROWS = tuple(w.name for w in KERNEL_WORKLOADS)
PEER_ROWS = tuple(w.name for w in PEER_WORKLOADS)
JIT_ROWS = ("numba_compile", "numba_cache_load")
ANALYTICS = tuple(name for name, w in WORKLOADS.items() if w.kind == "analytics")


def get_workload(name: str) -> Workload:
    """The workload called ``name`` (a key of :data:`WORKLOADS`)."""
    try:
        return WORKLOADS[name]
    except KeyError:
        raise ValueError(f"unknown workload {name!r}; choose from {', '.join(WORKLOADS)}") from None
