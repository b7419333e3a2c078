"""Read an exported report back (tests only): its embedded JSON and the numbers it shows.

Used to compare two reports (a headless ``arblab report`` run against an export from the app,
or today's report against last week's) without a browser::

    from tests.support.report import read_report
    a, b = read_report(open("cli.html").read()), read_report(open("ui.html").read())
    assert a.metrics == b.metrics
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from lab.format import MISSING, NEG_INF, POS_INF


@dataclass
class ParsedReport:
    """What :func:`read_report` finds in a report file.

    Attributes
    ----------
    metrics : dict
        The ``arblab-metrics`` JSON block: ``{"in_sample": {...}, "out_of_sample": {...}}``.
    data : dict
        The ``arblab-report`` JSON block (every number of the report).
    cells : dict of str to str
        Visible text of each metric cell, keyed by its ``data-metric`` (``"sharpe:out"``).
    plots : list of str
        Names of the plot containers (``data-plot``), in page order.
    external : list of str
        ``src``/``href`` attributes that load anything besides inline ``data:`` URIs or
        in-page ``#`` anchors (a self-contained report has none).
    """

    metrics: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)
    plots: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out = ParsedReport()
        self._script: str | None = None
        self._cell: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for key in ("src", "href"):
            value = a.get(key)
            if value and not value.startswith(("data:", "#")):
                self.out.external.append(value)
        if (
            tag == "script"
            and a.get("type") == "application/json"
            and a.get("id", "").startswith("arblab-")
        ):
            self._script = a["id"]
            self._text = []
        elif a.get("data-metric"):
            self._cell = a["data-metric"]
            self._text = []
        if a.get("data-plot"):
            self.out.plots.append(a["data-plot"])

    def handle_data(self, data: str) -> None:
        if self._script is not None or self._cell is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            value = json.loads("".join(self._text))
            if self._script == "arblab-metrics":
                self.out.metrics = value
            elif self._script == "arblab-report":
                self.out.data = value
            self._script = None
        elif self._cell is not None and tag in ("td", "th", "div", "span"):
            self.out.cells[self._cell] = "".join(self._text).strip()
            self._cell = None


def read_report(html: str) -> ParsedReport:
    """Parse an exported report (see :class:`ParsedReport`)."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.out


def parse_number(text: str) -> float | None:
    """The number a visible cell shows: ``"+2.35%"`` -> 0.0235, ``"1,006"`` -> 1006.0;
    None for :data:`~lab.format.MISSING`, signed infinity for ``∞`` / ``-∞``."""
    text = text.strip()
    if text == MISSING:
        return None
    if text in (POS_INF, NEG_INF):
        return float("inf") if text == POS_INF else float("-inf")
    scale = 1.0
    if text.endswith("%"):
        text, scale = text[:-1], 0.01
    return float(text.replace(",", "").replace("+", "")) * scale


def shown_precision(text: str) -> float:
    """Half a unit in the last digit shown (the rounding error of a visible number)."""
    body = text.strip().rstrip("%")
    decimals = len(body.split(".")[1]) if "." in body else 0
    return 0.5 * 10.0 ** (-decimals) * (0.01 if text.strip().endswith("%") else 1.0)
