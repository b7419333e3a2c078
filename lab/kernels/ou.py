"""numba kernels for Ornstein-Uhlenbeck analytics: the AR(1) sufficient statistics of the exact
likelihood, Dawson's integral, the root of Bertram's optimal-band equation, the first-passage
series of the cycle-time variance and the Sharpe-maximising band."""

from __future__ import annotations

import math

import numpy as np
from numba import prange

from lab.analytics.ou import (
    SERIES_TAIL,
    sharpe_slope,
    u_minus_dawson_series,
)
from lab.kernels._jit import kernel


@kernel
def ar1_moments(x: np.ndarray) -> tuple[int, float, float, float, float, float, float]:
    """Centred moments of the lag-one regression ``x[t+1] = c + a x[t] + e``.

    Two passes (means, then centred cross-products) keep the sums accurate for series far from
    zero. Returns ``(n, m0, m1, s00, s01, rss, s11)``: the number of transitions, the means of
    ``x[:-1]`` and ``x[1:]``, ``sum (x0 - m0)^2``, ``sum (x0 - m0)(x1 - m1)``, the residual
    sum of squares of the least-squares fit (``nan`` when ``s00 == 0``) and
    ``s11 = sum (x1 - m1)^2``.
    """
    n = x.shape[0] - 1
    m0 = 0.0
    m1 = 0.0
    for t in range(n):
        m0 += x[t]
        m1 += x[t + 1]
    m0 /= n
    m1 /= n
    s00 = 0.0
    s01 = 0.0
    s11 = 0.0
    for t in range(n):
        d0 = x[t] - m0
        d1 = x[t + 1] - m1
        s00 += d0 * d0
        s01 += d0 * d1
        s11 += d1 * d1
    if s00 == 0.0:
        return n, m0, m1, s00, s01, np.nan, s11
    a = s01 / s00
    rss = 0.0
    for t in range(n):
        e = (x[t + 1] - m1) - a * (x[t] - m0)
        rss += e * e
    return n, m0, m1, s00, s01, rss, s11


@kernel
def dawson(u: float) -> float:
    """Dawson's integral ``D(u) = exp(-u^2) int_0^u exp(t^2) dt`` to about 1e-15 relative.

    ``|u| < 7``: the positive series ``exp(-u^2) sum_n u^(2n+1) / (n! (2n+1))`` (no
    cancellation); ``|u| >= 7``: the asymptotic series
    ``(1 / 2u) sum_k (2k-1)!! / (2u^2)^k``, truncated at its smallest term (< 1e-20).
    """
    au = abs(u)
    if au == 0.0:
        return 0.0
    if au < 7.0:
        u2 = au * au
        term = au  # u^(2n+1) / n!
        total = au
        n = 0
        while True:
            n += 1
            term *= u2 / n
            add = term / (2 * n + 1)
            total += add
            if add <= total * 1e-17:
                break
        value = math.exp(-u2) * total
    else:
        x2 = 2.0 * au * au
        term = 1.0
        total = 1.0
        k = 0
        while True:
            k += 1
            nxt = term * (2 * k - 1) / x2
            if nxt >= term or nxt <= total * 1e-17:
                break
            term = nxt
            total += term
        value = total / (2.0 * au)
    return value if u > 0 else -value


u_minus_dawson_series_kernel = kernel(u_minus_dawson_series)
"""The reference's series for ``u - D(u)`` (:func:`lab.analytics.ou.u_minus_dawson_series`),
compiled: one formula for both engines below ``u = 0.5``."""


@kernel
def bertram_gap(u: float) -> float:
    """``2 (u - D(u))`` for ``u >= 0``: the series of ``u - D(u)`` below ``u = 0.5`` (no
    cancellation), ``2 (u - dawson(u))`` above; as :func:`lab.analytics.ou.bertram_gap`."""
    if u < 0.5:
        return 2.0 * u_minus_dawson_series_kernel(u)
    return 2.0 * (u - dawson(u))


@kernel
def bertram_root(c_hat: float, lo: float, hi: float) -> float:
    """Root ``u`` of ``2 (u - D(u)) = c_hat`` (Bertram 2010, scaled form) in ``[lo, hi]``.

    Safeguarded Newton iteration on the bracket (:func:`lab.analytics.ou.bertram_bracket`):
    the function is increasing (derivative ``4 u D(u)``), so a Newton step that leaves the
    current bracket is replaced by bisection. Stops on a relative step of 1e-16.
    """
    g_lo = bertram_gap(lo) - c_hat
    if g_lo >= 0.0:
        return lo
    u = 0.5 * (lo + hi)
    for _ in range(400):
        g = bertram_gap(u) - c_hat
        if g == 0.0:
            return u
        if g < 0.0:
            lo = u
        else:
            hi = u
        dg = 4.0 * u * dawson(u)
        step = g / dg if dg > 0.0 else np.inf
        nxt = u - step
        if not (lo < nxt < hi):
            nxt = 0.5 * (lo + hi)
        if abs(nxt - u) <= 1e-16 * abs(u) or hi - lo <= 4e-16 * hi:
            return nxt
        u = nxt
    return u


