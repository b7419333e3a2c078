"""Reference pairs backtest: parameters, signals against statsmodels, rules, accounting, costs,
metrics, no look-ahead, sweep."""

import dataclasses
import math

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import given
from hypothesis import strategies as st

from lab.analytics import PairParams
from lab.analytics.backtest import (
    EXIT_STOP,
    HEDGES,
    METRIC_NAMES,
    BacktestResult,
    SweepResult,
    Trades,
    backtest_metrics,
    backtest_pairs,
    metric_values,
    sweep,
)
from tests.analytics._helpers import assert_no_look_ahead, ou_pair, perturbed

# ------------------------------------------------------------------------------ PairParams


def test_pair_params_defaults_and_normalisation():
    p = PairParams()
    assert (p.lookback, p.entry_z, p.exit_z, p.stop_z, p.cost_bps, p.hedge, p.train_fraction) == (
        60,
        2.0,
        0.5,
        None,
        5.0,
        "static",
        0.5,
    )
    q = PairParams(lookback=np.int64(20), entry_z=1, exit_z=0, stop_z=3, cost_bps=0)
    assert q.lookback == 20 and type(q.lookback) is int
    assert isinstance(q.entry_z, float) and isinstance(q.stop_z, float)
    assert PairParams(lookback=30.0).lookback == 30
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.lookback = 5


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"lookback": 1}, r"lookback must be >= 2"),
        ({"lookback": 2, "hedge": "rolling"}, r"lookback must be >= 3 for hedge='rolling'"),
        ({"lookback": 2.5}, "lookback must be an integer"),
        ({"lookback": True}, "lookback must be an integer"),
        ({"lookback": "60"}, "lookback must be an integer"),
        ({"entry_z": 0.0, "exit_z": 0.0}, "entry_z must be > 0"),
        ({"entry_z": float("nan")}, "entry_z must be finite"),
        ({"entry_z": "two"}, "entry_z must be a number"),
        ({"exit_z": 2.0}, r"-entry_z < exit_z < entry_z"),
        ({"exit_z": -2.5}, r"-entry_z < exit_z < entry_z"),
        ({"stop_z": 1.5}, "stop_z must exceed entry_z"),
        ({"stop_z": float("inf")}, "stop_z must be finite or None"),
        ({"cost_bps": -1.0}, "cost_bps must be >= 0"),
        ({"hedge": "ewma"}, "hedge must be one of"),
        ({"train_fraction": 0.0}, r"train_fraction must be in \(0, 1\)"),
        ({"train_fraction": 1.0}, r"train_fraction must be in \(0, 1\)"),
    ],
)
def test_pair_params_validation(kwargs, message):
    with pytest.raises(ValueError, match=message):
        PairParams(**kwargs)


# ------------------------------------------------------------------------------ bad inputs


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda y, x: (np.r_[y[:10], np.nan, y[11:]], x), r"y has 1 non-finite .* row 10"),
        (lambda y, x: (y, np.r_[x[:-1], np.inf]), r"x has 1 non-finite"),
        (lambda y, x: (y[:-1], x), "same length, got 199 and 200"),
        (lambda y, x: (y[:40], x[:40]), r"too short: 40 rows, need at least lookback \+ 2 = 62"),
        (lambda y, x: (np.r_[y[:5], -1.0, y[6:]], x), "positive prices; row 5"),
        (lambda y, x: (np.c_[y, y], x), "must be 1-D"),
        (lambda y, x: (["a"] * 200, x), "y must be a 1-D array of prices"),
    ],
)
def test_backtest_rejects_bad_prices(mutate, message):
    y, x = ou_pair(200)
    y, x = mutate(y, x)
    with pytest.raises(ValueError, match=message):
        backtest_pairs(y, x, PairParams())


def test_backtest_rejects_bad_split_and_params():
    y, x = ou_pair(200)
    with pytest.raises(ValueError, match="each segment needs at least 2"):
        backtest_pairs(y, x, PairParams(train_fraction=0.001))
    with pytest.raises(ValueError, match="params must be a PairParams"):
        backtest_pairs(y, x, {"lookback": 20})


