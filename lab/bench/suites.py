"""Named benchmark suites and the backends they run on.

- ``core``: when native is among the backends, issue 2's numba compile-time rows first
  (``numba_compile``: the core functions' first calls in a fresh process with an empty numba
  cache; ``numba_cache_load``: the same with the cache written by an earlier process), then
  issue 2's five workloads (pair_scan, engle_granger, backtest_pairs, sweep, rolling_stats),
  issue 3's rows (hmm_fit, optimize_portfolio, ob_replay), the kernel-efficiency rows of
  :mod:`lab.bench.kernels` on native (Python share, memory floor, 16M bars), the peer rows of
  :mod:`lab.bench.peers` (ArbLab against hftbacktest and Arrow Flight) and, when grpc is among the
  backends, issue 4's transport rows (Info round-trip, 80 MB streaming and unary upload) and
  the gRPC overhead rows of :mod:`lab.bench.transport` (a cached ``backtest_pairs`` against
  native in the same run), at size 1x on reference, native and grpc.
- ``full``: the compile-time rows first, then every workload at 1x, 4x and 16x on all four
  backends; reference calls that would take longer than 30 s (extrapolated from the smaller
  size) are recorded as skipped.
- ``ui``: the app's own timings (:mod:`lab.bench.ui`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from lab.backends import BACKENDS, get_backend
from lab.backends.base import Backend
from lab.bench.jit import CORE_FUNCTIONS
from lab.bench.runner import BenchResults, ProgressFn, run_suite
from lab.bench.workloads import (
    ANALYTICS,
    DEFAULT_LADDER,
    FEED_ROWS,
    GRPC_ROWS,
    JIT_ROWS,
    KERNEL_ROWS,
    PEER_ROWS,
    STARTUP_ROWS,
)


@dataclass(frozen=True)
class Suite:
    """Workloads, default backends, sizes and timing policy of a named suite."""

    name: str
    workloads: tuple[str, ...]
    backends: tuple[str, ...]
    sizes: tuple[float, ...]
    repeats: int
    budget_s: float
    max_call_s: float | None = None


SUITES: dict[str, Suite] = {
    "core": Suite(
        "core",
        STARTUP_ROWS + JIT_ROWS + CORE_FUNCTIONS + KERNEL_ROWS + PEER_ROWS + GRPC_ROWS,
        ("reference", "native", "grpc"),
        (1.0,),
        repeats=30,
        budget_s=2.0,
    ),
    "full": Suite(
        "full",
        STARTUP_ROWS + JIT_ROWS + ANALYTICS + KERNEL_ROWS + PEER_ROWS + GRPC_ROWS + FEED_ROWS,
        ("reference", "native", "grpc", "dask"),
        DEFAULT_LADDER,
        repeats=15,
        budget_s=1.5,
        max_call_s=30.0,
    ),
    "feeds": Suite("feeds", FEED_ROWS, ("native",), (1.0,), repeats=3, budget_s=60.0),
}
"""The named suites of ``arblab bench --suite``; ``ui`` lives in :mod:`lab.bench.ui`."""


class UnavailableBackend(Backend):
    """A backend that could not be set up: every call raises the set-up error.

    The runner turns each call into an error row that carries the reason, so a suite still
    reports the other backends and says why this one has no times.
    """

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        self.reason = reason
        super().__init__()

    @property
    def status(self) -> str:
        return f"unavailable: {self.reason}"

    @property
    def available(self) -> bool:
        return False

    def _run(self, function: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        raise RuntimeError(self.reason)

    def info(self) -> Any:
        raise RuntimeError(self.reason)

    def upload(self, array: Any) -> Any:
        raise RuntimeError(self.reason)

    def upload_unary(self, array: Any) -> Any:
        raise RuntimeError(self.reason)


def parse_backends(text: str | Sequence[str] | None, default: Sequence[str]) -> list[str]:
    """``"reference,native"`` -> ``["reference", "native"]``, checked against the known names."""
    if text is None:
        return list(default)
    names = [n.strip() for n in (text.split(",") if isinstance(text, str) else text) if n.strip()]
    if not names:
        raise ValueError("--backends must name at least one backend")
    unknown = [n for n in names if n not in BACKENDS]
    if unknown:
        raise ValueError(
            f"unknown backend(s) {', '.join(unknown)}; choose from {', '.join(BACKENDS)}"
        )
    return list(dict.fromkeys(names))


def parse_sizes(text: str | Sequence[float] | None, default: Sequence[float]) -> list[float]:
    """``"1,4,16"`` -> ``[1.0, 4.0, 16.0]``; every size must be a positive number."""
    if text is None:
        return list(default)
    items = text.split(",") if isinstance(text, str) else list(text)
    sizes = []
    for item in items:
        raw = str(item).strip().rstrip("xX")
        try:
            value = float(raw)
        except ValueError:
            raise ValueError(f"--sizes takes positive numbers like 1,4,16; got {item!r}") from None
        if not value > 0 or value != value or value == float("inf"):
            raise ValueError(f"--sizes takes positive numbers like 1,4,16; got {item!r}")
        sizes.append(value)
    if not sizes:
        raise ValueError("--sizes must list at least one size")
    return sizes


@contextlib.contextmanager
def open_backends(
    names: Sequence[str],
    grpc_address: str | None = None,
    factory: Callable[[str], Backend] | None = None,
) -> Iterator[tuple[dict[str, Backend], Any]]:
    """Create the backends ``names`` for a suite and close them afterwards.

    With ``grpc`` among them and no ``grpc_address``, an embedded analytics server is started
    on a free loopback port (:func:`lab.rpc.embedded.start_embedded`) and stopped at the end. A
    backend that cannot be set up becomes an :class:`UnavailableBackend`, whose rows are errors
    carrying the reason.

    Yields
    ------
    (backends, server)
        The backends by name, and the embedded server (None when not started).
    """
    backends: dict[str, Backend] = {}
    server = None
    try:
        for name in names:
            try:
                if factory is not None:
                    backends[name] = factory(name)
                elif name == "grpc":
                    address = grpc_address
                    if address is None:
                        from lab.rpc.embedded import start_embedded

                        server = start_embedded(port=0)
                        address = server.address
                    backends[name] = get_backend("grpc", address=address)
                else:
                    backends[name] = get_backend(name)
            except Exception as exc:  # noqa: BLE001 - reported on every row of this backend
                what = (
                    "the embedded gRPC server" if name == "grpc" and grpc_address is None else name
                )
                backends[name] = UnavailableBackend(
                    name, f"could not set up {what}: {type(exc).__name__}: {exc}"
                )
        yield backends, server
    finally:
        if factory is None:
            for backend in backends.values():
                with contextlib.suppress(Exception):
                    backend.close()
        if server is not None:
            server.stop()


def run_named_suite(
    suite: str,
    backends: str | Sequence[str] | None = None,
    sizes: str | Sequence[float] | None = None,
    repeats: int | None = None,
    grpc_address: str | None = None,
    workloads: Sequence[str] | None = None,
    progress: ProgressFn | None = None,
    cancel: Any = None,
    **options: Any,
) -> BenchResults:
    """Run the ``core`` or ``full`` suite with its defaults, overridden where given.

    Parameters
    ----------
    suite : {"core", "full"}
    backends : str or sequence of str, optional
        ``"reference,native,grpc,dask"`` or a list; default the suite's.
    sizes : str or sequence of float, optional
        Size multipliers; default the suite's.
    repeats : int, optional
        Most timed calls per row; default the suite's.
    grpc_address : str, optional
        ``host:port`` of a running analytics server; default an embedded one.
    workloads : sequence of str, optional
        Restrict the suite to these workloads.
    progress, cancel, **options
        Passed to :func:`lab.bench.runner.run_suite`.
    """
    try:
        spec = SUITES[suite]
    except KeyError:
        raise ValueError(
            f"unknown suite {suite!r}; choose from {', '.join(SUITES)} or ui"
        ) from None
    names = parse_backends(backends, spec.backends)
    size_list = parse_sizes(sizes, spec.sizes)
    chosen = spec.workloads if workloads is None else tuple(workloads)
    if repeats is not None and repeats < 1:
        raise ValueError(f"--repeats must be >= 1, got {repeats}")
    kwargs = {
        "repeats": repeats or spec.repeats,
        "budget_s": spec.budget_s,
        "max_call_s": spec.max_call_s,
        **options,
    }
    with open_backends(names, grpc_address=grpc_address) as (live, server):
        results = run_suite(
            chosen, live, sizes=size_list, suite=suite, progress=progress, cancel=cancel, **kwargs
        )
        if server is not None:
            results.settings["grpc_server"] = f"embedded at {server.address}"
        elif "grpc" in names:
            results.settings["grpc_server"] = str(grpc_address)
    return results
