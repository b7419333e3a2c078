"""The Data page's "Start here" card: what each page does, a first pair and a button that
opens Mean reversion on it."""

from __future__ import annotations

import pytest

from components.app import PAGES, LabApp
from components.data import PAGE_GUIDE, suggested_pair
from lab.models import LabSession


@pytest.fixture
def app():
    session = LabSession(backend="native")
    yield LabApp(session=session)
    session.close()


def test_bundled_data_suggests_ko_pep_and_the_button_opens_it(app):
    view = app.pages["Data"]
    text = view.start_text.object
    assert "KO / PEP" in text and all(f"<b>{name}</b>" in text for name, _ in PAGE_GUIDE)
    assert [name for name, _ in PAGE_GUIDE] == list(PAGES)
    assert view.start_button.visible and view.start_button.label.endswith("KO / PEP")
    app.session.pair.param.update(y="XOM", x="CVX")
    view.start_button.clicks += 1
    assert (app.session.pair.y, app.session.pair.x) == ("KO", "PEP")
    assert app.tabs.active == PAGES.index("Mean reversion") and "Mean reversion" in app.pages


def test_other_data_suggests_the_scans_top_pair_once_known_else_none(app):
    view, session = app.pages["Data"], app.session
    session.dataset.param.update(source="synthetic", seed=3)
    assert suggested_pair(session.dataset, session.scan) is None
    assert "No pair is suggested" in view.start_text.object and not view.start_button.visible
    top = session.scan.ranked().iloc[0]  # the Pairs page has run the scan
    view._refresh_start()  # as the next data change does
    assert suggested_pair(session.dataset, session.scan) == (top["y"], top["x"])
    assert f"{top['y']} / {top['x']}" in view.start_text.object and view.start_button.visible


def test_bundled_data_without_ko_or_pep_is_not_offered_that_pair(app):
    session = app.session
    session.dataset.symbols = ["XOM", "CVX", "JNJ"]
    assert suggested_pair(session.dataset, session.scan) is None
