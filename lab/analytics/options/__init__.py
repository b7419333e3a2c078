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

Modules
-------
``results``       result types (both engines);
``blackscholes``  prices, greeks and implied volatility, and the shared input checks;
``strategies``    legs, presets and strategy payoffs;
``native``        the native engine (numba kernels of :mod:`lab.kernels.options`).
"""

from lab.analytics.options.blackscholes import (
    KINDS,
    MAX_BS_ELEMENTS,
    bs_greeks,
    bs_price,
    implied_vol,
    implied_vol_agreement,
)
from lab.analytics.options.results import (
    IV_ABOVE_BRACKET,
    IV_ABOVE_UPPER,
    IV_BELOW_LOWER,
    IV_EXPIRED,
    IV_NO_TIME_VALUE,
    IV_NOT_FINITE,
    IV_OK,
    IV_REASONS,
    VOL_MAX,
    Greeks,
    ImpliedVol,
    StrategyPayoff,
)
from lab.analytics.options.strategies import (
    LEG_KINDS,
    PRESETS,
    OptionStrategy,
    strategy_payoff,
    strategy_preset,
)

__all__ = [
    "Greeks",
    "IV_ABOVE_BRACKET",
    "IV_ABOVE_UPPER",
    "IV_BELOW_LOWER",
    "IV_EXPIRED",
    "IV_NOT_FINITE",
    "IV_NO_TIME_VALUE",
    "IV_OK",
    "IV_REASONS",
    "ImpliedVol",
    "KINDS",
    "LEG_KINDS",
    "MAX_BS_ELEMENTS",
    "OptionStrategy",
    "PRESETS",
    "StrategyPayoff",
    "VOL_MAX",
    "bs_greeks",
    "bs_price",
    "implied_vol",
    "implied_vol_agreement",
    "strategy_payoff",
    "strategy_preset",
]
