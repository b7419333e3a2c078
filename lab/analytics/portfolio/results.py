"""Result types of the portfolio analytics (both engines return these)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class PortfolioResult:
    """An optimised portfolio.

    Attributes
    ----------
    weights : ndarray, shape (N,)
        Fractions of capital, summing to 1.
    expected_return : float
        Annual expected return ``w' mu``.
    volatility : float
        Annual volatility ``sigma_p = sqrt(w' Sigma w)``.
    sharpe : float
        ``(expected_return - risk_free) / volatility``.
    risk_contributions : ndarray, shape (N,)
        Euler risk contributions ``RC_i = w_i (Sigma w)_i / sigma_p`` (annual volatility
        units); they sum to ``volatility``. Divide by ``volatility`` for percentage shares.
    method : str
        The method that produced the weights.
    assets : tuple of str
        Asset names (DataFrame columns, or "0", "1", ... for arrays).
    """

    weights: np.ndarray
    expected_return: float
    volatility: float
    sharpe: float
    risk_contributions: np.ndarray
    method: str
    assets: tuple[str, ...]


@dataclass(frozen=True)
class Frontier:
    """The efficient frontier traced between the minimum-variance and the highest-return
    portfolios.

    Attributes
    ----------
    returns : ndarray, shape (n_points,)
        Annual expected returns (equally spaced targets).
    volatilities : ndarray, shape (n_points,)
        Minimum annual volatility achieving each target.
    weights : ndarray, shape (n_points, N)
        The frontier portfolios.
    sharpe : ndarray, shape (n_points,)
        Sharpe ratio of each point at the given ``risk_free``.
    max_sharpe, min_variance : PortfolioResult
        The tangency and the global minimum-variance portfolios.
    assets : tuple of str
        Asset names.
    """

    returns: np.ndarray
    volatilities: np.ndarray
    weights: np.ndarray
    sharpe: np.ndarray
    max_sharpe: PortfolioResult
    min_variance: PortfolioResult
    assets: tuple[str, ...]


@dataclass(frozen=True)
class SparsePortfolioResult:
    """A sparse replicating portfolio.

    Attributes
    ----------
    weights : ndarray, shape (N,)
        Holdings per unit of capital tracking the target (regression coefficients; they need
        not sum to 1, see :attr:`normalized_weights`).
    n_selected : int
        Number of non-zero weights.
    selected : tuple of str
        Names of the selected assets.
    normalized_weights : ndarray, shape (N,)
        ``weights / sum(weights)`` (a fully invested version; zeros if the sum is 0).
    intercept : float
        Per-period return of the target not explained by the holdings (alpha).
    penalty : float
        Absolute penalty ``lam * lam_max`` passed to the solver (scikit-learn's ``alpha``).
    lam_max : float
        Smallest penalty giving an empty portfolio.
    l1_ratio : float
        Elastic-net mixing (1 for the lasso).
    r2 : float
        In-sample R^2 of the replication.
    tracking_error : float
        Annualised standard deviation of the tracking residual.
    gross_exposure : float
        ``sum |weights|``.
    method : str
        ``"lasso"`` or ``"elastic_net"``.
    assets : tuple of str
        Asset names.
    """

    weights: np.ndarray
    n_selected: int
    selected: tuple[str, ...]
    normalized_weights: np.ndarray
    intercept: float
    penalty: float
    lam_max: float
    l1_ratio: float
    r2: float
    tracking_error: float
    gross_exposure: float
    method: str
    assets: tuple[str, ...]


@dataclass(frozen=True)
class MultiPeriodResult:
    """Multi-period trading with quadratic costs versus myopic re-optimisation.

    Attributes
    ----------
    weights : ndarray, shape (n_periods, N)
        Optimal multi-period path; row t holds the weights after trading in period t+1.
    initial : ndarray, shape (N,)
        Weights held before the first period.
    aim : ndarray, shape (N,)
        The cost-free target ``argmax w' mu - gamma/2 w' Sigma w`` s.t. ``sum w = 1``.
    turnover : ndarray, shape (n_periods,)
        ``sum_i |w_t,i - w_t-1,i|`` of the multi-period path.
    net_utility : float
        Sum over periods of ``w_t' mu - gamma/2 w_t' Sigma w_t - cost_t`` (per-period return
        units, summed over the horizon).
    gross_utility, cost : float
        The two parts of ``net_utility`` (``net = gross - cost``).
    myopic_weights : ndarray, shape (n_periods, N)
        Path of a trader who each period maximises that period's net utility only.
    myopic_turnover : ndarray, shape (n_periods,)
    myopic_net_utility, myopic_gross_utility, myopic_cost : float
        Same quantities for the myopic path.
    trading_rates : ndarray, shape (N-1,)
        Stationary (infinite-horizon) fraction of the gap to the aim traded per period along
        each principal direction of the budget-neutral covariance, ascending variance.
    risk_aversion, cost_bps : float
        Inputs, for reference.
    assets : tuple of str
        Asset names.
    """

    weights: np.ndarray
    initial: np.ndarray
    aim: np.ndarray
    turnover: np.ndarray
    net_utility: float
    gross_utility: float
    cost: float
    myopic_weights: np.ndarray
    myopic_turnover: np.ndarray
    myopic_net_utility: float
    myopic_gross_utility: float
    myopic_cost: float
    trading_rates: np.ndarray
    risk_aversion: float
    cost_bps: float
    assets: tuple[str, ...]
