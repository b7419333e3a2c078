"""The Pairs page: the pair-scan heatmap and the ranked table; a click selects the pair."""

from __future__ import annotations

import html
from typing import Any

import holoviews as hv
import numpy as np
import pandas as pd
import panel as pn
import param

from components import format as fmt
from components import theme
from components._reactive import UNLINKED, ErrorBar, bind, dmap
from components.export import download_button
from components.layout import page, panel_card, section, tabulator
from components.progress import WorkProgress
from lab.models.pair import PairModel
from lab.models.scan import ScanModel
from lab.plots import pairs as pairs_plots

RANKED_COLUMNS = {
    "statistic": "EG stat",
    "pvalue": "p-value",
    "qvalue": "q-value",
    "hedge_ratio": "β (log)",
    "half_life": "half-life (d)",
}
RANKED_FORMATS = {
    "EG stat": "0.000",
    "p-value": "0.0000",
    "q-value": "0.0000",
    "β (log)": "0.000",
    "half-life (d)": "0.0",
}

RANKED_FILTERS = {
    "y": {"type": "input", "func": "like", "placeholder": "symbol"},
    "x": {"type": "input", "func": "like", "placeholder": "symbol"},
    "p-value": {"type": "number", "func": "<=", "placeholder": "≤"},
    "q-value": {"type": "number", "func": "<=", "placeholder": "≤"},
    "half-life (d)": {"type": "number", "func": "<=", "placeholder": "≤ days"},
}
"""Header filters of the ranked table: symbols by substring, p/q-values and half-life at most."""


