"""backtest: native (numba) implementation (placeholder; being written)."""


def backtest_pairs(y, x, params=None):
    raise NotImplementedError("backtest_pairs")


def sweep(y, x, grid, metric="sharpe", params=None):
    raise NotImplementedError("sweep")
