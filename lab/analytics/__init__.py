"""Reference analytics: one module per domain, pure functions returning frozen dataclasses.

These are the source of truth that every other backend is validated against. They are built on
statsmodels, hmmlearn, scipy, scikit-learn and pandas. :data:`FUNCTIONS` lists the public
analytics that every backend exposes as a method with the same signature.
"""

from lab.analytics.backtest import PairParams, backtest_pairs, sweep
from lab.analytics.cointegration import adf, engle_granger, johansen, pair_scan
from lab.analytics.options import (
    OptionStrategy,
    bs_greeks,
    bs_price,
    implied_vol,
    strategy_payoff,
    strategy_preset,
)
from lab.analytics.orderbook import (
    BookSnapshot,
    LOBEvents,
    OrderBook,
    SequenceGapError,
    lob_metrics,
    ob_replay,
    simulate_lob,
)
from lab.analytics.ou import cara_position, optimal_thresholds, ou_fit
from lab.analytics.overfitting import (
    PBOResult,
    deflated_sharpe,
    pbo,
    probabilistic_sharpe,
    sharpe_se,
)
from lab.analytics.portfolio import (
    efficient_frontier,
    multi_period,
    optimize_portfolio,
    sparse_portfolio,
)
from lab.analytics.regimes import HMMParams, hmm_fit
from lab.analytics.stats import correlation, covariance, hurst, pca, rolling_stats
from lab.analytics.walkforward import WalkForwardResult, walk_forward

FUNCTIONS: tuple[str, ...] = (
    # statistics
    "correlation",
    "covariance",
    "rolling_stats",
    "pca",
    "hurst",
    # cointegration
    "adf",
    "engle_granger",
    "johansen",
    "pair_scan",
    # Ornstein-Uhlenbeck
    "ou_fit",
    "optimal_thresholds",
    "cara_position",
    # backtest
    "backtest_pairs",
    "sweep",
    # regimes
    "hmm_fit",
    # portfolio
    "optimize_portfolio",
    "efficient_frontier",
    "sparse_portfolio",
    "multi_period",
    # options
    "bs_price",
    "bs_greeks",
    "implied_vol",
    "strategy_payoff",
    # order book
    "lob_metrics",
    "simulate_lob",
    "ob_replay",
    # overfitting-aware statistics
    "sharpe_se",
    "probabilistic_sharpe",
    "deflated_sharpe",
    "pbo",
    # walk-forward evaluation
    "walk_forward",
)
"""Names of the public analytics functions; each is a method of every backend."""

__all__ = [
    "FUNCTIONS",
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
