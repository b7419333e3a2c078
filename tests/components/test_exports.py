"""Download buttons of the Pairs and Mean reversion pages (components.export) and the URL
query-string state (components.app.sync_location), headless."""

from __future__ import annotations

import base64
import datetime as dt
import io
import re

import pandas as pd
import pytest
from panel.io.location import Location

from components._reactive import ErrorBar
from components.app import LabApp, sync_location
from components.export import download_button
from components.pair import PairView
from components.pairs import PairScanView
from lab.data import load_sp500
from lab.models import BackendModel, DatasetModel, PairModel
from lab.models.scan import ScanModel
from lab.models.session import LabSession

IMG = "<img src=x onerror=alert(1)>"
MEDIA = {"csv": "text/csv", "parquet": "application/octet-stream"}


def _click(button) -> bytes:
    """Click the FileDownload as the browser does (its ``_clicks`` counter); the file's bytes."""
    button._clicks += 1
    header, b64 = button.data.split(",", 1)
    assert header.startswith("data:") and header.endswith(";base64")
    return base64.b64decode(b64)


def _read(data: bytes, fmt: str, dates: tuple[str, ...] = ()) -> pd.DataFrame:
    if fmt == "csv":
        return pd.read_csv(io.BytesIO(data), parse_dates=list(dates))
    return pd.read_parquet(io.BytesIO(data))


@pytest.fixture
def small():
    shared = dict(
        dataset=DatasetModel(start=dt.date(2020, 1, 1), symbols=["KO", "PEP", "XOM", "CVX"]),
        backend=BackendModel(backend="native"),
    )
    return shared


@pytest.fixture
def hostile():
    """A file whose symbols are markup and a path (two real series, 2020-2022)."""
    prices = load_sp500().loc["2020":"2022", ["KO", "PEP"]]
    prices.columns = [IMG, "../x"]
    prices.index.name = "date"
    data = DatasetModel()
    assert data.load_file("hostile.csv", prices.to_csv().encode())
    return dict(dataset=data, backend=BackendModel(backend="native"))


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_pairs_page_downloads_the_ranked_scan(small, fmt):
    view = PairScanView(model=ScanModel(**small))
    data = _click(view.exports[fmt])
    pd.testing.assert_frame_equal(_read(data, fmt), view.model.scan_table())
    assert view.exports[fmt].filename == f"arblab-pair-scan-4-symbols-trend-c.{fmt}"


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_mean_reversion_page_downloads_the_sweep_grid(small, fmt):
    view = PairView(model=PairModel(sweep_steps=4, **small))
    button = view.exports["sweep", fmt]
    frame = _read(_click(button), fmt)
    pd.testing.assert_frame_equal(frame, view.model.sweep_frame())
    assert {c for c in frame.columns if "sample" in c} == {
        "sharpe in-sample [ratio (annualised)]",
        "sharpe out-of-sample [ratio (annualised)]",
    }
    assert button.filename == f"arblab-sweep-KO-PEP-sharpe.{fmt}"
    view.model.param.update(y="XOM", x="CVX", sweep_metric="sortino")
    frame = _read(_click(button), fmt)  # the next click exports the new state
    pd.testing.assert_frame_equal(frame, view.model.sweep_frame())
    assert button.filename == f"arblab-sweep-XOM-CVX-sortino.{fmt}"


def test_mean_reversion_page_downloads_the_trades(small):
    view = PairView(model=PairModel(sweep_steps=4, **small))
    button = view.exports["trades", "csv"]
    frame = _read(_click(button), "csv", ("entry date", "exit date"))
    pd.testing.assert_frame_equal(frame, view.model.trades_frame())
    assert len(frame) > 0 and button.filename == "arblab-trades-KO-PEP.csv"


def test_file_names_are_safe_for_hostile_symbols(hostile):
    view = PairView(model=PairModel(sweep_steps=3, **hostile))
    assert (view.model.y, view.model.x) == (IMG, "../x")
    trades = view.exports["trades", "csv"]
    frame = _read(_click(trades), "csv", ("entry date", "exit date"))
    pd.testing.assert_frame_equal(frame, view.model.trades_frame())
    sweep = view.exports["sweep", "parquet"]
    _click(sweep)
    for name in (trades.filename, sweep.filename):
        assert re.fullmatch(r"arblab-[A-Za-z0-9_-]+\.(csv|parquet)", name), name
    assert trades.filename == "arblab-trades-img_src_x_onerror_alert_1-x.csv"
    scan = PairScanView(model=ScanModel(**hostile))
    table = _read(_click(scan.exports["csv"]), "csv")
    assert table[["y", "x"]].values.tolist() == [[IMG, "../x"]]  # symbols are data, kept as is


