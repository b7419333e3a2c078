"""The Regimes page: a Gaussian HMM of daily returns, its causal and look-ahead probabilities."""

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
from components.layout import page, panel_card, section
from lab.models.regimes import RegimeModel

COLOUR_BY = {
    "filtered given full-sample parameters": "filtered",
    "walk-forward (causal; needs walk-forward on)": "walk_forward",
    "smoothed (look-ahead)": "smoothed",
    "Viterbi path (look-ahead)": "viterbi",
}

PROB_TITLES = {
    "filtered": "no data after t in the filter, but full-sample parameters",
    "walk_forward": "causal: parameters re-fitted on past data, no data after t",
    "smoothed": "look-ahead: uses the whole sample",
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
            pn.widgets.RadioBoxGroup.from_param(self.param.colour_by, options=COLOUR_BY, label=""),
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
                panel_card("Transition matrix P(s[t+1] = j | s[t] = i)", hv_pane(trans, sizing_mode="stretch_width"),
                           width=400, sizing_mode=None),
                panel_card("Per-regime statistics", table),
                sizing_mode="stretch_width",
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

    # -- helpers ----------------------------------------------------------------------------
    def _labels(self, fit: Any, rank: np.ndarray) -> list[str]:
        vols = np.sqrt(np.asarray(fit.covars)[:, 0]) * np.sqrt(252)
        means = np.asarray(fit.means)[:, 0] * 252
        return [f"state {k}: μ {means[k]:+.0%}, σ {vols[k]:.0%}" for k in range(len(vols))]

    @staticmethod
    def _colours(rank: np.ndarray) -> list[str]:
        n = len(rank)
        palette = theme.REGIME_COLORS
        if n == 2:
            order = [palette[0], palette[2]]
        elif n == 3:
            order = [palette[0], palette[1], palette[2]]
        else:
            order = list(palette)
        return [order[int(r)] for r in rank]

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

    def _price_plot(
        self, fit: Any, obs: pd.DataFrame | None, level: pd.Series | None, rank: Any, colour_by: str
    ) -> hv.Overlay:
        kd, vd = hv.Dimension("date"), hv.Dimension("level", label="growth of 1")
        if fit is None or obs is None or level is None:
            return hv.Overlay([hv.Curve([], kd, vd)]).opts(framewise=True)
        lv = level.reindex(obs.index)
        if colour_by == "viterbi":
            state = np.asarray(fit.viterbi)
        else:
            probs = np.asarray(getattr(fit, colour_by))
            # walk-forward rows before the first refit have no state (NaN): left uncoloured
            state = np.where(
                np.isnan(probs).any(axis=1), -1, np.argmax(np.nan_to_num(probs), axis=1)
            )
        labels = self._labels(fit, rank)
        colours = self._colours(rank)
        layers: list[Any] = [
            hv.Curve((level.index, level.to_numpy()), kd, vd).opts(color="#64748b", line_width=0.8)
        ]
        for k in range(len(labels)):
            sel = state == k
            layers.append(
                hv.Scatter((lv.index[sel], lv.to_numpy()[sel]), kd, vd, label=labels[k]).opts(
                    color=colours[k], size=3.5
                )
            )
        return hv.Overlay(layers).opts(
            framewise=True, height=340, logy=True, legend_position="top_left", xlabel=""
        )

    def _prob_plot(self, fit: Any, obs: pd.DataFrame | None, rank: Any, which: str) -> hv.Overlay:
        kd, vd = hv.Dimension("date"), hv.Dimension("probability")
        if fit is None or obs is None:
            return hv.Overlay([hv.Area([], kd, vd)]).opts(framewise=True)
        probs = np.asarray(getattr(fit, which))
        labels = self._labels(fit, rank)
        colours = self._colours(rank)
        areas = [
            hv.Area((obs.index, probs[:, k]), kd, vd, label=labels[k]).opts(
                color=colours[k], alpha=0.85, line_width=0
            )
            for k in range(probs.shape[1])
        ]
        title = PROB_TITLES[which]
        return hv.Area.stack(hv.Overlay(areas)).opts(
            framewise=True, height=260, ylim=(0, 1), title=title, show_legend=False, xlabel=""
        )

    def _transition_plot(self, fit: Any) -> hv.Overlay:
        kdims = [hv.Dimension("to"), hv.Dimension("from")]
        if fit is None:
            return (
                hv.HeatMap([], kdims, "p")
                * hv.Labels([], kdims, "text")
                * hv.Labels([], kdims, "text")
            )
        p = np.asarray(fit.transmat)
        names = [f"state {k}" for k in range(p.shape[0])]
        rows = [
            (names[j], names[i], float(p[i, j]))
            for i in range(p.shape[0])
            for j in range(p.shape[1])
        ]
        heat = hv.HeatMap(rows, kdims, "p").opts(
            cmap="Blues",
            clim=(0, 1),
            colorbar=False,
            invert_yaxis=True,
            tools=["hover"],
            height=300,
            responsive=True,
        )
        dark = hv.Labels([(a, b, f"{v:.3f}") for a, b, v in rows if v <= 0.5], kdims, "text").opts(
            text_color="#0f172a", text_font_size="11pt"
        )
        light = hv.Labels([(a, b, f"{v:.3f}") for a, b, v in rows if v > 0.5], kdims, "text").opts(
            text_color="#f8fafc", text_font_size="11pt"
        )
        return (heat * dark * light).opts(framewise=True)

    def _table(self, table: pd.DataFrame | None) -> str:
        if table is None:
            return ""
        return fmt.table(
            table, STATE_FORMATS, index_label="regime", signed=("ann. mean return", "Sharpe")
        )

    def __panel__(self) -> pn.viewable.Viewable:
        return self._layout
