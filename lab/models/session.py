"""One user's lab: every model, sharing one dataset and one backend choice."""

from __future__ import annotations

from typing import Any

import param

from lab.models.backend import BackendModel
from lab.models.dataset import DatasetModel
from lab.models.options import OptionsModel
from lab.models.orderbook import OrderBookModel
from lab.models.pair import PairModel
from lab.models.portfolio import PortfolioModel
from lab.models.regimes import RegimeModel
from lab.models.scan import ScanModel
from lab.models.stats import StatsModel


class LabSession(param.Parameterized):
    """All models of one session (a browser tab, a notebook, a report run).

    Every analysis model shares the session's :class:`DatasetModel` and :class:`BackendModel`,
    so choosing a backend or a date range applies to every page. Two sessions never share a
    model. Keyword arguments set the backend (``backend``, ``grpc_address``, ``dask_address``)
    and dataset (``source``, ``start``, ``end``, ``symbols``, ...) parameters of a fresh session.

    Examples
    --------
    >>> s = LabSession(backend="native")
    >>> s.pair.param.update(y="KO", x="PEP", lookback=40)
    >>> s.pair.backtest().metrics.out_of_sample["sharpe"]  # doctest: +SKIP
    """

    backend = param.ClassSelector(class_=BackendModel, constant=True, doc="The engine choice.")
    dataset = param.ClassSelector(class_=DatasetModel, constant=True, doc="The prices.")
    stats = param.ClassSelector(class_=StatsModel, constant=True, doc="Data page.")
    scan = param.ClassSelector(class_=ScanModel, constant=True, doc="Pairs page.")
    pair = param.ClassSelector(class_=PairModel, constant=True, doc="Mean reversion page.")
    regimes = param.ClassSelector(class_=RegimeModel, constant=True, doc="Regimes page.")
    portfolio = param.ClassSelector(class_=PortfolioModel, constant=True, doc="Portfolio page.")
    options = param.ClassSelector(class_=OptionsModel, constant=True, doc="Options page.")
    orderbook = param.ClassSelector(class_=OrderBookModel, constant=True, doc="Order book page.")

    def __init__(
        self,
        backend: BackendModel | str | None = None,
        dataset: DatasetModel | None = None,
        **options: Any,
    ) -> None:
        backend_opts = {
            k: options.pop(k) for k in list(options) if k in BackendModel.param and k != "name"
        }
        if isinstance(backend, str):
            backend_opts["backend"] = backend
            backend = None
        backend = backend or BackendModel(**backend_opts)
        dataset = dataset or DatasetModel(**options)
        shared = dict(backend=backend, dataset=dataset)
        super().__init__(
            backend=backend,
            dataset=dataset,
            stats=StatsModel(**shared),
            scan=ScanModel(**shared),
            pair=PairModel(**shared),
            regimes=RegimeModel(**shared),
            portfolio=PortfolioModel(**shared),
            options=OptionsModel(**shared),
            orderbook=OrderBookModel(**shared),
        )

    def close(self) -> None:
        """Stop the order-book feed and release the session's backend connections."""
        self.orderbook.running = False
        self.backend.close()
