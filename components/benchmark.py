"""The Benchmark page: the same workload on every backend, speedups plotted honestly.

The page only presents: its widgets choose the workloads, sizes, backends and repeats of a
:class:`~lab.models.benchmark.BenchmarkModel`, which runs the suite through
:func:`lab.bench.runner.run_suite` (the same runner as ``arblab bench``) in a worker thread, so
the event loop and other sessions stay responsive. It shows

- speedup bars against ``reference`` per workload and engine, on a log axis with 1x marked;
- latency against size per engine (log-log), where the crossover at which transport outweighs
  compute becomes visible;
- the table, with error rows and fallback rows labelled as the runner labelled them;
- one caption per backend derived from the measured rows (:func:`lab.bench.report.captions`).
"""

from __future__ import annotations

from typing import Any

import holoviews as hv
import numpy as np
import pandas as pd
import panel as pn
import param

from components import theme
from components._reactive import ErrorBar
from components.export import download_button
from components.layout import page, panel_card, section
from lab.bench.machine import describe
from lab.bench.runner import ERROR, REFERENCE, BenchResults
from lab.bench.workloads import WORKLOADS
from lab.format import fmt_time
from lab.models import BackendModel
from lab.models.benchmark import SIZES, BenchmarkModel

ENGINE_COLORS = {
    "reference": "#94a3b8",
    "native": "#22c55e",
    "grpc": "#0ea5e9",
    "dask": "#a855f7",
}
FALLBACK_COLOR = "#f59e0b"


def engine_color(label: str) -> str:
    """Colour of an engine label; every fallback label gets the warning colour."""
    return ENGINE_COLORS.get(label, FALLBACK_COLOR)


def speedup_plot(frame: pd.DataFrame) -> hv.Overlay:
    """Horizontal bars of speedup against reference, drawn from the 1x line on a log axis.

    One bar per (workload at size, engine): right of the dashed 1x line is faster than
    reference, left is slower. Reference itself is the line, not a bar. Fallback rows keep
    their own label (``grpc->native (fallback)``) and the warning colour.
    """
    cols = ["one", "case", "speedup", "engine", "median_ms"]
    data = pd.DataFrame({c: [] for c in cols})
    if len(frame):
        ok = frame[
            (frame["status"] == "ok") & frame["speedup"].notna() & (frame["ran_on"] != REFERENCE)
        ]
        if len(ok):
            data = pd.DataFrame(
                {
                    "one": 1.0,
                    "case": [
                        f"{w} {s:g}x \u00b7 {e}"
                        for w, s, e in zip(ok["workload"], ok["size"], ok["ran_on"], strict=True)
                    ],
                    "speedup": ok["speedup"].astype(float).to_numpy(),
                    "engine": ok["ran_on"].to_numpy(),
                    "median_ms": ok["median_s"].astype(float).to_numpy() * 1e3,
                }
            )
    values = np.concatenate([data["speedup"].to_numpy(dtype=float), [1.0]])
    xlim = (float(values.min()) / 2.0, float(values.max()) * 2.0)
    kdims = ["one", "case", "speedup", "case"]
    engines = list(dict.fromkeys(data["engine"]))
    height = max(theme.PLOT_HEIGHT, 60 + 26 * len(data))
    bars = hv.Segments(data, kdims=kdims, vdims=["engine", "median_ms"]).opts(
        color="engine",
        cmap={e: engine_color(e) for e in engines} or ENGINE_COLORS,
        line_width=14,
        logx=True,
        xlim=xlim,
        invert_yaxis=True,
        tools=["hover"],
        xlabel="speedup vs reference (x, log scale; right of the line is faster)",
        ylabel="",
    )
    one = hv.VLine(1.0).opts(color="#ef4444", line_dash="dashed", line_width=1.5)
    return (bars * one).opts(
        title="Speedup against reference (dashed line: 1x)", height=height, responsive=True
    )


