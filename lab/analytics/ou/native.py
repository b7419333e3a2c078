"""Ornstein-Uhlenbeck analytics on the native engine.

* :func:`ou_fit` uses the closed form of the exact-discretisation MLE: the conditional Gaussian
  AR(1) likelihood is maximised by the least-squares regression of ``x[t+1]`` on
  ``(1, x[t])``, with sufficient statistics from the numba kernel
  :func:`lab.kernels.ou.ar1_moments`, and analytic standard errors.
* :func:`optimal_thresholds` solves Bertram's equation with the numba kernel
  :func:`lab.kernels.ou.bertram_root` (safeguarded Newton on its own Dawson integral), sums the
  first-passage series of the cycle-time variance and finds the Sharpe-maximising band with
  numba kernels, and reuses the reference module's closed forms for the cycle time and the rate.
* :func:`cara_position` is a closed form with nothing to loop over: the native engine reuses the
  reference NumPy code unchanged (it *is* :func:`lab.analytics.ou.cara_position`).

Result types and input checks are shared with :mod:`lab.analytics.ou`.
"""

from __future__ import annotations

import math

import numpy as np

from lab.analytics.ou.bertram import bertram_bracket, sharpe_bracket, thresholds_from_band
from lab.analytics.ou.cara import cara_position
from lab.analytics.ou.checks import (
    check_ar_coefficient,
    check_ci,
    check_positive,
    check_residuals,
    check_series,
    check_threshold_inputs,
    half_life_of,
)
from lab.analytics.ou.fit import bias_corrected_kappa, kappa_interval
from lab.analytics.ou.results import OUFit
from lab.kernels.ou import (
    ar1_moments,
    ar1_tstats,
    bertram_root,
    passage_series_kernel,
    sharpe_root,
)

__all__ = ["cara_position", "optimal_thresholds", "ou_fit"]


def ou_fit(x, dt=1.0, ci="wald", n_boot=199, seed=0):
    """Fit an Ornstein-Uhlenbeck process by exact-discretisation maximum likelihood (closed form).

    Model and outputs as :func:`lab.analytics.ou.ou_fit`. With ``a = exp(-kappa dt)`` the
    transition ``X[t+1] = c + a X[t] + e``, ``e ~ N(0, v)``, ``c = theta (1 - a)`` is a
    Gaussian linear regression, so the conditional MLE is OLS: ``a = S01 / S00``,
    ``c = m1 - a m0``, ``v = RSS / n``; then ``kappa = -ln(a) / dt``,
    ``theta = c / (1 - a)``, ``sigma^2 = 2 kappa v / (1 - a^2)`` (invariance of the MLE) and
    ``loglik = -n/2 (ln(2 pi v) + 1)``.

    Standard errors: the observed Fisher information of ``(c, a, v)`` at the MLE is
    block-diagonal, ``X'X / v`` and ``n / (2 v^2)``; its inverse is mapped to
    ``(kappa, theta, sigma)`` with the delta method (exact for the inverse Hessian at the MLE,
    since the gradient vanishes there)::

        se(kappa)^2 = v / (S00 a^2 dt^2)
        se(theta)^2 = v / (1 - a)^2 (1/n + (m0 - theta)^2 / S00)
        se(sigma)^2 = (d sigma / d a)^2 v / S00 + (sigma / 2v)^2 2 v^2 / n

    Agrees with the reference (numerical optimisation) within 1e-6 relative on the estimates
    and the log-likelihood and 1e-4 relative on the standard errors (see the registry). The
    grid-bootstrap t-statistics come from the numba kernel :func:`lab.kernels.ou.ar1_tstats` on
    the same draws as the reference; the interval ends agree within 1e-6 relative.
    """
    arr = check_series(x)
    dt = check_positive(dt=dt)["dt"]
    ci, n_boot, seed = check_ci(ci, n_boot, seed)
    n, m0, m1, s00, s01, rss, s11 = ar1_moments(arr)
    if s00 == 0.0 or not math.isfinite(rss):
        raise ValueError("x is constant (or constant but for its last value): nothing to fit")
    a = s01 / s00
    check_ar_coefficient(a, dt)
    check_residuals(rss, float(np.sum((arr - arr.mean()) ** 2)))
    v = rss / n
    log_a = math.log(a)
    one_minus_a2 = -math.expm1(2.0 * log_a)
    kappa = -log_a / dt
    theta = (m1 - a * m0) / (1.0 - a)
    sigma2 = 2.0 * kappa * v / one_minus_a2
    sigma = math.sqrt(sigma2)
    loglik = -0.5 * n * (math.log(2.0 * math.pi * v) + 1.0)

    var_a = v / s00
    kappa_se = math.sqrt(var_a) / (a * dt)
    theta_se = math.sqrt(v / (1.0 - a) ** 2 * (1.0 / n + (m0 - theta) ** 2 / s00))
    # d(sigma^2)/da = (2 v / dt) d/da[-ln a / (1 - a^2)]
    d_ratio = (-one_minus_a2 / a - 2.0 * a * log_a) / one_minus_a2**2
    dsigma_da = (2.0 * v / dt) * d_ratio / (2.0 * sigma)
    dsigma_dv = sigma / (2.0 * v)
    sigma_se = math.sqrt(dsigma_da**2 * var_a + dsigma_dv**2 * 2.0 * v * v / n)
    half_life, half_life_se = half_life_of(kappa, kappa_se)
    low, high = kappa_interval(
        a, math.sqrt(var_a), n, dt, ci, n_boot, seed, kappa, kappa_se, ar1_tstats
    )
    return OUFit(
        kappa=kappa,
        theta=theta,
        sigma=sigma,
        half_life=half_life,
        kappa_se=kappa_se,
        theta_se=theta_se,
        sigma_se=sigma_se,
        half_life_se=half_life_se,
        loglik=loglik,
        nobs=int(n),
        dt=dt,
        ar_coef=a,
        kappa_bc=bias_corrected_kappa(a, int(n), dt),
        kappa_ci_low=low,
        kappa_ci_high=high,
        ci=ci,
    )


