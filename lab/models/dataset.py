"""The prices a session analyses: bundled real data, synthetic pairs with known parameters, or
a user's CSV/Parquet file, cut to a date range and a set of symbols."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import param

from lab.data import DataError, load_sp500, read_prices, simulate_ou_pair
from lab.data.io import MIN_ROWS, check_file_size, validate_prices
from lab.hashing import fingerprint

SOURCES = ("sp500", "synthetic", "file")

SOURCE_LABELS = {
    "sp500": "S&P 500 large caps (bundled with skfolio, daily adjusted closes)",
    "synthetic": "Synthetic cointegrated pairs (exact OU spreads, known parameters)",
    "file": "Uploaded file",
}

DEFAULT_START = dt.date(2015, 1, 1)
"""Default start of the analysed range of the bundled dataset (the pair-scan anchor period
2015-2022 used by the tests and benchmarks)."""


class DatasetModel(param.Parameterized):
    """A validated price panel (T x N, float64, date index) and its provenance.

    Inputs are the source and its settings, the date range and the symbols; outputs are the
    read-only ``prices``, their ``content_hash`` (blake2b of the values, dates and symbols) and
    ``error``, the last problem met while loading (empty when all is well). A failed load never
    discards the prices already loaded.
    """

    source = param.Selector(
        default="sp500", objects=list(SOURCES), doc="Where the prices come from."
    )

    # synthetic source: simulate_ou_pair per pair
    n_obs = param.Integer(
        default=2520, bounds=(MIN_ROWS, 50_000), doc="Synthetic: trading days simulated."
    )
    n_pairs = param.Integer(
        default=4, bounds=(1, 20), doc="Synthetic: cointegrated pairs (2 columns each)."
    )
    kappa = param.Number(
        default=12.0, bounds=(0.01, 500.0), doc="Synthetic: OU mean-reversion speed, per year."
    )
    sigma = param.Number(
        default=8.0,
        bounds=(0.01, 200.0),
        doc="Synthetic: OU diffusion of the spread, USD per sqrt(year).",
    )
    beta = param.Number(
        default=1.0, bounds=(0.01, 10.0), doc="Synthetic: hedge ratio (units of X per unit of Y)."
    )
    seed = param.Integer(
        default=0, bounds=(0, None), doc="Synthetic: seed of pair 1 (pair i uses seed + i - 1)."
    )

    file_path = param.String(
        default=None, allow_None=True, doc="File source: path of a CSV or Parquet price file."
    )

    start = param.CalendarDate(
        default=None, allow_None=True, doc="First date analysed (None: first available)."
    )
    end = param.CalendarDate(
        default=None, allow_None=True, doc="Last date analysed (None: last available)."
    )
    symbols = param.ListSelector(default=[], objects=[], doc="Symbols analysed (empty: all).")

    prices = param.DataFrame(
        default=None, allow_None=True, constant=True, doc="Selected prices (read-only)."
    )
    content_hash = param.String(
        default="", constant=True, doc="Content hash of ``prices`` (read-only)."
    )
    error = param.String(
        default="", constant=True, doc="Last loading problem, empty if none (read-only)."
    )

    def __init__(self, **params: Any) -> None:
        if "start" not in params and params.get("source", "sp500") == "sp500":
            params["start"] = DEFAULT_START
        super().__init__(**params)
        self._raw: pd.DataFrame | None = None
        self._raw_key: tuple | None = None
        self._tmpdir: tempfile.TemporaryDirectory | None = None
        self._busy = threading.RLock()
        self._reload()

    # -- loading ------------------------------------------------------------------------
    def _source_key(self) -> tuple:
        if self.source == "synthetic":
            return (
                "synthetic",
                self.n_obs,
                self.n_pairs,
                self.kappa,
                self.sigma,
                self.beta,
                self.seed,
            )
        if self.source == "file":
            return ("file", self.file_path)
        return ("sp500",)

    def _read_source(self) -> pd.DataFrame:
        if self.source == "sp500":
            return load_sp500()
        if self.source == "synthetic":
            return self._simulate()
        if not self.file_path:
            raise DataError("file source: no file chosen; upload a CSV or Parquet file")
        return read_prices(self.file_path)

    def _simulate(self) -> pd.DataFrame:
        index = pd.bdate_range("2010-01-04", periods=self.n_obs, name="date")
        columns: dict[str, np.ndarray] = {}
        for i in range(self.n_pairs):
            y, x, _ = simulate_ou_pair(
                self.n_obs, self.kappa, 0.0, self.sigma, self.beta, seed=self.seed + i
            )
            columns[f"Y{i + 1}"] = y
            columns[f"X{i + 1}"] = x
        return validate_prices(pd.DataFrame(columns, index=index), name="synthetic pairs")

    @param.depends(
        "source", "file_path", "n_obs", "n_pairs", "kappa", "sigma", "beta", "seed",
        "start", "end", "symbols", watch=True,
    )  # fmt: skip
    def _reload(self) -> None:
        with self._busy:
            try:
                key = self._source_key()
                if key != self._raw_key:
                    raw = self._read_source()
                    switched = self._raw_key is not None and self._raw_key[0] != key[0]
                    self._raw, self._raw_key = raw, key
                    self._adopt_symbols(list(raw.columns), reset_range=switched)
                self._select()
            except (DataError, ValueError, OSError) as exc:
                with param.edit_constant(self):
                    self.error = str(exc)

    def _adopt_symbols(self, available: list[str], reset_range: bool) -> None:
        keep = [s for s in self.symbols if s in available]
        self.param.symbols.objects = available
        with param.discard_events(self):
            self.symbols = keep if len(keep) >= 2 else list(available)
            if reset_range:
                self.start = DEFAULT_START if self.source == "sp500" else None
                self.end = None
            first, last = self._raw.index[0].date(), self._raw.index[-1].date()
            if self.start is not None and not first <= self.start <= last:
                self.start = None
            if self.end is not None and not first <= self.end <= last:
                self.end = None

    def _select(self) -> None:
        raw = self._raw
        assert raw is not None
        cols = [s for s in self.symbols if s in raw.columns] or list(raw.columns)
        start = None if self.start is None else pd.Timestamp(self.start)
        end = None if self.end is None else pd.Timestamp(self.end)
        frame = raw.loc[start:end, cols]
        if frame.shape[1] < 1:
            raise DataError("no symbols selected")
        if len(frame) < MIN_ROWS:
            raise DataError(
                f"the date range {_d(self.start, 'the first date')} to {_d(self.end, 'the last date')} holds {len(frame)} rows; "
                f"at least {MIN_ROWS} are needed"
            )
        digest = fingerprint(frame)
        with param.edit_constant(self):
            if digest != self.content_hash:
                self.param.update(prices=frame, content_hash=digest, error="")
            else:
                self.error = ""

    # -- uploads --------------------------------------------------------------------------
    def load_file(self, filename: str, data: bytes) -> bool:
        """Validate an uploaded price file and, if it is good, make it the source.

        The bytes are stored in a private temporary directory under a sanitised ``filename``
        (its extension selects CSV or Parquet). A bad file sets :attr:`error` to the
        :class:`~lab.data.DataError` message and leaves the current prices untouched.

        Returns
        -------
        bool
            True when the file was adopted.
        """
        if self._tmpdir is None:
            self._tmpdir = tempfile.TemporaryDirectory(prefix="arblab-upload-")
        safe = re.sub(r"[^A-Za-z0-9._-]", "_", Path(filename or "upload").name) or "upload"
        path = Path(self._tmpdir.name) / safe
        path.write_bytes(data)
        try:
            read_prices(path)
        except DataError as exc:
            with param.edit_constant(self):
                self.error = str(exc)
            return False
        self.param.update(source="file", file_path=str(path), start=None, end=None, symbols=[])
        return not self.error

    def refuse_upload(self, filename: str, size: int) -> None:
        """Record that an upload of ``size`` bytes was refused before it was sent (the
        browser checks :data:`~lab.data.io.MAX_FILE_BYTES`): :attr:`error` names the limit
        and the current prices stay."""
        try:
            check_file_size(Path(filename or "upload").name, int(size))
        except DataError as exc:
            with param.edit_constant(self):
                self.error = str(exc)
            return
        raise ValueError(f"{filename}: {size} bytes is within the upload limit; nothing to refuse")

    # -- descriptions ---------------------------------------------------------------------
    @property
    def available_range(self) -> tuple[pd.Timestamp, pd.Timestamp] | None:
        """First and last date of the whole source (before the date range is applied)."""
        if self._raw is None:
            return None
        return self._raw.index[0], self._raw.index[-1]

    @property
    def label(self) -> str:
        if self.source == "file" and self.file_path:
            return f"Uploaded file {Path(self.file_path).name}"
        return SOURCE_LABELS[self.source]

    def summary(self) -> dict[str, Any]:
        """Provenance of the selected prices: source, range, symbols, rows and content hash."""
        prices = self.prices
        if prices is None:
            return {"source": self.label, "error": self.error}
        return {
            "source": self.label,
            "start": prices.index[0].date().isoformat(),
            "end": prices.index[-1].date().isoformat(),
            "rows": int(prices.shape[0]),
            "symbols": tuple(str(c) for c in prices.columns),
            "content_hash": self.content_hash,
            "error": self.error,
        }

    def default_pair(self) -> tuple[str, str]:
        """A sensible first pair: KO/PEP on the bundled data, Y1/X1 on synthetic data, else the
        first two symbols."""
        cols = [str(c) for c in self.prices.columns]
        for y, x in (("KO", "PEP"), ("Y1", "X1")):
            if y in cols and x in cols:
                return y, x
        if len(cols) < 2:
            raise DataError("a pair needs at least two symbols")
        return cols[0], cols[1]


def _d(value: Any, missing: str) -> str:
    return missing if value is None else pd.Timestamp(value).date().isoformat()
