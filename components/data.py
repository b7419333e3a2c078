"""The Data page: normalised prices, return statistics, correlation and PCA; symbol choice,
synthetic-data settings and file upload."""

from __future__ import annotations

import html
from typing import Any

import holoviews as hv
import pandas as pd
import panel as pn
import param

from components import format as fmt
from components import theme
from components._reactive import ErrorBar, bind, dmap, hv_pane
from components.layout import page, panel_card, section
from components.upload import UploadInput
from lab.models import ScanModel, StatsModel
from lab.plots import data as data_plots

STAT_FORMATS = {
    "ann. return": "{:+.1%}",
    "ann. volatility": "{:.1%}",
    "Sharpe": "{:.2f}",
    "skew": "{:.2f}",
    "excess kurtosis": "{:.1f}",
    "max drawdown": "{:.1%}",
    "Hurst": "{:.3f}",
}


FIRST_PAIR = ("KO", "PEP")
"""The first pair suggested on the bundled data: Coca-Cola / PepsiCo, the textbook
cointegrated pair."""

PAGE_GUIDE: tuple[tuple[str, str], ...] = (
    ("Data", "the prices every page analyses: bundled, synthetic or your own file"),
    ("Pairs", "Engle-Granger scan of every pair, with p- and q-values; click a cell to open it"),
    ("Mean reversion", "fit, OU dynamics and a z-score backtest with costs, in and out of sample"),
    ("Regimes", "hidden Markov model states of returns"),
    ("Portfolio", "max-Sharpe, min-variance, risk-parity and other weights"),
    ("Options", "payoff and Greeks of an option strategy"),
    ("Order book", "replay or record a limit order book"),
    ("Benchmark", "time every backend on this dataset"),
)
"""What each page does, shown in the Data page's "Start here" card."""


def suggested_pair(dataset: Any, scan: ScanModel | None) -> tuple[str, str] | None:
    """The first pair to try: :data:`FIRST_PAIR` on the bundled data when both are loaded;
    on other data the pair scan's most significant pair if the scan has already run (its
    cache holds a result; nothing is computed here), else None."""
    symbols = set(dataset.symbols or dataset.param.symbols.objects or ())
    if dataset.source == "sp500" and set(FIRST_PAIR) <= symbols:
        return FIRST_PAIR
    if scan is None or len(scan.cache) == 0:
        return None
    try:
        top = scan.ranked().iloc[0]
    except (ValueError, IndexError):
        return None
    return str(top["y"]), str(top["x"])


def symbol_choice(dataset: Any, **options: Any) -> pn.widgets.MultiChoice:
    """A MultiChoice of ``dataset.symbols`` whose option labels are HTML-escaped.

    Bokeh's MultiChoice renders option labels as HTML, so a symbol named
    ``<img src=x onerror=...>`` would run; the labels are escaped and map to the raw names.
    """

    def labels(objects: Any) -> dict[str, Any]:
        return {html.escape(str(name)): name for name in objects or ()}

    widget = pn.widgets.MultiChoice(
        options=labels(dataset.param.symbols.objects), value=list(dataset.symbols), **options
    )

    def on_objects(*_: param.parameterized.Event) -> None:
        options = labels(dataset.param.symbols.objects)
        value = [s for s in dataset.symbols if s in options.values()]
        if options != widget.options or list(widget.value) != value:
            widget.param.update(options=options, value=value)

    dataset.param.watch(on_objects, "symbols", what="objects")
    # a new source adopts its symbols without a "symbols" event (the reload discards it to
    # avoid recursing): show the adopted choice once the new prices are in
    if "content_hash" in dataset.param:
        dataset.param.watch(on_objects, "content_hash")
    dataset.param.watch(lambda event: setattr(widget, "value", list(event.new)), "symbols")
    widget.param.watch(lambda event: setattr(dataset, "symbols", list(event.new)), "value")
    return widget


