"""The trade ledger of a backtest: each round trip's leg prices and transaction costs.

A :class:`~lab.analytics.backtest.Trades` record holds the rows of a trade and its P&L after
costs; the ledger adds what a desk reads next to them, from the same
:class:`~lab.analytics.backtest.BacktestResult` and the prices it ran on:

- the prices of both legs at the entry and the exit rows (the closes the transactions were
  executed at, ``fill`` included: the trade's rows are its execution rows);
- the trade's transaction costs, in units of the initial capital: ``cost_bps / 1e4`` of the
  notional it traded, at entry (``|n_y| y + |n_x| x`` with the shares opened), at each resize
  between entry and exit (the rows strictly inside a trade trade nothing else), and at exit
  (with the shares held into the exit row; a trade still open at the end has no exit cost).
  Borrow fees are not transaction costs (``BacktestResult.borrow``).

Every transaction belongs to exactly one trade, so the trades' costs add up to the sum of
``BacktestResult.costs``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class TradeLedger:
    """One entry per trade of ``BacktestResult.trades``, in the same order.

    Attributes
    ----------
    y_entry, y_exit, x_entry, x_exit : ndarray
        Close of each leg at the trade's entry and exit rows (price units).
    costs : ndarray
        Transaction costs of the trade (entry, resizes, exit), units of the initial capital.
    """

    y_entry: np.ndarray
    y_exit: np.ndarray
    x_entry: np.ndarray
    x_exit: np.ndarray
    costs: np.ndarray


def trade_ledger(result: Any, y: Any, x: Any, cost_bps: float) -> TradeLedger:
    """The :class:`TradeLedger` of ``result`` (module docstring).

    Parameters
    ----------
    result : BacktestResult
    y, x : array_like, shape (T,)
        The prices the backtest ran on.
    cost_bps : float
        The cost per leg transaction the backtest charged (``PairParams.cost_bps``), bps of
        notional.
    """
    y = np.asarray(y, dtype=np.float64)
    x = np.asarray(x, dtype=np.float64)
    if y.shape != result.equity.shape or x.shape != result.equity.shape:
        raise ValueError(
            f"y and x must have the backtest's {result.equity.shape[0]} rows, "
            f"got {y.shape[0]} and {x.shape[0]}"
        )
    t = result.trades
    entry, exit_ = np.asarray(t.entry, dtype=np.int64), np.asarray(t.exit, dtype=np.int64)
    rate = float(cost_bps) / 1e4
    sy, sx = np.abs(result.shares_y), np.abs(result.shares_x)
    opened = rate * (sy[entry] * y[entry] + sx[entry] * x[entry])
    held = np.maximum(exit_ - 1, 0)
    closed = np.asarray(t.closed, dtype=bool)
    closing = np.where(closed, rate * (sy[held] * y[exit_] + sx[held] * x[exit_]), 0.0)
    cumulative = np.concatenate([[0.0], np.cumsum(result.costs)])
    # rows strictly inside the trade, and its last row when it is still open
    last = exit_ + ~closed
    resizes = np.where(last > entry + 1, cumulative[last] - cumulative[entry + 1], 0.0)
    return TradeLedger(
        y_entry=y[entry],
        y_exit=y[exit_],
        x_entry=x[entry],
        x_exit=x[exit_],
        costs=opened + resizes + closing,
    )
