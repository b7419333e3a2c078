""":func:`multi_period`: the cost-aware multi-period path towards the mean-variance aim
(closed form, reference engine).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.linalg
import scipy.optimize
import scipy.sparse
import scipy.sparse.linalg

from lab.analytics.portfolio.moments import _sklearn_ledoit_wolf, estimate_moments
from lab.analytics.portfolio.results import MultiPeriodResult


@dataclass(frozen=True)
class MultiPeriodSetup:
    """Validated inputs of :func:`multi_period` (per-period moments)."""

    mu: np.ndarray
    sigma: np.ndarray
    gamma: float
    lam: float
    n_periods: int
    initial: np.ndarray
    aim: np.ndarray
    assets: tuple[str, ...]


def aim_portfolio(mu: np.ndarray, sigma: np.ndarray, gamma: float) -> np.ndarray:
    """Closed-form ``argmax w'mu - gamma/2 w' Sigma w`` s.t. ``sum w = 1`` (no bounds):
    ``w = Sigma^-1 (mu - nu 1) / gamma`` with ``nu`` set by the budget."""
    ones = np.ones(mu.size)
    a, b = np.linalg.solve(sigma, np.column_stack([mu, ones])).T
    nu = (ones @ a - gamma) / (ones @ b)
    return (a - nu * b) / gamma


MAX_N_PERIODS = 10_000
"""Most periods of one :func:`multi_period` plan."""


def multi_period_setup(returns, risk_aversion, cost_bps, n_periods, initial, cov, ledoit_wolf):
    """Validate :func:`multi_period` inputs and compute per-period moments and the aim."""
    gamma = float(risk_aversion)
    if not (math.isfinite(gamma) and gamma > 0):
        raise ValueError("risk_aversion: must be finite and > 0")
    cost = float(cost_bps)
    if not (math.isfinite(cost) and cost >= 0):
        raise ValueError("cost_bps: must be finite and >= 0")
    try:
        ok = not isinstance(n_periods, bool) and int(n_periods) == n_periods
    except (TypeError, ValueError, OverflowError):
        ok = False
    if not ok or int(n_periods) < 1:
        raise ValueError(f"n_periods: must be an integer >= 1, got {n_periods!r}")
    if int(n_periods) > MAX_N_PERIODS:
        raise ValueError(f"n_periods: must be at most {MAX_N_PERIODS}, got {n_periods!r}")
    mu, sigma, assets = estimate_moments(returns, cov, ledoit_wolf, annualise=False)
    n = mu.size
    if initial is None:
        w0 = np.full(n, 1.0 / n)
    else:
        w0 = np.asarray(initial, dtype=float).ravel()
        if w0.shape != (n,):
            raise ValueError(f"initial: expected {n} weights, got shape {w0.shape}")
        if not np.all(np.isfinite(w0)):
            raise ValueError("initial: contains NaN or infinite values")
        if abs(w0.sum() - 1.0) > 1e-9:
            raise ValueError(f"initial: weights must sum to 1, they sum to {w0.sum():.12g}")
    return MultiPeriodSetup(
        mu=mu,
        sigma=sigma,
        gamma=gamma,
        lam=cost * 1e-4,
        n_periods=int(n_periods),
        initial=w0,
        aim=aim_portfolio(mu, sigma, gamma),
        assets=assets,
    )


def path_utility(path: np.ndarray, setup: MultiPeriodSetup) -> tuple[float, float, np.ndarray]:
    """Gross utility, cost and turnover of a weight path under the multi-period model."""
    prev = np.vstack([setup.initial, path[:-1]])
    trades = path - prev
    gross = float(
        np.sum(path @ setup.mu)
        - 0.5 * setup.gamma * np.einsum("ti,ij,tj->", path, setup.sigma, path)
    )
    cost = 0.5 * setup.lam * float(np.sum(trades * trades))
    return gross, cost, np.abs(trades).sum(axis=1)


def stationary_rates(setup: MultiPeriodSetup) -> np.ndarray:
    """Infinite-horizon trading rates per principal direction of the budget-neutral
    covariance: ``1 - lam / (gamma s + lam + k)``, ``k = (-gamma s + sqrt(gamma^2 s^2 + 4 lam
    gamma s)) / 2`` (Garleanu and Pedersen 2013, with ``Lambda = lam I`` and no discounting)."""
    s = np.linalg.eigvalsh(budget_neutral_covariance(setup.sigma)[0])
    gs = setup.gamma * s
    k = 0.5 * (-gs + np.sqrt(gs * gs + 4.0 * setup.lam * gs))
    return 1.0 - setup.lam / (gs + setup.lam + k)


def budget_neutral_covariance(sigma: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(P' Sigma P, P)`` with ``P`` an orthonormal basis (N x N-1) of ``{z : sum z = 0}``
    (from the QR factorisation of ``[1, I]``)."""
    n = sigma.shape[0]
    q, _ = np.linalg.qr(np.column_stack([np.ones(n), np.eye(n)[:, : n - 1]]))
    basis = q[:, 1:]
    return basis.T @ sigma @ basis, basis


