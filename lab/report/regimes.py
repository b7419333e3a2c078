"""The report's regimes section, read from a :class:`~lab.models.regimes.RegimeModel`.

It shows the fitted Gaussian HMM (parameters, log-likelihood, BIC), the per-regime statistics
and the transition matrix of the model, the asset's growth coloured by the most likely
*filtered* state (filtered given full-sample parameters), and the probability of the most
turbulent regime filtered against smoothed (look-ahead), as on the Regimes page.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from bokeh.models import ColumnDataSource, HoverTool, Legend, Range1d

from lab.format import number
from lab.report.plots import base_figure
from lab.report.section import Section

TITLE = "Market regimes (hidden Markov model)"

FUNCTIONS = ("hmm_fit",)
"""Analytics behind the section."""

REGIME_COLORS = ("#16a34a", "#d97706", "#dc2626", "#9333ea", "#0284c7")
"""Regime colours from the calmest (lowest volatility) state up."""

PARAMS = ("asset", "n_states", "features", "vol_window", "n_iter", "n_init", "seed")


def collect(model: Any) -> Section:
    """The regimes section of ``model``'s current fit (computed through its cache)."""
    res = model.fit()
    obs = model.observations()
    table = model.state_table()
    rank = np.asarray(model.volatility_rank())
    dates = obs.index
    level = model.level().reindex(dates)
    filtered = np.asarray(res.filtered)
    smoothed = np.asarray(res.smoothed)
    k = filtered.shape[1]
    states = [f"state {i}" for i in range(k)]
    vol_word = " and trailing realised volatility" if obs.shape[1] > 1 else ""
    notes = (
        f"Gaussian HMM with {k} regimes on the daily log returns{vol_word} of {model.asset}, "
        f"{len(obs):,} days from {dates[0].date()} to {dates[-1].date()}; best of {res.n_init} EM "
        f"restarts (seed {model.seed}), {res.n_iter} iterations, "
        f"{'converged' if res.converged else 'NOT converged'}. Log-likelihood "
        f"{number(res.loglik, '{:,.2f}')}, BIC {number(res.bic, '{:,.2f}')}.",
        "States are numbered by ascending mean return. Filtered probabilities use only data up "
        "to each day in their recursion, but given parameters fitted on the whole sample; "
        "smoothed probabilities and the Viterbi path use the whole sample (look-ahead).",
    )
    formats = {
        "ann. mean return": "{:+.2%}",
        "ann. volatility": "{:.2%}",
        "Sharpe": "{:.2f}",
        "share of days": "{:.1%}",
        "expected duration (days)": "{:.1f}",
        "Viterbi days": "{:,.0f}",
    }
    stats_rows = [
        [name]
        + [number(float(table.loc[name, c]), formats.get(c, "{:.4g}")) for c in table.columns]
        for name in table.index
    ]
    trans = np.asarray(res.transmat)
    trans_rows = [[states[i]] + [number(float(p), "{:.4f}") for p in trans[i]] for i in range(k)]
    data = {
        "params": {p: getattr(model, p) for p in PARAMS},
        "engine": model.engine_of("hmm_fit"),
        "days": int(len(obs)),
        "start": dates[0],
        "end": dates[-1],
        "loglik": res.loglik,
        "bic": res.bic,
        "converged": res.converged,
        "n_iter": res.n_iter,
        "means": res.means,
        "covars": res.covars,
        "transmat": res.transmat,
        "startprob": res.startprob,
        "state_table": {c: table[c].to_numpy() for c in table.columns},
    }
    return Section(
        title=TITLE,
        data=data,
        tables={
            "Per-regime statistics": (["regime", *table.columns], stats_rows),
            "Transition matrix, P(next regime | current regime)": (
                ["from \\ to", *states],
                trans_rows,
            ),
        },
        series={
            "dates": dates.to_numpy(),
            "level": level.to_numpy(dtype=float),
            "filtered": filtered,
            "smoothed": smoothed,
            "rank": rank,
            "asset": str(model.asset),
        },
        notes=notes,
    )


def figures(section: Section) -> list:
    """Growth coloured by the filtered state, and the turbulent regime's probability."""
    s = section.series
    dates, level, filtered, smoothed, rank = (
        s["dates"],
        s["level"],
        s["filtered"],
        s["smoothed"],
        s["rank"],
    )
    state = np.argmax(filtered, axis=1)
    price = base_figure(
        "regimes_price",
        f"{s['asset']}: growth of 1, coloured by the most likely filtered regime (full-sample parameters)",
        "growth of 1",
    )
    price.line(dates, level, color="#94a3b8", line_width=1)
    items = []
    for k in range(filtered.shape[1]):
        mask = state == k
        src = ColumnDataSource({"date": dates[mask], "level": level[mask]})
        r = price.scatter(
            "date",
            "level",
            source=src,
            size=3,
            color=REGIME_COLORS[int(rank[k]) % len(REGIME_COLORS)],
        )
        items.append((f"state {k}", [r]))
    price.add_layout(
        Legend(items=items, location="top_left", click_policy="hide", label_text_font_size="11px")
    )
    price.add_tools(
        HoverTool(
            tooltips=[("date", "@date{%F}"), ("growth", "@level{0.000}")],
            formatters={"@date": "datetime"},
        )
    )

    turbulent = int(np.argmax(rank))
    prob = base_figure(
        "regimes_probability",
        f"Probability of the most turbulent regime (state {turbulent}): filtered vs smoothed",
        "probability",
        x_range=price.x_range,
    )
    src = ColumnDataSource(
        {"date": dates, "filtered": filtered[:, turbulent], "smoothed": smoothed[:, turbulent]}
    )
    r_f = prob.line("date", "filtered", source=src, color="#0284c7", line_width=1.2)
    r_s = prob.line("date", "smoothed", source=src, color="#dc2626", line_width=1, line_alpha=0.7)
    prob.y_range = Range1d(-0.02, 1.02)
    prob.add_layout(
        Legend(
            items=[
                ("filtered given full-sample parameters", [r_f]),
                ("smoothed (look-ahead)", [r_s]),
            ],
            location="top_left",
            click_policy="hide",
            label_text_font_size="11px",
        )
    )
    prob.add_tools(
        HoverTool(
            renderers=[r_f],
            tooltips=[
                ("date", "@date{%F}"),
                ("filtered", "@filtered{0.000}"),
                ("smoothed", "@smoothed{0.000}"),
            ],
            formatters={"@date": "datetime"},
            mode="vline",
        )
    )
    return [price, prob]
