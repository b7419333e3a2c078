""":func:`optimal_thresholds`: Bertram's (2010) return-maximising and Sharpe-maximising bands
of an OU spread, with the first-passage series and root brackets both engines share.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import optimize, special

from lab.analytics.ou.checks import check_threshold_inputs
from lab.analytics.ou.results import Thresholds

DAWSON_SERIES_BELOW = 0.5
"""Below this ``u``, ``u - D(u)`` is summed from its own series instead of ``u - dawsn(u)``,
which cancels to ~``eps / u^2`` relative (and would put a tiny-cost band orders of magnitude
off)."""


def u_minus_dawson_series(u: float) -> float:
    """``u - D(u) = sum_{n>=1} (-1)^(n+1) 2^n u^(2n+1) / (2n+1)!!`` for ``0 <= u < 0.5``
    (alternating with ratio below 0.1: no cancellation; Abramowitz and Stegun 7.1.5 with
    ``D(u) = sqrt(pi)/2 exp(-u^2) erfi(u)``)."""
    term = 2.0 * u**3 / 3.0
    total = term
    n = 1
    while abs(term) > 1e-17 * abs(total):
        term *= -2.0 * u * u / (2 * n + 3)
        total += term
        n += 1
    return total


def bertram_gap(u: float) -> float:
    """``2 (u - D(u))`` for ``u >= 0``, accurate to rounding for every ``u`` (scipy's
    ``dawsn`` above :data:`DAWSON_SERIES_BELOW`, the series below)."""
    if u < DAWSON_SERIES_BELOW:
        return 2.0 * u_minus_dawson_series(u)
    return 2.0 * (u - float(special.dawsn(u)))


def bertram_bracket(c_hat: float) -> tuple[float, float]:
    """A bracket ``[lo, hi]`` of the root of ``2 (u - D(u)) = c_hat`` (both engines).

    Since ``2 (u - D(u)) <= 4 u^3 / 3`` for every ``u >= 0``, the root is at least
    ``u0 = (3 c_hat / 4)^(1/3)`` (and at least ``c_hat / 2``); for ``u0 <= 0.25`` the next terms
    of the series keep ``2 (u - D(u)) > c_hat`` at ``2 u0``, otherwise ``c_hat / 2 + 1`` bounds
    it. The bracket's width is then proportional to the root, however small the cost.
    """
    u0 = (0.75 * c_hat) ** (1.0 / 3.0)
    lo = max(0.5 * c_hat, u0)
    hi = 2.0 * u0 if u0 <= 0.25 else 0.5 * c_hat + 1.0
    return lo, max(hi, lo)


def bertram_rate(band: float, kappa: float, sigma: float, cost: float) -> float:
    """Bertram's expected profit per unit time of symmetric bands ``theta -/+ band``."""
    return (2.0 * band - cost) / bertram_cycle_time(band, kappa, sigma)


def bertram_cycle_time(band: float, kappa: float, sigma: float) -> float:
    """Expected cycle time ``(2 pi / kappa) erfi(band sqrt(kappa) / sigma)`` (Bertram 2010)."""
    return 2.0 * math.pi / kappa * float(special.erfi(band * math.sqrt(kappa) / sigma))


EULER_GAMMA = 0.5772156649015329
"""Euler-Mascheroni constant (``-psi(1)``)."""

SERIES_TAIL = 12.0
"""The first-passage series below are summed to ``n = z^2 + SERIES_TAIL z + 60`` terms: their
terms peak near ``n = z^2`` with a Gaussian-like spread of order ``z``, so the tail left off is
below ``exp(-SERIES_TAIL^2 / 2)`` (about 1e-31) of the sum."""


def series_terms(z: float) -> int:
    """Number of terms of the first-passage series at ``z`` (:data:`SERIES_TAIL`)."""
    return int(z * z + SERIES_TAIL * z + 60.0)


