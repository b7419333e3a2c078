"""Bar charts whose categories change with the data, drawn on a numeric axis.

A HoloViews ``Bars`` element maps its categories to a Bokeh ``FactorRange``. When a
DynamicMap redraws it with other categories (a new dataset, fewer principal components, a
sparser portfolio), Bokeh receives the new factors before the new column data and its
glyph update races the data update: the browser raises ``Size mismatch`` and the plot stops
updating. :func:`category_bars` draws the same bars as rectangles on a numeric axis, one unit
per category, with the category names as tick labels, so a redraw changes only numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import holoviews as hv
import numpy as np
from bokeh.models import FixedTicker


def category_bars(
    categories: Sequence[Any],
    series: Mapping[str, Sequence[float]],
    colors: Mapping[str, str],
    category: str = "category",
    value: str = "value",
    value_format: str = "0.000",
    width: float = 0.8,
) -> hv.Overlay:
    """Bars of one or more ``series`` per category (grouped side by side).

    Parameters
    ----------
    categories : sequence
        Category names, in display order (shown as tick labels; HTML is never interpreted).
    series : mapping of label -> values
        One value per category for each series; several series are drawn side by side.
    colors : mapping of label -> colour
    category, value : str
        Axis and tooltip labels.
    value_format : str
        ``numeral.js`` format of the value in the tooltip.
    width : float
        Total width of a category's bars, in category units (1 = touching).

    Returns
    -------
    hv.Overlay
        One ``Rectangles`` layer per series (always all of them, empty when there are no
        categories, so the overlay keeps its layers across redraws).
    """
    names = [str(c) for c in categories]
    n = len(names)
    k = max(len(series), 1)
    step = width / k
    vdims = [hv.Dimension("name", label=category), hv.Dimension("value", label=value)]
    layers = []
    for i, (label, values) in enumerate(series.items()):
        v = np.asarray(values, dtype=float).reshape(-1)[:n]
        left = np.arange(n) - width / 2 + i * step
        rows = [
            (left[j], min(0.0, v[j]), left[j] + step, max(0.0, v[j]), names[j], v[j])
            for j in range(n)
        ]
        layers.append(
            hv.Rectangles(rows, vdims=vdims, label=label).opts(
                color=colors[label],
                line_width=0,
                tools=["hover"],
                hover_tooltips=[(category, "@name"), (label, f"@value{{{value_format}}}")],
            )
        )

    def label_ticks(plot: Any, element: Any) -> None:
        # run on every redraw (plot options such as xticks are read only on the first)
        axis = plot.handles.get("xaxis")
        if axis is None:
            return
        if isinstance(axis.ticker, FixedTicker):
            axis.ticker.ticks = list(range(n))
        else:
            axis.ticker = FixedTicker(ticks=list(range(n)))
        axis.major_label_overrides = {i: name for i, name in enumerate(names)}

    return hv.Overlay(layers).opts(
        hooks=[label_ticks],
        padding=(0.02, 0.05),
        xlabel=category,
        ylabel=value,
        framewise=True,
        show_legend=len(series) > 1,
    )
