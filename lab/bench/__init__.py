"""Benchmarks: the same named workloads on every backend, measured side by side.

Shared by ``arblab bench`` (:mod:`lab.bench.cli`) and the app's BenchmarkView::

    from lab.bench import run_named_suite, to_text
    results = run_named_suite("core", backends="reference,native")
    print(to_text(results))

:mod:`lab.bench.workloads` defines the workloads and their size ladders,
:mod:`lab.bench.runner` measures them (warm-up, timed runs, fallback labels, error rows),
:mod:`lab.bench.jit` measures numba compilation and cache loading in fresh processes,
:mod:`lab.bench.suites` names the suites, and :mod:`lab.bench.report` renders tables and
captions.
"""

from lab.bench.base import Request, Workload
from lab.bench.report import captions, to_markdown, to_text
from lab.bench.runner import BenchResults, Row, engine_label, run_suite
from lab.bench.suites import SUITES, open_backends, run_named_suite
from lab.bench.workloads import WORKLOADS, get_workload

__all__ = [
    "SUITES",
    "WORKLOADS",
    "BenchResults",
    "Request",
    "Row",
    "Workload",
    "captions",
    "engine_label",
    "get_workload",
    "open_backends",
    "run_named_suite",
    "run_suite",
    "to_markdown",
    "to_text",
]
