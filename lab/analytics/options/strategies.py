"""Option strategies: legs, the named presets, and their payoff and greeks at a horizon
(shared by both engines, which differ only in the pricing functions passed in).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from lab.analytics.options.blackscholes import _as_float, bs_greeks, bs_price
from lab.analytics.options.results import StrategyPayoff

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
