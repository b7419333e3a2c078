""":func:`optimize_portfolio`: one optimal portfolio by method (max-Sharpe, min-variance,
risk parity, mean-variance, equal weight), reference engine.
"""

from __future__ import annotations

import math

import numpy as np

from lab.analytics.portfolio.constraints import check_weights, resolve_bounds
from lab.analytics.portfolio.moments import estimate_moments
from lab.analytics.portfolio.results import PortfolioResult
from lab.analytics.portfolio.solvers import REFERENCE_SOLVERS, Solvers, build_qp, qp_weights

METHODS: tuple[str, ...] = (
    "max_sharpe",
    "min_variance",
    "risk_parity",
    "mean_variance",
    "equal_weight",
)
"""Methods of :func:`optimize_portfolio`."""


def portfolio_result(
    weights: np.ndarray,
    mu: np.ndarray,
    sigma: np.ndarray,
    risk_free: float,
    method: str,
    assets: tuple[str, ...],
) -> PortfolioResult:
    """Annual statistics and Euler risk contributions of ``weights`` (shared by both engines)."""
    w = np.asarray(weights, dtype=float).copy()
    sw = sigma @ w
    var = float(w @ sw)
    vol = math.sqrt(max(var, 0.0))
    ret = float(w @ mu)
    rc = w * sw / vol if vol > 0 else np.zeros_like(w)
    sharpe = (ret - risk_free) / vol if vol > 0 else float("nan")
    return PortfolioResult(w, ret, vol, float(sharpe), rc, method, assets)


def validate_scalars(method: str, risk_free: float, risk_aversion: float) -> tuple[float, float]:
    """Check ``method``, ``risk_free`` and ``risk_aversion``."""
    if method not in METHODS:
        raise ValueError(f"method: unknown method {method!r}; choose one of {', '.join(METHODS)}")
    rf = float(risk_free)
    gamma = float(risk_aversion)
    if not math.isfinite(rf):
        raise ValueError("risk_free: must be a finite annual rate")
    if not (math.isfinite(gamma) and gamma > 0):
        raise ValueError("risk_aversion: must be finite and > 0")
    return rf, gamma


def method_weights(method, mu, sigma, lo, hi, rf, gamma, solve_qp, risk_parity) -> np.ndarray:
    """Dispatch ``method`` to the engine's solvers (shared control flow)."""
    n = mu.size
    if method == "equal_weight":
        w = np.full(n, 1.0 / n)
        check_weights(w, lo, hi, method)
        return w
    if method == "risk_parity":
        w = risk_parity(sigma)
        check_weights(w, lo, hi, method)
        return w
    problem = build_qp(method, mu, sigma, lo, hi, rf, gamma)
    return qp_weights(problem, solve_qp(problem))


def solve_portfolio(
    returns, method, risk_free, risk_aversion, long_only, bounds, cov, solvers: Solvers
) -> PortfolioResult:
    """:func:`optimize_portfolio` with an engine's :class:`Solvers` (shared validation and
    control flow)."""
    rf, gamma = validate_scalars(method, risk_free, risk_aversion)
    mu, sigma, assets = estimate_moments(returns, cov, solvers.ledoit_wolf)
    lo, hi = resolve_bounds(bounds, mu.size, long_only)
    w = method_weights(method, mu, sigma, lo, hi, rf, gamma, solvers.solve_qp, solvers.risk_parity)
    return portfolio_result(w, mu, sigma, rf, method, assets)


def optimize_portfolio(
    returns,
    method,
    risk_free=0.0,
    risk_aversion=1.0,
    long_only=True,
    bounds=None,
    cov="sample",
) -> PortfolioResult:
    """Optimal fully invested portfolio of N assets.

    Parameters
    ----------
    returns : array_like or DataFrame, shape (T, N)
        Periodic (daily) simple returns; at least N observations, no NaN.
    method : str
        * ``"max_sharpe"``: tangency portfolio, ``max (w'mu - risk_free) / sqrt(w' Sigma w)``.
        * ``"min_variance"``: ``min w' Sigma w``.
        * ``"risk_parity"``: equal risk contributions ``RC_i = sigma_p / N`` (Maillard, Roncalli
          and Teiletche 2010); long-only by construction, ``bounds`` are only checked.
        * ``"mean_variance"``: the CARA / exponential-utility optimum ``max w'mu - gamma/2 w'
          Sigma w``: with normal returns and utility ``-exp(-gamma W)``, expected utility is
          monotone in this certainty equivalent (per unit of wealth).
        * ``"equal_weight"``: ``1/N`` (``bounds`` are checked).
        All subject to ``sum w = 1`` and the bounds.
    risk_free : float
        Annual risk-free rate (decimal), used by ``max_sharpe`` and the reported Sharpe ratio.
    risk_aversion : float
        ``gamma`` of ``mean_variance``, per unit of annual variance (> 0).
    long_only : bool
        Force ``w >= 0``.
    bounds : (lo, hi), optional
        Per-asset weight limits: scalars, length-N arrays or None.
    cov : {"sample", "ledoit_wolf"}
        Covariance estimator (see the module docstring); ``mu`` is always the sample mean.

    Returns
    -------
    PortfolioResult
        Weights, annual expected return ``w'mu`` with ``mu = 252 * mean``, annual volatility
        ``sqrt(w' Sigma w)`` with ``Sigma = 252 * Cov``, Sharpe ratio, and risk contributions
        ``RC_i = w_i (Sigma w)_i / sigma_p`` that sum to the volatility.

    Raises
    ------
    ValueError
        NaN/infinite returns, fewer observations than assets, a singular covariance, infeasible
        bounds, an unknown method or estimator, a non-positive ``risk_aversion``; for
        ``max_sharpe`` also when no feasible portfolio earns more than ``risk_free`` or the
        ratio is unbounded (unlimited shorts); for ``equal_weight``/``risk_parity`` when their
        weights break the bounds.

    Notes
    -----
    The mean-variance methods are convex quadratic programmes (:func:`build_qp`) solved with
    SciPy's SLSQP and polished to the exact KKT point of the active set; ``risk_parity`` solves
    Spinu's (2013) convex formulation with ``scipy.optimize.minimize(method="trust-exact")``
    refined by ``scipy.optimize.root``. The optimum is unique for every method because
    ``Sigma`` is positive definite.
    """
    return solve_portfolio(
        returns, method, risk_free, risk_aversion, long_only, bounds, cov, REFERENCE_SOLVERS
    )
