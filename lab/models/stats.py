"""Descriptive statistics of the dataset: the Data page's model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import param

from lab.models.base import DATA_DEPENDENCIES, AnalysisModel

TRADING_DAYS = 252
"""Trading days per year used to annualise daily statistics."""


class StatsModel(AnalysisModel):
    """Returns, their statistics, correlation and principal components of the selected prices.

    Returns are daily log returns ``r[t] = log(P[t] / P[t-1])`` on the rows where every selected
    symbol has a price (leading NaNs of late listings are dropped). Annualisation: mean x 252,
    volatility x sqrt(252).
    """

    n_components = param.Integer(default=10, bounds=(1, 50), doc="Principal components shown.")
    hurst_max_lag = param.Integer(
        default=100, bounds=(10, 500), doc="Largest lag of the Hurst estimate, in days."
    )

    @param.depends("dataset.content_hash")
    def normalised(self) -> pd.DataFrame:
        """Prices divided by each symbol's first valid price (1.0 at the start)."""
        prices = self.dataset.prices
        first = prices.apply(lambda s: s.loc[s.first_valid_index()])
        return prices / first

    @param.depends("dataset.content_hash")
    def returns(self) -> pd.DataFrame:
        """Daily log returns on the rows where every symbol has a price."""
        prices = self.dataset.prices.dropna()
        return np.log(prices).diff().iloc[1:]

    @param.depends(*DATA_DEPENDENCIES, "hurst_max_lag")
    def summary_table(self) -> pd.DataFrame:
        """Per-symbol statistics of daily log returns.

        Columns: annualised mean and volatility, Sharpe ratio (zero risk-free rate), skewness,
        excess kurtosis, maximum drawdown of the price (fraction), and the Hurst exponent of
        the log price (``hurst`` on the selected backend; 0.5 is a random walk, below 0.5 mean
        reverting).
        """
        rets = self.returns()
        prices = self.dataset.prices.dropna()
        mean = rets.mean() * TRADING_DAYS
        vol = rets.std(ddof=1) * np.sqrt(TRADING_DAYS)
        drawdown = (prices / prices.cummax() - 1.0).min()
        max_lag = min(self.hurst_max_lag, max(10, len(prices) // 4))
        logp = np.log(prices)
        hurst = {
            c: self.compute("hurst", logp[c].to_numpy(), max_lag=max_lag).exponent
            for c in prices.columns
        }
        table = pd.DataFrame(
            {
                "ann. return": mean,
                "ann. volatility": vol,
                "Sharpe": mean / vol,
                "skew": rets.skew(),
                "excess kurtosis": rets.kurt(),
                "max drawdown": drawdown,
                "Hurst": pd.Series(hurst),
            }
        )
        table.index.name = "symbol"
        return table

    @param.depends(*DATA_DEPENDENCIES)
    def correlation(self) -> pd.DataFrame:
        """Correlation matrix of daily log returns (``correlation`` on the selected backend)."""
        rets = self.returns()
        corr = np.asarray(self.compute("correlation", rets.to_numpy()))
        return pd.DataFrame(corr, index=rets.columns, columns=rets.columns)

    @param.depends(*DATA_DEPENDENCIES, "n_components")
    def pca(self):
        """Principal components of daily log returns (``pca`` on the selected backend).

        ``n_components`` is capped at the number of symbols.
        """
        rets = self.returns()
        k = min(self.n_components, rets.shape[1])
        return self.compute("pca", rets.to_numpy(), n_components=k)
