"""The Regimes, Portfolio, Options and Benchmark tables download as CSV (the file holds the
numbers the page shows)."""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
import pandas as pd
import panel as pn
import pytest

from components import BenchmarkView, OptionsView, PortfolioView, RegimeView
from lab.bench.runner import BenchResults
from lab.models import LabSession


@pytest.fixture(scope="module")
def session() -> LabSession:
    s = LabSession(start=dt.date(2020, 1, 1), symbols=["KO", "PEP", "XOM", "CVX"])
    yield s
    s.close()


def _button(view, what: str) -> pn.widgets.FileDownload:
    found = [
        w for w in view.__panel__().select(pn.widgets.FileDownload)
        if f"arb-export-{what}-csv" in w.css_classes
    ]  # fmt: skip
    assert len(found) == 1, f"no {what} CSV button"
    return found[0]


def _csv(button) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(button.callback().getvalue()))


def test_regimes_table_downloads(session):
    view = RegimeView(model=session.regimes)
    frame = _csv(_button(view, "regimes"))
    table = session.regimes.state_table()
    assert frame["regime"].tolist() == list(table.index)
    np.testing.assert_allclose(frame["Sharpe"], table["Sharpe"])


def test_portfolio_weights_download(session):
    view = PortfolioView(model=session.portfolio)
    button = _button(view, "portfolio-weights")
    frame = _csv(button)
    res = session.portfolio.optimize()
    assert frame["symbol"].tolist() == ["KO", "PEP", "XOM", "CVX"]
    np.testing.assert_allclose(frame["weight [fraction]"], res.weights)
    assert button.filename.startswith("arblab-portfolio-weights-")


def test_option_legs_download_and_no_legs_is_refused(session):
    view = OptionsView(model=session.options)
    frame = _csv(_button(view, "option-legs"))
    legs = session.options.legs
    assert len(frame) == len(legs) and "strike [USD]" in frame.columns
    np.testing.assert_allclose(frame["strike [USD]"], legs["strike"])
    session.options.legs = legs.iloc[:0]
    with pytest.raises(ValueError, match="no legs"):
        _button(view, "option-legs").callback()
    assert "Cannot export the option legs table: the strategy has no legs" in view.errors.messages
    session.options.legs = legs


def test_benchmark_table_downloads(session):
    view = BenchmarkView(backend_model=session.backend)
    empty = _csv(_button(view, "benchmark"))
    assert len(empty) == 0 and len(empty.columns) > 3  # before a run: the header only
    view.model.param.update(
        workloads=["correlation"], sizes=[0.25], backends=["native"], repeats=2, budget_s=0.01
    )
    results = view.model.run()
    assert isinstance(results, BenchResults)
    frame = _csv(_button(view, "benchmark"))
    assert len(frame) == len(results.rows) == 1
    assert list(frame.columns) == list(empty.columns)
