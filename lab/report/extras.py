"""Optional report sections: analyses that appear when they are part of the session.

Each entry of :data:`SECTIONS` names a session attribute (``session.regimes``, ...) and knows
how to read its model's results into a :class:`Section` (JSON-ready numbers, tables and the
series a plot draws). An analysis is *part of the session* when its model has computed a
result (its result cache is not empty): a user who opened the Regimes page, or called
``session.regimes.fit()`` in a notebook, gets the regimes in the report.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lab.report import portfolio, regimes
from lab.report.section import Section, SectionSpec

SECTIONS: dict[str, SectionSpec] = {
    "regimes": SectionSpec(regimes.TITLE, regimes.collect, regimes.FUNCTIONS, regimes.figures),
    "portfolio": SectionSpec(
        portfolio.TITLE, portfolio.collect, portfolio.FUNCTIONS, portfolio.figures
    ),
}
"""Optional sections by session attribute name, in report order."""


def read(name: str, model: Any) -> Section:
    """Section ``name`` of ``model``; when the model's current parameters are invalid the
    section says so (with the model's message) instead of failing the whole report."""
    spec = SECTIONS[name]
    try:
        return spec.collect(model)
    except ValueError as exc:
        return Section(title=spec.title, data={"error": str(exc)}, notes=(f"Not available: {exc}",))


def in_use(model: Any) -> bool:
    """True when ``model`` has computed at least one result (its cache is not empty)."""
    cache = getattr(model, "cache", None)
    return cache is not None and len(cache) > 0


def selected(session: Any, include: Iterable[str] | None) -> list[str]:
    """Names of the optional sections to show.

    With ``include=None``: every registered section whose model exists in the session and is
    :func:`in_use`. With explicit names: exactly those (each must be registered and present in
    the session, else ``ValueError``).
    """
    if include is None:
        return [
            n
            for n in SECTIONS
            if getattr(session, n, None) is not None and in_use(getattr(session, n))
        ]
    names = list(dict.fromkeys(include))
    for name in names:
        if name not in SECTIONS:
            known = ", ".join(SECTIONS) or "none"
            raise ValueError(f"unknown report section {name!r}; optional sections: {known}")
        if getattr(session, name, None) is None:
            raise ValueError(
                f"the session has no {name} model, so the report cannot include {name}"
            )
    return [n for n in SECTIONS if n in names]
