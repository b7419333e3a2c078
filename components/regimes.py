"""The Regimes page: a Gaussian HMM of daily returns, its causal and look-ahead probabilities."""

from __future__ import annotations

from typing import Any

import holoviews as hv
import pandas as pd
import panel as pn
import param

from components import format as fmt
from components import theme
from components._reactive import ErrorBar, bind, dmap, hv_pane
from components.export import download_button
from components.layout import page, panel_card, section
from lab.models.regimes import RegimeModel
from lab.plots import regimes as regime_plots
from lab.plots.regimes import PROB_TITLES  # noqa: F401  (the page's titles)

COLOUR_BY = {
    "filtered given full-sample parameters": "filtered",
    "walk-forward (causal; needs walk-forward on)": "walk_forward",
    "smoothed (look-ahead)": "smoothed",
    "Viterbi path (look-ahead)": "viterbi",
}

STATE_FORMATS = {
    "ann. mean return": "{:+.1%}",
    "ann. volatility": "{:.1%}",
    "Sharpe": "{:.2f}",
    "share of days": "{:.1%}",
    "expected duration (days)": "{:.1f}",
    "Viterbi days": "{:,.0f}",
}


class RegimeView(pn.viewable.Viewer):
    """Fit and inspect market regimes (the Regimes page)."""

    model = param.ClassSelector(class_=RegimeModel, doc="The regime model.")
    colour_by = param.Selector(
        default="filtered",
        objects=list(COLOUR_BY.values()),
        doc="State path that colours the price.",
    )

    def __init__(self, **params: Any) -> None:
        if params.get("model") is None:
            params["model"] = RegimeModel()
        super().__init__(**params)
        theme.setup()
        m = self.model
        self.errors = ErrorBar()
        slider = dict(throttled=True, sizing_mode="stretch_width")
        controls = [
            section("Observations"),
            pn.widgets.Select.from_param(m.param.asset, label="Asset", sizing_mode="stretch_width"),
            pn.widgets.RadioButtonGroup.from_param(m.param.features, sizing_mode="stretch_width", color="primary", variant="outline"),
            pn.widgets.IntSlider.from_param(m.param.vol_window, label="Realised-vol window (days)", **slider),
            section("Model"),
            pn.widgets.IntSlider.from_param(m.param.n_states, label="Regimes K", **slider),
            pn.widgets.IntSlider.from_param(m.param.n_init, label="EM restarts", **slider),
            pn.widgets.IntSlider.from_param(m.param.n_iter, label="Max EM iterations", **slider),
            pn.widgets.IntInput.from_param(m.param.seed, label="Seed", sizing_mode="stretch_width"),
            section("Walk-forward (causal parameters)"),
            pn.widgets.Checkbox.from_param(m.param.walk_forward, label="Re-fit on past data only"),
            pn.widgets.IntSlider.from_param(m.param.wf_window, label="Training days per refit", end=1260,
                                            visible=m.param.walk_forward.rx(), **slider),
            pn.widgets.IntSlider.from_param(m.param.wf_refit_every, label="Days between refits", end=252,
                                            visible=m.param.walk_forward.rx(), **slider),
            pn.widgets.Checkbox.from_param(m.param.wf_anchored, label="Anchored (all past days)",
                                           visible=m.param.walk_forward.rx()),
            section("Colour the price by"),
            pn.widgets.RadioBoxGroup.from_param(self.param.colour_by, options=COLOUR_BY, label="",
                                                sizing_mode="stretch_width"),
            theme.html(
                '<div class="arb-note"><b>filtered given full-sample parameters</b> uses no data '
                "after t in its recursion, but its parameters were fitted on the whole sample. "
                "<b>walk-forward</b> re-fits the parameters on past data only: it is what a trader "
                "could have known that day. <b>smoothed</b> and <b>Viterbi</b> use the whole sample: "
                "they look ahead and flatter any strategy built on them.</div>",
                margin=(4, 10),
            ),
        ]  # fmt: skip
        kpis = theme.html(bind(self._kpis, m.fit, errors=self.errors))
        price = dmap(
            self._price_plot,
            m.fit,
            m.observations,
            m.level,
            m.volatility_rank,
            errors=self.errors,
            extra=[(self, ["colour_by"])],
            name="price",
        )
        filt = dmap(
            lambda f, o, r: self._prob_plot(f, o, r, "filtered"),
            m.fit,
            m.observations,
            m.volatility_rank,
            errors=self.errors,
            name="filtered",
        )
        smooth = dmap(
            lambda f, o, r: self._prob_plot(f, o, r, "smoothed"),
            m.fit,
            m.observations,
            m.volatility_rank,
            errors=self.errors,
            name="smoothed",
        )
        walked = dmap(
            lambda f, o, r: self._prob_plot(f, o, r, "walk_forward"),
            m.fit,
            m.observations,
            m.volatility_rank,
            errors=self.errors,
            name="walk_forward",
        )
        trans = dmap(self._transition_plot, m.fit, errors=self.errors, name="transmat")
        table = theme.html(
            bind(self._table, m.state_table, errors=self.errors), css_classes=["arb-state-table"]
        )
        hvpane = dict(sizing_mode="stretch_width")
        body = [
            self.errors,
            kpis,
            panel_card("Growth of 1, coloured by regime", hv_pane(price, css_classes=["arb-regime-price"], **hvpane)),
            pn.Row(
                panel_card("Filtered P(state | data up to t) given full-sample parameters",
                           hv_pane(filt, css_classes=["arb-filtered"], **hvpane)),
                panel_card("Smoothed P(state | all data): LOOK-AHEAD", hv_pane(smooth, css_classes=["arb-smoothed"], **hvpane)),
                sizing_mode="stretch_width",
            ),
            pn.Column(
                panel_card("Walk-forward P(state | data up to t), parameters re-fitted on past data: causal",
                           hv_pane(walked, css_classes=["arb-walk-forward"], **hvpane)),
                visible=m.param.walk_forward.rx(), sizing_mode="stretch_width",
            ),
            pn.Row(
                panel_card("Transition matrix P(s[t+1] = j | s[t] = i)", hv_pane(trans, sizing_mode="stretch_width")),
                panel_card("Per-regime statistics", table),
                sizing_mode="stretch_width",
            ),
        ]  # fmt: skip
        controls += [
            section("Export"),
            download_button(
                "regimes", lambda: m.state_table().reset_index(), "csv",
                lambda: (m.n_states, "states"), self.errors,
            ),
        ]  # fmt: skip
        self._layout = page(
            "Regimes",
            controls,
            body,
            intro="A Gaussian hidden Markov model of daily log returns, fitted by EM on the selected "
            "backend. Colours run from the calmest (green) to the most turbulent (red) regime.",
            css_class="arb-page-regimes",
        )

    # -- renderers --------------------------------------------------------------------------
    def _kpis(self, fit: Any) -> str:
        if fit is None:
            return ""
        return fmt.kpis(
            [
                fmt.kpi("log-likelihood", fit.loglik, "{:,.1f}", key="loglik"),
                fmt.kpi("BIC", fit.bic, "{:,.1f}", key="bic"),
                fmt.kpi(
                    "EM iterations",
                    fit.n_iter,
                    "{:,.0f}",
                    sub="converged" if fit.converged else "NOT converged",
                    key="n_iter",
                ),
                fmt.kpi("engine", self.model.engine_of("hmm_fit") or "–", "{}", key="engine"),
            ]
        )

    # the builders live in lab.plots.regimes (the report draws the same figures)
    def _price_plot(
        self, fit: Any, obs: pd.DataFrame | None, level: pd.Series | None, rank: Any, colour_by: str
    ) -> hv.Overlay:
        return regime_plots.price_plot(fit, obs, level, rank, colour_by)

    def _prob_plot(self, fit: Any, obs: pd.DataFrame | None, rank: Any, which: str) -> hv.Overlay:
        return regime_plots.prob_plot(fit, obs, rank, which)

    def _transition_plot(self, fit: Any) -> hv.Overlay:
        return regime_plots.transition_plot(fit)

    def _table(self, table: pd.DataFrame | None) -> str:
        if table is None:
            return ""
        return fmt.table(
            table, STATE_FORMATS, index_label="regime", signed=("ann. mean return", "Sharpe")
        )

    def __panel__(self) -> pn.viewable.Viewable:
        return self._layout
