"""Result types of the options analytics (both engines return these)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

VOL_MAX = 10.0
"""Upper end of the implied-volatility search bracket (1000 % annual volatility)."""

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
