"""Portfolio construction on the native engine.

Same models, inputs, problem set-up and results as :mod:`lab.analytics.portfolio` (the shared
set-up functions live there); only the solvers differ:

* mean-variance programmes: the primal active-set QP solver in numba
  (:func:`lab.kernels.portfolio.qp_active_set`), exact once the active set is found;
* risk parity: damped Newton on Spinu's convex programme (numba);
* Ledoit-Wolf shrinkage: the closed-form estimator in NumPy (same formula as scikit-learn);
* sparse replication: elastic-net coordinate descent on the Gram matrix (numba);
* multi-period: the closed-form Riccati policy in the eigenbasis of the budget-neutral
  covariance instead of one large KKT solve.
"""

from __future__ import annotations

import warnings

import numpy as np

from lab.analytics.portfolio.frontier import trace_frontier
from lab.analytics.portfolio.multiperiod import (
    budget_neutral_covariance,
    multi_period_result,
    multi_period_setup,
)
from lab.analytics.portfolio.optimize import solve_portfolio
from lab.analytics.portfolio.results import (
    Frontier,
    MultiPeriodResult,
    PortfolioResult,
    SparsePortfolioResult,
)
from lab.analytics.portfolio.solvers import QPProblem, Solvers, risk_parity_start
from lab.analytics.portfolio.sparse import SPARSE_GAP_TOL, sparse_design, sparse_result
from lab.kernels.portfolio import (
    QP_OK,
    enet_cd_gram,
    enet_gap,
    qp_active_set,
    riccati_gains,
    risk_parity_newton,
)

CD_TOL = SPARSE_GAP_TOL
"""Coordinate descent stops when the duality gap is at most this fraction of ``y'y/T`` (the
reference's scikit-learn ``tol``)."""

CD_MAX_SWEEPS = 1_000_000
"""Sweep cap of coordinate descent."""


def ledoit_wolf_covariance(values: np.ndarray) -> np.ndarray:
    """Ledoit-Wolf (2004, J. Multivariate Anal. 88(2)) shrinkage of the ML covariance toward
    ``mu I`` with ``mu = trace(S)/N``, the estimator of :class:`sklearn.covariance.LedoitWolf`
    (``assume_centered=False``): shrinkage ``min(beta, delta) / delta`` with ``delta = ||S -
    mu I||_F^2 / N`` and ``beta = (sum_t ||x_t x_t' - S||_F^2) / (N T^2)``."""
    x = values - values.mean(axis=0)
    t, n = x.shape
    s = x.T @ x / t
    mu = np.trace(s) / n
    x2 = x * x
    delta_raw = float(np.sum(s * s))
    beta_raw = float(np.sum(x2.T @ x2)) / t
    beta = (beta_raw - delta_raw) / (n * t)
    delta = (delta_raw - 2.0 * mu * np.trace(s) + n * mu * mu) / n
    beta = min(beta, delta)
    shrink = 0.0 if beta == 0 else beta / delta
    out = (1.0 - shrink) * s
    out[np.diag_indices(n)] += shrink * mu
    return out


def _solve_qp(problem: QPProblem) -> np.ndarray:
    n = problem.x0.size
    x, status, _ = qp_active_set(
        np.ascontiguousarray(problem.H),
        np.ascontiguousarray(problem.c, dtype=float),
        np.ascontiguousarray(problem.A, dtype=float),
        np.ascontiguousarray(problem.b, dtype=float),
        np.ascontiguousarray(problem.G, dtype=float).reshape(-1, n),
        np.ascontiguousarray(problem.h, dtype=float),
        np.ascontiguousarray(problem.x0, dtype=float),
        50 * (n + problem.G.shape[0]) + 100,
    )
    if status != QP_OK:
        raise RuntimeError("optimize_portfolio: active-set QP solver hit its iteration limit")
    return x


def _risk_parity(sigma: np.ndarray) -> np.ndarray:
    n = sigma.shape[0]
    y, status, _ = risk_parity_newton(
        np.ascontiguousarray(sigma), np.full(n, 1.0 / n), risk_parity_start(sigma), 200
    )
    if status != 0:
        raise RuntimeError("optimize_portfolio: risk-parity Newton iteration did not converge")
    return y / y.sum()


NATIVE_SOLVERS = Solvers(ledoit_wolf_covariance, _solve_qp, _risk_parity)
"""The native engine's solvers: closed-form Ledoit-Wolf, numba active-set QP, numba Newton."""


def optimize_portfolio(
    returns,
    method,
    risk_free=0.0,
    risk_aversion=1.0,
    long_only=True,
    bounds=None,
    cov="sample",
) -> PortfolioResult:
    """Optimal portfolio (see :func:`lab.analytics.portfolio.optimize_portfolio`)."""
    return solve_portfolio(
        returns, method, risk_free, risk_aversion, long_only, bounds, cov, NATIVE_SOLVERS
    )


