""":func:`cara_position`: the optimal position of an exponential-utility (CARA) trader in an
OU spread over a horizon.
"""

from __future__ import annotations

import math

import numpy as np

from lab.analytics.ou.checks import check_positive
from lab.analytics.ou.results import CARAPosition


def cara_position(kappa, theta, sigma, x, gamma, horizon):
    """Optimal holding of an OU spread for an investor with exponential (CARA) utility.

    Model
    -----
    The spread follows ``dX = kappa (theta - X) dt + sigma dW``; holding ``pi`` units of it
    changes wealth by ``dW_t = pi dX`` (zero interest, no costs, unconstrained). The investor
    maximises ``E[-exp(-gamma W_T)]`` at horizon ``T``, ``tau = T - t``. The HJB equation with
    the ansatz ``V = -exp(-gamma w - A(tau) (x - theta)^2 - C(tau))`` reduces to
    ``A' = kappa^2 / (2 sigma^2)``, ``C' = sigma^2 A``, ``A(0) = C(0) = 0``, so::

        A = kappa^2 tau / (2 sigma^2),   C = kappa^2 tau^2 / 4,
        pi* = kappa (theta - x) (1 + kappa tau) / (gamma sigma^2).

    The first factor ``kappa (theta - x) / (gamma sigma^2)`` is the myopic Merton demand
    (drift over risk aversion times variance); ``kappa tau`` times it is the intertemporal
    hedging demand, which grows linearly with the horizon. This is the exponential-utility
    case of the linear-quadratic portfolio problem with an Ornstein-Uhlenbeck state solved by
    Kim and Omberg (1996); the formulas above are derived from the HJB equation directly.

    Both engines evaluate this closed form (nothing to iterate).

    Parameters
    ----------
    kappa, theta, sigma : float
        OU parameters (``kappa, sigma > 0``), time unit of ``kappa``.
    x : float or array_like
        Current spread level(s); the result has the same shape.
    gamma : float
        Absolute risk aversion (> 0), per unit of wealth (wealth in spread units).
    horizon : float
        Time to the horizon ``tau`` (>= 0), same time unit as ``kappa``.

    Returns
    -------
    CARAPosition

    References
    ----------
    Kim, T.S. and Omberg, E. (1996), "Dynamic nonmyopic portfolio behavior", Review of
    Financial Studies 9(1), 141-161.
    """
    p = check_positive(kappa=kappa, sigma=sigma, gamma=gamma)
    kappa, sigma, gamma = p["kappa"], p["sigma"], p["gamma"]
    try:
        theta = float(theta)
        horizon = float(horizon)
    except (TypeError, ValueError):
        raise ValueError(f"theta and horizon must be numbers, got {theta!r}, {horizon!r}") from None
    if not math.isfinite(theta):
        raise ValueError(f"theta must be finite, got {theta!r}")
    if not math.isfinite(horizon) or horizon < 0:
        raise ValueError(f"horizon must be a finite number >= 0, got {horizon!r}")
    try:
        xs = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"x must be a number or an array of numbers, got {x!r}") from None
    if not np.all(np.isfinite(xs)):
        raise ValueError("x must be finite (no NaN/inf)")
    dev = theta - xs
    myopic = kappa * dev / (gamma * sigma**2)
    position = myopic * (1.0 + kappa * horizon)
    ce = (kappa**2 * horizon * dev**2 / (2.0 * sigma**2) + kappa**2 * horizon**2 / 4.0) / gamma

    def out(v: np.ndarray) -> float | np.ndarray:
        return float(v) if v.ndim == 0 else v

    return CARAPosition(
        position=out(position),
        myopic_position=out(myopic),
        hedging_position=out(position - myopic),
        certainty_equivalent=out(ce),
        horizon=horizon,
    )
