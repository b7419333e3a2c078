"""PairModel: every PairParams field, derived results, caching per inputs and backend."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from lab.analytics import PairParams
from lab.analytics.backtest import METRIC_NAMES
from lab.models import BackendModel, PairModel


@pytest.fixture
def pair(dataset, backend) -> PairModel:
    return PairModel(dataset=dataset, backend=backend)


def test_every_pair_params_field_is_a_parameter(pair):
    fields = {f.name for f in dataclasses.fields(PairParams)}
    assert fields <= set(pair.param)
    assert pair.params() == PairParams(**{f: getattr(pair, f) for f in fields})
    assert (pair.y, pair.x) == ("KO", "PEP")


def test_lookback_changes_the_backtest(pair):
    first = pair.backtest()
    sharpe = first.metrics.out_of_sample["sharpe"]
    pair.lookback = 20
    second = pair.backtest()
    assert second is not first
    assert not np.array_equal(second.zscore, first.zscore, equal_nan=True)
    assert second.metrics.out_of_sample["sharpe"] != sharpe
    pair.lookback = 60
    assert pair.backtest() is first  # served from the cache


def test_reference_and_native_give_equal_results(dataset):
    native = PairModel(dataset=dataset, backend=BackendModel(backend="native"), lookback=30)
    reference = PairModel(dataset=dataset, backend=BackendModel(backend="reference"), lookback=30)
    a, b = native.backtest(), reference.backtest()
    np.testing.assert_allclose(a.equity, b.equity, rtol=1e-10)
    np.testing.assert_array_equal(a.positions, b.positions)
    assert native.engine_of("backtest_pairs") == "native"
    assert reference.engine_of("backtest_pairs") == "reference"
    for key in METRIC_NAMES:
        assert a.metrics.out_of_sample[key] == pytest.approx(
            b.metrics.out_of_sample[key], rel=1e-9, abs=1e-12, nan_ok=True
        )
    ca, cb = native.coint(), reference.coint()
    assert ca.statistic == pytest.approx(cb.statistic, rel=1e-8) and ca.lags == cb.lags


def test_switching_backend_recomputes_with_the_other_engine(pair):
    native = pair.backtest()
    pair.backend.backend = "reference"
    reference = pair.backtest()
    assert reference is not native  # the cache key holds the backend
    np.testing.assert_allclose(reference.equity, native.equity, rtol=1e-10)
    assert pair.engine_of("backtest_pairs") == "reference"


def test_the_cache_is_bounded(pair):
    assert pair.cache_size == PairModel.cache_size == 32
    for lookback in range(10, 10 + 2 * pair.cache_size):
        pair.lookback = lookback
        pair.backtest()
    assert len(pair.cache) == pair.cache_size


def test_an_invalid_combination_is_refused_and_the_last_valid_one_kept(pair):
    before = pair.params()
    sharpe = pair.backtest().metrics.out_of_sample["sharpe"]
    pair.param.update(entry_z=1.0, exit_z=1.5)
    assert pair.params() == before  # nothing invalid is used
    assert "exit_z = 1.5 refused" in pair.refused
    assert "exit_z must satisfy -entry_z < exit_z < entry_z" in pair.refused
    assert "last valid parameters (lookback 60, entry |z| 2, exit z 0.5" in pair.refused
    assert pair.backtest().metrics.out_of_sample["sharpe"] == sharpe
    assert pair.metrics_table().attrs["params"] == before
    pair.param.update(entry_z=0.41, exit_z=0.5)  # "Use OU-optimal entry z" below the exit
    assert pair.params() == before and "entry_z = 0.41" in pair.refused
    pair.param.update(entry_z=2.0, stop_z=1.5)  # a stop inside the entry band
    assert pair.params() == before and "stop_z must exceed entry_z" in pair.refused
    pair.param.update(stop_z=before.stop_z, lookback=40)  # valid again: used, message gone
    assert pair.refused == "" and pair.params() == dataclasses.replace(before, lookback=40)
    with pytest.raises(ValueError, match="exit_z must satisfy"):
        PairModel(dataset=pair.dataset, backend=pair.backend, entry_z=0.4, exit_z=0.5)


def test_a_pair_of_one_symbol_raises_a_clear_value_error(pair):
    pair.x = "KO"
    with pytest.raises(ValueError, match="different symbols"):
        pair.backtest()


def test_ou_fit_and_bands_describe_the_in_sample_spread(pair):
    fit, train, bands = pair.ou(), pair.train_regression(), pair.bands()
    assert fit.nobs == pair.n_train() - 1 and fit.dt == 1.0
    assert fit.half_life == pytest.approx(np.log(2) / fit.kappa)
    assert bands.entry < fit.theta < bands.exit
    # the static hedge of the backtest is the training-window OLS slope
    bt = pair.backtest()
    assert bt.hedge_ratio[pair.n_train() - 1] == pytest.approx(train.hedge_ratio, rel=1e-9)
    pair.cost_bps = 0.0
    with pytest.raises(ValueError, match="positive cost_bps"):
        pair.bands()


def test_sweep_covers_the_grid_and_ignores_lookback_and_entry(pair):
    pair.param.update(sweep_steps=4, sweep_lookbacks=(20, 80), sweep_entry_zs=(1.5, 2.5))
    res = pair.sweep()
    assert res.values.shape == (4, 4) and res.metric == "sharpe" and res.sample == "out"
    np.testing.assert_array_equal(res.lookbacks, [20, 40, 60, 80])
    pair.lookback = 33
    assert pair.sweep() is res  # the surface does not depend on the current point
    pair.set_from_sweep(lookback=57.0, entry_z=2.2)
    assert (pair.lookback, pair.entry_z) == (60, pytest.approx(2.1667, abs=1e-4))


def test_metrics_and_trades_tables(pair):
    table = pair.metrics_table()
    assert list(table.index) == list(METRIC_NAMES)
    assert table.attrs["params"] == pair.params() and table.attrs["pair"] == ("KO", "PEP")
    trades = pair.trades_table()
    assert len(trades) == len(pair.backtest().trades.entry)
    assert set(trades["segment"]) <= {"in-sample", "out-of-sample"}
    assert (trades["exit"] >= trades["entry"]).all()


def test_rolling_sharpe_is_pandas_rolling_of_the_backtest_returns(pair):
    import math

    import pandas as pd

    assert pair.sharpe_window == 63
    for window in (63, 21):
        pair.sharpe_window = window
        returns = pd.Series(pair.backtest().returns)
        expected = returns.rolling(window).mean() / returns.rolling(window).std() * math.sqrt(252)
        got = pair.rolling_sharpe()
        assert got.shape == (len(pair.prices()),) and np.isnan(got[: window - 1]).all()
        assert not np.isinf(got).any()
        # a window where the strategy held nothing has no Sharpe ratio (pandas' online
        # variance leaves rounding noise there: 0 / 6e-11)
        flat = (returns.rolling(window).apply(lambda r: np.all(r == 0), raw=True) == 1).to_numpy()
        assert flat.any() and np.isnan(got[flat]).all()
        live = np.isfinite(expected.to_numpy()) & ~flat
        assert live.sum() > len(got) / 2
        np.testing.assert_allclose(got[live], expected.to_numpy()[live], rtol=1e-7)


def test_a_new_dataset_keeps_a_valid_pair(pair, dataset):
    dataset.symbols = ["XOM", "CVX", "JNJ"]
    assert {pair.y, pair.x} <= {"XOM", "CVX", "JNJ"} and pair.y != pair.x
    assert pair.backtest().equity.shape == (len(dataset.prices),)


def test_walk_forward_is_the_default_evaluation_with_its_honesty_figures(pair):
    assert pair.evaluation == "walk_forward"
    pair.param.update(wf_train=400, wf_test=200, wf_steps=3)
    wf = pair.walk_forward()
    grid = pair.wf_grid()
    assert wf.metrics["n_trials"] == grid["lookback"].size * grid["entry_z"].size == 9
    assert wf.trial_returns.shape == (wf.rows.size, 9)
    pbo = pair.walk_forward_pbo()
    assert 0.0 <= pbo.pbo <= 1.0 and pbo.n_splits == 16
    table = pair.folds_table()
    assert len(table) == wf.test_start.size
    np.testing.assert_array_equal(table["lookback"], wf.lookback)
    assert pair.walk_forward() is wf  # cached
    pair.wf_steps = 1
    assert pair.walk_forward().metrics["n_trials"] == 1 and pair.walk_forward_pbo() is None


def test_execution_options_reach_the_backtest(pair):
    plain = pair.backtest()
    pair.param.update(fill="next_close", borrow_bps_per_year=200.0)
    moved = pair.backtest()
    np.testing.assert_array_equal(moved.positions[1:], plain.positions[:-1])
    assert moved.borrow.sum() > 0


def test_strategy_parameters_are_derived_from_the_pair_params_fields():
    import typing

    from lab.models.pair import StrategyParameters, strategy_parameter

    hints = typing.get_type_hints(PairParams)
    for f in dataclasses.fields(PairParams):
        p = PairModel.param[f.name]
        assert p.owner is StrategyParameters, f"{f.name} is declared by hand on PairModel"
        assert p.default == f.default and p.doc == f.metadata["doc"]
        assert p.label == f.metadata["label"]
        assert p.allow_None == (type(None) in typing.get_args(hints[f.name]))
        if "objects" in f.metadata:
            assert p.objects == list(f.metadata["objects"])
        if "bounds" in f.metadata:
            assert p.bounds == f.metadata["bounds"]
    # a new field, with or without metadata, becomes a parameter without a declaration
    extended = dataclasses.make_dataclass(
        "Extended",
        [
            ("max_hold", int, dataclasses.field(default=0, metadata={"label": "Max hold", "doc": "d", "bounds": (0, 9)})),
            ("note", str | None, dataclasses.field(default=None)),
        ],
    )  # fmt: skip
    hold, note = (
        strategy_parameter(f, t)
        for f, t in zip(dataclasses.fields(extended), (int, str | None), strict=True)
    )
    assert isinstance(hold, __import__("param").Integer) and hold.bounds == (0, 9)
    assert note.allow_None and note.doc == "PairParams.note"
    with pytest.raises(ValueError):
        hold._validate(10)


def test_spread_levels_are_not_held_to_the_z_slider_range(pair):
    pair.param.update(
        band_units="spread", spread_beta=0.3, spread_mean=8.0, entry_z=15.0, exit_z=-15.0
    )
    assert pair.refused == "" and pair.params().entry_z == 15.0
    pair.param.update(exit_z=16.0)  # invalid: said, with the last valid spread bands
    assert "exit_z must satisfy" in pair.refused
    assert "spread bands: entry 15 USD, exit -15 USD" in pair.refused


def test_use_ou_bands_trades_bertrams_bands_in_spread_units(pair):
    bands = pair.bands()
    assert bands.rf == pytest.approx(pair.bands_rf / 252 * pair.spread_unit_value())
    pair.use_ou_bands("spread")
    p = pair.params()
    assert (p.band_units, p.entry_z, p.exit_z, p.stop_z) == (
        "spread",
        bands.band,
        -bands.band,
        None,
    )
    assert (p.spread_beta, p.spread_mean) == (pair.train_regression().hedge_ratio, pair.ou().theta)
    assert pair.refused == "" and len(pair.backtest().trades.entry) > 0
    pair.use_ou_bands("spread_sharpe")
    assert pair.params().entry_z == bands.sharpe_band != bands.band
    with pytest.raises(ValueError, match="choice must be one of"):
        pair.use_ou_bands("sharpe")
    pair.bands_rf = 0.0
    with pytest.raises(ValueError, match="no Sharpe-maximising band"):
        pair.use_ou_bands("spread_sharpe")


def test_the_sweep_follows_every_strategy_field_but_its_axes(pair):
    from lab.models.pair import SWEEP_AXES

    deps = {p.name for p in pair.param.method_dependencies("sweep")}
    assert set(PAIR_FIELDS) - set(SWEEP_AXES) <= deps and not set(SWEEP_AXES) & deps
    pair.param.update(sweep_steps=3, sweep_lookbacks=(20, 60), sweep_entry_zs=(1.0, 2.0))
    z = pair.sweep()
    pair.use_ou_bands("spread")
    spread = pair.sweep()
    assert spread is not z and spread.values.shape == z.values.shape
    assert not np.array_equal(spread.values, z.values, equal_nan=True)


PAIR_FIELDS = tuple(f.name for f in dataclasses.fields(PairParams))
