""":func:`sparse_portfolio`: sparse replication of an index by lasso or elastic net
(scikit-learn for the reference engine), and the certificate both engines' answers are
compared by.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from lab.analytics.portfolio.moments import TRADING_DAYS, returns_matrix
from lab.analytics.portfolio.results import SparsePortfolioResult

SPARSE_METHODS: tuple[str, ...] = ("lasso", "elastic_net")
"""Methods of :func:`sparse_portfolio`."""


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
