"""components.report: the sidebar's "Export report" button downloads the session's report, and
a report from the UI holds the same numbers as ``arblab report`` with the same parameters."""

from __future__ import annotations

import base64
import re

import panel as pn
import param
import pytest

from components.report import ReportButton, report_filename, sidebar_button
from lab.backends import get_backend
from lab.bench.runner import run_suite
from lab.cli import main
from lab.models.session import LabSession
from tests.support.report import read_report


def _download(button: ReportButton) -> str:
    """Click the FileDownload as the browser does (its ``_clicks`` counter) and decode the file."""
    button.download._clicks += 1
    header, b64 = button.download.data.split(",", 1)
    assert header == "data:text/html;base64"
    return base64.b64decode(b64).decode("utf-8")


@pytest.fixture
def session():
    s = LabSession(backend="native")
    yield s
    s.close()


def test_download_holds_the_session_numbers(session):
    session.pair.param.update(y="KO", x="PEP", lookback=45, entry_z=2.2)
    button = ReportButton(session=session)
    html = _download(button)
    parsed = read_report(html)
    # Panel's models (Tabulator...) are loaded here: their JS/CSS files must not leak into the file
    assert parsed.external == [] and "<script src=" not in html and "static/extensions" not in html
    bt = session.pair.backtest()
    assert parsed.metrics["out_of_sample"]["sharpe"] == bt.metrics.out_of_sample["sharpe"]
    assert parsed.data["pair"]["params"]["lookback"] == 45
    assert re.fullmatch(r"arblab-report-KO-PEP-\d{8}-\d{6}\.html", button.download.filename)
    assert button.status.startswith("KO / PEP: ") and button.error == ""


def test_ui_and_cli_reports_hold_the_same_numbers(session, tmp_path):
    out = tmp_path / "cli.html"
    assert (
        main(
            [
                "report",
                "--pair",
                "XOM:CVX",
                "--lookback",
                "25",
                "--entry-z",
                "1.5",
                "--exit-z",
                "0.25",
                "--cost-bps",
                "2",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    cli = read_report(out.read_text(encoding="utf-8"))
    # the same choices made in the app: pair picked, sliders moved
    session.pair.param.update(y="XOM", x="CVX")
    session.pair.param.update(lookback=25, entry_z=1.5, exit_z=0.25, cost_bps=2.0)
    ui = read_report(_download(ReportButton(session=session)))
    assert ui.metrics == cli.metrics
    assert ui.cells == cli.cells
    for key in (
        "provenance",
        "pair",
        "cointegration",
        "training_regression",
        "ou",
        "bands",
        "metrics",
        "trades",
    ):
        assert ui.data[key] == cli.data[key], key
    assert ui.data["run"]["engines"] == cli.data["run"]["engines"]
    assert ui.data["run"]["command"] is None and cli.data["run"]["command"].startswith(
        "arblab report"
    )


def test_refused_parameters_export_the_last_valid_ones(session):
    button = ReportButton(session=session)
    session.pair.param.update(entry_z=2.0, exit_z=0.5)
    valid = session.pair.params()
    session.pair.param.update(entry_z=0.4)  # below the exit level: refused by the model
    assert "exit_z must satisfy" in session.pair.refused
    parsed = read_report(_download(button))
    assert button.error == ""
    assert parsed.data["pair"]["params"]["entry_z"] == valid.entry_z == 2.0
    session.pair.param.update(entry_z=2.0)
    assert session.pair.refused == ""


def test_app_button_includes_the_benchmark_page_results(session):
    from components.app import LabApp

    app = LabApp(session=session)
    downloads = app.sidebar.select(pn.widgets.FileDownload)  # the app lists the button
    assert len(downloads) == 1 and downloads[0].label == "Export report"
    assert downloads[0].callback.__self__.session is session
    button = sidebar_button(app)
    assert button.session is session
    assert read_report(button.build()).data["benchmark"] is None  # no benchmark page yet
    page = app._build("Benchmark")
    results = run_suite(
        ["rolling_stats"],
        {"native": get_backend("native")},
        sizes=(0.25,),
        repeats=2,
        budget_s=0.01,
        min_repeats=1,
    )
    with param.edit_constant(page.model):  # the page's results are its model's
        page.model.results = results
    bench = read_report(button.build()).data["benchmark"]
    assert [r["median_s"] for r in bench["rows"]] == [r.median_s for r in results.rows]


def test_report_filename_is_file_safe(session):
    session.pair.param.update(y="KO", x="PEP")
    assert report_filename(session).startswith("arblab-report-KO-PEP-")


def test_report_filename_uses_the_export_rule_for_hostile_symbols():
    import datetime as dt
    from types import SimpleNamespace

    # symbols as an uploaded file may name them (only the pair is read)
    session = SimpleNamespace(pair=SimpleNamespace(y="../<img src=x>", x="BRK.B"))
    name = report_filename(session, now=dt.datetime(2026, 12, 2, 7, 30, 0))
    # "." (an extension), "/" and "<" all become "_", as in the table downloads' names
    assert name == "arblab-report-img_src_x-BRK_B-20261202-073000.html"


def test_the_report_holds_the_view_state_and_its_link_reopens_the_view():
    from panel.io.location import Location

    from components.app import LabApp, sync_location

    session = LabSession(backend="native", source="synthetic", seed=5)
    app = LabApp(session=session)
    try:
        y, x = session.dataset.symbols[:2]
        session.pair.param.update(y=x, x=y, lookback=45, entry_z=2.2)
        app.show("Mean reversion")
        button = next(e for e in app.extensions if isinstance(e, ReportButton))
        html = button.build()
        view = read_report(html).data["view"]
        assert view["page"] == "Mean reversion" and view["backend"] == "native"
        assert (view["dataset"], view["seed"], view["pair"]) == ("synthetic", 5, f"{x} / {y}")
        assert view["parameters"]["lookback"] == 45 and view["parameters"]["entry_z"] == 2.2
        assert 'data-table="view"' in html and "id='view'" in html
        # the report's link reopens the same view in a new session
        other = LabApp(session=LabSession())
        try:
            sync_location(other, Location(search=view["link"]))
            s = other.session
            assert (s.dataset.source, s.dataset.seed, s.backend.backend) == (
                "synthetic",
                5,
                "native",
            )
            assert (s.pair.y, s.pair.x, s.pair.lookback, s.pair.entry_z) == (x, y, 45, 2.2)
            assert other.tabs.active == 2
        finally:
            other.session.close()
    finally:
        session.close()
