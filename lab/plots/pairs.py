"""Figures of the Pairs page: the pair scan's p-values or q-values as a heat map."""

from __future__ import annotations

import holoviews as hv
import numpy as np
import pandas as pd


def heatmap(matrix: pd.DataFrame | None, value: str) -> hv.HeatMap:
    """The scanned ordered pairs: row y (the earlier symbol), column x (the later one), the
    value of the test of log y on log x; both axes in the scan's symbol order."""
    label = "p-value" if value == "pvalue" else "q-value"
    symbols = [] if matrix is None else [str(s) for s in matrix.columns]
    kdims = [
        hv.Dimension("x", label="x (hedge)", values=symbols),
        hv.Dimension("y", label="y", values=symbols),
    ]
    if matrix is None:
        return hv.HeatMap([], kdims, label).opts(framewise=True)
    values = matrix.to_numpy()
    rows = [
        (symbols[j], symbols[i], float(values[i, j]))
        for i in range(len(symbols))
        for j in range(len(symbols))
        if np.isfinite(values[i, j])
    ]
    return hv.HeatMap(rows, kdims, hv.Dimension(label)).opts(
        cmap="magma", logz=True, clim=(1e-4, 1.0), colorbar=True, tools=["hover", "tap"],
        xrotation=60, invert_yaxis=True, height=560, responsive=True, framewise=True,
        clipping_colors={"NaN": "transparent"},  # unscanned cells show the theme's background
        hover_tooltips=[("test", "log @y on log @x"), (label, f"@{{{label}}}{{0.00000}}")],
        title=f"Engle-Granger {label} of log y on log x (upper triangle: the scanned order; "
        "log colour scale)", xlabel="x (hedge)", ylabel="y",
    )  # fmt: skip
