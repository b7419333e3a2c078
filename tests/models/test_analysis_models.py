"""StatsModel, ScanModel, RegimeModel, PortfolioModel, OptionsModel and OrderBookModel, headless."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lab.analytics.options import PRESETS
from lab.models import (
    BackendModel,
    OptionsModel,
    OrderBookModel,
    PortfolioModel,
    RegimeModel,
    ScanModel,
    StatsModel,
)
from lab.models.regimes import BASKET


def test_stats_model(dataset, backend):
    model = StatsModel(dataset=dataset, backend=backend, n_components=3)
    rets = model.returns()
    assert rets.shape == (len(dataset.prices) - 1, 6)
    corr = model.correlation()
    np.testing.assert_allclose(
        corr.to_numpy(), np.corrcoef(rets.to_numpy(), rowvar=False), atol=1e-12
    )
    assert model.pca().explained_variance_ratio.shape == (3,)
    table = model.summary_table()
    assert table.loc["KO", "ann. return"] == pytest.approx(rets["KO"].mean() * 252)
    assert ((table["Hurst"] > 0) & (table["Hurst"] < 1)).all()
    assert model.normalised().iloc[0].eq(1.0).all()


def test_scan_model_matrix_holds_each_ordered_test_once(dataset, backend):
    model = ScanModel(dataset=dataset, backend=backend)
    ranked = model.ranked()
    assert len(ranked) == 15 and ranked["pvalue"].is_monotonic_increasing
    matrix = model.matrix()
    values = matrix.to_numpy()
    # Engle-Granger is not symmetric: only the scanned order (upper triangle) is filled
    assert np.isfinite(values[np.triu_indices(6, 1)]).all()
    assert np.isnan(values[np.tril_indices(6)]).all()
    logp = np.log(dataset.prices)
    for _, row in ranked.iterrows():
        assert matrix.loc[row["y"], row["x"]] == row["pvalue"]
        direct = backend.call("engle_granger", logp[row["y"]].to_numpy(), logp[row["x"]].to_numpy())
        assert row["pvalue"] == pytest.approx(direct.value.pvalue, rel=1e-9, abs=1e-12)
    first = ranked.iloc[0]
    model.value = "qvalue"
    assert model.matrix().loc[first["y"], first["x"]] == first["qvalue"]
    assert model.significant() == int((ranked["qvalue"] <= model.alpha).sum())


def test_regime_model(dataset, backend):
    model = RegimeModel(dataset=dataset, backend=backend, n_init=1, n_iter=50)
    assert model.asset == BASKET and "KO" in model.param.asset.objects
    fit = model.fit()
    obs = model.observations()
    assert fit.filtered.shape == fit.smoothed.shape == (len(obs), 2)
    table = model.state_table()
    assert table["share of days"].sum() == pytest.approx(1.0)
    assert sorted(model.volatility_rank()) == [0, 1]
    model.features = "returns + realised vol"
    assert model.observations().shape[1] == 2
    assert model.fit().means.shape == (2, 2)


def test_portfolio_model(dataset, backend):
    model = PortfolioModel(dataset=dataset, backend=backend, max_weight=0.4)
    res = model.optimize()
    assert res.weights.sum() == pytest.approx(1.0) and res.weights.max() <= 0.4 + 1e-9
    front = model.frontier()
    assert len(front.returns) == model.n_points
    model.method = "min_variance"
    assert model.optimize().volatility == pytest.approx(front.min_variance.volatility, rel=1e-6)
    assert model.sparse().n_selected >= 1
    mp = model.multi_period()
    assert mp.net_utility >= mp.myopic_net_utility - 1e-12


def test_options_model_presets_and_time(backend):
    model = OptionsModel(backend=backend)
    assert list(model.legs["kind"]) == ["call", "put"]
    payoff = model.payoff()
    assert payoff.cost == pytest.approx(model.legs["premium"].sum())
    atm = np.argmin(np.abs(model.spots() - model.spot))
    assert payoff.pnl_at_expiry[atm] == pytest.approx(-payoff.cost, abs=0.5)
    greeks = model.greeks()
    assert greeks["gamma"].min() >= 0  # long straddle: long gamma everywhere
    assert model.param.days_elapsed.bounds == (0, 89)
    model.days_elapsed = 80
    later = model.payoff().pnl_now[atm]
    model.days_elapsed = 0
    assert later < model.payoff().pnl_now[atm]  # a long straddle loses time value
    for preset in PRESETS:
        model.preset = preset
        assert len(model.payoff().spots) == model.n_spots


def test_options_legs_are_validated(backend):
    model = OptionsModel(backend=backend)
    legs = model.legs.astype({"strike": object})
    legs.loc[0, "strike"] = "abc"
    model.legs = legs
    with pytest.raises(ValueError, match="strike of leg 1 is not a number"):
        model.payoff()


def test_orderbook_model_replays_in_chunks(backend):
    model = OrderBookModel(backend=backend, n_events=1000, speed=50)
    frame = model.step()
    assert list(frame.columns) == ["time", "mid", "microprice", "spread_bps", "imbalance"]
    assert model.position == 50 and model.book is not None
    assert model.metrics.mid == pytest.approx(
        (model.book.bid_price[0] + model.book.ask_price[0]) / 2
    )
    clock = model.clock
    second = model.step()
    assert second["time"].iloc[0] >= clock and model.position == 100
    # the chunked replay equals one replay of the whole prefix
    whole = backend.call("ob_replay", model.events()[:100], depth=model.depth).value
    assert whole.final.bid_price.tolist() == model.book.bid_price.tolist()
    assert whole.final.ask_qty.tolist() == model.book.ask_qty.tolist()
    ladder = model.ladder(5)
    assert list(ladder["side"]) == ["ask"] * 5 + ["bid"] * 5
    assert ladder["price"].is_monotonic_decreasing
    while model.epoch == 0:
        model.step(5000)
    assert model.epoch == 1 and model.clock > clock
    model.reset()
    assert (model.position, model.epoch, model.book) == (0, 0, None)


def test_models_follow_a_shared_backend(dataset):
    backend = BackendModel(backend="reference")
    model = ScanModel(dataset=dataset, backend=backend)
    model.scan()
    assert model.engine_of("pair_scan") == "reference"
    backend.backend = "native"
    model.scan()
    assert model.engine_of("pair_scan") == "native"
    assert isinstance(model.ranked(), pd.DataFrame)
