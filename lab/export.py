"""Tables out of the lab: a DataFrame as CSV or Parquet bytes, under a file name that is safe
whatever the symbols are called.

The pages' download buttons (the ranked pair scan, the sweep grid, the trades) ask their model
for a :class:`pandas.DataFrame` whose column names carry the units, and turn it into bytes
here. Both formats read back to the same frame: ``pd.read_csv`` (dates with ``parse_dates``)
and ``pd.read_parquet`` (types kept).
"""

from __future__ import annotations

import io
import re

import pandas as pd

EXPORT_FORMATS: dict[str, str] = {
    "csv": "text/csv",
    "parquet": "application/vnd.apache.parquet",
}
"""File formats of :func:`frame_bytes`, with their media types."""

MAX_EXPORT_CELLS = 20_000_000
"""Most cells (rows x columns) a frame may have to be exported: the full pair scan of the
largest accepted file (500 symbols: 124,750 pairs x 10 columns) is 1.25 million; a frame above
the limit is refused before any bytes are written."""

MAX_NAME_CHARS = 48
"""Longest part (a symbol, a kind) of an export file name after sanitising, characters."""

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a CSV cell as a formula (OWASP, "CSV
Injection"): a text cell starting with one is written with a leading ``'``."""


def neutralise_formula(text: str) -> str:
    """``text`` prefixed with a single quote if a spreadsheet would run it as a formula
    (it starts with one of :data:`FORMULA_PREFIXES`), unchanged otherwise.

    Only text goes through here: numbers (``-1.5``) are written as numbers by
    :func:`frame_bytes` and are never quoted.
    """
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def _csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names are :func:`neutralise_formula`-d;
    numeric, boolean and date columns are left as they are."""
    columns = [neutralise_formula(c) if isinstance(c, str) else c for c in frame.columns]
    out = frame.copy()
    out.columns = columns
    for i in range(out.shape[1]):
        col = out.iloc[:, i]
        if pd.api.types.is_object_dtype(col.dtype) or pd.api.types.is_string_dtype(col.dtype):
            out.isetitem(i, col.map(lambda v: neutralise_formula(v) if isinstance(v, str) else v))
    return out


def safe_name_part(text: object) -> str:
    """``text`` as a file-name part: letters, digits, ``_`` and ``-`` only.

    Every run of other characters (``/``, ``\\``, ``.``, ``<``, spaces, non-ASCII, ...) becomes one
    ``_``, leading and trailing ``_``/``-`` are dropped and the result is cut to
    :data:`MAX_NAME_CHARS`, so no part can climb directories (``../x`` is ``x``), hide an
    extension or carry markup. An empty result is ``"_"``.
    """
    part = _UNSAFE.sub("_", str(text)).strip("_-")[:MAX_NAME_CHARS].strip("_-")
    return part or "_"


def export_filename(kind: str, *parts: object, fmt: str) -> str:
    """``arblab-<kind>-<part>-...<.csv|.parquet>`` with every part made safe
    (:func:`safe_name_part`); ``ValueError`` for a format not in :data:`EXPORT_FORMATS`."""
    _check_format(fmt)
    name = "-".join(safe_name_part(p) for p in (kind, *parts))
    return f"arblab-{name}.{fmt}"


def frame_bytes(frame: pd.DataFrame, fmt: str) -> bytes:
    """The frame's bytes as a CSV (UTF-8, comma-separated, a header row, no index column,
    full float precision, NaN as an empty field) or a Parquet file (pyarrow, no index).

    In the CSV, a text cell or column name that a spreadsheet would run as a formula (a
    symbol named ``=HYPERLINK(...)``, ``+1``, ``-x``, ``@SUM``) starts with ``'``
    (:func:`neutralise_formula`); numbers, negative ones included, are written unchanged.
    The Parquet file keeps every value as it is (it is typed: no cell is ever a formula).

    Parameters
    ----------
    frame : DataFrame
        At most :data:`MAX_EXPORT_CELLS` cells, with string column names.
    fmt : {"csv", "parquet"}

    Raises
    ------
    ValueError
        For another format, a frame over the size limit or duplicate column names (a
        Parquet file cannot hold them and a CSV would not read back to the same frame).
    """
    _check_format(fmt)
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"only a DataFrame can be exported, got {type(frame).__name__}")
    if frame.size > MAX_EXPORT_CELLS:
        raise ValueError(
            f"the table has {frame.shape[0]:,} rows x {frame.shape[1]} columns "
            f"({frame.size:,} cells); at most {MAX_EXPORT_CELLS:,} cells are exported"
        )
    if frame.columns.has_duplicates:
        dup = sorted({str(c) for c in frame.columns[frame.columns.duplicated()]})
        raise ValueError(f"duplicate column names cannot be exported: {', '.join(dup)}")
    if fmt == "csv":
        return _csv_safe(frame).to_csv(index=False, lineterminator="\n").encode("utf-8")
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False, engine="pyarrow")
    return buffer.getvalue()


def _check_format(fmt: str) -> None:
    if fmt not in EXPORT_FORMATS:
        raise ValueError(
            f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}"
        )