def multi_period_result(
    setup: MultiPeriodSetup, path: np.ndarray, myopic: np.ndarray, cost_bps
) -> MultiPeriodResult:
    """Assemble :class:`MultiPeriodResult` (shared by both engines)."""
    gross, cost, turnover = path_utility(path, setup)
    m_gross, m_cost, m_turnover = path_utility(myopic, setup)
    return MultiPeriodResult(
        weights=path,
        initial=setup.initial,
        aim=setup.aim,
        turnover=turnover,
        net_utility=gross - cost,
        gross_utility=gross,
        cost=cost,
        myopic_weights=myopic,
        myopic_turnover=m_turnover,
        myopic_net_utility=m_gross - m_cost,
        myopic_gross_utility=m_gross,
        myopic_cost=m_cost,
        trading_rates=stationary_rates(setup),
        risk_aversion=setup.gamma,
        cost_bps=float(cost_bps),
        assets=setup.assets,
    )


def multi_period(
    returns, risk_aversion, cost_bps, n_periods, initial=None, cov="sample"
) -> MultiPeriodResult:
    """Multi-period portfolio choice with quadratic trading costs (Garleanu-Pedersen style),
    compared with myopic re-optimisation.

    Model
    -----
    Per-period (daily, not annualised) moments ``mu``, ``Sigma`` are estimated once from
    ``returns`` and held fixed. Starting from ``initial`` (default ``1/N``), the investor picks
    fully invested weights ``w_1 .. w_n`` to maximise

        sum_t [ w_t' mu - gamma/2 w_t' Sigma w_t - lam/2 ||w_t - w_{t-1}||^2 ],  sum w_t = 1,

    with ``gamma = risk_aversion`` (CARA, per period: the same ``gamma`` as ``mean_variance`` in
    :func:`optimize_portfolio`, whose annualised objective is 252 times this one) and
    ``lam = cost_bps / 1e4``: a trade of ``d`` (fraction of capital) in one asset costs
    ``cost_bps/2 * d^2`` basis points of capital, i.e. it executes ``cost_bps * d / 2`` bps
    away from the mid (linear temporary price impact, Kyle's lambda of ``cost_bps`` bps per
    unit of capital). Quadratic costs make the optimum a partial adjustment toward the *aim*
    ``w* = argmax w'mu - gamma/2 w' Sigma w``: along each principal direction (variance
    ``s``) of ``Sigma`` restricted to budget-neutral trades the gap shrinks by a factor
    ``a_t = lam / (gamma s + lam + k_{t+1})``, with ``k`` from the backward Riccati recursion
    ``k_t = lam (gamma s + k_{t+1}) / (gamma s + lam + k_{t+1})``, ``k_{n+1} = 0``. As ``n ->
    inf`` the rate ``1 - a`` tends to the closed form of Garleanu and Pedersen (2013, "Dynamic
    trading with predictable returns and transaction costs", J. Finance 68(6)) for their cost
    matrix ``Lambda = lam I`` without discounting, reported as ``trading_rates``.

    The myopic investor maximises each period's term alone (``k = 0``): trading rate
    ``gamma s / (gamma s + lam)``, too slow, because it ignores that being nearer the aim also
    pays in later periods. Its net utility is never above the multi-period optimum's.

    Parameters
    ----------
    returns : array_like or DataFrame, shape (T, N)
        Periodic simple returns.
    risk_aversion : float
        ``gamma`` > 0 per unit of per-period variance.
    cost_bps : float
        Quadratic cost coefficient ``lam`` in basis points (>= 0), see above.
    n_periods : int
        Horizon in periods (>= 1).
    initial : array_like, shape (N,), optional
        Starting weights (sum 1); default equal weight.
    cov : {"sample", "ledoit_wolf"}
        Covariance estimator.

    Returns
    -------
    MultiPeriodResult

    Notes
    -----
    Reference engine: the whole horizon is one equality-constrained QP in ``n N`` variables
    whose block-tridiagonal KKT system is solved by :func:`scipy.sparse.linalg.spsolve`; each
    myopic step is a dense KKT solve. No bounds (the closed form needs none).
    """
    setup = multi_period_setup(
        returns, risk_aversion, cost_bps, n_periods, initial, cov, _sklearn_ledoit_wolf
    )
    n, N = setup.n_periods, setup.mu.size
    g, lam, sigma, mu = setup.gamma, setup.lam, setup.sigma, setup.mu
    # block-tridiagonal Hessian of the negated objective in the stacked weights
    diag_blocks = []
    for t in range(n):
        mult = 2.0 if t < n - 1 else 1.0
        diag_blocks.append(g * sigma + mult * lam * np.eye(N))
    H = scipy.sparse.block_diag(diag_blocks, format="csr")
    if n > 1 and lam > 0:
        off = scipy.sparse.kron(
            scipy.sparse.eye(n, k=1) + scipy.sparse.eye(n, k=-1), -lam * np.eye(N)
        )
        H = H + off
    c = -np.tile(mu, n)
    c[:N] -= lam * setup.initial
    A = scipy.sparse.kron(scipy.sparse.eye(n), np.ones((1, N)))
    kkt = scipy.sparse.bmat([[H, A.T], [A, None]], format="csc")
    rhs = np.concatenate([-c, np.ones(n)])
    path = scipy.sparse.linalg.spsolve(kkt, rhs)[: n * N].reshape(n, N)
    # myopic: each period maximise that period's net utility given the current weights
    myopic = np.empty((n, N))
    prev = setup.initial
    dense = np.zeros((N + 1, N + 1))
    dense[:N, :N] = g * sigma + lam * np.eye(N)
    dense[:N, N] = 1.0
    dense[N, :N] = 1.0
    for t in range(n):
        sol = scipy.linalg.solve(dense, np.concatenate([mu + lam * prev, [1.0]]), assume_a="sym")
        myopic[t] = prev = sol[:N]
    return multi_period_result(setup, path, myopic, cost_bps)
