"""Portfolio construction (reference engine, built on SciPy and scikit-learn).

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
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.linalg
import scipy.optimize
import scipy.sparse
import scipy.sparse.linalg

TRADING_DAYS = 252
"""Periods per year used to annualise daily moments."""

METHODS: tuple[str, ...] = (
    "max_sharpe",
    "min_variance",
    "risk_parity",
    "mean_variance",
    "equal_weight",
)
"""Methods of :func:`optimize_portfolio`."""

COV_ESTIMATORS: tuple[str, ...] = ("sample", "ledoit_wolf")
"""Covariance estimators accepted by ``cov=``."""

SPARSE_METHODS: tuple[str, ...] = ("lasso", "elastic_net")
"""Methods of :func:`sparse_portfolio`."""

SINGULAR_RCOND = 1e-10
"""A covariance whose smallest/largest eigenvalue ratio is below this is treated as singular."""

BOUNDS_TOL = 1e-9
"""Tolerance of the bound and budget checks on computed weights."""


# --------------------------------------------------------------------------------------------
# results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PortfolioResult:
    """An optimised portfolio.

    Attributes
    ----------
    weights : ndarray, shape (N,)
        Fractions of capital, summing to 1.
    expected_return : float
        Annual expected return ``w' mu``.
    volatility : float
        Annual volatility ``sigma_p = sqrt(w' Sigma w)``.
    sharpe : float
        ``(expected_return - risk_free) / volatility``.
    risk_contributions : ndarray, shape (N,)
        Euler risk contributions ``RC_i = w_i (Sigma w)_i / sigma_p`` (annual volatility
        units); they sum to ``volatility``. Divide by ``volatility`` for percentage shares.
    method : str
        The method that produced the weights.
    assets : tuple of str
        Asset names (DataFrame columns, or "0", "1", ... for arrays).
    """

    weights: np.ndarray
    expected_return: float
    volatility: float
    sharpe: float
    risk_contributions: np.ndarray
    method: str
    assets: tuple[str, ...]


@dataclass(frozen=True)
class Frontier:
    """The efficient frontier traced between the minimum-variance and the highest-return
    portfolios.

    Attributes
    ----------
    returns : ndarray, shape (n_points,)
        Annual expected returns (equally spaced targets).
    volatilities : ndarray, shape (n_points,)
        Minimum annual volatility achieving each target.
    weights : ndarray, shape (n_points, N)
        The frontier portfolios.
    sharpe : ndarray, shape (n_points,)
        Sharpe ratio of each point at the given ``risk_free``.
    max_sharpe, min_variance : PortfolioResult
        The tangency and the global minimum-variance portfolios.
    assets : tuple of str
        Asset names.
    """

    returns: np.ndarray
    volatilities: np.ndarray
    weights: np.ndarray
    sharpe: np.ndarray
    max_sharpe: PortfolioResult
    min_variance: PortfolioResult
    assets: tuple[str, ...]


@dataclass(frozen=True)
class SparsePortfolioResult:
    """A sparse replicating portfolio.

    Attributes
    ----------
    weights : ndarray, shape (N,)
        Holdings per unit of capital tracking the target (regression coefficients; they need
        not sum to 1, see :attr:`normalized_weights`).
    n_selected : int
        Number of non-zero weights.
    selected : tuple of str
        Names of the selected assets.
    normalized_weights : ndarray, shape (N,)
        ``weights / sum(weights)`` (a fully invested version; zeros if the sum is 0).
    intercept : float
        Per-period return of the target not explained by the holdings (alpha).
    penalty : float
        Absolute penalty ``lam * lam_max`` passed to the solver (scikit-learn's ``alpha``).
    lam_max : float
        Smallest penalty giving an empty portfolio.
    l1_ratio : float
        Elastic-net mixing (1 for the lasso).
    r2 : float
        In-sample R^2 of the replication.
    tracking_error : float
        Annualised standard deviation of the tracking residual.
    gross_exposure : float
        ``sum |weights|``.
    method : str
        ``"lasso"`` or ``"elastic_net"``.
    assets : tuple of str
        Asset names.
    """

    weights: np.ndarray
    n_selected: int
    selected: tuple[str, ...]
    normalized_weights: np.ndarray
    intercept: float
    penalty: float
    lam_max: float
    l1_ratio: float
    r2: float
    tracking_error: float
    gross_exposure: float
    method: str
    assets: tuple[str, ...]


@dataclass(frozen=True)
class MultiPeriodResult:
    """Multi-period trading with quadratic costs versus myopic re-optimisation.

    Attributes
    ----------
    weights : ndarray, shape (n_periods, N)
        Optimal multi-period path; row t holds the weights after trading in period t+1.
    initial : ndarray, shape (N,)
        Weights held before the first period.
    aim : ndarray, shape (N,)
        The cost-free target ``argmax w' mu - gamma/2 w' Sigma w`` s.t. ``sum w = 1``.
    turnover : ndarray, shape (n_periods,)
        ``sum_i |w_t,i - w_t-1,i|`` of the multi-period path.
    net_utility : float
        Sum over periods of ``w_t' mu - gamma/2 w_t' Sigma w_t - cost_t`` (per-period return
        units, summed over the horizon).
    gross_utility, cost : float
        The two parts of ``net_utility`` (``net = gross - cost``).
    myopic_weights : ndarray, shape (n_periods, N)
        Path of a trader who each period maximises that period's net utility only.
    myopic_turnover : ndarray, shape (n_periods,)
    myopic_net_utility, myopic_gross_utility, myopic_cost : float
        Same quantities for the myopic path.
    trading_rates : ndarray, shape (N-1,)
        Stationary (infinite-horizon) fraction of the gap to the aim traded per period along
        each principal direction of the budget-neutral covariance, ascending variance.
    risk_aversion, cost_bps : float
        Inputs, for reference.
    assets : tuple of str
        Asset names.
    """

    weights: np.ndarray
    initial: np.ndarray
    aim: np.ndarray
    turnover: np.ndarray
    net_utility: float
    gross_utility: float
    cost: float
    myopic_weights: np.ndarray
    myopic_turnover: np.ndarray
    myopic_net_utility: float
    myopic_gross_utility: float
    myopic_cost: float
    trading_rates: np.ndarray
    risk_aversion: float
    cost_bps: float
    assets: tuple[str, ...]


# --------------------------------------------------------------------------------------------
# input handling and problem set-up, shared with the native engine
# --------------------------------------------------------------------------------------------


def returns_matrix(
    returns: Any, min_obs_per_asset: bool = True
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Validate ``returns`` and return it as a C-contiguous float T x N array with asset names."""
    if hasattr(returns, "columns") and hasattr(returns, "to_numpy"):
        assets = tuple(str(c) for c in returns.columns)
        try:
            values = returns.to_numpy(dtype=float, na_value=np.nan)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"returns: expected numeric columns ({exc})") from None
    else:
        try:
            values = np.asarray(returns, dtype=float)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"returns: expected a numeric T x N matrix ({exc})") from exc
        assets = tuple(str(i) for i in range(values.shape[1])) if values.ndim == 2 else ()
    if values.ndim != 2:
        raise ValueError(f"returns: expected a 2-D T x N matrix, got {values.ndim} dimension(s)")
    n_obs, n_assets = values.shape
    if n_assets < 2:
        raise ValueError(f"returns: need at least 2 assets (columns), got {n_assets}")
    if not np.all(np.isfinite(values)):
        bad = np.argwhere(~np.isfinite(values))[0]
        raise ValueError(
            f"returns: contains NaN or infinite values (first at row {bad[0]}, asset "
            f"{assets[bad[1]]!r}); drop or fill missing observations first"
        )
    if min_obs_per_asset and n_obs < n_assets:
        raise ValueError(
            f"returns: fewer observations ({n_obs}) than assets ({n_assets}); the covariance "
            "cannot be estimated"
        )
    if n_obs < 3:
        raise ValueError(f"returns: need at least 3 observations, got {n_obs}")
    return np.ascontiguousarray(values), assets


