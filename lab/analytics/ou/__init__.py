"""Ornstein-Uhlenbeck analytics: maximum-likelihood fit, optimal trading bands, CARA position.

Model
-----
Throughout, the spread ``X`` follows the Ornstein-Uhlenbeck (OU) diffusion::

    dX = kappa (theta - X) dt + sigma dW,    kappa > 0, sigma > 0,

with ``kappa`` the mean-reversion speed (per unit of time), ``theta`` the long-run mean and
``sigma`` the diffusion (spread units per square-root unit of time). Sampled on a grid of step
``dt`` it is *exactly* (no Euler error) the Gaussian AR(1)::

    X[t+1] = theta + a (X[t] - theta) + e[t+1],   a = exp(-kappa dt),
    e ~ N(0, v),   v = sigma^2 (1 - a^2) / (2 kappa).

These reference implementations use scipy (numerical optimisation, root finding, special
functions); the native engine (:mod:`lab.analytics.ou.native`) computes the same quantities by
closed forms and numba kernels, and the tests hold the two to the tolerances stated below.

Modules
-------
``results``  result types (both engines);
``checks``   input checks (both engines);
``fit``      :func:`ou_fit` and its intervals;
``bertram``  :func:`optimal_thresholds` and the first-passage series;
``cara``     :func:`cara_position`;
``native``   the native engine (numba kernels of :mod:`lab.kernels.ou`).
"""

from lab.analytics.ou.bertram import (
    DAWSON_SERIES_BELOW,
    EULER_GAMMA,
    SERIES_TAIL,
    band_moments,
    bertram_bracket,
    bertram_cycle_time,
    bertram_gap,
    bertram_rate,
    cycle_variance_ratio,
    optimal_thresholds,
    passage_series,
    series_terms,
    sharpe_bracket,
    sharpe_slope,
    thresholds_from_band,
    u_minus_dawson_series,
)
from lab.analytics.ou.cara import cara_position
from lab.analytics.ou.checks import (
    CI_METHODS,
    MAX_BOOT_DRAWS,
    MIN_OU_OBS,
    MIN_SCALED_COST,
    check_ar_coefficient,
    check_ci,
    check_positive,
    check_residuals,
    check_series,
    check_threshold_inputs,
    half_life_of,
)
from lab.analytics.ou.fit import (
    BOOT_QUANTILE,
    CI_Z,
    GRID_POINTS,
    ar1_tstats,
    bias_corrected_kappa,
    bootstrap_shocks,
    kappa_interval,
    ou_fit,
)
from lab.analytics.ou.results import CARAPosition, OUFit, Thresholds

__all__ = [
    "BOOT_QUANTILE",
    "CARAPosition",
    "CI_METHODS",
    "CI_Z",
    "DAWSON_SERIES_BELOW",
    "EULER_GAMMA",
    "GRID_POINTS",
    "MAX_BOOT_DRAWS",
    "MIN_OU_OBS",
    "MIN_SCALED_COST",
    "OUFit",
    "SERIES_TAIL",
    "Thresholds",
    "ar1_tstats",
    "band_moments",
    "bertram_bracket",
    "bertram_cycle_time",
    "bertram_gap",
    "bertram_rate",
    "bias_corrected_kappa",
    "bootstrap_shocks",
    "cara_position",
    "check_ar_coefficient",
    "check_ci",
    "check_positive",
    "check_residuals",
    "check_series",
    "check_threshold_inputs",
    "cycle_variance_ratio",
    "half_life_of",
    "kappa_interval",
    "optimal_thresholds",
    "ou_fit",
    "passage_series",
    "series_terms",
    "sharpe_bracket",
    "sharpe_slope",
    "thresholds_from_band",
    "u_minus_dawson_series",
]
