"""Validated import of user price files (CSV or Parquet).

NaN policy
----------
Prices are kept as they are except for gaps:

* **Leading NaNs** (a symbol not yet listed) are kept as NaN. Analyses work on the rows where
  the symbols they use are all present, so a late listing shortens the sample of that symbol
  only.
* **Interior and trailing gaps** (a missing close after the first valid one) are forward
  filled with the last known close. That uses only past information (no look-ahead) and books
  a zero return for the missing day, which is what a holder of the asset experiences.
* **An all-NaN column** is an error: it carries no information and usually means a wrong file.

Everything else that is wrong raises :class:`DataError` with a message that names the
problem and, where there is one, the offending column and row.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

MIN_ROWS = 50
"""Fewest rows an imported price file may have: the shortest sample the lab's tests (ADF with
its lag search, rolling windows, the in/out-of-sample split) are meaningful on."""

_DATE_NAMES = ("date", "datetime", "timestamp", "time", "day")
_SUFFIXES = {".csv": "csv", ".txt": "csv", ".parquet": "parquet", ".pq": "parquet"}


class DataError(ValueError):
    """A price file or frame that cannot be used, with a message naming the problem."""


def _read_raw(path: Path) -> pd.DataFrame:
    kind = _SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise DataError(
            f"{path.name}: unsupported file extension {path.suffix!r}; "
            f"use one of {', '.join(sorted(_SUFFIXES))}"
        )
    try:
        if kind == "csv":
            return pd.read_csv(path, dtype=str, keep_default_na=True, skipinitialspace=True)
        return pd.read_parquet(path)
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise DataError(f"{path.name}: cannot be read as {kind.upper()}: {exc}") from exc


def _find_date_column(frame: pd.DataFrame, date_column: str | None, name: str) -> str | None:
    if date_column is not None:
        if date_column not in frame.columns:
            raise DataError(
                f"{name}: date column {date_column!r} not found; columns are {list(frame.columns)}"
            )
        return date_column
    for col in frame.columns:
        if str(col).strip().lower() in _DATE_NAMES:
            return col
    return None


def _parse_dates(values: pd.Series | pd.Index, label: str, name: str) -> pd.DatetimeIndex:
    if isinstance(values, pd.DatetimeIndex):
        return values
    raw = pd.Series(np.asarray(values, dtype=object))
    try:
        parsed = pd.to_datetime(raw, errors="coerce", format="mixed")
    except (ValueError, TypeError, OverflowError) as exc:
        # e.g. dates with mixed UTC offsets, which pandas refuses to put on one index
        raise DataError(f"{name}: cannot parse the dates in {label}: {exc}") from exc
    bad = parsed.isna() & raw.notna()
    if parsed.notna().sum() == 0:
        raise DataError(f"{name}: no parseable dates in {label}")
    if raw.isna().any():
        row = int(np.flatnonzero(raw.isna().to_numpy())[0])
        raise DataError(f"{name}: missing date in {label} at row {row + 1}")
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(f"{name}: unparseable date {raw.iloc[row]!r} in {label} at row {row + 1}")
    return pd.DatetimeIndex(parsed)


def validate_prices(
    frame: pd.DataFrame, name: str = "prices", min_rows: int = MIN_ROWS
) -> pd.DataFrame:
    """Validate a date-indexed price frame and apply the NaN policy of this module.

    Rows are numbered from 1 in data order (the header is not counted).
    """
    if frame.shape[1] == 0:
        raise DataError(f"{name}: no price columns")
    index = _parse_dates(frame.index, "the index", name)
    dup = index.duplicated()
    if dup.any():
        row = int(np.flatnonzero(dup)[0])
        raise DataError(f"{name}: duplicated date {index[row].date()} at row {row + 1}")
    if not index.is_monotonic_increasing:
        row = int(np.flatnonzero(np.diff(index.asi8) < 0)[0]) + 1
        raise DataError(
            f"{name}: dates are not sorted ascending: {index[row].date()} at row {row + 1} "
            f"comes after {index[row - 1].date()}"
        )
    out = {}
    for col in frame.columns:
        raw = frame[col]
        if pd.api.types.is_bool_dtype(raw):
            raise DataError(f"{name}: column {col!r} is boolean, not prices")
        values = pd.to_numeric(raw, errors="coerce")
        bad = values.isna() & raw.notna() & (raw.astype(str).str.strip() != "")
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataError(
                f"{name}: non-numeric value {raw.iloc[row]!r} in column {col!r} at row {row + 1} "
                f"({index[row].date()})"
            )
        values = values.astype("float64").to_numpy()
        if np.isnan(values).all():
            raise DataError(f"{name}: column {col!r} has no prices (all NaN)")
        finite = ~np.isnan(values)
        if np.isinf(values).any():
            row = int(np.flatnonzero(np.isinf(values))[0])
            raise DataError(f"{name}: infinite price in column {col!r} at row {row + 1}")
        nonpos = finite & (values <= 0)
        if nonpos.any():
            row = int(np.flatnonzero(nonpos)[0])
            raise DataError(
                f"{name}: non-positive price {values[row]:g} in column {col!r} at row {row + 1} "
                f"({index[row].date()})"
            )
        out[str(col).strip()] = values
    result = pd.DataFrame(out, index=index)
    result.index.name = "date"
    result.columns.name = "symbol"
    if len(result) < min_rows:
        raise DataError(
            f"{name}: only {len(result)} rows; at least {min_rows} are needed for analysis"
        )
    # NaN policy: forward-fill after the first valid price, keep leading NaNs.
    return result.ffill()


def read_prices(
    path: str | Path, date_column: str | None = None, min_rows: int = MIN_ROWS
) -> pd.DataFrame:
    """Read a price file (CSV or Parquet) into a validated, date-indexed frame.

    Parameters
    ----------
    path : str or Path
        ``.csv``/``.txt`` or ``.parquet``/``.pq`` file with one date column and one column of
        prices per symbol.
    date_column : str, optional
        Name of the date column. By default a column named date/datetime/timestamp/time/day
        (any case) is used, else the first column, else (Parquet) a datetime index.
    min_rows : int
        Fewest rows accepted (default :data:`MIN_ROWS`).

    Returns
    -------
    pandas.DataFrame
        float64 prices indexed by ascending unique dates, after the module's NaN policy.

    Raises
    ------
    DataError
        Missing file, unsupported extension, no parseable/duplicated/unsorted dates,
        non-numeric cells, non-positive prices, all-NaN columns, too few rows.
    """
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: file not found")
    if not path.is_file():
        raise DataError(f"{path}: not a file")
    raw = _read_raw(path)
    name = path.name
    if raw.shape[0] == 0:
        raise DataError(f"{name}: the file has no data rows")
    col = _find_date_column(raw, date_column, name)
    if col is None:
        if isinstance(raw.index, pd.DatetimeIndex):
            frame = raw
        else:
            col = raw.columns[0]
    if col is not None:
        frame = raw.set_index(col)
    return validate_prices(frame, name=name, min_rows=min_rows)