def passage_series(z: float) -> tuple[float, float, float, float, float, float, float]:
    """Sums of the first-passage-time series of the standard OU process (reference engine).

    With ``t_n = z^n / n! 2^(n/2 - 1) Gamma(n/2)`` (``n >= 1``) and
    ``phi_n = psi(n/2) + gamma`` (digamma, Euler's constant), returns
    ``(L, odd, even, rr, d_odd, d_even, d_rr)``: the sums over odd ``n`` of ``t_n`` and of
    ``t_n phi_n``, over even ``n`` of ``t_n``, and their derivatives in ``z``
    (``d t_n / dz = n t_n / z``), all scaled by ``exp(-L)`` (``L`` the largest ``log t_n``,
    so nothing overflows). The terms come from ``scipy.special.gammaln`` and ``psi`` in log
    space, vectorised over ``n`` (the native kernel uses recurrences instead). See
    :func:`optimal_thresholds` for what they give.
    """
    n = np.arange(1, series_terms(z) + 1, dtype=np.float64)
    log_t = (
        n * math.log(z)
        - special.gammaln(n + 1.0)
        + (0.5 * n - 1.0) * math.log(2.0)
        + special.gammaln(0.5 * n)
    )
    top = float(log_t.max())
    t = np.exp(log_t - top)
    odd = (np.arange(n.size) % 2) == 0
    phi = special.psi(0.5 * n[odd]) + EULER_GAMMA
    to, te = t[odd], t[~odd]
    no, ne = n[odd], n[~odd]
    return (
        top,
        float(to.sum()),
        float(te.sum()),
        float((to * phi).sum()),
        float((no * to).sum() / z),
        float((ne * te).sum() / z),
        float((no * to * phi).sum() / z),
    )


def cycle_variance_ratio(top: float, odd: float, even: float, rr: float) -> float:
    """``Var[T] / E[T]^2`` of the cycle time from the scaled sums of :func:`passage_series`
    (dimensionless; both engines, compiled for the native one).

    In the time unit ``1 / kappa`` the cycle's mean is ``E = 4 O`` and its variance
    ``V = 8 O Ev - 4 R`` (``O, Ev, R`` the unscaled odd, even and digamma-weighted sums), so
    ``V / E^2 = Ev / (2 O) - R / (4 O^2)``; written with the scaled sums.
    """
    return even / (2.0 * odd) - (rr / odd) / (4.0 * odd) * math.exp(-top)


def sharpe_slope(
    z: float,
    c_hat: float,
    rho: float,
    top: float,
    odd: float,
    even: float,
    rr: float,
    d_odd: float,
    d_even: float,
    d_rr: float,
) -> float:
    """A positive multiple of the derivative in ``z`` of the Sharpe ratio of the symmetric
    bands at ``z`` stationary standard deviations (both engines, compiled for the native one).

    With ``E, V`` the cycle's mean and variance in time unit ``1 / kappa`` and ``d = 2 z - c_hat``
    the profit per cycle in units of ``sigma / sqrt(2 kappa)``, the Sharpe ratio is
    ``sqrt(kappa) sqrt(E / V) g``, ``g = 1 - rho E / d``. Its derivative has the sign of
    ``G = (E'/E - V'/V) / 2 (d^2 - rho E d) - rho (E' d - 2 E)`` (``d^2`` times
    ``d/dz ln sqrt(E / V) g + g'``), which is finite at ``d = 0``, where it is ``2 rho E > 0``.
    """
    d = 2.0 * z - c_hat
    scale = math.exp(top)
    e = 4.0 * odd * scale
    de = 4.0 * d_odd * scale
    small = math.exp(-top)
    v_log = (8.0 * (d_odd / odd * even + d_even) - 4.0 * (d_rr / odd) * small) / (
        8.0 * even - 4.0 * (rr / odd) * small
    )
    r_log = 0.5 * (d_odd / odd - v_log)
    return r_log * (d * d - rho * e * d) - rho * (de * d - 2.0 * e)


def band_moments(band, kappa, sigma, cost, rf, series):
    """``(cycle, cycle_variance, rate, variance_rate, sharpe)`` of the symmetric bands
    ``theta -/+ band`` (see :func:`optimal_thresholds`); ``series`` is the engine's
    :func:`passage_series`."""
    cycle = bertram_cycle_time(band, kappa, sigma)
    per_trade = 2.0 * band - cost
    if not math.isfinite(cycle):
        return cycle, math.inf, 0.0, 0.0, math.nan
    top, odd, even, rr, *_ = series(band * math.sqrt(2.0 * kappa) / sigma)
    ratio = cycle_variance_ratio(top, odd, even, rr)
    rate = per_trade / cycle
    variance_rate = per_trade * per_trade * ratio / cycle
    sd = math.sqrt(variance_rate)
    sharpe = (rate - rf) / sd if sd > 0 else math.nan
    return cycle, ratio * cycle * cycle, rate, variance_rate, sharpe


