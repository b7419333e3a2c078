"""Pairs-trading backtest: a z-score strategy on a hedged spread, without look-ahead, with costs.

Strategy
--------
For prices ``y`` and ``x`` (rows are periods, e.g. trading days) and a hedge ratio ``beta[t]``:

* **Hedge ratio** (information up to ``t`` only).

  * ``"rolling"``: OLS slope of ``y`` on ``(1, x)`` over the trailing ``lookback`` rows
    ``t - lookback + 1 .. t``.
  * ``"static"``: OLS slope on the training window, rows ``0 .. n_train - 1`` with
    ``n_train = floor(train_fraction T)``, used unchanged from row ``n_train - 1`` on. Inside
    the training window that slope is not yet known, so row ``t < n_train - 1`` uses the OLS on
    rows ``0 .. t`` (expanding); the in-sample signals are therefore causal too.

* **Signal.** With ``s[i] = y[i] - beta[t] x[i]`` over the trailing window
  ``i = t - lookback + 1 .. t`` (the spread recomputed with the current ratio),
  ``z[t] = (s[t] - mean(s)) / std(s)`` (sample std, ``ddof = 1``). ``z`` is undefined (NaN) for
  ``t < lookback - 1``, when ``x`` is (numerically) constant in the hedge window
  (``var(x) <= 1e-24 x[t]^2``) or when the spread is (numerically) constant
  (``var(s) <= 1e-9 (var(y) + beta^2 var(x))``: the hedge fits the window to within
  about 3e-5 of the legs' standard deviation, where z is numerically meaningless).

* **Position** in spread units, decided at the close of ``t`` from ``z[t]`` and held over
  ``(t, t+1]`` (``positions[t]``):

  * flat: go short (-1) when ``z > entry_z`` and long (+1) when ``z < -entry_z``; with a stop,
    only while ``|z| < stop_z``;
  * long: exit when ``z >= -exit_z``; stop out when ``z <= -stop_z``; short is the mirror image;
  * a position is closed when ``z`` becomes undefined;
  * after an exit the same bar may open the opposite side (a flip, executed as a close and an
    open); after a stop-out no new position is opened *in the same direction* until ``|z|``
    has come back inside ``entry_z``.

Capital, sizing and P&L convention
----------------------------------
The account starts with capital ``K = 1``. Every entry opens a fixed gross notional ``K`` at
the close of ``t``: ``n_y = d K / (y[t] + |beta[t]| x[t])`` shares of ``y`` and
``n_x = -beta[t] n_y`` shares of ``x`` (``d = +1`` long the spread, ``-1`` short). Share
holdings stay fixed until the trade is closed (no intra-trade rebalancing, even with a rolling
hedge). Unused capital and short proceeds earn nothing and financing is free. Mark-to-market
P&L over ``(t-1, t]`` is ``n_y (y[t] - y[t-1]) + n_x (x[t] - x[t-1])`` and::

    equity[t] = equity[t-1] + pnl[t] - costs[t]        (equity[-1] = K = 1)

Fixed-notional sizing keeps the positions independent of past P&L and costs, which is what
makes the cost identity exact: equity without costs minus equity with costs equals the
cumulative charged costs.

Costs: every change of a leg's holding costs ``cost_bps / 1e4`` times the traded notional
``|change in shares| x price`` of that leg, charged at the close of ``t`` (opening costs
``cost_bps / 1e4 K``; closing costs ``cost_bps / 1e4 (|n_y| y[t] + |n_x| x[t])``). A flip
pays for a close plus an open, which is the net change of each leg's holding unless the hedge
ratio changed sign between the two trades.

Metrics
-------
One function, :func:`metric_values` (run with NumPy by the reference engine, compiled by
numba for the native engine), reports the in-sample rows ``0 .. n_train - 1`` and the
out-of-sample rows ``n_train .. T - 1`` separately. Period returns are
``r[t] = equity[t] / equity[t-1] - 1`` (``r[0]`` against ``K``), and a segment holds the
returns of its rows; the first out-of-sample return is the P&L of the position decided on the
last in-sample row. Annualisation uses 252 periods per year. See :data:`METRIC_NAMES`.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

PERIODS_PER_YEAR = 252
"""Periods per year used to annualise (daily data)."""

CAPITAL = 1.0
"""Initial capital and gross notional of every trade."""

HEDGES = ("static", "rolling")
"""Hedge-ratio methods."""

SAMPLES = ("in", "out")
"""Metric segments: in-sample (training rows) and out-of-sample."""

EXIT_OPEN, EXIT_SIGNAL, EXIT_STOP, EXIT_NO_SIGNAL = 0, 1, 2, 3
"""Trade exit reasons: still open at the end of the data, ``|z|`` back inside ``exit_z``,
stop-loss at ``stop_z``, z-score undefined (closed flat)."""

VAR_X_TOL = 1e-24
"""Hedge undefined when ``var(x) <= VAR_X_TOL x[t]^2`` (x numerically constant)."""
VAR_S_TOL = 1e-9
"""z undefined when ``var(s) <= VAR_S_TOL (var(y) + beta^2 var(x))`` (spread numerically constant)."""

METRIC_NAMES: tuple[str, ...] = (
    "total_return",
    "cagr",
    "ann_vol",
    "sharpe",
    "sortino",
    "max_drawdown",
    "calmar",
    "n_trades",
    "win_rate",
    "avg_holding",
    "turnover",
    "total_costs",
    "exposure",
    "n_periods",
)
"""Keys of each metrics dictionary.

