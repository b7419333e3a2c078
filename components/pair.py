"""The Mean reversion page: one pair's spread, z-score, trades, equity, metrics, OU fit and
the lookback x entry_z sweep."""

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
from components._reactive import UNLINKED, ErrorBar, bind, dmap, plot_pane
from components.export import download_button
from components.layout import page, panel_card, section, tabulator
from components.progress import WorkProgress
from lab.analytics.backtest.metric_table import METRIC_BY_NAME, SIGNED_METRICS
from lab.models.pair import OU_BAND_CHOICES, TRADES_FRAME_COLUMNS, PairModel
from lab.plots import pair as pair_plots


def metrics_html(table: pd.DataFrame | None) -> str:
    """The metrics table: one row per metric, in-sample and out-of-sample columns.

    Each value cell carries ``data-metric="<metric>:<in|out>"`` (read by the browser tests
    and the responsiveness benchmark).
    """
    if table is None:
        return '<div class="arb-note">no backtest</div>'
    rows = []
    for key in table.index:
        m = METRIC_BY_NAME[key]
        label, f = m.label, m.format
        cells = []
        for col, tag in (("in-sample", "in"), ("out-of-sample", "out")):
            v = float(table.loc[key, col])
            cls = fmt.signed_class(v) if m.signed else ""
            cells.append(f'<td class="num {cls}" data-metric="{key}:{tag}">{fmt.number(v, f)}</td>')
        rows.append(f'<tr data-row="{key}"><th>{html.escape(label)}</th>{"".join(cells)}</tr>')
    params = table.attrs.get("params")
    pair = table.attrs.get("pair", ("", ""))
    attrs = ""
    if params is not None:
        attrs = (
            f' data-pair="{html.escape(str(pair[0]))}/{html.escape(str(pair[1]))}" data-lookback="{params.lookback}"'
            f' data-entry-z="{params.entry_z:g}" data-exit-z="{params.exit_z:g}" data-cost-bps="{params.cost_bps:g}"'
            f' data-band-units="{html.escape(params.band_units)}"'
        )
    return (
        f'<table class="arb-table arb-metrics"{attrs}><thead><tr><th>metric</th><th class="num">in-sample</th>'
        f'<th class="num">out-of-sample</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


TRADES_FORMATS: dict[str, str] = {
    TRADES_FRAME_COLUMNS["y entry"]: "0,0.00",
    TRADES_FRAME_COLUMNS["y exit"]: "0,0.00",
    TRADES_FRAME_COLUMNS["x entry"]: "0,0.00",
    TRADES_FRAME_COLUMNS["x exit"]: "0,0.00",
    TRADES_FRAME_COLUMNS["pnl"]: "+0.00%",
    TRADES_FRAME_COLUMNS["costs"]: "0.000%",
    TRADES_FRAME_COLUMNS["days"]: "0,0",
}
"""``numeral.js`` formats of the trades table's numeric columns, as :func:`lab.format.number`
prints them elsewhere (P&L ``{:+.2%}``, prices ``{:,.2f}``, days ``{:,.0f}``; a missing value
prints as :data:`lab.format.MISSING`)."""

TRADES_TEXT = ("side", "exit reason", "segment")
"""Text columns of the trades table: shown as plain text, filtered by substring."""

TRADES_DATES = (TRADES_FRAME_COLUMNS["entry"], TRADES_FRAME_COLUMNS["exit"])


def trades_note_html(trades: pd.DataFrame | None, names: tuple[Any, Any]) -> str:
    """The line above the trades table: the number of round trips (``data-trades``) and which
    symbols the y and x columns are (escaped)."""
    if trades is None:
        return '<div class="arb-note" data-trades="">no backtest</div>'
    y, x = (html.escape(str(n)) for n in names)
    if len(trades) == 0:
        return (
            f'<div class="arb-note" data-trades="0">no trades: |z| never crossed the entry level '
            f"(y = {y}, x = {x})</div>"
        )
    return (
        f'<div class="arb-note" data-trades="{len(trades)}">{len(trades)} round trips; y = {y}, '
        f"x = {x}; P&amp;L and costs are fractions of the initial capital, after costs. Click a "
        "header to sort; type in the boxes under the headers to filter (numbers: at least).</div>"
    )


def trades_table(frame: pd.DataFrame) -> pn.widgets.Tabulator:
    """The trades as a sortable Tabulator with header filters, showing the columns of the
    export (:meth:`PairModel.trades_frame`, one source): dates as ISO days, numbers in
    :data:`TRADES_FORMATS`, text as plain text."""
    from bokeh.models.widgets.tables import DateFormatter

    filters: dict[str, Any] = {
        c: {"type": "input", "func": "like", "placeholder": "filter"} for c in TRADES_TEXT
    }
    filters.update(
        {c: {"type": "number", "func": ">=", "placeholder": "≥"} for c in TRADES_FORMATS}
    )
    formatters: dict[str, Any] = {c: {"type": "plaintext"} for c in TRADES_TEXT}
    formatters.update({c: DateFormatter(format="%Y-%m-%d") for c in TRADES_DATES})
    return tabulator(
        frame, TRADES_FORMATS, formatters=formatters, header_filters=filters, show_index=False,
        height=380, layout="fit_data_table", css_classes=["arb-trades-table"], selectable=False,
    )  # fmt: skip


DSR_THRESHOLD = 0.95
"""Below this Deflated Sharpe Ratio a best cell is not distinguishable from selection luck."""


def sweep_honesty_html(res: Any) -> str:
    """The sweep's selection warning: the best cell's Deflated Sharpe Ratio for the number of
    cells tried (``data-dsr``, ``data-trials``), flagged when below :data:`DSR_THRESHOLD`."""
    if res is None:
        return ""
    dsr, trials = res.best_dsr, res.n_trials
    cell = res.best_cell
    if cell is None:
        return '<div class="arb-note" data-dsr="nan">no cell has a Sharpe ratio (no trades)</div>'
    lb, ez = int(res.lookbacks[cell[0]]), float(res.entry_zs[cell[1]])
    sample = "out-of-sample" if res.sample == "out" else "in-sample"
    text = (
        f"Best {sample} cell (lookback {lb}, entry {ez:g}): Deflated Sharpe Ratio "
        f"{fmt.number(dsr, '{:.2f}')} over {trials} trials."
    )
    warn = not dsr >= DSR_THRESHOLD
    if warn:
        text += (
            " Picking the best of many cells, even out of sample, is itself a selection: below "
            f"{DSR_THRESHOLD} its Sharpe ratio is not distinguishable from the luck of the search."
        )
    cls = "arb-note arb-neg arb-warning" if warn else "arb-note"
    return (
        f'<div class="{cls}" data-dsr="{dsr:.6f}" data-trials="{trials}" '
        f'data-warn="{str(warn).lower()}">{html.escape(text)}</div>'
    )


def walk_forward_html(evaluated: Any) -> str:
    """Walk-forward statistics (PSR, DSR with its number of trials, PBO) and the folds."""
    if evaluated is None:
        return ""
    wf, pbo, folds = evaluated
    m = wf.metrics
    pbo_value = float("nan") if pbo is None else pbo.pbo
    stats = [
        ("Out-of-sample return", fmt.number(m["total_return"], "{:+.2%}"), "total_return"),
        ("Sharpe (annualised)", fmt.number(m["sharpe"], "{:.2f}"), "sharpe"),
        ("Probabilistic Sharpe (vs 0)", fmt.number(m["psr"], "{:.3f}"), "psr"),
        (f"Deflated Sharpe ({int(m['n_trials'])} trials)", fmt.number(m["dsr"], "{:.3f}"), "dsr"),
        ("Probability of backtest overfitting", fmt.number(pbo_value, "{:.2f}"), "pbo"),
        ("Folds", f"{int(m['n_folds'])}", "n_folds"),
    ]
    cells = "".join(
        f'<tr><th>{html.escape(label)}</th><td class="num" data-wf="{key}">{value}</td></tr>'
        for label, value, key in stats
    )
    rows = []
    for _, row in folds.iterrows():
        rows.append(
            "<tr>"
            + "".join(f"<td>{html.escape(str(row[c].date()))}</td>" for c in ("train from", "test from", "test to"))
            + f'<td class="num">{int(row["lookback"])}</td><td class="num">{row["entry z"]:g}</td>'
            + f'<td class="num">{fmt.number(row["train sharpe"], "{:.2f}")}</td>'
            + f'<td class="num">{fmt.number(row["hedge"], "{:.3f}")}</td>'
            + f'<td class="num {fmt.signed_class(row["test return"])}">{fmt.number(row["test return"], "{:+.2%}")}</td>'
            + "</tr>"
        )  # fmt: skip
    head = "".join(
        f"<th>{h}</th>"
        for h in ("train from", "test from", "test to", "lookback", "entry z", "train Sharpe", "hedge", "test return")
    )  # fmt: skip
    warn = "" if m["dsr"] >= DSR_THRESHOLD else (
        f'<div class="arb-note arb-neg arb-warning" data-wf="warn">DSR below {DSR_THRESHOLD}: the walk-forward '
        "Sharpe ratio is not distinguishable from the luck of choosing among the trials.</div>"
    )  # fmt: skip
    return (
        f'{warn}<table class="arb-table arb-wf-stats"><tbody>{cells}</tbody></table>'
        f'<div class="arb-scroll"><table class="arb-table arb-folds"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


class OptionalNumber:
    """A checkbox and a throttled slider editing one optional number parameter of a model
    (None = off): ticking the box writes the slider's value, unticking writes None, and a
    value set elsewhere (code, another view) is shown without being written back."""

    def __init__(self, model: param.Parameterized, name: str, label: str, value_label: str,
                 off_value: float, widget: type = pn.widgets.FloatSlider, **options: Any) -> None:  # fmt: skip
        self.model, self.name = model, name
        current = getattr(model, name)
        if "description" in widget.param:  # the tooltip: the parameter's doc (unit, effect)
            options.setdefault("description", model.param[name].doc)
        self.on = pn.widgets.Checkbox(label=label, value=current is not None)
        self.value = widget(
            label=value_label, value=current if current is not None else off_value,
            visible=current is not None, sizing_mode="stretch_width", **options,
        )  # fmt: skip
        self._pulling = False
        self.on.param.watch(self._push, "value")
        # a slider writes on release; an input box when its value is entered
        self.value.param.watch(
            self._push, "value_throttled" if "value_throttled" in self.value.param else "value"
        )
        model.param.watch(self._pull, name)

    def _push(self, _: Any) -> None:
        if self._pulling:
            return
        on = self.on.value
        self.value.visible = on
        setattr(self.model, self.name, float(self.value.value) if on else None)

    def _pull(self, event: param.parameterized.Event) -> None:
        self._pulling = True
        try:
            self.on.value = event.new is not None
            self.value.visible = event.new is not None
            if event.new is not None:
                self.value.value = float(event.new)
        finally:
            self._pulling = False


class PairView(pn.viewable.Viewer):
    """Backtest one pair (the Mean reversion page).

    Every slider recomputes on release. The time-series plots share their date axis and keep
    their zoom across updates (DynamicMaps); clicking the sweep heatmap sets ``lookback`` and
    ``entry_z``.
    """

    model = param.ClassSelector(class_=PairModel, doc="The pair and its strategy parameters.")
    show_bands = param.Boolean(default=True, doc="Overlay the OU-optimal (Bertram) bands.")
    price_scale = param.Selector(
        default="linear",
        objects=list(pair_plots.PRICE_SCALES),
        doc="Y scale of the price plot (linear or log); switching redraws the same figure and "
        "recomputes nothing.",
    )

    def __init__(self, **params: Any) -> None:
        if params.get("model") is None:
            params["model"] = PairModel()
        super().__init__(**params)
        theme.setup()
        self.errors = ErrorBar()
        self._layout = page(
            "Mean reversion",
            self._controls(),
            self._body(),
            intro="Z-score strategy on the spread y − β·x: signal at the close of t, position held "
            "over (t, t+1], costs on every leg change. In-sample rows fit the static hedge; "
            "out-of-sample rows are the honest test.",
            css_class="arb-page-pair",
        )

    # -- controls ---------------------------------------------------------------------------
    def _controls(self) -> list[Any]:
        m = self.model
        slider = dict(throttled=True, sizing_mode="stretch_width")
        y = pn.widgets.Select.from_param(
            m.param.y, label="y (long leg)", sizing_mode="stretch_width"
        )
        x = pn.widgets.Select.from_param(
            m.param.x, label="x (hedge leg)", sizing_mode="stretch_width"
        )
        swap = pn.widgets.Button(
            label="⇅ swap", color="light", sizing_mode="stretch_width",
            description="Exchange y and x: the hedge ratio is refitted the other way round.",
        )  # fmt: skip
        swap.on_click(lambda _: m.param.update(y=m.x, x=m.y))
        self.lookback = pn.widgets.IntSlider.from_param(
            m.param.lookback, label="Lookback (days)", css_classes=["arb-lookback"], **slider
        )
        # the bands: z-score sliders, or price-level inputs (any value: OU-optimal bands are
        # often outside a z slider's range) when band_units = "spread"
        z_units = m.param.band_units.rx() == "z"
        spread_units = m.param.band_units.rx() == "spread"
        self.band_units = pn.widgets.RadioButtonGroup.from_param(
            m.param.band_units, options={"z-score bands": "z", "spread bands (USD)": "spread"},
            sizing_mode="stretch_width", color="primary", variant="outline", css_classes=["arb-band-units"],
        )  # fmt: skip
        entry = pn.widgets.FloatSlider.from_param(m.param.entry_z, visible=z_units, **slider)
        exit_ = pn.widgets.FloatSlider.from_param(m.param.exit_z, visible=z_units, **slider)
        number = dict(sizing_mode="stretch_width", visible=spread_units)
        self.entry_level = pn.widgets.FloatInput.from_param(
            m.param.entry_z, label="Entry band (USD from the spread mean)", step=0.01,
            css_classes=["arb-entry-level"], **number,
        )  # fmt: skip
        self.exit_level = pn.widgets.FloatInput.from_param(
            m.param.exit_z, label="Exit level (USD; -entry: the opposite band)", step=0.01,
            css_classes=["arb-exit-level"], **number,
        )  # fmt: skip
        self.spread_beta = pn.widgets.FloatInput.from_param(
            m.param.spread_beta, step=0.01, **number
        )
        self.spread_mean = pn.widgets.FloatInput.from_param(
            m.param.spread_mean, step=0.01, **number
        )
        self.entry_z, self.exit_z = entry, exit_
        spread_note = theme.html(
            '<div class="arb-note">Spread bands: the signal is y − β·x − mean in USD with β fixed, so the '
            "lookback and the hedge method play no part in it (the OU-optimal spread buttons set β, the mean and the bands).</div>",
            visible=spread_units, margin=(0, 10),
        )  # fmt: skip
        stop = OptionalNumber(
            m, "stop_z", "Stop-loss", "Stop |z|", 4.0, start=0.5, end=10.0, step=0.1
        )
        self._stop_on, self._stop_value = stop.on, stop.value
        stop_level = OptionalNumber(m, "stop_z", "Stop-loss", "Stop level (USD from the mean)", 1.0,
                                    widget=pn.widgets.FloatInput, step=0.01)  # fmt: skip
        stops = (
            pn.Column(stop.on, stop.value, visible=z_units, sizing_mode="stretch_width", margin=0),
            pn.Column(stop_level.on, stop_level.value, visible=spread_units, sizing_mode="stretch_width", margin=0),
        )  # fmt: skip
        cost = pn.widgets.FloatSlider.from_param(m.param.cost_bps, **slider)
        hedge = pn.widgets.RadioButtonGroup.from_param(
            m.param.hedge,
            sizing_mode="stretch_width",
            color="primary",
            variant="outline",
        )
        train = pn.widgets.FloatSlider.from_param(m.param.train_fraction, **slider)
        bands = pn.widgets.Checkbox.from_param(self.param.show_bands, label="Show OU-optimal bands")
        # one button per OU-optimal choice (lab.models.pair.OU_BAND_CHOICES)
        labels = {
            "z": "Use OU-optimal entry z",
            "spread": "Use OU-optimal spread bands (max return)",
            "spread_sharpe": "Use OU-optimal spread bands (max Sharpe)",
        }
        self.use_ou: dict[str, pn.widgets.Button] = {}
        for choice in OU_BAND_CHOICES:
            button = pn.widgets.Button(
                label=labels[choice],
                description=f"Bands: {OU_BAND_CHOICES[choice]}",
                color="primary",
                variant="outline",
                sizing_mode="stretch_width",
                css_classes=["arb-use-ou", f"arb-use-ou-{choice}"],
            )
            button.on_click(lambda _, choice=choice: self._use_ou_bands(choice))
            self.use_ou[choice] = button
        rf = pn.widgets.FloatSlider.from_param(
            m.param.bands_rf, label="Risk-free rate of the bands' Sharpe (a year)", **slider
        )
        metric = pn.widgets.Select.from_param(
            m.param.sweep_metric, label="Sweep metric", sizing_mode="stretch_width"
        )
        sample = pn.widgets.RadioButtonGroup.from_param(
            m.param.sweep_sample, options={"out-of-sample": "out", "in-sample": "in"}, sizing_mode="stretch_width",
            color="primary", variant="outline",
        )  # fmt: skip
        lb_range = pn.widgets.IntRangeSlider.from_param(
            m.param.sweep_lookbacks, label="Sweep lookbacks", **slider
        )
        z_range = pn.widgets.RangeSlider.from_param(
            m.param.sweep_entry_zs, label="Sweep entry z", step=0.05, **slider
        )
        steps = pn.widgets.IntSlider.from_param(
            m.param.sweep_steps, label="Grid points per axis", **slider
        )
        radio = dict(sizing_mode="stretch_width", color="primary", variant="outline")
        fill = pn.widgets.RadioButtonGroup.from_param(m.param.fill, **radio)
        capital = pn.widgets.RadioButtonGroup.from_param(m.param.capital, **radio)
        negative = pn.widgets.RadioButtonGroup.from_param(m.param.negative_hedge, **radio)
        borrow = pn.widgets.FloatSlider.from_param(
            m.param.borrow_bps_per_year, end=1000.0, **slider
        )
        sizing = pn.widgets.RadioButtonGroup.from_param(
            m.param.sizing, options={"shares": "shares_from_hedge", "$ neutral": "dollar_neutral",
                                     "β neutral": "beta_neutral"}, **radio,
        )  # fmt: skip
        rebalance_every = pn.widgets.IntSlider.from_param(
            m.param.rebalance_every, end=120, **slider
        )
        rebalance_threshold = pn.widgets.FloatSlider.from_param(
            m.param.rebalance_threshold, end=0.5, **slider
        )
        vol = OptionalNumber(m, "vol_target", "Volatility target", "Target vol (annualised)", 0.1,
                             start=0.01, end=1.0, step=0.01)  # fmt: skip
        self._vol_on, self._vol_value = vol.on, vol.value
        vol_window = pn.widgets.IntSlider.from_param(
            m.param.vol_window,
            end=250,
            visible=vol.on.param.value.rx(),
            **slider,
        )
        leverage_cap = pn.widgets.FloatSlider.from_param(
            m.param.leverage_cap, end=5.0,
            visible=vol.on.param.value.rx(), **slider,
        )  # fmt: skip
        kalman = [
            pn.widgets.FloatInput.from_param(getattr(m.param, name), sizing_mode="stretch_width",
                                             visible=m.param.hedge.rx() == "kalman")
            for name in ("kalman_q_alpha", "kalman_q_beta", "kalman_r")
        ]  # fmt: skip
        evaluation = pn.widgets.RadioButtonGroup.from_param(
            m.param.evaluation, options={"walk-forward": "walk_forward", "single split": "split"}, **radio
        )  # fmt: skip
        wf_train = pn.widgets.IntSlider.from_param(
            m.param.wf_train, label="Training rows per fold", start=60, end=2000, **slider
        )
        wf_test = pn.widgets.IntSlider.from_param(
            m.param.wf_test, label="Test rows per fold", start=20, end=750, **slider
        )
        wf_anchored = pn.widgets.Checkbox.from_param(
            m.param.wf_anchored, label="Anchored (expanding) training"
        )
        wf_steps = pn.widgets.IntSlider.from_param(
            m.param.wf_steps, label="Choice grid points per axis", **slider
        )
        self.price_scale_widget = pn.widgets.RadioButtonGroup.from_param(
            self.param.price_scale, options={"linear prices": "linear", "log prices": "log"},
            description="Y axis of the price plot: linear or logarithmic (USD either way); "
            "the figure is redrawn, nothing is recomputed.",
            css_classes=["arb-price-scale"], **radio,
        )  # fmt: skip
        self.sharpe_window = pn.widgets.IntSlider.from_param(
            m.param.sharpe_window, end=252, css_classes=["arb-sharpe-window"], **slider,
        )  # fmt: skip
        # a slider has no description: the window's definition (63 days, x sqrt(252)) as a tip
        self.sharpe_window_help = pn.widgets.TooltipIcon(
            value=m.param.sharpe_window.doc.replace(" (:meth:`PairModel.rolling_sharpe`)", ""),
            css_classes=["arb-sharpe-window-help"], margin=(28, 4, 0, 0),
        )  # fmt: skip
        note = '<div class="arb-note">{}</div>'
        return [
            section("Pair"), pn.Row(y, x, sizing_mode="stretch_width"), swap,
            section("Strategy"), self.lookback, self.band_units, spread_note, entry, exit_,
            self.entry_level, self.exit_level, self.spread_beta, self.spread_mean, *stops, cost,
            theme.html(note.format("Hedge ratio"), margin=(4, 10, 0, 10)), hedge, *kalman, train,
            section("Execution"),
            theme.html(note.format("Fill"), margin=(4, 10, 0, 10)), fill,
            theme.html(note.format("Entry notional"), margin=(4, 10, 0, 10)), capital,
            theme.html(note.format("Hedge ratio &le; 0 at entry"), margin=(4, 10, 0, 10)), negative,
            borrow,
            theme.html(note.format("Leg sizing"), margin=(4, 10, 0, 10)), sizing,
            rebalance_every, rebalance_threshold,
            self._vol_on, self._vol_value, vol_window, leverage_cap,
            section("Evaluation"), evaluation, wf_train, wf_test, wf_anchored, wf_steps,
            section("OU model"), bands, rf, *self.use_ou.values(),
            section("Sweep"), metric, sample, lb_range, z_range, steps,
            section("Plots"), self.price_scale_widget,
            pn.Row(self.sharpe_window, self.sharpe_window_help, sizing_mode="stretch_width", margin=0),
            section("Export"), *self._export_buttons(),
        ]  # fmt: skip

    def _export_buttons(self) -> list[pn.widgets.FileDownload]:
        """Downloads of the sweep grid (CSV, Parquet: :meth:`PairModel.sweep_frame`, both
        segments) and of the trades (CSV: :meth:`PairModel.trades_frame`)."""
        m = self.model
        self.exports = {
            ("sweep", fmt): download_button(
                "sweep", m.sweep_frame, fmt, lambda: (m.y, m.x, m.sweep_metric), self.errors
            )
            for fmt in ("csv", "parquet")
        }
        self.exports["trades", "csv"] = download_button(
            "trades", m.trades_frame, "csv", lambda: (m.y, m.x), self.errors
        )
        return list(self.exports.values())

    def _use_ou_bands(self, choice: str) -> None:
        """Adopt the chosen OU-optimal bands (:meth:`PairModel.use_ou_bands`)."""
        try:
            self.model.use_ou_bands(choice)
        except ValueError as exc:
            self.errors.set("use-ou", str(exc))
            return
        self.errors.set("use-ou", None)

    # -- body -------------------------------------------------------------------------------
    def _body(self) -> list[Any]:
        m = self.model
        e = self.errors
        # numbers first: their watchers are registered (and so run) before the plots'
        kpis = theme.html(
            bind(self._kpis, m.backtest, m.coint, m.ou, errors=e),
            css_classes=["arb-pair-kpis"],
            min_height=70,
        )
        metrics = theme.html(
            bind(metrics_html, m.metrics_table, errors=e), css_classes=["arb-metrics-pane"]
        )
        engine = theme.html(bind(self._engine_note, m.backtest, errors=e), margin=(0, 10))
        fit = theme.html(
            bind(self._fit_html, m.coint, m.train_regression, m.ou, m.bands, errors=None)
        )
        # the trades: one Tabulator updated in place (its sort and filters stay), showing the
        # export's frame (PairModel.trades_frame)
        self.trades_note = theme.html("", margin=(0, 10))
        self.trades_table = trades_table(pd.DataFrame(columns=list(TRADES_FRAME_COLUMNS.values())))
        self.trades = pn.Column(
            self.trades_note, self.trades_table, sizing_mode="stretch_width", css_classes=["arb-trades"]
        )  # fmt: skip
        self._trades_watch = bind(
            self._show_trades, m.trades_frame, errors=e, name="trades", watch=True
        )
        self._trades_watch()  # the first drawing (later ones follow each change)
        # separate panes in one layout: Panel links their shared "date" axes (linked_axes);
        # the underwater curve sits under the prices and their trade markers
        hv_pane = dict(sizing_mode="stretch_width", linked_axes=True)
        bands = [(self, ["show_bands"])]
        series = pn.Column(
            plot_pane(self._prices_plot, m.backtest, m.prices, errors=e, extra=[(self, ["price_scale"])],
                      name="prices", css_classes=["arb-prices"], **hv_pane),
            plot_pane(self._drawdown_plot, m.backtest, m.prices, errors=e, name="drawdown", css_classes=["arb-drawdown"], **hv_pane),
            plot_pane(self._z_plot, m.backtest, m.prices, m.bands, errors=e, extra=bands, name="zscore",
                      css_classes=["arb-zscore"], **hv_pane),
            plot_pane(self._spread_plot, m.backtest, m.prices, m.bands, m.ou, extra=bands, name="spread",
                      css_classes=["arb-spread"], **hv_pane),
            plot_pane(self._equity_plot, m.backtest, m.prices, errors=e, name="equity", css_classes=["arb-equity"], **hv_pane),
            plot_pane(self._sharpe_plot, m.backtest, m.prices, m.rolling_sharpe, errors=e,
                      extra=[(m, ["sharpe_window"])], name="rolling-sharpe", css_classes=["arb-rolling-sharpe"], **hv_pane),
            plot_pane(self._hedge_plot, m.backtest, m.prices, errors=e, name="hedge", css_classes=["arb-hedge"], **hv_pane),
            sizing_mode="stretch_width",
        )  # fmt: skip
        self._sweep_pane = pn.pane.HoloViews(
            None, sizing_mode="stretch_width", min_width=400, css_classes=["arb-sweep"], **UNLINKED
        )
        sweep = dmap(self._sweep_plot, m.sweep, errors=e, name="sweep", busy=self._sweep_pane)
        marker = dmap(
            self._sweep_marker, m.sweep, extra=[(m, ["lookback", "entry_z"])], name="marker"
        )
        self._tap = hv.streams.Tap(source=sweep, x=None, y=None)
        self._tap.add_subscriber(self._on_sweep_tap)
        self._sweep_pane.object = sweep * marker
        sweep_note = theme.html(
            bind(sweep_honesty_html, m.sweep, errors=None), css_classes=["arb-sweep-dsr"]
        )
        wf_stats = theme.html(
            bind(walk_forward_html, m.evaluated, errors=e), css_classes=["arb-walk-forward"]
        )
        wf_plot = plot_pane(self._wf_plot, m.evaluated, m.prices, errors=e, name="walk-forward",
                            css_classes=["arb-wf-equity"], sizing_mode="stretch_width")  # fmt: skip
        walk = panel_card(
            "Walk-forward: re-fit on each training window, trade the next test window",
            pn.Column(wf_plot, wf_stats, sizing_mode="stretch_width"),
            visible=m.param.evaluation.rx() == "walk_forward",
        )
        refused = theme.alert(
            m.param.refused.rx().rx.pipe(fmt.alert_text),
            "warning",
            visible=m.param.refused.rx().rx.bool(),
            css_classes=["arb-refused"],
        )
        return [
            e,
            refused,
            kpis,
            engine,
            walk,
            panel_card(
                "Prices and trades, drawdown, z-score, spread, equity, rolling Sharpe and hedge "
                "ratio (shared date axis; zoom persists)",
                series,
            ),
            pn.Row(
                panel_card("Backtest metrics", metrics),
                panel_card("Cointegration and OU fit", fit),
                sizing_mode="stretch_width",
            ),
            panel_card(
                "Sweep: click a cell to use its lookback and entry z",
                pn.Column(
                    WorkProgress(work=m.work),
                    sweep_note,
                    self._sweep_pane,
                    sizing_mode="stretch_width",
                ),  # fmt: skip
            ),
            panel_card("Trades (sortable, with header filters)", self.trades),
        ]

    # -- renderers --------------------------------------------------------------------------
    def _kpis(self, bt: Any, coint: Any, ou: Any) -> str:
        if bt is None:
            return ""
        out = bt.metrics.out_of_sample
        ins = bt.metrics.in_sample
        tiles = [
            fmt.kpi("Sharpe (out)", out["sharpe"], "{:.2f}", sub=f"in-sample {fmt.number(ins['sharpe'], '{:.2f}')}", key="sharpe", signed=True),
            fmt.kpi("Return (out)", out["total_return"], "{:+.1%}", sub=f"CAGR {fmt.number(out['cagr'], '{:+.1%}')}", key="total_return", signed=True),
            fmt.kpi("Max drawdown (out)", out["max_drawdown"], "{:.1%}", key="max_drawdown"),
            fmt.kpi("Trades (out)", out["n_trades"], "{:.0f}", sub=f"win rate {fmt.number(out['win_rate'], '{:.0%}')}", key="n_trades"),
        ]  # fmt: skip
        if coint is not None:
            tiles.append(
                fmt.kpi(
                    "EG p-value",
                    coint.pvalue,
                    "{:.4f}",
                    sub="log prices, full range",
                    key="eg_pvalue",
                )
            )
        if ou is not None:
            tiles.append(
                fmt.kpi(
                    "Half-life",
                    ou.half_life,
                    "{:.1f} d",
                    sub=f"± {fmt.number(ou.half_life_se, '{:.1f}')} d (in-sample OU)",
                    key="half_life",
                )
            )
        return fmt.kpis(tiles)

    def _engine_note(self, bt: Any) -> str:
        engine = self.model.engine_of("backtest_pairs")
        if not engine:
            return ""
        return f'<div class="arb-note" data-engine="{html.escape(engine)}">computed on <b>{html.escape(engine)}</b></div>'

    def _fit_html(self, coint: Any, train: Any, ou: Any, bands: Any) -> str:
        rows: list[tuple[str, str]] = []
        if coint is not None:
            crit = np.asarray(coint.crit_values, dtype=float)
            rows += [
                ("Engle-Granger (log prices, full range)", ""),
                ("statistic", f"{coint.statistic:.3f}"),
                ("p-value", f"{coint.pvalue:.4f}"),
                ("critical 1% / 5% / 10%", " / ".join(f"{c:.2f}" for c in crit[:3])),
                ("hedge ratio β (log)", f"{coint.hedge_ratio:.4f}"),
                ("lags (AIC)", f"{coint.lags}"),
            ]
        if train is not None:
            rows += [
                ("Training window (price levels)", ""),
                ("static hedge ratio β", f"{train.hedge_ratio:.4f}"),
                ("EG p-value", f"{train.pvalue:.4f}"),
            ]
        if ou is not None:
            rows += [
                ("OU fit of the in-sample spread (dt = 1 day)", ""),
                ("κ (per day)", f"{ou.kappa:.4f} ± {ou.kappa_se:.4f}"),
                ("θ (USD)", f"{ou.theta:.3f} ± {ou.theta_se:.3f}"),
                ("σ (USD / √day)", f"{ou.sigma:.4f} ± {ou.sigma_se:.4f}"),
                ("half-life (days)", f"{ou.half_life:.1f} ± {ou.half_life_se:.1f}"),
            ]
        if bands is not None:
            rows += [
                ("Bertram optimal bands (after costs)", ""),
                ("entry / exit (USD)", f"{bands.entry:.3f} / {bands.exit:.3f}"),
                ("equivalent entry |z|", f"{bands.entry_z:.2f}"),
                ("expected cycle (days)", f"{bands.expected_cycle_time:.1f}"),
                (
                    "profit rate ± sd (USD / day, / √day)",
                    f"{bands.expected_return_rate:.4f} ± {bands.return_variance_rate**0.5:.4f}",
                ),
                ("Sharpe ratio over rf (per √day)", f"{bands.sharpe_ratio:.3f}"),
                (f"Sharpe-maximising bands (rf {self.model.bands_rf:.1%} a year)", ""),
                ("entry / exit (USD)", f"{fmt.number(bands.sharpe_entry, '{:.3f}')} / {fmt.number(bands.sharpe_exit, '{:.3f}')}"),
                ("Sharpe ratio over rf (per √day)", fmt.number(bands.sharpe_ratio_max, "{:.3f}")),
            ]  # fmt: skip
        body = "".join(
            f'<tr><th colspan="2" style="padding-top:8px">{html.escape(k)}</th></tr>' if not v
            else f'<tr><td>{html.escape(k)}</td><td class="num">{html.escape(v)}</td></tr>'
            for k, v in rows
        )  # fmt: skip
        return f'<table class="arb-table arb-fit"><tbody>{body}</tbody></table>'

    # -- plots ------------------------------------------------------------------------------
    # the builders live in lab.plots.pair (the report draws the same figures)
    def _z_plot(
        self, bt: Any, prices: pd.DataFrame | None, bands: Any, show_bands: bool
    ) -> hv.Overlay:
        m = self.model
        # the levels the backtest used (the last valid ones after a refusal)
        params = m.params() if bt is not None and prices is not None else None
        return pair_plots.z_plot(bt, prices, params, (m.y, m.x), bands, show_bands)

    def _spread_plot(
        self, bt: Any, prices: pd.DataFrame | None, bands: Any, ou: Any, show_bands: bool
    ) -> hv.Overlay:
        return pair_plots.spread_plot(bt, prices, bands, ou, show_bands)

    def _equity_plot(self, bt: Any, prices: pd.DataFrame | None) -> hv.Overlay:
        return pair_plots.equity_plot(bt, prices)

    def _drawdown_plot(self, bt: Any, prices: pd.DataFrame | None) -> hv.Overlay:
        return pair_plots.drawdown_plot(bt, prices)

    def _wf_plot(self, evaluated: Any, prices: pd.DataFrame | None) -> hv.Overlay:
        return pair_plots.walk_forward_plot(None if evaluated is None else evaluated[0], prices)

    def _prices_plot(self, bt: Any, prices: pd.DataFrame | None, scale: str) -> hv.Overlay:
        return pair_plots.prices_plot(bt, prices, (self.model.y, self.model.x), scale)

    def _sharpe_plot(
        self, bt: Any, prices: pd.DataFrame | None, sharpe: Any, window: int
    ) -> hv.Overlay:
        return pair_plots.rolling_sharpe_plot(bt, prices, sharpe, window)

    def _hedge_plot(self, bt: Any, prices: pd.DataFrame | None) -> hv.Overlay:
        params = self.model.params() if bt is not None else None
        return pair_plots.hedge_plot(bt, prices, params)

    def _show_trades(self, frame: pd.DataFrame | None) -> None:
        """Show the trades frame (the export's) in the table, in place."""
        m = self.model
        self.trades_note.object = trades_note_html(frame, (m.y, m.x))
        if frame is not None:
            self.trades_table.value = frame

    def _sweep_plot(self, res: Any) -> hv.QuadMesh:
        kdims = [
            hv.Dimension("entry_z", label="entry |z|"),
            hv.Dimension("lookback", label="lookback (days)"),
        ]
        if res is None:
            return hv.QuadMesh(
                ([0.0, 1.0], [0.0, 1.0], np.full((2, 2), np.nan)), kdims, "value"
            ).opts(framewise=True)
        values = np.asarray(res.values, dtype=float)
        label = f"{res.metric} ({'out-of-sample' if res.sample == 'out' else 'in-sample'})"
        finite = values[np.isfinite(values)]
        lim = float(np.max(np.abs(finite))) if finite.size else 1.0
        diverging = res.metric in SIGNED_METRICS
        mesh = hv.QuadMesh(
            (np.asarray(res.entry_zs, dtype=float), np.asarray(res.lookbacks, dtype=float), values),
            kdims,
            hv.Dimension("value", label=label),
        )
        return mesh.opts(
            cmap="RdYlGn" if diverging else "viridis", clim=(-lim, lim) if diverging else (np.nan, np.nan),
            colorbar=True, tools=["hover", "tap"], height=420, responsive=True, framewise=True,
            title=f"{label} over lookback × entry |z|", line_width=0,
            hover_tooltips=[("lookback (days)", "@{lookback}{0}"), ("entry |z|", "@{entry_z}{0.00}"),
                            (f"{label} [{METRIC_BY_NAME[res.metric].unit}]", "@{value}{0.000}")],
        )  # fmt: skip

    def _sweep_marker(self, res: Any, lookback: int, entry_z: float) -> hv.Points:
        kdims = [
            hv.Dimension("entry_z", label="entry |z|"),
            hv.Dimension("lookback", label="lookback (days)"),
        ]
        if res is None:
            return hv.Points([], kdims)
        lbs, ezs = np.asarray(res.lookbacks), np.asarray(res.entry_zs)
        if not (lbs.min() <= lookback <= lbs.max() and ezs.min() <= entry_z <= ezs.max()):
            return hv.Points([], kdims)
        lb = int(lbs[np.argmin(np.abs(lbs - lookback))])
        ez = float(ezs[np.argmin(np.abs(ezs - entry_z))])
        return hv.Points([(ez, lb)], kdims).opts(
            marker="square", size=14, fill_alpha=0, line_color="white", line_width=2.5
        )

    def _on_sweep_tap(self, x: Any = None, y: Any = None) -> None:
        if x is None or y is None:
            return
        try:
            self.model.set_from_sweep(lookback=float(y), entry_z=float(x))
        except (TypeError, ValueError) as exc:
            self.errors.set("sweep-tap", f"could not use the clicked cell: {exc}")

    def __panel__(self) -> pn.viewable.Viewable:
        return self._layout
