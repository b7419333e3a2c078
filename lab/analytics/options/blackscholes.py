"""Black-Scholes-Merton prices, greeks and implied volatility (reference engine, NumPy +
SciPy), with the input checks and the no-arbitrage screen both engines share.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy.optimize import brentq
from scipy.special import ndtr

from lab.analytics.options.results import (
    IV_ABOVE_BRACKET,
    IV_ABOVE_UPPER,
    IV_BELOW_LOWER,
    IV_EXPIRED,
    IV_NO_TIME_VALUE,
    IV_NOT_FINITE,
    IV_OK,
    VOL_MAX,
    Greeks,
    ImpliedVol,
)

KINDS: dict[str, int] = {"call": 1, "c": 1, "put": -1, "p": -1}
"""Accepted spellings of the option type and their sign (+1 call, -1 put)."""


BOUND_RTOL = 1e-12
"""Relative tolerance (of ``max(spot, strike)``) within which a price counts as sitting on a
no-arbitrage bound in :func:`implied_vol`."""


def kind_sign(kind: Any) -> np.ndarray:
    """Map ``kind`` (``"call"``/``"put"``, ``"c"``/``"p"``, str or array of str) to +1/-1."""
    arr = np.asarray(kind)
    if arr.dtype.kind not in "UO" or (
        arr.dtype.kind == "O" and not all(isinstance(k, str) for k in arr.ravel())
    ):
        raise ValueError(f"kind: expected 'call' or 'put' (str or array of str), got {kind!r}")
    names, inverse = np.unique(np.char.lower(arr.astype(str)), return_inverse=True)
    signs = np.empty(names.size)
    for j, name in enumerate(names):
        if name not in KINDS:
            raise ValueError(f"kind: unknown option type {str(name)!r}; use 'call' or 'put'")
        signs[j] = KINDS[name]
    return signs[inverse].reshape(arr.shape)


def _as_float(name: str, value: Any) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}: expected numbers, got {type(value).__name__}") from exc
    return arr


MAX_BS_ELEMENTS = 10_000_000
"""Most elements of the broadcast Black-Scholes inputs (each is 8 arrays of 8 bytes)."""


def prepare_bs_inputs(
    spot: Any,
    strike: Any,
    t: Any,
    rate: Any,
    vol: Any,
    kind: Any,
    dividend: Any,
    price: Any = None,
) -> tuple[tuple[int, ...], list[np.ndarray]]:
    """Validate and broadcast Black-Scholes inputs.

    Returns the broadcast shape and contiguous 1-D float arrays ``[spot, strike, t, rate, vol,
    sign, dividend]`` (``vol`` replaced by ``price`` when ``price`` is given), each raveled
    from the broadcast shape. Raises ValueError naming the offending parameter.
    """
    named = {
        "spot": _as_float("spot", spot),
        "strike": _as_float("strike", strike),
        "t": _as_float("t", t),
        "rate": _as_float("rate", rate),
        "dividend": _as_float("dividend", dividend),
    }
    if price is None:
        named["vol"] = _as_float("vol", vol)
    else:
        named["price"] = _as_float("price", price)
    for name, arr in named.items():
        if name != "price" and not np.all(np.isfinite(arr)):
            raise ValueError(f"{name}: contains NaN or infinite values")
    if np.any(named["spot"] <= 0):
        raise ValueError("spot: must be > 0")
    if np.any(named["strike"] <= 0):
        raise ValueError("strike: must be > 0")
    if np.any(named["t"] < 0):
        raise ValueError("t: years to expiry must be >= 0")
    if "vol" in named and np.any(named["vol"] < 0):
        raise ValueError("vol: must be >= 0")
    sign = kind_sign(kind)
    fifth = named["vol"] if price is None else named["price"]
    order = [named["spot"], named["strike"], named["t"], named["rate"], fifth, sign]
    try:
        shape = np.broadcast_shapes(*(a.shape for a in order), named["dividend"].shape)
    except ValueError as exc:
        raise ValueError(
            f"spot/strike/t/rate/vol/kind/dividend: shapes do not broadcast: {exc}"
        ) from None
    size = math.prod(shape)
    if size > MAX_BS_ELEMENTS:
        raise ValueError(
            f"spot/strike/t/rate/vol broadcast to shape {shape} ({size:,} elements); at most "
            f"{MAX_BS_ELEMENTS:,} are accepted"
        )
    flat = [
        np.ascontiguousarray(np.broadcast_to(a, shape), dtype=float).ravel()
        for a in (*order, named["dividend"])
    ]
    return shape, flat


def _d1_d2(s, k, t, r, v, q):
    """d1, d2 with their limits where ``v sqrt(t) = 0``: +-inf by the sign of ``ln(F/K)``, and 0
    at the money forward."""
    sqt = v * np.sqrt(t)
    log_fk = np.log(s / k) + (r - q) * t
    pos = sqt > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        d1 = np.where(pos, (log_fk + 0.5 * v * v * t) / np.where(pos, sqt, 1.0), 0.0)
    d1 = np.where(pos, d1, np.where(log_fk > 0, np.inf, np.where(log_fk < 0, -np.inf, 0.0)))
    d2 = np.where(pos, d1 - sqt, d1)
    return d1, d2, sqt


def _price_flat(s, k, t, r, v, w, q):
    d1, d2, _ = _d1_d2(s, k, t, r, v, q)
    df_q = np.exp(-q * t)
    df_r = np.exp(-r * t)
    return w * (s * df_q * ndtr(w * d1) - k * df_r * ndtr(w * d2))


def _price_scalar(s, k, t, r, w, q, v):
    """:func:`_price_flat` for one option (Python floats), for the root finder; ``v > 0``,
    ``t > 0``."""
    sqt = v * math.sqrt(t)
    if sqt == 0.0:
        return float(_price_flat(*(np.array([a]) for a in (s, k, t, r, v, w, q)))[0])
    d1 = (math.log(s / k) + (r - q) * t) / sqt + 0.5 * sqt
    d2 = d1 - sqt
    return w * (s * math.exp(-q * t) * ndtr(w * d1) - k * math.exp(-r * t) * ndtr(w * d2))


def _phi(x):
    return np.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)


def _greeks_flat(s, k, t, r, v, w, q):
    d1, d2, sqt = _d1_d2(s, k, t, r, v, q)
    df_q = np.exp(-q * t)
    df_r = np.exp(-r * t)
    pdf = _phi(d1)
    nd1 = ndtr(w * d1)
    nd2 = ndtr(w * d2)
    delta = w * df_q * nd1
    pos = sqt > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        gamma = np.where(
            pos, df_q * pdf / (s * np.where(pos, sqt, 1.0)), np.where(pdf > 0, np.inf, 0.0)
        )
        decay = np.where(
            t > 0,
            s * df_q * pdf * v / (2.0 * np.sqrt(np.where(t > 0, t, 1.0))),
            np.where((pdf > 0) & (v > 0), np.inf, 0.0),
        )
    vega = s * df_q * pdf * np.sqrt(t)
    theta = -decay - w * r * k * df_r * nd2 + w * q * s * df_q * nd1
    rho = w * k * t * df_r * nd2
    return delta, gamma, vega, theta, rho


def iv_bounds(s, k, t, r, w, q, price):
    """No-arbitrage screening for implied volatility, shared by both engines.

    Returns ``(code, lower, upper)`` with ``code`` an int8 array of :data:`IV_REASONS` indices
    (0 = solvable) and the lower/upper no-arbitrage bounds of each price.
    """
    fwd_s = s * np.exp(-q * t)
    pv_k = k * np.exp(-r * t)
    lower = np.maximum(w * (fwd_s - pv_k), 0.0)
    upper = np.where(w > 0, fwd_s, pv_k)
    tol = BOUND_RTOL * np.maximum(s, k)
    code = np.zeros(s.shape, dtype=np.int8)
    finite = np.isfinite(price)
    with np.errstate(invalid="ignore"):
        code[finite & (price >= upper)] = IV_ABOVE_UPPER
        code[finite & (np.abs(price - lower) <= tol)] = IV_NO_TIME_VALUE
        code[finite & (price < lower - tol)] = IV_BELOW_LOWER
    code[finite & (t == 0) & (code == 0)] = IV_EXPIRED
    code[~finite] = IV_NOT_FINITE
    return code, lower, upper


def bs_price(spot, strike, t, rate, vol, kind="call", dividend=0.0) -> np.ndarray:
    """Black-Scholes-Merton price of European calls and puts, vectorised.

    Parameters
    ----------
    spot, strike : array_like
        Spot price and strike, currency units, > 0.
    t : array_like
        Years to expiry, >= 0 (0 gives the intrinsic value).
    rate : array_like
        Continuously compounded risk-free rate per year, decimal.
    vol : array_like
        Annual volatility, decimal, >= 0.
    kind : str or array_like of str
        ``"call"`` or ``"put"`` (``"c"``/``"p"`` accepted).
    dividend : array_like
        Continuous dividend yield per year, decimal.

    Returns
    -------
    ndarray
        Prices in currency, of the broadcast shape of the inputs.

    Notes
    -----
    Normal CDF from :func:`scipy.special.ndtr`. Put-call parity ``C - P = S e^{-qt} - K e^{-rt}``
    holds to rounding error.
    """
    shape, (s, k, tt, r, v, w, q) = prepare_bs_inputs(spot, strike, t, rate, vol, kind, dividend)
    return _price_flat(s, k, tt, r, v, w, q).reshape(shape)


def bs_greeks(spot, strike, t, rate, vol, kind="call", dividend=0.0) -> Greeks:
    """Black-Scholes-Merton greeks as plain partial derivatives, vectorised.

    Parameters are those of :func:`bs_price`.

    Returns
    -------
    Greeks
        ``delta`` = dV/dS; ``gamma`` = d2V/dS2; ``vega`` = dV/dsigma per 1.00 of volatility;
        ``theta`` = -dV/dt per year (``t`` is the time to expiry, so theta is the value change
        per year of calendar time); ``rho`` = dV/dr per 1.00 of rate.

    Notes
    -----
    Closed forms (Hull, ch. 19), with ``w = +1`` for calls and ``-1`` for puts::

        delta = w e^{-qt} N(w d1)
        gamma = e^{-qt} phi(d1) / (S sigma sqrt(t))
        vega  = S e^{-qt} phi(d1) sqrt(t)
        theta = -S e^{-qt} phi(d1) sigma / (2 sqrt(t)) - w r K e^{-rt} N(w d2)
                + w q S e^{-qt} N(w d1)
        rho   = w K t e^{-rt} N(w d2)

    Where ``sigma sqrt(t) = 0`` the limits are returned: ``d1 = d2 = +-inf`` away from the
    forward-money point (so gamma and the decay term are 0) and ``d1 = d2 = 0`` exactly at it,
    where gamma (and, at ``t = 0``, theta) is ``inf`` because the payoff has a kink there.
    """
    shape, (s, k, tt, r, v, w, q) = prepare_bs_inputs(spot, strike, t, rate, vol, kind, dividend)
    out = _greeks_flat(s, k, tt, r, v, w, q)
    return Greeks(*(np.asarray(a).reshape(shape) for a in out))


def implied_vol(price, spot, strike, t, rate, kind="call", dividend=0.0) -> ImpliedVol:
    """Black-Scholes implied volatility with a no-arbitrage screen, vectorised.

    Parameters
    ----------
    price : array_like
        Option prices in currency (NaN entries are reported, not raised).
    spot, strike, t, rate, kind, dividend
        As in :func:`bs_price`.

    Returns
    -------
    ImpliedVol
        ``vol`` (annual, decimal) and a ``code`` per element: 0 solved; otherwise ``vol`` is NaN
        and ``reasons[code]`` says why — below the lower bound ``max(w (S e^{-qt} - K e^{-rt}),
        0)``, at/above the upper bound (``S e^{-qt}`` call, ``K e^{-rt}`` put), expired, no
        time value (price on the lower bound within ``1e-12 max(S, K)``), non-finite price, or
        a volatility above :data:`VOL_MAX`.

    Notes
    -----
    The price is strictly increasing in volatility between the two bounds, so the root is
    unique; it is bracketed in ``[0, VOL_MAX]`` and found with :func:`scipy.optimize.brentq`
    (Brent 1973) to ``xtol = 1e-15``.
    """
    shape, (s, k, tt, r, p, w, q) = prepare_bs_inputs(
        spot, strike, t, rate, None, kind, dividend, price=price
    )
    code, _, _ = iv_bounds(s, k, tt, r, w, q, p)
    vol = np.full(s.shape, np.nan)
    for i in np.flatnonzero(code == IV_OK):
        args = (float(s[i]), float(k[i]), float(tt[i]), float(r[i]), float(w[i]), float(q[i]))

        def f(sigma, args=args, target=float(p[i])):
            return _price_scalar(*args, sigma) - target

        if f(VOL_MAX) < 0:
            code[i] = IV_ABOVE_BRACKET
            continue
        vol[i] = brentq(f, 0.0, VOL_MAX, xtol=1e-15, rtol=4 * np.finfo(float).eps, maxiter=500)
    return ImpliedVol(vol=vol.reshape(shape), code=code.reshape(shape))


def implied_vol_agreement(got: Any, want: Any, args: tuple, kwargs: dict) -> list[str]:
    """How two implied-volatility results of the same call disagree beyond what the price
    determines (empty when they agree).

    Both must be NaN at the same elements. Elsewhere each volatility must reprice the option:
    the two volatilities agree within 1e-10, or, where the price is nearly insensitive to the
    volatility (deep out of the money, little time value, so that many volatilities give the
    same price to rounding), their Black-Scholes prices agree within 1e-12 of ``max(S, K)``.
    """
    import inspect

    bound = inspect.signature(implied_vol).bind(*args, **kwargs)
    bound.apply_defaults()
    a = bound.arguments
    g, w = np.asarray(got.vol, dtype=float), np.asarray(want.vol, dtype=float)
    if g.shape != w.shape or not np.array_equal(np.isnan(g), np.isnan(w)):
        return ["vol: shape or NaN pattern differs"]
    ok = ~np.isnan(w)
    if not ok.any():
        return []
    shape = np.broadcast_shapes(np.shape(a["price"]), np.shape(a["spot"]), np.shape(a["strike"]))
    spot = np.broadcast_to(np.asarray(a["spot"], dtype=float), shape)
    strike = np.broadcast_to(np.asarray(a["strike"], dtype=float), shape)
    tt = np.broadcast_to(np.asarray(a["t"], dtype=float), shape)
    rate = np.broadcast_to(np.asarray(a["rate"], dtype=float), shape)
    div = np.broadcast_to(np.asarray(a["dividend"], dtype=float), shape)
    close = np.abs(g - w) <= 1e-10
    reprice = np.zeros(shape, dtype=bool)
    pg = bs_price(spot[ok], strike[ok], tt[ok], rate[ok], g[ok], a["kind"], div[ok])
    pw = bs_price(spot[ok], strike[ok], tt[ok], rate[ok], w[ok], a["kind"], div[ok])
    reprice[ok] = np.abs(pg - pw) <= 1e-12 * np.maximum(spot[ok], strike[ok])
    bad = ok & ~close & ~reprice
    if bad.any():
        i = int(np.flatnonzero(bad.ravel())[0])
        return [f"vol: {g.ravel()[i]!r} != {w.ravel()[i]!r} and their prices differ"]
    return []
