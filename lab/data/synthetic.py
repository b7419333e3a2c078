"""Synthetic data with known parameters, for validation and for the lab's "synthetic" source."""

from __future__ import annotations

import numpy as np


def _check_positive(**values: float) -> None:
    for name, value in values.items():
        if not np.isfinite(value) or value <= 0:
            raise ValueError(f"{name} must be a positive finite number, got {value!r}")


def simulate_ou_pair(
    n: int,
    kappa: float,
    theta: float,
    sigma: float,
    beta: float,
    dt: float = 1 / 252,
    seed: int = 0,
    x0: float = 100.0,
    x_vol: float = 0.2,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Simulate a cointegrated pair whose spread is an exactly discretised Ornstein-Uhlenbeck path.

    Model
    -----
    The spread follows ``dS = kappa (theta - S) dt + sigma dW``. Its exact discretisation
    (no Euler error) on a grid of step ``dt`` is the Gaussian AR(1)::

        S[t+1] = theta + (S[t] - theta) exp(-kappa dt) + sigma sqrt((1 - exp(-2 kappa dt)) / (2 kappa)) e[t]

    started from the stationary law ``N(theta, sigma^2 / (2 kappa))``. The x leg is a
    geometric random walk ``x[t] = x0 exp(cumsum(x_vol sqrt(dt) z))`` (a price level, positive),
    and ``y = beta x + S``.

    Parameters
    ----------
    n : int
        Number of observations.
    kappa : float
        Mean-reversion speed, per unit of time (per year with the default ``dt = 1/252``).
    theta : float
        Long-run mean of the spread, in price units.
    sigma : float
        Diffusion of the spread, in price units per sqrt(unit time).
    beta : float
        Hedge ratio: units of x per unit of y.
    dt : float
        Time step in the units of ``kappa`` (default one trading day in years).
    seed : int
        Seed of the NumPy ``default_rng`` generator.
    x0, x_vol : float
        Starting price and annualised log volatility of the x leg.

    Returns
    -------
    (y, x, spread) : tuple of ndarray, each of length ``n``
    """
    if int(n) != n or n < 2:
        raise ValueError(f"n must be an integer >= 2, got {n!r}")
    _check_positive(kappa=kappa, sigma=sigma, dt=dt, x0=x0)
    if not np.isfinite(theta) or not np.isfinite(beta) or not np.isfinite(x_vol) or x_vol < 0:
        raise ValueError("theta and beta must be finite and x_vol must be >= 0")
    n = int(n)
    rng = np.random.default_rng(seed)
    a = np.exp(-kappa * dt)
    step_sd = sigma * np.sqrt((1.0 - a * a) / (2.0 * kappa))
    eps = rng.standard_normal(n)
    spread = np.empty(n)
    spread[0] = theta + sigma / np.sqrt(2.0 * kappa) * eps[0]
    for t in range(1, n):
        spread[t] = theta + (spread[t - 1] - theta) * a + step_sd * eps[t]
    z = rng.standard_normal(n)
    z[0] = 0.0
    x = x0 * np.exp(np.cumsum(x_vol * np.sqrt(dt) * z))
    y = beta * x + spread
    return y, x, spread


def simulate_regimes(
    n: int,
    means: np.ndarray,
    stds: np.ndarray,
    transmat: np.ndarray,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Simulate a Gaussian hidden Markov model.

    Model
    -----
    A Markov chain ``s[t]`` with transition matrix ``transmat`` (rows sum to 1), started from
    its stationary distribution, emits ``obs[t] ~ N(means[s[t]], stds[s[t]]^2)``.

    Parameters
    ----------
    n : int
        Number of observations.
    means, stds : array_like, shape (K,)
        Per-state emission mean and standard deviation (``stds > 0``).
    transmat : array_like, shape (K, K)
        Row-stochastic transition matrix.
    seed : int
        Seed of the NumPy ``default_rng`` generator.

    Returns
    -------
    (obs, states) : ndarray of float of shape (n,), ndarray of int of shape (n,)
    """
    means = np.asarray(means, dtype=float)
    stds = np.asarray(stds, dtype=float)
    transmat = np.asarray(transmat, dtype=float)
    k = means.shape[0] if means.ndim == 1 else -1
    if int(n) != n or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    if k < 1 or stds.shape != (k,) or transmat.shape != (k, k):
        raise ValueError(
            f"means and stds must have shape (K,) and transmat (K, K); got {means.shape}, "
            f"{stds.shape}, {transmat.shape}"
        )
    if not np.all(np.isfinite(means)):
        raise ValueError("means must be finite")
    if np.any(stds <= 0) or not np.all(np.isfinite(stds)):
        raise ValueError("stds must be positive and finite")
    rows_ok = np.allclose(transmat.sum(axis=1), 1.0, atol=1e-10)
    if not np.all(np.isfinite(transmat)) or np.any(transmat < 0) or not rows_ok:
        raise ValueError("transmat must be non-negative with rows summing to 1")
    rng = np.random.default_rng(seed)
    # stationary distribution: left eigenvector of transmat for eigenvalue 1
    w, v = np.linalg.eig(transmat.T)
    pi = np.real(v[:, np.argmin(np.abs(w - 1.0))])
    pi = pi / pi.sum()
    cum = np.cumsum(transmat, axis=1)
    u = rng.random(int(n))
    states = np.empty(int(n), dtype=np.int64)
    states[0] = min(int(np.searchsorted(np.cumsum(pi), u[0], side="right")), k - 1)
    for t in range(1, int(n)):
        states[t] = min(int(np.searchsorted(cum[states[t - 1]], u[t], side="right")), k - 1)
    obs = means[states] + stds[states] * rng.standard_normal(int(n))
    return obs, states
