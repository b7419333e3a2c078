"""stats: native (numba) implementation (placeholder; being written)."""


def correlation(returns):
    raise NotImplementedError("correlation")


def covariance(returns):
    raise NotImplementedError("covariance")


def rolling_stats(x, window):
    raise NotImplementedError("rolling_stats")


def pca(returns, n_components=3):
    raise NotImplementedError("pca")


def hurst(x, max_lag=100):
    raise NotImplementedError("hurst")
