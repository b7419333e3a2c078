"""Input checks of the backtest and the sweep, shared by both engines: prices, the pair,
the parameter grid and the metric.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from lab.analytics.backtest.metric_table import METRIC_NAMES
from lab.analytics.backtest.params import SAMPLES, PairParams


def _as_prices(values: object, name: str) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a 1-D array of prices: {exc}") from None
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
    bad = ~np.isfinite(arr)
    if bad.any():
        raise ValueError(
            f"{name} has {int(bad.sum())} non-finite values (NaN/inf), first at row "
            f"{int(np.argmax(bad))}; align and clean the prices first"
        )
    if arr.size and arr.min() <= 0:
        raise ValueError(
            f"{name} must hold positive prices; row {int(np.argmin(arr))} is {arr.min():g}"
        )
    return np.ascontiguousarray(arr)


def check_pair(y: object, x: object, params: PairParams, lookback: int | None = None):
    """Validate the price pair and return ``(y, x, n_train)`` as float64 arrays and an int.

    ``lookback`` overrides ``params.lookback`` in the length check (the sweep passes its
    largest lookback).
    """
    ya = _as_prices(y, "y")
    xa = _as_prices(x, "x")
    if ya.shape != xa.shape:
        raise ValueError(f"y and x must have the same length, got {ya.shape[0]} and {xa.shape[0]}")
    n = ya.shape[0]
    lookback = params.lookback if lookback is None else lookback
    if n < lookback + 2:
        raise ValueError(
            f"y and x are too short: {n} rows, need at least lookback + 2 = {lookback + 2}"
        )
    n_train = int(math.floor(params.train_fraction * n))
    if n_train < 2 or n - n_train < 2:
        raise ValueError(
            f"train_fraction={params.train_fraction} splits {n} rows into {n_train} in-sample "
            f"and {n - n_train} out-of-sample rows; each segment needs at least 2"
        )
    return ya, xa, n_train


MAX_GRID_POINTS = 10_000
"""Most lookback x entry_z points of one :func:`sweep` (one backtest each)."""


def check_grid(grid: object, params: PairParams) -> tuple[np.ndarray, np.ndarray]:
    """Validate a sweep grid ``{"lookback": [...], "entry_z": [...]}``; every grid point is
    checked as a :class:`PairParams` (so e.g. ``entry_z <= exit_z`` is reported), and the grid
    has at most :data:`MAX_GRID_POINTS` points."""
    if not isinstance(grid, dict) or set(grid) != {"lookback", "entry_z"}:
        keys = sorted(grid) if isinstance(grid, dict) else type(grid).__name__
        raise ValueError(f'grid must be a dict with keys "lookback" and "entry_z", got {keys}')
    axes = []
    for key in ("lookback", "entry_z"):
        values = np.asarray(grid[key])
        if values.ndim != 1 or values.size == 0:
            raise ValueError(f"grid[{key!r}] must be a non-empty 1-D list, got {grid[key]!r}")
        axes.append(values)
    if axes[0].size * axes[1].size > MAX_GRID_POINTS:
        raise ValueError(
            f"grid has {axes[0].size} x {axes[1].size} = {axes[0].size * axes[1].size:,} points; "
            f"at most {MAX_GRID_POINTS:,} are accepted"
        )
    checked = {}
    for key, values in zip(("lookback", "entry_z"), axes, strict=True):
        checked[key] = []
        for value in values:
            try:
                point = dataclasses.replace(params, **{key: value.item()})
            except ValueError as exc:
                raise ValueError(f"grid[{key!r}]: {exc}") from None
            checked[key].append(getattr(point, key))
    return (
        np.asarray(checked["lookback"], dtype=np.int64),
        np.asarray(checked["entry_z"], dtype=np.float64),
    )


def check_metric(metric: object, sample: object) -> None:
    """Raise ``ValueError`` unless ``metric`` is in :data:`METRIC_NAMES` and ``sample`` in
    :data:`SAMPLES`."""
    if metric not in METRIC_NAMES:
        raise ValueError(f"metric must be one of {', '.join(METRIC_NAMES)}; got {metric!r}")
    if sample not in SAMPLES:
        raise ValueError(f"sample must be 'in' or 'out', got {sample!r}")
