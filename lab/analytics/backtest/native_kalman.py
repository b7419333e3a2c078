"""Maximum-likelihood Kalman hedge variances on the native engine.

Same model, estimator, driver (:func:`lab.analytics.backtest.kalman.fit_kalman`) and result as
:func:`lab.analytics.backtest.kalman.kalman_mle`; the log-likelihood of each evaluation comes from the
numba kernel :func:`lab.kernels.kalman.kalman_loglik_kernel` instead of statsmodels. Agrees
with the reference within 1e-9 relative on the log-likelihood and 1e-4 on the variances.
"""

from __future__ import annotations

from lab.analytics.backtest.kalman import check_kalman_inputs, fit_kalman
from lab.analytics.backtest.params import KALMAN_P0
from lab.kernels.kalman import kalman_loglik_kernel

__all__ = ["kalman_mle"]


def _loglik(y, x, q_alpha, q_beta, r):
    return kalman_loglik_kernel(y, x, q_alpha, q_beta, r, KALMAN_P0)


def kalman_mle(y, x, train_fraction=1.0):
    """Maximum-likelihood noise variances of the Kalman hedge (native engine); see
    :func:`lab.analytics.backtest.kalman.kalman_mle`."""
    ya, xa, n = check_kalman_inputs(y, x, train_fraction)
    return fit_kalman(ya, xa, n, _loglik)