# ---------------------------------------------------------------------------------- signals


@pytest.mark.parametrize("hedge", HEDGES)
def test_signals_equal_statsmodels_ols(hedge):
    y, x = ou_pair(400, seed=3)
    p = PairParams(lookback=30, hedge=hedge)
    res = backtest_pairs(y, x, p)
    n_train = res.n_train
    assert n_train == 200
    assert np.all(np.isnan(res.zscore[:29]))
    for t in (29, 57, 150, 198, 199, 200, 305, 399):
        window = slice(t - 29, t + 1)
        if hedge == "rolling":
            ols = sm.OLS(y[window], sm.add_constant(x[window])).fit()
            beta = ols.params[1]
            z = ols.resid[-1] / np.std(ols.resid, ddof=1)
        else:
            fit_rows = slice(0, min(t, n_train - 1) + 1)
            beta = sm.OLS(y[fit_rows], sm.add_constant(x[fit_rows])).fit().params[1]
            s = y[window] - beta * x[window]
            z = (s[-1] - s.mean()) / s.std(ddof=1)
        assert res.hedge_ratio[t] == pytest.approx(beta, rel=1e-10)
        # z is reported on the nine-decimal grid (Z_DECIMALS): within half a step of the OLS value
        assert res.zscore[t] == pytest.approx(z, rel=1e-9, abs=0.5e-9 + 1e-12)


# ------------------------------------------------------------------------ rules and accounting


def _check_rules(res: BacktestResult, p: PairParams):
    pos, z = res.positions, res.zscore
    stop = math.inf if p.stop_z is None else p.stop_z
    for t in range(1, pos.size):
        before, now, zt = pos[t - 1], pos[t], z[t]
        if now != 0 and before != now:  # a new entry at t
            assert not math.isnan(zt)
            assert (now == -1 and p.entry_z < zt < stop) or (now == 1 and -stop < zt < -p.entry_z)
        if before == now == 1:
            assert -stop < zt < -p.exit_z
        if before == now == -1:
            assert p.exit_z < zt < stop
        if before == 1 and now != 1:
            assert math.isnan(zt) or zt >= -p.exit_z or zt <= -stop
        if before == -1 and now != -1:
            assert math.isnan(zt) or zt <= p.exit_z or zt >= stop
        if before == now == 0 and p.entry_z < abs(zt) < stop:
            # only a stop-out on that side, with |z| never back inside entry_z since, blocks it
            last = np.flatnonzero(res.trades.exit < t)[-1]
            assert res.trades.reason[last] == EXIT_STOP
            assert res.trades.direction[last] == (1 if zt < 0 else -1)
            assert np.all(np.abs(z[res.trades.exit[last] : t + 1]) >= p.entry_z)


def _check_accounting(res: BacktestResult, y, x, p: PairParams):
    rate = p.cost_bps / 1e4
    eq = res.equity
    assert eq[0] == pytest.approx(1.0 - res.costs[0], abs=1e-15)
    pnl = res.shares_y[:-1] * np.diff(y) + res.shares_x[:-1] * np.diff(x)
    np.testing.assert_allclose(np.diff(eq), pnl - res.costs[1:], rtol=0, atol=1e-12)
    np.testing.assert_allclose(res.costs, rate * res.traded, rtol=1e-14, atol=0)
    np.testing.assert_allclose(res.returns, eq / np.r_[1.0, eq[:-1]] - 1, rtol=0, atol=1e-15)
    tr = res.trades
    for i in range(tr.entry.size):
        e = tr.entry[i]
        gross = abs(res.shares_y[e]) * y[e] + abs(res.shares_x[e]) * x[e]
        assert gross == pytest.approx(1.0, rel=1e-13)
        assert res.shares_x[e] == pytest.approx(-res.hedge_ratio[e] * res.shares_y[e], rel=1e-13)
        assert np.sign(res.shares_y[e]) == tr.direction[i]
        assert np.all(res.positions[e : tr.exit[i]] == tr.direction[i])
        assert tr.holding[i] == tr.exit[i] - e
        if tr.closed[i]:
            assert res.positions[tr.exit[i]] != tr.direction[i]
    assert np.sum(~tr.closed) == (1 if res.positions[-1] != 0 else 0)
    # all P&L and costs come from trades: their P&L adds up to the equity change
    assert tr.pnl.sum() == pytest.approx(eq[-1] - 1.0, abs=1e-11)
    # no position without a trade record
    assert np.count_nonzero(res.positions) == np.sum(
        np.where(tr.closed, tr.holding, tr.holding + 1)
    )


