"""The Benchmark page, headless: it runs a small suite through the runner and shows its rows."""

from __future__ import annotations

import holoviews as hv
import numpy as np
import pytest

from components.benchmark import FALLBACK_COLOR, BenchmarkView, engine_color
from lab.models import BackendModel


@pytest.fixture
def view():
    v = BenchmarkView()
    v.param.update(
        workloads=["correlation", "rolling_stats"],
        sizes=[1.0, 0.25],
        backends=["native", "reference"],
        repeats=2,
        budget_s=0.01,
    )
    return v


def test_the_page_runs_a_small_suite_and_shows_table_plots_and_captions(view):
    results = view.run()
    assert view.results is results and not view.running and view.progress == 100
    assert view.message.startswith("done: 8 rows")
    assert [(r.workload, r.size, r.ran_on) for r in results.rows][:2] == [
        ("correlation", 0.25, "reference"),
        ("correlation", 0.25, "native"),
    ]
    assert all(r.ok for r in results.rows)

    table = view._table.value
    assert len(table) == 8 and list(table["ran on"]).count("native") == 4
    np.testing.assert_allclose(table["vs reference"], [r.speedup for r in results.rows])
    np.testing.assert_allclose(table["median ms"], [r.median_s * 1e3 for r in results.rows])

    speed = view.speedup_plot()
    bars = speed.get(0) if isinstance(speed, hv.Overlay) else speed
    assert isinstance(bars, hv.Segments)
    assert sorted(bars.dframe()["engine"]) == ["native"] * 4  # reference is the 1x line
    native_speedups = sorted(r.speedup for r in results.rows if r.ran_on == "native")
    np.testing.assert_allclose(sorted(bars.dframe()["speedup"]), native_speedups)
    assert bars.opts.get().kwargs["logx"] is True

    assert view.latency_workload == "correlation"
    latency = view.latency_plot()
    assert set(latency.keys()) == {"native", "reference"}
    curve = latency["native"].get(0)
    np.testing.assert_allclose(curve.dframe()["size"], [0.25, 1.0])
    view.latency_workload = "rolling_stats"
    assert "rolling_stats" in view.latency_plot().opts.get().kwargs["title"]

    caps = view.captions()
    assert caps["native"].startswith("native: median ") and "reference" in caps
    assert "Measured on" in view._captions_html(results)
    root = view.__panel__().get_root()  # the whole page builds its Bokeh models
    assert root is not None


def test_run_in_a_thread_and_cancel_keeps_the_finished_rows(view):
    original = view._on_progress

    def progress(done: int, total: int, label: str) -> None:
        original(done, total, label)
        if done == 1:
            view.cancel()

    view._on_progress = progress
    thread = view.start()
    thread.join(60)
    assert not thread.is_alive() and not view.running
    assert view.results.cancelled and len(view.results.rows) == 1
    assert view.message.startswith("cancelled")
    with pytest.raises(ValueError, match="at least one"):
        view.backends = []
        view.run()


def test_rows_served_by_fallback_are_labelled_and_coloured_as_such():
    model = BackendModel(grpc_address="127.0.0.1:9")  # nothing listens there
    view = BenchmarkView(backend_model=model)
    view.param.update(
        workloads=["rolling_stats"],
        sizes=[0.25],
        backends=["reference", "grpc"],
        repeats=1,
        budget_s=0.01,
    )
    results = view.run()
    assert [r.ran_on for r in results.rows] == ["reference", "grpc->native (fallback)"]
    assert "grpc->native (fallback)" in list(view._table.value["ran on"])
    assert engine_color("grpc->native (fallback)") == FALLBACK_COLOR != engine_color("grpc")
    assert "not counted as grpc" in view.captions()["grpc"]
    assert "ran on a fallback engine" in view._captions_html(results)
