"""Figures of a fitted Gaussian HMM (Regimes page and report): the asset's growth coloured by
the most likely state, the stacked state probabilities and the transition matrix.

Each builder takes the :class:`~lab.analytics.regimes.HMMResult`, the observations it was
fitted on (dated rows) and the states' volatility rank (0 = calmest), which orders the colours
from green (calm) to red (turbulent).
"""

from __future__ import annotations

from typing import Any

import holoviews as hv
import numpy as np
import pandas as pd

from lab.plots import style

PROB_TITLES = {
    "filtered": "no data after t in the filter, but full-sample parameters",
    "walk_forward": "causal: parameters re-fitted on past data, no data after t",
    "smoothed": "look-ahead: uses the whole sample",
}
"""Title of the probability plot of each state path."""


def state_labels(fit: Any) -> list[str]:
    """``"state k: μ +12%, σ 18%"``: annualised (252 days) mean and volatility of the first
    feature in each state."""
    vols = np.sqrt(np.asarray(fit.covars)[:, 0]) * np.sqrt(252)
    means = np.asarray(fit.means)[:, 0] * 252
    return [f"state {k}: μ {means[k]:+.0%}, σ {vols[k]:.0%}" for k in range(len(vols))]


def state_colours(rank: np.ndarray) -> list[str]:
    """Colour of each state from its volatility rank (calm green, then amber, then red)."""
    n = len(rank)
    palette = style.REGIME_COLORS
    if n == 2:
        order = [palette[0], palette[2]]
    elif n == 3:
        order = [palette[0], palette[1], palette[2]]
    else:
        order = list(palette)
    return [order[int(r)] for r in rank]


def price_plot(
    fit: Any, obs: pd.DataFrame | None, level: pd.Series | None, rank: Any, colour_by: str
) -> hv.Overlay:
    """Growth of 1 (log scale), each day coloured by its most likely state on the path
    ``colour_by`` (``"filtered"``, ``"smoothed"``, ``"walk_forward"`` or ``"viterbi"``)."""
    kd, vd = hv.Dimension("date"), hv.Dimension("level", label="growth of 1")
    if fit is None or obs is None or level is None:
        return hv.Overlay([hv.Curve([], kd, vd)]).opts(framewise=True)
    lv = level.reindex(obs.index)
    if colour_by == "viterbi":
        state = np.asarray(fit.viterbi)
    else:
        probs = np.asarray(getattr(fit, colour_by))
        # walk-forward rows before the first refit have no state (NaN): left uncoloured
        state = np.where(np.isnan(probs).any(axis=1), -1, np.argmax(np.nan_to_num(probs), axis=1))
    labels = state_labels(fit)
    colours = state_colours(rank)
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


def prob_plot(fit: Any, obs: pd.DataFrame | None, rank: Any, which: str) -> hv.Overlay:
    """The state probabilities of path ``which`` (see :data:`PROB_TITLES`), stacked."""
    kd, vd = hv.Dimension("date"), hv.Dimension("probability")
    if fit is None or obs is None:
        return hv.Overlay([hv.Area([], kd, vd)]).opts(framewise=True)
    probs = np.asarray(getattr(fit, which))
    labels = state_labels(fit)
    colours = state_colours(rank)
    areas = [
        hv.Area((obs.index, probs[:, k]), kd, vd, label=labels[k]).opts(
            color=colours[k], alpha=0.85, line_width=0
        )
        for k in range(probs.shape[1])
    ]
    return hv.Area.stack(hv.Overlay(areas)).opts(
        framewise=True,
        height=260,
        ylim=(0, 1),
        title=PROB_TITLES[which],
        show_legend=False,
        xlabel="",
    )


def transition_plot(fit: Any) -> hv.Overlay:
    """The transition matrix ``P(s[t+1] = j | s[t] = i)`` as a labelled heat map."""
    kdims = [hv.Dimension("to"), hv.Dimension("from")]
    if fit is None:
        return (
            hv.HeatMap([], kdims, "p") * hv.Labels([], kdims, "text") * hv.Labels([], kdims, "text")
        )
    p = np.asarray(fit.transmat)
    names = [f"state {k}" for k in range(p.shape[0])]
    rows = [
        (names[j], names[i], float(p[i, j])) for i in range(p.shape[0]) for j in range(p.shape[1])
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
