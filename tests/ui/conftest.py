"""Fixtures of the browser tests: one ``arblab serve`` (with its embedded analytics server) for
the whole directory, and one headless Chromium per module."""

from __future__ import annotations

import pytest

from lab.bench.ui import DEEP_QUERY_JS, VIEWPORT
from tests.support.browser import ServedApp, chromium, require_chromium


@pytest.fixture(scope="session")
def served():
    """The real ``arblab serve`` on a free port, with the embedded gRPC server."""
    require_chromium()
    app = ServedApp(grpc="embedded", num_threads=4)
    try:
        yield app
    finally:
        app.close()


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


class Console:
    """Console errors and uncaught page errors of one page."""

    def __init__(self, page) -> None:
        self.errors: list[str] = []
        page.on(
            "console",
            lambda m: (
                self.errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None
            ),
        )
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        # names the resource behind a "Failed to load resource" console error
        page.on(
            "requestfailed", lambda r: self.errors.append(f"request failed: {r.url} ({r.failure})")
        )


@pytest.fixture
def open_page(browser):
    """``open_page(url) -> (page, console)``: a new session in its own browser context."""
    contexts = []

    def _open(url: str):
        context = browser.new_context(viewport=VIEWPORT)
        contexts.append(context)
        page = context.new_page()
        page.add_init_script(DEEP_QUERY_JS)
        console = Console(page)
        page.goto(url)
        return page, console

    yield _open
    for context in contexts:
        context.close()
