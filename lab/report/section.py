"""The shape of an optional report section (regimes, portfolio, ...)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Section:
    """The content of one optional section.

    Attributes
    ----------
    title : str
        Heading shown in the report.
    data : dict
        JSON-ready numbers (embedded in the file's machine-readable block).
    tables : dict of str to (headers, rows)
        Tables shown as HTML, rows of already formatted cells.
    series : dict
        What the section's plots draw (the results the :mod:`lab.plots` builders take).
    notes : tuple of str
        Plain sentences shown under the heading (what was fitted, on which data).
    """

    title: str
    data: dict[str, Any]
    tables: dict[str, tuple[list[str], list[list[str]]]] = field(default_factory=dict)
    series: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class SectionSpec:
    """How to read one optional analysis from its model.

    ``title`` heads the section; ``collect(model) -> Section`` reads it; ``functions`` are the
    analytics functions it uses (the run details name the engine that ran each);
    ``figures(section) -> dict`` builds its plots: HoloViews elements from :mod:`lab.plots`, by
    a name unique in the report.
    """

    title: str
    collect: Callable[[Any], Section]
    functions: tuple[str, ...]
    figures: Callable[[Section], dict[str, Any]] | None = None
