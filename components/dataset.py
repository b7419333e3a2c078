"""The dataset choice and its summary (the sidebar's data block)."""

from __future__ import annotations

import html
from typing import Any

import panel as pn
import param

from components import theme
from components.format import alert_text
from lab.models import DatasetModel

SOURCE_NAMES = {"S&P 500": "sp500", "Synthetic": "synthetic", "File": "file"}


def summary_html(summary: dict[str, Any]) -> str:
    """Provenance of the loaded prices as a definition list."""
    if "rows" not in summary:
        return f'<div class="arb-summary arb-note">{html.escape(summary.get("error") or "no data")}</div>'
    symbols = summary["symbols"]
    shown = ", ".join(symbols[:12]) + (f" … (+{len(symbols) - 12})" if len(symbols) > 12 else "")
    rows = [
        ("source", html.escape(summary["source"])),
        ("range", f"{summary['start']} → {summary['end']}"),
        ("rows", f"{summary['rows']:,} days"),
        (f"symbols ({len(symbols)})", html.escape(shown)),
        ("hash", f"<code>{summary['content_hash']}</code>"),
    ]
    body = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    return f'<div class="arb-summary" data-hash="{summary["content_hash"]}"><dl>{body}</dl></div>'


class DatasetView(pn.viewable.Viewer):
    """Choose the data source and date range; shows what is loaded (source, range, symbols,
    content hash) and the last loading error."""

    model = param.ClassSelector(class_=DatasetModel, doc="The session's dataset.")

    def __init__(self, **params: Any) -> None:
        if params.get("model") is None:
            params["model"] = DatasetModel()
        super().__init__(**params)
        theme.setup()
        model = self.model
        self._source = pn.widgets.RadioButtonGroup.from_param(
            model.param.source,
            options=SOURCE_NAMES,
            label="",
            color="primary",
            variant="outline",
            sizing_mode="stretch_width",
        )
        self._start = pn.widgets.DatePicker.from_param(
            model.param.start, label="From", sizing_mode="stretch_width"
        )
        self._end = pn.widgets.DatePicker.from_param(
            model.param.end, label="To", sizing_mode="stretch_width"
        )
        self._summary = theme.html(
            pn.bind(self._summary_html, model.param.content_hash, model.param.error), margin=(4, 10)
        )
        self._error = theme.alert(
            model.param.error.rx().rx.pipe(alert_text),
            "warning",
            visible=model.param.error.rx().rx.bool(),
            css_classes=["arb-data-error"],
        )
        self._layout = pn.Column(
            theme.html('<div class="arb-section-title">Data</div>', margin=(0, 10)),
            self._source,
            pn.Row(self._start, self._end, sizing_mode="stretch_width"),
            self._summary,
            self._error,
            sizing_mode="stretch_width",
        )

    def _summary_html(self, *_: Any) -> str:
        return summary_html(self.model.summary())

    def __panel__(self) -> pn.viewable.Viewable:
        return self._layout
