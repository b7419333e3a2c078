"""Result types of the Ornstein-Uhlenbeck analytics (both engines return these)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class OUFit:
    """Exact-discretisation maximum-likelihood fit of an OU process.

    Attributes
    ----------
    kappa, theta, sigma : float
        Estimates of ``dX = kappa (theta - X) dt + sigma dW``; ``kappa`` per unit of time of
        ``dt``, ``theta`` in the units of ``x``, ``sigma`` in units of ``x`` per sqrt(time).
    half_life : float
        ``ln 2 / kappa``: time for an expected deviation from ``theta`` to halve, in the time
        unit of ``dt`` (observations when ``dt = 1``, years when ``dt = 1/252``).
    kappa_se, theta_se, sigma_se, half_life_se : float
        Asymptotic standard errors: square roots of the diagonal of the inverse observed
        Fisher information (the inverse Hessian of the negative log-likelihood at the MLE);
        ``half_life_se = ln 2 / kappa^2 * kappa_se`` (delta method).
    loglik : float
        Maximised conditional log-likelihood (Gaussian AR(1), conditional on ``x[0]``).
    nobs : int
        Number of transitions in the likelihood, ``len(x) - 1``.
    dt : float
        Sampling step used.
    ar_coef : float
        Lag-one coefficient ``a = exp(-kappa dt)`` of the exact AR(1).
    kappa_bc : float
        Bias-corrected ``kappa``: ``-ln(a_bc) / dt`` with Kendall's (1954) / Marriott & Pope's
        (1954) correction of the AR(1) coefficient with an estimated mean,
        ``E[a_hat] = a - (1 + 3a) / n + O(n^-2)``, solved as ``a_bc = (n a_hat + 1) / (n - 3)``;
        NaN when ``a_bc >= 1`` (the corrected series does not mean-revert). The measured
        bias is in the :func:`ou_fit` docstring.
    kappa_ci_low, kappa_ci_high : float
        95% interval for ``kappa``. ``ci="wald"``: ``kappa -/+ 1.96 kappa_se`` (low end clipped
        at 0); ``ci="grid_bootstrap"``: Hansen's (1999) grid bootstrap on the AR(1)
        coefficient, mapped through ``kappa = -ln(a) / dt`` (low end 0 when the interval for
        ``a`` reaches 1), critical values the unbiased order statistics
        (:data:`BOOT_QUANTILE`). Coverage measured by simulation: :func:`ou_fit` docstring.
    ci : str
        The interval method used.
    """

    kappa: float
    theta: float
    sigma: float
    half_life: float
    kappa_se: float
    theta_se: float
    sigma_se: float
    half_life_se: float
    loglik: float
    nobs: int
    dt: float
    ar_coef: float
    kappa_bc: float
    kappa_ci_low: float
    kappa_ci_high: float
    ci: str


@dataclass(frozen=True)
class Thresholds:
    """Bertram (2010) optimal symmetric trading bands for an OU spread.

    The strategy buys one unit of the spread when it falls to ``entry``, sells it when it
    rises to ``exit`` (``theta + band``), and waits for the next visit to ``entry``; the
    mirror-image short trade (sell at ``exit``, buy back at ``entry``) has the same economics.

    Attributes
    ----------
    entry, exit : float
        ``theta - band`` and ``theta + band``, in the units of the spread.
    band : float
        Half-width of the bands around ``theta`` (spread units).
    entry_z : float
        ``band`` in units of the stationary standard deviation ``sigma / sqrt(2 kappa)``: the
        equivalent z-score threshold.
    expected_return_rate : float
        Expected profit per unit time ``(2 band - cost) / expected_cycle_time`` (spread units
        per unit of time of ``kappa``) at the optimum.
    expected_cycle_time : float
        Expected time of one cycle entry -> exit -> entry,
        ``(pi / kappa) (erfi(band sqrt(kappa) / sigma) - erfi(-band sqrt(kappa) / sigma))``.
    expected_return_per_trade : float
        ``2 band - cost``: profit of one round trip after its cost.
    cost : float
        The round-trip cost used (spread units).
    cycle_time_variance : float
        Variance of the cycle time at ``band`` (squared units of time; see
        :func:`optimal_thresholds`; ``inf`` where the expected cycle time overflows).
    return_variance_rate : float
        Bertram's variance per unit time of the accumulated profit at ``band``,
        ``(2 band - cost)^2 Var[T] / E[T]^3`` (spread units squared per unit time; 0 where the
        expected cycle time overflows, as ``expected_return_rate``).
    rf : float
        Benchmark return per unit time (spread units per unit time) of the Sharpe ratios.
    sharpe_ratio : float
        ``(expected_return_rate - rf) / sqrt(return_variance_rate)`` at ``band`` (per square
        root of unit time; NaN where the variance is 0).
    sharpe_band, sharpe_entry, sharpe_exit, sharpe_entry_z : float
        Bertram's Sharpe-maximising symmetric bands ``theta -/+ sharpe_band`` (as ``band``,
        ``entry``, ``exit``, ``entry_z``). NaN when ``rf = 0`` (the ratio then increases as the
        band shrinks to ``cost / 2``, where the profit per trade vanishes: no maximum), when
        ``rf`` is at least the largest expected return rate (no band earns more than ``rf``),
        or when the expected cycle time overflows.
    sharpe_return_rate, sharpe_return_variance_rate, sharpe_cycle_time : float
        Expected profit rate, its variance rate and the expected cycle time at
        ``sharpe_band`` (NaN with it).
    sharpe_ratio_max : float
        The Sharpe ratio at ``sharpe_band``: the largest over symmetric bands.
    """

    entry: float
    exit: float
    band: float
    entry_z: float
    expected_return_rate: float
    expected_cycle_time: float
    expected_return_per_trade: float
    cost: float
    cycle_time_variance: float
    return_variance_rate: float
    rf: float
    sharpe_ratio: float
    sharpe_band: float
    sharpe_entry: float
    sharpe_exit: float
    sharpe_entry_z: float
    sharpe_return_rate: float
    sharpe_return_variance_rate: float
    sharpe_cycle_time: float
    sharpe_ratio_max: float


@dataclass(frozen=True)
class CARAPosition:
    """Optimal spread holding for a CARA (exponential-utility) investor.

    Attributes
    ----------
    position : float or ndarray
        Optimal units of the spread held, ``kappa (theta - x) (1 + kappa tau) / (gamma sigma^2)``.
    myopic_position : float or ndarray
        The one-period (Merton) part ``kappa (theta - x) / (gamma sigma^2)``.
    hedging_position : float or ndarray
        The intertemporal hedging demand ``position - myopic_position``.
    certainty_equivalent : float or ndarray
        Certainty-equivalent gain of trading optimally until the horizon (spread units),
        ``(kappa^2 tau (x - theta)^2 / (2 sigma^2) + kappa^2 tau^2 / 4) / gamma``: the value
        function is ``-exp(-gamma (w + certainty_equivalent))``.
    horizon : float
        Time to the horizon ``tau`` (units of time of ``kappa``).
    """

    position: float | np.ndarray
    myopic_position: float | np.ndarray
    hedging_position: float | np.ndarray
    certainty_equivalent: float | np.ndarray
    horizon: float