def check_covariance(sigma: np.ndarray, assets: tuple[str, ...]) -> None:
    """Raise ValueError if ``sigma`` is singular (relative smallest eigenvalue below
    :data:`SINGULAR_RCOND`), naming a zero-variance asset when there is one."""
    diag = np.diag(sigma)
    zero = np.flatnonzero(diag <= SINGULAR_RCOND * diag.max())
    if zero.size:
        raise ValueError(
            f"returns: the covariance is singular: asset {assets[zero[0]]!r} has zero variance "
            "(constant returns)"
        )
    eig = np.linalg.eigvalsh(sigma)
    if eig[0] <= SINGULAR_RCOND * eig[-1]:
        raise ValueError(
            f"returns: the covariance is singular (smallest/largest eigenvalue "
            f"{eig[0] / eig[-1]:.2e}); remove duplicated or linearly dependent assets"
        )


def sample_covariance(values: np.ndarray) -> np.ndarray:
    """Sample covariance (``ddof = 1``) of a T x N matrix via one BLAS product."""
    centred = values - values.mean(axis=0)
    return centred.T @ centred / (values.shape[0] - 1)


def estimate_moments(
    returns: Any,
    cov: str,
    ledoit_wolf: Callable[[np.ndarray], np.ndarray],
    annualise: bool = True,
) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """Mean vector and covariance of ``returns`` (annualised unless ``annualise=False``).

    ``ledoit_wolf`` is the engine's Ledoit-Wolf estimator (T x N -> N x N).
    """
    if cov not in COV_ESTIMATORS:
        raise ValueError(
            f"cov: unknown estimator {cov!r}; choose one of {', '.join(COV_ESTIMATORS)}"
        )
    values, assets = returns_matrix(returns)
    mu = values.mean(axis=0)
    sigma = sample_covariance(values) if cov == "sample" else ledoit_wolf(values)
    sigma = 0.5 * (sigma + sigma.T)
    check_covariance(sigma, assets)
    if annualise:
        mu = mu * TRADING_DAYS
        sigma = sigma * TRADING_DAYS
    return mu, sigma, assets