class DataView(pn.viewable.Viewer):
    """Explore the loaded prices (the Data page)."""

    model = param.ClassSelector(class_=StatsModel, doc="Statistics of the session's dataset.")
    scan = param.ClassSelector(
        class_=ScanModel, default=None, allow_None=True,
        doc="The session's pair scan, whose top pair is suggested on data other than the "
        "bundled (once the scan has run).",
    )  # fmt: skip
    on_open = param.Callable(
        default=None, allow_None=True,
        doc="on_open(y, x) opens Mean reversion on a pair (LabApp.open_pair); None: no button.",
    )  # fmt: skip

    def __init__(self, **params: Any) -> None:
        if params.get("model") is None:
            params["model"] = StatsModel()
        super().__init__(**params)
        theme.setup()
        model, dataset = self.model, self.model.dataset
        self.errors = ErrorBar()

        self.upload = UploadInput(accept=".csv,.txt,.parquet,.pq", sizing_mode="stretch_width")
        self.upload.param.watch(self._on_upload, "value")
        self.upload.param.watch(self._on_refused, "refused")
        self.upload_error = theme.alert(
            dataset.param.error.rx().rx.pipe(fmt.alert_text),
            visible=dataset.param.error.rx().rx.bool(),
            css_classes=["arb-upload-error"],
        )
        symbols = symbol_choice(
            dataset, label="Symbols", sizing_mode="stretch_width", solid=False,
            description="The price columns every page analyses (at least 2); removing one "
            "recomputes the statistics, the scan and the pages that use it.",
        )  # fmt: skip
        synthetic = pn.Column(
            section("Synthetic pairs"),
            *(
                pn.widgets.IntSlider.from_param(
                    dataset.param[p], throttled=True, sizing_mode="stretch_width"
                )
                if p in ("n_obs", "n_pairs", "seed")
                else pn.widgets.FloatSlider.from_param(
                    dataset.param[p], throttled=True, sizing_mode="stretch_width"
                )
                for p in ("n_obs", "n_pairs", "kappa", "sigma", "beta")
            ),
            pn.widgets.IntInput.from_param(dataset.param.seed, sizing_mode="stretch_width"),
            visible=dataset.param.source.rx() == "synthetic",
            sizing_mode="stretch_width",
        )
        log_y = pn.widgets.Checkbox(label="Log scale", value=True)
        controls = [
            symbols,
            synthetic,
            section("Your own prices"),
            theme.html(
                '<div class="arb-note">CSV or Parquet: a date column and one price column per '
                "symbol. Gaps after the first price are forward-filled.</div>",
                margin=(0, 10),
            ),
            self.upload,
            self.upload_error,
            section("Display"),
            log_y,
            pn.widgets.IntSlider.from_param(
                model.param.n_components, throttled=True, sizing_mode="stretch_width"
            ),
        ]
        prices = dmap(
            self._prices_plot, model.normalised, errors=self.errors, extra=[(log_y, ["value"])]
        )
        corr = dmap(self._corr_plot, model.correlation, errors=self.errors)
        pca = dmap(self._pca_plot, model.pca, errors=self.errors)
        table = theme.html(
            bind(self._stats_table, model.summary_table, errors=self.errors),
            css_classes=["arb-stats-table"],
        )
        self.start_button = pn.widgets.Button(
            label="Open Mean reversion", color="primary", visible=False,
            css_classes=["arb-start-open"],
            description="Open the Mean reversion page (backtest and OU fit) on the suggested pair.",
        )  # fmt: skip
        self.start_button.on_click(self._open_suggested)
        self.start_text = theme.html("", css_classes=["arb-start-here"], margin=(0, 10))
        for name in ("content_hash", "source", "symbols"):
            dataset.param.watch(self._refresh_start, name)
        self._refresh_start()
        body = [
            self.errors,
            panel_card(
                "Start here",
                self.start_text,
                self.start_button,
                collapsible=True,
                css_classes=["arb-start-card"],
            ),  # fmt: skip
            panel_card(
                "Normalised prices (1 = first day)",
                hv_pane(prices, sizing_mode="stretch_width"),
            ),
            panel_card("Daily log-return statistics (annualised)", table),
            pn.Row(
                panel_card(
                    "Correlation of daily log returns",
                    hv_pane(corr, sizing_mode="stretch_width"),
                ),
                panel_card("PCA: variance explained", hv_pane(pca, sizing_mode="stretch_width")),
                sizing_mode="stretch_width",
            ),
        ]
        self._layout = page(
            "Data",
            controls,
            body,
            intro="The prices every page analyses. Choose the source and range in the sidebar.",
            css_class="arb-page-data",
        )

    # -- start here ---------------------------------------------------------------------------
    def _refresh_start(self, *_: Any) -> None:
        pair = suggested_pair(self.model.dataset, self.scan)
        items = "".join(
            f"<li><b>{html.escape(name)}</b>: {html.escape(what)}</li>" for name, what in PAGE_GUIDE
        )
        if pair is None:
            hint = "No pair is suggested for these prices yet: the Pairs page ranks them all."
        else:
            hint = f"A first pair to try: <b>{html.escape(pair[0])} / {html.escape(pair[1])}</b>."
        self.start_text.object = (
            f'<div class="arb-note">{hint}</div><ul class="arb-start-pages">{items}</ul>'
        )
        self._suggested = pair
        self.start_button.param.update(
            visible=pair is not None and self.on_open is not None,
            label=f"Open Mean reversion on {pair[0]} / {pair[1]}"
            if pair
            else "Open Mean reversion",
        )

    def _open_suggested(self, _: Any) -> None:
        if self._suggested is not None and self.on_open is not None:
            self.on_open(*self._suggested)

    def _on_upload(self, event: param.parameterized.Event) -> None:
        if event.new:
            self.model.dataset.load_file(self.upload.filename or "upload.csv", event.new)

    def _on_refused(self, event: param.parameterized.Event) -> None:
        if event.new:
            self.model.dataset.refuse_upload(event.new["name"], event.new["size"])

    # -- plots ------------------------------------------------------------------------------
    # the builders live in lab.plots.data
    def _prices_plot(self, normalised: pd.DataFrame | None, log_y: bool) -> hv.NdOverlay:
        return data_plots.prices_plot(normalised, log_y)

    def _corr_plot(self, corr: pd.DataFrame | None) -> hv.HeatMap:
        return data_plots.corr_plot(corr)

    def _pca_plot(self, res: Any) -> hv.Overlay:
        return data_plots.pca_plot(res)

    def _stats_table(self, table: pd.DataFrame | None) -> str:
        if table is None:
            return ""
        return fmt.table(
            table, STAT_FORMATS, index_label="symbol", signed=("ann. return", "Sharpe"),
            caption=f"engine: {self.model.engine_of('hurst') or '–'} (Hurst exponent of the log price; 0.5 = random walk)",
        )  # fmt: skip

    def __panel__(self) -> pn.viewable.Viewable:
        return self._layout
