"""numba kernels for Black-Scholes prices, greeks and implied volatility.

All kernels take flat, equally long float arrays (the caller broadcasts and ravels). The price
and greeks loops are serial: each element costs a few transcendental calls, and measured on
the 2-core CI machine a ``prange`` version was slower (thread start-up and a lost
vectorisation) than the serial loop; the implied-volatility solver, with dozens of price
evaluations per element, runs its loop with ``prange``.

The normal CDF is ``N(x) = erfc(-x / sqrt 2) / 2`` (``math.erfc``, accurate to a few ulps in
both tails), the same function :func:`scipy.special.ndtr` evaluates. Model, units and
limits are documented in :mod:`lab.analytics.options`.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from lab.kernels._jit import kernel

_SQRT2 = math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


@kernel(inline="always")
def _ncdf(x):
    return 0.5 * math.erfc(-x / _SQRT2)


@kernel(inline="always")
def _npdf(x):
    if math.isinf(x):
        return 0.0
    return _INV_SQRT_2PI * math.exp(-0.5 * x * x)


@kernel(inline="always")
def _d1_d2(s, k, t, r, v, q):
    sqt = v * math.sqrt(t)
    log_fk = math.log(s / k) + (r - q) * t
    if sqt > 0.0:
        d1 = (log_fk + 0.5 * v * v * t) / sqt
        return d1, d1 - sqt, sqt
    if log_fk > 0.0:
        return math.inf, math.inf, 0.0
    if log_fk < 0.0:
        return -math.inf, -math.inf, 0.0
    return 0.0, 0.0, 0.0


@kernel(inline="always")
def _price1(s, k, t, r, v, w, q):
    d1, d2, _ = _d1_d2(s, k, t, r, v, q)
    return w * (s * math.exp(-q * t) * _ncdf(w * d1) - k * math.exp(-r * t) * _ncdf(w * d2))


@kernel
def bs_price_kernel(s, k, t, r, v, w, q):
    """Black-Scholes-Merton prices; ``w`` = +1 call, -1 put."""
    n = s.shape[0]
    out = np.empty(n)
    for i in range(n):
        out[i] = _price1(s[i], k[i], t[i], r[i], v[i], w[i], q[i])
    return out


@kernel
def bs_greeks_kernel(s, k, t, r, v, w, q):
    """delta, gamma, vega (per 1.00 vol), theta (-dV/dt per year), rho (per 1.00 rate)."""
    n = s.shape[0]
    delta = np.empty(n)
    gamma = np.empty(n)
    vega = np.empty(n)
    theta = np.empty(n)
    rho = np.empty(n)
    for i in range(n):
        si, ki, ti, ri, vi, wi, qi = s[i], k[i], t[i], r[i], v[i], w[i], q[i]
        d1, d2, sqt = _d1_d2(si, ki, ti, ri, vi, qi)
        df_q = math.exp(-qi * ti)
        df_r = math.exp(-ri * ti)
        pdf = _npdf(d1)
        nd1 = _ncdf(wi * d1)
        nd2 = _ncdf(wi * d2)
        delta[i] = wi * df_q * nd1
        if sqt > 0.0:
            gamma[i] = df_q * pdf / (si * sqt)
        elif pdf > 0.0:
            gamma[i] = math.inf
        else:
            gamma[i] = 0.0
        if ti > 0.0:
            decay = si * df_q * pdf * vi / (2.0 * math.sqrt(ti))
        elif pdf > 0.0 and vi > 0.0:
            decay = math.inf
        else:
            decay = 0.0
        vega[i] = si * df_q * pdf * math.sqrt(ti)
        theta[i] = -decay - wi * ri * ki * df_r * nd2 + wi * qi * si * df_q * nd1
        rho[i] = wi * ki * ti * df_r * nd2
    return delta, gamma, vega, theta, rho


@kernel(parallel=True)
def implied_vol_kernel(price, s, k, t, r, w, q, solve, vol_max, xtol, max_iter):
    """Safeguarded Newton-bisection for the Black-Scholes implied volatility.

    For each ``i`` with ``solve[i]`` the price is bracketed in ``[0, vol_max]`` (the caller has
    checked ``lower < price < upper``); a Newton step on ``f(sigma) = BS(sigma) - price`` is
    taken when it stays strictly inside the current bracket and otherwise the bracket is
    bisected; the bracket shrinks on every iteration by the sign of ``f``. After ``max_iter //
    4`` iterations only bisection is used, which guarantees convergence (from a bracket of 10,
    55 halvings reach 1e-15). Stops when the
    bracket is narrower than ``xtol`` or ``f`` is exactly 0 / the Newton step is below ``xtol``.

    Returns ``(vol, status)``: status 0 solved, 6 price above ``BS(vol_max)``, 7 no convergence
    in ``max_iter`` iterations, -1 not attempted.
    """
    n = price.shape[0]
    vol = np.full(n, np.nan)
    status = np.full(n, -1, dtype=np.int8)
    for i in numba.prange(n):
        if not solve[i]:
            continue
        si, ki, ti, ri, wi, qi, target = s[i], k[i], t[i], r[i], w[i], q[i], price[i]
        lo = 0.0
        hi = vol_max
        if _price1(si, ki, ti, ri, hi, wi, qi) - target < 0.0:
            status[i] = 6
            continue
        # Manaster-Koehler style start: the vol that makes the forward at-the-money
        x = math.sqrt(abs(math.log(si / ki) + (ri - qi) * ti) * 2.0 / ti)
        if not (x > 0.0) or x >= hi:
            x = 0.5
        done = False
        for it in range(max_iter):
            fx = _price1(si, ki, ti, ri, x, wi, qi) - target
            if fx == 0.0:
                done = True
                break
            if fx > 0.0:
                hi = x
            else:
                lo = x
            if hi - lo <= xtol:
                done = True
                break
            d1, _d2, _sqt = _d1_d2(si, ki, ti, ri, x, qi)
            vega = si * math.exp(-qi * ti) * _npdf(d1) * math.sqrt(ti)
            nxt = 0.5 * (lo + hi)
            if vega > 0.0 and it < max_iter // 4:
                step = fx / vega
                cand = x - step
                if lo < cand < hi:
                    nxt = cand
                    if abs(step) <= xtol:
                        x = cand
                        done = True
                        break
            x = nxt
        vol[i] = x
        status[i] = 0 if done else 7
    return vol, status