@pytest.mark.parametrize(
    "params",
    [
        PairParams(lookback=40, entry_z=1.5, exit_z=0.0),
        PairParams(lookback=40, entry_z=1.5, exit_z=0.2, stop_z=2.2, hedge="rolling"),
        PairParams(lookback=15, entry_z=1.0, exit_z=-0.5, stop_z=1.8, cost_bps=20),
    ],
)
def test_positions_follow_the_rules_and_the_books_balance(params):
    y, x = ou_pair(1500, seed=2)
    res = backtest_pairs(y, x, params)
    assert res.trades.entry.size > 10
    if params.stop_z is not None:
        assert np.any(res.trades.reason == EXIT_STOP)
    _check_rules(res, params)
    _check_accounting(res, y, x, params)


@pytest.mark.parametrize("hedge", HEDGES)
def test_cost_identity(hedge):
    y, x = ou_pair(1500, seed=4)
    costly = backtest_pairs(y, x, PairParams(lookback=30, entry_z=1.2, cost_bps=25, hedge=hedge))
    free = backtest_pairs(y, x, PairParams(lookback=30, entry_z=1.2, cost_bps=0, hedge=hedge))
    assert costly.trades.entry.size > 20 and costly.costs.sum() > 0.05
    np.testing.assert_array_equal(costly.positions, free.positions)
    assert free.costs.sum() == 0.0
    np.testing.assert_allclose(free.equity - costly.equity, np.cumsum(costly.costs), atol=1e-12)
    out = costly.metrics.out_of_sample["total_costs"] + costly.metrics.in_sample["total_costs"]
    assert out == pytest.approx(costly.costs.sum(), rel=1e-12)


# ------------------------------------------------------------------------------ no look-ahead


@given(
    seed=st.integers(0, 2**31),
    cut=st.floats(0.0, 1.0),
    hedge=st.sampled_from(HEDGES),
    lookback=st.integers(3, 40),
    entry=st.floats(0.3, 2.5),
    exit_frac=st.floats(-0.9, 0.9),
    stop=st.one_of(st.none(), st.floats(0.1, 2.0)),
    scale=st.floats(0.001, 0.3),
)
def test_no_look_ahead(seed, cut, hedge, lookback, entry, exit_frac, stop, scale):
    p = PairParams(
        lookback=lookback,
        entry_z=entry,
        exit_z=exit_frac * entry,
        stop_z=None if stop is None else entry + stop,
        hedge=hedge,
    )
    assert_no_look_ahead(backtest_pairs, p, seed, cut, scale)


def test_perturbation_after_t_does_change_later_signals():
    """Guard for the look-ahead test: its perturbation does reach the later rows."""
    (y, x), (y2, x2) = perturbed(5, 240, 100, 0.05)
    p = PairParams(lookback=20, entry_z=1.0)
    a, b = backtest_pairs(y, x, p), backtest_pairs(y2, x2, p)
    assert not np.allclose(a.zscore[101:], b.zscore[101:])


# ---------------------------------------------------------------------------------- metrics


