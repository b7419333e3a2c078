""":func:`ou_fit`: exact-discretisation maximum likelihood of an OU process, with the
bias-corrected mean-reversion speed and its Wald or grid-bootstrap intervals (reference
engine; the interval construction is shared by both engines).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import optimize
from statsmodels.tools.numdiff import approx_fprime_cs, approx_hess_cs

from lab.analytics.ou.checks import (
    check_ar_coefficient,
    check_ci,
    check_positive,
    check_residuals,
    check_series,
    half_life_of,
)
from lab.analytics.ou.results import OUFit

CI_Z = 1.959963984540054
"""Two-sided 95% standard normal quantile."""

GRID_POINTS = 41
"""Grid of AR(1) coefficients in the grid bootstrap (``a_hat -/+ 6 se``)."""

BOOT_QUANTILE = "weibull"
"""Quantile rule of the grid bootstrap's critical values (``numpy.quantile`` method): the
``p (B + 1)``-th smallest of ``B`` draws, whose expected probability is exactly ``p`` (with
``B = 199`` the 5th and the 195th). NumPy's default linear rule takes the ``1 + p (B - 1)``-th,
about the 5.95th, which narrows each tail by half a percentage point."""


def bias_corrected_kappa(a: float, n: int, dt: float) -> float:
    """``-ln(a_bc) / dt`` with ``a_bc = (n a + 1) / (n - 3)`` (Kendall 1954; Marriott & Pope
    1954: ``E[a_hat] = a - (1 + 3a) / n`` for an AR(1) with estimated mean); NaN if
    ``a_bc >= 1`` or ``n <= 3``."""
    if n <= 3:
        return math.nan
    a_bc = (n * a + 1.0) / (n - 3.0)
    return -math.log(a_bc) / dt if 0.0 < a_bc < 1.0 else math.nan


def bootstrap_shocks(n: int, n_boot: int, seed: int) -> np.ndarray:
    """Standard normal draws of the grid bootstrap, shape (n_boot, n + 1): column 0 starts
    each path from the stationary law, columns 1.. are the innovations (common to every grid
    point; the same draws on both engines)."""
    return np.random.default_rng(seed).standard_normal((n_boot, n + 1))


def kappa_interval(fit_a, se_a, n, dt, ci, n_boot, seed, kappa, kappa_se, tstats):
    """``(low, high)`` 95% interval for ``kappa`` (see :class:`OUFit`).

    ``tstats(a0, shocks) -> ndarray (n_boot,)`` are the t-statistics ``(a_b - a0) / se_b`` of
    the lag-one least-squares fits of AR(1) paths with coefficient ``a0`` (the engine's
    kernel). Grid bootstrap (Hansen 1999, Review of Economics and Statistics 81(4), 594-607):
    the interval for ``a`` is the set of grid values ``a0`` whose bootstrap quantiles
    ``q(0.025) <= (a_hat - a0) / se <= q(0.975)``, with its ends interpolated linearly between
    grid points; it is then mapped through ``kappa = -ln(a) / dt``.
    """
    if ci == "wald":
        return max(kappa - CI_Z * kappa_se, 0.0), kappa + CI_Z * kappa_se
    shocks = bootstrap_shocks(n, n_boot, seed)
    top = 1.0 - 1e-9
    grid = np.linspace(max(fit_a - 6.0 * se_a, 1e-9), min(fit_a + 6.0 * se_a, top), GRID_POINTS)
    margin = np.empty(GRID_POINTS)
    for i, a0 in enumerate(grid):
        q_lo, q_hi = np.quantile(tstats(float(a0), shocks), [0.025, 0.975], method=BOOT_QUANTILE)
        t_obs = (fit_a - a0) / se_a
        margin[i] = min(t_obs - q_lo, q_hi - t_obs)  # >= 0 inside the acceptance region
    inside = np.flatnonzero(margin >= 0)
    if inside.size == 0:
        return math.nan, math.nan
    lo_i, hi_i = inside[0], inside[-1]
    a_lo = grid[lo_i]
    if lo_i > 0:
        m0, m1 = margin[lo_i - 1], margin[lo_i]
        a_lo = grid[lo_i - 1] + (grid[lo_i] - grid[lo_i - 1]) * (-m0) / (m1 - m0)
    a_hi = grid[hi_i]
    if hi_i < GRID_POINTS - 1:
        m0, m1 = margin[hi_i], margin[hi_i + 1]
        a_hi = grid[hi_i] + (grid[hi_i + 1] - grid[hi_i]) * m0 / (m0 - m1)
    low = 0.0 if a_hi >= top else -math.log(a_hi) / dt
    return low, -math.log(a_lo) / dt


def ar1_tstats(a0: float, shocks: np.ndarray) -> np.ndarray:
    """Reference t-statistics of :func:`kappa_interval`: paths ``x[t] = a0 x[t-1] + e[t]``
    (``x[0]`` stationary, unit innovation variance), vectorised over draws with NumPy;
    ``se_b = sqrt(rss / n / S00)`` as in :func:`ou_fit`."""
    n_boot, n1 = shocks.shape
    x = np.empty((n_boot, n1))
    x[:, 0] = shocks[:, 0] / math.sqrt(1.0 - a0 * a0)
    for t in range(1, n1):
        x[:, t] = a0 * x[:, t - 1] + shocks[:, t]
    x0, x1 = x[:, :-1], x[:, 1:]
    d0 = x0 - x0.mean(axis=1, keepdims=True)
    d1 = x1 - x1.mean(axis=1, keepdims=True)
    s00 = np.einsum("ij,ij->i", d0, d0)
    a_b = np.einsum("ij,ij->i", d0, d1) / s00
    resid = d1 - a_b[:, None] * d0
    rss = np.einsum("ij,ij->i", resid, resid)
    return (a_b - a0) / np.sqrt(rss / (n1 - 1) / s00)


def _negloglik(params: np.ndarray, x0: np.ndarray, x1: np.ndarray, dt: float):
    """Negative conditional log-likelihood of the exact OU transition in (kappa, theta, sigma).

    Written with NumPy functions so that it also accepts complex parameters (complex-step
    derivatives).
    """
    kappa, theta, sigma = params[0], params[1], params[2]
    a = np.exp(-kappa * dt)
    v = sigma * sigma * (1.0 - np.exp(-2.0 * kappa * dt)) / (2.0 * kappa)
    resid = x1 - theta - a * (x0 - theta)
    n = resid.shape[0]
    return 0.5 * n * np.log(2.0 * np.pi * v) + 0.5 * (resid @ resid) / v


def ou_fit(x, dt=1.0, ci="wald", n_boot=199, seed=0):
    """Fit an Ornstein-Uhlenbeck process by exact-discretisation maximum likelihood.

    Model
    -----
    ``dX = kappa (theta - X) dt + sigma dW`` observed every ``dt``. The exact transition law is
    ``X[t+1] | X[t] ~ N(theta + a (X[t] - theta), v)`` with ``a = exp(-kappa dt)`` and
    ``v = sigma^2 (1 - a^2) / (2 kappa)``. The likelihood is the product of these transition
    densities, conditional on ``x[0]`` (the conditional Gaussian AR(1) likelihood).

    Estimator
    ---------
    Reference engine: the negative log-likelihood is minimised numerically over
    ``(log kappa dt, theta, log sigma^2 dt)`` of the standardised series with scipy's BFGS,
    started from the conditional least-squares values of the AR(1),
    polished by Newton steps on complex-step derivatives (``statsmodels.tools.numdiff``), then
    mapped back. Standard errors are the square roots of the diagonal of the inverse observed
    Fisher information: the inverse of the complex-step Hessian (``approx_hess_cs``) of the
    negative log-likelihood in ``(kappa, theta, sigma)`` at the optimum (evaluated on the
    standardised series and rescaled).

    The native engine uses the closed form instead (the MLE equals the OLS regression of
    ``X[t+1]`` on ``(1, X[t])`` with ``v`` = RSS / n) with analytic information and the delta
    method. The engines agree within 1e-9 relative on ``kappa, theta, sigma``, ``half_life``
    and ``loglik``, and within 1e-7 relative on the standard errors (complex-step Hessian).

    Parameters
    ----------
    x : array_like, shape (T,)
        The observed series (e.g. a spread ``y - beta x``), T >= 10, finite.
    dt : float
        Sampling step in the time unit wanted for ``kappa``, ``sigma`` and ``half_life``
        (``1`` gives per-observation units, ``1/252`` annual units for daily data).
    ci : str
        Interval for ``kappa``: ``"wald"`` (default, ``kappa -/+ 1.96 kappa_se``) or
        ``"grid_bootstrap"`` (Hansen 1999; see :func:`kappa_interval`).
    n_boot : int
        Bootstrap paths per grid point (19 .. :data:`MAX_BOOT_DRAWS`; default 199).
    seed : int
        Seed of the bootstrap draws (numpy ``default_rng``).

    Returns
    -------
    OUFit

    Notes
    -----
    Small-sample bias and interval coverage, measured by simulation (stationary OU paths,
    ``sigma = 1``, ``dt = 1/252``; the machine was shared while measuring):

    ============  ========  =====  ===========  ================  ====  =========  =========
    kappa, years  kappa T   paths  bias of MLE  bias of kappa_bc  Wald  grid (a)   grid (b)
    ============  ========  =====  ===========  ================  ====  =========  =========
    3, 4          12        1000   +36%         +2% to +4%        92%   94.6%      95.4%
    25, 4         100       400    +4.3%        +0.2%             95%   94.0%      95.0%
    ============  ========  =====  ===========  ================  ====  =========  =========

    (Bias from 2000 paths.) Grid bootstrap with 199 paths per grid point: (a) critical values
    by NumPy's default linear quantile (the earlier rule; an earlier run on other series gave
    93% at ``kappa T = 12``), (b) by the unbiased order statistics of :data:`BOOT_QUANTILE`,
    the rule used now, on the same series and draws (each (b) interval contains the (a) one).
    Monte Carlo error of a coverage: about 0.7% (1000 paths), 1.1% (400 paths).

    The Kendall / Marriott-Pope correction removes almost all of the mean bias of ``kappa``
    (its median is then about 5% low). The Wald interval undercovers at ``kappa T = 12``
    (92%): ``kappa``'s law is skewed there. The grid bootstrap reaches its nominal 95%.

    Raises
    ------
    ValueError
        If ``x`` is not 1-D, has NaN/inf, is shorter than 10, is constant, is an exact
        (noise-free) AR(1) path, or does not mean-revert (lag-one AR coefficient >= 1, or
        <= 0); if ``dt`` is not positive.

    References
    ----------
    Tang, C.Y. and Chen, S.X. (2009), "Parameter estimation and bias correction for diffusion
    processes", Journal of Econometrics 149, 65-81 (exact-discretisation MLE of the OU process).
    """
    arr = check_series(x)
    dt = check_positive(dt=dt)["dt"]
    ci, n_boot, seed = check_ci(ci, n_boot, seed)
    x0, x1 = arr[:-1], arr[1:]
    n = x1.shape[0]
    # standardise (a location-scale change leaves a unchanged and conditions the problem)
    loc = float(arr.mean())
    scale = float(arr.std())
    if not scale > 0:
        raise ValueError("x is constant (or constant but for its last value): nothing to fit")
    z0, z1 = (x0 - loc) / scale, (x1 - loc) / scale
    # mean-reversion check: the lag-one least-squares slope (the MLE of a, see native engine)
    design = np.column_stack([np.ones(n), z0])
    coef, _, rank, _ = np.linalg.lstsq(design, z1, rcond=None)
    if rank < 2:
        raise ValueError("x is constant (or constant but for its last value): nothing to fit")
    check_ar_coefficient(float(coef[1]), dt)
    resid = z1 - design @ coef
    check_residuals(float(resid @ resid), float(np.sum(((arr - loc) / scale) ** 2)))

    # numerical maximisation from the conditional least-squares values (moment estimates of
    # the AR(1); a method-of-moments start on the lag-one correlation could leave BFGS on the
    # likelihood's plateau at a -> 0 when one outlying first value dominates the fit)
    a0 = min(max(float(coef[1]), 1e-6), 1.0 - 1e-6)
    q0 = -math.log(a0)
    v0 = float(resid @ resid) / n
    start = np.array(
        [math.log(q0), float(coef[0]) / (1.0 - a0), math.log(v0 * 2.0 * q0 / (1.0 - a0 * a0))]
    )

    def objective(p: np.ndarray):
        # p = (log(kappa dt), theta, log(sigma^2 dt)) of the standardised series
        params = np.array([np.exp(p[0]), p[1], np.sqrt(np.exp(p[2]))], dtype=p.dtype)
        return _negloglik(params, z0, z1, 1.0) / n

    best = optimize.minimize(objective, start, method="BFGS", options={"gtol": 1e-10})
    p = best.x
    # polish with Newton steps on complex-step derivatives (accurate to rounding)
    for _ in range(20):
        step = np.linalg.solve(approx_hess_cs(p, objective), approx_fprime_cs(p, objective))
        p = p - step
        if np.max(np.abs(step)) < 1e-12:
            break
    q, th, s2 = math.exp(p[0]), float(p[1]), math.exp(p[2])
    kappa = q / dt
    theta = loc + scale * th
    sigma = scale * math.sqrt(s2 / dt)
    mle = np.array([kappa, theta, sigma])
    loglik = -float(_negloglik(mle, x0, x1, dt))

    # observed information on the standardised scale (well-conditioned steps), then mapped to
    # the original units: theta and sigma scale by `scale`, kappa is unchanged
    hess = approx_hess_cs(np.array([kappa, th, sigma / scale]), _negloglik, args=(z0, z1, dt))
    cov = np.linalg.inv(hess)
    kappa_se, theta_se, sigma_se = np.sqrt(np.diag(cov)) * np.array([1.0, scale, scale])
    half_life, half_life_se = half_life_of(kappa, float(kappa_se))
    a = math.exp(-kappa * dt)
    low, high = kappa_interval(
        a, float(kappa_se) * a * dt, n, dt, ci, n_boot, seed, kappa, float(kappa_se), ar1_tstats
    )
    return OUFit(
        kappa=kappa,
        theta=theta,
        sigma=sigma,
        half_life=half_life,
        kappa_se=float(kappa_se),
        theta_se=float(theta_se),
        sigma_se=float(sigma_se),
        half_life_se=half_life_se,
        loglik=float(loglik),
        nobs=int(n),
        dt=dt,
        ar_coef=a,
        kappa_bc=bias_corrected_kappa(a, n, dt),
        kappa_ci_low=low,
        kappa_ci_high=high,
        ci=ci,
    )
