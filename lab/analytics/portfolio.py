"""portfolio: reference implementation (placeholder; being written)."""


def optimize_portfolio(returns, method, risk_free=0.0, risk_aversion=1.0, long_only=True, bounds=None, cov="sample"):
    raise NotImplementedError("optimize_portfolio")


def efficient_frontier(returns, n_points=50, risk_free=0.0, long_only=True, bounds=None, cov="sample"):
    raise NotImplementedError("efficient_frontier")


def sparse_portfolio(returns, method="lasso", lam=0.01, alpha=0.5):
    raise NotImplementedError("sparse_portfolio")


def multi_period(returns, risk_aversion, cost_bps, n_periods):
    raise NotImplementedError("multi_period")
