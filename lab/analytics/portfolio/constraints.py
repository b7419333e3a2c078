"""Weight bounds: resolving ``bounds``/``long_only`` to per-asset limits, feasibility, the
largest attainable return, and the checks on computed weights.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

BOUNDS_TOL = 1e-9
"""Tolerance of the bound and budget checks on computed weights."""


def resolve_bounds(bounds: Any, n: int, long_only: bool) -> tuple[np.ndarray, np.ndarray]:
    """Per-asset ``(lo, hi)`` from ``bounds`` and ``long_only``; ValueError if infeasible."""
    if bounds is None:
        lo_raw, hi_raw = None, None
    else:
        try:
            lo_raw, hi_raw = bounds
        except (TypeError, ValueError):
            raise ValueError(
                "bounds: expected a pair (lo, hi) of scalars or length-N arrays"
            ) from None

    def side(value: Any, default: float, name: str) -> np.ndarray:
        if value is None:
            return np.full(n, default)
        arr = np.asarray(value, dtype=float)
        if arr.ndim == 0:
            arr = np.full(n, float(arr))
        if arr.shape != (n,):
            raise ValueError(f"bounds: {name} has shape {arr.shape}, expected a scalar or ({n},)")
        if np.any(np.isnan(arr)):
            raise ValueError(f"bounds: {name} contains NaN")
        return arr.copy()

    lo = side(lo_raw, -np.inf, "lo")
    hi = side(hi_raw, np.inf, "hi")
    if long_only:
        lo = np.maximum(lo, 0.0)
    if np.any(lo > hi):
        i = int(np.flatnonzero(lo > hi)[0])
        raise ValueError(
            f"bounds: infeasible, lower bound {lo[i]:g} exceeds upper bound {hi[i]:g} for asset {i}"
            + (" (long_only sets lower bounds to 0)" if long_only else "")
        )
    if lo.sum() > 1 + BOUNDS_TOL or hi.sum() < 1 - BOUNDS_TOL:
        raise ValueError(
            f"bounds: infeasible, weights must sum to 1 but sum(lo) = {lo.sum():g} and "
            f"sum(hi) = {hi.sum():g}"
        )
    return lo, hi


def feasible_point(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """A point with ``sum w = 1`` and ``lo <= w <= hi`` (bounds assumed feasible)."""
    w = np.clip(np.full(lo.size, 1.0 / lo.size), lo, hi)
    gap = 1.0 - w.sum()
    room = (hi - w) if gap > 0 else (w - lo)
    for i in range(w.size):
        if abs(gap) <= 0:
            break
        move = min(room[i], abs(gap))
        w[i] += math.copysign(move, gap)
        gap -= math.copysign(move, gap)
    return w


def lp_cap(lo: np.ndarray, hi: np.ndarray) -> float:
    """``1 + sum |finite limits|``: no weight of a vertex of ``{sum w = 1, lo <= w <= hi}`` can
    exceed it in absolute value when the box is bounded on one side for every asset."""
    finite = np.concatenate([lo[np.isfinite(lo)], hi[np.isfinite(hi)]])
    return 1.0 + float(np.abs(finite).sum())


def lp_bounded(lo: np.ndarray, hi: np.ndarray) -> bool:
    """Whether ``max m'w`` over ``{sum w = 1, lo <= w <= hi}`` is bounded for every ``m``."""
    return bool(np.all(np.isfinite(hi)) or np.all(np.isfinite(lo)))


def max_return_point(m: np.ndarray, lo: np.ndarray, hi: np.ndarray, cap: float) -> np.ndarray:
    """Greedy solution of the LP ``max m'w`` s.t. ``sum w = 1``, ``lo <= w <= hi``, with
    infinite limits replaced by ``+-cap``: start at the lower limits and fill the assets in
    decreasing order of ``m`` up to their upper limits (a fractional knapsack). With ``cap >=``
    :func:`lp_cap` the capped box is feasible, and when :func:`lp_bounded` holds the result is
    the exact LP optimum."""
    lo_c = np.maximum(lo, -cap)
    hi_c = np.minimum(hi, cap)
    w = lo_c.copy()
    budget = 1.0 - w.sum()
    for i in np.argsort(-m, kind="stable"):
        if budget <= 0:
            break
        add = min(hi_c[i] - w[i], budget)
        w[i] += add
        budget -= add
    return w


def check_weights(w: np.ndarray, lo: np.ndarray, hi: np.ndarray, method: str) -> None:
    """Raise ValueError if a closed-form ``method`` (equal weight, risk parity) breaks bounds."""
    scale = max(1.0, float(np.abs(w).max()))
    if np.any(w < lo - BOUNDS_TOL * scale) or np.any(w > hi + BOUNDS_TOL * scale):
        i = int(np.flatnonzero((w < lo - BOUNDS_TOL * scale) | (w > hi + BOUNDS_TOL * scale))[0])
        raise ValueError(
            f"bounds: the {method} weights do not satisfy the bounds (asset {i}: weight "
            f"{w[i]:.4g} outside [{lo[i]:g}, {hi[i]:g}]); {method} has no free parameters to "
            "meet them"
        )
