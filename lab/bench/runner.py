"""The benchmark runner: every workload, at every size, on every backend, measured honestly.

For each (workload, size, backend) the runner

1. builds the workload's input once (deterministic; shared by all backends, so a backend that
   caches datasets by content hash sees the same bytes);
2. makes ``warmup`` calls that are not timed: the first one's wall time is reported on its own,
   as ``first_call_s`` (for the native engine it is numba JIT compilation or cache loading plus
   one run; for grpc it includes the dataset upload);
3. makes timed calls on :func:`time.perf_counter` (a monotonic clock) until their total time
   reaches ``budget_s`` or ``repeats`` calls were made, and at least ``min_repeats`` calls;
   when the first timed call is slower than ``slow_call_s`` that floor is 1, so slow reference
   rows (an 11 s pair scan) do not stretch a suite to hours;
4. reports median, p95 (and p99 where a workload asks for it), minimum, throughput
   (``ops / median`` in the workload's unit) and the speedup ``reference median / median`` for
   the same workload and size.

Honesty rules:

- After every call the runner reads ``backend.last_engine``. Calls served by a fallback (the
  grpc backend running native in-process because the server is down) are timed into a
  separate row labelled ``"grpc->native (fallback)"``; they never count as grpc.
- A call that raises turns its row into an error row holding the message and no time.
- A row whose call time, extrapolated from the same backend's smaller sizes, would exceed
  ``max_call_s`` is recorded as skipped, with the estimate, never as a time.

Fixed-size kinds run once, at size 1, on one backend (:attr:`Workload.fixed_backend`) when the
suite has it: transport rows (``kind="grpc"``) on grpc, numba compile-time rows
(``kind="jit"``) on native. Compile-time rows are self-timed: each call starts a fresh process
and returns a :class:`lab.bench.base.Timed`, and the runner records ITS ``seconds`` (the
first calls as the child timed them), not the call's wall time, which includes starting the
interpreter; the median of each of its ``parts`` goes in the row's note. Their rows have no
throughput and no speedup (there is no reference row to compare with).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import gc
import json
import math
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lab.bench.base import Request, Skip, Timed, Workload
from lab.bench.machine import machine_info, versions
from lab.bench.workloads import get_workload
from lab.format import fmt_time

OK, ERROR, SKIPPED = "ok", "error", "skipped"
REFERENCE = "reference"


@dataclass
class Row:
    """One measured (workload, size, engine) combination.

    Times are in seconds. ``backend`` is the backend that was asked; ``ran_on`` is what actually
    ran the timed calls (``"grpc->native (fallback)"`` when the grpc backend fell back).
    """

    workload: str
    size: float
    shape: str
    backend: str
    ran_on: str
    status: str
    runs: int = 0
    warmup_runs: int = 0
    first_call_s: float | None = None
    median_s: float | None = None
    p95_s: float | None = None
    p99_s: float | None = None
    min_s: float | None = None
    ops_per_s: float | None = None
    unit: str = "calls"
    speedup: float | None = None
    error: str = ""
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.status == OK

    @property
    def fallback(self) -> bool:
        return self.ran_on != self.backend


COLUMNS = tuple(f.name for f in dataclasses.fields(Row))


@dataclass
class BenchResults:
    """Rows of one benchmark run plus the machine and versions it ran on."""

    rows: list[Row] = field(default_factory=list)
    suite: str = "custom"
    machine: dict[str, Any] = field(default_factory=machine_info)
    versions: dict[str, str] = field(default_factory=versions)
    settings: dict[str, Any] = field(default_factory=dict)
    started: str = ""
    finished: str = ""
    cancelled: bool = False
    elapsed_s: float = 0.0

    # --------------------------------------------------------------- derived
    def reference_row(self, workload: str, size: float) -> Row | None:
        """The successful reference row of ``workload`` at ``size``, if measured."""
        for row in self.rows:
            if row.workload == workload and row.size == size and row.ran_on == REFERENCE and row.ok:
                return row
        return None

    def compute_speedups(self) -> None:
        """Set ``speedup = reference median / median`` for the same workload and size."""
        for row in self.rows:
            ref = self.reference_row(row.workload, row.size)
            if row.ok and ref is not None and row.median_s and ref.median_s:
                row.speedup = ref.median_s / row.median_s
            else:
                row.speedup = None

    def errors(self) -> list[Row]:
        return [r for r in self.rows if r.status == ERROR]

    # --------------------------------------------------------------- export
    def to_frame(self) -> pd.DataFrame:
        """The rows as a DataFrame (one column per :class:`Row` field)."""
        return pd.DataFrame([dataclasses.asdict(r) for r in self.rows], columns=list(COLUMNS))

    def to_dict(self) -> dict[str, Any]:
        return {
            "suite": self.suite,
            "started": self.started,
            "finished": self.finished,
            "elapsed_s": self.elapsed_s,
            "cancelled": self.cancelled,
            "machine": self.machine,
            "versions": self.versions,
            "settings": self.settings,
            "rows": [_json_clean(dataclasses.asdict(r)) for r in self.rows],
        }

    def to_json(self, path: str | Path | None = None) -> str:
        """JSON text of the results (rows, machine, versions, settings); written to ``path`` if given."""
        text = json.dumps(self.to_dict(), indent=2, allow_nan=False)
        if path is not None:
            Path(path).write_text(text + "\n", encoding="utf-8")
        return text

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BenchResults:
        rows = [Row(**{k: v for k, v in r.items() if k in COLUMNS}) for r in data.get("rows", [])]
        return cls(
            rows=rows,
            suite=data.get("suite", "custom"),
            machine=dict(data.get("machine", {})),
            versions=dict(data.get("versions", {})),
            settings=dict(data.get("settings", {})),
            started=data.get("started", ""),
            finished=data.get("finished", ""),
            cancelled=bool(data.get("cancelled", False)),
            elapsed_s=float(data.get("elapsed_s", 0.0)),
        )

    @classmethod
    def from_json(cls, path: str | Path) -> BenchResults:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

    def to_csv(self, path: str | Path | None = None) -> str:
        """CSV text of the rows; each row also carries the machine's CPU, cores and BLAS/numba threads."""
        frame = self.to_frame()
        frame["cpu"] = self.machine.get("cpu", "")
        frame["cores"] = self.machine.get("usable_cores")
        frame["blas_threads"] = self.machine.get("blas_threads")
        frame["numba_threads"] = self.machine.get("numba_threads")
        frame["suite"] = self.suite
        frame["started"] = self.started
        text = frame.to_csv(index=False)
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text


