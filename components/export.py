"""Download buttons for the pages' tables: the file is built when the button is clicked.

Each button is a :class:`panel.widgets.FileDownload` with a callback: nothing is computed
while the page is shown, and a click asks the model for its export frame (for example
:meth:`lab.models.scan.ScanModel.scan_table`) and turns it into bytes with
:func:`lab.export.frame_bytes`. The file name comes from :func:`lab.export.export_filename`,
safe whatever the symbols are called. A frame that cannot be built (invalid data or
parameters) is reported in the page's error bar, naming the table.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pandas as pd
import panel as pn

from components._reactive import ErrorBar
from lab.export import export_filename, frame_bytes

FORMAT_LABELS = {"csv": "CSV", "parquet": "Parquet"}
"""Button label of each export format."""


def download_button(
    what: str,
    frame: Callable[[], pd.DataFrame],
    fmt: str,
    name_parts: Callable[[], tuple[Any, ...]],
    errors: ErrorBar,
    **params: Any,
) -> pn.widgets.FileDownload:
    """A button downloading ``frame()`` as ``fmt`` (``"csv"`` or ``"parquet"``).

    Parameters
    ----------
    what : str
        The table's kind, used in the label, the file name (``arblab-<what>-...``) and the
        error message, for example ``"trades"``.
    frame : callable
        Returns the frame to export; called on click only.
    fmt : {"csv", "parquet"}
    name_parts : callable
        Returns the parts of the file name after ``what`` (symbols, metric, ...), read on
        click so the name follows the current state.
    errors : ErrorBar
        The page's error bar: a frame that raises ``ValueError`` is reported there (and the
        download does not happen); the message goes away after the next successful export.
    **params
        Passed to :class:`~panel.widgets.FileDownload`.
    """
    key = f"export-{what}-{fmt}"
    label = f"{what.replace('-', ' ').capitalize()} ({FORMAT_LABELS[fmt]})"
    params.setdefault("sizing_mode", "stretch_width")
    params.setdefault("css_classes", [f"arb-export-{what}-{fmt}"])
    button = pn.widgets.FileDownload(
        filename=export_filename(what, fmt=fmt),
        label=label,
        embed=False,
        color="primary",
        variant="outline",
        description=f"Download the {what.replace('-', ' ')} table as {FORMAT_LABELS[fmt]}; "
        "built when clicked, from the numbers on the page.",
        **params,
    )

    def build() -> io.BytesIO:
        try:
            data = frame_bytes(frame(), fmt)
            filename = export_filename(what, *name_parts(), fmt=fmt)
        except ValueError as exc:
            errors.set(key, f"Cannot export the {what.replace('-', ' ')} table: {exc}")
            raise
        errors.set(key, None)
        button.filename = filename
        return io.BytesIO(data)

    button.callback = build
    return button
