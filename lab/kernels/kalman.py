"""numba kernel for the log-likelihood of the Kalman hedge's state-space model."""

from __future__ import annotations

import math

import numpy as np

from lab.kernels._jit import kernel


@kernel
def kalman_loglik_kernel(
    y: np.ndarray, x: np.ndarray, q_alpha: float, q_beta: float, r: float, p0: float
) -> float:
    """Gaussian log-likelihood ``-1/2 sum (ln(2 pi F) + v^2 / F)`` of the random-walk regression
    of :func:`lab.analytics.backtest.kalman_hedge` (the 2 x 2 updates of
    :func:`lab.kernels.backtest.kalman_hedge_kernel`, accumulating the prediction errors)."""
    s0 = 0.0
    s1 = 0.0
    p00 = p0
    p01 = 0.0
    p11 = p0
    total = 0.0
    for t in range(y.shape[0]):
        if t > 0:
            p00 += q_alpha
            p11 += q_beta
        xt = x[t]
        pz0 = p00 + p01 * xt
        pz1 = p01 + p11 * xt
        f = pz0 + xt * pz1 + r
        v = y[t] - (s0 + s1 * xt)
        total += math.log(2.0 * math.pi * f) + v * v / f
        k0 = pz0 / f
        k1 = pz1 / f
        s0 += k0 * v
        s1 += k1 * v
        n00 = p00 - k0 * pz0
        n01 = p01 - 0.5 * (k0 * pz1 + k1 * pz0)
        n11 = p11 - k1 * pz1
        p00 = n00
        p01 = n01
        p11 = n11
    return -0.5 * total
