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

import csv
import re
from pathlib import Path

import numpy as np
import pandas as pd

MIN_ROWS = 50
"""Fewest rows an imported price file may have: the shortest sample the lab's tests (ADF with
its lag search, rolling windows, the in/out-of-sample split) are meaningful on."""

MAX_FILE_BYTES = 64 * 2**20
"""Largest price file read (64 MiB): checked before parsing."""
MAX_ROWS = 100_000
"""Most data rows of a price file (about 400 years of trading days)."""
MAX_SYMBOLS = 500
"""Most price columns (symbols) of a price file: a pair scan of 500 symbols is 124,750 pairs."""

_DATE_NAMES = ("date", "datetime", "timestamp", "time", "day")
_NUMERIC_DATE = re.compile(r"^\s*(\d{1,2})([/.-])(\d{1,2})\2(\d{2}|\d{4})(?:[ T].*)?$")
_SUFFIXES = {".csv": "csv", ".txt": "csv", ".parquet": "parquet", ".pq": "parquet"}


class DataError(ValueError):
    """A price file or frame that cannot be used, with a message naming the problem."""


def _check_columns(names: list[str], name: str) -> None:
    """Refuse too many columns and duplicate names (after stripping spaces), by name."""
    if len(names) > MAX_SYMBOLS + 1:
        raise DataError(
            f"{name}: {len(names)} columns; at most {MAX_SYMBOLS} symbols (plus a date column) "
            "are accepted; split the file or keep the symbols you need"
        )
    seen: dict[str, int] = {}
    for position, label in enumerate(names):
        key = str(label).strip()
        if key in seen:
            raise DataError(
                f"{name}: duplicate column name {key!r} (columns {seen[key] + 1} and "
                f"{position + 1}); every symbol must appear once"
            )
        seen[key] = position


def _csv_header(path: Path) -> list[str]:
    with open(path, newline="", encoding="utf-8", errors="replace") as handle:
        line = handle.readline(1 << 20)
    return next(csv.reader([line], skipinitialspace=True), [])


def check_file_size(name: str, size: int) -> None:
    """Raise :class:`DataError` naming the limit if a file of ``size`` bytes is over
    :data:`MAX_FILE_BYTES` (the app's upload widget checks this in the browser too)."""
    if size > MAX_FILE_BYTES:
        raise DataError(
            f"{name}: {size / 2**20:.1f} MiB; files up to {MAX_FILE_BYTES / 2**20:.0f} MiB "
            "are accepted"
        )


def _read_raw(path: Path) -> pd.DataFrame:
    kind = _SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise DataError(
            f"{path.name}: unsupported file extension {path.suffix!r}; "
            f"use one of {', '.join(sorted(_SUFFIXES))}"
        )
    check_file_size(path.name, path.stat().st_size)
    try:
        if kind == "csv":
            _check_columns(_csv_header(path), path.name)
            frame = pd.read_csv(
                path, dtype=str, keep_default_na=True, skipinitialspace=True, nrows=MAX_ROWS + 1
            )
        else:
            import pyarrow.parquet as pq

            meta = pq.read_metadata(path)
            _check_columns(list(meta.schema.names), path.name)
            if meta.num_rows > MAX_ROWS:
                raise DataError(
                    f"{path.name}: {meta.num_rows:,} rows; at most {MAX_ROWS:,} are accepted"
                )
            frame = pd.read_parquet(path)
    except DataError:
        raise
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise DataError(f"{path.name}: cannot be read as {kind.upper()}: {exc}") from exc
    if len(frame) > MAX_ROWS:
        raise DataError(
            f"{path.name}: more than {MAX_ROWS:,} rows; at most {MAX_ROWS:,} are accepted"
        )
    _check_columns(list(frame.columns), path.name)
    return frame


def _refuse_non_numeric(col: object, dtype: object, name: str) -> None:
    if pd.api.types.is_bool_dtype(dtype):
        raise DataError(f"{name}: column {col!r} is boolean, not prices")
    if pd.api.types.is_datetime64_any_dtype(dtype):
        raise DataError(f"{name}: column {col!r} holds dates ({dtype}), not prices")
    if pd.api.types.is_timedelta64_dtype(dtype):
        raise DataError(f"{name}: column {col!r} holds durations ({dtype}), not prices")
    if not pd.api.types.is_numeric_dtype(dtype):
        raise DataError(f"{name}: column {col!r} has dtype {dtype} (text or objects), not prices")


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


