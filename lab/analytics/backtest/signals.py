"""The reference engine's signals: the z-score of the hedged spread (static, rolling or Kalman
hedge) and the spread-band signal.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from lab.analytics.backtest.params import (
    KALMAN_P0,
    SPREAD_RESOLUTION,
    VAR_S_TOL,
    VAR_X_TOL,
    Z_DECIMALS,
    PairParams,
)


def kalman_hedge(y, x, q_alpha: float, q_beta: float, r: float) -> tuple[np.ndarray, np.ndarray]:
    """Filtered intercept and slope of ``y[t] = alpha[t] + beta[t] x[t] + e[t]`` (reference).

    State space model: the state ``(alpha, beta)`` is a random walk with increments
    ``N(0, diag(q_alpha, q_beta))``, the observation noise is ``e ~ N(0, r)``, and the state
    before the first observation is ``N(0, KALMAN_P0 I)``. The Kalman filter's *filtered*
    state ``E[(alpha[t], beta[t]) | y[0..t], x[0..t]]`` is returned (no smoothing, so no
    look-ahead). This is statsmodels' ``MLEModel`` with a time-varying design ``(1, x[t])``,
    identity transition and ``initialize_known(0, KALMAN_P0 I)``; the tests hold both
    engines to it within 1e-8.

    Parameters are in the units of :class:`PairParams` (``kalman_q_alpha``, ``kalman_q_beta``,
    ``kalman_r``). Returns ``(alpha, beta)``, arrays of length T.
    """
    rows = y.shape[0]
    state = np.zeros(2)
    cov = np.eye(2) * KALMAN_P0
    noise = np.diag([q_alpha, q_beta])
    alpha = np.empty(rows)
    beta = np.empty(rows)
    for t in range(rows):
        if t > 0:
            cov = cov + noise
        design = np.array([1.0, x[t]])
        pz = cov @ design
        f = design @ pz + r
        gain = pz / f
        state = state + gain * (y[t] - design @ state)
        cov = cov - np.outer(gain, pz)
        cov = (cov + cov.T) / 2.0
        alpha[t], beta[t] = state
    return alpha, beta


def spread_signal(y: np.ndarray, x: np.ndarray, params: PairParams):
    """``(z, beta)`` of ``band_units="spread"``: the deviation ``y - spread_beta x - spread_mean`` on
    the nine-decimal grid and the fixed hedge ratio (reference engine; the native kernel is
    :func:`lab.kernels.backtest.spread_signals`)."""
    deviation = y - params.spread_beta * x - params.spread_mean
    return np.rint(deviation * Z_DECIMALS) / Z_DECIMALS, np.full(y.shape[0], params.spread_beta)


def _signals(y: np.ndarray, x: np.ndarray, params: PairParams, n_train: int):
    """Hedge ratio and z-score (see the module docstring).

    Every trailing window is a row of a sliding-window view, and all window statistics are
    exact two-pass sums over it: the moments of ``x`` and ``y`` (for the rolling hedge and
    the degeneracy test) and the mean and variance of the spread ``y - beta[t] x`` recomputed
    with the current ratio. The expanding moments of the static hedge come from pandas
    ``expanding`` on the series shifted by their first values (a causal constant that limits
    cancellation in pandas' one-pass covariance).
    """
    if params.band_units == "spread":
        return spread_signal(y, x, params)
    lookback = params.lookback
    pad = np.full(lookback - 1, np.nan)
    wx = sliding_window_view(x, lookback)
    wy = sliding_window_view(y, lookback)
    dx = wx - wx.mean(axis=1)[:, None]
    dy = wy - wy.mean(axis=1)[:, None]
    var_x = np.r_[pad, np.einsum("ij,ij->i", dx, dx) / (lookback - 1)]
    var_y = np.r_[pad, np.einsum("ij,ij->i", dy, dy) / (lookback - 1)]
    if params.hedge == "rolling":
        cov_xy = np.r_[pad, np.einsum("ij,ij->i", dx, dy) / (lookback - 1)]
        hedge_var_x = var_x
        with np.errstate(divide="ignore", invalid="ignore"):  # a flat window: masked below
            beta = cov_xy / var_x
    elif params.hedge == "kalman":
        beta = kalman_hedge(y, x, params.kalman_q_alpha, params.kalman_q_beta, params.kalman_r)[1]
        hedge_var_x = np.full(y.shape[0], np.inf)  # the filter is defined for any x
    else:
        xs = pd.Series(x - x[0])
        ys = pd.Series(y - y[0])
        expanding_var_x = xs.expanding(min_periods=2).var().to_numpy()
        expanding_cov = xs.expanding(min_periods=2).cov(ys).to_numpy()
        hedge_var_x = expanding_var_x.copy()
        hedge_var_x[n_train:] = expanding_var_x[n_train - 1]
        with np.errstate(divide="ignore", invalid="ignore"):  # a flat start: masked below
            beta = expanding_cov / expanding_var_x
        beta[n_train:] = beta[n_train - 1]  # frozen: the OLS slope on the training window
    beta[~(hedge_var_x > VAR_X_TOL * x**2)] = np.nan
    # the spread over each window, with that window's hedge ratio
    spread = wy - beta[lookback - 1 :, None] * wx
    deviation = spread - spread.mean(axis=1)[:, None]
    spread_var = np.r_[pad, np.einsum("ij,ij->i", deviation, deviation) / (lookback - 1)]
    level = np.abs(y) + np.abs(beta * x)
    ok = (spread_var > VAR_S_TOL * (var_y + beta**2 * var_x)) & (
        np.sqrt(spread_var) > SPREAD_RESOLUTION * level
    )
    z = np.full(y.shape[0], np.nan)
    z[ok] = np.rint(np.r_[pad, deviation[:, -1]][ok] / np.sqrt(spread_var[ok]) * Z_DECIMALS)
    z[ok] /= Z_DECIMALS
    return z, beta
