"""What a benchmark ran on: CPU, cores, memory, BLAS and numba threads, and package versions."""

from __future__ import annotations

import os
import platform
from importlib import metadata
from typing import Any

PACKAGES = (
    "arblab",
    "numpy",
    "scipy",
    "pandas",
    "statsmodels",
    "hmmlearn",
    "scikit-learn",
    "skfolio",
    "numba",
    "threadpoolctl",
    "grpcio",
    "protobuf",
    "dask",
    "distributed",
    "panel",
    "holoviews",
    "bokeh",
)
"""Distributions whose versions every result records."""


def cpu_model() -> str:
    """The CPU model name from ``/proc/cpuinfo`` (Linux), else :func:`platform.processor`."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def _memory_gib() -> float | None:
    try:
        return round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError, AttributeError):
        return None


def machine_info() -> dict[str, Any]:
    """The machine a benchmark runs on.

    Returns
    -------
    dict
        ``cpu`` (model name), ``logical_cores`` (``os.cpu_count()``), ``usable_cores`` (this
        process's CPU affinity), ``memory_gib``, ``blas_threads`` (the limit in force, via
        threadpoolctl), ``blas`` (each loaded BLAS: library, version, threads, threading
        layer), ``numba_threads``, ``platform`` and ``python``.
    """
    from threadpoolctl import threadpool_info

    from lab.threads import blas_threads

    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 1
    blas = [
        {
            "library": d.get("internal_api", "?"),
            "version": d.get("version") or "?",
            "threads": d.get("num_threads"),
            "threading_layer": d.get("threading_layer", "?"),
        }
        for d in threadpool_info()
        if d.get("user_api") == "blas"
    ]
    try:
        import numba

        numba_threads = int(numba.get_num_threads())
    except ImportError:
        numba_threads = None
    return {
        "cpu": cpu_model(),
        "logical_cores": os.cpu_count(),
        "usable_cores": usable,
        "memory_gib": _memory_gib(),
        "blas_threads": blas_threads(),
        "blas": blas,
        "numba_threads": numba_threads,
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


def versions() -> dict[str, str]:
    """Installed versions of :data:`PACKAGES` (``"not installed"`` when absent)."""
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def describe(machine: dict[str, Any]) -> str:
    """One line: ``"Intel(R) Xeon(R) ..., 2 cores, 24.0 GiB, BLAS openblas 0.3.27 x1 thread"``."""
    blas = ", ".join(f"{b['library']} {b['version']}" for b in machine.get("blas", [])) or "no BLAS"
    return (
        f"{machine.get('cpu', '?')}; {machine.get('usable_cores', '?')} cores; "
        f"{machine.get('memory_gib', '?')} GiB; BLAS {blas} with {machine.get('blas_threads', '?')} "
        f"thread(s); numba {machine.get('numba_threads', '?')} thread(s); Python {machine.get('python', '?')}"
    )
