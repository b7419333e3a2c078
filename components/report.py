"""The sidebar's "Export report" button: the session's analysis as one self-contained HTML file.

The button is a :class:`panel.widgets.FileDownload` whose callback asks
:func:`lab.report.build_report` (the same builder as ``arblab report``) for the report of the
session's models, so the downloaded file holds exactly the numbers shown on the pages. The
report includes the optional analyses the session has computed (regimes, portfolio) and the
last benchmark run, if any.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import panel as pn
import param

from components import theme
from lab.export import safe_name_part
from lab.models.session import LabSession
from lab.report import build_report


def report_filename(session: LabSession, now: dt.datetime | None = None) -> str:
    """``arblab-report-<Y>-<X>-<YYYYmmdd-HHMMSS>.html``, the symbols made file-safe by
    :func:`lab.export.safe_name_part` (the same rule as the table downloads')."""
    now = now or dt.datetime.now()
    pair = "-".join(safe_name_part(s) for s in (session.pair.y, session.pair.x))
    return f"arblab-report-{pair}-{now:%Y%m%d-%H%M%S}.html"


class ReportButton(pn.viewable.Viewer):
    """Download the session's report.

    Parameters
    ----------
    session : LabSession
        The models the report is read from.
    benchmark : callable, optional
        Returns the :class:`~lab.bench.runner.BenchResults` to include (the Benchmark page's
        last run) or None.
    """

    session = param.ClassSelector(class_=LabSession, doc="The session whose analysis is exported.")
    benchmark = param.Callable(
        default=None, allow_None=True, doc="Returns the benchmark results to include, or None."
    )
    view = param.Callable(
        default=None,
        allow_None=True,
        doc="Returns the exported view's state (LabApp.view_state: page, link), or None.",
    )
    status = param.String(default="", constant=True, doc="Outcome of the last export (read-only).")
    error = param.String(
        default="",
        constant=True,
        doc="Why the last export failed, empty if it did not (read-only).",
    )

    def __init__(self, **params: Any) -> None:
        if params.get("session") is None:
            params["session"] = LabSession()
        super().__init__(**params)
        theme.setup()
        self.download = pn.widgets.FileDownload(
            callback=self._file,
            filename="arblab-report.html",
            label="Export report",
            color="primary",
            embed=False,
            sizing_mode="stretch_width",
            css_classes=["arb-report-button"],
            description="Download one self-contained HTML file (opens offline) with the pair, "
            "window, parameters, backend, dataset and the analyses shown.",
        )
        self._message = theme.html(
            pn.bind(self._message_html, self.param.status, self.param.error),
            css_classes=["arb-report-status"],
            margin=(0, 10),
        )
        self._layout = pn.Column(
            theme.html('<div class="arb-section-title">Report</div>', margin=(0, 10)),
            self.download,
            self._message,
            sizing_mode="stretch_width",
        )

    @classmethod
    def for_app(cls, app: Any) -> ReportButton:
        """The button for a :class:`components.app.LabApp` (a ``sidebar_extensions`` factory):
        its session, and the Benchmark page's results once that page exists."""

        def benchmark() -> Any:
            page = getattr(app, "pages", {}).get("Benchmark")
            return getattr(page, "results", None)

        return cls(session=app.session, benchmark=benchmark, view=app.view_state)

    # -- building -----------------------------------------------------------------------------
    def build(self) -> str:
        """The report's HTML for the session's current state (raises ``ValueError`` when the
        current parameters are invalid; :attr:`error` then says why)."""
        results = self.benchmark() if self.benchmark is not None else None
        try:
            view = self.view() if self.view is not None else None
            html = build_report(self.session, benchmark=results, view=view)
        except ValueError as exc:
            with param.edit_constant(self):
                self.param.update(error=str(exc), status="")
            raise
        pair = f"{self.session.pair.y} / {self.session.pair.x}"
        with param.edit_constant(self):
            self.param.update(
                error="",
                status=f"{pair}: {len(html.encode()) / 1e6:.1f} MB, built {dt.datetime.now():%H:%M:%S}",
            )
        return html

    def _file(self) -> io.BytesIO:
        html = self.build()
        self.download.filename = report_filename(self.session)
        return io.BytesIO(html.encode("utf-8"))

    @staticmethod
    def _message_html(status: str, error: str) -> str:
        import html

        if error:
            return f'<div class="arb-neg" data-report="error">Cannot export: {html.escape(error)}</div>'
        if status:
            return f'<div class="arb-note" data-report="ok">Report exported: {html.escape(status)}</div>'
        return '<div class="arb-note">One HTML file with the pair, backtest, analyses you ran and benchmarks; opens offline.</div>'

    def __panel__(self) -> pn.viewable.Viewable:
        return self._layout


def sidebar_button(app: Any) -> ReportButton:
    """Factory for ``LabApp.sidebar_extensions``."""
    return ReportButton.for_app(app)
