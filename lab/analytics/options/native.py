"""Options on the native engine: Black-Scholes prices, greeks and implied volatility in numba
(:mod:`lab.kernels.options`); input validation, the no-arbitrage screen and strategy valuation
are shared with :mod:`lab.analytics.options`, which documents the model and units."""

from __future__ import annotations

import numpy as np

from lab.analytics.options.blackscholes import iv_bounds, prepare_bs_inputs
from lab.analytics.options.results import (
    IV_ABOVE_BRACKET,
    IV_OK,
    VOL_MAX,
    Greeks,
    ImpliedVol,
    StrategyPayoff,
)
from lab.analytics.options.strategies import evaluate_strategy
from lab.kernels.options import bs_greeks_kernel, bs_price_kernel, implied_vol_kernel

IV_XTOL = 1e-15
"""Bracket width at which the implied-volatility iteration stops."""

IV_MAX_ITER = 200
"""Iteration cap of the safeguarded Newton-bisection (bisection alone needs < 60)."""


def bs_price(spot, strike, t, rate, vol, kind="call", dividend=0.0) -> np.ndarray:
    """Black-Scholes-Merton price (see :func:`lab.analytics.options.bs_price`)."""
    shape, flat = prepare_bs_inputs(spot, strike, t, rate, vol, kind, dividend)
    return bs_price_kernel(*flat).reshape(shape)


def bs_greeks(spot, strike, t, rate, vol, kind="call", dividend=0.0) -> Greeks:
    """Black-Scholes-Merton greeks (see :func:`lab.analytics.options.bs_greeks`)."""
    shape, flat = prepare_bs_inputs(spot, strike, t, rate, vol, kind, dividend)
    return Greeks(*(a.reshape(shape) for a in bs_greeks_kernel(*flat)))


def implied_vol(price, spot, strike, t, rate, kind="call", dividend=0.0) -> ImpliedVol:
    """Implied volatility by a vectorised safeguarded Newton-bisection in numba
    (see :func:`lab.analytics.options.implied_vol` for the screen and the codes)."""
    shape, (s, k, tt, r, p, w, q) = prepare_bs_inputs(
        spot, strike, t, rate, None, kind, dividend, price=price
    )
    code, _, _ = iv_bounds(s, k, tt, r, w, q, p)
    solve = code == IV_OK
    vol, status = implied_vol_kernel(p, s, k, tt, r, w, q, solve, VOL_MAX, IV_XTOL, IV_MAX_ITER)
    code[solve & (status == IV_ABOVE_BRACKET)] = IV_ABOVE_BRACKET
    if np.any(solve & (status == 7)):
        raise RuntimeError("implied_vol: Newton-bisection did not converge (bracket not shrinking)")
    vol[code != IV_OK] = np.nan
    return ImpliedVol(vol=vol.reshape(shape), code=code.reshape(shape))


def strategy_payoff(legs, spots, t=0.0) -> StrategyPayoff:
    """Strategy payoff and value (see :func:`lab.analytics.options.strategy_payoff`)."""
    return evaluate_strategy(legs, spots, t, bs_price, bs_greeks)
