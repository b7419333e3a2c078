"""Maximum-likelihood noise parameters of the Kalman-filter hedge ratio.

Model
-----
The model of :func:`lab.analytics.backtest.kalman_hedge` (``hedge="kalman"``)::

    y[t] = alpha[t] + beta[t] x[t] + e[t],        e[t] ~ N(0, r),
    (alpha, beta)[t] = (alpha, beta)[t-1] + w[t], w[t] ~ N(0, diag(q_alpha, q_beta)),

with the state before the first observation ``N(0, KALMAN_P0 I)`` (known). The Kalman filter's
one-step prediction errors ``v[t]`` with variances ``F[t]`` give the exact Gaussian
log-likelihood by the prediction-error decomposition (Harvey 1989, section 3.4)::

    loglik = -1/2 sum_t (ln(2 pi F[t]) + v[t]^2 / F[t]),

which :func:`kalman_mle` maximises over ``(q_alpha, q_beta, r)``, on the training rows only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize
from statsmodels.tsa.statespace.mlemodel import MLEModel

from lab.analytics.backtest.checks import _as_prices
from lab.analytics.backtest.params import KALMAN_P0

MIN_KALMAN_ROWS = 10
"""Fewest training rows :func:`kalman_mle` accepts."""

MAX_KALMAN_ROWS = 1_000_000
"""Most training rows of one :func:`kalman_mle` (each likelihood evaluation is a pass)."""

LOG_BOUNDS = (-35.0, 12.0)
"""Bounds of the optimiser's variables ``ln(q / q0)``: each variance stays within
``e^-35 ~ 6e-16`` and ``e^12 ~ 1.6e5`` times its starting value (see :func:`kalman_start`)."""


@dataclass(frozen=True)
class KalmanFit:
    """Maximum-likelihood noise variances of the Kalman hedge (units of :class:`PairParams`'
    ``kalman_q_alpha``, ``kalman_q_beta``, ``kalman_r``: per row, price units squared for
    ``q_alpha`` and ``r``).

    Attributes
    ----------
    q_alpha, q_beta, r : float
        The estimates; pass them as ``PairParams(kalman_q_alpha=..., kalman_q_beta=...,
        kalman_r=...)``.
    loglik : float
        The maximised log-likelihood of the training rows.
    nobs : int
        Training rows used, ``floor(train_fraction T)``.
    at_bound : bool
        Some variance ended on its bound (:data:`LOG_BOUNDS`): the likelihood wants it at 0
        (a constant intercept or slope) or unbounded.
    """

    q_alpha: float
    q_beta: float
    r: float
    loglik: float
    nobs: int
    at_bound: bool


def check_kalman_inputs(y, x, train_fraction) -> tuple[np.ndarray, np.ndarray, int]:
    """Validate :func:`kalman_mle`'s arguments; returns the training rows and their count."""
    ya = _as_prices(y, "y")
    xa = _as_prices(x, "x")
    if ya.shape != xa.shape:
        raise ValueError(f"y and x must have the same length, got {ya.shape[0]} and {xa.shape[0]}")
    try:
        frac = float(train_fraction)
    except (TypeError, ValueError):
        raise ValueError(f"train_fraction must be a number, got {train_fraction!r}") from None
    if not 0.0 < frac <= 1.0:
        raise ValueError(f"train_fraction must be in (0, 1], got {train_fraction!r}")
    n = int(math.floor(frac * ya.shape[0]))
    if n < MIN_KALMAN_ROWS:
        raise ValueError(
            f"kalman_mle needs at least {MIN_KALMAN_ROWS} training rows, got {n} "
            f"({ya.shape[0]} rows x train_fraction {frac:g})"
        )
    if n > MAX_KALMAN_ROWS:
        raise ValueError(f"kalman_mle accepts at most {MAX_KALMAN_ROWS:,} training rows, got {n:,}")
    ya, xa = ya[:n], xa[:n]
    if np.ptp(xa) == 0.0:
        raise ValueError("x is constant over the training rows: the slope is not identified")
    return np.ascontiguousarray(ya), np.ascontiguousarray(xa), n


