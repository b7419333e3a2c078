"""The backend selector with its live status light."""

from __future__ import annotations

import html
import threading
from typing import Any

import panel as pn
import param
from tornado.ioloop import PeriodicCallback

from components import theme
from lab.models import BackendModel

LEVEL_TITLES = {
    "ok": "running on the chosen engine",
    "fallback": "fallback: another engine is running the calls",
    "error": "error",
    "off": "not started",
}


def status_html(backend: str, status: str, level: str, engine: str) -> str:
    """The status light: a coloured dot, the backend's own status line and the last engine."""
    ran = (
        f'<div class="arb-engine">last call ran on <b>{html.escape(engine)}</b></div>'
        if engine
        else ""
    )
    return (
        f'<div class="arb-status" data-level="{level}" title="{LEVEL_TITLES[level]}">'
        f'<span class="arb-dot {level}"></span>'
        f'<div><b>{html.escape(backend)}</b>: <span class="arb-status-text">{html.escape(status)}</span>{ran}</div>'
        "</div>"
    )


class BackendView(pn.viewable.Viewer):
    """Choose the backend; a status light shows whether it is running the calls itself.

    The status is polled every ``poll_ms`` milliseconds (:meth:`BackendModel.refresh`, which
    probes a gRPC server), so a server that goes away shows as a fallback within seconds.
    """

    model = param.ClassSelector(class_=BackendModel, doc="The session's backend choice.")
    poll_ms = param.Integer(
        default=1000, bounds=(100, None), doc="Status polling period, in milliseconds."
    )

    def __init__(self, **params: Any) -> None:
        if params.get("model") is None:
            params["model"] = BackendModel()
        super().__init__(**params)
        theme.setup()
        model = self.model
        self._selector = pn.widgets.RadioButtonGroup.from_param(
            model.param.backend,
            label="",
            color="primary",
            variant="outline",
            sizing_mode="stretch_width",
            css_classes=["arb-backend-select"],
        )
        self._grpc = pn.widgets.TextInput.from_param(
            model.param.grpc_address,
            label="gRPC server (host:port)",
            sizing_mode="stretch_width",
            visible=model.param.backend.rx() == "grpc",
        )
        self._dask = pn.widgets.TextInput.from_param(
            model.param.dask_address,
            label="Dask scheduler (empty: local cluster)",
            sizing_mode="stretch_width",
            visible=model.param.backend.rx() == "dask",
        )
        self._light = theme.html(
            pn.bind(
                status_html,
                model.param.backend,
                model.param.status,
                model.param.level,
                model.param.engine,
            ),
            css_classes=["arb-backend-status"],
            margin=(4, 10),
        )
        self._poller: Any = None
        self._poll_loop: Any = None
        self._probing = threading.Lock()
        self._layout = pn.Column(
            theme.html('<div class="arb-section-title">Backend</div>', margin=(0, 10)),
            self._selector,
            self._grpc,
            self._dask,
            self._light,
            sizing_mode="stretch_width",
        )
        pn.state.onload(self.start_polling)

    def start_polling(self) -> None:
        """Poll the backend status periodically (idempotent; stops with the session).

        In a served session the poll is a timer on the server's event loop, not a Panel
        periodic callback: Panel counts its own periodic callbacks as work, so its busy
        indicator (the header spinner) blinked every second while the app was idle, and each
        blink was two more websocket messages. The probe itself runs on a thread, never on the
        event loop, and one at a time (a poll is skipped while the last probe still waits).
        """
        if self._poller is not None:
            return
        doc = pn.state.curdoc
        if doc is not None and doc.session_context is not None:
            # onload callbacks may run on Panel's thread pool: start the timer on the loop
            loop = doc.session_context.server_context.application_context.io_loop
            self._poller = PeriodicCallback(self._poll, self.poll_ms)
            self._poll_loop = loop
            loop.add_callback(self._poller.start)
            pn.state.on_session_destroyed(lambda _ctx: self.stop_polling())
        else:  # a notebook or a test: no server session
            self._poller = pn.state.add_periodic_callback(self.model.refresh, period=self.poll_ms)

    def _poll(self) -> None:
        if not self._probing.acquire(blocking=False):
            return

        def probe() -> None:
            try:
                self.model.refresh()
            finally:
                self._probing.release()

        threading.Thread(target=probe, name="arblab-status-poll", daemon=True).start()

    def stop_polling(self) -> None:
        """Stop the status poll (the session's end stops it too)."""
        poller, self._poller = self._poller, None
        loop, self._poll_loop = self._poll_loop, None
        if poller is None:
            return
        if loop is not None:
            loop.add_callback(poller.stop)  # from any thread
        else:
            poller.stop()

    def __panel__(self) -> pn.viewable.Viewable:
        return self._layout