def sharpe_bracket(z_ret, kappa, sigma, cost, rf, series):
    """``(c_hat, rho, lo, hi)`` of the Sharpe-maximising band's root in ``z`` (stationary
    standard deviations), or None when there is no maximum (``rf = 0``, ``rf`` at least the
    largest expected return rate, or an overflowing cycle time at the return-maximising band).

    The maximum lies in ``(c_hat / 2, z_ret]``: :func:`sharpe_slope` is ``2 rho E > 0`` at
    ``c_hat / 2`` and negative at the return-maximising ``z_ret`` (there ``g > 0`` and
    ``sqrt(E / V)`` decreases), and beyond ``z_ret`` the ratio only falls while positive.
    """
    scale = sigma / math.sqrt(2.0 * kappa)
    c_hat = cost / scale
    rho = rf / (kappa * scale)
    if rf <= 0.0 or not math.isfinite(bertram_cycle_time(z_ret * scale, kappa, sigma)):
        return None
    top, odd, *_ = series(z_ret)
    if not rho * 4.0 * odd * math.exp(top) < 2.0 * z_ret - c_hat:
        return None
    return c_hat, rho, 0.5 * c_hat, z_ret


def thresholds_from_band(band, kappa, theta, sigma, cost, rf, sharpe_z, series) -> Thresholds:
    """Assemble :class:`Thresholds` for the return-maximising half-width ``band`` and the
    Sharpe-maximising ``sharpe_z`` (stationary standard deviations; NaN for none), with the
    engine's :func:`passage_series`."""
    cycle, cycle_var, rate, var_rate, sharpe = band_moments(band, kappa, sigma, cost, rf, series)
    scale = sigma / math.sqrt(2.0 * kappa)
    nan = math.nan
    s_band = s_rate = s_var = s_cycle = s_max = nan
    if math.isfinite(sharpe_z):
        s_band = sharpe_z * scale
        s_cycle, _, s_rate, s_var, s_max = band_moments(s_band, kappa, sigma, cost, rf, series)
    return Thresholds(
        entry=theta - band,
        exit=theta + band,
        band=band,
        entry_z=band * math.sqrt(2.0 * kappa) / sigma,
        expected_return_rate=rate,
        expected_cycle_time=cycle,
        expected_return_per_trade=2.0 * band - cost,
        cost=cost,
        cycle_time_variance=cycle_var,
        return_variance_rate=var_rate,
        rf=rf,
        sharpe_ratio=sharpe,
        sharpe_band=s_band,
        sharpe_entry=theta - s_band,
        sharpe_exit=theta + s_band,
        sharpe_entry_z=sharpe_z,
        sharpe_return_rate=s_rate,
        sharpe_return_variance_rate=s_var,
        sharpe_cycle_time=s_cycle,
        sharpe_ratio_max=s_max,
    )


