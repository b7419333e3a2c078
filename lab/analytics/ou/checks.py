"""Input checks of the OU analytics, shared by both engines: series, positive parameters,
the fitted AR coefficient and residuals, threshold inputs and the interval options.
"""

from __future__ import annotations

import math

import numpy as np

MIN_OU_OBS = 10
"""Fewest observations :func:`ou_fit` accepts (9 transitions of the AR(1))."""

CI_METHODS = ("wald", "grid_bootstrap")
"""Interval methods of :func:`ou_fit`."""

MAX_BOOT_DRAWS = 10_000
"""Largest ``n_boot`` of the grid bootstrap."""


MIN_SCALED_COST = 1e-12
"""Smallest round-trip cost :func:`optimal_thresholds` accepts, as a fraction of the spread's
diffusion scale ``sigma / sqrt(kappa)``. The optimal band is then ``(3 c_hat / 4)^(1/3)`` of
that scale, about 1e-4: finer costs are numerically zero and their cycle times underflow."""


def check_series(x: object, name: str = "x", min_obs: int = MIN_OU_OBS) -> np.ndarray:
    """Return ``x`` as a finite 1-D float64 array or raise ``ValueError`` naming the problem."""
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a 1-D array of numbers: {exc}") from None
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
    if arr.shape[0] < min_obs:
        raise ValueError(f"{name} is too short: {arr.shape[0]} observations, need >= {min_obs}")
    bad = ~np.isfinite(arr)
    if bad.any():
        raise ValueError(
            f"{name} has {int(bad.sum())} non-finite values (NaN/inf), first at position "
            f"{int(np.argmax(bad))}; drop or fill them first"
        )
    if np.ptp(arr[:-1]) == 0.0:
        # the regressor x[t] does not vary: no AR(1) slope (decided exactly, before any
        # engine's rounding of a zero variance)
        raise ValueError(f"{name} is constant (or constant but for its last value): nothing to fit")
    if np.ptp(arr[1:]) == 0.0:
        raise ValueError(
            f"{name} is constant after its first value: every transition lands on the same "
            "value, so there is no noise from which to estimate sigma"
        )
    return np.ascontiguousarray(arr)


def check_positive(**values: float) -> dict[str, float]:
    """Check that each keyword is a finite number > 0 and return them as floats."""
    out = {}
    for name, value in values.items():
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be a number, got {value!r}") from None
        if not math.isfinite(v) or v <= 0:
            raise ValueError(f"{name} must be a positive finite number, got {value!r}")
        out[name] = v
    return out


def check_ar_coefficient(a: float, dt: float) -> None:
    """Raise ``ValueError`` unless the lag-one coefficient ``a`` lies in (0, 1)."""
    if not math.isfinite(a):
        raise ValueError("x: the lag-one regression is degenerate (is x constant?)")
    if a >= 1.0:
        raise ValueError(
            f"x does not mean-revert: the AR(1) coefficient is {a:.6g} >= 1, so there is no "
            "kappa > 0 (the series looks like a random walk or explosive)"
        )
    if a <= 0.0:
        raise ValueError(
            f"x: the AR(1) coefficient is {a:.6g} <= 0, which no OU process sampled every "
            f"dt={dt:g} produces (a = exp(-kappa dt) > 0); sample more finely"
        )


def check_residuals(rss: float, total: float) -> None:
    """Raise ``ValueError`` when the lag-one regression fits exactly (residual sum of squares
    ``rss`` <= 1e-20 of the whole series' sum of squared deviations ``total``, in the same
    units): a deterministic path (or one constant after its first value), no diffusion."""
    if not rss > 1e-20 * total:
        raise ValueError(
            "x is a deterministic AR(1) path (the lag-one regression fits it exactly): there is "
            "no noise from which to estimate sigma"
        )


def half_life_of(kappa: float, kappa_se: float) -> tuple[float, float]:
    """``ln 2 / kappa`` and its delta-method standard error."""
    return math.log(2.0) / kappa, math.log(2.0) / kappa**2 * kappa_se


def check_threshold_inputs(
    kappa: float, theta: float, sigma: float, cost: float, rf: float = 0.0
) -> tuple[float, float, float, float, float]:
    """Validate :func:`optimal_thresholds` arguments and return them as floats."""
    p = check_positive(kappa=kappa, sigma=sigma, cost=cost)
    for name, value in (("theta", theta), ("rf", rf)):
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be a number, got {value!r}") from None
        if not math.isfinite(v):
            raise ValueError(f"{name} must be finite, got {value!r}")
    theta, rf = float(theta), float(rf)
    if rf < 0:
        raise ValueError(f"rf must be >= 0 (a benchmark return per unit time), got {rf!r}")
    scale = p["sigma"] / math.sqrt(p["kappa"])
    if p["cost"] < MIN_SCALED_COST * scale:
        raise ValueError(
            f"cost must be at least {MIN_SCALED_COST:g} x sigma / sqrt(kappa) = "
            f"{MIN_SCALED_COST * scale:g}, got {p['cost']!r}: a smaller cost is numerically "
            "zero (with zero cost the optimal band is 0: trade continuously)"
        )
    return p["kappa"], theta, p["sigma"], p["cost"], rf


def check_ci(ci: object, n_boot: object, seed: object) -> tuple[str, int, int]:
    """Validate the interval options of :func:`ou_fit`."""
    if ci not in CI_METHODS:
        raise ValueError(f"ci must be one of {CI_METHODS}, got {ci!r}")
    if isinstance(n_boot, bool) or not isinstance(n_boot, int | np.integer):
        raise ValueError(f"n_boot must be an integer, got {n_boot!r}")
    if not 19 <= int(n_boot) <= MAX_BOOT_DRAWS:
        raise ValueError(f"n_boot must be between 19 and {MAX_BOOT_DRAWS}, got {n_boot}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or int(seed) < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    return str(ci), int(n_boot), int(seed)
