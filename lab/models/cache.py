"""A bounded, thread-safe cache for expensive derived results.

Every model keeps one :class:`ResultCache`. Entries are keyed by everything the result depends
on: the analytics function, the backend (name and address) and a content hash of the call's
arguments (:func:`call_key`, a :func:`lab.hashing.fingerprint`), so the key is derived from
what the computation receives and can never leave an argument out. A slider that returns to
an earlier value therefore costs a dictionary lookup, and the cache never grows past ``maxsize`` entries (least recently used entries are evicted).

Concurrent requests for the same key (several plots asking for the same backtest from worker
threads) compute it once: the first caller computes, the others wait for its result.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from lab.hashing import fingerprint


def call_key(function: str, args: tuple, kwargs: dict[str, Any]) -> str:
    """The cache key of ``function(*args, **kwargs)``: a :func:`fingerprint` of the function's
    name, every positional argument and every keyword argument (by name).

    Raises
    ------
    TypeError
        An argument of a type whose content cannot be hashed faithfully (an object whose
        ``repr`` may not show all of its state); such a call must not be cached by key.
    """
    return fingerprint(function, args, kwargs)


@dataclass(frozen=True)
class Computed:
    """A result together with the engine that actually produced it.

    ``fallback`` is true when the chosen backend could not run the call and another engine did
    (for example grpc with the server down); such results are not cached, so the chosen engine
    recomputes them once it is back.
    """

    value: Any
    engine: str
    fallback: bool = False


class ResultCache:
    """Least-recently-used cache of :class:`Computed` results with single-flight computation.

    Parameters
    ----------
    maxsize : int
        Most entries kept; the least recently used entry is evicted beyond it.
    """

    def __init__(self, maxsize: int = 32) -> None:
        if maxsize < 1:
            raise ValueError(f"maxsize must be >= 1, got {maxsize}")
        self.maxsize = int(maxsize)
        self._data: OrderedDict[Hashable, Computed] = OrderedDict()
        self._lock = threading.Lock()
        self._inflight: dict[Hashable, _Flight] = {}
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._data

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def get(
        self,
        key: Hashable,
        compute: Callable[[], Computed],
        keep: Callable[[Computed], bool] | None = None,
    ) -> Computed:
        """Return the entry for ``key``, computing it with ``compute()`` when it is missing.

        Parameters
        ----------
        key : hashable
            Everything the result depends on.
        compute : callable
            Returns a :class:`Computed`. Concurrent callers with the same key wait for the
            first caller's result instead of computing it again; if it raises, each waiter
            computes on its own (and sees the error itself).
        keep : callable, optional
            ``keep(entry)`` decides whether the entry is stored (default: always). Models use
            it to avoid caching a result that a fallback engine produced.
        """
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                self.hits += 1
                return self._data[key]
            flight = self._inflight.get(key)
            owner = flight is None
            if owner:
                flight = _Flight()
                self._inflight[key] = flight
        if not owner:
            flight.done.wait()
            if flight.entry is not None:
                return flight.entry
            return self.get(key, compute, keep)
        try:
            self.misses += 1
            entry = compute()
            flight.entry = entry
            if keep is None or keep(entry):
                with self._lock:
                    self._data[key] = entry
                    self._data.move_to_end(key)
                    while len(self._data) > self.maxsize:
                        self._data.popitem(last=False)
            return entry
        finally:
            with self._lock:
                del self._inflight[key]
            flight.done.set()


class _Flight:
    """One computation in progress: waiters block on ``done`` and then read ``entry``."""

    __slots__ = ("done", "entry")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.entry: Computed | None = None
