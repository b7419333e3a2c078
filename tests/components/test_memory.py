"""A closed session's app lets go of its models, pages and connections."""

from __future__ import annotations

import time

from components import memory
from components.app import LabApp


def test_release_session_closes_models_and_drops_pages(monkeypatch):
    collected = []
    monkeypatch.setattr(memory, "schedule_collect", lambda: collected.append(True))
    app = LabApp()
    app.show("Mean reversion")
    assert "Mean reversion" in app.pages and app.session.backend._backends
    app.session.orderbook.running = True
    memory.release_session(app)
    assert app.pages == {} and all(len(slot) == 0 for slot in app._slots.values())
    assert app.session.backend._backends == {} and app.session.orderbook.running is False
    assert len(app.sidebar) == 0 and collected == [True]


def test_collect_runs_once_for_many_closes(monkeypatch):
    runs = []
    monkeypatch.setattr(memory.gc, "collect", lambda: runs.append(True))
    for _ in range(5):
        memory.schedule_collect(delay=0.05)
    time.sleep(0.5)
    assert runs == [True]


# -- sessions served and closed through the path ``arblab serve`` uses ---------------------------


def _live_counts() -> tuple[int, int]:
    """Live ``param.Parameterized`` and ``bokeh.model.Model`` objects after a full collection."""
    import gc

    import bokeh.model
    import param

    gc.collect()
    objects = gc.get_objects()
    return (
        sum(isinstance(o, param.Parameterized) for o in objects),
        sum(isinstance(o, bokeh.model.Model) for o in objects),
    )


def _serve_and_close(n_sessions: int, pages: tuple[str, ...]) -> list[tuple[int, int]]:
    """Open and close ``n_sessions`` sessions of :func:`components.app.create_app` on an
    unstarted ``pn.serve`` server, as Bokeh does for a browser tab: the application context
    creates the session (its Document, ``create_app``, the template) and, once the tab is
    gone, discards it (``Document.destroy``, then the ``on_session_destroyed`` hooks, which
    call :func:`components.memory.release_session`). Each session also builds ``pages``.
    Returns the live counts after the first session (the baseline: imports, Panel's and
    HoloViews' one-off registries) and after each later one."""
    import asyncio

    import panel as pn
    from bokeh.util.token import generate_jwt_token, generate_session_id
    from panel.io.state import set_curdoc
    from tornado.httputil import HTTPHeaders, HTTPServerRequest, RequestStartLine

    from components import app as app_module

    built: list[LabApp] = []
    init = app_module.LabApp.__init__

    def recording_init(self, **params):
        init(self, **params)
        built.append(self)

    async def run() -> list[tuple[int, int]]:
        server = pn.serve(
            {"/": app_module.create_app}, port=0, address="127.0.0.1", start=False, show=False
        )
        context = server._tornado._applications["/"]
        counts = []
        try:
            for _ in range(n_sessions):
                session_id = generate_session_id()
                headers = {"Host": "localhost"}
                request = HTTPServerRequest(
                    start_line=RequestStartLine("GET", "/", "HTTP/1.1"),
                    headers=HTTPHeaders(headers),
                )
                token = generate_jwt_token(
                    session_id, extra_payload=dict(headers=headers, cookies={}, arguments={})
                )
                session = await context.create_session_if_needed(session_id, request, token)
                app = built.pop()
                with set_curdoc(session.document):
                    for page in pages:
                        app.show(page)
                del app
                await context._discard_session(session, lambda _s: True)
                del session
                await asyncio.sleep(0.05)
                counts.append(_live_counts())
        finally:
            server.stop()
        return counts

    app_module.LabApp.__init__ = recording_init
    try:
        return asyncio.run(run())
    finally:
        app_module.LabApp.__init__ = init


def test_closed_sessions_leave_no_parameterized_or_bokeh_models_behind(monkeypatch):
    """Measured before the fix: about 290 Parameterized objects and 140 Bokeh models stayed
    alive per closed session (Data page only), 720 and 770 with every page: the spinner
    registry's values held their own DynamicMap keys alive."""
    monkeypatch.setattr(memory, "schedule_collect", lambda: None)
    counts = _serve_and_close(4, ("Mean reversion",))
    (base_p, base_m), *later = counts
    for params, models in later:
        # slack: objects of the last session still being finalised (timers, callbacks)
        assert params - base_p <= 10, f"{params - base_p} Parameterized kept: {counts}"
        assert models - base_m <= 5, f"{models - base_m} Bokeh models kept: {counts}"


def test_spinner_registry_does_not_keep_its_dynamicmap_alive():
    import gc
    import weakref

    import holoviews as hv

    from components import _reactive
    from lab.models import StatsModel

    model = StatsModel()
    dm = _reactive.dmap(lambda corr: hv.HeatMap([]), model.correlation)
    pane = _reactive.hv_pane(dm)
    assert _reactive._SPINNERS[dm]().target is pane
    refs = weakref.ref(dm), weakref.ref(model)
    del dm, pane, model
    gc.collect()
    assert [r() for r in refs] == [None, None]
