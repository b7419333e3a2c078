"""ou: native (numba) implementation (placeholder; being written)."""


def ou_fit(x, dt=1.0):
    raise NotImplementedError("ou_fit")


def optimal_thresholds(kappa, theta, sigma, cost):
    raise NotImplementedError("optimal_thresholds")


def cara_position(kappa, theta, sigma, x, gamma, horizon):
    raise NotImplementedError("cara_position")