def _tiny():
    equity = np.array([1.1, 0.99, 1.089])
    costs = np.array([0.001, 0.002, 0.0])
    traded = np.array([1.0, 2.0, 0.0])
    positions = np.array([1.0, -1.0, 0.0])
    trades = Trades(
        entry=np.array([0, 1, 2]),
        exit=np.array([1, 2, 2]),
        direction=np.array([1, -1, 1]),
        pnl=np.array([0.05, -0.02, 0.01]),
        holding=np.array([1, 1, 0]),
        closed=np.array([True, True, False]),
        reason=np.array([1, 1, 0]),
    )
    return equity, costs, traded, positions, trades


def _segment(start, stop):
    equity, costs, traded, positions, tr = _tiny()
    values = metric_values(
        equity, costs, traded, positions, tr.entry, tr.closed, tr.pnl, tr.holding, start, stop
    )
    return dict(zip(METRIC_NAMES, values, strict=True))


def test_metrics_by_hand_on_a_tiny_example():
    m = _segment(0, 3)
    # returns +10 %, -10 %, +10 % from capital 1
    assert m["total_return"] == pytest.approx(0.089)
    assert m["cagr"] == pytest.approx(1.089**84 - 1)
    assert m["ann_vol"] == pytest.approx(math.sqrt(0.04 / 3 * 252))
    assert m["sharpe"] == pytest.approx(math.sqrt(21))
    assert m["sortino"] == pytest.approx(math.sqrt(84))
    assert m["max_drawdown"] == pytest.approx(0.1)
    assert m["calmar"] == pytest.approx((1.089**84 - 1) / 0.1)
    assert m["n_trades"] == 3 and m["win_rate"] == 0.5 and m["avg_holding"] == 1.0
    assert m["turnover"] == pytest.approx(252.0)
    assert m["total_costs"] == pytest.approx(0.003)
    assert m["exposure"] == pytest.approx(2 / 3) and m["n_periods"] == 3


def test_metrics_by_hand_out_of_sample_segment():
    m = _segment(1, 3)
    # rows 1..2 from equity 1.1: returns -10 %, +10 %
    assert m["total_return"] == pytest.approx(-0.01)
    assert m["cagr"] == pytest.approx(0.99**126 - 1)
    assert m["sharpe"] == pytest.approx(0.0, abs=1e-12)
    assert m["ann_vol"] == pytest.approx(math.sqrt(0.02 * 252))
    assert m["max_drawdown"] == pytest.approx(0.1)
    assert m["n_trades"] == 2 and m["win_rate"] == 0.0 and m["avg_holding"] == 1.0
    assert m["turnover"] == pytest.approx(252.0) and m["total_costs"] == pytest.approx(0.002)
    assert m["exposure"] == 0.5 and m["n_periods"] == 2


def test_backtest_metrics_reports_both_segments():
    equity, costs, traded, positions, trades = _tiny()
    both = backtest_metrics(equity, costs, traded, positions, trades, n_train=1)
    np.testing.assert_equal(both.out_of_sample, _segment(1, 3))
    np.testing.assert_equal(both.in_sample, _segment(0, 1))
    assert list(both.in_sample) == list(METRIC_NAMES)
    with pytest.raises(ValueError, match="non-empty"):
        _segment(3, 3)


def test_metrics_without_trades_and_after_ruin():
    flat = np.ones(5)
    none = Trades(*(np.array([], dtype=d) for d in (int, int, int, float, int, bool, int)))
    m = dict(
        zip(
            METRIC_NAMES,
            metric_values(
                flat,
                flat * 0,
                flat * 0,
                flat * 0,
                none.entry,
                none.closed,
                none.pnl,
                none.holding,
                0,
                5,
            ),
            strict=True,
        )
    )
    assert m["total_return"] == 0 and m["max_drawdown"] == 0 and m["n_trades"] == 0
    assert all(math.isnan(m[k]) for k in ("sharpe", "sortino", "calmar", "win_rate", "avg_holding"))
    ruined = np.array([0.5, -0.1, 0.2])
    r = metric_values(
        ruined,
        ruined * 0,
        ruined * 0,
        ruined * 0,
        none.entry,
        none.closed,
        none.pnl,
        none.holding,
        0,
        3,
    )
    r = dict(zip(METRIC_NAMES, r, strict=True))
    assert r["total_return"] == pytest.approx(-0.8)
    assert math.isnan(r["sharpe"]) and math.isnan(r["ann_vol"]) and r["max_drawdown"] > 1