def resolve_bounds(bounds: Any, n: int, long_only: bool) -> tuple[np.ndarray, np.ndarray]:
    """Per-asset ``(lo, hi)`` from ``bounds`` and ``long_only``; ValueError if infeasible."""
    if bounds is None:
        lo_raw, hi_raw = None, None
    else:
        try:
            lo_raw, hi_raw = bounds
        except (TypeError, ValueError):
            raise ValueError(
                "bounds: expected a pair (lo, hi) of scalars or length-N arrays"
            ) from None

    def side(value: Any, default: float, name: str) -> np.ndarray:
        if value is None:
            return np.full(n, default)
        arr = np.asarray(value, dtype=float)
        if arr.ndim == 0:
            arr = np.full(n, float(arr))
        if arr.shape != (n,):
            raise ValueError(f"bounds: {name} has shape {arr.shape}, expected a scalar or ({n},)")
        if np.any(np.isnan(arr)):
            raise ValueError(f"bounds: {name} contains NaN")
        return arr.copy()

    lo = side(lo_raw, -np.inf, "lo")
    hi = side(hi_raw, np.inf, "hi")
    if long_only:
        lo = np.maximum(lo, 0.0)
    if np.any(lo > hi):
        i = int(np.flatnonzero(lo > hi)[0])
        raise ValueError(
            f"bounds: infeasible, lower bound {lo[i]:g} exceeds upper bound {hi[i]:g} for asset {i}"
            + (" (long_only sets lower bounds to 0)" if long_only else "")
        )
    if lo.sum() > 1 + BOUNDS_TOL or hi.sum() < 1 - BOUNDS_TOL:
        raise ValueError(
            f"bounds: infeasible, weights must sum to 1 but sum(lo) = {lo.sum():g} and "
            f"sum(hi) = {hi.sum():g}"
        )
    return lo, hi


