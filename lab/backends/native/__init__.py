"""The native engine: numba kernels (:mod:`lab.kernels`) plus NumPy/BLAS, one module per domain
mirroring :mod:`lab.analytics`. Every function has the reference function's signature and
returns the reference result dataclass."""

from lab.backends.native.backtest import backtest_pairs, sweep
from lab.backends.native.cointegration import adf, engle_granger, johansen, pair_scan
from lab.backends.native.options import bs_greeks, bs_price, implied_vol, strategy_payoff
from lab.backends.native.orderbook import lob_metrics, ob_replay, simulate_lob
from lab.backends.native.ou import cara_position, optimal_thresholds, ou_fit
from lab.backends.native.overfitting import (
    deflated_sharpe,
    pbo,
    probabilistic_sharpe,
    sharpe_se,
)
from lab.backends.native.portfolio import (
    efficient_frontier,
    multi_period,
    optimize_portfolio,
    sparse_portfolio,
)
from lab.backends.native.regimes import hmm_fit
from lab.backends.native.stats import correlation, covariance, hurst, pca, rolling_stats
from lab.backends.native.walkforward import walk_forward

__all__ = [
    "adf",
    "backtest_pairs",
    "bs_greeks",
    "bs_price",
    "cara_position",
    "deflated_sharpe",
    "correlation",
    "covariance",
    "efficient_frontier",
    "engle_granger",
    "hmm_fit",
    "hurst",
    "implied_vol",
    "johansen",
    "lob_metrics",
    "multi_period",
    "ob_replay",
    "optimal_thresholds",
    "optimize_portfolio",
    "ou_fit",
    "pair_scan",
    "pbo",
    "pca",
    "probabilistic_sharpe",
    "rolling_stats",
    "sharpe_se",
    "simulate_lob",
    "sparse_portfolio",
    "strategy_payoff",
    "sweep",
    "walk_forward",
]
