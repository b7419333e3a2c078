"""A benchmark run as a model: the suite's choices, its worker thread, progress and results.

:class:`BenchmarkModel` runs the chosen workloads, sizes and backends through
:func:`lab.bench.runner.run_suite` (the runner behind ``arblab bench``), blocking
(:meth:`~BenchmarkModel.run`) or in a worker thread (:meth:`~BenchmarkModel.start`), so a
served page's event loop and other sessions stay responsive. Everything a view shows is a
parameter: ``running``, ``progress``, ``message``, ``error``, the rows finished so far
(``rows``) and the final ``results``. The Benchmark page (``components/benchmark.py``) only
binds widgets to it; a test or a notebook drives it headless.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from typing import Any

import pandas as pd
import param

from lab.backends import BACKENDS
from lab.bench.machine import describe
from lab.bench.report import captions
from lab.bench.runner import COLUMNS, BenchResults, Row, run_suite
from lab.bench.suites import open_backends
from lab.bench.workloads import ANALYTICS, GRPC_ROWS, JIT_ROWS
from lab.models.backend import BackendModel

log = logging.getLogger(__name__)

SIZES = (0.25, 1.0, 4.0, 16.0)
"""Size multipliers offered (1 is each workload's default size)."""


class BenchmarkModel(param.Parameterized):
    """The same workloads on chosen backends, measured by the benchmark runner.

    Parameters
    ----------
    backend_model : BackendModel, optional
        The session's backend choice; its gRPC server and Dask scheduler addresses are the
        ones benchmarked. A fresh :class:`~lab.models.BackendModel` when omitted.

    The read-only parameters ``running``, ``progress`` (percent of the suite's rows),
    ``message``, ``error`` (the failure of the last run, empty when it succeeded), ``rows``
    (finished rows, as they finish) and ``results`` (the whole :class:`BenchResults` at the
    end, cancelled or not) are set by the run; views watch them.
    """

    backend_model = param.ClassSelector(class_=BackendModel, doc="The session's backend choice.")
    workloads = param.ListSelector(
        default=["rolling_stats", "engle_granger", "backtest_pairs"],
        objects=list(ANALYTICS + GRPC_ROWS + JIT_ROWS),
        doc="Workloads to run (grpc_info and upload_* rows run on grpc only).",
    )
    sizes = param.ListSelector(
        default=[1.0], objects=list(SIZES), doc="Size multipliers (1 = default size)."
    )
    backends = param.ListSelector(
        default=["reference", "native"], objects=list(BACKENDS), doc="Backends to compare."
    )
    repeats = param.Integer(
        default=10,
        bounds=(1, 200),
        label="Repeats (most timed calls)",
        doc="Most timed calls per row (slow rows use fewer).",
    )
    budget_s = param.Number(
        default=1.0,
        bounds=(0.001, 60),
        label="Time per row (s)",
        doc="Seconds of timed calls per row.",
    )
    max_call_s = param.Number(
        default=60.0, bounds=(1, 3600), doc="Skip rows extrapolated to exceed this (s/call)."
    )
    latency_workload = param.Selector(
        default=None, objects=[], allow_None=True, doc="Workload of the latency plot."
    )
    results = param.ClassSelector(
        class_=BenchResults,
        default=None,
        allow_None=True,
        constant=True,
        doc="The last finished run (None before the first).",
    )
    rows = param.List(
        default=[], item_type=Row, constant=True, doc="Rows of the current run, as they finish."
    )
    running = param.Boolean(default=False, constant=True, doc="Whether a suite is running.")
    progress = param.Integer(
        default=0, bounds=(0, 100), constant=True, doc="Percent of the suite's rows done."
    )
    message = param.String(default="", constant=True, doc="What the run is doing or did.")
    error = param.String(
        default="", constant=True, doc="Why the last run failed (empty when it did not)."
    )

    def __init__(self, **params: Any) -> None:
        if params.get("backend_model") is None:
            params["backend_model"] = BackendModel()
        super().__init__(**params)
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._models: dict[str, BackendModel] = {}

    # -- running ------------------------------------------------------------------------------
    def backend(self, name: str) -> Any:
        """The live backend ``name`` at the session's addresses (created once, then reused)."""
        model = self._models.get(name)
        if model is None:
            model = BackendModel(
                backend=name,
                grpc_address=self.backend_model.grpc_address,
                dask_address=self.backend_model.dask_address,
            )
            self._models[name] = model
        return model.get()

    def _set(self, **values: Any) -> None:
        with param.edit_constant(self):
            self.param.update(**values)

    def _on_progress(self, done: int, total: int, label: str) -> None:
        self._set(
            progress=int(round(100 * done / max(total, 1))), message=f"{done}/{total}: {label}"
        )

    def _on_row(self, row: Row) -> None:
        self._set(rows=[*self.rows, row])

    def run(self) -> BenchResults:
        """Run the chosen suite now (blocking) and publish the results; returns them.

        Raises
        ------
        ValueError
            No workload, size or backend is chosen.
        Exception
            Whatever stopped the runner; :attr:`error` and :attr:`message` say what.
        """
        if not self.workloads or not self.sizes or not self.backends:
            raise ValueError("choose at least one workload, one size and one backend")
        self._cancel.clear()
        self._set(running=True, progress=0, message="starting", error="", rows=[])
        try:
            with open_backends(self.backends, factory=self.backend) as (live, _):
                results = run_suite(
                    self.workloads,
                    live,
                    sizes=sorted(self.sizes),
                    repeats=self.repeats,
                    budget_s=self.budget_s,
                    max_call_s=self.max_call_s,
                    suite="benchmark page",
                    progress=self._on_progress,
                    cancel=self._cancel,
                    on_row=self._on_row,
                )
        except Exception as exc:
            failure = f"{type(exc).__name__}: {exc}"
            self._set(running=False, error=failure, message=f"failed: {failure}")
            raise
        workloads = list(dict.fromkeys(r.workload for r in results.rows))
        self.param.latency_workload.objects = workloads
        state = "cancelled" if results.cancelled else "done"
        self._set(
            results=results,
            running=False,
            progress=100 if not results.cancelled else self.progress,
            message=f"{state}: {len(results.rows)} rows in {results.elapsed_s:.1f} s",
        )
        if self.latency_workload not in workloads:
            self.latency_workload = workloads[0] if workloads else None
        return results

    def start(self) -> threading.Thread:
        """Run the suite in a worker thread (the caller stays free); returns the thread.

        A failure is reported in :attr:`error` and :attr:`message` (and logged), not raised.

        Raises
        ------
        RuntimeError
            A run is already in progress.
        """
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                raise RuntimeError("a benchmark is already running")

            def target() -> None:
                try:
                    self.run()
                except Exception as exc:  # error and message say so
                    log.warning("benchmark run failed: %s", exc)

            self._thread = threading.Thread(target=target, name="arblab-benchmark", daemon=True)
            self._thread.start()
            return self._thread

    def cancel(self) -> None:
        """Stop the running suite after its current call; finished rows are kept."""
        self._cancel.set()
        if self.running:
            self._set(message="cancelling after the current call")

    # -- derived ------------------------------------------------------------------------------
    def frame(self) -> pd.DataFrame:
        """The results as a DataFrame: the finished run's, or the rows so far while running
        (empty before the first run)."""
        if self.results is not None and not self.running:
            return self.results.to_frame()
        if self.rows:
            return pd.DataFrame([dataclasses.asdict(r) for r in self.rows], columns=list(COLUMNS))
        return pd.DataFrame()

    @param.depends("results")
    def captions(self) -> dict[str, str]:
        """One caption per backend derived from the measured rows (:func:`lab.bench.report.captions`)."""
        return captions(self.results) if self.results is not None else {}

    @param.depends("results")
    def machine(self) -> str:
        """The machine the last run was measured on ('' before the first run)."""
        if self.results is None:
            return ""
        return f"Measured on {describe(self.results.machine)}"
