"""The quadratic programmes behind each method and the reference engine's solvers: SciPy's
SLSQP with an exact KKT polish on its active set, and SciPy's root finder for risk parity.
An engine is a :class:`Solvers` triple (covariance estimator, QP solver, risk-parity solver).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.linalg
import scipy.optimize
import scipy.sparse
import scipy.sparse.linalg

from lab.analytics.portfolio.constraints import feasible_point, lp_cap, max_return_point
from lab.analytics.portfolio.moments import _sklearn_ledoit_wolf


@dataclass(frozen=True)
class QPProblem:
    """``min 1/2 x'Hx + c'x`` s.t. ``A x = b`` and ``G x >= h``, with a feasible ``x0``.

    ``H`` is positive definite. :func:`qp_weights` maps the solution to portfolio weights.
    """

    H: np.ndarray
    c: np.ndarray
    A: np.ndarray
    b: np.ndarray
    G: np.ndarray
    h: np.ndarray
    x0: np.ndarray
    homogeneous: bool


def box_rows(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Inequality rows ``w_i >= lo_i`` and ``-w_i >= -hi_i`` for the finite limits."""
    n = lo.size
    eye = np.eye(n)
    fin_lo = np.isfinite(lo)
    fin_hi = np.isfinite(hi)
    G = np.vstack([eye[fin_lo], -eye[fin_hi]])
    h = np.concatenate([lo[fin_lo], -hi[fin_hi]])
    return G.reshape(-1, n), h


def build_qp(
    method: str,
    mu: np.ndarray,
    sigma: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    risk_free: float = 0.0,
    risk_aversion: float = 1.0,
) -> QPProblem:
    """Quadratic programme of a mean-variance ``method`` (shared by both engines).

    * ``min_variance``: ``min 1/2 w' Sigma w``, ``sum w = 1``, box.
    * ``mean_variance``: ``min gamma/2 w' Sigma w - mu' w``, ``sum w = 1``, box.
    * ``max_sharpe``: the homogenised programme (Cornuejols and Tutuncu 2007, *Optimization
      Methods in Finance*, ch. 8): with excess returns ``m = mu - risk_free`` solve ``min
      1/2 y' Sigma y`` s.t. ``m' y = 1``, ``lo_i sum(y) <= y_i <= hi_i sum(y)``,
      ``sum(y) >= 0``; then ``w = y / sum(y)``. Convex, and exactly the tangency portfolio.
    """
    n = mu.size
    ones = np.ones((1, n))
    G, h = box_rows(lo, hi)
    if method == "min_variance":
        return QPProblem(sigma, np.zeros(n), ones, np.ones(1), G, h, feasible_point(lo, hi), False)
    if method == "mean_variance":
        return QPProblem(
            risk_aversion * sigma, -mu, ones, np.ones(1), G, h, feasible_point(lo, hi), False
        )
    if method == "max_sharpe":
        m = mu - risk_free
        w0 = max_return_point(m, lo, hi, lp_cap(lo, hi))
        excess = float(m @ w0)
        if not excess > 1e-12 * max(1.0, float(np.abs(m).max())):
            raise ValueError(
                f"risk_free: no portfolio within the bounds has an expected return above "
                f"risk_free = {risk_free:g} (best excess return {excess:.3g}); the maximum-Sharpe "
                "portfolio is undefined"
            )
        rows = []
        rhs = []
        for i in range(n):
            e = np.zeros(n)
            e[i] = 1.0
            if np.isfinite(lo[i]):
                rows.append(e - lo[i])
                rhs.append(0.0)
            if np.isfinite(hi[i]):
                rows.append(hi[i] - e)
                rhs.append(0.0)
        if np.any(lo < 0):
            rows.append(np.ones(n))
            rhs.append(0.0)
        Gs = np.array(rows, dtype=float).reshape(-1, n)
        hs = np.array(rhs, dtype=float)
        return QPProblem(sigma, np.zeros(n), m.reshape(1, n), np.ones(1), Gs, hs, w0 / excess, True)
    raise ValueError(f"method: {method!r} is not a quadratic programme")


def frontier_qp(mu, sigma, lo, hi, target, x0) -> QPProblem:
    """``min 1/2 w' Sigma w`` s.t. ``sum w = 1``, ``mu' w = target``, box; ``x0`` feasible."""
    n = mu.size
    G, h = box_rows(lo, hi)
    A = np.vstack([np.ones(n), mu])
    return QPProblem(sigma, np.zeros(n), A, np.array([1.0, target]), G, h, x0, False)


def qp_weights(problem: QPProblem, x: np.ndarray) -> np.ndarray:
    """Weights from a QP solution (de-homogenises the max-Sharpe programme)."""
    if not problem.homogeneous:
        return x
    kappa = float(x.sum())
    if not kappa > 1e-12 * max(1.0, float(np.abs(x).max())):
        raise ValueError(
            "bounds: the maximum-Sharpe portfolio is unbounded (the Sharpe ratio keeps rising "
            "with leverage of a zero-cost portfolio); add finite bounds or use long_only=True"
        )
    return x / kappa


def risk_parity_start(sigma: np.ndarray) -> np.ndarray:
    """Inverse-volatility start for the risk-parity solvers (scaled so ``y' Sigma y = 1``)."""
    y = 1.0 / np.sqrt(np.diag(sigma))
    return y / math.sqrt(float(y @ sigma @ y))


