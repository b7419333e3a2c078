"""Split the long scans into chunks, so the server can report progress and stop when the caller
cancels or its deadline passes.

* ``pair_scan`` is split into chunks of column pairs (the ``pairs=`` keyword of
  :func:`lab.analytics.pair_scan`) and the parts are merged with
  :func:`lab.analytics.cointegration.merge_pair_scans`, which re-ranks the pairs and recomputes
  the Benjamini-Hochberg q-values over all of them, so the merged result equals the unsplit one.
* ``sweep`` is split along its lookback axis (``grid["lookback"]``) and the parts' value grids
  are concatenated along that axis.

Every plan is a list of ``(args, kwargs)`` for the engine's own function plus a merge function;
a call that cannot be split (fewer items than two chunks) is one chunk.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from lab.analytics.backtest import stack_sweeps

TARGET_CHUNKS = 8
"""Number of chunks a splittable call is cut into (fewer when it has fewer items)."""


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


def _split(n_items: int, n_chunks: int) -> list[slice]:
    bounds = np.linspace(0, n_items, min(n_chunks, n_items) + 1).round().astype(int)
    return [slice(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:], strict=True) if b > a]


def _single(function: Callable[..., Any], args: tuple, kwargs: dict, size: int, unit: str) -> Plan:
    return Plan([(args, kwargs)], [max(size, 1)], unit, lambda parts: parts[0])


def _bind(
    function: Callable[..., Any], args: Sequence[Any], kwargs: dict
) -> inspect.BoundArguments:
    return inspect.signature(function).bind(*args, **kwargs)


def plan_pair_scan(
    function: Callable[..., Any], args: tuple, kwargs: dict, n_chunks: int = TARGET_CHUNKS
) -> Plan:
    """Chunks of column pairs for ``pair_scan(prices, ..., pairs=None)``."""
    from lab.analytics import cointegration

    bound = _bind(function, args, kwargs)
    prices = bound.arguments.get("prices")
    n_cols = int(np.shape(prices)[1]) if np.ndim(prices) == 2 else 0
    pairs = bound.arguments.get("pairs")
    if pairs is None:
        pairs = np.array(
            [(i, j) for i in range(n_cols) for j in range(i + 1, n_cols)], dtype=np.int64
        )
    else:
        pairs = np.asarray(pairs)
    merge = getattr(cointegration, "merge_pair_scans", None)
    splittable = (
        merge is not None
        and "pairs" in inspect.signature(function).parameters
        and pairs.ndim == 2
        and len(pairs) >= 2
    )
    if not splittable:
        return _single(
            function, tuple(args), dict(kwargs), len(pairs) if pairs.ndim == 2 else 1, "pairs"
        )
    parts = []
    sizes = []
    for piece in _split(len(pairs), n_chunks):
        chunk = dict(bound.arguments)
        chunk["pairs"] = pairs[piece]
        parts.append(((), chunk))
        sizes.append(piece.stop - piece.start)
    return Plan(parts, sizes, "pairs", merge)


def plan_sweep(
    function: Callable[..., Any], args: tuple, kwargs: dict, n_chunks: int = TARGET_CHUNKS
) -> Plan:
    """Chunks of the lookback axis for ``sweep(y, x, grid, ...)`` (grid order is kept)."""
    bound = _bind(function, args, kwargs)
    grid = bound.arguments.get("grid")
    if not isinstance(grid, dict) or "lookback" not in grid:
        return _single(function, tuple(args), dict(kwargs), 1, "lookbacks")
    lookbacks = np.asarray(grid["lookback"])
    if lookbacks.ndim != 1 or len(lookbacks) < 2:
        return _single(function, tuple(args), dict(kwargs), max(lookbacks.size, 1), "lookbacks")
    parts = []
    sizes = []
    for piece in _split(len(lookbacks), n_chunks):
        chunk = dict(bound.arguments)
        chunk["grid"] = {**grid, "lookback": lookbacks[piece]}
        parts.append(((), chunk))
        sizes.append(piece.stop - piece.start)
    return Plan(parts, sizes, "lookbacks", merge_sweeps)


def merge_sweeps(parts: list[Any]) -> Any:
    """One :class:`~lab.analytics.backtest.SweepResult` from results on consecutive chunks of
    lookbacks: ``lookbacks`` and the rows of ``values`` are concatenated in order; the other
    fields (entry_zs, metric, sample) are those every part shares."""
    first = parts[0]
    for other in parts[1:]:
        if not np.array_equal(other.entry_zs, first.entry_zs) or (other.metric, other.sample) != (
            first.metric,
            first.sample,
        ):
            raise RuntimeError("sweep chunks disagree on entry_zs, metric or sample")
    return stack_sweeps(parts)


PLANNERS: dict[str, Callable[..., Plan]] = {"pair_scan": plan_pair_scan, "sweep": plan_sweep}
"""Functions the server runs in chunks, with their planners."""


def plan(function_name: str, function: Callable[..., Any], args: tuple, kwargs: dict) -> Plan:
    """The chunk plan of a call (a single chunk for functions that are not split)."""
    planner = PLANNERS.get(function_name)
    if planner is None:
        return _single(function, tuple(args), dict(kwargs), 1, "calls")
    return planner(function, args, kwargs)
