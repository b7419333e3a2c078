"""The server's caches: datasets (content-addressed, least-recently-used, with a memory cap) and
encoded responses (:class:`ResponseCache`).

A dataset is stored once per content ref (:func:`lab.rpc.codec.dataset_ref`); uploading the
same bytes again only refreshes its position. When a new dataset does not fit, the least
recently used ones are evicted until it does; a dataset larger than the whole cap is refused.
Stored values are read-only and every argument built from them is a fresh copy, so an
analytics function can never alter what later calls see.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from lab.rpc import codec
from lab.rpc._gen import analytics_pb2 as pb


class CacheFullError(Exception):
    """A dataset larger than the cache's memory cap."""


@dataclass
class Dataset:
    """One stored dataset: its values (read-only) and, for pandas data, its labels.

    Attributes
    ----------
    ref : str
        Content-addressed ref.
    values : numpy.ndarray
        The values, 1-D or 2-D, read-only.
    labels : FrameLabels or None
        Index, column labels and name when the dataset was a Series or DataFrame.
    """

    ref: str
    values: np.ndarray
    labels: codec.FrameLabels | None = field(default=None, repr=False)

    @property
    def nbytes(self) -> int:
        return int(self.values.nbytes)

    def column_positions(self, selection: pb.DatasetColumns, path: str) -> list[int] | None:
        """Positions of the selected columns, or None for the whole dataset."""
        if selection.columns and selection.column_indices:
            raise codec.WireError(path, "give columns or column_indices, not both")
        if not selection.columns and not selection.column_indices:
            return None
        if self.values.ndim != 2:
            raise codec.WireError(
                f"{path}.columns", f"dataset {self.ref} is 1-D; it has no columns"
            )
        n_cols = self.values.shape[1]
        if selection.column_indices:
            positions = list(selection.column_indices)
            for i, pos in enumerate(positions):
                if not 0 <= pos < n_cols:
                    raise codec.WireError(
                        f"{path}.column_indices[{i}]",
                        f"column {pos} out of range for {n_cols} columns",
                    )
            return positions
        if self.labels is None or self.labels.columns is None:
            raise codec.WireError(
                f"{path}.columns", "dataset has no column labels; select with column_indices"
            )
        labels = [str(label) for label in self.labels.columns]
        lookup = {label: i for i, label in enumerate(labels)}
        positions = []
        for i, label in enumerate(selection.columns):
            if label not in lookup:
                shown = ", ".join(labels[:20]) + (", ..." if len(labels) > 20 else "")
                raise codec.WireError(
                    f"{path}.columns[{i}]", f"no column {label!r}; columns are {shown}"
                )
            positions.append(lookup[label])
        return positions

    def select(self, selection: pb.DatasetColumns, path: str) -> Any:
        """The argument a ``DatasetColumns`` stands for: a copy of (some columns of) the data."""
        positions = self.column_positions(selection, path)
        values = self.values if positions is None else self.values[:, positions]
        squeeze = selection.squeeze and values.ndim == 2 and values.shape[1] == 1
        values = values[:, 0].copy() if squeeze else np.array(values, copy=True)
        if self.labels is None:
            return values
        if self.labels.series:
            return codec.wrap(self.labels, values)
        columns = self.labels.columns if positions is None else self.labels.columns[positions]
        if squeeze:
            return pd.Series(values, index=self.labels.index, name=columns[0], copy=False)
        return codec.wrap(codec.FrameLabels(False, self.labels.index, columns, None), values)


