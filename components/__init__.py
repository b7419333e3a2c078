"""Panel views of the lab: one ``pn.viewable.Viewer`` per model/page, plus the served app.

Every view renders in Jupyter as well as in the served app::

    import panel as pn
    pn.extension("tabulator", inline=True)   # inline: BokehJS and Panel without CDNs (offline)
    from components import PairView
    PairView()                       # builds its own models (bundled data, native backend)

Pass ``model=`` to drive a view from a model you hold (``LabSession().pair``); setting the
model's parameters from Python updates the view. Names are imported on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

_VIEWS = {
    "BackendView": "components.backend",
    "DatasetView": "components.dataset",
    "DataView": "components.data",
    "PairScanView": "components.pairs",
    "PairView": "components.pair",
    "RegimeView": "components.regimes",
    "PortfolioView": "components.portfolio",
    "OptionsView": "components.options",
    "OrderBookView": "components.orderbook",
    "BenchmarkView": "components.benchmark",
    "ReportButton": "components.report",
    "LabApp": "components.app",
    "create_app": "components.app",
}

__all__ = sorted(_VIEWS)


def __getattr__(name: str) -> Any:
    try:
        module = _VIEWS[name]
    except KeyError:
        raise AttributeError(f"module 'components' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_VIEWS))