def _numeric_date_format(
    raw: pd.Series, label: str, name: str, dayfirst: bool | None
) -> str | None:
    """The strptime format of day/month/year or month/day/year dates, or None for other forms.

    Dates such as ``03/04/2020`` are read day first or month first only when the data decide
    it (a first field above 12 means day first, a second field above 12 month first) or
    ``dayfirst`` declares it; otherwise they are ambiguous and refused.
    """
    text = raw.dropna().astype(str)
    if text.empty:
        return None
    parts = text.str.extract(_NUMERIC_DATE)
    if parts[0].isna().any():
        return None
    first, second = parts[0].astype(int), parts[2].astype(int)
    sep = parts[1].iloc[0]
    year = "%Y" if parts[3].str.len().iloc[0] == 4 else "%y"
    can_dmy = bool((second <= 12).all() and (first <= 31).all())
    can_mdy = bool((first <= 12).all() and (second <= 31).all())
    if dayfirst is None:
        if can_dmy and can_mdy and not (first == second).all():
            example = text.iloc[int(np.flatnonzero((first != second).to_numpy())[0])]
            raise DataError(
                f"{name}: ambiguous dates in {label}: {example.strip()!r} could be day/month or "
                "month/day; pass dayfirst=True or dayfirst=False (or use ISO dates, YYYY-MM-DD)"
            )
        dayfirst = can_dmy
    if dayfirst and not can_dmy or dayfirst is False and not can_mdy:
        order = "day/month" if dayfirst else "month/day"
        raise DataError(f"{name}: dates in {label} are not {order}/year (dayfirst={dayfirst})")
    return f"%d{sep}%m{sep}{year}" if dayfirst else f"%m{sep}%d{sep}{year}"


def _parse_dates(
    values: pd.Series | pd.Index, label: str, name: str, dayfirst: bool | None = None
) -> pd.DatetimeIndex:
    if isinstance(values, pd.DatetimeIndex):
        return values
    raw = pd.Series(np.asarray(values, dtype=object))
    fmt = _numeric_date_format(raw, label, name, dayfirst)
    if fmt is not None:
        text = raw.astype(str).str.strip().str.split(r"[ T]", n=1, regex=True).str[0]
        parsed = pd.to_datetime(text.where(raw.notna()), errors="coerce", format=fmt)
        return _checked_dates(raw, parsed, label, name)
    try:
        parsed = pd.to_datetime(raw, errors="coerce", format="mixed")
    except (ValueError, TypeError, OverflowError) as exc:
        # e.g. dates with mixed UTC offsets, which pandas refuses to put on one index
        raise DataError(f"{name}: cannot parse the dates in {label}: {exc}") from exc
    return _checked_dates(raw, parsed, label, name)


def _checked_dates(raw: pd.Series, parsed: pd.Series, label: str, name: str) -> pd.DatetimeIndex:
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
    frame: pd.DataFrame,
    name: str = "prices",
    min_rows: int = MIN_ROWS,
    dayfirst: bool | None = None,
) -> pd.DataFrame:
    """Validate a date-indexed price frame and apply the NaN policy of this module.

    Rows are numbered from 1 in data order (the header is not counted). ``dayfirst`` declares
    how numeric dates such as ``03/04/2020`` read (None: only when the data decide it).
    """
    if frame.shape[1] == 0:
        raise DataError(f"{name}: no price columns")
    _check_columns(list(frame.columns), name)
    index = _parse_dates(frame.index, "the index", name, dayfirst)
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
        if not (raw.dtype == object or isinstance(raw.dtype, pd.StringDtype)):
            _refuse_non_numeric(col, raw.dtype, name)  # typed columns: numbers only
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
    path: str | Path,
    date_column: str | None = None,
    min_rows: int = MIN_ROWS,
    dayfirst: bool | None = None,
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
    dayfirst : bool, optional
        How numeric dates such as ``03/04/2020`` read: True day/month, False month/day. By
        default they are accepted only when the data decide it (a field above 12) and refused
        as ambiguous otherwise.

    Limits: files up to :data:`MAX_FILE_BYTES`, :data:`MAX_ROWS` rows and :data:`MAX_SYMBOLS`
    symbols, checked before the data are parsed.

    Returns
    -------
    pandas.DataFrame
        float64 prices indexed by ascending unique dates, after the module's NaN policy.

    Raises
    ------
    DataError
        Missing file, unsupported extension, too large, too many rows or columns, duplicate
        column names, ambiguous/unparseable/duplicated/unsorted dates, non-numeric columns
        (bool, datetime, timedelta, text) or cells, non-positive prices, all-NaN columns, too
        few rows.
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
    if _SUFFIXES[path.suffix.lower()] == "parquet":
        # Parquet columns carry types: only numbers are prices (CSV cells are text, checked
        # cell by cell in validate_prices)
        for column in frame.columns:
            _refuse_non_numeric(column, frame[column].dtype, name)
    return validate_prices(frame, name=name, min_rows=min_rows, dayfirst=dayfirst)