def feasible_point(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """A point with ``sum w = 1`` and ``lo <= w <= hi`` (bounds assumed feasible)."""
    w = np.clip(np.full(lo.size, 1.0 / lo.size), lo, hi)
    gap = 1.0 - w.sum()
    room = (hi - w) if gap > 0 else (w - lo)
    for i in range(w.size):
        if abs(gap) <= 0:
            break
        move = min(room[i], abs(gap))
        w[i] += math.copysign(move, gap)
        gap -= math.copysign(move, gap)
    return w


def lp_cap(lo: np.ndarray, hi: np.ndarray) -> float:
    """``1 + sum |finite limits|``: no weight of a vertex of ``{sum w = 1, lo <= w <= hi}`` can
    exceed it in absolute value when the box is bounded on one side for every asset."""
    finite = np.concatenate([lo[np.isfinite(lo)], hi[np.isfinite(hi)]])
    return 1.0 + float(np.abs(finite).sum())


def lp_bounded(lo: np.ndarray, hi: np.ndarray) -> bool:
    """Whether ``max m'w`` over ``{sum w = 1, lo <= w <= hi}`` is bounded for every ``m``."""
    return bool(np.all(np.isfinite(hi)) or np.all(np.isfinite(lo)))


def max_return_point(m: np.ndarray, lo: np.ndarray, hi: np.ndarray, cap: float) -> np.ndarray:
    """Greedy solution of the LP ``max m'w`` s.t. ``sum w = 1``, ``lo <= w <= hi``, with
    infinite limits replaced by ``+-cap``: start at the lower limits and fill the assets in
    decreasing order of ``m`` up to their upper limits (a fractional knapsack). With ``cap >=``
    :func:`lp_cap` the capped box is feasible, and when :func:`lp_bounded` holds the result is
    the exact LP optimum."""
    lo_c = np.maximum(lo, -cap)
    hi_c = np.minimum(hi, cap)
    w = lo_c.copy()
    budget = 1.0 - w.sum()
    for i in np.argsort(-m, kind="stable"):
        if budget <= 0:
            break
        add = min(hi_c[i] - w[i], budget)
        w[i] += add
        budget -= add
    return w


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


def check_weights(w: np.ndarray, lo: np.ndarray, hi: np.ndarray, method: str) -> None:
    """Raise ValueError if a closed-form ``method`` (equal weight, risk parity) breaks bounds."""
    scale = max(1.0, float(np.abs(w).max()))
    if np.any(w < lo - BOUNDS_TOL * scale) or np.any(w > hi + BOUNDS_TOL * scale):
        i = int(np.flatnonzero((w < lo - BOUNDS_TOL * scale) | (w > hi + BOUNDS_TOL * scale))[0])
        raise ValueError(
            f"bounds: the {method} weights do not satisfy the bounds (asset {i}: weight "
            f"{w[i]:.4g} outside [{lo[i]:g}, {hi[i]:g}]); {method} has no free parameters to "
            "meet them"
        )


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


def risk_parity_start(sigma: np.ndarray) -> np.ndarray:
    """Inverse-volatility start for the risk-parity solvers (scaled so ``y' Sigma y = 1``)."""
    y = 1.0 / np.sqrt(np.diag(sigma))
    return y / math.sqrt(float(y @ sigma @ y))


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


# ---- sparse replication ---------------------------------------------------------------------


@dataclass(frozen=True)
class SparseDesign:
    """Centred, rescaled lasso design shared by both engines."""

    X: np.ndarray
    y: np.ndarray
    x_mean: np.ndarray
    y_mean: float
    scale: float
    penalty: float
    lam_max: float
    l1_ratio: float
    raw_X: np.ndarray
    raw_y: np.ndarray
    assets: tuple[str, ...]


def sparse_design(returns, method, lam, alpha, target, positive) -> SparseDesign:
    """Validate inputs of :func:`sparse_portfolio` and set up the regression."""
    if method not in SPARSE_METHODS:
        raise ValueError(
            f"method: unknown method {method!r}; choose one of {', '.join(SPARSE_METHODS)}"
        )
    lam = float(lam)
    if not (math.isfinite(lam) and lam > 0):
        raise ValueError(f"lam: must be > 0 (a fraction of lam_max), got {lam!r}")
    l1_ratio = 1.0 if method == "lasso" else float(alpha)
    if not (math.isfinite(l1_ratio) and 0 < l1_ratio <= 1):
        raise ValueError(f"alpha: the elastic-net l1 ratio must be in (0, 1], got {alpha!r}")
    values, assets = returns_matrix(returns, min_obs_per_asset=False)
    if target is None:
        y = values.mean(axis=1)
    else:
        y = np.asarray(
            target.to_numpy() if hasattr(target, "to_numpy") else target, dtype=float
        ).ravel()
        if y.shape[0] != values.shape[0]:
            raise ValueError(
                f"target: has {y.shape[0]} observations, returns has {values.shape[0]}"
            )
        if not np.all(np.isfinite(y)):
            raise ValueError("target: contains NaN or infinite values")
    x_mean = values.mean(axis=0)
    y_mean = float(y.mean())
    yc = y - y_mean
    scale = float(yc.std())
    if not scale > 0:
        raise ValueError("target: is constant; there is nothing to replicate")
    X = (values - x_mean) / scale
    yc = yc / scale
    n = values.shape[0]
    corr = X.T @ yc / n
    top = float(corr.max()) if positive else float(np.abs(corr).max())
    if not top > 0:
        raise ValueError(
            "target: is not positively correlated with any asset; with positive=True "
            "the replicating portfolio is empty"
        )
    lam_max = top / l1_ratio
    return SparseDesign(
        X=np.ascontiguousarray(X),
        y=yc,
        x_mean=x_mean,
        y_mean=y_mean,
        scale=scale,
        penalty=lam * lam_max,
        lam_max=lam_max,
        l1_ratio=l1_ratio,
        raw_X=values,
        raw_y=y,
        assets=assets,
    )


def sparse_result(design: SparseDesign, coef: np.ndarray, method: str) -> SparsePortfolioResult:
    """Diagnostics of a sparse replication (shared by both engines)."""
    w = np.asarray(coef, dtype=float).copy()
    intercept = design.y_mean - float(design.x_mean @ w)
    resid = design.raw_y - design.raw_X @ w - intercept
    yc = design.raw_y - design.y_mean
    r2 = 1.0 - float(resid @ resid) / float(yc @ yc)
    total = float(w.sum())
    norm = w / total if total != 0 else np.zeros_like(w)
    nz = np.flatnonzero(w != 0)
    return SparsePortfolioResult(
        weights=w,
        n_selected=int(nz.size),
        selected=tuple(design.assets[i] for i in nz),
        normalized_weights=norm,
        intercept=intercept,
        penalty=design.penalty,
        lam_max=design.lam_max,
        l1_ratio=design.l1_ratio,
        r2=r2,
        tracking_error=float(resid.std(ddof=1) * math.sqrt(TRADING_DAYS)),
        gross_exposure=float(np.abs(w).sum()),
        method=method,
        assets=design.assets,
    )


SPARSE_GAP_TOL = 1e-14
"""Both engines stop the elastic net when its duality gap is at most this fraction of ``y'y/T``
(scikit-learn's ``tol``)."""


def sparse_agreement(got: Any, want: Any, args: tuple, kwargs: dict) -> list[str]:
    """How two sparse portfolios of the same call disagree beyond what their optimiser
    certifies (empty when they agree).

    Both solutions have a duality gap of at most ``g = SPARSE_GAP_TOL * y'y/T``, so each is
    within ``g`` of the optimal objective and, the objective being strongly convex with
    modulus ``m = lambda_min(Q) + a (1 - l1)``, within ``sqrt(2 g / m)`` of the optimal
    weights. They must therefore have objectives within ``2 g`` and weights within
    ``2 sqrt(2 g / m)`` (plus rounding), and the same support outside that distance. When
    ``m`` is 0 (collinear assets) the weights are not identified and only the objective is
    compared.
    """
    import inspect

    bound = inspect.signature(sparse_portfolio).bind(*args, **kwargs)
    bound.apply_defaults()
    a = bound.arguments
    design = sparse_design(
        a["returns"], a["method"], a["lam"], a["alpha"], a["target"], a["positive"]
    )
    t = design.X.shape[0]
    q_mat = design.X.T @ design.X / t
    yy = float(design.y @ design.y) / t
    l1 = design.penalty * design.l1_ratio
    l2 = design.penalty * (1.0 - design.l1_ratio)
    gap = SPARSE_GAP_TOL * yy
    rounding = 64 * np.finfo(float).eps * (yy + 1.0)

    def objective(w: np.ndarray) -> float:
        r = design.y - design.X @ w
        return float(r @ r) / (2 * t) + l1 * float(np.abs(w).sum()) + 0.5 * l2 * float(w @ w)

    problems = []
    f_got, f_want = objective(got.weights), objective(want.weights)
    if abs(f_got - f_want) > 2 * gap + rounding:
        problems.append(
            f"objective {f_got!r} != {f_want!r} beyond the certified 2 gap = {2 * gap:g}"
        )
    modulus = float(np.linalg.eigvalsh(q_mat)[0]) + l2
    if modulus > 1e-12 * max(1.0, float(np.trace(q_mat))):
        radius = 2.0 * math.sqrt(2.0 * gap / modulus) + 1e-9
        diff = np.abs(got.weights - want.weights)
        if diff.max() > radius:
            problems.append(f"weights differ by {diff.max():g} > certified {radius:g}")
        clear = np.abs(want.weights) > 2 * radius
        if np.any((got.weights[clear] == 0) != (want.weights[clear] == 0)):
            problems.append("support differs where the weights are certified non-zero")
    return problems


# ---- multi-period ---------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# reference solvers
# --------------------------------------------------------------------------------------------


def _sklearn_ledoit_wolf(values: np.ndarray) -> np.ndarray:
    from sklearn.covariance import LedoitWolf

    return LedoitWolf().fit(values).covariance_


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


def sparse_portfolio(
    returns, method="lasso", lam=0.01, alpha=0.5, target=None, positive=True
) -> SparsePortfolioResult:
    """Sparse replicating (index-tracking) portfolio by the lasso or the elastic net.

    We build a sparse *replicating* portfolio rather than a sparse mean-reverting basket: the
    input is returns, for which a penalised regression of a benchmark on the assets is a
    well-posed convex problem with a unique elastic-net solution, the l1 penalty directly
    controls how many holdings are used, and the fit is judged by tracking error. A sparse
    mean-reverting basket needs price levels and a predictability criterion (e.g. d'Aspremont
    2011), which an l1 penalty on a regression does not control; the lab's Pairs pages cover
    mean reversion.

    Model: ``target_t = b + sum_i w_i r_t,i + e_t``, estimated by

        min_w 1/(2T) ||y - X w||^2 + a (l1 ||w||_1 + (1 - l1)/2 ||w||^2)

    on centred data (``b`` recovered from the means), i.e. scikit-learn's :class:`Lasso`
    (``l1 = 1``) / :class:`ElasticNet` objective, with ``w >= 0`` when ``positive``.

    Parameters
    ----------
    returns : array_like or DataFrame, shape (T, N)
        Periodic simple returns of the candidate holdings.
    method : {"lasso", "elastic_net"}
    lam : float
        Penalty as a fraction of ``lam_max``, the smallest penalty at which every weight is 0
        (``lam_max = max_i x_i'y / (T l1)`` on centred data); ``a = lam * lam_max``. Scale-free:
        smaller values keep more assets (``lam -> 0`` tends to least squares), values >= 1
        give an empty portfolio.
    alpha : float
        Elastic-net l1 ratio ``l1`` in (0, 1] (ignored by the lasso).
    target : array_like, shape (T,), optional
        Benchmark returns to replicate; defaults to the equally weighted average of the columns
        (the 1/N index of the universe).
    positive : bool
        Long-only holdings.

    Returns
    -------
    SparsePortfolioResult
        Weights (holdings per unit of capital, not forced to sum to 1), number and names of
        the selected assets, intercept, penalty, in-sample R^2, annualised tracking error.

    Notes
    -----
    Both sides are divided by the target's standard deviation before fitting (which leaves
    ``w`` unchanged because ``a`` scales with ``lam_max``) so that the solver tolerance is
    scale-free. Reference: Tibshirani (1996); Zou and Hastie (2005); solver: scikit-learn
    coordinate descent (Friedman, Hastie and Tibshirani 2010) to a duality gap of 1e-14.
    """
    from sklearn.linear_model import ElasticNet, Lasso

    design = sparse_design(returns, method, lam, alpha, target, positive)
    common = {
        "alpha": design.penalty,
        "fit_intercept": False,
        "positive": bool(positive),
        "tol": SPARSE_GAP_TOL,
        "max_iter": 1_000_000,
    }
    model = Lasso(**common) if method == "lasso" else ElasticNet(l1_ratio=design.l1_ratio, **common)
    model.fit(design.X, design.y)
    return sparse_result(design, model.coef_, method)


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