def test_backtest_metrics_split_at_n_train():
    y, x = ou_pair(1000, seed=6)
    res = backtest_pairs(y, x, PairParams(lookback=30, entry_z=1.5, train_fraction=0.3))
    assert res.n_train == 300
    ins, oos = res.metrics.in_sample, res.metrics.out_of_sample
    assert ins["n_periods"] == 300 and oos["n_periods"] == 700
    assert (1 + ins["total_return"]) * (1 + oos["total_return"]) == pytest.approx(res.equity[-1])
    assert ins["n_trades"] + oos["n_trades"] == res.trades.entry.size
    r = res.returns[300:]
    assert oos["sharpe"] == pytest.approx(r.mean() / r.std(ddof=1) * math.sqrt(252), rel=1e-12)


# ------------------------------------------------------------------------------------ sweep


def test_sweep_is_the_grid_of_backtests():
    y, x = ou_pair(600, seed=8)
    base = PairParams(exit_z=0.25, hedge="rolling", cost_bps=10)
    grid = {"lookback": [20, 45], "entry_z": [1.0, 1.5, 2.5]}
    for sample, key in (("out", "out_of_sample"), ("in", "in_sample")):
        res = sweep(y, x, grid, metric="total_return", params=base, sample=sample)
        assert isinstance(res, SweepResult) and res.values.shape == (2, 3)
        assert res.metric == "total_return" and res.sample == sample
        np.testing.assert_array_equal(res.lookbacks, [20, 45])
        np.testing.assert_array_equal(res.entry_zs, [1.0, 1.5, 2.5])
        for i, lb in enumerate(grid["lookback"]):
            for j, ez in enumerate(grid["entry_z"]):
                one = backtest_pairs(y, x, dataclasses.replace(base, lookback=lb, entry_z=ez))
                assert res.values[i, j] == getattr(one.metrics, key)["total_return"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"grid": {"lookback": [20]}}, 'keys "lookback" and "entry_z"'),
        ({"grid": [20, 1.0]}, 'keys "lookback" and "entry_z"'),
        ({"grid": {"lookback": [], "entry_z": [1.0]}}, "non-empty 1-D"),
        ({"grid": {"lookback": [20], "entry_z": [0.4]}}, r"grid\['entry_z'\]: exit_z must"),
        (
            {"grid": {"lookback": [1], "entry_z": [1.0]}},
            r"grid\['lookback'\]: lookback must be >= 2",
        ),
        ({"grid": {"lookback": [500], "entry_z": [1.0]}}, "too short"),
        ({"metric": "alpha"}, "metric must be one of"),
        ({"sample": "all"}, "sample must be 'in' or 'out'"),
    ],
)
def test_sweep_rejects_bad_input(kwargs, message):
    y, x = ou_pair(300)
    args = {"grid": {"lookback": [20], "entry_z": [1.0]}, "metric": "sharpe", "sample": "out"}
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        sweep(y, x, args["grid"], metric=args["metric"], sample=args["sample"])


@pytest.mark.parametrize("hedge", ["static", "rolling"])
def test_a_flat_opening_warns_nothing_and_trades_only_where_the_hedge_exists(hedge):
    """Equal opening closes (a late listing filled flat) make the first variances zero: the
    hedge there is undefined (NaN, no position), and no division warning escapes."""
    import warnings

    rng = np.random.default_rng(1)
    y = np.r_[np.full(30, 10.0), 10 + np.cumsum(rng.normal(0, 0.1, 300))]
    x = np.r_[np.full(30, 5.0), 5 + np.cumsum(rng.normal(0, 0.1, 300))]
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        res = backtest_pairs(y, x, PairParams(hedge=hedge, lookback=20))
    assert np.all(np.isnan(res.hedge_ratio[:2])) and np.all(res.positions[:30] == 0)