def test_nothing_is_built_until_the_click_and_failures_are_named():
    calls = []

    def frame() -> pd.DataFrame:
        calls.append(1)
        if len(calls) == 2:
            raise ValueError("choose the two symbols of the pair")
        return pd.DataFrame({"a [unit]": [1.5, 2.5]})

    errors = ErrorBar()
    button = download_button("trades", frame, "csv", lambda: ("KO", "PEP"), errors)
    assert calls == [] and button.data is None and button.label == "Trades (CSV)"
    assert _click(button) == b"a [unit]\n1.5\n2.5\n" and len(calls) == 1
    with pytest.raises(ValueError):
        button._clicks += 1
    assert errors.messages == ["Cannot export the trades table: choose the two symbols of the pair"]
    _click(button)
    assert errors.messages == []  # a successful export clears it


@pytest.fixture
def app():
    session = LabSession(backend="native")
    yield LabApp(session=session)
    session.close()


def test_a_shared_url_opens_that_pair_and_lookback(app):
    location = Location(search="?page=2&y=XOM&x=CVX&lookback=40&entry_z=1.5")
    sync_location(app, location)
    pair = app.session.pair
    assert (pair.y, pair.x, pair.lookback, pair.entry_z) == ("XOM", "CVX", 40, 1.5)
    assert pair.refused == "" and app.tabs.active == 2 and "Mean reversion" in app.pages
    query = location.query_params
    assert query["page"] == 2 and (query["y"], query["x"], query["lookback"]) == ("XOM", "CVX", 40)
    # every later change follows the URL, so a copied link reopens the same view
    pair.param.update(lookback=55, exit_z=0.25)
    assert (location.query_params["lookback"], location.query_params["exit_z"]) == (55, 0.25)
    app.show("Pairs")
    assert location.query_params["page"] == 1


def test_invalid_url_values_are_refused_on_the_page(app):
    location = Location(search=f"?page=2&y=XOM&x=CVX&lookback=abc&exit_z=9&band_units={IMG}")
    sync_location(app, location)
    pair = app.session.pair
    assert (pair.y, pair.x, pair.lookback, pair.band_units) == ("XOM", "CVX", 60, "z")
    assert pair.refused.startswith("Shared link values refused (lookback = 'abc': not an integer;")
    assert "band_units" in pair.refused
    # exit_z 9 passed its own check and is refused as a combination (above the entry |z|)
    assert "exit_z must satisfy" in pair.refused and pair.params().exit_z == 0.5
    # the URL shows the values in use, not the refused ones
    query = location.query_params
    assert query["lookback"] == 60 and query["band_units"] == "z"
    view = app.pages["Mean reversion"]
    assert view.model is pair and pair.backtest() is not None  # the page still computes


def test_a_shared_url_carries_the_dataset_and_backend(app):
    location = Location(search="?page=0&data=synthetic&seed=7&backend=reference")
    sync_location(app, location)
    dataset, backend = app.session.dataset, app.session.backend
    assert (dataset.source, dataset.seed, backend.backend) == ("synthetic", 7, "reference")
    query = location.query_params
    assert (query["data"], query["seed"], query["backend"]) == ("synthetic", 7, "reference")
    # a later change follows the URL
    backend.backend = "native"
    dataset.seed = 3
    assert (location.query_params["backend"], location.query_params["seed"]) == ("native", 3)


def test_a_link_made_on_an_uploaded_file_says_it_cannot_carry_the_file(app):
    location = Location(search="?data=file&y=KO&x=PEP")
    sync_location(app, location)
    assert app.session.dataset.source == "sp500"
    note = app.sidebar[0].object
    assert "uploaded file, which a link cannot carry" in note
    assert (app.session.pair.y, app.session.pair.x) == ("KO", "PEP")


def test_bad_dataset_and_backend_values_in_a_link_are_named_and_escaped(app):
    location = Location(search=f"?data={IMG}&backend=gpu&seed=-1")
    sync_location(app, location)
    assert (app.session.dataset.source, app.session.backend.backend) == ("sp500", "native")
    note = app.sidebar[0].object
    assert "backend = &#x27;gpu&#x27;: not one of" in note and IMG not in note
    assert "&lt;img" in note
