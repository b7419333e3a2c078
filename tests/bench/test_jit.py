"""Numba compile-time rows: fresh child processes on a cold or warm numba cache, self-timed rows.

The child runs use one small kernel (``rolling_stats``) to keep the tests fast.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from lab.analytics.registry import core_functions
from lab.backends import get_backend
from lab.bench import jit
from lab.bench.base import Request, Timed, Workload
from lab.bench.jit import (
    CORE_FUNCTIONS,
    JIT_COLD_RUNS,
    JIT_WARM_RUNS,
    _timed_from_child,
    jit_workload,
)
from lab.bench.report import captions, to_markdown, to_text
from lab.bench.runner import plan_suite, run_suite
from lab.bench.workloads import JIT_ROWS, WORKLOADS
from tests.bench.bench_fakes import FakeBackend

ONE = ("rolling_stats",)


def test_check_functions_accepts_only_analytics_workloads():
    assert jit.check_functions(("sweep", "hmm_fit")) == ["sweep", "hmm_fit"]
    with pytest.raises(ValueError, match="unknown analytics workload.*'nope'"):
        jit.check_functions(["nope"])
    with pytest.raises(ValueError, match="'grpc_info'"):
        jit.check_functions(["grpc_info"])
    with pytest.raises(ValueError, match="at least one"):
        jit.check_functions([])
    with pytest.raises(ValueError, match="cache_dir must be an existing directory"):
        jit.run_child("/nonexistent/arblab-cache", ONE)


def test_compile_rows_run_once_on_native_at_one_size():
    assert CORE_FUNCTIONS == core_functions() and len(CORE_FUNCTIONS) == 9
    for name in JIT_ROWS:
        w = WORKLOADS[name]
        assert (w.kind, w.fixed_backend, w.self_timed, w.warmup) == ("jit", "native", True, 0)
    assert WORKLOADS["numba_compile"].repeats == JIT_COLD_RUNS
    assert WORKLOADS["numba_cache_load"].repeats == JIT_WARM_RUNS
    plans = plan_suite(list(JIT_ROWS) + ["rolling_stats"], ["native", "reference"], [1.0, 4.0])
    assert [(p.workload.name, p.size, p.backends) for p in plans] == [
        ("numba_compile", 1.0, ["native"]),
        ("numba_cache_load", 1.0, ["native"]),
        ("rolling_stats", 1.0, ["reference", "native"]),
        ("rolling_stats", 4.0, ["reference", "native"]),
    ]
    assert plan_suite(JIT_ROWS, ["reference", "grpc"], [1.0]) == []


def test_tiny_inputs_are_the_workloads_streams_at_their_smallest_size():
    req = jit.tiny_request("ob_replay")
    assert req.kwargs == {"every": 100}
    # built by the pure-Python reference simulator: the stream the native one gives (same seed)
    native = get_backend("native").simulate_lob(jit.OB_EVENTS, seed=8)
    for name in ("seq", "time", "kind", "side", "price", "qty"):
        np.testing.assert_array_equal(getattr(req.args[0], name), getattr(native, name))
    assert jit.tiny_request("rolling_stats").args[0].shape == (100,)


def test_a_cold_child_compiles_into_its_cache_dir_and_a_warm_child_loads_from_it(tmp_path):
    cold = jit.run_child(tmp_path, ONE)
    assert cold["cache_hits"] == 0 and cold["cache_misses"] > 0
    assert list(cold["per_function"]) == ["rolling_stats"]
    assert cold["total_s"] == pytest.approx(sum(cold["per_function"].values()))
    assert Path(cold["cache_dir"]).resolve() == tmp_path.resolve()
    index = sorted(tmp_path.rglob("*.nbi"))
    assert index and any(p.name.startswith("stats.rolling_moments") for p in index)
    warm = jit.run_child(tmp_path, ONE)
    assert warm["cache_hits"] > 0 and warm["cache_misses"] == 0
    assert sorted(tmp_path.rglob("*.nbi")) == index  # nothing new was compiled


def test_a_failing_child_is_reported_with_its_error(tmp_path, monkeypatch):
    monkeypatch.setattr(jit, "_CHILD_CODE", "import sys; sys.exit('kernel exploded')")
    with pytest.raises(RuntimeError, match="exited with status 1: kernel exploded"):
        jit.run_child(tmp_path, ONE)


def test_a_cold_child_that_hit_the_cache_or_a_warm_one_that_missed_it_is_an_error():
    child = {"total_s": 1.0, "per_function": {"sweep": 1.0}, "cache_misses": 4}
    with pytest.raises(RuntimeError, match="cold child loaded 2 kernel"):
        _timed_from_child({**child, "cache_hits": 2}, cold=True)
    with pytest.raises(RuntimeError, match="warm child found nothing"):
        _timed_from_child({**child, "cache_hits": 0}, cold=False)
    timed = _timed_from_child({**child, "cache_hits": 0}, cold=True)
    assert timed == Timed(1.0, {"sweep": 1.0}, "numba cache hits 0, misses 4")


def test_compile_rows_in_a_suite_are_native_rows_with_per_function_notes():
    rows_in = [
        jit_workload("numba_compile", cold=True, functions=ONE, repeats=1),
        jit_workload("numba_cache_load", cold=False, functions=ONE, repeats=2),
    ]
    backends = {"reference": get_backend("reference"), "native": get_backend("native")}
    results = run_suite(rows_in, backends, sizes=[1.0, 4.0], repeats=5, warmup=1)
    rows = {r.workload: r for r in results.rows}
    assert [r.workload for r in results.rows] == ["numba_compile", "numba_cache_load"]
    for r in rows.values():
        assert r.ok and r.backend == r.ran_on == "native" and r.size == 1.0
        assert r.warmup_runs == 0 and r.first_call_s is None
        assert r.ops_per_s is None and r.speedup is None and r.median_s > 0
        assert r.note.startswith("rolling_stats ")
    cold, warm = rows["numba_compile"], rows["numba_cache_load"]
    assert (cold.runs, warm.runs) == (1, 2)
    assert "numba cache hits 0, misses " in cold.note
    assert warm.note.endswith("misses 0") and "hits 0," not in warm.note
    md = to_markdown(results)
    assert "| numba_compile | 1x | native | 1 | – |" in md  # lab.format.MISSING
    assert "| – | – | rolling_stats " in md  # no throughput, no speedup
    assert "empty numba cache" in md  # the data legend says which cache
    native = captions(results)["native"]
    assert "to compile with an empty numba cache" in native
    assert "to load from numba's on-disk cache" in native


def _fake_compile_row(values):
    it = iter(values)

    def call(workload, backend, request):
        s, a = next(it)
        return Timed(s, {"a": a, "b": s - a}, "fake cache") if s is not None else a

    return Workload(
        "numba_compile",
        "numba_compile",
        lambda m: Request((), {}, 0.0, "fake"),
        "fake",
        kind="jit",
        call=call,
        repeats=len(values),
        warmup=0,
    )


def test_the_runner_times_a_self_timed_row_by_what_it_reports_not_its_wall_time():
    w = _fake_compile_row([(10.0, 1.0), (30.0, 3.0), (20.0, 2.0)])
    results = run_suite([w], {"native": FakeBackend("native")}, repeats=50, warmup=3)
    [row] = results.rows
    assert row.runs == 3 and row.warmup_runs == 0
    assert (row.median_s, row.min_s) == (20.0, 10.0)
    assert row.note == "a 2.00 s, b 18.00 s; fake cache"
    text = to_text(results, max_note=10)
    assert "First calls per function" in text and "numba_compile: a 2.00 s, b 18.00 s" in text


@pytest.mark.parametrize(
    "bad, message", [((None, 1.5), "returned float, not Timed"), ((-1.0, 0.0), "reported -1.0 s")]
)
def test_a_self_timed_row_that_reports_no_valid_time_is_an_error_row(bad, message):
    w = _fake_compile_row(list(itertools.repeat(bad, 2)))
    [row] = run_suite([w], {"native": FakeBackend("native")}).rows
    assert row.status == "error" and row.median_s is None and message in row.error
