"""The benchmark runner: fallback labels, error rows, speedups, adaptive repeats, exports."""

from __future__ import annotations

import json
import threading

import pandas as pd
import pytest

from lab.bench.base import Request
from lab.bench.runner import BenchResults, Row, _extrapolate, engine_label, run_suite
from tests.bench.bench_fakes import FakeBackend, toy_workload


def _rows(results: BenchResults, **match) -> list[Row]:
    return [r for r in results.rows if all(getattr(r, k) == v for k, v in match.items())]


def test_engine_label_names_what_actually_ran():
    be = FakeBackend("grpc")
    assert engine_label(be) == "grpc"
    be.last_engine = "native"
    assert engine_label(be) == "grpc->native (fallback)"


def test_fallback_calls_get_their_own_row_never_counted_as_grpc():
    grpc = FakeBackend("grpc", fallback_after=4)  # warm-up + 3 timed calls on grpc, then down
    results = run_suite(
        [toy_workload()],
        {"reference": FakeBackend("reference"), "grpc": grpc},
        repeats=8,
        budget_s=10.0,
        min_repeats=8,
    )
    on_grpc = _rows(results, backend="grpc", ran_on="grpc")
    fell_back = _rows(results, backend="grpc", ran_on="grpc->native (fallback)")
    assert len(on_grpc) == 1 and len(fell_back) == 1
    assert on_grpc[0].runs == 3 and fell_back[0].runs == 5
    assert on_grpc[0].first_call_s is not None and fell_back[0].first_call_s is None
    assert "5 of 8 timed calls" in fell_back[0].note
    assert fell_back[0].fallback and not on_grpc[0].fallback
    # the speedup of a fallback row is its own time against reference, not grpc's
    ref = _rows(results, ran_on="reference")[0]
    assert fell_back[0].speedup == pytest.approx(ref.median_s / fell_back[0].median_s)


def test_a_backend_down_for_the_whole_row_is_labelled_fallback_only():
    grpc = FakeBackend("grpc", fallback_after=0)
    results = run_suite([toy_workload()], {"grpc": grpc}, repeats=3, budget_s=10.0)
    assert [r.ran_on for r in results.rows] == ["grpc->native (fallback)"]
    assert not _rows(results, ran_on="grpc")


def test_a_workload_that_raises_is_an_error_row_without_time():
    bad = FakeBackend("native", fail_on={3})  # fails during the timed calls
    results = run_suite(
        [toy_workload()],
        {"reference": FakeBackend("reference"), "native": bad},
        repeats=5,
        budget_s=10.0,
    )
    [row] = _rows(results, backend="native")
    assert row.status == "error"
    assert row.error == "ValueError: toy failed on call 3"
    assert row.median_s is None and row.p95_s is None and row.ops_per_s is None
    assert row.speedup is None
    assert _rows(results, backend="reference")[0].ok  # the other backend still measured
    assert results.errors() == [row]


def test_a_workload_whose_data_cannot_be_built_errors_on_every_backend():
    def broken(m: float) -> Request:
        raise RuntimeError("no data")

    results = run_suite(
        [toy_workload("broken", make=broken), toy_workload()],
        {"reference": FakeBackend("reference"), "native": FakeBackend("native")},
        repeats=2,
    )
    broken_rows = _rows(results, workload="broken")
    assert [r.status for r in broken_rows] == ["error", "error"]
    assert all("RuntimeError: no data" in r.error for r in broken_rows)
    assert all(r.ok for r in _rows(results, workload="toy"))


def test_speedup_is_reference_median_over_median_for_the_same_workload_and_size():
    results = run_suite(
        [toy_workload("a"), toy_workload("b")],
        {"native": FakeBackend("native"), "reference": FakeBackend("reference")},
        sizes=[1.0, 2.0],
        repeats=3,
    )
    assert results.rows[0].backend == "reference"  # reference is measured first
    for row in results.rows:
        [ref] = _rows(results, workload=row.workload, size=row.size, ran_on="reference")
        assert row.speedup == ref.median_s / row.median_s
    refs = _rows(results, ran_on="reference")
    assert all(r.speedup == 1.0 for r in refs)
    # no reference row at a size -> no speedup there
    ref_fails = FakeBackend("reference", fail_on={1})
    results = run_suite(
        [toy_workload()], {"reference": ref_fails, "native": FakeBackend("native")}, repeats=2
    )
    assert _rows(results, backend="native")[0].speedup is None