class PairScanView(pn.viewable.Viewer):
    """Scan every pair for cointegration; click a heatmap cell or a table row to pick a pair.

    Parameters
    ----------
    model : ScanModel
    pair : PairModel, optional
        Receives the selected pair (``y``, ``x``); a fresh model on the scan's dataset and
        backend when omitted.
    on_select : callable, optional
        ``on_select(y, x)`` called instead of setting ``pair`` directly (the app uses it to
        open the Mean reversion page).
    """

    model = param.ClassSelector(class_=ScanModel, doc="The pair scan.")
    pair = param.ClassSelector(class_=PairModel, doc="The pair the selection goes to.")
    on_select = param.Callable(
        default=None, allow_None=True, doc="on_select(y, x) replaces the default selection action."
    )

    def __init__(self, **params: Any) -> None:
        if params.get("model") is None:
            params["model"] = ScanModel()
        if params.get("pair") is None:
            params["pair"] = PairModel(
                dataset=params["model"].dataset, backend=params["model"].backend
            )
        super().__init__(**params)
        theme.setup()
        m = self.model
        self.errors = ErrorBar()
        value = pn.widgets.RadioButtonGroup.from_param(
            m.param.value, options={"p-value": "pvalue", "q-value (BH)": "qvalue"},
            sizing_mode="stretch_width", color="primary", variant="outline",
        )  # fmt: skip
        trend = pn.widgets.Select.from_param(
            m.param.trend, label="Deterministic terms",
            options={"constant": "c", "constant + trend": "ct", "constant + quadratic trend": "ctt", "none": "n"},
            sizing_mode="stretch_width",
        )  # fmt: skip
        alpha = pn.widgets.FloatSlider.from_param(
            m.param.alpha,
            label="FDR level α (q-value)",
            step=0.005,
            throttled=True,
            sizing_mode="stretch_width",
        )
        self._selected = theme.html(self._selected_html(), margin=(6, 10))
        self.pair.param.watch(
            lambda *_: self._selected.param.update(object=self._selected_html()), ["y", "x"]
        )
        open_btn = pn.widgets.Button(
            label="Backtest the selected pair →", color="primary", sizing_mode="stretch_width",
            description="Open Mean reversion on the pair chosen here (y, x as selected).",
        )  # fmt: skip
        open_btn.on_click(lambda _: self.select(self.pair.y, self.pair.x, force=True))
        controls = [
            section("Heatmap shows"), value, trend, alpha,
            section("Selected pair"), self._selected, open_btn,
            section("Export the ranked pairs"), *self._export_buttons(),
            theme.html('<div class="arb-note">Engle-Granger test of log y on log x for every pair '
                       "(y = row, x = column in the scan order), Benjamini-Hochberg q-values over all "
                       "pairs, AR(1) half-life of the residual spread in days.</div>", margin=(6, 10)),
        ]  # fmt: skip
        self._heat_pane = pn.pane.HoloViews(
            None,
            sizing_mode="stretch_width",
            min_width=440,
            css_classes=["arb-scan-heatmap"],
            **UNLINKED,
        )
        heat = dmap(
            self._heatmap,
            m.matrix,
            errors=self.errors,
            extra=[(m, ["value"])],
            name="scan",
            busy=self._heat_pane,
        )
        self._heat_pane.object = heat
        self._tap = hv.streams.Tap(source=heat, x=None, y=None)
        self._tap.add_subscriber(self._on_tap)
        kpis = theme.html(bind(self._kpis, m.ranked, errors=self.errors, extra=[(m, ["alpha"])]))
        self.table = pn.panel(
            bind(self._table, m.ranked, errors=self.errors), sizing_mode="stretch_width"
        )
        self.progress = WorkProgress(work=m.work)
        body = [
            self.errors,
            self.progress,
            kpis,
            pn.FlexBox(
                panel_card("Cointegration heatmap: click a cell to pick the pair", self._heat_pane,
                           min_width=480, styles={"flex": "1 1 480px"}),
                panel_card("Ranked pairs: click a row", self.table, width=680, sizing_mode=None),
                flex_wrap="wrap", sizing_mode="stretch_width",
            ),
        ]  # fmt: skip
        self._layout = page(
            "Pairs",
            controls,
            body,
            intro="All N(N−1)/2 pairs tested for cointegration on the selected backend. Low p/q-values "
            "(dark cells) are candidates; the q-value controls the false-discovery rate across all pairs.",
            css_class="arb-page-pairs",
        )

    # -- selection --------------------------------------------------------------------------
    def select(self, y: str, x: str, force: bool = False) -> None:
        """Send the pair (y, x) to the pair model (or to ``on_select``)."""
        if not y or not x or y == x:
            return
        if self.on_select is not None:
            self.on_select(y, x)
        elif force or (y, x) != (self.pair.y, self.pair.x):
            self.pair.param.update(y=y, x=x)

    def _export_buttons(self) -> list[pn.widgets.FileDownload]:
        """CSV and Parquet downloads of the ranked pairs (:meth:`ScanModel.scan_table`)."""
        m = self.model

        def name_parts() -> tuple[str, ...]:
            return (f"{len(m.dataset.prices.columns)}-symbols", f"trend-{m.trend}")

        self.exports = {
            fmt: download_button("pair-scan", m.scan_table, fmt, name_parts, self.errors)
            for fmt in ("csv", "parquet")
        }
        return list(self.exports.values())

    def _selected_html(self) -> str:
        y, x = html.escape(str(self.pair.y)), html.escape(str(self.pair.x))
        return f'<div class="arb-kpis"><div class="arb-kpi"><div class="label">y / x</div><div class="value" data-pair="{y}/{x}">{y} / {x}</div></div></div>'

    def _on_tap(self, x: Any = None, y: Any = None) -> None:
        if x is None or y is None:
            return
        self.select(str(y), str(x))

    def _on_row(self, event: Any) -> None:
        table = event.obj
        if event.new:
            row = table.value.iloc[event.new[0]]
            self.select(str(row["y"]), str(row["x"]))

    # -- renderers --------------------------------------------------------------------------
    def _heatmap(self, matrix: pd.DataFrame | None, value: str) -> hv.HeatMap:
        return pairs_plots.heatmap(matrix, value)  # the builder lives in lab.plots.pairs

    def _kpis(self, ranked: pd.DataFrame | None, alpha: float) -> str:
        if ranked is None:
            return ""
        best = ranked.iloc[0]
        n_sig = int((ranked["qvalue"] <= alpha).sum())
        return fmt.kpis(
            [
                fmt.kpi("Pairs tested", len(ranked), "{:,.0f}", key="n_pairs"),
                fmt.kpi(
                    f"q ≤ {alpha:g}",
                    n_sig,
                    "{:,.0f}",
                    sub="cointegrated at FDR α",
                    key="n_significant",
                ),
                fmt.kpi(
                    "Best pair",
                    f"{best['y']}/{best['x']}",
                    "{}",
                    sub=f"p = {best['pvalue']:.2g}",
                    key="best_pair",
                ),
                fmt.kpi("Its half-life", best["half_life"], "{:.1f} d", key="best_half_life"),
                fmt.kpi("engine", self.model.engine_of("pair_scan") or "–", "{}", key="engine"),
            ]
        )

    def _table(self, ranked: pd.DataFrame | None) -> Any:
        if ranked is None:
            return pn.pane.HTML("")
        frame = ranked.drop(columns=["intercept"]).rename(columns=RANKED_COLUMNS)
        frame.insert(0, "#", np.arange(1, len(frame) + 1))
        table = tabulator(
            frame, RANKED_FORMATS, height=560, show_index=False, selectable=1, pagination="local", page_size=50,
            css_classes=["arb-ranked"], layout="fit_data_fill", header_filters=RANKED_FILTERS,
            widths={"#": 46, "y": 64, "x": 64, "EG stat": 78, "p-value": 76, "q-value": 76, "β (log)": 72,
                    "half-life (d)": 104, "lags": 56},
        )  # fmt: skip
        table.disabled = True
        table.param.watch(self._on_row, "selection")
        return table

    def __panel__(self) -> pn.viewable.Viewable:
        return self._layout
