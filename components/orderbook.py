"""The Order book page: a live ladder and depth chart with streaming mid, spread and imbalance,
fed by the order-flow simulator, a recording or a live exchange feed through a periodic
callback (a fixed frame rate; the live book itself keeps up with the feed on its own thread)."""

from __future__ import annotations

import html
import threading
from typing import Any

import holoviews as hv
import numpy as np
import pandas as pd
import panel as pn
import param

from components import format as fmt
from components import theme
from components._reactive import UNLINKED
from components.layout import page, panel_card, section
from lab.models.orderbook import SERIES_COLUMNS, OrderBookModel
from lab.plots import orderbook as ob_plots

HISTORY = 4000
"""Rows kept by the streaming buffers."""

OTHER_PATH = "Other directory…"
"""The picker's entry for a recording outside the recordings directory."""


def ladder_html(ladder: pd.DataFrame) -> str:
    """Asks above bids, best quotes in the middle, with quantity bars."""
    if ladder.empty:
        return '<div class="arb-note">book not started</div>'
    top = float(ladder["qty"].max()) or 1.0
    rows = []
    for _, r in ladder.iterrows():
        colour = theme.SHORT if r["side"] == "ask" else theme.LONG
        text = "arb-neg" if r["side"] == "ask" else "arb-pos"  # the theme's readable red/green
        width = 100.0 * float(r["qty"]) / top
        bar = f'<div style="height:12px;width:{width:.1f}%;background:{colour};opacity:.45;border-radius:2px"></div>'
        rows.append(
            f'<tr data-side="{r["side"]}"><td class="num {text}">{r["price"]:,.2f}</td>'
            f'<td class="num">{r["qty"]:,.0f}</td><td class="num">{r["cum_qty"]:,.0f}</td>'
            f'<td style="width:45%">{bar}</td></tr>'
        )
    return (
        '<table class="arb-table arb-ladder"><thead><tr><th class="num">price</th><th class="num">qty</th>'
        f'<th class="num">cumulative</th><th></th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


class OrderBookView(pn.viewable.Viewer):
    """Watch an order book (the Order book page): simulated, recorded or live.

    A periodic callback (``period_ms``) calls :meth:`OrderBookModel.step` while the feed runs
    and pushes the new rows into ``hv.streams.Buffer`` (time series) and ``hv.streams.Pipe``
    (book depth) streams, so the plots update in place.
    """

    model = param.ClassSelector(class_=OrderBookModel, doc="The simulated feed.")
    period_ms = param.Integer(default=250, bounds=(50, 5000), doc="Callback period, milliseconds.")

    def __init__(self, **params: Any) -> None:
        if params.get("model") is None:
            params["model"] = OrderBookModel()
        super().__init__(**params)
        theme.setup()
        m = self.model
        self.error = theme.alert("", visible=False)
        empty = pd.DataFrame({c: np.array([], dtype=float) for c in SERIES_COLUMNS})
        self.buffer = hv.streams.Buffer(empty, length=HISTORY, index=False)
        self.pipe = hv.streams.Pipe(data=m.ladder(20))
        self.toggle = pn.widgets.Toggle(
            label="▶ Start",
            color="success",
            sizing_mode="stretch_width",
            css_classes=["arb-ob-toggle"],
        )
        self.toggle.param.watch(self._on_toggle, "value")
        reset = pn.widgets.Button(
            label="Reset", color="primary", variant="outline", sizing_mode="stretch_width",
            description="Stop the replay and clear the book back to its first tick.",
        )  # fmt: skip
        reset.on_click(self._reset)
        slider = dict(throttled=True, sizing_mode="stretch_width")
        wide = dict(sizing_mode="stretch_width")
        source = pn.widgets.RadioButtonGroup.from_param(
            m.param.source, css_classes=["arb-ob-source"], **wide
        )
        self.recording_path = pn.widgets.TextInput.from_param(
            m.param.recording_path, name="Recording directory", css_classes=["arb-ob-path"], **wide
        )
        self.recording_pick = pn.widgets.Select(
            label="Recording", css_classes=["arb-ob-pick"], **wide,
            description="Recordings found in the recordings directory (rows durable); "
            "'Other directory…' takes any path.",
        )  # fmt: skip
        self.recording_pick.param.watch(self._on_pick, "value")
        refresh = pn.widgets.Button(
            label="↻ Refresh list", variant="outline", css_classes=["arb-ob-refresh"], **wide,
            description="Look for recordings in the recordings directory again.",
        )  # fmt: skip
        refresh.on_click(lambda _e: self.refresh_recordings())
        self.recordings_note = theme.html("", css_classes=["arb-ob-recordings-note"])
        self.recording_controls = pn.Column(
            self.recording_pick, self.recording_path, refresh, self.recordings_note,
            visible=False, **wide,
        )  # fmt: skip
        self.refresh_recordings()
        exchange = pn.widgets.Select.from_param(m.param.exchange, name="Exchange", **wide)
        symbol = pn.widgets.TextInput.from_param(m.param.symbol, name="Symbol", **wide)
        endpoint = pn.widgets.Select.from_param(
            m.param.endpoint, name="Endpoint ('local': the loopback exchange simulator)", **wide
        )
        self.live_controls = pn.Column(exchange, symbol, endpoint, visible=False, **wide)
        self.record_dir = pn.widgets.TextInput(
            name="Record into directory", placeholder="e.g. recordings/btc", **wide,
            description="Directory the ● Record toggle writes the ticks to (created if missing).",
        )  # fmt: skip
        self.record = pn.widgets.Toggle(
            label="● Record", color="danger", variant="outline", css_classes=["arb-ob-record"],
            **wide,
        )  # fmt: skip
        self.record.param.watch(self._on_record, "value")
        m.param.watch(self._on_source, ["source"])
        self.status = theme.html("", css_classes=["arb-ob-status"])
        controls = [
            section("Source"),
            source,
            self.recording_controls,
            self.live_controls,
            section("Feed"),
            self.toggle,
            reset,
            pn.widgets.IntSlider.from_param(m.param.speed, label="Speed (events per tick)", start=1, end=1000, **slider),
            pn.widgets.IntInput.from_param(m.param.seed, label="Seed", sizing_mode="stretch_width"),
            section("Metrics"),
            pn.widgets.IntSlider.from_param(m.param.depth, label="Imbalance depth (levels)", **slider),
            pn.widgets.FloatInput.from_param(m.param.order_size, label="Market order size (VWAP cost)", sizing_mode="stretch_width"),
            pn.widgets.FloatSlider.from_param(m.param.depth_bps, label="Depth band (bps)", **slider),
            section("Record"),
            self.record_dir,
            self.record,
            theme.html(
                '<div class="arb-note">Zero-intelligence order flow (Poisson limit, market and cancel '
                "orders; Cont, Stoikov &amp; Talreja 2010) replayed through an L2 book with sequence "
                "checks on the selected backend.</div>",
                margin=(4, 10),
            ),
        ]  # fmt: skip
        self.kpis = theme.html("", css_classes=["arb-ob-kpis"])
        self.ladder = theme.html(ladder_html(m.ladder(20)), css_classes=["arb-ladder-pane"])
        mid = hv.DynamicMap(self._mid_plot, streams=[self.buffer])
        spread = hv.DynamicMap(self._spread_plot, streams=[self.buffer])
        imbalance = hv.DynamicMap(self._imbalance_plot, streams=[self.buffer])
        depth = hv.DynamicMap(self._depth_plot, streams=[self.pipe])
        hvp = dict(sizing_mode="stretch_width", **UNLINKED)
        body = [
            self.error,
            self.status,
            self.kpis,
            pn.Row(
                panel_card("Ladder (top 20 levels)", self.ladder, width=420, sizing_mode=None),
                panel_card("Depth", pn.pane.HoloViews(depth, css_classes=["arb-depth"], **hvp)),
                sizing_mode="stretch_width",
            ),
            panel_card(
                "Mid and microprice", pn.pane.HoloViews(mid, css_classes=["arb-mid"], **hvp)
            ),
            pn.Row(
                panel_card("Spread (bps)", pn.pane.HoloViews(spread, **hvp)),
                panel_card("Imbalance at depth", pn.pane.HoloViews(imbalance, **hvp)),
                sizing_mode="stretch_width",
            ),
        ]
        self._layout = page(
            "Order book",
            controls,
            body,
            intro="A live L2 book: start the feed, change its speed, watch the ladder, depth and the "
            "streaming mid, spread and imbalance.",
            css_class="arb-page-orderbook",
        )
        self._callback: Any = None
        self._ticking = threading.Lock()
        if pn.state.curdoc is not None and pn.state.curdoc.session_context is not None:
            pn.state.on_session_destroyed(lambda _ctx: self.model.close())
        if m.source != "live":
            self.tick()  # show the opening book before the feed starts

    # -- feed -------------------------------------------------------------------------------
    def tick(self) -> None:
        """Advance the feed by one step and push the results to the streams."""
        try:
            frame = self.model.step()
        except Exception as exc:  # shown on the page; the feed stops
            self.error.param.update(
                object=theme.alert_html(
                    html.escape(f"Order book feed stopped: {type(exc).__name__}: {exc}")
                ),
                visible=True,
            )
            self.toggle.value = False
            return
        if self.error.visible:
            self.error.visible = False
        if len(frame):
            self.buffer.send(frame)
        self.status.object = self._status_html()
        ladder = self.model.ladder(20)
        self.pipe.send(ladder)
        self.ladder.object = ladder_html(ladder)
        self.kpis.object = self._kpis()

    def _on_toggle(self, event: param.parameterized.Event) -> None:
        running = bool(event.new)
        self.model.running = running
        self.toggle.label = "■ Stop" if running else "▶ Start"
        self.toggle.color = "danger" if running else "success"
        if running and self._callback is None:
            self._callback = pn.state.add_periodic_callback(self._periodic, period=self.period_ms)
        elif not running and self._callback is not None:
            self._callback.stop()
            self._callback = None

    def _periodic(self) -> None:
        # a tick that outlasts the period is not overlapped by the next one (worker threads)
        if self.model.running and self._ticking.acquire(blocking=False):
            try:
                self.tick()
            finally:
                self._ticking.release()

    def _on_source(self, event: param.parameterized.Event) -> None:
        self.recording_controls.visible = event.new == "recording"
        self.live_controls.visible = event.new == "live"
        self.buffer.clear()
        if event.new == "recording":
            self.refresh_recordings()

    # -- recordings picker ------------------------------------------------------------------
    def refresh_recordings(self) -> None:
        """List the recordings of the model's recordings directory in the picker (name and
        durable rows; an unreadable one says so), plus 'Other directory…' for any path."""
        m = self.model
        found = m.recordings()
        options = {}
        for rec in found:
            label = f"{rec.name} · {rec.rows:,} rows" if not rec.error else f"{rec.name} · invalid"
            options[label] = rec.path
        options[OTHER_PATH] = OTHER_PATH
        current = m.recording_path.strip()
        known = current in options.values()
        self.recording_pick.options = options
        self.recording_pick.value = current if known else OTHER_PATH
        self.recording_path.visible = not known
        bad = [rec for rec in found if rec.error]
        where = html.escape(m.recordings_dir)
        note = (
            f"{len(found)} recording(s) in <code>{where}</code>"
            if found
            else f"no recordings in <code>{where}</code> yet: record one below, or enter a path"
        )
        if bad:
            note += "".join(
                f"<br>{html.escape(rec.name)}: {html.escape(rec.error)}" for rec in bad[:5]
            )
        self.recordings_note.object = f'<div class="arb-note">{note}</div>'

    def _on_pick(self, event: param.parameterized.Event) -> None:
        other = event.new == OTHER_PATH
        self.recording_path.visible = other
        if not other and event.new and event.new != self.model.recording_path:
            self.model.recording_path = event.new
            if self.model.source == "recording":
                self._reset(None)  # its opening book now, or why it cannot be replayed

    def _on_record(self, event: param.parameterized.Event) -> None:
        try:
            if event.new:
                self.model.start_recording(self.record_dir.value)
            else:
                self.model.stop_recording()
        except (ValueError, OSError) as exc:
            self.error.param.update(
                object=theme.alert_html(html.escape(f"Recording: {exc}")), visible=True
            )
            if event.new:
                self.record.value = False
            return
        self.record.label = "■ Stop recording" if event.new else "● Record"
        self.status.object = self._status_html()
        if not event.new:
            self.refresh_recordings()  # a finished recording is listed

    def _status_html(self) -> str:
        m = self.model
        parts = []
        if m.source == "live":
            parts.append(
                f"<b>{html.escape(m.exchange)} {html.escape(m.symbol)}</b> "
                f"({html.escape(m.endpoint)}) · {html.escape(m.status)}"
            )
        else:
            parts.append(f"<b>{html.escape(m.source)}</b> · row {m.position:,}")
            engine = m.engine_of("ob_replay")
            if engine:
                k = m.ticks_per_call()
                per = "one call per tick" if k == 1 else f"one call per {k} ticks"
                parts.append(
                    f'replayed by <b class="arb-ob-engine">{html.escape(engine)}</b> ({per})'
                )
        if m.recording:
            parts.append(
                f"recording into {html.escape(m.recording)} · {m.durable_rows:,} rows durable"
            )
        return f'<div class="arb-note arb-ob-status-line">{" · ".join(parts)}</div>'

    def _reset(self, _: Any) -> None:
        self.toggle.value = False
        self.model.reset()
        self.buffer.clear()
        self.tick()

    # -- renderers --------------------------------------------------------------------------
    def _kpis(self) -> str:
        met = self.model.metrics
        if met is None:
            return ""
        engine = html.escape(self.model.engine_of("ob_replay") or "–")
        return fmt.kpis(
            [
                fmt.kpi("Mid", met.mid, "{:,.3f}", key="ob_mid"),
                fmt.kpi("Spread", met.spread_bps, "{:.2f} bps", key="ob_spread"),
                fmt.kpi("Microprice", met.microprice, "{:,.4f}", key="ob_microprice"),
                fmt.kpi(
                    "Imbalance",
                    met.imbalance,
                    "{:+.2f}",
                    sub=f"top {met.depth} levels",
                    key="ob_imbalance",
                    signed=True,
                ),
                fmt.kpi(
                    "Buy cost",
                    met.buy_cost_bps,
                    "{:.2f} bps",
                    sub=f"{met.order_size:,.0f} at market",
                    key="ob_buy_cost",
                ),
                fmt.kpi("Sell cost", met.sell_cost_bps, "{:.2f} bps", key="ob_sell_cost"),
                fmt.kpi(
                    "Clock", self.model.clock, "{:,.1f} s", sub=f"engine {engine}", key="ob_clock"
                ),
            ]
        )

    # the builders live in lab.plots.orderbook
    _mid_plot = staticmethod(ob_plots.mid_plot)
    _spread_plot = staticmethod(ob_plots.spread_plot)
    _imbalance_plot = staticmethod(ob_plots.imbalance_plot)
    _depth_plot = staticmethod(ob_plots.depth_plot)

    def __panel__(self) -> pn.viewable.Viewable:
        return self._layout
