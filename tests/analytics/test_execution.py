"""The execution model of PairParams (fill, capital, borrow, negative hedge ratios) on both
engines: defaults unchanged, native equals reference, no look-ahead, the cost identities."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lab.analytics import backtest as reference
from lab.analytics.backtest import (
    CAPITAL,
    CAPITALS,
    EXPOSURE_NAMES,
    FILLS,
    NEGATIVE_HEDGES,
    PairParams,
)
from lab.backends.native import backtest as native
from tests.analytics._helpers import assert_no_look_ahead, ou_pair

ENGINES = {"reference": reference.backtest_pairs, "native": native.backtest_pairs}
BASE = PairParams(lookback=30, entry_z=1.2, cost_bps=10.0)
OPTIONS = [
    {"fill": "next_close"},
    {"capital": "compounding"},
    {"borrow_bps_per_year": 300.0},
    {"negative_hedge": "refuse", "hedge": "rolling"},
    {"fill": "next_close", "capital": "compounding", "borrow_bps_per_year": 100.0},
]


def anti_pair(n=900, seed=0):
    """A pair whose rolling hedge ratio is often negative (x trends down while y wanders)."""
    rng = np.random.default_rng(seed)
    x = 50 * np.exp(np.cumsum(rng.normal(-0.001, 0.01, n)))
    y = 40 * np.exp(np.cumsum(rng.normal(0.0, 0.01, n)))
    return y, x


def test_defaults_are_todays_behaviour():
    p = PairParams()
    assert (p.fill, p.capital, p.borrow_bps_per_year, p.negative_hedge) == (
        "close",
        "fixed",
        0.0,
        "trade",
    )
    with pytest.raises(ValueError, match="fill must be one of"):
        PairParams(fill="open")
    with pytest.raises(ValueError, match="capital must be one of"):
        PairParams(capital="levered")
    with pytest.raises(ValueError, match="negative_hedge must be one of"):
        PairParams(negative_hedge="ignore")
    with pytest.raises(ValueError, match="borrow_bps_per_year must be >= 0"):
        PairParams(borrow_bps_per_year=-1)
    assert FILLS[0] == "close" and CAPITALS[0] == "fixed" and NEGATIVE_HEDGES[0] == "trade"


@pytest.mark.parametrize(
    "options", OPTIONS, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items())
)
def test_native_equals_reference(options):
    y, x = anti_pair() if options.get("negative_hedge") else ou_pair(1200, seed=3)
    p = dataclasses.replace(BASE, **options)
    ref, nat = reference.backtest_pairs(y, x, p), native.backtest_pairs(y, x, p)
    assert ref.trades.entry.size > 5
    np.testing.assert_array_equal(nat.positions, ref.positions)
    np.testing.assert_array_equal(nat.negative_hedge, ref.negative_hedge)
    for name in ("equity", "shares_y", "shares_x", "costs", "borrow", "gross_exposure"):
        np.testing.assert_allclose(getattr(nat, name), getattr(ref, name), rtol=1e-10, atol=1e-14)
    for segment in ("in_sample", "out_of_sample"):
        a, b = getattr(ref.exposure, segment), getattr(nat.exposure, segment)
        assert list(a) == list(EXPOSURE_NAMES)
        for key in a:
            assert b[key] == pytest.approx(a[key], rel=1e-10, abs=1e-14, nan_ok=True), key


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(o))
def test_accounting_identity(engine, options):
    """equity = K + cumulative mark-to-market P&L - transaction costs - borrow, every row."""
    y, x = anti_pair() if options.get("negative_hedge") else ou_pair(1200, seed=4)
    res = ENGINES[engine](y, x, dataclasses.replace(BASE, **options))
    pnl = np.r_[0.0, res.shares_y[:-1] * np.diff(y) + res.shares_x[:-1] * np.diff(x)]
    expected = CAPITAL + np.cumsum(pnl - res.costs - res.borrow)
    np.testing.assert_allclose(res.equity, expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("fill", FILLS)
def test_cost_and_borrow_identity_with_fixed_capital(engine, fill):
    """With fixed notional, decisions ignore costs: free minus costly equity is exactly the
    cumulative transaction costs plus borrow fees."""
    y, x = ou_pair(1500, seed=5)
    run = ENGINES[engine]
    costly = run(y, x, dataclasses.replace(BASE, fill=fill, cost_bps=25, borrow_bps_per_year=500))
    free = run(y, x, dataclasses.replace(BASE, fill=fill, cost_bps=0))
    np.testing.assert_array_equal(costly.positions, free.positions)
    assert costly.borrow.sum() > 1e-3 and free.borrow.sum() == 0.0
    np.testing.assert_allclose(
        free.equity - costly.equity, np.cumsum(costly.costs + costly.borrow), atol=1e-12
    )
    # the fee is bps / 1e4 / 252 of yesterday's short notional
    short = np.maximum(-costly.shares_y, 0) * y + np.maximum(-costly.shares_x, 0) * x
    np.testing.assert_allclose(costly.borrow[1:], 0.05 / 252 * short[:-1], rtol=1e-12, atol=1e-16)
    total = (
        costly.exposure.in_sample["borrow_costs"] + costly.exposure.out_of_sample["borrow_costs"]
    )
    assert total == pytest.approx(costly.borrow.sum(), rel=1e-12)


@pytest.mark.parametrize("engine", ENGINES)
def test_next_close_trades_the_same_decisions_one_row_later(engine):
    y, x = ou_pair(1200, seed=6)
    run = ENGINES[engine]
    now = run(y, x, BASE)
    later = run(y, x, dataclasses.replace(BASE, fill="next_close"))
    np.testing.assert_array_equal(later.positions[1:], now.positions[:-1])
    assert later.positions[0] == 0
    np.testing.assert_array_equal(
        later.trades.entry, now.trades.entry[: later.trades.entry.size] + 1
    )
    # sized with the hedge ratio decided on the signal row, at the execution row's prices
    for t in later.trades.entry:
        assert later.shares_x[t] == pytest.approx(-now.hedge_ratio[t - 1] * later.shares_y[t])


@pytest.mark.parametrize("engine", ENGINES)
def test_compounding_sizes_entries_by_the_account_value(engine):
    y, x = ou_pair(1200, seed=7)
    res = ENGINES[engine](y, x, dataclasses.replace(BASE, capital="compounding", cost_bps=30))
    fixed = ENGINES[engine](y, x, dataclasses.replace(BASE, cost_bps=30))
    assert res.trades.entry.size > 5
    for t in res.trades.entry:  # value at the entry close before that row's costs
        assert res.gross_exposure[t] == pytest.approx(res.equity[t] + res.costs[t], rel=1e-12)
    for t in fixed.trades.entry:
        assert fixed.gross_exposure[t] == pytest.approx(CAPITAL, rel=1e-12)
    held = res.positions != 0
    np.testing.assert_allclose(
        res.exposure.out_of_sample["max_leverage"],
        (res.gross_exposure / res.equity)[res.n_train :].max(),
        rtol=1e-12,
    )
    assert held.any()


@pytest.mark.parametrize("engine", ENGINES)
def test_negative_hedge_ratios_are_flagged_or_refused(engine):
    y, x = anti_pair(seed=1)
    run = ENGINES[engine]
    p = dataclasses.replace(BASE, hedge="rolling")
    traded = run(y, x, p)
    refused = run(y, x, dataclasses.replace(p, negative_hedge="refuse"))
    flagged = np.flatnonzero(traded.negative_hedge)
    assert flagged.size > 0
    assert np.all(traded.hedge_ratio[flagged] <= 0)
    counted = (
        sum(traded.exposure.in_sample["negative_hedge_entries"] for _ in [0])
        + (traded.exposure.out_of_sample["negative_hedge_entries"])
    )
    assert counted == flagged.size
    # traded: some entries go long (or short) both legs; refused: none does
    both = np.sign(traded.shares_y[traded.trades.entry]) == np.sign(
        traded.shares_x[traded.trades.entry]
    )
    assert both.any()
    entries = refused.trades.entry
    assert np.all(refused.hedge_ratio[entries] > 0)
    assert np.all(np.sign(refused.shares_y[entries]) != np.sign(refused.shares_x[entries]))
    assert refused.negative_hedge.any()


@given(
    seed=st.integers(0, 2**31),
    cut=st.floats(0.0, 1.0),
    scale=st.floats(0.001, 0.3),
    fill=st.sampled_from(FILLS),
    capital=st.sampled_from(CAPITALS),
    borrow=st.sampled_from([0.0, 250.0]),
    negative=st.sampled_from(NEGATIVE_HEDGES),
    hedge=st.sampled_from(["static", "rolling"]),
    engine=st.sampled_from(list(ENGINES)),
)
def test_no_look_ahead_for_every_option(
    seed, cut, scale, fill, capital, borrow, negative, hedge, engine
):
    p = PairParams(
        lookback=20,
        entry_z=1.0,
        hedge=hedge,
        fill=fill,
        capital=capital,
        borrow_bps_per_year=borrow,
        negative_hedge=negative,
    )
    assert_no_look_ahead(ENGINES[engine], p, seed, cut, scale)


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(o))
def test_sweep_and_walk_forward_apply_the_options_on_both_engines(options):
    from lab import analytics
    from lab.backends import native as engine

    y, x = anti_pair(1000) if options.get("negative_hedge") else ou_pair(1000, seed=8)
    p = dataclasses.replace(BASE, **options)
    grid = {"lookback": [20, 30], "entry_z": [1.0, 1.5]}
    want, got = analytics.sweep(y, x, grid, params=p), engine.sweep(y, x, grid, params=p)
    np.testing.assert_allclose(got.values, want.values, rtol=1e-9, atol=1e-12)
    plain = analytics.sweep(y, x, grid, params=BASE)
    assert not np.allclose(plain.values, want.values, equal_nan=True)  # the options took effect
    kwargs = dict(grid=grid, train=300, test=200)
    a, b = analytics.walk_forward(y, x, p, **kwargs), engine.walk_forward(y, x, p, **kwargs)
    np.testing.assert_allclose(b.trial_returns, a.trial_returns, rtol=1e-10, atol=1e-13)
    np.testing.assert_array_equal(b.lookback, a.lookback)