@kernel(parallel=True)
def ar1_tstats(a0: float, shocks: np.ndarray) -> np.ndarray:
    """t-statistics ``(a_b - a0) / se_b`` of the lag-one least-squares fits of the AR(1) paths
    ``x[t] = a0 x[t-1] + shocks[b, t]`` (``x[0] = shocks[b, 0] / sqrt(1 - a0^2)``), one per
    row ``b`` in parallel; ``se_b = sqrt(rss / n / S00)`` (the grid bootstrap of
    :func:`lab.analytics.ou.kappa_interval`)."""
    n_boot, n1 = shocks.shape
    out = np.empty(n_boot)
    start = 1.0 / math.sqrt(1.0 - a0 * a0)
    for b in prange(n_boot):
        path = np.empty(n1)
        path[0] = shocks[b, 0] * start
        for t in range(1, n1):
            path[t] = a0 * path[t - 1] + shocks[b, t]
        n, _m0, _m1, s00, s01, rss, _s11 = ar1_moments(path)
        out[b] = (s01 / s00 - a0) / math.sqrt(rss / n / s00)
    return out


sharpe_slope_kernel = kernel(sharpe_slope)
"""The shared :func:`lab.analytics.ou.sharpe_slope`, compiled."""


@kernel
def passage_series_kernel(z: float) -> tuple[float, float, float, float, float, float, float]:
    """The sums of :func:`lab.analytics.ou.passage_series` by recurrences instead of special
    functions: ``log t_1 = log(z sqrt(pi / 2))``, ``log t_2 = log(z^2 / 2)``,
    ``t_(n+2) / t_n = z^2 n / ((n + 1)(n + 2))``, and for odd ``n``
    ``phi_1 = psi(1/2) + gamma = -2 ln 2``, ``phi_(n+2) = phi_n + 2 / n``. A first pass finds
    the largest ``log t_n`` (the scale ``L``), a second sums the scaled terms."""
    count = int(z * z + SERIES_TAIL * z + 60.0)
    log_z2 = 2.0 * math.log(z)
    top = -np.inf
    lo_odd = math.log(z * math.sqrt(0.5 * math.pi))
    lo_even = log_z2 - math.log(2.0)
    n = 1
    while n <= count:
        top = max(top, lo_odd)
        if n + 1 <= count:
            top = max(top, lo_even)
        lo_odd += log_z2 + math.log(n) - math.log(n + 1.0) - math.log(n + 2.0)
        lo_even += log_z2 + math.log(n + 1.0) - math.log(n + 2.0) - math.log(n + 3.0)
        n += 2
    odd = 0.0
    even = 0.0
    rr = 0.0
    d_odd = 0.0
    d_even = 0.0
    d_rr = 0.0
    lo_odd = math.log(z * math.sqrt(0.5 * math.pi))
    lo_even = log_z2 - math.log(2.0)
    phi = -2.0 * math.log(2.0)
    n = 1
    while n <= count:
        to = math.exp(lo_odd - top)
        odd += to
        rr += to * phi
        d_odd += n * to
        d_rr += n * to * phi
        if n + 1 <= count:
            te = math.exp(lo_even - top)
            even += te
            d_even += (n + 1) * te
        lo_odd += log_z2 + math.log(n) - math.log(n + 1.0) - math.log(n + 2.0)
        lo_even += log_z2 + math.log(n + 1.0) - math.log(n + 2.0) - math.log(n + 3.0)
        phi += 2.0 / n
        n += 2
    return top, odd, even, rr, d_odd / z, d_even / z, d_rr / z


@kernel
def sharpe_root(c_hat: float, rho: float, lo: float, hi: float) -> float:
    """Root of :func:`lab.analytics.ou.sharpe_slope` on ``[lo, hi]`` (positive at ``lo``,
    negative at ``hi``; :func:`lab.analytics.ou.sharpe_bracket`) by bisection to a relative
    width of 4e-16."""
    for _ in range(2000):
        mid = 0.5 * (lo + hi)
        if mid <= lo or mid >= hi or hi - lo <= 4e-16 * hi:
            return mid
        top, odd, even, rr, d_odd, d_even, d_rr = passage_series_kernel(mid)
        if sharpe_slope_kernel(mid, c_hat, rho, top, odd, even, rr, d_odd, d_even, d_rr) > 0.0:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)