def latency_plot(frame: pd.DataFrame, workload: str | None) -> hv.Overlay:
    """Median call time against size multiplier, one line per engine, log-log."""
    curves: dict[str, hv.Overlay] = {}
    if len(frame) and workload:
        sub = frame[
            (frame["workload"] == workload) & (frame["status"] == "ok") & frame["median_s"].notna()
        ]
        for label, g in sub.groupby("ran_on", sort=False):
            g = g.sort_values("size")
            pts = (
                g[["size", "median_s", "p95_s", "runs"]]
                .astype(float)
                .assign(median_ms=lambda d: d["median_s"] * 1e3)
            )
            color = engine_color(str(label))
            curves[str(label)] = hv.Curve(pts, "size", ["median_ms", "p95_s", "runs"]).opts(
                color=color
            ) * hv.Scatter(pts, "size", ["median_ms", "p95_s", "runs"]).opts(color=color, size=7)
    title = f"Latency against size: {workload}" if workload else "Latency against size"
    overlay = (
        hv.NdOverlay(curves, kdims=["engine"])
        if curves
        else hv.NdOverlay({"none": hv.Curve([], "size", "median_ms")}, kdims=["engine"])
    )
    return overlay.opts(
        hv.opts.Curve(
            logx=True, logy=True, xlabel="size (x default)", ylabel="median call time (ms)"
        ),
        hv.opts.NdOverlay(
            title=title, legend_position="top_left", height=theme.PLOT_HEIGHT + 40, responsive=True
        ),
    )


TABLE_COLUMNS = {
    "workload": "workload",
    "size": "size",
    "ran_on": "ran on",
    "status": "status",
    "runs": "runs",
    "first_call_ms": "first call ms",
    "median_ms": "median ms",
    "p95_ms": "p95 ms",
    "ops_per_s": "throughput /s",
    "unit": "unit",
    "speedup": "vs reference",
    "message": "note / error",
    "shape": "data",
}


