"""Param models: the lab's state and derived results, with no Panel objects.

Each model is a ``param.Parameterized`` class. Inputs are parameters; results are derived by
``@param.depends`` methods that call the selected backend through a bounded cache keyed by the
inputs and the backend. The same models drive the served app, the notebook views, the report
builder and the tests. :class:`LabSession` builds one of each, sharing a dataset and a backend.
"""

from lab.hashing import fingerprint
from lab.models.backend import BackendModel
from lab.models.base import AnalysisModel
from lab.models.cache import Computed, ResultCache
from lab.models.dataset import DatasetModel
from lab.models.options import OptionsModel
from lab.models.orderbook import OrderBookModel
from lab.models.pair import PairModel
from lab.models.portfolio import PortfolioModel
from lab.models.regimes import RegimeModel
from lab.models.scan import ScanModel
from lab.models.session import LabSession
from lab.models.stats import StatsModel

__all__ = [
    "AnalysisModel",
    "BackendModel",
    "Computed",
    "DatasetModel",
    "LabSession",
    "OptionsModel",
    "OrderBookModel",
    "PairModel",
    "PortfolioModel",
    "RegimeModel",
    "ResultCache",
    "ScanModel",
    "StatsModel",
    "fingerprint",
]
