"""The start-up rows measure a fresh process and state the figure against its goal."""

from __future__ import annotations

import pytest

from lab.bench import startup
from lab.bench.runner import run_suite
from lab.bench.workloads import STARTUP_ROWS, WORKLOADS
from tests.bench.bench_fakes import FakeBackend


def test_startup_rows_are_self_timed_fixed_rows():
    assert STARTUP_ROWS == ("import_lab",)
    w = WORKLOADS["import_lab"]
    assert w.self_timed and w.fixed_size and w.fixed_backend == "native"


def test_import_lab_is_timed_in_a_fresh_process_and_loads_no_heavy_module():
    t = startup.import_lab()
    assert 0 < t.seconds < startup.CHILD_TIMEOUT_S
    assert t.detail.endswith("heavy modules loaded: none")
    assert f"{startup.IMPORT_LAB_LIMIT_S:g} s goal" in t.detail


def test_a_failing_child_is_an_error_with_its_message():
    with pytest.raises(RuntimeError, match="exited with status 1: .*ZeroDivisionError"):
        startup.run_python("1 / 0")


def test_the_row_runs_in_a_suite_with_its_note():
    results = run_suite(["import_lab"], {"native": FakeBackend("native")}, sizes=(1.0,), repeats=2)
    (row,) = results.rows
    assert row.ok and row.median_s > 0 and "goal" in row.note