def test_warm_up_is_reported_apart_and_slow_calls_may_get_one_timed_run():
    slow = FakeBackend("reference", sleep=0.03)
    results = run_suite(
        [toy_workload()],
        {"reference": slow},
        repeats=10,
        warmup=2,
        slow_call_s=0.01,
        budget_s=0.001,
        min_repeats=3,
    )
    [row] = results.rows
    assert row.warmup_runs == 2 and row.runs == 1 and slow.calls == 3
    assert row.first_call_s >= 0.03
    # a call below slow_call_s keeps the floor of min_repeats
    results = run_suite(
        [toy_workload()],
        {"reference": FakeBackend("reference", sleep=0.03)},
        repeats=10,
        slow_call_s=1.0,
        budget_s=0.001,
        min_repeats=3,
    )
    assert results.rows[0].runs == 3


def test_repeats_follow_the_time_budget_within_bounds():
    fast = FakeBackend("native")
    results = run_suite([toy_workload()], {"native": fast}, repeats=7, budget_s=100.0)
    assert results.rows[0].runs == 7  # budget allows more: capped at repeats
    slowish = FakeBackend("native", sleep=0.02)
    results = run_suite(
        [toy_workload()], {"native": slowish}, repeats=50, budget_s=0.001, min_repeats=2
    )
    assert results.rows[0].runs == 2  # budget allows fewer: raised to min_repeats


def test_rows_extrapolated_beyond_the_cap_are_skipped_not_timed():
    slow = FakeBackend("reference", sleep=0.02)
    results = run_suite(
        [toy_workload()], {"reference": slow}, sizes=[1.0, 100.0], repeats=2, max_call_s=1.0
    )
    big = _rows(results, size=100.0)[0]
    assert big.status == "skipped" and big.median_s is None
    assert "exceeds the 1 s cap" in big.note
    assert slow.calls == 3  # only the 1x row ran (1 warm-up + 2 timed)


def test_cancel_stops_the_suite_and_keeps_finished_rows():
    cancel = threading.Event()

    def progress(done: int, total: int, label: str) -> None:
        if done == 1:
            cancel.set()

    results = run_suite(
        [toy_workload("a"), toy_workload("b")],
        {"native": FakeBackend("native")},
        repeats=2,
        progress=progress,
        cancel=cancel,
    )
    assert results.cancelled
    assert [r.workload for r in results.rows] == ["a"]


def test_progress_reports_every_unit():
    seen = []
    run_suite(
        [toy_workload()],
        {"reference": FakeBackend("reference"), "native": FakeBackend("native")},
        sizes=[1, 2],
        repeats=1,
        progress=lambda d, t, label: seen.append((d, t, label)),
    )
    assert [s[:2] for s in seen] == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert seen[0][2] == "toy x1 on reference"


def test_bad_settings_raise_value_errors():
    be = {"native": FakeBackend("native")}
    with pytest.raises(ValueError, match="repeats"):
        run_suite([toy_workload()], be, repeats=0)
    with pytest.raises(ValueError, match="sizes"):
        run_suite([toy_workload()], be, sizes=[0])
    with pytest.raises(ValueError, match="backends"):
        run_suite([toy_workload()], {})
    with pytest.raises(ValueError, match="unknown workload"):
        run_suite(["nope"], be)


def test_results_export_json_and_csv_with_machine_and_versions(tmp_path):
    results = run_suite(
        [toy_workload()],
        {"reference": FakeBackend("reference"), "native": FakeBackend("native", fail_on={1})},
        repeats=2,
        suite="unit",
    )
    text = results.to_json(tmp_path / "r.json")
    data = json.loads(text)
    assert data["suite"] == "unit"
    assert data["machine"]["usable_cores"] >= 1
    assert data["machine"]["blas_threads"] >= 1
    assert data["versions"]["numpy"]
    back = BenchResults.from_json(tmp_path / "r.json")
    assert back.rows == results.rows
    results.to_csv(tmp_path / "r.csv")
    frame = pd.read_csv(tmp_path / "r.csv")
    assert list(frame["ran_on"]) == ["reference", "native"]
    assert list(frame["status"]) == ["ok", "error"]
    assert frame["median_s"].isna().tolist() == [False, True]
    assert (frame["cores"] >= 1).all() and frame["cpu"].notna().all()


def test_extrapolation_is_linear_from_one_size_and_a_power_law_from_two():
    assert _extrapolate([], 4.0) is None
    assert _extrapolate([(4.0, 1.0)], 2.0) is None  # only larger sizes measured
    assert _extrapolate([(1.0, 2.0)], 4.0) == 8.0
    assert _extrapolate([(1.0, 1.0), (2.0, 8.0)], 4.0) == pytest.approx(64.0)  # t ~ size^3
    assert _extrapolate([(1.0, 1.0), (2.0, 1.0)], 4.0) == pytest.approx(2.0)  # k floored at 1
    assert _extrapolate([(1.0, 1.0), (2.0, 100.0)], 4.0) == pytest.approx(800.0)  # k capped at 3
