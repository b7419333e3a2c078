"""Report export: one self-contained HTML file of a session's analysis.

The same builder serves ``arblab report`` (:mod:`lab.report.cli`), the app's "Export report"
button and notebooks::

    from lab.models.session import LabSession
    from lab.report import build_report, write_report

    session = LabSession()
    session.pair.param.update(y="KO", x="PEP", lookback=40)
    write_report("ko-pep.html", session)

:func:`~lab.report.content.collect` reads the numbers from the session's models (it never
computes analytics itself); :func:`~lab.report.render.render_html` lays them out with inline
BokehJS, so the file opens offline.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lab.report.content import ReportContent, collect
from lab.report.render import render_html


def build_report(
    session: Any,
    include: Any = None,
    benchmark: Any = None,
    command: str | None = None,
    title: str | None = None,
    view: Any = None,
) -> str:
    """The HTML report of ``session`` (see :func:`~lab.report.content.collect` for the
    arguments)."""
    return render_html(
        collect(
            session, include=include, benchmark=benchmark, command=command, title=title, view=view
        )
    )


def write_report(path: str | Path, session: Any, **options: Any) -> Path:
    """Build the report of ``session`` and write it to ``path`` (UTF-8); returns the path."""
    path = Path(path)
    path.write_text(build_report(session, **options), encoding="utf-8")
    return path


__all__ = ["ReportContent", "build_report", "collect", "render_html", "write_report"]