KALMAN_STARTS = (
    (0.0, 0.0, 0.0),
    (4.6, 4.6, 0.0),
    (-4.6, -4.6, 0.0),
    (4.6, -4.6, 0.0),
    (-4.6, 4.6, 0.0),
)
"""Starting points of the optimiser, ``ln(q / q0)``: :func:`kalman_start` and the state
variances 100 times larger or smaller, together or apart (the likelihood can have several
local maxima: a wandering intercept or a wandering slope explain much the same data); the best
run is polished."""


def kalman_start(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Starting variances ``(q_alpha, q_beta, r)``: ``r`` the residual variance of the OLS fit of
    ``y`` on ``(1, x)`` (floored at 1e-12 of ``var(y)``), ``q_alpha = 1e-3 r`` and
    ``q_beta = 1e-3 r / var(x)`` (slow drifts, in the units of each)."""
    dx = x - x.mean()
    dy = y - y.mean()
    b = float(dx @ dy) / float(dx @ dx)
    resid = dy - b * dx
    r = max(float(resid @ resid) / y.shape[0], 1e-12 * float(dy @ dy) / y.shape[0], 1e-300)
    return np.array([1e-3 * r, 1e-3 * r / (float(dx @ dx) / x.shape[0]), r])


def fit_kalman(y: np.ndarray, x: np.ndarray, n: int, loglik) -> KalmanFit:
    """Maximise ``loglik(y, x, q_alpha, q_beta, r)`` (the engine's) over ``ln(q / q0)`` with
    L-BFGS-B from each of :data:`KALMAN_STARTS` around :func:`kalman_start`, keeping the best
    (both engines share this driver)."""
    start = kalman_start(y, x)

    def objective(p: np.ndarray) -> float:
        q = start * np.exp(p)
        return -loglik(y, x, float(q[0]), float(q[1]), float(q[2])) / n

    best = None
    for first in KALMAN_STARTS:
        run = optimize.minimize(
            objective,
            np.array(first, dtype=np.float64),
            method="L-BFGS-B",
            bounds=[LOG_BOUNDS] * 3,
            options={"ftol": 1e-15, "gtol": 1e-10, "maxiter": 500},
        )
        if best is None or run.fun < best.fun:
            best = run
    # polish the best run with Nelder-Mead (no gradient: numerical gradients stall in the
    # likelihood's flat valleys)
    best = optimize.minimize(
        objective,
        best.x,
        method="Nelder-Mead",
        bounds=[LOG_BOUNDS] * 3,
        options={"xatol": 1e-9, "fatol": 1e-15, "maxiter": 6000, "maxfev": 6000},
    )
    q = start * np.exp(best.x)
    at_bound = bool(np.any(np.isclose(best.x, LOG_BOUNDS[0]) | np.isclose(best.x, LOG_BOUNDS[1])))
    return KalmanFit(
        q_alpha=float(q[0]),
        q_beta=float(q[1]),
        r=float(q[2]),
        loglik=-float(best.fun) * n,
        nobs=n,
        at_bound=at_bound,
    )


class _KalmanModel(MLEModel):
    """The hedge's state-space model in statsmodels (as in the tests of ``kalman_hedge``)."""

    def __init__(self, y: np.ndarray, x: np.ndarray):
        super().__init__(y, k_states=2)
        self["design"] = np.vstack([np.ones(x.shape[0]), x])[None, :, :]
        self["transition"] = np.eye(2)
        self["selection"] = np.eye(2)
        self.ssm.initialize_known(np.zeros(2), np.eye(2) * KALMAN_P0)

    def update(self, params, **kwargs):
        params = super().update(params, **kwargs)
        self["state_cov"] = np.diag(params[:2])
        self["obs_cov"] = params[2:3].reshape(1, 1)


def statsmodels_loglik(y, x, q_alpha, q_beta, r, _cache={}) -> float:  # noqa: B006
    """Log-likelihood of the hedge's model by statsmodels' Kalman filter (reference engine)."""
    key = (id(y), id(x))
    model = _cache.get(key)
    if model is None or model[0] is not y:
        _cache.clear()
        model = (y, _KalmanModel(y, x))
        _cache[key] = model
    return float(model[1].loglike(np.array([q_alpha, q_beta, r])))


def kalman_mle(y, x, train_fraction=1.0):
    """Maximum-likelihood noise variances of the Kalman hedge, fitted on the training rows.

    Model
    -----
    As :func:`lab.analytics.backtest.kalman_hedge` (module docstring): random-walk intercept
    and slope with increment variances ``q_alpha``, ``q_beta``, observation noise ``r``, known
    initial state ``N(0, KALMAN_P0 I)``.

    Estimator
    ---------
    The exact Gaussian log-likelihood by the prediction-error decomposition of the Kalman
    filter, over rows ``0 .. floor(train_fraction T) - 1`` only, so later rows never influence
    the estimates (no look-ahead when the backtest's out-of-sample rows are traded with them:
    pass ``params.train_fraction``). It is maximised over ``ln(q / q0)`` (``q0`` from
    :func:`kalman_start`) by L-BFGS-B with numerical gradients from several starts
    (:data:`KALMAN_STARTS`), the best run polished by Nelder-Mead. Reference engine: the
    likelihood from statsmodels' state-space Kalman filter (``MLEModel.loglike``); the native
    engine evaluates it with a numba kernel. The tests hold the estimates to statsmodels'
    own ``MLEModel.fit`` on the same model.

    Parameters
    ----------
    y, x : array_like, shape (T,)
        Positive prices, aligned, finite.
    train_fraction : float
        Share of the rows, from the start, used (``(0, 1]``; default 1: every row).

    Returns
    -------
    KalmanFit

    Raises
    ------
    ValueError
        For non-finite or non-positive prices, different lengths, fewer than
        :data:`MIN_KALMAN_ROWS` or more than :data:`MAX_KALMAN_ROWS` training rows, a constant
        ``x`` over them, or a ``train_fraction`` outside ``(0, 1]``.

    References
    ----------
    Harvey, A.C. (1989), Forecasting, Structural Time Series Models and the Kalman Filter,
    Cambridge University Press (prediction-error decomposition, section 3.4).
    """
    ya, xa, n = check_kalman_inputs(y, x, train_fraction)
    return fit_kalman(ya, xa, n, statsmodels_loglik)


KALMAN_LOGLIK_TOL = 1e-5
"""How close to the maximum the optimiser stops, relative to ``1 + |loglik|``: numerical
gradients in the likelihood's flat valleys (a variance drifting towards 0, or ``q_alpha`` traded
against ``r``) end the runs a few 1e-6 apart."""


def kalman_agreement(got: KalmanFit, want: KalmanFit, args: tuple, kwargs: dict) -> list[str]:
    """How two fits of the same call disagree beyond what the optimiser certifies (empty when
    they agree): the same rows, log-likelihoods within :data:`KALMAN_LOGLIK_TOL` of each
    other, and ``got.loglik`` the reference (statsmodels) likelihood of ``got``'s variances
    within 1e-9 relative. The variances themselves are not compared: along the flat valleys
    they are not identified to more than a few digits."""
    import inspect

    bound = inspect.signature(kalman_mle).bind(*args, **kwargs)
    bound.apply_defaults()
    ya, xa, n = check_kalman_inputs(*bound.arguments.values())
    problems = []
    if got.nobs != want.nobs:
        problems.append(f"nobs: {got.nobs} != {want.nobs}")
    if not abs(got.loglik - want.loglik) <= KALMAN_LOGLIK_TOL * (1.0 + abs(want.loglik)):
        problems.append(f"loglik: {got.loglik!r} != {want.loglik!r}")
    again = statsmodels_loglik(ya, xa, got.q_alpha, got.q_beta, got.r)
    if not abs(again - got.loglik) <= 1e-9 * (1.0 + abs(again)):
        problems.append(
            f"loglik: {got.loglik!r} is not the likelihood of its variances ({again!r})"
        )
    return problems
