"""The report's figures: the pages' own plots (:mod:`lab.plots`), rendered to Bokeh.

Each section hands its HoloViews elements by name (each name unique in the report, written as
the plot container's ``data-plot``); :func:`render` turns them into Bokeh models with
:func:`holoviews.render` and links the date axes of a section's time series, as the pages do,
so zooming one zooms all.
"""

from __future__ import annotations

from typing import Any

import holoviews as hv

from lab.plots import pair as pair_plots
from lab.plots.style import apply_defaults


def pair_figures(content: Any) -> dict[str, hv.Element]:
    """The Mean reversion page's z-score, equity and drawdown plots of the report's pair."""
    f = content.figures
    bt, prices = f["backtest"], f["prices"]
    return {
        "zscore": pair_plots.z_plot(bt, prices, f["params"], f["names"], f["bands"]),
        "equity": pair_plots.equity_plot(bt, prices),
        "drawdown": pair_plots.drawdown_plot(bt, prices),
    }


def render(elements: dict[str, hv.Element], link_dates: bool = True) -> list[Any]:
    """Bokeh models of ``elements``, each named by its key.

    With ``link_dates`` the plots whose x axis is the date share one x range (the first
    one's).
    """
    apply_defaults()
    out = []
    shared = None
    for name, element in elements.items():
        fig = hv.render(element, backend="bokeh")
        fig.name = name
        if link_dates and _dated(element):
            if shared is None:
                shared = fig.x_range
            else:
                fig.x_range = shared
        out.append(fig)
    return out


def _dated(element: hv.Element) -> bool:
    """True when the element's x dimension is the date."""
    first = element
    while isinstance(first, hv.Overlay | hv.NdOverlay) and len(first):
        first = first.values()[0]
    kdims = getattr(first, "kdims", [])
    return bool(kdims) and kdims[0].name == "date"
