"""Portfolio construction on the dataset's symbols (the Portfolio page's model)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import param

from lab.models.base import DATA_DEPENDENCIES, AnalysisModel

METHODS = ("max_sharpe", "min_variance", "risk_parity", "mean_variance", "equal_weight")


class PortfolioModel(AnalysisModel):
    """Optimal portfolios of the selected symbols from their daily simple returns.

    Moments are estimated on the dataset's date range (returns on the rows where every symbol
    has a price). Returns and volatilities are annualised by the analytics (252 days).
    Derivations: :meth:`optimize` (``optimize_portfolio``), :meth:`frontier`
    (``efficient_frontier``), :meth:`sparse` (``sparse_portfolio``: a sparse replication of
    the equal-weight index) and :meth:`multi_period` (``multi_period``: a Garleanu-Pedersen
    trading path against myopic re-optimisation).
    """

    method = param.Selector(
        default="max_sharpe", objects=list(METHODS), doc="Optimisation objective."
    )
    risk_free = param.Number(
        default=0.0, bounds=(-0.05, 0.2), step=0.0025, doc="Annual risk-free rate (decimal)."
    )
    risk_aversion = param.Number(
        default=5.0,
        bounds=(0.1, 100.0),
        step=0.1,
        doc="CARA risk aversion gamma (mean_variance, multi-period).",
    )
    long_only = param.Boolean(default=True, doc="Forbid short positions.")
    max_weight = param.Number(
        default=1.0, bounds=(0.05, 1.0), step=0.01, doc="Upper bound of each weight."
    )
    cov = param.Selector(
        default="sample", objects=["sample", "ledoit_wolf"], doc="Covariance estimator."
    )
    n_points = param.Integer(default=40, bounds=(5, 200), doc="Points on the efficient frontier.")

    sparse_method = param.Selector(
        default="lasso", objects=["lasso", "elastic_net"], doc="Sparse replication penalty."
    )
    lam = param.Number(
        default=0.05,
        bounds=(0.0005, 1.0),
        step=0.0005,
        doc="Penalty as a fraction of lam_max (smaller keeps more assets).",
    )
    l1_ratio = param.Number(default=0.5, bounds=(0.01, 1.0), step=0.01, doc="Elastic-net l1 ratio.")

    mp_cost_bps = param.Number(
        default=20.0, bounds=(0.0, 1000.0), step=1.0, doc="Quadratic trading-cost coefficient, bps."
    )
    mp_periods = param.Integer(
        default=20, bounds=(1, 250), doc="Multi-period horizon, trading days."
    )

    @param.depends("dataset.content_hash")
    def returns(self) -> pd.DataFrame:
        """Daily simple returns on the rows where every selected symbol has a price."""
        prices = self.dataset.prices.dropna()
        return prices.pct_change().iloc[1:]

    def bounds(self) -> tuple[float, float]:
        return (-self.max_weight if not self.long_only else 0.0, self.max_weight)

    @param.depends(
        *DATA_DEPENDENCIES, "method", "risk_free", "risk_aversion", "long_only", "max_weight", "cov"
    )
    def optimize(self):
        """``PortfolioResult`` of the chosen method."""
        return self.compute(
            "optimize_portfolio", self.returns(), self.method, risk_free=self.risk_free,
            risk_aversion=self.risk_aversion, long_only=self.long_only, bounds=self.bounds(), cov=self.cov,
        )  # fmt: skip

    @param.depends(*DATA_DEPENDENCIES, "n_points", "risk_free", "long_only", "max_weight", "cov")
    def frontier(self):
        """``Frontier``: the efficient frontier with the max-Sharpe and min-variance portfolios."""
        return self.compute(
            "efficient_frontier", self.returns(), n_points=self.n_points, risk_free=self.risk_free,
            long_only=self.long_only, bounds=self.bounds(), cov=self.cov,
        )  # fmt: skip

    @param.depends("optimize")
    def weights_table(self) -> pd.DataFrame:
        """The chosen method's weights as exported: ``symbol``, ``weight [fraction]`` and
        ``risk contribution [annual vol]`` (Euler contributions ``w_i (Sigma w)_i / sigma_p``,
        summing to the portfolio's annual volatility), one row per asset."""
        res = self.optimize()
        return pd.DataFrame(
            {
                "symbol": list(res.assets),
                "weight [fraction]": np.asarray(res.weights),
                "risk contribution [annual vol]": np.asarray(res.risk_contributions),
            }
        )

    @param.depends("dataset.content_hash")
    def asset_points(self) -> pd.DataFrame:
        """Annualised mean and volatility of each asset (252 x mean, sqrt(252) x std)."""
        rets = self.returns()
        return pd.DataFrame(
            {"volatility": rets.std(ddof=1) * np.sqrt(252), "expected_return": rets.mean() * 252}
        )

    @param.depends(*DATA_DEPENDENCIES, "sparse_method", "lam", "l1_ratio")
    def sparse(self):
        """``SparsePortfolioResult``: sparse long-only replication of the equal-weight index."""
        return self.compute(
            "sparse_portfolio",
            self.returns(),
            method=self.sparse_method,
            lam=self.lam,
            alpha=self.l1_ratio,
        )

    @param.depends(*DATA_DEPENDENCIES, "risk_aversion", "mp_cost_bps", "mp_periods", "cov")
    def multi_period(self):
        """``MultiPeriodResult``: the cost-aware path from equal weights towards the aim."""
        return self.compute(
            "multi_period",
            self.returns(),
            self.risk_aversion,
            self.mp_cost_bps,
            self.mp_periods,
            cov=self.cov,
        )