def table_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The results table in milliseconds, with the error or note in one column."""
    if not len(frame):
        return pd.DataFrame(columns=list(TABLE_COLUMNS.values()))
    out = pd.DataFrame(
        {
            "workload": frame["workload"],
            "size": frame["size"].astype(float),
            "ran_on": frame["ran_on"],
            "status": frame["status"],
            "runs": frame["runs"].astype(int),
            "first_call_ms": frame["first_call_s"].astype(float) * 1e3,
            "median_ms": frame["median_s"].astype(float) * 1e3,
            "p95_ms": frame["p95_s"].astype(float) * 1e3,
            "ops_per_s": frame["ops_per_s"].astype(float),
            "unit": frame["unit"],
            "speedup": frame["speedup"].astype(float),
            "message": np.where(frame["status"] == ERROR, frame["error"], frame["note"]),
            "shape": frame["shape"],
        }
    )
    return out.rename(columns=TABLE_COLUMNS).reset_index(drop=True)


class BenchmarkView(pn.viewable.Viewer):
    """The Benchmark page: widgets bound to a :class:`~lab.models.benchmark.BenchmarkModel`
    (which holds the choices, the worker thread, progress and results) and the plots of what
    actually ran.

    Parameters
    ----------
    model : BenchmarkModel, optional
        The run's state; a fresh one (at ``backend_model``'s addresses) when omitted.
    backend_model : BackendModel, optional
        The session's backend choice, for a fresh model.
    """

    model = param.ClassSelector(class_=BenchmarkModel, doc="The benchmark run's state.")

    def __init__(self, backend_model: BackendModel | None = None, **params: Any) -> None:
        if params.get("model") is None:
            params["model"] = BenchmarkModel(backend_model=backend_model)
        super().__init__(**params)
        theme.setup()
        self._build()

    @property
    def results(self) -> BenchResults | None:
        """The model's last finished run (the report button reads it)."""
        return self.model.results

    # ---------------------------------------------------------------- plots of the model
    @param.depends("model.results")
    def speedup_plot(self) -> hv.Overlay:
        return speedup_plot(self.model.frame())

    @param.depends("model.results", "model.latency_workload")
    def latency_plot(self) -> hv.Overlay:
        return latency_plot(self.model.frame(), self.model.latency_workload)

    # ---------------------------------------------------------------- layout
    def _build(self) -> None:
        m = self.model
        self._run_button = pn.widgets.Button(
            label="Run", color="primary", sizing_mode="stretch_width", disabled=m.param.running,
            description="Time the chosen workloads on every chosen backend (seconds per call, "
            "median of the repeats); other sessions keep working meanwhile.",
        )  # fmt: skip
        self._cancel_button = pn.widgets.Button(
            label="Cancel",
            color="warning",
            description="Stop the running benchmark after its current call; finished rows are kept.",
            sizing_mode="stretch_width",
            disabled=m.param.running.rx.not_(),
        )
        self._run_button.on_click(lambda _: m.start())
        self._cancel_button.on_click(lambda _: m.cancel())
        self._bar = pn.indicators.Progress(
            value=m.param.progress.rx(),
            max=100,
            sizing_mode="stretch_width",
            bar_color="primary",
        )
        self._status = pn.pane.Markdown(
            m.param.message.rx(), sizing_mode="stretch_width", margin=(0, 10)
        )
        self.export_errors = ErrorBar()
        self._table = pn.widgets.Tabulator(
            table_frame(m.frame()),
            disabled=True,
            sizing_mode="stretch_width",
            layout="fit_data_table",
            show_index=False,
            theme="fast",
            height=360,
            formatters=self._formatters(),
            css_classes=["arb-bench-table"],
        )
        # rows appear in the table as they finish; plots and captions follow at the end
        m.param.watch(self._update_table, ["rows", "results"])
        # re-rendered whole on each run: the categories and the plot height change with the rows
        self._speedup = pn.panel(self.speedup_plot, sizing_mode="stretch_width")
        self._latency = pn.panel(self.latency_plot, sizing_mode="stretch_width")
        self._captions = theme.html(
            pn.bind(self._captions_html, m.param.results), css_classes=["arb-bench-captions"]
        )

    @staticmethod
    def _formatters() -> dict[str, Any]:
        from bokeh.models.widgets.tables import NumberFormatter

        three = NumberFormatter(format="0.000", text_align="right")
        return {
            "first call ms": three,
            "median ms": three,
            "p95 ms": three,
            "throughput /s": NumberFormatter(format="0,0.0", text_align="right"),
            "vs reference": NumberFormatter(format="0.00", text_align="right"),
            "size": NumberFormatter(format="0.[00]", text_align="right"),
        }

    def _update_table(self, *_: Any) -> None:
        self._table.value = table_frame(self.model.frame())

    def _captions_html(self, results: BenchResults | None) -> str:
        import html

        if results is None:
            return (
                '<div class="arb-note">Choose workloads, sizes and backends, then press Run.</div>'
            )
        items = "".join(f"<li>{html.escape(c)}</li>" for c in self.model.captions().values())
        machine = html.escape(describe(results.machine))
        fallback = sum(r.fallback and r.ok for r in results.rows)
        errors = sum(r.status == ERROR for r in results.rows)
        flags = []
        if fallback:
            flags.append(f"{fallback} row(s) ran on a fallback engine and are labelled so")
        if errors:
            flags.append(f"{errors} row(s) failed; their error is in the table")
        extra = f"<div class='arb-note'>{html.escape('; '.join(flags))}.</div>" if flags else ""
        ref = sum(r.ran_on == REFERENCE and r.ok for r in results.rows)
        note = (
            "" if ref else "<div class='arb-note'>No reference rows: speedups need reference.</div>"
        )
        return f"<ul class='arb-captions'>{items}</ul>{extra}{note}<div class='arb-note'>Measured on {machine}; median of timed calls after a warm-up ({fmt_time(results.elapsed_s)} in total).</div>"

    def __panel__(self) -> pn.viewable.Viewable:
        m = self.model
        controls = [
            section("Workloads"),
            pn.widgets.MultiChoice.from_param(
                m.param.workloads, label="", sizing_mode="stretch_width"
            ),
            section("Sizes and backends"),
            pn.widgets.CheckButtonGroup.from_param(
                m.param.sizes,
                label="",
                color="primary",
                variant="outline",
                sizing_mode="stretch_width",
            ),
            pn.widgets.CheckButtonGroup.from_param(
                m.param.backends,
                label="",
                color="primary",
                variant="outline",
                sizing_mode="stretch_width",
            ),
            pn.widgets.IntSlider.from_param(m.param.repeats, sizing_mode="stretch_width"),
            pn.widgets.FloatSlider.from_param(
                m.param.budget_s,
                start=0.1,
                end=10,
                step=0.1,
                sizing_mode="stretch_width",
            ),
            pn.Row(self._run_button, self._cancel_button, sizing_mode="stretch_width"),
            self._bar,
            self._status,
            section("Export"),
            download_button(
                "benchmark", lambda: table_frame(m.frame()), "csv", lambda: (), self.export_errors
            ),
            self.export_errors,
        ]
        body = [
            self._captions,
            pn.Row(
                panel_card("Speedup", self._speedup),
                panel_card(
                    "Latency",
                    pn.widgets.Select.from_param(
                        m.param.latency_workload, label="workload", width=220
                    ),
                    self._latency,
                ),
                sizing_mode="stretch_width",
            ),
            panel_card("Results", self._table),
        ]
        intro = (
            "The same named workloads on each backend, measured by the runner behind "
            "<code>arblab bench</code>. Rows served by a fallback are labelled with the engine "
            "that actually ran; failed runs are error rows, never times."
        )
        return page("Benchmark", controls, body, intro=intro, css_class="arb-benchmark")


__all__ = ["SIZES", "WORKLOADS", "BenchmarkView", "latency_plot", "speedup_plot", "table_frame"]
