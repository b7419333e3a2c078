"""Options: vectorised Black-Scholes prices, greeks, implied volatility and strategy payoffs
(reference engine, NumPy + SciPy).

Model
-----
Black-Scholes-Merton with a continuous dividend yield: under the risk-neutral measure the
spot follows ``dS = (r - q) S dt + sigma S dW``. A European option with strike ``K`` and ``t``
years to expiry is worth

    call = S e^{-q t} N(d1) - K e^{-r t} N(d2)
    put  = K e^{-r t} N(-d2) - S e^{-q t} N(-d1)
    d1 = (ln(S / K) + (r - q + sigma^2 / 2) t) / (sigma sqrt(t)),  d2 = d1 - sigma sqrt(t)

(Black and Scholes 1973, J. Political Economy 81(3); Merton 1973, Bell J. Econ. 4(1); Hull,
*Options, Futures and Other Derivatives*, ch. 15 and 19).

Units
-----
``spot`` and ``strike`` in currency; ``t`` in years to expiry; ``rate`` and ``dividend`` are
continuously compounded annual rates as decimals (0.05 = 5 %); ``vol`` is the annual
volatility as a decimal (0.20 = 20 %). Every function broadcasts its array arguments with NumPy
rules and returns arrays of the broadcast shape (0-d arrays for scalar inputs).

Degenerate inputs
-----------------
``t = 0`` (at expiry) or ``vol = 0`` are allowed: the price is then the discounted intrinsic
value ``max(+-(S e^{-qt} - K e^{-rt}), 0)``, the limit of the formula. Greeks take the same
limits (see :func:`bs_greeks`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import brentq
from scipy.special import ndtr

KINDS: dict[str, int] = {"call": 1, "c": 1, "put": -1, "p": -1}
"""Accepted spellings of the option type and their sign (+1 call, -1 put)."""

VOL_MAX = 10.0
"""Upper end of the implied-volatility search bracket (1000 % annual volatility)."""

BOUND_RTOL = 1e-12
"""Relative tolerance (of ``max(spot, strike)``) within which a price counts as sitting on a
no-arbitrage bound in :func:`implied_vol`."""

IV_OK = 0
IV_BELOW_LOWER = 1
IV_ABOVE_UPPER = 2
IV_EXPIRED = 3
IV_NO_TIME_VALUE = 4
IV_NOT_FINITE = 5
IV_ABOVE_BRACKET = 6

IV_REASONS: tuple[str, ...] = (
    "ok",
    "price below the no-arbitrage lower bound max(+-(S e^-qt - K e^-rt), 0)",
    "price at or above the no-arbitrage upper bound (S e^-qt for a call, K e^-rt for a put)",
    "expired option (t = 0): volatility does not affect the price",
    "price equals the lower bound (no time value): volatility not identifiable",
    "price is not a finite number",
    f"implied volatility above the search bracket ({VOL_MAX:g} = {VOL_MAX * 100:g} %)",
)
"""Text of each :class:`ImpliedVol` ``code`` (index = code)."""


@dataclass(frozen=True)
class Greeks:
    """Black-Scholes sensitivities (plain partial derivatives of the option value).

    Attributes
    ----------
    delta : ndarray
        dV/dS, per 1 unit of spot.
    gamma : ndarray
        d2V/dS2, per 1 unit of spot squared.
    vega : ndarray
        dV/dsigma, per 1.00 (100 percentage points) of annual volatility; divide by 100 for
        "per vol point".
    theta : ndarray
        -dV/dt with ``t`` the time to expiry in years: the change of value per year of calendar
        time passing (usually negative for long options); divide by 365 for "per day".
    rho : ndarray
        dV/dr, per 1.00 (100 percentage points) of the continuously compounded rate.
    """

    delta: np.ndarray
    gamma: np.ndarray
    vega: np.ndarray
    theta: np.ndarray
    rho: np.ndarray


@dataclass(frozen=True)
class ImpliedVol:
    """Implied volatilities with a per-element diagnosis.

    Attributes
    ----------
    vol : ndarray
        Annual implied volatility (decimal), NaN where it does not exist.
    code : ndarray of int8
        0 where ``vol`` was solved, otherwise the reason it is NaN; ``reasons[code]`` is its text
        (see :data:`IV_REASONS`).
    reasons : tuple of str
        Lookup table from code to explanation.
    """

    vol: np.ndarray
    code: np.ndarray
    reasons: tuple[str, ...] = IV_REASONS

    @property
    def reason(self) -> np.ndarray:
        """Per-element explanation (array of str, the shape of ``vol``)."""
        return np.asarray(self.reasons, dtype=object)[self.code]

    @property
    def n_failed(self) -> int:
        """Number of elements without an implied volatility."""
        return int(np.count_nonzero(self.code))


LEG_KINDS = ("call", "put", "stock")
"""Kinds of strategy legs: European call, European put, or the underlying itself."""


@dataclass(frozen=True)
class OptionStrategy:
    """A static option strategy as parallel arrays (one entry per leg), picklable and
    gRPC-encodable.

    Attributes
    ----------
    kinds : tuple of str
        ``"call"``, ``"put"`` or ``"stock"`` per leg.
    strikes : ndarray
        Strike in currency (ignored, conventionally NaN, for stock legs).
    quantities : ndarray
        Signed number of units: positive long, negative short.
    expiries : ndarray
        Years from inception to expiry (``inf`` for stock legs).
    premiums : ndarray
        Price paid per unit at inception (for a stock leg, the purchase price).
    vols : ndarray
        Annual volatility used to value each leg before its expiry (unused for stock legs).
    rate : float
        Continuously compounded risk-free rate.
    dividend : float
        Continuous dividend yield of the underlying.
    name : str
        Label, e.g. the preset name.
    """

    kinds: tuple[str, ...]
    strikes: np.ndarray
    quantities: np.ndarray
    expiries: np.ndarray
    premiums: np.ndarray
    vols: np.ndarray
    rate: float = 0.0
    dividend: float = 0.0
    name: str = "custom"

    def __post_init__(self) -> None:
        kinds = tuple(str(k).lower() for k in np.atleast_1d(np.asarray(self.kinds, dtype=object)))
        bad = [k for k in kinds if k not in LEG_KINDS]
        if bad:
            raise ValueError(f"legs: unknown leg kind(s) {bad}; use one of {LEG_KINDS}")
        n = len(kinds)
        if n == 0:
            raise ValueError("legs: a strategy needs at least one leg")
        arrays = {}
        for name in ("strikes", "quantities", "expiries", "premiums", "vols"):
            arr = np.atleast_1d(np.asarray(getattr(self, name), dtype=float)).copy()
            if arr.shape != (n,):
                raise ValueError(f"legs: {name} has shape {arr.shape}, expected ({n},)")
            arrays[name] = arr
        stock = np.array([k == "stock" for k in kinds])
        opt = ~stock
        arrays["strikes"][stock] = np.nan
        arrays["expiries"][stock] = np.inf
        if not np.all(np.isfinite(arrays["quantities"])):
            raise ValueError("legs: quantities must be finite")
        if not np.all(np.isfinite(arrays["premiums"])):
            raise ValueError("legs: premiums must be finite (price paid per unit)")
        if np.any(~(arrays["strikes"][opt] > 0)) or np.any(~np.isfinite(arrays["strikes"][opt])):
            raise ValueError("legs: option strikes must be finite and > 0")
        exp = arrays["expiries"][opt]
        if np.any(~np.isfinite(exp)) or np.any(exp <= 0):
            raise ValueError("legs: option expiries must be finite and > 0 years")
        vols = arrays["vols"][opt]
        if np.any(~np.isfinite(vols)) or np.any(vols < 0):
            raise ValueError("legs: option vols must be finite and >= 0")
        for name in ("rate", "dividend"):
            value = float(getattr(self, name))
            if not math.isfinite(value):
                raise ValueError(f"legs: {name} must be finite")
            object.__setattr__(self, name, value)
        object.__setattr__(self, "kinds", kinds)
        object.__setattr__(self, "name", str(self.name))
        for name, arr in arrays.items():
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)

    @property
    def n_legs(self) -> int:
        """Number of legs."""
        return len(self.kinds)

    @property
    def horizon(self) -> float:
        """Earliest option expiry in years (0 for a strategy made of stock only)."""
        exp = self.expiries[np.isfinite(self.expiries)]
        return float(exp.min()) if exp.size else 0.0

    @property
    def cost(self) -> float:
        """Net premium paid at inception (negative for a net credit)."""
        return float(np.sum(self.quantities * self.premiums))


@dataclass(frozen=True)
class StrategyPayoff:
    """Value profile of an :class:`OptionStrategy` over a grid of spot prices.

    Attributes
    ----------
    spots : ndarray, shape (M,)
        Spot grid.
    payoff_at_expiry : ndarray, shape (M,)
        Gross value at the horizon (earliest expiry) if the spot is then ``spots``: intrinsic
        value of the expiring legs plus the Black-Scholes value of legs expiring later.
    value_now : ndarray, shape (M,)
        Gross Black-Scholes value at time ``t`` after inception.
    pnl_at_expiry, pnl_now : ndarray, shape (M,)
        The above minus :attr:`cost` (profit and loss; interest on the premium ignored).
    delta_now, gamma_now : ndarray, shape (M,)
        Position delta and gamma at time ``t``.
    cost : float
        Net premium paid at inception (negative = credit received).
    breakevens : ndarray
        Spots where ``pnl_at_expiry`` changes sign (linear interpolation on the grid).
    max_profit, max_loss : float
        Largest and smallest ``pnl_at_expiry`` on the grid (``max_loss`` is negative for a loss).
    t : float
        Years after inception at which ``value_now`` is evaluated.
    horizon : float
        Years to the earliest expiry.
    """

    spots: np.ndarray
    payoff_at_expiry: np.ndarray
    value_now: np.ndarray
    pnl_at_expiry: np.ndarray
    pnl_now: np.ndarray
    delta_now: np.ndarray
    gamma_now: np.ndarray
    cost: float
    breakevens: np.ndarray
    max_profit: float
    max_loss: float
    t: float
    horizon: float


# --------------------------------------------------------------------------------------------
# input handling shared by both engines
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# public functions
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# strategies
# --------------------------------------------------------------------------------------------

PRESETS: tuple[str, ...] = (
    "long_call",
    "long_put",
    "straddle",
    "strangle",
    "bull_call_spread",
    "bear_call_spread",
    "bull_put_spread",
    "bear_put_spread",
    "butterfly",
    "iron_condor",
    "covered_call",
    "protective_put",
)
"""Names accepted by :func:`strategy_preset`."""


def strategy_preset(
    name: str,
    spot: float,
    width: float | None = None,
    expiry: float = 0.25,
    vol: float = 0.2,
    rate: float = 0.0,
    dividend: float = 0.0,
    quantity: float = 1.0,
) -> OptionStrategy:
    """Build a standard strategy around ``spot`` with premiums at Black-Scholes value.

    Parameters
    ----------
    name : str
        One of :data:`PRESETS`.
    spot : float
        Current spot; also the centre strike ``K0``.
    width : float, optional
        Strike spacing ``w`` in currency; defaults to 5 % of ``spot``.
    expiry : float
        Years to expiry of every option leg.
    vol, rate, dividend : float
        Annual volatility, rate and dividend yield used to price the premiums (and, later, to
        value the legs in :func:`strategy_payoff`).
    quantity : float
        Multiplier of every leg (negative reverses the strategy).

    Returns
    -------
    OptionStrategy

    Notes
    -----
    Legs (``+`` long, ``-`` short; ``K0 = spot``)::

        long_call         +C(K0)
        long_put          +P(K0)
        straddle          +C(K0) +P(K0)
        strangle          +P(K0-w) +C(K0+w)
        bull_call_spread  +C(K0) -C(K0+w)          (debit)
        bear_call_spread  -C(K0) +C(K0+w)          (credit)
        bull_put_spread   -P(K0) +P(K0-w)          (credit)
        bear_put_spread   +P(K0) -P(K0-w)          (debit)
        butterfly         +C(K0-w) -2 C(K0) +C(K0+w)
        iron_condor       +P(K0-2w) -P(K0-w) -C(K0+w) +C(K0+2w)   (short condor, credit)
        covered_call      +S -C(K0+w)
        protective_put    +S +P(K0-w)
    """
    spot = float(spot)
    if not (math.isfinite(spot) and spot > 0):
        raise ValueError("spot: must be finite and > 0")
    w = 0.05 * spot if width is None else float(width)
    if not (math.isfinite(w) and w > 0):
        raise ValueError("width: must be finite and > 0")
    key = str(name).lower()
    c, p, s = "call", "put", "stock"
    table: dict[str, list[tuple[str, float, float]]] = {
        "long_call": [(c, spot, 1)],
        "long_put": [(p, spot, 1)],
        "straddle": [(c, spot, 1), (p, spot, 1)],
        "strangle": [(p, spot - w, 1), (c, spot + w, 1)],
        "bull_call_spread": [(c, spot, 1), (c, spot + w, -1)],
        "bear_call_spread": [(c, spot, -1), (c, spot + w, 1)],
        "bull_put_spread": [(p, spot, -1), (p, spot - w, 1)],
        "bear_put_spread": [(p, spot, 1), (p, spot - w, -1)],
        "butterfly": [(c, spot - w, 1), (c, spot, -2), (c, spot + w, 1)],
        "iron_condor": [
            (p, spot - 2 * w, 1),
            (p, spot - w, -1),
            (c, spot + w, -1),
            (c, spot + 2 * w, 1),
        ],
        "covered_call": [(s, np.nan, 1), (c, spot + w, -1)],
        "protective_put": [(s, np.nan, 1), (p, spot - w, 1)],
    }
    if key not in table:
        raise ValueError(f"name: unknown preset {name!r}; choose one of {', '.join(PRESETS)}")
    legs = table[key]
    strikes = np.array([k for _, k, _ in legs], dtype=float)
    if np.any(strikes[np.isfinite(strikes)] <= 0):
        raise ValueError(f"width: {w:g} puts a strike of {name!r} at or below 0")
    kinds = tuple(k for k, _, _ in legs)
    premiums = np.empty(len(legs))
    for i, (kd, strike, _) in enumerate(legs):
        premiums[i] = (
            spot if kd == s else float(bs_price(spot, strike, expiry, rate, vol, kd, dividend))
        )
    return OptionStrategy(
        kinds=kinds,
        strikes=strikes,
        quantities=np.array([q for _, _, q in legs], dtype=float) * float(quantity),
        expiries=np.full(len(legs), float(expiry)),
        premiums=premiums,
        vols=np.full(len(legs), float(vol)),
        rate=rate,
        dividend=dividend,
        name=key,
    )


def as_strategy(legs: Any) -> OptionStrategy:
    """Accept an :class:`OptionStrategy` or a mapping of its fields."""
    if isinstance(legs, OptionStrategy):
        return legs
    if isinstance(legs, Mapping):
        return OptionStrategy(**legs)
    raise ValueError(
        f"legs: expected an OptionStrategy (see strategy_preset) or a mapping of its fields, "
        f"got {type(legs).__name__}"
    )


def breakeven_points(spots: np.ndarray, pnl: np.ndarray) -> np.ndarray:
    """Spots where ``pnl`` crosses zero, by linear interpolation between grid points."""
    out: list[float] = []
    sign = np.sign(pnl)
    for i in range(len(spots) - 1):
        if sign[i] == 0:
            if not out or out[-1] != spots[i]:
                out.append(float(spots[i]))
        elif sign[i] * sign[i + 1] < 0:
            frac = pnl[i] / (pnl[i] - pnl[i + 1])
            out.append(float(spots[i] + frac * (spots[i + 1] - spots[i])))
    if len(spots) and sign[-1] == 0 and (not out or out[-1] != spots[-1]):
        out.append(float(spots[-1]))
    return np.asarray(out, dtype=float)


def evaluate_strategy(legs: Any, spots: Any, t: float, price_fn, greeks_fn) -> StrategyPayoff:
    """Strategy valuation shared by both engines; ``price_fn``/``greeks_fn`` are the engine's
    :func:`bs_price`/:func:`bs_greeks`."""
    strat = as_strategy(legs)
    grid = np.atleast_1d(_as_float("spots", spots)).ravel()
    if grid.size == 0:
        raise ValueError("spots: empty grid")
    if not np.all(np.isfinite(grid)) or np.any(grid <= 0):
        raise ValueError("spots: must be finite and > 0")
    t = float(t)
    horizon = strat.horizon
    if not math.isfinite(t) or t < 0:
        raise ValueError("t: years after inception must be finite and >= 0")
    if t > horizon and any(k != "stock" for k in strat.kinds):
        raise ValueError(f"t: {t:g} years is after the earliest expiry ({horizon:g} years)")
    n_grid = grid.size
    at_expiry = np.zeros(n_grid)
    now = np.zeros(n_grid)
    delta = np.zeros(n_grid)
    gamma = np.zeros(n_grid)
    for i, kd in enumerate(strat.kinds):
        qty = strat.quantities[i]
        if kd == "stock":
            at_expiry += qty * grid
            now += qty * grid
            delta += qty
            continue
        strike, vol = strat.strikes[i], strat.vols[i]
        rem_h = max(strat.expiries[i] - horizon, 0.0)
        rem_t = max(strat.expiries[i] - t, 0.0)
        at_expiry += qty * price_fn(grid, strike, rem_h, strat.rate, vol, kd, strat.dividend)
        now += qty * price_fn(grid, strike, rem_t, strat.rate, vol, kd, strat.dividend)
        g = greeks_fn(grid, strike, rem_t, strat.rate, vol, kd, strat.dividend)
        delta += qty * g.delta
        gamma += qty * g.gamma
    cost = strat.cost
    pnl_exp = at_expiry - cost
    return StrategyPayoff(
        spots=grid,
        payoff_at_expiry=at_expiry,
        value_now=now,
        pnl_at_expiry=pnl_exp,
        pnl_now=now - cost,
        delta_now=delta,
        gamma_now=gamma,
        cost=cost,
        breakevens=breakeven_points(grid, pnl_exp),
        max_profit=float(pnl_exp.max()),
        max_loss=float(pnl_exp.min()),
        t=t,
        horizon=horizon,
    )


def strategy_payoff(legs, spots, t=0.0) -> StrategyPayoff:
    """Payoff at expiry and value before expiry of a static option strategy.

    Parameters
    ----------
    legs : OptionStrategy or mapping
        The strategy, e.g. from :func:`strategy_preset`, or a dict of :class:`OptionStrategy`
        fields (``kinds``, ``strikes``, ``quantities``, ``expiries``, ``premiums``, ``vols``,
        optional ``rate``, ``dividend``, ``name``).
    spots : array_like
        Grid of spot prices (> 0) at which to evaluate.
    t : float
        Years after inception at which to value the position (``0 <= t <=`` earliest expiry).

    Returns
    -------
    StrategyPayoff
        Gross value at the horizon (earliest expiry; legs expiring later are valued with
        Black-Scholes at their remaining maturity and own vol), gross Black-Scholes value at
        ``t``, P&L net of the premiums, position delta/gamma, breakevens, max profit/loss.

    Notes
    -----
    A stock leg is worth the spot (dividends received are not accounted). Premiums are not
    compounded: P&L is value minus net premium.
    """
    return evaluate_strategy(legs, spots, t, bs_price, bs_greeks)


__all__ = [
    "IV_REASONS",
    "PRESETS",
    "Greeks",
    "ImpliedVol",
    "OptionStrategy",
    "StrategyPayoff",
    "bs_greeks",
    "bs_price",
    "implied_vol",
    "strategy_payoff",
    "strategy_preset",
]
