"""The report's regimes section, read from a :class:`~lab.models.regimes.RegimeModel`.

It shows the fitted Gaussian HMM (parameters, log-likelihood, BIC), the per-regime statistics
and the transition matrix of the model, and the Regimes page's plots
(:mod:`lab.plots.regimes`): the asset's growth coloured by the most likely *filtered* state
(filtered given full-sample parameters), and the filtered and smoothed (look-ahead) state
probabilities.
"""

from __future__ import annotations

from typing import Any

import holoviews as hv
import numpy as np

from lab.format import number
from lab.plots import regimes as regime_plots
from lab.report.section import Section

TITLE = "Market regimes (hidden Markov model)"

FUNCTIONS = ("hmm_fit",)
"""Analytics behind the section."""

PARAMS = ("asset", "n_states", "features", "vol_window", "n_iter", "n_init", "seed")


def collect(model: Any) -> Section:
    """The regimes section of ``model``'s current fit (computed through its cache)."""
    res = model.fit()
    obs = model.observations()
    table = model.state_table()
    rank = np.asarray(model.volatility_rank())
    dates = obs.index
    level = model.level()
    filtered = np.asarray(res.filtered)
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
        series={"fit": res, "observations": obs, "level": level, "rank": rank},
        notes=notes,
    )


def figures(section: Section) -> dict[str, hv.Element]:
    """The Regimes page's growth plot (coloured by the filtered state) and its filtered and
    smoothed probability plots."""
    s = section.series
    fit, obs, rank = s["fit"], s["observations"], s["rank"]
    return {
        "regimes_price": regime_plots.price_plot(fit, obs, s["level"], rank, "filtered"),
        "regimes_filtered": regime_plots.prob_plot(fit, obs, rank, "filtered"),
        "regimes_smoothed": regime_plots.prob_plot(fit, obs, rank, "smoothed"),
    }
