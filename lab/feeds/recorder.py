"""A crash-safe recorder of book events: Arrow IPC stream segments plus a JSON manifest.

Layout of a recording directory::

    manifest.json          what is durable: segments, their rows and byte lengths
    seg-000000.arrows      Arrow IPC stream files (columns of EVENT_DTYPE), one per session
    seg-000001.arrows      ...

Durability protocol (``flush``): the buffered rows are written as one record batch, the
segment file is flushed and ``fsync``-ed, then the manifest is rewritten atomically (temporary
file, ``fsync``, ``os.replace``, ``fsync`` of the directory) with the segment's new row count
and byte length. Only then is the flush acknowledged (:class:`Durable`). So after a ``kill -9``
at any moment, every acknowledged row is inside the byte range the manifest names; bytes past it
belong to a flush that was never acknowledged.

Reopening a directory (:class:`Recorder` with an existing manifest) truncates the last segment to
its manifest length (a torn tail is cut, never read), checks every segment reads back to exactly
its manifest row count, deletes a segment file the manifest does not list (it was created but
never acknowledged), and appends to a NEW segment (an IPC stream cannot be reopened for appends).

Threads: :class:`Recorder` flushes on the thread that calls it. A feed's event loop records
through :class:`lab.feeds.writer.RecorderThread` instead, which runs this same recorder on a
writer thread so that no write or ``fsync`` ever runs on the loop.

Readers: :func:`read_recording` (a pandas DataFrame or :class:`LOBEvents`), or plain pyarrow:
``pyarrow.ipc.open_stream(path).read_all()`` on any segment the recorder closed or reopened.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

MANIFEST = "manifest.json"
FORMAT = "arblab-lob-recording"
VERSION = 1

COLUMNS = (
    ("seq", "int64"),
    ("time", "float64"),
    ("kind", "int8"),
    ("side", "int8"),
    ("price", "float64"),
    ("qty", "float64"),
)
"""Recorded columns: the fields of :data:`lab.analytics.orderbook.EVENT_DTYPE` (kept in step by
a test; declared here so that the recorder imports no analytics)."""

SCHEMA = pa.schema([(name, pa.from_numpy_dtype(np.dtype(t))) for name, t in COLUMNS])

MAX_FLUSH_ROWS = 10_000_000
"""Upper bound of ``flush_rows``."""


@dataclass(frozen=True)
class Durable:
    """What the last acknowledged flush made durable.

    Attributes
    ----------
    rows : int
        Rows durable in the whole recording.
    last_seq : int
        ``seq`` of the last durable row (-1 if none).
    segments : int
        Segments in the recording.
    latency : float
        Seconds the flush took (write + fsync + manifest).
    """

    rows: int
    last_seq: int
    segments: int
    latency: float


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_manifest(directory: Path, manifest: dict) -> None:
    tmp = directory / (MANIFEST + ".tmp")
    with open(tmp, "w") as f:
        json.dump(manifest, f, indent=1)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, directory / MANIFEST)
    _fsync_dir(directory)


def read_manifest(directory: str | Path) -> dict:
    """The manifest of a recording (ValueError if missing or not a recording)."""
    path = Path(directory) / MANIFEST
    try:
        manifest = json.loads(path.read_text())
    except (FileNotFoundError, NotADirectoryError):
        raise ValueError(f"{directory} is not a recording: no {MANIFEST}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path} is not valid JSON: {exc}") from None
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ValueError(f"{path} is not an {FORMAT} manifest")
    if manifest.get("version") != VERSION:
        raise ValueError(f"{path}: unsupported recording version {manifest.get('version')}")
    return manifest


def _read_segment(path: Path, nbytes: int) -> pa.Table:
    if nbytes == 0:  # created, nothing written yet (pyarrow writes the schema with the 1st batch)
        return SCHEMA.empty_table()
    with open(path, "rb") as f:
        data = f.read(nbytes)
    if len(data) < nbytes:
        raise ValueError(
            f"{path.name} is shorter ({len(data)} bytes) than its manifest says ({nbytes}): "
            "acknowledged data is missing"
        )
    try:
        return pa.ipc.open_stream(pa.BufferReader(data)).read_all()
    except (pa.ArrowInvalid, OSError) as exc:
        raise ValueError(f"{path.name} is corrupt within its durable range: {exc}") from None


def read_table(directory: str | Path) -> pa.Table:
    """All durable rows of a recording as one Arrow table (only the manifest's byte ranges are
    read, so this works on a recording whose writer crashed). A missing, malformed or corrupt
    recording raises ``ValueError`` naming the problem."""
    directory = Path(directory)
    manifest = read_manifest(directory)
    tables = []
    try:
        segments = [(str(seg["file"]), int(seg["bytes"]), int(seg["rows"]))
                    for seg in manifest["segments"]]  # fmt: skip
    except (KeyError, TypeError, ValueError):
        raise ValueError(f"{directory / MANIFEST} does not list its segments correctly") from None
    for name, nbytes, rows in segments:
        path = directory / name
        if path.parent != directory or not path.is_file():
            raise ValueError(f"segment {name!r} of {directory} is missing")
        table = _read_segment(path, nbytes)
        if table.num_rows != rows:
            raise ValueError(f"{name} holds {table.num_rows} rows, manifest says {rows}")
        tables.append(table)
    if not tables:
        return SCHEMA.empty_table()
    return pa.concat_tables(tables)


MAX_LISTED = 500
"""Most recordings :func:`list_recordings` reports."""


@dataclass(frozen=True)
class RecordingInfo:
    """One entry of :func:`list_recordings`.

    Attributes
    ----------
    name : str
        Directory name.
    path : str
        Directory path.
    rows : int
        Durable rows the manifest lists (0 if unreadable).
    error : str
        Why the manifest cannot be read ('' if it can; the segments are checked on replay).
    """

    name: str
    path: str
    rows: int
    error: str


def list_recordings(root: str | Path) -> list[RecordingInfo]:
    """The recordings directly under ``root`` (directories holding a ``manifest.json``), by
    name, at most :data:`MAX_LISTED`; an absent ``root`` has none."""
    root = Path(root)
    if not root.is_dir():
        return []
    out = []
    for path in sorted(p for p in root.iterdir() if (p / MANIFEST).is_file())[:MAX_LISTED]:
        try:
            manifest = read_manifest(path)
            rows, error = int(manifest.get("rows", 0)), ""
        except (ValueError, OSError, TypeError) as exc:
            rows, error = 0, str(exc)
        out.append(RecordingInfo(path.name, str(path), rows, error))
    return out


def read_recording(directory: str | Path, as_events: bool = False):
    """A recording as a pandas DataFrame (columns :data:`COLUMNS`), or as
    :class:`~lab.analytics.orderbook.LOBEvents` with ``as_events=True``."""
    table = read_table(directory)
    if not as_events:
        return table.to_pandas()
    from lab.analytics.orderbook import LOBEvents

    return LOBEvents(*(table.column(name).to_numpy() for name, _ in COLUMNS))


def as_columns(events) -> tuple[np.ndarray, ...]:
    """The :data:`COLUMNS` of ``events`` (an :class:`LOBEvents` or a structured array with
    those fields) as a tuple of arrays, without a copy (ValueError naming missing columns).
    The caller must not modify them afterwards (a feed's batches are never modified)."""
    if all(hasattr(events, name) for name, _ in COLUMNS):  # LOBEvents: columns as arrays
        return tuple(np.asarray(getattr(events, name)) for name, _ in COLUMNS)
    rec = np.asarray(events)
    names = rec.dtype.names or ()
    missing = [n for n, _ in COLUMNS if n not in names]
    if missing:
        raise ValueError(f"events are missing column(s) {missing}")
    return tuple(rec[name] for name, _ in COLUMNS)


class Recorder:
    """Append book events to a recording directory, crash-safely (see the module docstring).

    Parameters
    ----------
    directory : path
        Created if missing; an existing recording is recovered and appended to.
    flush_rows : int
        Flush when this many rows are buffered (1..10,000,000).
    flush_seconds : float
        Flush when the oldest buffered row is this old (checked on every append, and by
        :meth:`maybe_flush`).
    meta : dict, optional
        JSON-able description of the source, stored in the manifest on creation.
    on_flush : callable, optional
        Called with each :class:`Durable` after it is acknowledged.
    """

    def __init__(
        self,
        directory: str | Path,
        flush_rows: int = 65_536,
        flush_seconds: float = 0.25,
        meta: dict | None = None,
        on_flush=None,
    ) -> None:
        if not 1 <= int(flush_rows) <= MAX_FLUSH_ROWS:
            raise ValueError(f"flush_rows must be in [1, {MAX_FLUSH_ROWS}], got {flush_rows}")
        if not flush_seconds > 0:
            raise ValueError(f"flush_seconds must be positive, got {flush_seconds}")
        self.directory = Path(directory)
        self.flush_rows = int(flush_rows)
        self.flush_seconds = float(flush_seconds)
        self.on_flush = on_flush
        self.flush_latencies: list[float] = []
        self.recovered_bytes = 0
        self.directory.mkdir(parents=True, exist_ok=True)
        if (self.directory / MANIFEST).exists():
            self.manifest = read_manifest(self.directory)
            self._recover()
        else:
            self.manifest = {
                "format": FORMAT,
                "version": VERSION,
                "columns": [list(c) for c in COLUMNS],
                "created_unix": time.time(),
                "meta": meta or {},
                "segments": [],
                "rows": 0,
                "last_seq": -1,
            }
        self._buffer: list[tuple[np.ndarray, ...]] = []  # appended columns
        self._buffered = 0
        self._oldest: float | None = None
        self._open_segment()
        self.closed = False

    # -- recovery ----------------------------------------------------------------------------
    def _recover(self) -> None:
        listed = {seg["file"] for seg in self.manifest["segments"]}
        for path in self.directory.glob("seg-*.arrows"):
            if path.name not in listed:
                path.unlink()  # created, never acknowledged
        for seg in self.manifest["segments"]:
            path = self.directory / seg["file"]
            size = path.stat().st_size if path.exists() else 0
            if size > seg["bytes"]:
                self.recovered_bytes += size - seg["bytes"]
                with open(path, "r+b") as f:
                    f.truncate(seg["bytes"])
                    f.flush()
                    os.fsync(f.fileno())
            table = _read_segment(path, seg["bytes"])
            if table.num_rows != seg["rows"]:
                raise ValueError(
                    f"{seg['file']} holds {table.num_rows} rows, manifest says {seg['rows']}"
                )

    def _open_segment(self) -> None:
        index = len(self.manifest["segments"])
        name = f"seg-{index:06d}.arrows"
        self._file = open(self.directory / name, "wb")
        self._writer = pa.ipc.new_stream(self._file, SCHEMA)
        self._file.flush()
        os.fsync(self._file.fileno())
        self.manifest["segments"].append(
            {"file": name, "rows": 0, "bytes": self._file.tell(), "first_seq": None,
             "last_seq": None}
        )  # fmt: skip
        _write_manifest(self.directory, self.manifest)

    # -- writing -----------------------------------------------------------------------------
    @property
    def buffered_rows(self) -> int:
        """Rows appended but not yet flushed (lost if the process dies now)."""
        return self._buffered

    @property
    def oldest_buffered(self) -> float | None:
        """``time.monotonic()`` when the oldest buffered row was appended (None if none)."""
        return self._oldest

    @property
    def durable(self) -> Durable:
        m = self.manifest
        return Durable(m["rows"], m["last_seq"], len(m["segments"]), 0.0)

    def append(self, events) -> Durable | None:
        """Buffer ``events`` (an :class:`LOBEvents` or structured array with the
        :data:`COLUMNS` fields); flush if a boundary is reached. Returns the flush's
        :class:`Durable` if one happened."""
        if self.closed:
            raise ValueError("the recorder is closed")
        return self.append_columns(as_columns(events))

    def append_columns(self, cols: tuple[np.ndarray, ...]) -> Durable | None:
        """:meth:`append` of columns already taken by :func:`as_columns`."""
        if self.closed:
            raise ValueError("the recorder is closed")
        if len(cols[0]):
            self._buffer.append(cols)
            self._buffered += len(cols[0])
            if self._oldest is None:
                self._oldest = time.monotonic()
        return self.maybe_flush()

    def maybe_flush(self) -> Durable | None:
        """Flush if ``flush_rows`` rows are buffered or the oldest is ``flush_seconds`` old."""
        if self._buffered and (
            self._buffered >= self.flush_rows
            or time.monotonic() - self._oldest >= self.flush_seconds
        ):
            return self.flush()
        return None

    def flush(self) -> Durable:
        """Write, fsync and acknowledge everything buffered (see the module docstring)."""
        t0 = time.perf_counter()
        seg = self.manifest["segments"][-1]
        if self._buffered:
            buffer = self._buffer
            batch = pa.record_batch(
                [pa.array(np.concatenate([cols[k] for cols in buffer]).astype(t, copy=False))
                 for k, (_, t) in enumerate(COLUMNS)],
                schema=SCHEMA,
            )  # fmt: skip
            self._writer.write_batch(batch)
            self._file.flush()
            os.fsync(self._file.fileno())
            last = int(buffer[-1][0][-1])
            seg["rows"] += self._buffered
            seg["bytes"] = self._file.tell()
            if seg["first_seq"] is None:
                seg["first_seq"] = int(buffer[0][0][0])
            seg["last_seq"] = last
            self.manifest["rows"] += self._buffered
            self.manifest["last_seq"] = last
            _write_manifest(self.directory, self.manifest)
            self._buffer, self._buffered, self._oldest = [], 0, None
        latency = time.perf_counter() - t0
        self.flush_latencies.append(latency)
        durable = Durable(
            self.manifest["rows"], self.manifest["last_seq"], len(self.manifest["segments"]),
            latency,
        )  # fmt: skip
        if self.on_flush is not None:
            self.on_flush(durable)
        return durable

    def close(self) -> Durable:
        """Flush, end the segment's stream and close the file."""
        if self.closed:
            return self.durable
        durable = self.flush()
        self._writer.close()  # writes the end-of-stream marker
        self._file.flush()
        os.fsync(self._file.fileno())
        self.manifest["segments"][-1]["bytes"] = self._file.tell()
        _write_manifest(self.directory, self.manifest)
        self._file.close()
        self.closed = True
        return durable

    def __enter__(self) -> Recorder:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
