"""The exported report in a real browser: headless Chromium with the network blocked.

- A report exported from the UI (the sidebar button's builder) and one from ``arblab report``
  open from ``file://`` with no request leaving the file, no console error, a canvas in every
  plot, and metrics (embedded JSON and visible table) equal to the model's.
- End to end: the "Export report" button served by Panel downloads the file in the browser,
  and that file holds the served session's numbers.
"""

from __future__ import annotations

import base64
import math
import socket
import time
from pathlib import Path

import pytest

from lab.analytics.backtest import METRIC_NAMES
from lab.backends import get_backend
from lab.bench.runner import run_suite
from lab.bench.ui import free_port
from lab.cli import main
from lab.format import MISSING
from lab.models.session import LabSession
from lab.report.format import metric_text
from tests.support.browser import launch
from tests.support.report import parse_number, read_report, shown_precision

pytestmark = pytest.mark.ui


PAIR = {"y": "KO", "x": "PEP", "lookback": 35, "entry_z": 1.9, "exit_z": 0.4, "cost_bps": 4.0}
CLI_ARGS = [
    "--pair",
    "KO:PEP",
    "--lookback",
    "35",
    "--entry-z",
    "1.9",
    "--exit-z",
    "0.4",
    "--cost-bps",
    "4",
]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture(scope="module")
def session():
    """The UI session: the pair set as a user would, regimes and portfolio pages used."""
    s = LabSession(backend="native")
    s.pair.param.update(**PAIR)
    s.regimes.fit()
    s.portfolio.optimize()
    yield s
    s.close()


@pytest.fixture(scope="module")
def reports(session, tmp_path_factory):
    """``{"ui": path, "cli": path}``: the same analysis exported both ways."""
    from components.report import ReportButton

    folder = tmp_path_factory.mktemp("reports")
    bench = run_suite(
        ["rolling_stats"],
        {"native": get_backend("native")},
        sizes=(0.25,),
        repeats=2,
        budget_s=0.01,
        min_repeats=1,
    )
    button = ReportButton(session=session, benchmark=lambda: bench)
    button.download._clicks += 1
    ui = folder / button.download.filename
    ui.write_bytes(base64.b64decode(button.download.data.split(",", 1)[1]))
    cli = folder / "cli.html"
    assert main(["report", *CLI_ARGS, "-o", str(cli)]) == 0
    return {"ui": ui, "cli": cli}


def _expected_metrics(session) -> dict:
    m = session.pair.backtest().metrics
    clean = lambda d: {k: (None if math.isnan(v) else v) for k, v in d.items()}  # noqa: E731
    return {"in_sample": clean(m.in_sample), "out_of_sample": clean(m.out_of_sample)}


def _open_offline(browser, path: Path):
    """Open ``path`` from file:// with every other request aborted; returns the page and the
    lists of console errors, page errors and requests seen."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    page.on("request", lambda r: requests.append(r.url))
    page.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith("file://") else route.abort()
        ),
    )
    page.goto(path.resolve().as_uri())
    page.wait_for_function(
        "() => window.Bokeh && Bokeh.documents.length > 0 && Bokeh.documents[0].is_idle",
        timeout=60_000,
    )
    return page, errors, requests


def _check_file(page, errors, requests, path: Path, session, plots_expected: int) -> None:
    parsed = read_report(path.read_text(encoding="utf-8"))
    assert errors == []
    assert requests == [path.resolve().as_uri()], "the report requested something besides itself"
    # every plot drew on a canvas
    plots = page.locator("[data-plot]")
    assert plots.count() == len(parsed.plots) == plots_expected
    for name in parsed.plots:
        canvas = page.locator(f'[data-plot="{name}"] canvas').first
        canvas.wait_for(state="attached", timeout=30_000)
        box = canvas.bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 100, name
    # the metrics in the file are the model's: embedded JSON ...
    expected = _expected_metrics(session)
    shown = page.evaluate("JSON.parse(document.getElementById('arblab-metrics').textContent)")
    assert shown == expected
    # ... and the visible table
    for seg, tag in (("in_sample", "in"), ("out_of_sample", "out")):
        for key in METRIC_NAMES:
            text = page.locator(f'[data-metric="{key}:{tag}"]').inner_text().strip()
            value = expected[seg][key]
            assert text == metric_text(key, value)
            if value is None:
                assert text == MISSING
            else:
                assert parse_number(text) == pytest.approx(
                    value, abs=shown_precision(text) * (1 + 1e-9)
                )


@pytest.mark.parametrize("kind", ["ui", "cli"])
def test_report_opens_offline_with_plots_and_model_metrics(browser, reports, session, kind):
    page, errors, requests = _open_offline(browser, reports[kind])
    try:
        _check_file(page, errors, requests, reports[kind], session, 8 if kind == "ui" else 3)
        headings = page.locator("h2").all_inner_texts()
        assert (
            headings[:3] == ["Provenance", "The pair", "Backtest"] and headings[-1] == "Run details"
        )
        if kind == "ui":
            assert {"Market regimes (hidden Markov model)", "Portfolio", "Benchmarks"} <= set(
                headings
            )
    finally:
        page.close()


def test_served_button_downloads_the_report(browser, tmp_path):
    import panel as pn

    from components.report import ReportButton

    sessions: list[LabSession] = []

    def app():
        s = LabSession(backend="native")
        s.pair.param.update(**PAIR)
        sessions.append(s)
        return ReportButton(session=s)

    port = free_port()
    server = pn.serve({"report": app}, port=port, address="127.0.0.1", show=False, threaded=True)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        page = browser.new_page(accept_downloads=True)
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        blocked: list[str] = []

        def local_only(route):
            url = route.request.url
            if url.startswith((f"http://127.0.0.1:{port}/", f"ws://127.0.0.1:{port}/", "data:")):
                route.continue_()
            else:
                blocked.append(url)
                route.abort()

        page.route("**/*", local_only)
        page.goto(f"http://127.0.0.1:{port}/report")
        button = page.get_by_role("button", name="Export report")
        button.wait_for(timeout=60_000)
        with page.expect_download(timeout=120_000) as info:
            button.click()
        download = info.value
        assert download.suggested_filename.startswith("arblab-report-KO-PEP-")
        target = tmp_path / download.suggested_filename
        download.save_as(target)
        page.close()
        assert errors == [], blocked
        session = sessions[-1]
        assert read_report(target.read_text(encoding="utf-8")).metrics == _expected_metrics(session)
        offline, errors, requests = _open_offline(browser, target)
        try:
            _check_file(offline, errors, requests, target, session, 3)
        finally:
            offline.close()
    finally:
        server.stop()
        for s in sessions:
            s.close()
