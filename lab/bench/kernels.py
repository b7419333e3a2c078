"""Kernel-efficiency rows: how much of a native backtest is Python, and how close a long one
runs to the machine's memory bandwidth.

- ``backtest_overhead``: one native ``backtest_pairs`` call on KO/PEP (the whole bundled
  history, 8,313 days), timed by its three phases (:func:`lab.analytics.backtest.native.prepare`,
  ``run``, ``finish``), :data:`OVERHEAD_RUNS` times: the row's time is the median call, its
  parts the medians of the Python phases and of the kernels, and its note the Python share
  ``python / (python + kernels)`` against the goal of :data:`OVERHEAD_LIMIT`.
- ``memory_floor``: the memory-bandwidth floor of a backtest row, measured on this machine:
  a copy between two 256 MiB buffers already in memory (:func:`copy_bandwidth`) gives the
  bandwidth ``B`` (bytes read plus written per second), and a ``backtest_pairs`` call must read
  and write at least :func:`bytes_per_bar` bytes per bar, so the floor is
  ``bytes_per_bar() / B`` seconds per bar. The row's time is that floor for
  :data:`LONG_BARS` bars.
- ``backtest_16m``: one native ``backtest_pairs`` call on :data:`LONG_BARS` synthetic bars,
  with the floor measured again in the same call; its note gives ns per bar and the ratio to
  the floor against the goal of :data:`FLOOR_RATIO_LIMIT`.

They run on native only, once per suite, and are self-timed (:class:`~lab.bench.base.Timed`).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from lab.analytics import workloads as wl
from lab.bench.base import Request, Timed, Workload

OVERHEAD_LIMIT = 0.20
"""Goal: Python's share of a ``backtest_pairs`` call on 8,313 bars."""

FLOOR_RATIO_LIMIT = 3.0
"""Goal: a ``backtest_pairs`` call on :data:`LONG_BARS` bars within this multiple of the
memory-bandwidth floor."""

LONG_BARS = 16_000_000
"""Bars of the ``backtest_16m`` row (about 1.8 GB of results and inputs)."""

OVERHEAD_RUNS = 200
"""Calls timed by one ``backtest_overhead`` measurement (the row reports their medians)."""

LONG_RUNS = 3
"""Calls timed by one ``backtest_16m`` measurement (the first reuses the warm-up's block)."""

BANDWIDTH_BYTES = 256 * 2**20
"""Size of each buffer of the bandwidth probe (far above any cache)."""

BANDWIDTH_COPIES = 5
"""Copies timed by the probe (the fastest counts: the machine's bandwidth, not its load)."""


def bytes_per_bar() -> int:
    """Least bytes a ``backtest_pairs`` call moves per bar: it reads the two prices and
    writes the result's float rows (:data:`lab.kernels.backtest.SERIES`, 8 bytes each) and
    its two flags (negative hedge, rebalanced; 1 byte each)."""
    from lab.kernels.backtest import SERIES

    return 2 * 8 + len(SERIES) * 8 + 2


