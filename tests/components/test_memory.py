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