class DatasetCache:
    """Thread-safe LRU of :class:`Dataset` by ref, bounded by ``capacity_bytes`` of values.

    Parameters
    ----------
    capacity_bytes : int
        Memory cap for the stored values, in bytes.
    """

    def __init__(self, capacity_bytes: int) -> None:
        if capacity_bytes <= 0:
            raise ValueError(f"cache capacity must be positive, got {capacity_bytes} bytes")
        self.capacity_bytes = int(capacity_bytes)
        self._items: OrderedDict[str, Dataset] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0
        self.evictions = 0
        self.uploads = 0

    def check_fits(self, nbytes: int) -> None:
        """Refuse a dataset of ``nbytes`` that could never be stored."""
        if nbytes > self.capacity_bytes:
            raise CacheFullError(
                f"dataset of {nbytes / 2**20:.1f} MiB exceeds the server's dataset cache cap of "
                f"{self.capacity_bytes / 2**20:.1f} MiB (server option --cache-mb)"
            )

    def get(self, ref: str) -> Dataset | None:
        """The dataset stored under ``ref`` (now most recently used), or None."""
        with self._lock:
            item = self._items.get(ref)
            if item is None:
                self.misses += 1
                return None
            self._items.move_to_end(ref)
            self.hits += 1
            return item

    def contains(self, ref: str) -> bool:
        """Whether ``ref`` is stored (does not count as a use)."""
        with self._lock:
            return ref in self._items

    def put(self, dataset: Dataset) -> tuple[Dataset, bool]:
        """Store ``dataset`` unless its ref is present; returns (stored dataset, created)."""
        self.check_fits(dataset.nbytes)
        with self._lock:
            self.uploads += 1
            existing = self._items.get(dataset.ref)
            if existing is not None:
                self._items.move_to_end(dataset.ref)
                return existing, False
            while self._items and self._bytes + dataset.nbytes > self.capacity_bytes:
                _, evicted = self._items.popitem(last=False)
                self._bytes -= evicted.nbytes
                self.evictions += 1
            self._items[dataset.ref] = dataset
            self._bytes += dataset.nbytes
            return dataset, True

    def stats(self) -> dict[str, int]:
        """Entries, bytes, capacity and counters."""
        with self._lock:
            return {
                "entries": len(self._items),
                "bytes": self._bytes,
                "capacity_bytes": self.capacity_bytes,
                "hits": self.hits,
                "misses": self.misses,
                "evictions": self.evictions,
                "uploads": self.uploads,
            }


class ResponseCache:
    """Thread-safe LRU of encoded responses (serialised bytes) by request key, bounded in bytes.

    The analytics are pure functions of their arguments, and datasets are named by content
    (their ref is a SHA-256 of dtype, shape and bytes), so a request's serialised bytes together
    with its result options identify its answer. A repeated identical call is answered with the
    bytes the first one produced (its ``server_seconds`` are those of that computation).

    Parameters
    ----------
    capacity_bytes : int
        Memory cap for the stored responses, in bytes; 0 disables the cache.
    max_item_bytes : int
        Largest response kept (bigger ones are answered but not stored); default half the
        capacity.
    """

    def __init__(self, capacity_bytes: int, max_item_bytes: int | None = None) -> None:
        if capacity_bytes < 0:
            raise ValueError(f"response cache capacity must be >= 0, got {capacity_bytes} bytes")
        self.capacity_bytes = int(capacity_bytes)
        self.max_item_bytes = int(capacity_bytes // 2 if max_item_bytes is None else max_item_bytes)
        self._items: OrderedDict[bytes, bytes] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def enabled(self) -> bool:
        return self.capacity_bytes > 0

    def get(self, key: bytes) -> bytes | None:
        """The response stored under ``key`` (now most recently used), or None."""
        with self._lock:
            item = self._items.get(key)
            if item is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return item

    def put(self, key: bytes, response: bytes) -> bool:
        """Store ``response`` under ``key`` unless it is too large; returns whether it was."""
        size = len(response) + len(key)
        if not self.enabled or size > self.max_item_bytes:
            return False
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= len(old) + len(key)
            while self._items and self._bytes + size > self.capacity_bytes:
                k, v = self._items.popitem(last=False)
                self._bytes -= len(v) + len(k)
            self._items[key] = response
            self._bytes += size
            return True

    def stats(self) -> dict[str, int]:
        """Entries, bytes, capacity, hits and misses."""
        with self._lock:
            return {
                "entries": len(self._items),
                "bytes": self._bytes,
                "capacity_bytes": self.capacity_bytes,
                "hits": self.hits,
                "misses": self.misses,
            }


RESPONSE_SHARE = 8
"""The encoded responses take 1/RESPONSE_SHARE of the server's ``--cache-mb``."""


def split_budget(cache_bytes: int, response_cap: int) -> tuple[int, int]:
    """``(dataset bytes, response bytes)`` sharing one ``--cache-mb`` budget: the responses get
    1/:data:`RESPONSE_SHARE` of it, at most ``response_cap``, and the datasets the rest, so
    the two caches together stay within the cap."""
    responses = min(int(response_cap), int(cache_bytes) // RESPONSE_SHARE)
    return int(cache_bytes) - responses, responses
