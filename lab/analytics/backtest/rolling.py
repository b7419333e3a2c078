"""Rolling performance of a backtest: the trailing-window Sharpe ratio of its period returns.

Model
-----
For period returns ``r[t]`` (``BacktestResult.returns``: the account's return over
``(t-1, t]``, net of costs) and a window of ``w`` periods, the rolling Sharpe ratio at ``t`` is

    S[t] = mean(r[t-w+1 .. t]) / std(r[t-w+1 .. t]) * sqrt(P)

with the sample standard deviation (``ddof = 1``), no risk-free rate and ``P`` periods a year
(:data:`~lab.analytics.backtest.params.PERIODS_PER_YEAR`, 252 trading days), as the backtest's
``sharpe`` metric annualises it. It is the same estimator as pandas'
``r.rolling(w).mean() / r.rolling(w).std() * sqrt(252)``, computed window by window exactly by
:func:`lab.analytics.stats.rolling_stats` (the trailing moments of every engine).

Conventions: ``S[t]`` is NaN for the first ``w - 1`` periods (every period when ``w`` exceeds
the series), and NaN, never infinite, where the window has no variation (a flat position, or
equal returns: :data:`lab.analytics.stats.FLAT_RTOL`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from lab.analytics.backtest.params import PERIODS_PER_YEAR
from lab.analytics.stats import as_series, check_int, rolling_stats

SHARPE_WINDOW = 63
"""Default window of the rolling Sharpe ratio: 63 trading days (one quarter)."""


def annualised_sharpe(
    mean: Any, std: Any, periods_per_year: float = PERIODS_PER_YEAR
) -> np.ndarray:
    """``mean / std * sqrt(periods_per_year)``, NaN where ``std`` is 0 or NaN (never inf).

    Parameters
    ----------
    mean, std : array_like
        Trailing mean and sample standard deviation of period returns (for example a
        :class:`~lab.analytics.stats.RollingStats`' ``mean`` and ``std``).
    periods_per_year : float
        Periods in a year (252 for trading days).
    """
    mean = np.asarray(mean, dtype=np.float64)
    std = np.asarray(std, dtype=np.float64)
    out = np.full(mean.shape, np.nan)
    np.divide(mean, std, out=out, where=std > 0.0)
    return out * math.sqrt(periods_per_year)


def rolling_sharpe(
    returns: Any, window: int = SHARPE_WINDOW, periods_per_year: float = PERIODS_PER_YEAR
) -> np.ndarray:
    """Trailing-window annualised Sharpe ratio of period returns (module docstring).

    Parameters
    ----------
    returns : array_like, shape (T,)
        Period returns (fractions), finite.
    window : int
        Periods in the window, ``>= 2`` (default :data:`SHARPE_WINDOW`, 63 trading days).
    periods_per_year : float
        Annualisation: ``sqrt(periods_per_year)`` (default 252).

    Returns
    -------
    ndarray, shape (T,)
        ``S[t]``; NaN for ``t < window - 1`` and for windows without variation.

    Raises
    ------
    ValueError
        Naming the problem: returns that are not a finite 1-D series, a window below 2.
    """
    r = as_series(returns, "returns")
    window = check_int(window, "window", 2, None)
    if window > r.shape[0]:
        return np.full(r.shape[0], np.nan)
    stats = rolling_stats(r, window)
    return annualised_sharpe(stats.mean, stats.std, periods_per_year)
