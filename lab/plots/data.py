"""Figures of the Data page: normalised prices, the correlation heat map and the PCA
explained variance."""

from __future__ import annotations

from typing import Any

import holoviews as hv
import numpy as np
import pandas as pd

from lab.plots import style
from lab.plots.charts import category_bars


def prices_plot(normalised: pd.DataFrame | None, log_y: bool) -> hv.NdOverlay:
    """Prices normalised to 1 at their first valid day, one curve per symbol."""
    if normalised is None:
        return hv.NdOverlay({}, kdims="symbol")
    curves = {
        str(c): hv.Curve(
            (normalised.index, normalised[c].to_numpy()),
            "date",
            "normalised price",
            label=str(c),
        ).opts(color=style.SERIES_COLORS[i % len(style.SERIES_COLORS)])
        for i, c in enumerate(normalised.columns)
    }
    return hv.NdOverlay(curves, kdims="symbol").opts(
        logy=log_y, legend_position="right", legend_cols=1 if len(curves) <= 12 else 2,
        legend_opts={"label_text_font_size": "8pt", "spacing": 0, "glyph_height": 12, "label_height": 12},
        height=420, responsive=True, tools=["hover"], title="", toolbar="above", framewise=True,
    )  # fmt: skip


def corr_plot(corr: pd.DataFrame | None) -> hv.HeatMap:
    """The correlation matrix of the returns as a heat map."""
    if corr is None:
        return hv.HeatMap([], ["x", "y"], "correlation").opts(framewise=True)
    symbols = [str(c) for c in corr.columns]
    rows = [
        (a, b, float(corr.iloc[i, j])) for i, a in enumerate(symbols) for j, b in enumerate(symbols)
    ]
    return hv.HeatMap(rows, ["x", "y"], "correlation").opts(
        cmap="RdBu_r", clim=(-1, 1), xrotation=60, height=420, responsive=True, tools=["hover"],
        invert_yaxis=True, colorbar=True, xlabel="", ylabel="", framewise=True,
    )  # fmt: skip


def pca_plot(res: Any) -> hv.Overlay:
    """Share of variance of each principal component, and its cumulative sum."""
    ratio = np.asarray([] if res is None else res.explained_variance_ratio, dtype=float)
    labels = [f"PC{i + 1}" for i in range(len(ratio))]
    bars = category_bars(
        labels, {"explained": ratio}, {"explained": style.ACCENT},
        category="component", value="share of variance", value_format="0.0%",
    )  # fmt: skip
    cum = hv.Curve(
        (np.arange(len(ratio)), np.cumsum(ratio)), "component", "share of variance",
        label="cumulative",
    ).opts(color=style.OUT_OF_SAMPLE, line_width=2)  # fmt: skip
    return (bars * cum).opts(
        height=420, responsive=True, ylim=(0, 1.02), ylabel="share of variance", framewise=True
    )
