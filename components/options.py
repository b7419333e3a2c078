"""The Options page: a strategy builder (presets and editable legs), payoff at and before
expiry, and position greeks against spot."""

from __future__ import annotations

from typing import Any

import holoviews as hv
import numpy as np
import pandas as pd
import panel as pn
import param

from components import format as fmt
from components import theme
from components._reactive import ErrorBar, bind, dmap, hv_pane
from components.export import download_button
from components.layout import page, panel_card, section
from lab.analytics.options import PRESETS
from lab.models.options import OptionsModel
from lab.plots import options as options_plots

GREEKS = (
    ("delta", "Δ delta (per 1 of spot)"),
    ("gamma", "Γ gamma (per 1 of spot²)"),
    ("vega", "vega (per 1.00 of vol)"),
    ("theta", "θ theta (per year)"),
    ("rho", "ρ rho (per 1.00 of rate)"),
)


class OptionsView(pn.viewable.Viewer):
    """Explore an option strategy (the Options page)."""

    model = param.ClassSelector(class_=OptionsModel, doc="The strategy and its valuation inputs.")

    def __init__(self, **params: Any) -> None:
        if params.get("model") is None:
            params["model"] = OptionsModel()
        super().__init__(**params)
        theme.setup()
        m = self.model
        self.errors = ErrorBar()
        slider = dict(throttled=True, sizing_mode="stretch_width")
        presets = {p.replace("_", " "): p for p in PRESETS}
        self.legs_table = pn.widgets.Tabulator(
            m.legs, show_index=False, sizing_mode="stretch_width", height=190, theme="fast",
            editors={"kind": {"type": "list", "values": ["call", "put", "stock"]}},
            formatters={c: {"type": "money", "precision": 4} for c in ("strike", "premium", "expiry")},
            css_classes=["arb-legs"],
        )  # fmt: skip
        self.legs_table.on_edit(self._on_edit)
        m.param.watch(lambda e: setattr(self.legs_table, "value", e.new), "legs")
        add = pn.widgets.Button(
            label="+ leg", color="primary", variant="outline",
            description="Add a leg (a long call at the money) to the strategy.",
        )  # fmt: skip
        add.on_click(self._add_leg)
        remove = pn.widgets.Button(
            label="− last leg", color="primary", variant="outline",
            description="Remove the strategy's last leg.",
        )  # fmt: skip
        remove.on_click(self._remove_leg)
        controls = [
            section("Strategy"),
            pn.widgets.Select.from_param(m.param.preset, options=presets, label="Preset", sizing_mode="stretch_width"),
            pn.widgets.FloatInput.from_param(m.param.spot, label="Spot", sizing_mode="stretch_width"),
            pn.widgets.FloatSlider.from_param(m.param.width_pct, label="Strike spacing (% of spot)", **slider),
            pn.widgets.IntSlider.from_param(m.param.expiry_days, label="Days to expiry", **slider),
            pn.widgets.FloatSlider.from_param(m.param.pricing_vol, label="Vol used for premiums", format="0%", **slider),
            pn.widgets.FloatInput.from_param(m.param.quantity, label="Quantity multiplier", sizing_mode="stretch_width"),
            section("Valuation now"),
            pn.widgets.FloatSlider.from_param(m.param.vol, label="Volatility", format="0%", **slider),
            pn.widgets.FloatSlider.from_param(m.param.rate, label="Rate", format="0.00%", **slider),
            pn.widgets.FloatSlider.from_param(m.param.dividend, label="Dividend yield", format="0.00%", **slider),
            pn.widgets.IntSlider.from_param(m.param.days_elapsed, label="Days since inception", **slider),
            pn.widgets.FloatSlider.from_param(m.param.spot_range, label="Spot range (±)", format="0%", **slider),
        ]  # fmt: skip
        e = self.errors
        kpis = theme.html(bind(self._kpis, m.payoff, errors=e))
        payoff = dmap(self._payoff_plot, m.payoff, errors=e, name="payoff")
        greeks = [
            hv_pane(
                dmap(self._greek_plot(g, label), m.greeks, errors=e, name=g),
                sizing_mode="stretch_width",
            )
            for g, label in GREEKS
        ]
        body = [
            e,
            kpis,
            panel_card("Legs (edit cells; quantity > 0 long, < 0 short; expiry in years; premium paid per unit)",
                       self.legs_table, pn.Row(add, remove)),
            panel_card("Profit and loss against spot", hv_pane(payoff, sizing_mode="stretch_width", css_classes=["arb-payoff"])),
            panel_card("Position greeks against spot (now)", pn.GridBox(*greeks, ncols=3, sizing_mode="stretch_width")),
        ]  # fmt: skip
        controls += [
            section("Export"),
            download_button("option-legs", self._legs_frame, "csv", lambda: (), e),
        ]
        self._layout = page(
            "Options",
            controls,
            body,
            intro="Black-Scholes valuation of a static strategy: P&L at the earliest expiry and now "
            "(after the days elapsed), with the position's greeks, computed on the selected backend.",
            css_class="arb-page-options",
        )

    # -- legs editing -----------------------------------------------------------------------
    def _on_edit(self, _: Any) -> None:
        self.model.legs = self.legs_table.value.copy()

    def _legs_frame(self) -> pd.DataFrame:
        """The strategy's legs as exported, column names with their units."""
        legs = self.model.legs
        if legs is None or not len(legs):
            raise ValueError("the strategy has no legs")
        return legs.rename(
            columns={"strike": "strike [USD]", "expiry": "expiry [years]",
                     "premium": "premium [USD per unit]"}
        )  # fmt: skip

    def _add_leg(self, _: Any) -> None:
        m = self.model
        legs = (
            m.legs
            if m.legs is not None
            else pd.DataFrame(columns=["kind", "strike", "quantity", "expiry", "premium"])
        )
        row = {
            "kind": "call",
            "strike": m.spot,
            "quantity": 1.0,
            "expiry": m.expiry_days / 365.0,
            "premium": 0.0,
        }
        m.legs = pd.concat([legs, pd.DataFrame([row])], ignore_index=True)

    def _remove_leg(self, _: Any) -> None:
        m = self.model
        if m.legs is not None and len(m.legs) > 1:
            m.legs = m.legs.iloc[:-1].reset_index(drop=True)

    # -- renderers --------------------------------------------------------------------------
    def _kpis(self, res: Any) -> str:
        if res is None:
            return ""
        be = ", ".join(f"{b:,.2f}" for b in np.asarray(res.breakevens)) or "none"
        return fmt.kpis(
            [
                fmt.kpi("Net premium", res.cost, "{:+,.3f}", sub="paid (−: credit)", key="cost"),
                fmt.kpi(
                    "Max profit",
                    res.max_profit,
                    "{:+,.2f}",
                    sub="at expiry, on the grid",
                    key="max_profit",
                    signed=True,
                ),
                fmt.kpi(
                    "Max loss",
                    res.max_loss,
                    "{:+,.2f}",
                    sub="at expiry, on the grid",
                    key="max_loss",
                    signed=True,
                ),
                fmt.kpi("Breakevens", be, "{}", sub="at expiry", key="breakevens"),
                fmt.kpi(
                    "engine", self.model.engine_of("strategy_payoff") or "–", "{}", key="engine"
                ),
            ]
        )

    # the builders live in lab.plots.options
    def _payoff_plot(self, res: Any) -> hv.Overlay:
        return options_plots.payoff_plot(res, self.model.spot, self.model.days_elapsed)

    def _greek_plot(self, greek: str, label: str):
        return options_plots.greek_plot(greek, label)

    def __panel__(self) -> pn.viewable.Viewable:
        return self._layout
