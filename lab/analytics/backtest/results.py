"""Result types of the backtest and the sweep (both engines return these), and the merge of
a sweep run in chunks.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from lab.analytics.overfitting import dsr_from_moments

EXPOSURE_NAMES: tuple[str, ...] = (
    "gross_exposure",
    "net_exposure",
    "max_leverage",
    "borrow_costs",
    "negative_hedge_entries",
    "rebalances",
)
"""Keys of each :attr:`BacktestResult.exposure` dictionary (rows of the segment).

``gross_exposure``: mean of ``(|n_y| y + |n_x| x) / equity`` (leverage held over
``(t, t+1]``). ``net_exposure``: mean of ``|n_y y + n_x x| / equity``. ``max_leverage``: the
largest gross exposure. ``borrow_costs``: borrow fees charged, in units of the initial capital.
``negative_hedge_entries``: entry decisions whose hedge ratio was not positive (traded or,
with ``negative_hedge="refuse"``, refused). ``rebalances``: rows where an open trade was
resized by the rebalance rule. Ratios are NaN once equity <= 0.
"""


@dataclass(frozen=True)
class Trades:
    """Round trips of a backtest, one entry per trade, in order of entry.

    Attributes
    ----------
    entry, exit : ndarray of int64
        Row of the opening and of the closing transaction (``exit = T - 1`` for a trade still
        open at the end). The trade is held over ``(entry, exit]``.
    direction : ndarray of int64
        +1 long the spread (long y, short beta x), -1 short.
    pnl : ndarray of float
        P&L after all its transactions' costs (entry, resizes, exit) and borrow, in units of
        the initial capital; with the default fixed capital and no volatility target each trade
        commits gross notional ``K = 1``, so it is also the trade's return on gross notional.
        An open trade is marked to market without an exit cost.
    holding : ndarray of int64
        ``exit - entry`` in periods.
    closed : ndarray of bool
        False for the trade still open at the end.
    reason : ndarray of int64
        :data:`EXIT_OPEN`, :data:`EXIT_SIGNAL`, :data:`EXIT_STOP` or :data:`EXIT_NO_SIGNAL`.
    """

    entry: np.ndarray
    exit: np.ndarray
    direction: np.ndarray
    pnl: np.ndarray
    holding: np.ndarray
    closed: np.ndarray
    reason: np.ndarray


@dataclass(frozen=True)
class BacktestMetrics:
    """Performance of the in-sample and out-of-sample segments (keys: :data:`METRIC_NAMES`,
    defined in :data:`lab.analytics.backtest.metric_table.METRICS`)."""

    in_sample: dict[str, float]
    out_of_sample: dict[str, float]


@dataclass(frozen=True)
class BacktestResult:
    """Outcome of :func:`backtest_pairs`; arrays have one row per input row.

    Attributes
    ----------
    equity : ndarray
        Account value at the close of each row after that row's costs (starts from ``K = 1``).
    positions : ndarray
        Position in spread units (-1, 0, +1) decided at row ``t`` and held over ``(t, t+1]``.
    shares_y, shares_x : ndarray
        Shares of each leg held over ``(t, t+1]``.
    zscore : ndarray
        Signal ``z[t]`` (NaN where undefined).
    hedge_ratio : ndarray
        ``beta[t]`` used for the signal at ``t`` (and for sizing an entry at ``t``).
    costs : ndarray
        Costs charged at row ``t``.
    traded : ndarray
        Notional traded at row ``t`` (both legs, all transactions).
    returns : ndarray
        ``equity[t] / equity[t-1] - 1`` (``returns[0]`` against ``K``).
    trades : Trades
    metrics : BacktestMetrics
    n_train : int
        Rows in the in-sample segment.
    borrow : ndarray
        Borrow fee charged at row ``t`` (not included in ``costs``).
    gross_exposure, net_exposure : ndarray
        ``|n_y| y + |n_x| x`` and ``n_y y + n_x x`` held over ``(t, t+1]``, in units of the
        initial capital.
    negative_hedge : ndarray of bool
        Rows where an entry decision met a hedge ratio that is not positive.
    exposure : BacktestMetrics
        In- and out-of-sample :data:`EXPOSURE_NAMES`.
    """

    equity: np.ndarray
    positions: np.ndarray
    shares_y: np.ndarray
    shares_x: np.ndarray
    zscore: np.ndarray
    hedge_ratio: np.ndarray
    costs: np.ndarray
    traded: np.ndarray
    returns: np.ndarray
    trades: Trades
    metrics: BacktestMetrics
    n_train: int
    borrow: np.ndarray
    gross_exposure: np.ndarray
    net_exposure: np.ndarray
    negative_hedge: np.ndarray
    exposure: BacktestMetrics


@dataclass(frozen=True)
class SweepResult:
    """A metric over a ``lookback`` x ``entry_z`` grid, with what is needed to deflate the
    best cell's Sharpe ratio for the search that found it.

    Attributes
    ----------
    lookbacks : ndarray of int64, shape (L,)
    entry_zs : ndarray of float, shape (E,)
    values : ndarray, shape (L, E)
        ``values[i, j]`` is the metric for ``lookbacks[i]`` and ``entry_zs[j]``.
    metric : str
        Key of :data:`METRIC_NAMES`.
    sample : str
        ``"out"`` (out-of-sample, the default) or ``"in"``.
    cell_sharpe, cell_skew, cell_kurtosis : ndarray, shape (L, E)
        Per-period (not annualised) Sharpe ratio, skewness and non-excess kurtosis of each
        cell's period returns in the swept segment
        (:func:`lab.analytics.overfitting.sharpe_moments`; NaN without variation).
    n_obs : int
        Number of returns in the swept segment.

    The derived :attr:`n_trials`, :attr:`best_cell`, :attr:`sr_variance` and :attr:`best_dsr`
    state how honest the best cell is: picking the best of ``n_trials`` cells, even out of
    sample, is itself a selection that the Deflated Sharpe Ratio corrects for.
    """

    lookbacks: np.ndarray
    entry_zs: np.ndarray
    values: np.ndarray
    metric: str
    sample: str
    cell_sharpe: np.ndarray
    cell_skew: np.ndarray
    cell_kurtosis: np.ndarray
    n_obs: int

    @property
    def n_trials(self) -> int:
        """Number of grid cells tried (every cell counts, also those that never traded)."""
        return int(self.values.size)

    @property
    def best_cell(self) -> tuple[int, int] | None:
        """``(i, j)`` of the cell with the highest per-period Sharpe ratio in the swept
        segment (the selection the DSR deflates); None when no cell has one."""
        finite = np.isfinite(self.cell_sharpe)
        if not finite.any():
            return None
        flat = int(np.argmax(np.where(finite, self.cell_sharpe, -np.inf)))
        i, j = np.unravel_index(flat, self.cell_sharpe.shape)
        return int(i), int(j)

    @property
    def sr_variance(self) -> float:
        """Variance (ddof=1) of the cells' finite per-period Sharpe ratios; 0 with fewer than
        two."""
        finite = self.cell_sharpe[np.isfinite(self.cell_sharpe)]
        return float(np.var(finite, ddof=1)) if finite.size >= 2 else 0.0

    @property
    def best_dsr(self) -> float:
        """Deflated Sharpe Ratio of :attr:`best_cell` for :attr:`n_trials` trials with
        :attr:`sr_variance` (Bailey & Lopez de Prado 2014; see
        :func:`lab.analytics.overfitting.dsr_from_moments`); NaN without a best cell."""
        cell = self.best_cell
        if cell is None:
            return math.nan
        return dsr_from_moments(
            float(self.cell_sharpe[cell]),
            self.n_obs,
            float(self.cell_skew[cell]),
            float(self.cell_kurtosis[cell]),
            self.n_trials,
            self.sr_variance,
        )


def merge_sweeps(parts: list[SweepResult]) -> SweepResult:
    """One :class:`SweepResult` from results on consecutive chunks of the lookback axis.

    ``lookbacks`` and every per-cell array (``values`` and the cells' Sharpe moments) are
    concatenated in order; ``entry_zs``, ``metric``, ``sample`` and ``n_obs`` must agree across
    the parts (``ValueError`` otherwise). The gRPC server and the Dask backend merge their
    chunks with it (:mod:`lab.analytics.chunking`).
    """
    if not parts:
        raise ValueError("parts must hold at least one sweep result")
    first = parts[0]
    for part in parts[1:]:
        if (
            part.metric != first.metric
            or part.sample != first.sample
            or part.n_obs != first.n_obs
            or not np.array_equal(part.entry_zs, first.entry_zs)
        ):
            raise ValueError("sweep parts disagree on entry_zs, metric, sample or n_obs")
    return dataclasses.replace(
        first,
        lookbacks=np.concatenate([p.lookbacks for p in parts]),
        **{
            name: np.concatenate([getattr(p, name) for p in parts], axis=0)
            for name in ("values", "cell_sharpe", "cell_skew", "cell_kurtosis")
        },
    )
