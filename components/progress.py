"""The progress line of a model's chunked computation, with Stop and Retry buttons.

It shows a :class:`lab.models.work.Work`: hidden while idle and for the first :data:`DELAY_S`
of a computation (a cached or fast native scan never flashes it), then "Scanning pairs: 48 of
190 pairs", a progress bar and a Stop button, updated from the computing thread as chunks finish.
After a stop it shows what was stopped and a Retry button. The view computes nothing.
"""

from __future__ import annotations

import html
import threading
from typing import Any

import panel as pn
import param

from components import theme
from lab.models.work import Work

DELAY_S = 0.3
"""A computation shorter than this shows no progress line."""


class WorkProgress(pn.viewable.Viewer):
    """Progress, Stop and Retry of one :class:`~lab.models.work.Work`."""

    work = param.ClassSelector(class_=Work, doc="The computation shown.")

    def __init__(self, **params: Any) -> None:
        if params.get("work") is None:
            params["work"] = Work()
        super().__init__(**params)
        w = self.work
        self._text = theme.html("", css_classes=["arb-work-message"], margin=(4, 10))
        self._bar = pn.indicators.Progress(
            value=0, max=1, sizing_mode="stretch_width", height=12, bar_color="primary"
        )
        self._stop = pn.widgets.Button(
            label="Stop",
            button_type="warning",
            width=90,
            css_classes=["arb-work-stop"],
            description="Stop the computation after the chunk in progress (an eighth of it); "
            "nothing partial is shown or cached",
        )
        self._retry = pn.widgets.Button(
            label="Retry",
            button_type="primary",
            width=90,
            css_classes=["arb-work-retry"],
            description="Run the stopped computation again from the start",
        )
        self._stop.on_click(lambda _: w.cancel())
        self._retry.on_click(lambda _: w.retry())
        self._layout = pn.Row(
            pn.Column(self._text, self._bar, sizing_mode="stretch_width"),
            self._stop,
            self._retry,
            visible=False,
            sizing_mode="stretch_width",
            css_classes=["arb-work"],
        )
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._shown = False
        w.param.watch(self._on_running, "running")
        w.param.watch(self._on_done, "done")
        w.param.watch(self._on_message, "message")

    def _reveal(self) -> None:
        with self._lock:
            self._timer = None
            if not self.work.running:
                return
            self._shown = True
            self._update(running=True)

    def _update(self, running: bool) -> None:
        w = self.work
        self._text.object = f'<span class="arb-work-text">{html.escape(w.message)}</span>'
        total = max(w.total, 1)
        self._bar.value = 0  # the bounds follow max: lower the value before changing it
        self._bar.max = total
        self._bar.value = min(w.done, total)
        self._stop.visible = running
        self._retry.visible = not running
        self._layout.visible = running or bool(w.message)

    def _on_running(self, event: param.parameterized.Event) -> None:
        with self._lock:
            if event.new:
                if self._timer is None and not self._shown:
                    self._timer = threading.Timer(DELAY_S, self._reveal)
                    self._timer.daemon = True
                    self._timer.start()
                return
            timer, self._timer = self._timer, None
            if timer is not None:
                timer.cancel()
            self._shown = False
            self._update(running=False)

    def _on_done(self, _: param.parameterized.Event) -> None:
        if self._shown:
            self._update(running=True)

    def _on_message(self, _: param.parameterized.Event) -> None:
        if not self.work.running:
            self._update(running=False)

    def __panel__(self) -> pn.viewable.Viewable:
        return self._layout
