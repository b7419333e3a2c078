"""The Benchmark page, headless: its model runs a small suite through the runner and the page
shows its rows (the model itself: tests/models/test_benchmark_model.py)."""

from __future__ import annotations

import holoviews as hv
import numpy as np
import pytest

from components.benchmark import FALLBACK_COLOR, BenchmarkView, engine_color
from lab.models import BackendModel


@pytest.fixture
def view():
    v = BenchmarkView()
    v.model.param.update(
        workloads=["correlation", "rolling_stats"],
        sizes=[1.0, 0.25],
        backends=["native", "reference"],
        repeats=2,
        budget_s=0.01,
    )
    return v


def test_the_page_runs_a_small_suite_and_shows_table_plots_and_captions(view):
    results = view.model.run()
    m = view.model
    assert view.results is m.results is results and not m.running and m.progress == 100
    assert m.message.startswith("done: 8 rows")
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

    assert m.latency_workload == "correlation"
    latency = view.latency_plot()
    assert set(latency.keys()) == {"native", "reference"}
    curve = latency["native"].get(0)
    np.testing.assert_allclose(curve.dframe()["size"], [0.25, 1.0])
    m.latency_workload = "rolling_stats"
    assert "rolling_stats" in view.latency_plot().opts.get().kwargs["title"]

    caps = m.captions()
    assert caps["native"].startswith("native: median ") and "reference" in caps
    assert "Measured on" in view._captions_html(results)
    root = view.__panel__().get_root()  # the whole page builds its Bokeh models
    assert root is not None


def test_rows_served_by_fallback_are_labelled_and_coloured_as_such():
    model = BackendModel(grpc_address="127.0.0.1:9")  # nothing listens there
    view = BenchmarkView(backend_model=model)
    view.model.param.update(
        workloads=["rolling_stats"],
        sizes=[0.25],
        backends=["reference", "grpc"],
        repeats=1,
        budget_s=0.01,
    )
    results = view.model.run()
    assert [r.ran_on for r in results.rows] == ["reference", "grpc->native (fallback)"]
    assert "grpc->native (fallback)" in list(view._table.value["ran on"])
    assert engine_color("grpc->native (fallback)") == FALLBACK_COLOR != engine_color("grpc")
    assert "not counted as grpc" in view.model.captions()["grpc"]
    assert "ran on a fallback engine" in view._captions_html(results)


def test_the_page_only_binds_its_widgets_to_the_model(view):
    """Widgets write the model's parameters; the table follows the model's rows as they
    finish; Run and Cancel call the model."""
    import panel as pn

    from lab.models.benchmark import BenchmarkModel

    assert isinstance(view.model, BenchmarkModel)
    assert not {"workloads", "running", "results", "rows"} & set(view.param)
    page = view.__panel__()
    sliders = [w for w in page.select(pn.widgets.IntSlider) if w.name.startswith("Repeats")]
    assert len(sliders) == 1
    sliders[0].value = 3
    assert view.model.repeats == 3
    seen: list[int] = []
    view.model.param.watch(lambda e: seen.append(len(view._table.value)), "rows")
    view._run_button.clicks += 1  # starts the model's worker thread
    view.model._thread.join(60)
    assert not view.model.running and view.model.error == ""
    assert seen == list(range(1, 9))  # the table grew by one row as each row finished
    assert len(view._table.value) == 8
    assert view._bar.value == 100
