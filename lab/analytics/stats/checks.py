"""Input checks shared by every domain: numeric matrices and series with finite values,
bounded integers, and the size bounds of the descriptive statistics.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import pandas as pd


def _to_float(values: Any, name: str) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric: {exc}") from None
    return arr


def _labels(values: Any) -> tuple[str, ...] | None:
    if isinstance(values, pd.DataFrame):
        return tuple(str(c) for c in values.columns)
    return None


def _check_finite(arr: np.ndarray, name: str, labels: tuple[str, ...] | None = None) -> None:
    bad = ~np.isfinite(arr)
    if not bad.any():
        return
    if arr.ndim == 1:
        row = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"{name} contains NaN or inf (first at position {row}: {arr[row]!r}); "
            "drop or fill missing values first"
        )
    row, col = (int(v) for v in np.argwhere(bad)[0])
    label = repr(labels[col]) if labels is not None else str(col)
    raise ValueError(
        f"{name} contains NaN or inf (first in column {label} at row {row}: {arr[row, col]!r}); "
        "drop or fill missing values first"
    )


MAX_COLUMNS = 4096
"""Most series (columns) in a T x N input: N x N results (correlation, covariance) then stay
within 128 MiB, and an N-column scan or optimisation within minutes."""


def as_matrix(
    values: Any,
    name: str = "returns",
    min_rows: int = 2,
    min_cols: int = 1,
    allow_nan: bool = False,
) -> tuple[np.ndarray, tuple[str, ...] | None]:
    """Validate a T x N matrix and return it as C-contiguous float64 with its column labels.

    Parameters
    ----------
    values : array_like or pandas.DataFrame
        T observations (rows) by N series (columns).
    name : str
        Parameter name used in error messages.
    min_rows, min_cols : int
        Smallest accepted T and N.
    allow_nan : bool
        Accept NaN (never inf); callers that allow it handle missing values themselves.

    Raises
    ------
    ValueError
        Not 2-D, non-numeric, NaN/inf (naming column and row), or too few rows/columns.
    """
    labels = _labels(values)
    arr = _to_float(values, name)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (T x N), got shape {arr.shape}")
    t, n = arr.shape
    if t < min_rows:
        raise ValueError(f"{name} needs at least {min_rows} rows (observations), got {t}")
    if n < min_cols:
        raise ValueError(f"{name} needs at least {min_cols} columns (series), got {n}")
    if n > MAX_COLUMNS:
        raise ValueError(f"{name} has {n} columns; at most {MAX_COLUMNS} are accepted")
    if allow_nan:
        _check_finite(np.where(np.isnan(arr), 0.0, arr), name, labels)
    else:
        _check_finite(arr, name, labels)
    return np.ascontiguousarray(arr), labels


def as_series(values: Any, name: str = "x", min_len: int = 2) -> np.ndarray:
    """Validate a 1-D series (array, list or pandas Series) and return it as float64.

    Raises
    ------
    ValueError
        Not 1-D, non-numeric, NaN/inf (naming the position) or shorter than ``min_len``.
    """
    arr = _to_float(values, name)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D series, got shape {arr.shape}")
    if arr.shape[0] < min_len:
        raise ValueError(f"{name} needs at least {min_len} observations, got {arr.shape[0]}")
    _check_finite(arr, name)
    return np.ascontiguousarray(arr)


def check_int(value: Any, name: str, low: int, high: int | None = None) -> int:
    """Return ``value`` as int if it is an integer in ``[low, high]``; else raise ValueError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    value = int(value)
    if value < low or (high is not None and value > high):
        bound = f">= {low}" if high is None else f"between {low} and {high}"
        raise ValueError(f"{name} must be {bound}, got {value}")
    return value


def check_rolling_input(x: Any, window: Any) -> tuple[np.ndarray, int]:
    arr = _to_float(x, "x")
    if arr.ndim not in (1, 2):
        raise ValueError(f"x must be a 1-D series or a 2-D (T x N) matrix, got shape {arr.shape}")
    if arr.shape[0] < 2:
        raise ValueError(f"x needs at least 2 observations, got {arr.shape[0]}")
    _check_finite(arr, "x", _labels(x))
    window = check_int(window, "window", 2, arr.shape[0])
    return np.ascontiguousarray(arr), window


def check_pca_components(n_components: Any, t: int, n: int) -> int:
    """Validate ``n_components`` against a T x N matrix (scikit-learn's rule: <= min(T, N))."""
    return check_int(n_components, "n_components", 1, min(t, n))