def optimal_thresholds(kappa, theta, sigma, cost, rf=0.0):
    """Optimal entry/exit bands of an OU spread: Bertram's maximum expected profit per unit time.

    Model
    -----
    The spread follows ``dX = kappa (theta - X) dt + sigma dW``. The strategy buys one unit
    of the spread when ``X`` reaches ``theta - band``, sells it when ``X`` reaches
    ``theta + band``, then waits for ``X`` to return to ``theta - band``; each such cycle earns
    ``2 band - cost``, where ``cost`` is the round-trip transaction cost. (The mirror short
    trade earns the same.) With ``k = sqrt(kappa) / sigma`` the expected cycle time is
    ``E[T] = (pi / kappa) (erfi(k band) - erfi(-k band))`` (sum of the two mean first-passage
    times, from the scale and speed densities of the OU diffusion), and the expected profit
    per unit time is ``mu(band) = (2 band - cost) / E[T]``.

    Bertram shows the optimum of ``mu`` over entry ``a`` and exit ``m`` is symmetric,
    ``a = theta - band``, ``m = theta + band``, with ``band`` the unique root of his
    equation ``exp(k^2 band^2) (2 band - cost) k = sqrt(pi) erfi(k band)``. Multiplying by
    ``exp(-k^2 band^2)`` gives the overflow-free form solved here::

        2 u - c_hat = 2 D(u),   u = k band,  c_hat = k cost,

    with ``D`` Dawson's integral; its left minus right side is increasing in ``u`` (derivative
    ``4 u D(u) > 0``) and changes sign on ``(c_hat / 2, c_hat / 2 + 1]``, so the root is unique.

    Variance and Sharpe ratio (Bertram 2010, section 3). The profit accumulated by time ``t`` is
    ``(2 band - cost) N(t)`` with ``N`` the renewal process of completed cycles, so by the
    renewal central limit theorem its variance per unit time is
    ``sigma_r^2 = (2 band - cost)^2 Var[T] / E[T]^3`` (``return_variance_rate``). The cycle is
    two independent first passages (``theta - band`` up to ``theta + band`` and back) with the
    same law, so ``Var[T]`` is twice a passage's. In the standard OU ``dY = -Y ds + sqrt(2) dW``
    (``Y = (X - theta) sqrt(2 kappa) / sigma``, ``s = kappa t``) the passage from ``-z`` to
    ``z`` has Laplace transform ``f(-z) / f(z)`` with
    ``f(y) = int_0^inf r^(l-1) exp(y r - r^2 / 2) dr / Gamma(l)``; expanding ``ln f`` to second
    order in ``l`` gives, with ``t_n = z^n / n! 2^(n/2 - 1) Gamma(n/2)`` and
    ``phi_n = psi(n/2) + gamma``::

        E[passage] = 2 O,   Var[passage] = 4 O Ev - 2 R,
        O = sum_(n odd) t_n,   Ev = sum_(n even) t_n,   R = sum_(n odd) t_n phi_n,

    (times ``1 / kappa`` and ``1 / kappa^2``), Bertram's series for the first-passage moments
    in a digamma-weighted form; ``4 O / kappa`` equals the cycle time above. The tests check the
    variance against numerical quadrature of the first-passage moment equations
    (``T_2 = 2 int s int m T_1``, scale and speed densities) and against simulated OU cycles.

    The Sharpe ratio per square root of unit time is ``S = (mu - rf) / sigma_r``, with ``rf`` a
    benchmark return in spread units per unit time. Bertram maximises it over the bands as
    well; the optimum is again symmetric and is found here by root-finding on its derivative
    (:func:`sharpe_slope`) in ``(cost / 2, band]``. With ``rf = 0``,
    ``S = sqrt(E[T] / Var[T])`` does not depend on the cost and decreases with the band, so it
    has no maximum (its supremum is approached as the profit per trade vanishes): the
    Sharpe-maximising fields are NaN then, and for ``rf`` at or above the largest expected
    return rate.

    Estimator
    ---------
    Reference engine: Brent's method (``scipy.optimize.brentq``, relative tolerance only) on the
    bracket :func:`bertram_bracket`, with ``scipy.special.dawsn`` (``u - D(u)`` from its series
    below ``u = 0.5``, :func:`bertram_gap`, so that the band stays exact to rounding for costs
    down to the smallest floats). The native engine runs a safeguarded Newton iteration in numba
    with its own Dawson integral; the two agree within 1e-10 relative on ``band``.
    The first-passage sums come from ``scipy.special.gammaln`` and ``psi`` in log space
    (:func:`passage_series`) and the Sharpe-maximising band from ``brentq``; the native engine
    uses recurrences and bisection in numba. They agree within 1e-9 relative (the
    Sharpe-maximising band within 1e-6: the maximum is flat).

    Parameters
    ----------
    kappa : float
        Mean-reversion speed (> 0), per unit of time.
    theta : float
        Long-run mean of the spread.
    sigma : float
        Diffusion of the spread (> 0), spread units per sqrt(unit time).
    cost : float
        Round-trip transaction cost (entry plus exit) in spread units, > 0. (With zero cost
        the optimal band is 0: infinitely frequent trading.) For the backtest's convention
        (``cost_bps`` of each leg's traded notional) see
        :attr:`lab.analytics.backtest.PairParams.band_units`.
    rf : float
        Benchmark return per unit time in spread units (>= 0, default 0) of the Sharpe ratios.

    Returns
    -------
    Thresholds

    References
    ----------
    Bertram, W.K. (2010), "Analytic solutions for optimal statistical arbitrage trading",
    Physica A 389(11), 2234-2243, doi:10.1016/j.physa.2010.01.045.
    """
    kappa, theta, sigma, cost, rf = check_threshold_inputs(kappa, theta, sigma, cost, rf)
    k = math.sqrt(kappa) / sigma
    c_hat = k * cost

    def foc(u: float) -> float:
        return bertram_gap(u) - c_hat

    lo, hi = bertram_bracket(c_hat)
    u = lo if foc(lo) >= 0.0 else optimize.brentq(foc, lo, hi, xtol=1e-300, maxiter=500)
    sharpe_z = math.nan
    bracket = sharpe_bracket(math.sqrt(2.0) * u, kappa, sigma, cost, rf, passage_series)
    if bracket is not None:
        cz, rho, z_lo, z_hi = bracket

        def slope(z: float) -> float:
            return sharpe_slope(z, cz, rho, *passage_series(z))

        sharpe_z = optimize.brentq(slope, z_lo, z_hi, xtol=1e-300, rtol=1e-15, maxiter=500)
    return thresholds_from_band(u / k, kappa, theta, sigma, cost, rf, sharpe_z, passage_series)
