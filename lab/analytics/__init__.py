"""Reference analytics: one module per domain, pure functions returning frozen dataclasses.

These are the source of truth that every other backend is validated against. They are built on
statsmodels, hmmlearn, scipy, scikit-learn and NumPy/pandas. Every public analytic is declared
once, in :mod:`lab.analytics.registry`; :data:`FUNCTIONS` lists their names and this namespace
holds their reference functions (``lab.analytics.adf``, ...), each also a method of every
backend with the same signature.
"""

from lab.analytics.backtest import PairParams
from lab.analytics.backtest.walkforward import WalkForwardResult
from lab.analytics.options import OptionStrategy, strategy_preset
from lab.analytics.orderbook import BookSnapshot, LOBEvents, OrderBook, SequenceGapError
from lab.analytics.overfitting import PBOResult
from lab.analytics.regimes import HMMParams
from lab.analytics.registry import FUNCTIONS, REGISTRY

globals().update({name: analytic.reference for name, analytic in REGISTRY.items()})

__all__ = [
    "FUNCTIONS",
    "REGISTRY",
    "BookSnapshot",
    "HMMParams",
    "LOBEvents",
    "OptionStrategy",
    "OrderBook",
    "PBOResult",
    "PairParams",
    "SequenceGapError",
    "WalkForwardResult",
    "strategy_preset",
    *FUNCTIONS,
]