def efficient_frontier(
    returns, n_points=50, risk_free=0.0, long_only=True, bounds=None, cov="sample"
) -> Frontier:
    """Efficient frontier (see :func:`lab.analytics.portfolio.efficient_frontier`)."""
    return trace_frontier(returns, n_points, risk_free, long_only, bounds, cov, NATIVE_SOLVERS)


CD_POLISH_SWEEPS = 2_000
"""Sweeps of coordinate descent before its support is tried for an exact solve."""


def polish_support(gram, xty, w, l1, l2, positive):
    """The exact elastic-net minimiser on the support and signs of ``w``, or None.

    On the optimal support ``S`` with signs ``s`` the optimality conditions are linear:
    ``(Q_SS + l2 I) w_S = q_S - l1 s``. The solution is the optimum when its signs are ``s``
    and every coordinate off ``S`` satisfies ``|q_j - (Qw)_j| <= l1`` (``q_j - (Qw)_j <= l1``
    when ``positive``). Coordinate descent finds the support long before it converges on an
    ill-conditioned Gram matrix (assets that move together), so one solve replaces the
    remaining sweeps; the caller accepts the result only when its duality gap certifies it.
    """
    support = np.flatnonzero(w)
    if support.size == 0:
        return None
    signs = np.sign(w[support])
    system = gram[np.ix_(support, support)] + l2 * np.eye(support.size)
    try:
        w_s = np.linalg.solve(system, xty[support] - l1 * signs)
    except np.linalg.LinAlgError:
        return None
    if np.any(np.sign(w_s) != signs):
        return None
    out = np.zeros_like(w)
    out[support] = w_s
    corr = xty - gram @ out
    off = np.ones(w.size, dtype=bool)
    off[support] = False
    slack = 1e-12 * max(1.0, float(np.abs(xty).max()))
    worst = corr[off] if positive else np.abs(corr[off])
    if worst.size and float(worst.max()) > l1 + slack:
        return None
    return out


def sparse_portfolio(
    returns, method="lasso", lam=0.01, alpha=0.5, target=None, positive=True
) -> SparsePortfolioResult:
    """Sparse replicating portfolio (see :func:`lab.analytics.portfolio.sparse_portfolio`).

    Coordinate descent runs for :data:`CD_POLISH_SWEEPS`; if it has not met the duality-gap
    target, its support is solved exactly (:func:`polish_support`) and kept when the gap
    certifies it, otherwise descent runs on to :data:`CD_MAX_SWEEPS`."""
    design = sparse_design(returns, method, lam, alpha, target, positive)
    t = design.X.shape[0]
    gram = design.X.T @ design.X / t
    xty = design.X.T @ design.y / t
    yy = float(design.y @ design.y) / t
    l1 = design.penalty * design.l1_ratio
    l2 = design.penalty * (1.0 - design.l1_ratio)
    positive = bool(positive)
    w, sweeps, gap = enet_cd_gram(
        gram, xty, yy, design.penalty, design.l1_ratio, positive, CD_TOL, CD_POLISH_SWEEPS
    )
    if gap > CD_TOL * yy:
        polished = polish_support(gram, xty, w, l1, l2, positive)
        if polished is not None and enet_gap(gram, xty, yy, polished, l1, l2, positive) <= (
            CD_TOL * yy
        ):
            return sparse_result(design, polished, method)
        w, sweeps, gap = enet_cd_gram(
            gram, xty, yy, design.penalty, design.l1_ratio, positive, CD_TOL, CD_MAX_SWEEPS
        )
    if gap > CD_TOL * yy:
        # as scikit-learn: the best iterate, with a warning naming the certificate reached
        warnings.warn(
            f"sparse_portfolio: coordinate descent stopped after {sweeps} sweeps with duality "
            f"gap {gap:.3g} (target {CD_TOL * yy:.3g})",
            RuntimeWarning,
            stacklevel=2,
        )
    return sparse_result(design, w, method)


def multi_period(
    returns, risk_aversion, cost_bps, n_periods, initial=None, cov="sample"
) -> MultiPeriodResult:
    """Multi-period trading with quadratic costs (see
    :func:`lab.analytics.portfolio.multi_period`), by the closed-form Riccati policy."""
    setup = multi_period_setup(
        returns, risk_aversion, cost_bps, n_periods, initial, cov, ledoit_wolf_covariance
    )
    s_neutral, basis = budget_neutral_covariance(setup.sigma)
    variances, vecs = np.linalg.eigh(s_neutral)
    directions = basis @ vecs  # N x (N-1), orthonormal
    gap0 = directions.T @ (setup.initial - setup.aim)
    gains = riccati_gains(variances, setup.gamma, setup.lam, setup.n_periods)
    path = setup.aim + (np.cumprod(gains, axis=0) * gap0) @ directions.T
    gs = setup.gamma * variances
    myopic_gain = setup.lam / (gs + setup.lam)
    powers = np.arange(1, setup.n_periods + 1)[:, None]
    myopic = setup.aim + (myopic_gain[None, :] ** powers * gap0) @ directions.T
    return multi_period_result(setup, path, myopic, cost_bps)
