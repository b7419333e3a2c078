"""Returns and their annualised moments: the input checks, the sample and Ledoit-Wolf
covariance estimators (scikit-learn's for the reference engine) and the singularity test.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

TRADING_DAYS = 252
"""Periods per year used to annualise daily moments."""


COV_ESTIMATORS: tuple[str, ...] = ("sample", "ledoit_wolf")
"""Covariance estimators accepted by ``cov=``."""


SINGULAR_RCOND = 1e-10
"""A covariance whose smallest/largest eigenvalue ratio is below this is treated as singular."""


def returns_matrix(
    returns: Any, min_obs_per_asset: bool = True
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Validate ``returns`` and return it as a C-contiguous float T x N array with asset names."""
    if hasattr(returns, "columns") and hasattr(returns, "to_numpy"):
        assets = tuple(str(c) for c in returns.columns)
        try:
            values = returns.to_numpy(dtype=float, na_value=np.nan)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"returns: expected numeric columns ({exc})") from None
    else:
        try:
            values = np.asarray(returns, dtype=float)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"returns: expected a numeric T x N matrix ({exc})") from exc
        assets = tuple(str(i) for i in range(values.shape[1])) if values.ndim == 2 else ()
    if values.ndim != 2:
        raise ValueError(f"returns: expected a 2-D T x N matrix, got {values.ndim} dimension(s)")
    n_obs, n_assets = values.shape
    if n_assets < 2:
        raise ValueError(f"returns: need at least 2 assets (columns), got {n_assets}")
    if not np.all(np.isfinite(values)):
        bad = np.argwhere(~np.isfinite(values))[0]
        raise ValueError(
            f"returns: contains NaN or infinite values (first at row {bad[0]}, asset "
            f"{assets[bad[1]]!r}); drop or fill missing observations first"
        )
    if min_obs_per_asset and n_obs < n_assets:
        raise ValueError(
            f"returns: fewer observations ({n_obs}) than assets ({n_assets}); the covariance "
            "cannot be estimated"
        )
    if n_obs < 3:
        raise ValueError(f"returns: need at least 3 observations, got {n_obs}")
    return np.ascontiguousarray(values), assets


def check_covariance(sigma: np.ndarray, assets: tuple[str, ...]) -> None:
    """Raise ValueError if ``sigma`` is singular (relative smallest eigenvalue below
    :data:`SINGULAR_RCOND`), naming a zero-variance asset when there is one."""
    diag = np.diag(sigma)
    zero = np.flatnonzero(diag <= SINGULAR_RCOND * diag.max())
    if zero.size:
        raise ValueError(
            f"returns: the covariance is singular: asset {assets[zero[0]]!r} has zero variance "
            "(constant returns)"
        )
    eig = np.linalg.eigvalsh(sigma)
    if eig[0] <= SINGULAR_RCOND * eig[-1]:
        raise ValueError(
            f"returns: the covariance is singular (smallest/largest eigenvalue "
            f"{eig[0] / eig[-1]:.2e}); remove duplicated or linearly dependent assets"
        )


def sample_covariance(values: np.ndarray) -> np.ndarray:
    """Sample covariance (``ddof = 1``) of a T x N matrix via one BLAS product."""
    centred = values - values.mean(axis=0)
    return centred.T @ centred / (values.shape[0] - 1)


def estimate_moments(
    returns: Any,
    cov: str,
    ledoit_wolf: Callable[[np.ndarray], np.ndarray],
    annualise: bool = True,
) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """Mean vector and covariance of ``returns`` (annualised unless ``annualise=False``).

    ``ledoit_wolf`` is the engine's Ledoit-Wolf estimator (T x N -> N x N).
    """
    if cov not in COV_ESTIMATORS:
        raise ValueError(
            f"cov: unknown estimator {cov!r}; choose one of {', '.join(COV_ESTIMATORS)}"
        )
    values, assets = returns_matrix(returns)
    mu = values.mean(axis=0)
    sigma = sample_covariance(values) if cov == "sample" else ledoit_wolf(values)
    sigma = 0.5 * (sigma + sigma.T)
    check_covariance(sigma, assets)
    if annualise:
        mu = mu * TRADING_DAYS
        sigma = sigma * TRADING_DAYS
    return mu, sigma, assets


def _sklearn_ledoit_wolf(values: np.ndarray) -> np.ndarray:
    from sklearn.covariance import LedoitWolf

    return LedoitWolf().fit(values).covariance_
