"""Notebook embedding: the tour notebook runs top to bottom headless, and every Viewer in
``components`` renders as a notebook MIME bundle after ``pn.extension()``."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import re
from pathlib import Path

import nbformat
import panel as pn
import param
import pytest
from nbclient import NotebookClient

import components
from lab.models.session import LabSession
from tests.support.report import read_report

TOUR = Path(__file__).resolve().parents[2] / "assets" / "notebooks" / "tour.ipynb"


def _viewers() -> list[type]:
    """Every ``pn.viewable.Viewer`` subclass defined in a ``components`` module."""
    found = []
    for info in pkgutil.iter_modules(components.__path__):
        module = importlib.import_module(f"components.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, pn.viewable.Viewer) and cls.__module__ == module.__name__:
                found.append(cls)
    return sorted(found, key=lambda c: c.__name__)


VIEWERS = _viewers()


@pytest.fixture(scope="module")
def session():
    s = LabSession(backend="native")
    yield s
    s.close()


def _arguments(cls: type, session: LabSession) -> dict:
    """The session's models for every ClassSelector parameter of ``cls`` that takes one."""
    objects = [session, *(session.param.values()[n] for n in session.param if n != "name")]
    kwargs = {}
    for name, p in cls.param.objects("existing").items():
        if isinstance(p, param.ClassSelector) and p.is_instance:
            match = [o for o in objects if isinstance(o, p.class_)]
            if match:
                kwargs[name] = match[0]
    return kwargs


def test_every_page_view_is_discovered():
    names = {c.__name__ for c in VIEWERS}
    assert {"DataView", "PairScanView", "PairView", "ReportButton", "LabApp"} <= names


def test_a_view_without_arguments_displays_in_a_notebook():
    """The issue's example: ``from components import PairView; PairView()`` after pn.extension()."""
    from components import PairView

    pn.extension()
    view = PairView()
    data, _ = view._repr_mimebundle_()
    assert "application/vnd.holoviews_exec.v0+json" in data
    assert view.model.backtest().metrics.out_of_sample["n_periods"] > 0


@pytest.mark.parametrize("cls", VIEWERS, ids=lambda c: c.__name__)
def test_viewer_renders_a_notebook_mime_bundle(cls, session):
    pn.extension()
    view = cls(**_arguments(cls, session))
    bundle = view._repr_mimebundle_()
    assert bundle is not None, f"{cls.__name__} did not render (is pn.extension() loaded?)"
    data, metadata = bundle
    assert "application/vnd.holoviews_exec.v0+json" in data
    assert data["text/html"].strip()
    assert metadata["application/vnd.holoviews_exec.v0+json"]["id"]


def test_tour_notebook_runs_headless(tmp_path):
    nb = nbformat.read(TOUR, as_version=4)
    NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "the view shows Sharpe" in text
    report = read_report((tmp_path / "tour-report.html").read_text(encoding="utf-8"))
    assert "regimes" in report.data["analyses"]
    assert report.data["benchmark"]["rows"]
    assert report.data["pair"]["params"]["lookback"] == 30


_LOADER_ARRAYS = re.compile(
    r"(?:const|var|let)\s+(js_urls|css_urls|js_modules)\s*=\s*(\[[^\]]*\])|"
    r"(?:const|var|let)\s+(js_exports)\s*=\s*(\{[^}]*\})"
)
_TAGS = re.compile(r"<(?:script|link)\b[^>]*(?:src|href)\s*=\s*[\"']?https?://", re.I)


def _fetched_urls(text: str) -> list[str]:
    """URLs a notebook output makes the browser fetch: the BokehJS/Panel loader's
    ``js_urls``/``css_urls``/``js_modules``/``js_exports`` and ``<script src>``/``<link href>``."""
    urls = []
    for match in _LOADER_ARRAYS.finditer(text):
        urls += re.findall(r"https?://[^\"'\s,\]}]+", match.group(2) or match.group(4))
    urls += _TAGS.findall(text)
    return urls


def _run_cells(*sources: str) -> list[dict]:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    NotebookClient(nb, timeout=300, kernel_name="python3").execute()
    outputs = [o for c in nb.cells for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"], outputs
    return outputs


def _output_text(outputs: list[dict]) -> str:
    return "\n".join(
        value if isinstance(value, str) else json.dumps(value)
        for o in outputs
        for value in o.get("data", {}).values()
    )


def test_notebook_output_fetches_no_js_or_css_from_the_internet():
    """Notebook mode inlines BokehJS, Panel and the extensions: the rendered output names no
    http(s) URL to load (the loader's arrays are empty) and carries BokehJS itself."""
    setup = "import panel as pn\n"
    view = (
        "from components import PairView\nfrom lab.models.session import LabSession\n"
        "PairView(model=LabSession(backend='native').pair)"
    )
    outputs = _run_cells(setup + 'pn.extension("tabulator", inline=True)', view)
    text = _output_text(outputs)
    assert _fetched_urls(text) == []
    assert "application/vnd.holoviews_exec.v0+json" in text
    assert len(text) > 1_000_000, "BokehJS and Panel are not inlined"
    # the tour notebook uses the same form
    assert 'pn.extension(\\"tabulator\\", inline=True)' in TOUR.read_text()
    # the check can fail: Panel's default (CDN) loader is caught
    cdn = _output_text(_run_cells(setup + "pn.extension(inline=False)"))
    assert any("cdn." in url for url in _fetched_urls(cdn))
