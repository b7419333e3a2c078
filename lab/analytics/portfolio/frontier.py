""":func:`efficient_frontier`: minimum-variance portfolios over a grid of target returns,
reference engine.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lab.analytics.portfolio.constraints import lp_bounded, lp_cap, max_return_point, resolve_bounds
from lab.analytics.portfolio.moments import estimate_moments
from lab.analytics.portfolio.optimize import portfolio_result, validate_scalars
from lab.analytics.portfolio.results import Frontier
from lab.analytics.portfolio.solvers import (
    REFERENCE_SOLVERS,
    Solvers,
    build_qp,
    frontier_qp,
    qp_weights,
)


def frontier_top(
    mu: np.ndarray, lo: np.ndarray, hi: np.ndarray, tangency: np.ndarray
) -> np.ndarray:
    """The highest-return end of the traced frontier: the exact maximum-return portfolio when
    the bounds make it finite (:func:`lp_bounded`), otherwise the maximum-return portfolio with
    every ``|w_i|`` capped at ``max(lp_cap, 2 max |tangency|)`` (so the tangency portfolio is
    always inside the traced range)."""
    cap = lp_cap(lo, hi)
    if not lp_bounded(lo, hi):
        cap = max(cap, 2.0 * float(np.abs(tangency).max()))
    return max_return_point(mu, lo, hi, cap)


MAX_N_POINTS = 1000
"""Most points of :func:`efficient_frontier` (one QP each)."""


def validate_n_points(n_points: Any) -> int:
    """``n_points`` as an int in 2..:data:`MAX_N_POINTS`."""
    try:
        ok = not isinstance(n_points, bool) and int(n_points) == n_points
    except (TypeError, ValueError, OverflowError):
        ok = False
    if not ok or int(n_points) < 2:
        raise ValueError(f"n_points: must be an integer >= 2, got {n_points!r}")
    if int(n_points) > MAX_N_POINTS:
        raise ValueError(f"n_points: must be at most {MAX_N_POINTS}, got {n_points!r}")
    return int(n_points)


def trace_frontier(
    returns, n_points, risk_free, long_only, bounds, cov, solvers: Solvers
) -> Frontier:
    """:func:`efficient_frontier` with an engine's :class:`Solvers` (shared validation and
    control flow)."""
    n_points = validate_n_points(n_points)
    rf, _ = validate_scalars("min_variance", risk_free, 1.0)
    mu, sigma, assets = estimate_moments(returns, cov, solvers.ledoit_wolf)
    lo, hi = resolve_bounds(bounds, mu.size, long_only)
    solve_qp = solvers.solve_qp
    mv_w = qp_weights(p := build_qp("min_variance", mu, sigma, lo, hi), solve_qp(p))
    ms_w = qp_weights(p := build_qp("max_sharpe", mu, sigma, lo, hi, rf), solve_qp(p))
    mv = portfolio_result(mv_w, mu, sigma, rf, "min_variance", assets)
    ms = portfolio_result(ms_w, mu, sigma, rf, "max_sharpe", assets)
    top_w = frontier_top(mu, lo, hi, ms_w)
    r0 = mv.expected_return
    targets = np.linspace(r0, max(float(mu @ top_w), r0), n_points)
    weights = np.empty((n_points, mu.size))
    span = targets[-1] - targets[0]
    for j, r in enumerate(targets):
        if j == 0 or span <= 1e-14 * max(1.0, abs(targets[0])):
            weights[j] = mv_w
            continue
        frac = (r - targets[0]) / span
        x0 = (1 - frac) * mv_w + frac * top_w
        weights[j] = solve_qp(frontier_qp(mu, sigma, lo, hi, r, x0))
    vols = np.sqrt(np.maximum(np.einsum("ti,ij,tj->t", weights, sigma, weights), 0.0))
    rets = weights @ mu
    return Frontier(
        returns=rets,
        volatilities=vols,
        weights=weights,
        sharpe=(rets - rf) / vols,
        max_sharpe=ms,
        min_variance=mv,
        assets=assets,
    )


def efficient_frontier(
    returns, n_points=50, risk_free=0.0, long_only=True, bounds=None, cov="sample"
) -> Frontier:
    """Mean-variance efficient frontier.

    Parameters
    ----------
    returns, risk_free, long_only, bounds, cov
        As in :func:`optimize_portfolio` (annualisation with 252 periods per year).
    n_points : int
        Number of frontier points (>= 2).

    Returns
    -------
    Frontier
        ``n_points`` portfolios minimising annual variance for equally spaced annual target
        returns from the minimum-variance portfolio's to the highest return reachable within the
        bounds (see :func:`frontier_top` for unbounded weights), plus the max-Sharpe and
        min-variance portfolios. Each point solves ``min w' Sigma w`` s.t. ``sum w = 1``,
        ``w'mu = target`` and the bounds (SLSQP, polished).

    Raises
    ------
    ValueError
        For the bad inputs listed in :func:`optimize_portfolio`, and when the max-Sharpe
        portfolio is undefined (no feasible portfolio earns more than ``risk_free``, or the
        Sharpe ratio is unbounded with unlimited short selling).
    """
    return trace_frontier(returns, n_points, risk_free, long_only, bounds, cov, REFERENCE_SOLVERS)
