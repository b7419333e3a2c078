"""The Mean reversion page's band widgets: z-score sliders or spread-unit inputs following
``band_units``, and the OU-optimal choice (return-max z, Bertram's return-max and Sharpe-max
spread bands) that sets a valid, tradable spread-band configuration."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from bokeh.document import Document

from components.pair import PairView
from lab.models import BackendModel, DatasetModel, PairModel


@pytest.fixture
def view() -> PairView:
    dataset = DatasetModel(start=dt.date(2020, 1, 1), symbols=["KO", "PEP", "XOM", "CVX"])
    return PairView(model=PairModel(dataset=dataset, backend=BackendModel(backend="native")))


def _shown(widget) -> bool:
    return bool(widget.visible)


def test_band_widgets_follow_band_units(view):
    m = view.model
    z_widgets = (view.entry_z, view.exit_z)
    spread_widgets = (view.entry_level, view.exit_level, view.spread_beta, view.spread_mean)
    assert m.band_units == "z"
    assert all(map(_shown, z_widgets)) and not any(map(_shown, spread_widgets))
    m.band_units = "spread"
    assert not any(map(_shown, z_widgets)) and all(map(_shown, spread_widgets))
    assert view.band_units.value == "spread"
    # the spread-unit inputs accept a level far outside the z slider's range
    view.entry_level.value = 12.5
    view.exit_level.value = -12.5
    assert (m.entry_z, m.exit_z, m.refused) == (12.5, -12.5, "")
    assert view.entry_z.end < 12.5 < m.params().entry_z + 1e-12
    view.band_units.value = "z"
    assert m.band_units == "z" and all(map(_shown, z_widgets))


@pytest.mark.parametrize("choice", ["spread", "spread_sharpe"])
def test_ou_optimal_spread_bands_set_a_valid_tradable_configuration(view, choice):
    m = view.model
    bands = m.bands()
    view.use_ou[choice].clicks += 1  # the button's click handler
    band = bands.band if choice == "spread" else bands.sharpe_band
    assert np.isfinite(band) and band > 0
    assert view.errors.messages == [] and m.refused == ""
    p = m.params()
    assert p.band_units == "spread" and (p.entry_z, p.exit_z, p.stop_z) == (band, -band, None)
    assert p.spread_beta == m.train_regression().hedge_ratio and p.spread_mean == m.ou().theta
    assert view.entry_level.visible and view.entry_level.value == band
    bt = m.backtest()
    assert len(bt.trades.entry) > 0
    # the signal is the price-unit deviation from the fitted mean, traded at +-band
    spread = m.prices()["y"].to_numpy() - p.spread_beta * m.prices()["x"].to_numpy()
    np.testing.assert_allclose(bt.zscore, spread - p.spread_mean, rtol=0, atol=1e-8)
    first = bt.trades.entry[0]
    assert abs(bt.zscore[first]) > band
    view.__panel__().get_root(Document())  # the page renders in spread units


def test_ou_optimal_z_band_and_the_errors_it_reports(view):
    m = view.model
    m.cost_bps = 20.0  # a wider optimal band, above the default exit z
    view._use_ou_bands("spread")
    assert m.band_units == "spread"
    view._use_ou_bands("z")
    expected = round(m.bands().entry_z, 2)
    assert (m.band_units, m.entry_z, m.exit_z, m.stop_z) == ("z", expected, 0.5, None)
    assert (m.refused == "") == (expected > 0.5)
    # no Sharpe-maximising band without a risk-free rate: said, and nothing changes
    m.param.update(cost_bps=5.0, bands_rf=0.0)
    before = m.params()
    view._use_ou_bands("spread_sharpe")
    assert m.params() == before
    assert any("no Sharpe-maximising band" in e for e in view.errors.messages)
    view._use_ou_bands("spread")
    assert view.errors.messages == [] and m.band_units == "spread"


def test_an_invalid_spread_combination_is_refused_with_the_page_message(view):
    m = view.model
    view._use_ou_bands("spread")
    valid = m.params()
    view.exit_level.value = valid.entry_z + 1.0  # exit beyond the entry band
    assert m.params() == valid
    assert "exit_z must satisfy" in m.refused and "spread bands: entry" in m.refused
    view.exit_level.value = -valid.entry_z
    assert m.refused == ""


def test_the_metrics_table_states_the_band_units(view):
    from components.pair import metrics_html

    m = view.model
    assert 'data-band-units="z"' in metrics_html(m.metrics_table())
    view._use_ou_bands("spread")
    assert 'data-band-units="spread"' in metrics_html(m.metrics_table())
