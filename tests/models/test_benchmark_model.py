"""BenchmarkModel headless: a tiny suite runs (blocking and in a worker thread), results arrive
as parameters, cancel keeps the finished rows, and failures are reported."""

from __future__ import annotations

import pytest

from lab.bench.runner import ERROR
from lab.models.benchmark import BenchmarkModel


@pytest.fixture
def model() -> BenchmarkModel:
    m = BenchmarkModel()
    m.param.update(
        workloads=["correlation", "rolling_stats"],
        sizes=[0.25],
        backends=["reference", "native"],
        repeats=2,
        budget_s=0.01,
    )
    return m


def test_a_run_in_the_worker_thread_publishes_rows_and_results(model):
    events: list[tuple[str, object]] = []
    model.param.watch(
        lambda *es: events.extend((e.name, e.new) for e in es), ["rows", "running", "results"]
    )
    thread = model.start()
    thread.join(120)
    assert not thread.is_alive()
    results = model.results
    assert results is not None and not results.cancelled and model.error == ""
    assert [(r.workload, r.ran_on) for r in results.rows] == [
        ("correlation", "reference"),
        ("correlation", "native"),
        ("rolling_stats", "reference"),
        ("rolling_stats", "native"),
    ]
    assert all(r.ok and r.median_s > 0 for r in results.rows)
    # rows arrived one at a time, before the results, and running went True then False
    row_counts = [len(v) for k, v in events if k == "rows" and v]
    assert row_counts == [1, 2, 3, 4]
    assert [v for k, v in events if k == "running"] == [True, False]
    assert [k for k, _ in events].index("results") > max(
        i for i, (k, _) in enumerate(events) if k == "rows"
    )
    assert (model.progress, model.running) == (100, False)
    assert model.message.startswith("done: 4 rows")
    assert model.latency_workload == "correlation"
    assert len(model.frame()) == 4 and set(model.captions()) == {"native", "reference"}
    assert model.machine().startswith("Measured on ")


def test_cancel_keeps_the_finished_rows(model):
    model.param.watch(lambda e: model.cancel(), "rows")  # cancel once the first row is in
    model.start().join(120)
    assert model.results.cancelled and len(model.results.rows) == 1
    assert model.message.startswith("cancelled") and not model.running
    assert model.progress < 100


def test_a_second_start_while_running_is_refused(model):
    model.param.update(workloads=["correlation"], budget_s=0.5, repeats=50)
    thread = model.start()
    try:
        with pytest.raises(RuntimeError, match="already running"):
            model.start()
    finally:
        model.cancel()
        thread.join(120)


def test_errors_are_reported(model, monkeypatch):
    with pytest.raises(ValueError, match="at least one workload, one size and one backend"):
        model.backends = []
        model.run()
    model.backends = ["native"]

    # a backend that cannot be set up: its rows are errors carrying the reason
    def broken(name: str):
        raise ConnectionError(f"{name} is down")

    monkeypatch.setattr(model, "backend", broken)
    results = model.run()
    assert [r.status for r in results.rows] == [ERROR, ERROR]
    assert all("native is down" in r.error for r in results.rows)
    assert model.error == ""

    # the runner itself failing: the worker thread reports it, nothing is raised at the caller
    def fail(*args, **kwargs):
        raise RuntimeError("runner broke")

    monkeypatch.setattr("lab.models.benchmark.run_suite", fail)
    model.start().join(60)
    assert model.error == "RuntimeError: runner broke"
    assert model.message == "failed: RuntimeError: runner broke" and not model.running
    assert model.results is results  # the last finished run is kept