``total_return``: ``equity[end] / equity[start] - 1`` over the segment.
``cagr``: ``(1 + total_return)^(252 / n_periods) - 1`` (-1 after ruin).
``ann_vol``: ``std(r, ddof=1) sqrt(252)``.
``sharpe``: ``mean(r) / std(r, ddof=1) sqrt(252)`` (zero risk-free rate; NaN without variation).
``sortino``: ``mean(r) sqrt(252) / sqrt(mean(min(r, 0)^2))`` (target 0; NaN without losses).
``max_drawdown``: largest fall from a running peak, ``max(1 - equity / peak)``, as a positive fraction.
``calmar``: ``cagr / max_drawdown`` (NaN without drawdown).
``n_trades``: trades entered in the segment (including one still open at the end).
``win_rate``: fraction of closed trades entered in the segment with P&L > 0 (after costs).
``avg_holding``: mean holding period, in periods, of those closed trades.
``turnover``: traded notional over capital per year, ``sum(traded) / K * 252 / n_periods``.
``total_costs``: costs charged in the segment, in units of the initial capital.
``exposure``: fraction of the segment's rows with an open position.
``n_periods``: number of rows (returns) in the segment.
"""


@dataclass(frozen=True)
class PairParams:
    """Parameters of the pairs strategy (see the module docstring for the rules).

    Attributes
    ----------
    lookback : int
        Rows in the trailing z-score window, and in the OLS window of the rolling hedge
        (>= 2; >= 3 for ``hedge="rolling"``, where two points fit exactly).
    entry_z : float
        Open a position when ``|z| > entry_z`` (> 0).
    exit_z : float
        Close when ``z`` crosses back over ``-exit_z`` (long) or ``exit_z`` (short);
        ``-entry_z < exit_z < entry_z`` (negative values hold through the mean).
    stop_z : float or None
        Stop-loss: close when ``|z|`` reaches ``stop_z`` on the losing side (> entry_z), or
        None for no stop.
    cost_bps : float
        Cost in basis points of the traded notional, per leg, per transaction (>= 0).
    hedge : str
        ``"static"`` (OLS on the training window) or ``"rolling"`` (OLS over ``lookback``).
    train_fraction : float
        Fraction of rows, from the start, in the in-sample (training) segment; in (0, 1).
    """

    lookback: int = 60
    entry_z: float = 2.0
    exit_z: float = 0.5
    stop_z: float | None = None
    cost_bps: float = 5.0
    hedge: str = "static"
    train_fraction: float = 0.5

    def __post_init__(self) -> None:
        lookback = self.lookback
        if isinstance(lookback, bool) or not isinstance(lookback, int | np.integer):
            if isinstance(lookback, float | np.floating) and float(lookback).is_integer():
                lookback = int(lookback)
            else:
                raise ValueError(f"lookback must be an integer number of rows, got {lookback!r}")
        object.__setattr__(self, "lookback", int(lookback))
        for name in ("entry_z", "exit_z", "cost_bps", "train_fraction"):
            value = getattr(self, name)
            try:
                value = float(value)
            except (TypeError, ValueError):
                raise ValueError(f"{name} must be a number, got {value!r}") from None
            if not math.isfinite(value):
                raise ValueError(f"{name} must be finite, got {value!r}")
            object.__setattr__(self, name, value)
        if self.stop_z is not None:
            try:
                stop = float(self.stop_z)
            except (TypeError, ValueError):
                raise ValueError(f"stop_z must be a number or None, got {self.stop_z!r}") from None
            if not math.isfinite(stop):
                raise ValueError(f"stop_z must be finite or None, got {self.stop_z!r}")
            object.__setattr__(self, "stop_z", stop)
        if self.hedge not in HEDGES:
            raise ValueError(f"hedge must be one of {HEDGES}, got {self.hedge!r}")
        minimum = 3 if self.hedge == "rolling" else 2
        if self.lookback < minimum:
            raise ValueError(
                f"lookback must be >= {minimum} for hedge={self.hedge!r}, got {self.lookback}"
            )
        if self.entry_z <= 0:
            raise ValueError(f"entry_z must be > 0, got {self.entry_z}")
        if not -self.entry_z < self.exit_z < self.entry_z:
            raise ValueError(
                f"exit_z must satisfy -entry_z < exit_z < entry_z, got exit_z={self.exit_z} "
                f"with entry_z={self.entry_z}"
            )
        if self.stop_z is not None and self.stop_z <= self.entry_z:
            raise ValueError(
                f"stop_z must exceed entry_z (or be None), got stop_z={self.stop_z} "
                f"with entry_z={self.entry_z}"
            )
        if self.cost_bps < 0:
            raise ValueError(f"cost_bps must be >= 0, got {self.cost_bps}")
        if not 0.0 < self.train_fraction < 1.0:
            raise ValueError(f"train_fraction must be in (0, 1), got {self.train_fraction}")


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
        P&L after both transactions' costs, in units of the initial capital; since each trade
        commits gross notional ``K = 1`` it is also the trade's return on gross notional. An
        open trade is marked to market without an exit cost.
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
    """Performance of the in-sample and out-of-sample segments (keys: :data:`METRIC_NAMES`)."""

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


@dataclass(frozen=True)
class SweepResult:
    """A metric over a ``lookback`` x ``entry_z`` grid.

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
    """

    lookbacks: np.ndarray
    entry_zs: np.ndarray
    values: np.ndarray
    metric: str
    sample: str


# --------------------------------------------------------------------------------------------
# shared checks and metrics (used by both engines)


def resolve_params(params: object) -> PairParams:
    """``params`` or the defaults; a clear error for anything that is not a PairParams."""
    if params is None:
        return PairParams()
    if not isinstance(params, PairParams):
        raise ValueError(f"params must be a PairParams or None, got {type(params).__name__}")
    return params


def _as_prices(values: object, name: str) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a 1-D array of prices: {exc}") from None
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
    bad = ~np.isfinite(arr)
    if bad.any():
        raise ValueError(
            f"{name} has {int(bad.sum())} non-finite values (NaN/inf), first at row "
            f"{int(np.argmax(bad))}; align and clean the prices first"
        )
    if arr.size and arr.min() <= 0:
        raise ValueError(
            f"{name} must hold positive prices; row {int(np.argmin(arr))} is {arr.min():g}"
        )
    return np.ascontiguousarray(arr)


def check_pair(y: object, x: object, params: PairParams, lookback: int | None = None):
    """Validate the price pair and return ``(y, x, n_train)`` as float64 arrays and an int.

    ``lookback`` overrides ``params.lookback`` in the length check (the sweep passes its
    largest lookback).
    """
    ya = _as_prices(y, "y")
    xa = _as_prices(x, "x")
    if ya.shape != xa.shape:
        raise ValueError(f"y and x must have the same length, got {ya.shape[0]} and {xa.shape[0]}")
    n = ya.shape[0]
    lookback = params.lookback if lookback is None else lookback
    if n < lookback + 2:
        raise ValueError(
            f"y and x are too short: {n} rows, need at least lookback + 2 = {lookback + 2}"
        )
    n_train = int(math.floor(params.train_fraction * n))
    if n_train < 2 or n - n_train < 2:
        raise ValueError(
            f"train_fraction={params.train_fraction} splits {n} rows into {n_train} in-sample "
            f"and {n - n_train} out-of-sample rows; each segment needs at least 2"
        )
    return ya, xa, n_train


MAX_GRID_POINTS = 10_000
"""Most lookback x entry_z points of one :func:`sweep` (one backtest each)."""


def check_grid(grid: object, params: PairParams) -> tuple[np.ndarray, np.ndarray]:
    """Validate a sweep grid ``{"lookback": [...], "entry_z": [...]}``; every grid point is
    checked as a :class:`PairParams` (so e.g. ``entry_z <= exit_z`` is reported), and the grid
    has at most :data:`MAX_GRID_POINTS` points."""
    if not isinstance(grid, dict) or set(grid) != {"lookback", "entry_z"}:
        keys = sorted(grid) if isinstance(grid, dict) else type(grid).__name__
        raise ValueError(f'grid must be a dict with keys "lookback" and "entry_z", got {keys}')
    axes = []
    for key in ("lookback", "entry_z"):
        values = np.asarray(grid[key])
        if values.ndim != 1 or values.size == 0:
            raise ValueError(f"grid[{key!r}] must be a non-empty 1-D list, got {grid[key]!r}")
        axes.append(values)
    if axes[0].size * axes[1].size > MAX_GRID_POINTS:
        raise ValueError(
            f"grid has {axes[0].size} x {axes[1].size} = {axes[0].size * axes[1].size:,} points; "
            f"at most {MAX_GRID_POINTS:,} are accepted"
        )
    checked = {}
    for key, values in zip(("lookback", "entry_z"), axes, strict=True):
        checked[key] = []
        for value in values:
            try:
                point = dataclasses.replace(params, **{key: value.item()})
            except ValueError as exc:
                raise ValueError(f"grid[{key!r}]: {exc}") from None
            checked[key].append(getattr(point, key))
    return (
        np.asarray(checked["lookback"], dtype=np.int64),
        np.asarray(checked["entry_z"], dtype=np.float64),
    )


def check_metric(metric: object, sample: object) -> None:
    """Raise ``ValueError`` unless ``metric`` is in :data:`METRIC_NAMES` and ``sample`` in
    :data:`SAMPLES`."""
    if metric not in METRIC_NAMES:
        raise ValueError(f"metric must be one of {', '.join(METRIC_NAMES)}; got {metric!r}")
    if sample not in SAMPLES:
        raise ValueError(f"sample must be 'in' or 'out', got {sample!r}")


def running_max(values: np.ndarray) -> np.ndarray:
    """Running maximum, ``np.maximum.accumulate`` (numba gets a loop for it, registered in
    :mod:`lab.kernels.backtest`)."""
    return np.maximum.accumulate(values)


def metric_values(
    equity: np.ndarray,
    costs: np.ndarray,
    traded: np.ndarray,
    positions: np.ndarray,
    trade_entry: np.ndarray,
    trade_closed: np.ndarray,
    trade_pnl: np.ndarray,
    trade_holding: np.ndarray,
    start: int,
    stop: int,
) -> np.ndarray:
    """Metrics of rows ``start .. stop - 1``, in the order of :data:`METRIC_NAMES`.

    This is the one implementation of the metrics. The reference engine runs it with NumPy;
    the native engine compiles this same function with numba
    (:data:`lab.kernels.backtest.metric_values_kernel`), so it sticks to the NumPy subset
    numba supports.

    The segment's equity path starts from ``equity[start - 1]`` (``K`` when ``start == 0``).
    If the account is ruined (equity <= 0) inside the segment, the return-based ratios are NaN.
    """
    nan = math.nan
    n = stop - start
    if n < 1 or start < 0 or stop > equity.shape[0]:
        raise ValueError("metric_values: the segment must be a non-empty range of rows")
    ann = math.sqrt(PERIODS_PER_YEAR)
    path = np.empty(n + 1)
    path[0] = CAPITAL if start == 0 else equity[start - 1]
    path[1:] = equity[start:stop]
    base = path[0]
    ann_vol = nan
    sharpe = nan
    sortino = nan
    if np.all(path[:-1] > 0):
        r = path[1:] / path[:-1] - 1.0
        mean = r.sum() / n
        if n >= 2:
            sd = math.sqrt(((r - mean) ** 2).sum() / (n - 1))
            ann_vol = sd * ann
            if sd > 0:
                sharpe = mean / sd * ann
        downside = math.sqrt((np.minimum(r, 0.0) ** 2).sum() / n)
        if downside > 0:
            sortino = mean * ann / downside
    max_drawdown = nan
    if base > 0:
        max_drawdown = (1.0 - path / running_max(path)).max()
    growth = path[n] / base if base > 0 else nan
    if growth > 0:
        cagr = growth ** (PERIODS_PER_YEAR / n) - 1.0
    elif growth <= 0:
        cagr = -1.0
    else:
        cagr = nan
    calmar = cagr / max_drawdown if max_drawdown > 0 else nan

    in_segment = (trade_entry >= start) & (trade_entry < stop)
    done = in_segment & trade_closed
    n_done = done.sum()

    out = np.empty(len(METRIC_NAMES))
    out[0] = growth - 1.0
    out[1] = cagr
    out[2] = ann_vol
    out[3] = sharpe
    out[4] = sortino
    out[5] = max_drawdown
    out[6] = calmar
    out[7] = in_segment.sum()
    out[8] = (trade_pnl[done] > 0).sum() / n_done if n_done > 0 else nan
    out[9] = trade_holding[done].sum() / n_done if n_done > 0 else nan
    out[10] = traded[start:stop].sum() / CAPITAL * PERIODS_PER_YEAR / n
    out[11] = costs[start:stop].sum()
    out[12] = np.count_nonzero(positions[start:stop]) / n
    out[13] = n
    return out


def backtest_metrics(
    equity: np.ndarray,
    costs: np.ndarray,
    traded: np.ndarray,
    positions: np.ndarray,
    trades: Trades,
    n_train: int,
    compute=metric_values,
) -> BacktestMetrics:
    """In-sample (rows ``< n_train``) and out-of-sample metrics.

    ``compute`` is :func:`metric_values` (reference) or its numba-compiled twin (native).
    """
    rows = equity.shape[0]
    args = (trades.entry, trades.closed, trades.pnl, trades.holding)
    segments = []
    for start, stop in ((0, n_train), (n_train, rows)):
        values = compute(equity, costs, traded, positions, *args, start, stop)
        segments.append({name: float(v) for name, v in zip(METRIC_NAMES, values, strict=True)})
    return BacktestMetrics(in_sample=segments[0], out_of_sample=segments[1])


def make_trades(entry, exit_, direction, pnl, closed, reason) -> Trades:
    """:class:`Trades` from per-trade columns (any sequences, copied), with
    ``holding = exit - entry``."""
    entry = np.array(entry, dtype=np.int64)
    exit_ = np.array(exit_, dtype=np.int64)
    return Trades(
        entry=entry,
        exit=exit_,
        direction=np.array(direction, dtype=np.int64),
        pnl=np.array(pnl, dtype=np.float64),
        holding=exit_ - entry,
        closed=np.array(closed, dtype=np.bool_),
        reason=np.array(reason, dtype=np.int64),
    )


def backtest_result(
    equity: np.ndarray,
    positions: np.ndarray,
    shares_y: np.ndarray,
    shares_x: np.ndarray,
    z: np.ndarray,
    beta: np.ndarray,
    costs: np.ndarray,
    traded: np.ndarray,
    trades: Trades,
    n_train: int,
    compute=metric_values,
) -> BacktestResult:
    """Assemble a :class:`BacktestResult` from an engine's simulated rows: period returns
    against the previous equity (``CAPITAL`` before row 0) and the metrics from ``compute``
    (see :func:`backtest_metrics`)."""
    previous = np.concatenate([[CAPITAL], equity[:-1]])
    return BacktestResult(
        equity=equity,
        positions=positions,
        shares_y=shares_y,
        shares_x=shares_x,
        zscore=z,
        hedge_ratio=beta,
        costs=costs,
        traded=traded,
        returns=equity / previous - 1.0,
        trades=trades,
        metrics=backtest_metrics(equity, costs, traded, positions, trades, n_train, compute),
        n_train=n_train,
    )


# --------------------------------------------------------------------------------------------
# reference engine


def _signals(y: np.ndarray, x: np.ndarray, params: PairParams, n_train: int):
    """Hedge ratio and z-score (see the module docstring).

    Every trailing window is a row of a sliding-window view, and all window statistics are
    exact two-pass sums over it: the moments of ``x`` and ``y`` (for the rolling hedge and
    the degeneracy test) and the mean and variance of the spread ``y - beta[t] x`` recomputed
    with the current ratio. The expanding moments of the static hedge come from pandas
    ``expanding`` on the series shifted by their first values (a causal constant that limits
    cancellation in pandas' one-pass covariance).
    """
    lookback = params.lookback
    pad = np.full(lookback - 1, np.nan)
    wx = sliding_window_view(x, lookback)
    wy = sliding_window_view(y, lookback)
    dx = wx - wx.mean(axis=1)[:, None]
    dy = wy - wy.mean(axis=1)[:, None]
    var_x = np.r_[pad, np.einsum("ij,ij->i", dx, dx) / (lookback - 1)]
    var_y = np.r_[pad, np.einsum("ij,ij->i", dy, dy) / (lookback - 1)]
    if params.hedge == "rolling":
        cov_xy = np.r_[pad, np.einsum("ij,ij->i", dx, dy) / (lookback - 1)]
        hedge_var_x = var_x
        beta = cov_xy / var_x
    else:
        xs = pd.Series(x - x[0])
        ys = pd.Series(y - y[0])
        expanding_var_x = xs.expanding(min_periods=2).var().to_numpy()
        expanding_cov = xs.expanding(min_periods=2).cov(ys).to_numpy()
        hedge_var_x = expanding_var_x.copy()
        hedge_var_x[n_train:] = expanding_var_x[n_train - 1]
        beta = expanding_cov / expanding_var_x
        beta[n_train:] = beta[n_train - 1]  # frozen: the OLS slope on the training window
    beta[~(hedge_var_x > VAR_X_TOL * x**2)] = np.nan
    # the spread over each window, with that window's hedge ratio
    spread = wy - beta[lookback - 1 :, None] * wx
    deviation = spread - spread.mean(axis=1)[:, None]
    spread_var = np.r_[pad, np.einsum("ij,ij->i", deviation, deviation) / (lookback - 1)]
    ok = spread_var > VAR_S_TOL * (var_y + beta**2 * var_x)
    z = np.full(y.shape[0], np.nan)
    z[ok] = np.r_[pad, deviation[:, -1]][ok] / np.sqrt(spread_var[ok])
    return z, beta


def backtest_pairs(y, x, params=None):
    """Backtest the z-score pairs strategy on prices ``y`` and ``x`` (reference engine).

    The rules, the sizing, the P&L and cost conventions and the metrics are in the module
    docstring of :mod:`lab.analytics.backtest`. In short: the signal at ``t`` uses prices up
    to ``t`` only, ``positions[t]`` is held over ``(t, t+1]``, each trade commits gross
    notional 1 (the initial capital), and every leg transaction costs ``cost_bps`` of its
    traded notional.

    This engine computes the moments with pandas ``rolling``/``expanding`` and steps through
    the rows in a plain Python loop; the native engine (numba) matches its equity within 1e-10
    relative.

    Parameters
    ----------
    y, x : array_like, shape (T,)
        Positive prices of the two legs, aligned row by row, finite.
    params : PairParams, optional
        Strategy parameters; ``PairParams()`` when omitted.

    Returns
    -------
    BacktestResult

    Raises
    ------
    ValueError
        For NaN/inf or non-positive prices, different lengths, fewer than ``lookback + 2``
        rows, a train/test split leaving fewer than 2 rows on a side, or invalid params.
    """
    params = resolve_params(params)
    y, x, n_train = check_pair(y, x, params)
    z, beta = _signals(y, x, params, n_train)
    return _simulate(y, x, z, beta, params, n_train)


def _simulate(y, x, z, beta, params: PairParams, n_train: int) -> BacktestResult:
    rows = len(y)
    entry_z, exit_z, stop_z = params.entry_z, params.exit_z, params.stop_z
    rate = params.cost_bps / 1e4
    equity = np.empty(rows)
    positions = np.zeros(rows)
    shares_y = np.zeros(rows)
    shares_x = np.zeros(rows)
    costs = np.zeros(rows)
    traded = np.zeros(rows)
    records: list[tuple] = []

    value = CAPITAL
    position, n_y, n_x, lock = 0, 0.0, 0.0, 0
    trade_entry, trade_pnl = -1, 0.0
    for t in range(rows):
        if t > 0:
            pnl = n_y * (y[t] - y[t - 1]) + n_x * (x[t] - x[t - 1])
            value += pnl
            if position != 0:
                trade_pnl += pnl
        zt = z[t]
        valid = not math.isnan(zt)
        if valid and abs(zt) < entry_z:
            lock = 0  # back inside the entry band: a stopped-out side may trade again

        target, reason = position, EXIT_OPEN
        if position != 0:
            if not valid:
                target, reason = 0, EXIT_NO_SIGNAL
            elif position == 1 and stop_z is not None and zt <= -stop_z:
                target, reason, lock = 0, EXIT_STOP, 1
            elif position == 1 and zt >= -exit_z:
                target, reason = 0, EXIT_SIGNAL
            elif position == -1 and stop_z is not None and zt >= stop_z:
                target, reason, lock = 0, EXIT_STOP, -1
            elif position == -1 and zt <= exit_z:
                target, reason = 0, EXIT_SIGNAL
        if target == 0 and valid:
            inside_stop_short = stop_z is None or zt < stop_z
            inside_stop_long = stop_z is None or zt > -stop_z
            if zt > entry_z and inside_stop_short and lock != -1:
                target = -1
            elif zt < -entry_z and inside_stop_long and lock != 1:
                target = 1

        if target != position:
            if position != 0:  # close the open trade
                notional = abs(n_y) * y[t] + abs(n_x) * x[t]
                charge = rate * notional
                costs[t] += charge
                traded[t] += notional
                trade_pnl -= charge
                records.append((trade_entry, t, position, trade_pnl, True, reason))
                n_y, n_x = 0.0, 0.0
            if target != 0:  # open a new trade with gross notional CAPITAL
                n_y = target * CAPITAL / (y[t] + abs(beta[t]) * x[t])
                n_x = -beta[t] * n_y
                notional = abs(n_y) * y[t] + abs(n_x) * x[t]
                charge = rate * notional
                costs[t] += charge
                traded[t] += notional
                trade_entry, trade_pnl = t, -charge
            position = target
        value -= costs[t]
        equity[t] = value
        positions[t] = position
        shares_y[t] = n_y
        shares_x[t] = n_x
    if position != 0:
        records.append((trade_entry, rows - 1, position, trade_pnl, False, EXIT_OPEN))
    columns = zip(*records, strict=True) if records else [()] * 6
    trades = make_trades(*columns)
    return backtest_result(
        equity, positions, shares_y, shares_x, z, beta, costs, traded, trades, n_train
    )


def sweep(y, x, grid, metric="sharpe", params=None, sample="out"):
    """Evaluate a metric of :func:`backtest_pairs` over a ``lookback`` x ``entry_z`` grid.

    Parameters
    ----------
    y, x : array_like, shape (T,)
        Positive prices, as for :func:`backtest_pairs`.
    grid : dict
        ``{"lookback": [...], "entry_z": [...]}``; every combination is run with the other
        fields taken from ``params``.
    metric : str
        Key of :data:`METRIC_NAMES` (default ``"sharpe"``).
    params : PairParams, optional
        Base parameters (defaults when omitted).
    sample : str
        ``"out"`` (default): the out-of-sample metric, rows ``n_train ..`` - the honest one;
        ``"in"``: the in-sample metric.

    Returns
    -------
    SweepResult
        ``values[i, j]`` for ``lookbacks[i]``, ``entry_zs[j]``.

    Notes
    -----
    The reference engine simply calls :func:`backtest_pairs` for every grid point. The
    native engine computes each lookback's signals once and runs the grid in parallel
    (numba ``prange``); both agree within 1e-10.
    """
    params = resolve_params(params)
    check_metric(metric, sample)
    lookbacks, entry_zs = check_grid(grid, params)
    check_pair(y, x, params, lookback=int(lookbacks.max()))
    key = "out_of_sample" if sample == "out" else "in_sample"
    values = np.empty((lookbacks.size, entry_zs.size))
    for i, lookback in enumerate(lookbacks):
        for j, entry_z in enumerate(entry_zs):
            point = dataclasses.replace(params, lookback=int(lookback), entry_z=float(entry_z))
            result = backtest_pairs(y, x, point)
            values[i, j] = getattr(result.metrics, key)[metric]
    return SweepResult(
        lookbacks=lookbacks, entry_zs=entry_zs, values=values, metric=metric, sample=sample
    )
