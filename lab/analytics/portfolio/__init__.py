"""Portfolio construction: the reference engine (SciPy and scikit-learn) and the native one
(numba kernels of :mod:`lab.kernels.portfolio`), with their shared set-up.

Inputs
------
``returns`` is a T x N matrix (array or DataFrame; columns are assets) of periodic *simple*
returns, normally daily. Moments are estimated once and annualised with
:data:`TRADING_DAYS` = 252 periods per year:

    mu    = 252 * mean(returns)                      (arithmetic mean, annual)
    Sigma = 252 * Cov(returns)                       (annual covariance)

``Cov`` is the sample covariance (``ddof = 1``) for ``cov="sample"`` or the Ledoit-Wolf (2004)
shrinkage estimator toward a scaled identity for ``cov="ledoit_wolf"`` (scikit-learn
:class:`~sklearn.covariance.LedoitWolf`, which normalises by T). Portfolio expected returns and
volatilities are therefore annual: ``w' mu`` and ``sqrt(w' Sigma w)``; ``risk_free`` is an
annual rate in the same units and the Sharpe ratio is ``(w' mu - risk_free) / sqrt(w' Sigma w)``.

Constraints
-----------
Weights are fractions of capital and always sum to 1. ``bounds = (lo, hi)`` gives per-asset
limits, each a scalar, an array of N values, or None (unbounded); ``long_only=True`` raises
every lower limit to 0.

Bad input raises ValueError: NaN or infinite returns, fewer observations than assets, a
singular covariance (e.g. a duplicated or constant asset), infeasible bounds, an unknown method
or estimator.


Modules
-------
``results``      result types (both engines);
``moments``      returns checks and annualised moments (sample, Ledoit-Wolf);
``constraints``  bounds, feasibility and weight checks;
``solvers``      the quadratic programmes and the reference solvers (SLSQP + KKT polish);
``optimize``     :func:`optimize_portfolio`;
``frontier``     :func:`efficient_frontier`;
``sparse``       :func:`sparse_portfolio` and the certificate its engines are compared by;
``multiperiod``  :func:`multi_period`;
``native``       the native engine of all four (numba active-set QP, Newton risk parity,
                 Gram-matrix coordinate descent, Riccati recursion).
"""

from lab.analytics.portfolio.constraints import BOUNDS_TOL
from lab.analytics.portfolio.frontier import MAX_N_POINTS, efficient_frontier, validate_n_points
from lab.analytics.portfolio.moments import COV_ESTIMATORS, SINGULAR_RCOND, TRADING_DAYS
from lab.analytics.portfolio.multiperiod import (
    MAX_N_PERIODS,
    budget_neutral_covariance,
    multi_period,
    multi_period_setup,
)
from lab.analytics.portfolio.optimize import METHODS, optimize_portfolio
from lab.analytics.portfolio.results import (
    Frontier,
    MultiPeriodResult,
    PortfolioResult,
    SparsePortfolioResult,
)
from lab.analytics.portfolio.sparse import (
    SPARSE_GAP_TOL,
    SPARSE_METHODS,
    sparse_agreement,
    sparse_portfolio,
)

__all__ = [
    "BOUNDS_TOL",
    "COV_ESTIMATORS",
    "MAX_N_PERIODS",
    "MAX_N_POINTS",
    "METHODS",
    "SINGULAR_RCOND",
    "SPARSE_GAP_TOL",
    "SPARSE_METHODS",
    "TRADING_DAYS",
    "Frontier",
    "MultiPeriodResult",
    "PortfolioResult",
    "SparsePortfolioResult",
    "budget_neutral_covariance",
    "efficient_frontier",
    "multi_period",
    "multi_period_setup",
    "optimize_portfolio",
    "sparse_agreement",
    "sparse_portfolio",
    "validate_n_points",
]
