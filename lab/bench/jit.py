"""Numba compile and cache-load times of the native engine, measured in fresh processes.

The native engine's kernels are ``@numba.njit(cache=True)``: the first call of a kernel in a
process either compiles it (nothing in numba's on-disk cache) or loads the machine code that an
earlier process compiled. Inside a long-lived benchmark process both have already happened, so
they are measured here in a fresh child process (``python -c``) whose ``NUMBA_CACHE_DIR`` is a
directory the caller chooses:

- an empty directory: every first call compiles (the ``numba_compile`` row);
- a directory filled by one earlier child: every first call loads from the cache (the
  ``numba_cache_load`` row).

The child imports ArbLab (not timed: interpreter and library import are start-up, not
compilation), builds tiny deterministic inputs with NumPy and pandas only (the workloads of
:mod:`lab.bench.workloads` at size :data:`TINY`; the order-book stream from the pure-Python
reference simulator, so no kernel is compiled while building inputs), then times with
:func:`time.perf_counter` the first call of each function on the native backend, in order.
A kernel shared by two functions is compiled (or loaded) by the first of them, so each
function's figure is "what its first call cost after the functions before it"; the first
function's figure also carries numba's one-time set-up in the process (initialising LLVM, and
for a parallel kernel starting numba's threading layer), which a cache load cannot avoid either.
The child prints one JSON object::

    {"total_s": ..., "per_function": {"pair_scan": ..., ...}, "setup_s": ...,
     "cache_hits": ..., "cache_misses": ..., "cache_dir": ...}

``total_s`` is the sum of the timed first calls (each includes one run on the tiny input, a few
milliseconds at most); ``setup_s`` (not counted) is the time spent before them on the remaining
imports and the inputs; ``cache_hits`` / ``cache_misses`` are summed over every numba dispatcher
of :mod:`lab.kernels` (``Dispatcher.stats``), so a cold child reports 0 hits and a warm child
reports hits and no misses.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lab.bench.workloads import CORE_FUNCTIONS, WORKLOADS, Request

TINY = 0.01
"""Size multiplier of the inputs (each workload clamps it to its smallest size)."""

OB_EVENTS = 1000
"""Order-book events replayed by the ``ob_replay`` first call."""

CHILD_TIMEOUT_S = 1800.0
"""A child that has not finished after this many seconds is killed (its row is an error)."""

_CHILD_CODE = "import sys; from lab.bench.jit import main; sys.exit(main(sys.argv[1:]))"


def tiny_request(name: str) -> Request:
    """The tiny input of ``name``'s first call, built without compiling any kernel."""
    if name == "ob_replay":
        from lab.analytics.orderbook import simulate_lob
        from lab.analytics.workloads import OB_RECORD_EVERY

        events = simulate_lob(OB_EVENTS, seed=8)
        return Request((events,), {"every": OB_RECORD_EVERY}, 1.0, f"{OB_EVENTS} events")
    return WORKLOADS[name].make(TINY)


def check_functions(names: Sequence[str]) -> list[str]:
    """``names`` as a list, each checked to be an analytics workload (else ``ValueError``)."""
    names = list(names)
    if not names:
        raise ValueError("functions must name at least one workload")
    unknown = [n for n in names if n not in WORKLOADS or WORKLOADS[n].kind != "analytics"]
    if unknown:
        raise ValueError(
            f"unknown analytics workload(s) {', '.join(map(repr, unknown))}; "
            f"choose from {', '.join(n for n, w in WORKLOADS.items() if w.kind == 'analytics')}"
        )
    return names


def cache_counts() -> tuple[int, int]:
    """(cache hits, cache misses) summed over the numba dispatchers of loaded ``lab.kernels``
    modules (each dispatcher once, however many modules name it)."""
    from numba.core.dispatcher import Dispatcher

    seen: set[int] = set()
    hits = misses = 0
    for mod_name, module in list(sys.modules.items()):
        if not (mod_name == "lab.kernels" or mod_name.startswith("lab.kernels.")):
            continue
        for obj in vars(module).values():
            if isinstance(obj, Dispatcher) and id(obj) not in seen:
                seen.add(id(obj))
                stats = obj.stats
                hits += sum(stats.cache_hits.values())
                misses += sum(stats.cache_misses.values())
    return hits, misses


def measure_first_calls(names: Sequence[str] = CORE_FUNCTIONS) -> dict[str, Any]:
    """Time the first native call of each workload in ``names`` in THIS process.

    Meant to run in a fresh process (see :func:`run_child`); in a process that already called
    the kernels it measures ordinary calls. Returns the JSON object described in the module
    docstring; times in seconds.
    """
    names = check_functions(names)
    clock = time.perf_counter
    t0 = clock()
    import numba

    from lab.backends import get_backend

    backend = get_backend("native")
    requests = {n: tiny_request(n) for n in names}
    setup_s = clock() - t0
    per_function: dict[str, float] = {}
    for name in names:
        t0 = clock()
        WORKLOADS[name].run(backend, requests[name])
        per_function[name] = clock() - t0
    hits, misses = cache_counts()
    return {
        "total_s": sum(per_function.values()),
        "per_function": per_function,
        "setup_s": setup_s,
        "cache_hits": hits,
        "cache_misses": misses,
        "cache_dir": str(numba.config.CACHE_DIR),
    }


def run_child(
    cache_dir: str | Path,
    names: Sequence[str] = CORE_FUNCTIONS,
    timeout_s: float = CHILD_TIMEOUT_S,
) -> dict[str, Any]:
    """Run :func:`measure_first_calls` in a fresh Python process with ``NUMBA_CACHE_DIR=cache_dir``.

    The child is ``sys.executable`` with this process's environment, ``NUMBA_CACHE_DIR`` set,
    and the directory holding this ``lab`` package first on ``PYTHONPATH`` (so it runs the same
    code). Raises ``RuntimeError`` with the end of the child's standard error when it fails.
    """
    names = check_functions(names)
    cache_dir = Path(cache_dir)
    if not cache_dir.is_dir():
        raise ValueError(f"cache_dir must be an existing directory, got {str(cache_dir)!r}")
    import lab

    root = str(Path(lab.__file__).resolve().parents[1])
    env = dict(os.environ)
    env["NUMBA_CACHE_DIR"] = str(cache_dir)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    try:
        proc = subprocess.run(
            [sys.executable, "-c", _CHILD_CODE, *names],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"the compile-time child did not finish in {timeout_s:g} s") from None
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-5:]
        raise RuntimeError(
            f"the compile-time child exited with status {proc.returncode}: " + " | ".join(tail)
        )
    lines = proc.stdout.strip().splitlines()
    if not lines:
        raise RuntimeError("the compile-time child printed nothing")
    return json.loads(lines[-1])


def cold_run(names: Sequence[str] = CORE_FUNCTIONS) -> dict[str, Any]:
    """One child with a fresh, empty numba cache directory (removed afterwards)."""
    with tempfile.TemporaryDirectory(prefix="arblab-numba-cold-") as tmp:
        return run_child(tmp, names)


def main(argv: Sequence[str]) -> int:
    """Child entry point: print :func:`measure_first_calls` of the names in ``argv`` as JSON."""
    print(json.dumps(measure_first_calls(list(argv) or CORE_FUNCTIONS)))
    return 0