def _kkt_solve(problem: QPProblem, active: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Solve the equality-constrained QP with the ``active`` inequality rows as equalities."""
    A = np.vstack([problem.A, problem.G[active]])
    b = np.concatenate([problem.b, problem.h[active]])
    n, m = problem.H.shape[0], A.shape[0]
    kkt = np.zeros((n + m, n + m))
    kkt[:n, :n] = problem.H
    kkt[:n, n:] = -A.T
    kkt[n:, :n] = A
    rhs = np.concatenate([-problem.c, b])
    sol = np.linalg.lstsq(kkt, rhs, rcond=None)[0]
    return sol[:n], sol[n + problem.A.shape[0] :]


def _kkt_multipliers_ok(problem: QPProblem, x: np.ndarray, active: np.ndarray) -> bool:
    """Whether ``Hx + c = A' nu + G_S' lam`` has a solution with ``lam >= 0`` (non-negative least
    squares, so that degenerate vertices with dependent active rows are judged correctly)."""
    grad = problem.H @ x + problem.c
    basis = np.hstack([problem.A.T, -problem.A.T, problem.G[active].T])
    _, resid = scipy.optimize.nnls(basis, grad, maxiter=50 * basis.shape[1])
    return resid <= 1e-10 * max(1.0, float(np.abs(grad).max()), float(np.abs(problem.H).max()))


def _polish(problem: QPProblem, x: np.ndarray) -> np.ndarray | None:
    """Refine an approximate QP solution to the exact KKT point of its active set.

    The constraints with slack below ``1e-6`` at the SLSQP solution form the initial active
    set; the equality-constrained programme on that set is solved exactly, and the point is
    accepted when it is feasible and admits non-negative multipliers (checked by non-negative
    least squares, which copes with degenerate vertices). Otherwise a violated constraint is
    added or the constraint with the most negative least-squares multiplier released; None is
    returned if no KKT point is reached within 2 N + 2 rounds.
    """
    scale = max(1.0, float(np.abs(x).max()))
    active = problem.G @ x - problem.h <= 1e-6 * scale
    for _ in range(2 * problem.H.shape[0] + 2):
        xs, lam = _kkt_solve(problem, active)
        slack = problem.G @ xs - problem.h
        if slack.size and slack.min() < -1e-10 * scale:
            active[int(np.argmin(slack))] = True
            continue
        if _kkt_multipliers_ok(problem, xs, active):
            return xs
        if lam.size == 0:
            return None
        active[np.flatnonzero(active)[int(np.argmin(lam))]] = False
    return None


def _solve_qp_reference(problem: QPProblem) -> np.ndarray:
    """Solve a :class:`QPProblem` with SciPy's SLSQP (Kraft 1988), then polish (:func:`_polish`)."""
    H, c, A, b, G, h = problem.H, problem.c, problem.A, problem.b, problem.G, problem.h
    constraints = [{"type": "eq", "fun": lambda x: A @ x - b, "jac": lambda x: A}]
    if G.shape[0]:
        constraints.append({"type": "ineq", "fun": lambda x: G @ x - h, "jac": lambda x: G})
    res = scipy.optimize.minimize(
        lambda x: 0.5 * x @ H @ x + c @ x,
        problem.x0,
        jac=lambda x: H @ x + c,
        constraints=constraints,
        method="SLSQP",
        options={"ftol": 1e-16, "maxiter": 2000},
    )
    polished = _polish(problem, res.x)
    if polished is not None:
        return polished
    if not res.success:
        raise RuntimeError(f"optimize_portfolio: SLSQP failed ({res.message})")
    return res.x


def _risk_parity_reference(sigma: np.ndarray) -> np.ndarray:
    """Equal-risk-contribution weights from Spinu's (2013) convex programme ``min 1/2 y' Sigma y
    - (1/N) sum log y_i`` (``y > 0``), solved by SciPy's exact trust-region Newton method and
    refined by MINPACK's hybrid root finder (:func:`scipy.optimize.root`, ``hybr``) on its
    gradient ``Sigma y - b / y = 0``; ``w = y / sum y``."""
    n = sigma.shape[0]
    b = np.full(n, 1.0 / n)

    def f(y):
        if np.any(y <= 0):
            return np.inf
        return 0.5 * y @ sigma @ y - b @ np.log(y)

    def grad(y):
        return sigma @ y - b / y

    def hess(y):
        return sigma + np.diag(b / (y * y))

    res = scipy.optimize.minimize(
        f,
        risk_parity_start(sigma),
        jac=grad,
        hess=hess,
        method="trust-exact",
        options={"gtol": 1e-10, "maxiter": 500},
    )
    y = res.x
    root = scipy.optimize.root(grad, y, jac=hess, method="hybr", options={"xtol": 1e-15})
    if np.all(root.x > 0) and np.abs(grad(root.x)).max() <= np.abs(grad(y)).max():
        y = root.x
    if not (np.all(y > 0) and np.abs(grad(y)).max() < 1e-9):
        raise RuntimeError(f"optimize_portfolio: risk-parity solver failed ({res.message})")
    return y / y.sum()


@dataclass(frozen=True)
class Solvers:
    """An engine's numerical parts, called by the shared set-up and control flow
    (:func:`solve_portfolio`, :func:`trace_frontier`)."""

    ledoit_wolf: Callable[[np.ndarray], np.ndarray]
    solve_qp: Callable[[QPProblem], np.ndarray]
    risk_parity: Callable[[np.ndarray], np.ndarray]


REFERENCE_SOLVERS = Solvers(_sklearn_ledoit_wolf, _solve_qp_reference, _risk_parity_reference)
"""The reference engine's solvers: scikit-learn's Ledoit-Wolf, SciPy SLSQP (polished), and
Spinu's risk-parity programme with SciPy."""