def optimal_thresholds(kappa, theta, sigma, cost, rf=0.0):
    """Bertram (2010) optimal symmetric bands; model and outputs as
    :func:`lab.analytics.ou.optimal_thresholds`.

    The scaled first-order condition ``2 u - c_hat = 2 D(u)`` (``u = band sqrt(kappa) / sigma``,
    ``c_hat = cost sqrt(kappa) / sigma``, ``D`` Dawson's integral) is solved by the numba kernel
    :func:`lab.kernels.ou.bertram_root`. Agrees with the reference within 1e-10 relative.
    The first-passage series of the variance come from recurrences in the numba kernel
    :func:`lab.kernels.ou.passage_series_kernel` (the reference sums ``gammaln`` / ``psi``
    terms), and the Sharpe-maximising band is found by bisection of the shared
    :func:`lab.analytics.ou.sharpe_slope` in :func:`lab.kernels.ou.sharpe_root` (the reference
    uses ``brentq``); they agree within 1e-9 relative.

    References
    ----------
    Bertram, W.K. (2010), "Analytic solutions for optimal statistical arbitrage trading",
    Physica A 389(11), 2234-2243, doi:10.1016/j.physa.2010.01.045.
    """
    kappa, theta, sigma, cost, rf = check_threshold_inputs(kappa, theta, sigma, cost, rf)
    k = math.sqrt(kappa) / sigma
    c_hat = k * cost
    u = bertram_root(c_hat, *bertram_bracket(c_hat))
    sharpe_z = math.nan
    bracket = sharpe_bracket(math.sqrt(2.0) * u, kappa, sigma, cost, rf, passage_series_kernel)
    if bracket is not None:
        sharpe_z = sharpe_root(*bracket)
    return thresholds_from_band(
        u / k, kappa, theta, sigma, cost, rf, sharpe_z, passage_series_kernel
    )
