"""Split long calls into chunks and merge the parts: one plan shared by the gRPC server (which
reports progress and stops between chunks when the caller cancels or its deadline passes) and
the Dask backend (which runs the chunks on its workers).

An analytic is chunked when its registry entry (:mod:`lab.analytics.registry`) declares a
:class:`Chunking`:

* ``pair_scan`` is split into chunks of column pairs (its ``pairs=`` keyword) and the parts are
  merged by :func:`lab.analytics.cointegration.merge_pair_scans`, which re-ranks the pairs and
  recomputes the Benjamini-Hochberg q-values over all of them, so the merged result equals the
  unsplit one;
* ``sweep`` is split along its lookback axis (``grid["lookback"]``) and the parts' surfaces are
  stacked back by :func:`lab.analytics.backtest.merge_sweeps`;
* ``backtest_many`` is split into chunks of consecutive columns (a broadcast column or
  PairParams goes to every chunk) and the parts are concatenated back by
  :func:`lab.analytics.backtest.batch.merge_batches` (declared there, :data:`lab.analytics.backtest.batch.BACKTEST_MANY`).

A call that cannot be split (fewer items than two chunks, or an argument the split does not
understand, which the engine itself will then validate) is one chunk.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from lab.analytics.backtest import merge_sweeps
from lab.analytics.cointegration import all_pairs, merge_pair_scans

TARGET_CHUNKS = 8
"""Chunks a splittable call is cut into on the server (fewer when it has fewer items)."""

Parts = list[tuple[dict[str, Any], int]]
"""Keyword arguments of each chunk's call and the number of items it covers."""


@dataclass(frozen=True)
class Chunking:
    """How one analytic is split and merged.

    Attributes
    ----------
    unit : str
        What the items are (``"pairs"``, ``"lookbacks"``), for progress.
    split : callable
        ``split(arguments, n_chunks) -> Parts | None`` from the call's bound arguments (all
        parameters by name, defaults applied); None when the call is not splittable.
    merge : callable
        ``list of partial results -> result``.
    """

    unit: str
    split: Callable[[dict[str, Any], int], Parts | None]
    merge: Callable[[list[Any]], Any]


@dataclass
class Plan:
    """How one call is run in chunks.

    Attributes
    ----------
    parts : list of (tuple, dict)
        Positional and keyword arguments of each chunk's call.
    sizes : list of int
        Items (pairs, lookbacks) in each chunk, for progress.
    unit : str
        What the items are.
    merge : callable
        ``list of partial results -> result``.
    """

    parts: list[tuple[tuple[Any, ...], dict[str, Any]]]
    sizes: list[int]
    unit: str
    merge: Callable[[list[Any]], Any]

    @property
    def total(self) -> int:
        return int(sum(self.sizes))


def split_range(n_items: int, n_chunks: int) -> list[slice]:
    """At most ``n_chunks`` contiguous, non-empty, near-equal slices covering ``range(n_items)``."""
    n_chunks = max(1, min(int(n_chunks), int(n_items)))
    bounds = np.linspace(0, n_items, n_chunks + 1).round().astype(int)
    return [slice(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:], strict=True) if b > a]


def _first(parts: list[Any]) -> Any:
    return parts[0]


def plan(
    spec: Chunking | None,
    signature: inspect.Signature | None,
    function: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    n_chunks: int = TARGET_CHUNKS,
) -> Plan:
    """The chunk plan of the call ``function(*args, **kwargs)``, split by ``spec`` (None: not
    chunked) after binding the arguments to the contract's ``signature``.

    Arguments that do not bind to the signature, and calls that are not splittable, give a
    single chunk holding the call as it was made (the engine then reports the error). The
    registry's :func:`lab.analytics.registry.plan` looks up an analytic's ``spec`` and
    ``signature`` by name.
    """
    single = Plan([(tuple(args), dict(kwargs))], [1], spec.unit if spec else "calls", _first)
    if spec is None or signature is None or n_chunks < 2:
        return single
    try:
        bound = signature.bind(*args, **kwargs)
    except TypeError:
        return single
    bound.apply_defaults()
    parts = spec.split(dict(bound.arguments), n_chunks)
    if not parts or len(parts) < 2:
        return single
    return Plan([((), kw) for kw, _ in parts], [size for _, size in parts], spec.unit, spec.merge)


# --------------------------------------------------------------------------------------------
# the chunked analytics


def _split_pair_scan(arguments: dict[str, Any], n_chunks: int) -> Parts | None:
    prices = arguments["prices"]
    if np.ndim(prices) != 2:
        return None
    pairs = arguments.get("pairs")
    if pairs is None:
        pairs = all_pairs(int(np.shape(prices)[1]))
    else:
        pairs = np.asarray(pairs)
        if pairs.ndim != 2 or pairs.dtype.kind not in "iu":
            return None
    return [
        ({**arguments, "pairs": pairs[s]}, s.stop - s.start)
        for s in split_range(len(pairs), n_chunks)
    ]


def _split_sweep(arguments: dict[str, Any], n_chunks: int) -> Parts | None:
    grid = arguments["grid"]
    if not isinstance(grid, dict) or "lookback" not in grid:
        return None
    lookbacks = np.asarray(grid["lookback"])
    if lookbacks.ndim != 1:
        return None
    return [
        ({**arguments, "grid": {**grid, "lookback": lookbacks[s]}}, s.stop - s.start)
        for s in split_range(lookbacks.size, n_chunks)
    ]


PAIR_SCAN = Chunking("pairs", _split_pair_scan, merge_pair_scans)
"""``pair_scan`` in chunks of column pairs."""

SWEEP = Chunking("lookbacks", _split_sweep, merge_sweeps)
"""``sweep`` in chunks of the lookback axis (grid order kept)."""