def copy_bandwidth(nbytes: int = BANDWIDTH_BYTES, copies: int = BANDWIDTH_COPIES) -> float:
    """Memory bandwidth in bytes per second: ``np.copyto`` between two float64 buffers of
    ``nbytes`` that have been written once (so no page fault is timed), counting the bytes read
    plus the bytes written, the fastest of ``copies`` copies."""
    if not 2**20 <= nbytes <= 2**32:
        raise ValueError(f"nbytes must be between 1 MiB and 4 GiB, got {nbytes}")
    src = np.ones(nbytes // 8)
    dst = np.zeros_like(src)
    best = float("inf")
    for _ in range(copies):
        t0 = time.perf_counter()
        np.copyto(dst, src)
        best = min(best, time.perf_counter() - t0)
    return 2 * src.nbytes / best


def floor_seconds(bars: int, bandwidth: float) -> float:
    """The memory-bandwidth floor of a backtest of ``bars`` bars at ``bandwidth`` B/s."""
    return bars * bytes_per_bar() / bandwidth


def _overhead_request(m: float) -> Request:
    y, x, params = wl.backtest(1.0).args
    return Request((y, x, params), {}, 1.0, f"one native backtest_pairs, {len(y):,} bars")


def backtest_overhead(y: Any, x: Any, params: Any, runs: int = OVERHEAD_RUNS) -> Timed:
    """``runs`` native ``backtest_pairs`` calls timed by phase (module docstring): the median
    call, and the medians of its Python phases and of its kernels."""
    from lab.analytics.backtest import native

    if not 1 <= runs <= 10_000:
        raise ValueError(f"runs must be between 1 and 10,000, got {runs}")
    clock = time.perf_counter
    calls, python, kernels = [], [], []
    for _ in range(runs):
        t0 = clock()
        job = native.prepare(y, x, params)
        t1 = clock()
        native.run(job)
        t2 = clock()
        result = native.finish(job)
        t3 = clock()
        del result, job
        calls.append(t3 - t0)
        python.append((t1 - t0) + (t3 - t2))
        kernels.append(t2 - t1)
    py, kern = float(np.median(python)), float(np.median(kernels))
    share = py / (py + kern)
    verdict = "within" if share < OVERHEAD_LIMIT else "over"
    return Timed(
        float(np.median(calls)),
        {"python": py, "kernels": kern},
        f"median of {runs} calls: Python {share:.1%} of the call, {verdict} the "
        f"{OVERHEAD_LIMIT:.0%} goal",
    )


def _floor_request(m: float) -> Request:
    what = f"copy of 2 x {BANDWIDTH_BYTES >> 20} MiB, {bytes_per_bar()} B/bar"
    return Request((), {}, 1.0, what)


def memory_floor() -> Timed:
    """The floor of :data:`LONG_BARS` bars at the bandwidth measured now."""
    bandwidth = copy_bandwidth()
    floor = floor_seconds(LONG_BARS, bandwidth)
    return Timed(
        floor,
        {},
        f"copy bandwidth {bandwidth / 1e9:.1f} GB/s; {bytes_per_bar()} B/bar -> "
        f"{floor / LONG_BARS * 1e9:.2f} ns/bar, {floor:.3f} s for {LONG_BARS:,} bars",
    )


def _long_request(m: float) -> Request:
    y, x = wl.synthetic_pairs(LONG_BARS, 1, seed=7)
    y, x = np.ascontiguousarray(y[:, 0]), np.ascontiguousarray(x[:, 0])
    return Request(
        (y, x, wl.default_pair_params()),
        {},
        float(LONG_BARS),
        f"one native backtest_pairs, {LONG_BARS:,} synthetic bars (seed 7)",
    )


def backtest_long(y: Any, x: Any, params: Any, runs: int = LONG_RUNS) -> Timed:
    """``runs`` native ``backtest_pairs`` calls on the long input (each result dropped before
    the next call, as a loop over long backtests would), against the floor measured now."""
    from lab.analytics.backtest import native

    if not 1 <= runs <= 100:
        raise ValueError(f"runs must be between 1 and 100, got {runs}")
    floor = floor_seconds(y.shape[0], copy_bandwidth())
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        result = native.backtest_pairs(y, x, params)
        times.append(time.perf_counter() - t0)
        del result
    seconds = float(np.median(times))
    ratio = seconds / floor
    verdict = "within" if ratio <= FLOOR_RATIO_LIMIT else "over"
    return Timed(
        seconds,
        {"floor": floor},
        f"median of {runs} calls: {seconds / y.shape[0] * 1e9:.1f} ns/bar = {ratio:.1f}x the "
        f"memory floor, {verdict} the {FLOOR_RATIO_LIMIT:g}x goal",
    )


KERNEL_WORKLOADS = (
    Workload(
        "backtest_overhead",
        "backtest_pairs",
        _overhead_request,
        "native backtest_pairs on KO/PEP by phase (Python share)",
        kind="kernel",
        call=lambda w, b, r: backtest_overhead(*r.args),
        repeats=1,
        warmup=1,
    ),
    Workload(
        "memory_floor",
        "memory_floor",
        _floor_request,
        f"memory-bandwidth floor of {LONG_BARS:,} bars",
        kind="kernel",
        call=lambda w, b, r: memory_floor(),
        repeats=1,
        warmup=0,
    ),
    Workload(
        "backtest_16m",
        "backtest_pairs",
        _long_request,
        f"native backtest_pairs on {LONG_BARS:,} bars against the memory floor",
        unit="bars",
        kind="kernel",
        call=lambda w, b, r: backtest_long(*r.args),
        repeats=1,
        warmup=1,
    ),
)
"""The kernel-efficiency rows, in report order."""
