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

from lab.analytics.registry import REGISTRY, core_functions
from lab.analytics.workloads import check_size
from lab.bench.base import Request, Timed, Workload

TINY = 0.01
"""Size multiplier of the inputs (each workload clamps it to its smallest size)."""

OB_EVENTS = 1000
"""Order-book events replayed by the ``ob_replay`` first call."""

CHILD_TIMEOUT_S = 1800.0
"""A child that has not finished after this many seconds is killed (its row is an error)."""

_CHILD_CODE = "import sys; from lab.bench.jit import main; sys.exit(main(sys.argv[1:]))"


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
        names = tuple(check_functions(functions))
    what = ", ".join(names) if len(names) <= 3 else f"the {len(names)} core native functions"
    state = "empty numba cache" if cold else "numba cache written by an earlier process"
    shape = f"first calls of {what} on tiny inputs, fresh process, {state}"

    def make(m: float) -> Request:
        check_size(m)
        if cold:
            return Request((names,), {}, 0.0, shape)
        cache = tempfile.TemporaryDirectory(prefix="arblab-numba-warm-")
        _timed_from_child(run_child(cache.name, names), cold=True)
        return Request((names, cache), {}, 0.0, shape)

    def call(workload: Workload, backend: Any, request: Request) -> Timed:
        if cold:
            return _timed_from_child(cold_run(request.args[0]), cold=True)
        names_, cache = request.args
        return _timed_from_child(run_child(cache.name, names_), cold=False)

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


def tiny_request(name: str) -> Request:
    """The tiny input of ``name``'s first call, built without compiling any kernel."""
    if name == "ob_replay":
        from lab.analytics.orderbook import simulate_lob
        from lab.analytics.workloads import OB_RECORD_EVERY

        events = simulate_lob(OB_EVENTS, seed=8)
        return Request((events,), {"every": OB_RECORD_EVERY}, 1.0, f"{OB_EVENTS} events")
    return REGISTRY[name].workload.make(TINY)


def check_functions(names: Sequence[str]) -> list[str]:
    """``names`` as a list, each checked to be an analytics workload (else ``ValueError``)."""
    names = list(names)
    if not names:
        raise ValueError("functions must name at least one workload")
    known = [name for name, a in REGISTRY.items() if a.workload is not None]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(
            f"unknown analytics workload(s) {', '.join(map(repr, unknown))}; "
            f"choose from {', '.join(known)}"
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
        request = requests[name]
        getattr(backend, name)(*request.args, **request.kwargs)
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