def _json_clean(d: dict[str, Any]) -> dict[str, Any]:
    return {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in d.items()}


def engine_label(backend: Any) -> str:
    """What actually ran the backend's last call: its name, or ``"grpc->native (fallback)"``."""
    name = getattr(backend, "name", type(backend).__name__)
    engine = getattr(backend, "last_engine", name) or name
    return name if engine == name else f"{name}->{engine} (fallback)"


def _ran_on(workload: Workload, backend: Any) -> str:
    # transport rows (Info, uploads) cannot fall back: they either reach the server or raise;
    # compile-time rows run in a child process of their own, never through a fallback
    return backend.name if workload.fixed_size else engine_label(backend)


def _error_text(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".strip()
    return text if len(text) <= 400 else text[:397] + "..."


class Cancelled(Exception):
    """Raised inside a row when the caller's cancel event is set."""


ProgressFn = Callable[[int, int, str], None]


@dataclass
class _Plan:
    workload: Workload
    size: float
    backends: list[str]


def _order_backends(names: Iterable[str]) -> list[str]:
    names = list(dict.fromkeys(names))
    return sorted(names, key=lambda n: (n != REFERENCE, names.index(n)))


def plan_suite(
    workloads: Sequence[str | Workload], backends: Sequence[str], sizes: Sequence[float]
) -> list[_Plan]:
    """The (workload, size, backends) units a suite will run.

    Fixed-size rows (transport, compile time) run once, at size 1, on their own backend, and
    only when the suite has that backend.
    """
    plans = []
    order = _order_backends(backends)
    for w in workloads:
        workload = w if isinstance(w, Workload) else get_workload(w)
        if workload.fixed_size:
            if workload.fixed_backend in order:
                plans.append(_Plan(workload, 1.0, [workload.fixed_backend]))
            continue
        for size in sizes:
            plans.append(_Plan(workload, float(size), order))
    return plans


def run_suite(
    workloads: Sequence[str | Workload],
    backends: Mapping[str, Any],
    sizes: Sequence[float] = (1.0,),
    repeats: int = 20,
    warmup: int = 1,
    budget_s: float = 2.0,
    min_repeats: int = 3,
    slow_call_s: float = 5.0,
    max_call_s: float | None = None,
    suite: str = "custom",
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    on_row: Callable[[Row], None] | None = None,
) -> BenchResults:
    """Run ``workloads`` x ``sizes`` on every backend in ``backends`` and return the rows.

    Parameters
    ----------
    workloads : sequence of str or Workload
        Names in :data:`lab.bench.workloads.WORKLOADS` (or Workload objects).
    backends : mapping of str to Backend
        The backends to measure, by name; ``"reference"`` is measured first so every other row
        gets its speedup. The runner does not close them.
    sizes : sequence of float
        Size multipliers (``1`` is each workload's default size).
    repeats : int
        Most timed calls per row.
    warmup : int
        Untimed calls before timing; the first one's time is reported as ``first_call_s``
        (a workload's own ``warmup``, if set, overrides it).
    budget_s : float
        Timed calls stop once they have taken this many seconds in total (see ``min_repeats``
        and ``repeats``).
    min_repeats : int
        Fewest timed calls of a row whose call takes at most ``slow_call_s``.
    slow_call_s : float
        When the first timed call takes longer than this (seconds), the floor of
        ``min_repeats`` does not apply: the budget may leave the row a single timed run.
    max_call_s : float, optional
        Skip a row whose call, extrapolated from the same backend's smaller sizes (see
        :func:`_extrapolate`), would take longer than this many seconds.
    suite : str
        Name recorded in the results.
    progress : callable, optional
        ``progress(done, total, label)`` after each (workload, size, backend) unit.
    cancel : threading.Event, optional
        When set, the run stops after the current call; the results keep the finished rows
        and ``cancelled=True``.
    on_row : callable, optional
        Called with each finished row.
    """
    if repeats < 1:
        raise ValueError(f"repeats must be >= 1, got {repeats}")
    if warmup < 0:
        raise ValueError(f"warmup must be >= 0, got {warmup}")
    if budget_s <= 0:
        raise ValueError(f"budget_s must be positive, got {budget_s}")
    if not backends:
        raise ValueError("backends must name at least one backend")
    for size in sizes:
        if not (isinstance(size, int | float) and math.isfinite(size) and size > 0):
            raise ValueError(f"sizes must be positive numbers, got {size!r}")
    plans = plan_suite(workloads, list(backends), sizes)
    total = sum(len(p.backends) for p in plans)
    _limit_blas()
    results = BenchResults(
        suite=suite,
        settings={
            "workloads": [p.workload.name for p in plans],
            "backends": _order_backends(backends),
            "sizes": [float(s) for s in sizes],
            "repeats": repeats,
            "warmup": warmup,
            "budget_s": budget_s,
            "min_repeats": min_repeats,
            "slow_call_s": slow_call_s,
            "max_call_s": max_call_s,
            "backend_status": {},
        },
        started=_now(),
    )
    t_start = time.perf_counter()
    done = 0
    cancel = cancel or threading.Event()
    measured: dict[tuple[str, str], list[tuple[float, float]]] = {}

    def emit(row: Row) -> None:
        results.rows.append(row)
        ref = results.reference_row(row.workload, row.size)
        if row.ok and ref is not None and ref.median_s and row.median_s:
            row.speedup = ref.median_s / row.median_s
        if on_row is not None:
            on_row(row)

    try:
        for plan in plans:
            if cancel.is_set():
                break
            workload = plan.workload
            try:
                request = workload.make(plan.size)
                build_error = None
            except Exception as exc:  # noqa: BLE001 - a broken workload is an error row
                request, build_error = Request(shape=workload.description), exc
            for name in plan.backends:
                if cancel.is_set():
                    break
                backend = backends[name]
                label = f"{workload.name} x{plan.size:g} on {name}"
                if build_error is not None:
                    emit(
                        _error_row(
                            workload,
                            plan.size,
                            request.shape,
                            name,
                            name,
                            build_error,
                            note="building the workload's data failed",
                        )
                    )
                else:
                    estimate = _extrapolate(measured.get((workload.name, name), []), plan.size)
                    if max_call_s is not None and estimate is not None and estimate > max_call_s:
                        emit(
                            Row(
                                workload.name,
                                plan.size,
                                request.shape,
                                name,
                                name,
                                SKIPPED,
                                unit=workload.unit,
                                note=(
                                    f"skipped: about {estimate:.0f} s per call (extrapolated from the "
                                    f"smaller sizes) exceeds the {max_call_s:g} s cap"
                                ),
                            )
                        )
                    else:
                        for row in _measure(
                            workload,
                            request,
                            plan.size,
                            name,
                            backend,
                            repeats=repeats,
                            warmup=warmup,
                            budget_s=budget_s,
                            min_repeats=min_repeats,
                            slow_call_s=slow_call_s,
                            cancel=cancel,
                        ):
                            emit(row)
                            if row.ok and row.ran_on == name and row.median_s:
                                measured.setdefault((workload.name, name), []).append(
                                    (plan.size, row.median_s)
                                )
                    results.settings["backend_status"][name] = _status(backend)
                done += 1
                if progress is not None:
                    progress(done, total, label)
            del request
    except Cancelled:
        pass
    finally:
        results.cancelled = cancel.is_set()
        results.finished = _now()
        results.elapsed_s = time.perf_counter() - t_start
        results.compute_speedups()
        results.machine = machine_info()
    return results


def _limit_blas() -> None:
    """Apply ArbLab's BLAS thread policy to every BLAS loaded, SciPy's lazily loaded one too."""
    import scipy.linalg  # noqa: F401 - loads SciPy's bundled OpenBLAS so the limit reaches it

    from lab.threads import configure_blas_threads

    configure_blas_threads()


def _status(backend: Any) -> str:
    try:
        return str(backend.status)
    except Exception as exc:  # noqa: BLE001 - status is informative only
        return f"status unavailable: {_error_text(exc)}"


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def _extrapolate(history: list[tuple[float, float]], size: float) -> float | None:
    """Call time at ``size`` extrapolated from the smaller sizes measured.

    With one smaller size the time is taken as linear in the size; with two or more, the
    power law ``t ~ size^k`` through the two largest (``k`` clamped to [1, 3]), so a
    workload that grows faster than linearly (an optimiser over more assets) is caught.
    """
    smaller = sorted((s, t) for s, t in history if s < size)
    if not smaller:
        return None
    s1, t1 = smaller[-1]
    k = 1.0
    if len(smaller) >= 2:
        s0, t0 = smaller[-2]
        if s0 < s1 and t0 > 0 and t1 > 0:
            k = min(3.0, max(1.0, math.log(t1 / t0) / math.log(s1 / s0)))
    return t1 * (size / s1) ** k


def _error_row(
    workload: Workload,
    size: float,
    shape: str,
    backend: str,
    ran_on: str,
    exc: BaseException,
    note: str = "",
    warmup_runs: int = 0,
) -> Row:
    return Row(
        workload.name,
        size,
        shape,
        backend,
        ran_on,
        ERROR,
        unit=workload.unit,
        warmup_runs=warmup_runs,
        error=_error_text(exc),
        note=note,
    )


def _timed_call(workload: Workload, backend: Any, request: Request) -> tuple[float, Any]:
    """One call of ``workload``: (its duration in seconds, what it returned).

    The duration is the wall time on :func:`time.perf_counter`, except for a self-timed
    workload (``kind="jit"``), whose call must return a :class:`Timed` and is timed by its
    ``seconds``.
    """
    t0 = time.perf_counter()
    out = workload.run(backend, request)
    dt = time.perf_counter() - t0
    if workload.self_timed:
        if not isinstance(out, Timed):
            raise TypeError(
                f"self-timed workload {workload.name!r} returned {type(out).__name__}, not Timed"
            )
        if not (math.isfinite(out.seconds) and out.seconds >= 0):
            raise ValueError(f"self-timed workload {workload.name!r} reported {out.seconds!r} s")
        dt = float(out.seconds)
    return dt, out


def _parts_note(timed: list[Timed]) -> str:
    """``"pair_scan 12.10 s, sweep 3.20 s; numba cache hits 0, misses 41"``: the median of each
    part over the timed calls, then their distinct details."""
    if not timed:
        return ""
    names = list(dict.fromkeys(k for t in timed for k in t.parts))
    medians = [
        f"{k} {fmt_time(float(np.median([t.parts[k] for t in timed if k in t.parts])))}"
        for k in names
    ]
    details = list(dict.fromkeys(t.detail for t in timed if t.detail))
    return "; ".join(p for p in (", ".join(medians), " / ".join(details)) if p)


def _measure(
    workload: Workload,
    request: Request,
    size: float,
    name: str,
    backend: Any,
    *,
    repeats: int,
    warmup: int,
    budget_s: float,
    min_repeats: int,
    slow_call_s: float,
    cancel: threading.Event,
) -> list[Row]:
    """Warm up, time, and return one row per engine that actually served the timed calls."""
    gc.collect()
    first: tuple[str, float] | None = None
    done_warmup = 0
    parts: list[Timed] = []
    if workload.warmup is not None:
        warmup = workload.warmup
    try:
        for _ in range(warmup):
            if cancel.is_set():
                raise Cancelled
            dt, _out = _timed_call(workload, backend, request)
            done_warmup += 1
            if first is None:
                first = (_ran_on(workload, backend), dt)
        fixed = workload.repeats
        most = fixed if fixed is not None else repeats
        times: dict[str, list[float]] = {}
        spent, done, first_timed = 0.0, 0, None
        while done < most:
            if cancel.is_set():
                raise Cancelled
            dt, out = _timed_call(workload, backend, request)
            if workload.self_timed:
                parts.append(out)
            times.setdefault(_ran_on(workload, backend), []).append(dt)
            spent, done = spent + dt, done + 1
            if first_timed is None:
                # the floor is set by the first TIMED call, never by a warm-up that compiled
                first_timed = dt
            if fixed is None:
                least = 1 if first_timed > slow_call_s else min(min_repeats, repeats)
                if done >= least and spent >= budget_s:
                    break
    except Cancelled:
        raise
    except Skip as exc:
        return [
            Row(
                workload.name,
                size,
                request.shape,
                name,
                name,
                SKIPPED,
                unit=workload.unit,
                note=f"skipped: {exc}",
            )
        ]
    except Exception as exc:  # noqa: BLE001 - a failed run is an error row, never a time
        return [
            _error_row(
                workload,
                size,
                request.shape,
                name,
                _ran_on(workload, backend),
                exc,
                warmup_runs=done_warmup,
            )
        ]
    rows = []
    mixed = len(times) > 1
    for label, ts in times.items():
        arr = np.asarray(ts)
        median = float(np.median(arr))
        q = {p: float(np.quantile(arr, p)) for p in workload.quantiles}
        note = _parts_note(parts)
        if mixed:
            note = f"{arr.size} of {sum(len(v) for v in times.values())} timed calls ran on {label}"
        rows.append(
            Row(
                workload.name,
                size,
                request.shape,
                name,
                label,
                OK,
                runs=int(arr.size),
                warmup_runs=done_warmup,
                first_call_s=first[1] if first is not None and first[0] == label else None,
                median_s=median,
                p95_s=q.get(0.95),
                p99_s=q.get(0.99),
                min_s=float(arr.min()),
                ops_per_s=request.ops / median if median > 0 and request.ops > 0 else None,
                unit=workload.unit,
                note=note,
            )
        )
    if first is not None and first[0] not in times:
        rows.append(
            Row(
                workload.name,
                size,
                request.shape,
                name,
                first[0],
                OK,
                runs=0,
                warmup_runs=done_warmup,
                first_call_s=first[1],
                unit=workload.unit,
                note="only the warm-up call ran on this engine",
            )
        )
    return rows
