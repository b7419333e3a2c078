"""The trade ledger (lab/analytics/backtest/ledger.py): leg prices at each trade's rows and
transaction costs that add up to the backtest's costs."""

from __future__ import annotations

import numpy as np
import pytest

from lab.analytics import PairParams, backtest_pairs
from lab.analytics.backtest.ledger import trade_ledger
from lab.data import simulate_ou_pair


@pytest.fixture(scope="module")
def pair():
    y, x, _ = simulate_ou_pair(1500, kappa=8.0, theta=0.0, sigma=0.5, beta=1.2, seed=3)
    return np.asarray(y), np.asarray(x)


@pytest.mark.parametrize(
    "options",
    [{}, {"fill": "next_close"}, {"rebalance_every": 5, "hedge": "rolling"},
     {"rebalance_threshold": 0.02, "fill": "next_close", "capital": "compounding"}],
)  # fmt: skip
def test_trade_costs_add_up_to_the_backtest_costs(pair, options):
    y, x = pair
    p = PairParams(cost_bps=7.5, **options)
    bt = backtest_pairs(y, x, p)
    ledger = trade_ledger(bt, y, x, p.cost_bps)
    assert len(bt.trades.entry) > 5
    assert (ledger.costs > 0).all()
    assert ledger.costs.sum() == pytest.approx(bt.costs.sum(), rel=1e-12)
    np.testing.assert_array_equal(ledger.y_entry, y[bt.trades.entry])
    np.testing.assert_array_equal(ledger.x_exit, x[bt.trades.exit])


def test_a_trade_without_resizes_costs_rate_times_its_notional(pair):
    y, x = pair
    p = PairParams(cost_bps=10.0)
    bt = backtest_pairs(y, x, p)
    ledger = trade_ledger(bt, y, x, p.cost_bps)
    t = bt.trades
    k = int(np.flatnonzero(t.closed)[0])
    e, q = t.entry[k], t.exit[k]
    ny, nx = bt.shares_y[e], bt.shares_x[e]
    notional = abs(ny) * (y[e] + y[q]) + abs(nx) * (x[e] + x[q])
    assert ledger.costs[k] == pytest.approx(1e-3 * notional, rel=1e-12)
    # gross P&L of the held shares = net P&L + costs
    gross = ny * (y[q] - y[e]) + nx * (x[q] - x[e])
    assert t.pnl[k] + ledger.costs[k] == pytest.approx(gross, rel=1e-9)


def test_prices_of_another_length_are_refused(pair):
    y, x = pair
    bt = backtest_pairs(y, x, PairParams())
    with pytest.raises(ValueError, match="backtest's 1500 rows"):
        trade_ledger(bt, y[:-1], x[:-1], 5.0)
