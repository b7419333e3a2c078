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

* **Spread bands** (``band_units="spread"``). The hedge ratio is the known ``spread_beta`` on
  every row and the signal is the spread's deviation from its known mean,
  ``z[t] = y[t] - spread_beta x[t] - spread_mean`` in price units (on the same nine-decimal
  grid, :data:`Z_DECIMALS`), defined from row 0; ``entry_z``, ``exit_z`` and ``stop_z`` are
  then levels of that deviation, so the bands of
  :func:`lab.analytics.ou.optimal_thresholds` are traded as they are: ``entry_z = band``,
  ``exit_z = -band`` (exit at the opposite band, allowed in this mode only) for Bertram's
  strategy, or ``exit_z`` inside for an earlier exit. Estimate ``spread_beta`` and
  ``spread_mean`` on the training rows to keep the out-of-sample segment honest. See
  :class:`PairParams` for how Bertram's ``cost`` maps to ``cost_bps``.

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
The account starts with capital ``K = 1``. By default every entry opens a fixed gross
notional ``K`` at the close of ``t``: ``n_y = d K / (y[t] + |beta[t]| x[t])`` shares of ``y``
and ``n_x = -beta[t] n_y`` shares of ``x`` (``d = +1`` long the spread, ``-1`` short). Share
holdings stay fixed until the trade is closed (no intra-trade rebalancing, even with a rolling
hedge) unless a rebalance rule is set (below). Unused capital and short proceeds earn nothing and financing is free. Mark-to-market
P&L over ``(t-1, t]`` is ``n_y (y[t] - y[t-1]) + n_x (x[t] - x[t-1])`` and::

    equity[t] = equity[t-1] + pnl[t] - costs[t]        (equity[-1] = K = 1)

Fixed-notional sizing keeps the positions independent of past P&L and costs, which is what
makes the cost identity exact: equity without costs minus equity with costs equals the
cumulative charged costs.

Execution options (:class:`PairParams`; the defaults are the convention above):

* ``fill="next_close"`` executes each decision at the close of the next row, sized with the
  hedge ratio of the decision row and the execution row's prices;
* ``capital="compounding"`` opens each trade with gross notional equal to the account value
  at the entry close (before that row's costs) instead of ``K``; nothing is opened once the
  account is ruined;
* ``borrow_bps_per_year`` charges ``bps / 1e4 / 252`` of the previous close's short notional
  every row (``BacktestResult.borrow``, kept apart from ``costs``);
* ``negative_hedge`` flags (``"trade"``) or refuses (``"refuse"``) an entry whose hedge ratio
  is not positive, where ``n_x = -beta n_y`` would put both legs on the same side;
* ``sizing`` splits the committed gross notional ``G`` (``K``, or the account value with
  compounding, times the volatility scale below) between the legs; with ``d = +-1`` and the
  decision row's hedge ratio ``beta``, at the execution row's prices
  (:func:`leg_shares`, the one implementation):

  * ``"shares_from_hedge"`` (default): ``n_y = d G / (y + |beta| x)``, ``n_x = -beta n_y``
    (one share of y against ``beta`` shares of x, as the z-score's spread);
  * ``"dollar_neutral"``: equal and opposite dollar notional, ``n_y y = d G / 2`` and
    ``n_x x = -d G / 2`` (net exposure 0 at sizing; the hedge ratio's sign is not used, a
    non-positive one is still flagged or refused by ``negative_hedge``);
  * ``"beta_neutral"``: the x leg's notional is ``beta`` times the y leg's,
    ``n_y y = d G / (1 + |beta|)`` and ``n_x x = -beta n_y y``;

  in every mode the gross notional at sizing, ``|n_y| y + |n_x| x``, is ``G``;
* rebalancing (``rebalance_every`` k rows and/or ``rebalance_threshold`` h; both off by
  default, so shares are held until the trade closes): on a row where the position neither
  opens nor closes, an open trade is resized to the target holdings ``leg_shares`` gives for
  the current committed gross, the decision row's hedge ratio and this close, when ``k`` rows
  have passed since its entry or last resize, or when the held hedge
  ``-n_x x / (n_y y)`` (x-leg dollars per y-leg dollar) differs from the target's by more
  than ``h`` times the target's. A resize trades ``|change in n_y| y + |change in n_x| x``
  at that close and pays ``cost_bps`` on it (the cost convention below); the short leg's
  borrow is charged on whatever is held. It is skipped while the target is undefined (NaN
  hedge or scale, or an account value <= 0 with compounding). Rows resized are counted in
  ``exposure["rebalances"]``. The rules apply to every sizing mode (with
  ``"shares_from_hedge"`` they re-hedge the share counts to the current ratio);
* ``vol_target`` (annualised, None = off) scales ``G`` at every sizing (entry or resize) by
  ``min(vol_target / sigma_hat, leverage_cap)``, decided on the decision row ``t``:
  ``sigma_hat[t] = sqrt(252) std(r[t - vol_window + 1 .. t], ddof=1)`` of the sizing's
  *unit spread returns* ``r[s] = u_y (y[s] - y[s-1]) + u_x (x[s] - x[s-1])``, with
  ``(u_y, u_x) = leg_shares(sizing, 1, beta[s-1], y[s-1], x[s-1])`` (the return on gross of a
  unit position opened at ``s - 1``). It uses prices and hedge ratios up to ``t`` only and
  no P&L or costs, so positions stay independent of costs with fixed capital. The scale is
  the cap where ``sigma_hat = 0``; while ``sigma_hat`` is undefined (the first
  ``vol_window`` rows, or a window holding an undefined return) nothing is opened or resized
  (an entry waits). ``leverage_cap`` bounds the committed gross per unit of the capital base.

The books always balance: ``equity[t] = K + sum of P&L - costs - borrow`` up to ``t``; with
fixed capital (any sizing, rebalance rule or volatility target), equity without costs minus
equity with costs is the cumulative costs plus borrow. Exposures (gross, net, leverage) are reported per row and in
:attr:`BacktestResult.exposure` (:data:`EXPOSURE_NAMES`).

Costs: every change of a leg's holding costs ``cost_bps / 1e4`` times the traded notional
``|change in shares| x price`` of that leg, charged at the close of ``t`` (opening costs
``cost_bps / 1e4 G``, ``G = K`` by default; a resize pays on each leg's change; closing costs ``cost_bps / 1e4 (|n_y| y[t] + |n_x| x[t])``). A flip
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

from lab.analytics.overfitting import dsr_from_moments, path_returns, sharpe_moments

PERIODS_PER_YEAR = 252
"""Periods per year used to annualise (daily data)."""

CAPITAL = 1.0
"""Initial capital and gross notional of every trade."""

HEDGES = ("static", "rolling")
"""Least-squares hedge-ratio methods."""

HEDGE_METHODS = (*HEDGES, "kalman")
"""Hedge-ratio methods."""

FILLS = ("close", "next_close")
"""Execution: at the close of the signal's row (today's default) or of the next row."""

CAPITALS = ("fixed", "compounding")
"""Gross notional of an entry: the initial capital, or the account value at the entry."""

KALMAN_P0 = 100.0
"""Initial state covariance ``P0 = KALMAN_P0 I`` of the Kalman hedge (state mean 0): a prior
standard deviation of 10 on the intercept and the slope. (A much larger value makes the first
updates ill-conditioned, since ``(1, x)`` is nearly collinear over a few rows, and the filter's
early states then depend on rounding at the 1e-8 level.)"""

SIZINGS = ("shares_from_hedge", "dollar_neutral", "beta_neutral")
"""How an entry (or a rebalance) splits its gross notional between the legs (see the module
docstring): the hedge ratio's share counts (today's default), equal and opposite dollars, or
x-leg dollars equal to ``beta`` times the y leg's."""

MAX_REBALANCE_EVERY = 100_000
"""Largest ``rebalance_every`` (rows) accepted."""

MAX_VOL_WINDOW = 2520
"""Largest ``vol_window`` (rows, ten years of days) accepted: each row's estimate is an exact
two-pass sum over the window."""

MAX_LEVERAGE_CAP = 10.0
"""Largest ``leverage_cap`` accepted."""

NEGATIVE_HEDGES = ("trade", "refuse")
"""Entries where the hedge ratio is not positive (the pair would be long or short both legs):
traded and counted (default), or refused (no entry) and counted."""

BAND_UNITS = ("z", "spread")
"""Units of ``entry_z``, ``exit_z`` and ``stop_z``: z-scores of the trailing window (default) or
levels of the spread ``y - spread_beta x`` relative to ``spread_mean``, in price units."""

SAMPLES = ("in", "out")
"""Metric segments: in-sample (training rows) and out-of-sample."""

EXIT_OPEN, EXIT_SIGNAL, EXIT_STOP, EXIT_NO_SIGNAL = 0, 1, 2, 3
"""Trade exit reasons: still open at the end of the data, ``|z|`` back inside ``exit_z``,
stop-loss at ``stop_z``, z-score undefined (closed flat)."""

VAR_X_TOL = 1e-12
"""Hedge undefined when ``var(x) <= VAR_X_TOL x[t]^2``: x flat to six digits over the window
(a flat stretch of equal closes, which sliding sums resolve only to rounding), so the slope is
not identified. The same resolution as :data:`SPREAD_RESOLUTION`."""
VAR_S_TOL = 1e-9
"""z undefined when ``var(s) <= VAR_S_TOL (var(y) + beta^2 var(x))`` (spread numerically constant)."""
Z_DECIMALS = 1e9
"""z-scores are rounded to nine decimals, ``rint(z * Z_DECIMALS) / Z_DECIMALS``, on both engines.
A z-score can equal a band exactly (a three-row window whose last two x closes are equal gives
``z = +-1`` exactly, and real prices repeat); computed two ways it lands on either side of the
band by one rounding, and the engines would trade differently. On the nine-decimal grid an
exact tie stays an exact tie, so every engine takes the same side of it."""

SPREAD_RESOLUTION = 1e-6
"""z undefined when the spread's window standard deviation is at most this fraction of the
legs' level ``|y[t]| + |beta[t] x[t]|``. The spread is a difference of prices, so it carries a
rounding error of about 1e-16 of that level; below a millionth of it (a hundredth of a
one-cent tick on a $100 stock) the z-score is dominated by rounding, and two exact algorithms
give z-scores that differ in the ninth digit. Both engines apply it."""

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
        ``"static"`` (OLS on the training window), ``"rolling"`` (OLS over ``lookback``) or
        ``"kalman"`` (the filtered slope of :func:`kalman_hedge`).
    kalman_q_alpha, kalman_q_beta : float
        Kalman hedge: variances per period of the random-walk increments of the intercept
        (price units squared) and of the slope (> 0; defaults 1e-4 and 1e-6).
    kalman_r : float
        Kalman hedge: observation noise variance of ``y`` (price units squared; > 0;
        default 1).
    train_fraction : float
        Fraction of rows, from the start, in the in-sample (training) segment; in (0, 1).
    fill : str
        ``"close"`` (default): a decision at the close of ``t`` trades at that close;
        ``"next_close"``: it trades at the close of ``t + 1`` (with the hedge ratio decided at
        ``t``), so ``positions[t]`` lags the signal by one row.
    capital : str
        ``"fixed"`` (default): every entry commits gross notional ``K = 1``; ``"compounding"``:
        the account value at the close of the entry row (before that row's costs).
    borrow_bps_per_year : float
        Borrow fee on the short leg's notional, basis points per year (>= 0; default 0):
        ``borrow[t] = bps / 1e4 / 252 * sum over short legs of |n| price[t-1]``, accrued over
        ``(t-1, t]`` and charged at ``t``.
    negative_hedge : str
        What to do with an entry whose hedge ratio is not positive (a "pair" long or short
        both legs): ``"trade"`` (default, counted in ``exposure["negative_hedge_entries"]``)
        or ``"refuse"`` (stay flat, also counted).
    sizing : str
        How the committed gross notional ``G`` is split between the legs:
        ``"shares_from_hedge"`` (default, today's: ``n_y = d G / (y + |beta| x)``,
        ``n_x = -beta n_y``), ``"dollar_neutral"`` (``n_y y = d G / 2``, ``n_x x = -d G / 2``)
        or ``"beta_neutral"`` (``n_y y = d G / (1 + |beta|)``, ``n_x x = -beta n_y y``).
    rebalance_every : int
        Resize an open trade to its target holdings every this many rows after its entry or
        last rebalance (rows; >= 0, at most :data:`MAX_REBALANCE_EVERY`; default 0: never).
    rebalance_threshold : float
        Resize an open trade when its held hedge (x-leg dollars per y-leg dollar) has moved
        from the target's by more than this fraction of the target's (relative, >= 0;
        default 0: off). With ``rebalance_every`` a trade is resized when either rule is due.
    vol_target : float or None
        Annualised volatility target of the committed gross (a fraction, 0.1 = 10% a year;
        > 0), or None (default) for no targeting: ``G`` is scaled by
        ``min(vol_target / sigma_hat, leverage_cap)`` with ``sigma_hat`` the trailing
        realised volatility of the sizing's unit spread returns (module docstring).
    vol_window : int
        Rows in the realised-volatility window (2 .. :data:`MAX_VOL_WINDOW`; default 60).
    leverage_cap : float
        Largest scale the volatility target may apply, i.e. committed gross per unit of the
        capital base (> 0, at most :data:`MAX_LEVERAGE_CAP`; default 2).
    band_units : str
        ``"z"`` (default): ``entry_z``, ``exit_z`` and ``stop_z`` are z-scores of the trailing
        window. ``"spread"``: they are levels of the deviation ``y - spread_beta x -
        spread_mean`` in price units, with the hedge ratio fixed at ``spread_beta`` (the
        ``hedge`` method and ``lookback`` then play no part in the signal);
        ``exit_z = -entry_z`` (exit at the opposite band) is allowed.

        Same units and costs as :func:`lab.analytics.ou.optimal_thresholds`: fit the OU on the
        spread ``y - spread_beta x`` in the time unit of one row (``dt = 1``; or convert rates
        by ``dt``) and set ``spread_mean = theta``, ``entry_z = band``, ``exit_z = -band``. A
        trade entered at row ``e`` and closed at row ``c`` holds ``|n_y| = K / G_e`` shares of
        ``y`` (``G = y + |spread_beta| x``, the gross value of one unit of spread), so per
        unit of spread it earns ``d (s_c - s_e)`` and pays ``cost_bps / 1e4 (G_e + G_c)``.
        Bertram's round-trip ``cost`` (spread units) is therefore
        ``cost = cost_bps / 1e4 (G_e + G_c)``, i.e. ``cost_bps = 1e4 cost / (2 G)`` for legs
        whose gross value ``G`` is the same at entry and exit (to first order in the
        spread's moves, and exact when ``spread_beta x`` does not move between them), and the
        trade's P&L in units of capital is ``K / G_e`` times its profit in spread units.
        Because the backtest trades both sides (long at ``theta - band`` to
        ``theta + band``, then short back), its expected profit per unit time is
        ``2 expected_return_rate`` in spread units (per unit of spread), its variance per unit
        time ``4 return_variance_rate`` and its Sharpe ratio Bertram's ``sharpe_ratio``
        (the half-cycles are a renewal process with half the mean and half the variance of a
        cycle).
    spread_beta : float
        Hedge ratio of ``band_units="spread"`` (finite; default 1).
    spread_mean : float
        Mean of the spread of ``band_units="spread"``, price units (finite; default 0).
    """

    lookback: int = 60
    entry_z: float = 2.0
    exit_z: float = 0.5
    stop_z: float | None = None
    cost_bps: float = 5.0
    hedge: str = "static"
    train_fraction: float = 0.5
    fill: str = "close"
    capital: str = "fixed"
    borrow_bps_per_year: float = 0.0
    negative_hedge: str = "trade"
    kalman_q_alpha: float = 1e-4
    kalman_q_beta: float = 1e-6
    kalman_r: float = 1.0
    sizing: str = "shares_from_hedge"
    rebalance_every: int = 0
    rebalance_threshold: float = 0.0
    vol_target: float | None = None
    vol_window: int = 60
    leverage_cap: float = 2.0
    band_units: str = "z"
    spread_beta: float = 1.0
    spread_mean: float = 0.0

    def __post_init__(self) -> None:
        for name in ("lookback", "rebalance_every", "vol_window"):
            rows = getattr(self, name)
            if isinstance(rows, bool) or not isinstance(rows, int | np.integer):
                if isinstance(rows, float | np.floating) and float(rows).is_integer():
                    rows = int(rows)
                else:
                    raise ValueError(f"{name} must be an integer number of rows, got {rows!r}")
            object.__setattr__(self, name, int(rows))
        for name in (
            "entry_z",
            "exit_z",
            "cost_bps",
            "train_fraction",
            "borrow_bps_per_year",
            "kalman_q_alpha",
            "kalman_q_beta",
            "kalman_r",
            "rebalance_threshold",
            "leverage_cap",
        ):
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
        if self.vol_target is not None:
            try:
                target = float(self.vol_target)
            except (TypeError, ValueError):
                raise ValueError(
                    f"vol_target must be a number or None, got {self.vol_target!r}"
                ) from None
            if not (math.isfinite(target) and target > 0):
                raise ValueError(f"vol_target must be > 0 and finite (or None), got {target!r}")
            object.__setattr__(self, "vol_target", target)
        for name, choices in (
            ("hedge", HEDGE_METHODS),
            ("fill", FILLS),
            ("capital", CAPITALS),
            ("negative_hedge", NEGATIVE_HEDGES),
            ("sizing", SIZINGS),
        ):
            if getattr(self, name) not in choices:
                raise ValueError(f"{name} must be one of {choices}, got {getattr(self, name)!r}")
        for name in ("kalman_q_alpha", "kalman_q_beta", "kalman_r"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be > 0, got {getattr(self, name)}")
        if self.borrow_bps_per_year < 0:
            raise ValueError(f"borrow_bps_per_year must be >= 0, got {self.borrow_bps_per_year}")
        minimum = 3 if self.hedge == "rolling" else 2
        if self.lookback < minimum:
            raise ValueError(
                f"lookback must be >= {minimum} for hedge={self.hedge!r}, got {self.lookback}"
            )
        self._check_bands()
        if self.entry_z <= 0:
            raise ValueError(f"entry_z must be > 0, got {self.entry_z}")
        opposite = self.band_units == "spread" and self.exit_z == -self.entry_z
        if not (-self.entry_z < self.exit_z or opposite) or not self.exit_z < self.entry_z:
            raise ValueError(
                f"exit_z must satisfy -entry_z < exit_z < entry_z, got exit_z={self.exit_z} "
                f"with entry_z={self.entry_z} (exit_z = -entry_z only with band_units='spread')"
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
        if not 0 <= self.rebalance_every <= MAX_REBALANCE_EVERY:
            raise ValueError(
                f"rebalance_every must be in 0 .. {MAX_REBALANCE_EVERY:,} rows (0: never), "
                f"got {self.rebalance_every}"
            )
        if self.rebalance_threshold < 0:
            raise ValueError(
                f"rebalance_threshold must be >= 0 (0: off), got {self.rebalance_threshold}"
            )
        if not 2 <= self.vol_window <= MAX_VOL_WINDOW:
            raise ValueError(
                f"vol_window must be in 2 .. {MAX_VOL_WINDOW:,} rows, got {self.vol_window}"
            )
        if not 0 < self.leverage_cap <= MAX_LEVERAGE_CAP:
            raise ValueError(
                f"leverage_cap must be in (0, {MAX_LEVERAGE_CAP:g}], got {self.leverage_cap}"
            )

    def _check_bands(self) -> None:
        """Validate and normalise ``band_units``, ``spread_beta`` and ``spread_mean``."""
        if self.band_units not in BAND_UNITS:
            raise ValueError(f"band_units must be one of {BAND_UNITS}, got {self.band_units!r}")
        for name in ("spread_beta", "spread_mean"):
            value = getattr(self, name)
            try:
                value = float(value)
            except (TypeError, ValueError):
                raise ValueError(f"{name} must be a number, got {value!r}") from None
            if not math.isfinite(value):
                raise ValueError(f"{name} must be finite, got {value!r}")
            object.__setattr__(self, name, value)


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


def leg_shares(sizing: int, signed_gross: float, beta: float, y: float, x: float):
    """Shares ``(n_y, n_x)`` of a position of gross notional ``|signed_gross|`` (sign: +1 long
    the spread) at prices ``y``, ``x`` with hedge ratio ``beta``, for sizing
    ``SIZINGS[sizing]`` (the formulas of :class:`PairParams`). The one implementation: the
    reference engine calls it (on scalars, and on arrays for the unit spread returns), the
    native engine compiles it (:data:`lab.kernels.backtest.leg_shares_kernel`)."""
    if sizing == 1:  # dollar neutral
        return 0.5 * signed_gross / y, -0.5 * signed_gross / x
    if sizing == 2:  # beta neutral
        n_y = signed_gross / ((1.0 + abs(beta)) * y)
        return n_y, -beta * n_y * y / x
    n_y = signed_gross / (y + abs(beta) * x)
    return n_y, -beta * n_y


def vol_scale(y: np.ndarray, x: np.ndarray, beta: np.ndarray, params: PairParams) -> np.ndarray:
    """Scale of the committed gross at each row: ones without a ``vol_target``, otherwise
    ``min(vol_target / sigma_hat[t], leverage_cap)`` (the cap where ``sigma_hat`` is 0, NaN
    where it is undefined) -- see the module docstring (reference engine: exact two-pass
    window sums over a sliding-window view)."""
    rows = y.shape[0]
    if params.vol_target is None:
        return np.ones(rows)
    sizing = SIZINGS.index(params.sizing)
    unit_y, unit_x = leg_shares(sizing, 1.0, beta[:-1], y[:-1], x[:-1])
    spread_returns = np.r_[np.nan, unit_y * np.diff(y) + unit_x * np.diff(x)]
    window = params.vol_window
    sigma = np.full(rows, np.nan)
    if rows >= window:
        w = sliding_window_view(spread_returns, window)
        dev = w - w.mean(axis=1)[:, None]
        var = np.einsum("ij,ij->i", dev, dev) / (window - 1)
        sigma[window - 1 :] = np.sqrt(var * PERIODS_PER_YEAR)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.minimum(params.vol_target / sigma, params.leverage_cap)
    scale[sigma == 0.0] = params.leverage_cap
    return scale


def exposure_values(
    equity, gross, net, borrow, negative, rebalanced, start: int, stop: int
) -> dict:
    """:data:`EXPOSURE_NAMES` of rows ``start .. stop - 1`` (shared by both engines)."""
    rows = slice(start, stop)
    value = equity[rows]
    solvent = bool(np.all(value > 0))
    leverage = gross[rows] / value if solvent else np.full(stop - start, np.nan)
    return {
        "gross_exposure": float(leverage.mean()),
        "net_exposure": float((np.abs(net[rows]) / value).mean()) if solvent else math.nan,
        "max_leverage": float(leverage.max()),
        "borrow_costs": float(borrow[rows].sum()),
        "negative_hedge_entries": float(np.count_nonzero(negative[rows])),
        "rebalances": float(np.count_nonzero(rebalanced[rows])),
    }


def backtest_result(
    y: np.ndarray,
    x: np.ndarray,
    equity: np.ndarray,
    positions: np.ndarray,
    shares_y: np.ndarray,
    shares_x: np.ndarray,
    z: np.ndarray,
    beta: np.ndarray,
    costs: np.ndarray,
    traded: np.ndarray,
    borrow: np.ndarray,
    negative: np.ndarray,
    trades: Trades,
    n_train: int,
    compute=metric_values,
    *,
    rebalanced: np.ndarray,
) -> BacktestResult:
    """Assemble a :class:`BacktestResult` from an engine's simulated rows: period returns
    against the previous equity (``CAPITAL`` before row 0), the metrics from ``compute``
    (see :func:`backtest_metrics`) and the exposures (:func:`exposure_values`)."""
    previous = np.concatenate([[CAPITAL], equity[:-1]])
    gross = np.abs(shares_y) * y + np.abs(shares_x) * x
    net = shares_y * y + shares_x * x
    negative = np.asarray(negative, dtype=np.bool_)
    rebalanced = np.asarray(rebalanced, dtype=np.bool_)
    segments = [
        exposure_values(equity, gross, net, borrow, negative, rebalanced, a, b)
        for a, b in ((0, n_train), (n_train, equity.shape[0]))
    ]
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
        borrow=borrow,
        gross_exposure=gross,
        net_exposure=net,
        negative_hedge=negative,
        exposure=BacktestMetrics(in_sample=segments[0], out_of_sample=segments[1]),
    )


def returns_agreement(got: BacktestResult, want: BacktestResult) -> list[str]:
    """Whether two backtests' period returns agree as far as their equity curves determine them.

    ``returns[t] = equity[t] / equity[t-1] - 1`` is derived from the equity by the shared
    :func:`backtest_result`; where the equity passes near zero (a fixed-notional strategy that
    lost its capital) a return is the ratio of two tiny numbers, and a rounding of the equity
    moves it arbitrarily. So each result's returns must be its own equity's, exactly, and the
    two must agree within what the equity tolerance (1e-10 relative, 1e-12 of the largest
    equity) allows for that ratio.
    """
    problems = []
    for label, res in (("engine", got), ("reference", want)):
        previous = np.concatenate([[CAPITAL], res.equity[:-1]])
        own = res.equity / previous - 1.0
        if not np.array_equal(own, res.returns, equal_nan=True):
            problems.append(f"returns: the {label}'s returns are not its equity's")
    # the equity tolerance of the registry (1e-10 relative, 1e-12 of its largest value),
    # carried through r = e[t] / e[t-1] - 1 to first order
    previous = np.concatenate([[CAPITAL], want.equity[:-1]])
    floor = 1e-12 * float(np.nanmax(np.abs(want.equity)))
    err_e = 1e-10 * np.abs(want.equity) + floor
    err_prev = 1e-10 * np.abs(previous) + floor
    with np.errstate(divide="ignore", invalid="ignore"):
        limit = (err_e + np.abs(1.0 + want.returns) * err_prev) / np.abs(previous)
    diff = np.abs(got.returns - want.returns)
    bad = ~(diff <= limit) & ~(np.isnan(got.returns) & np.isnan(want.returns))
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        problems.append(
            f"returns[{k}]: {got.returns[k]!r} != {want.returns[k]!r} beyond what the equity "
            f"tolerance allows ({limit[k]:g})"
        )
    return problems


# --------------------------------------------------------------------------------------------
# reference engine


def kalman_hedge(y, x, q_alpha: float, q_beta: float, r: float) -> tuple[np.ndarray, np.ndarray]:
    """Filtered intercept and slope of ``y[t] = alpha[t] + beta[t] x[t] + e[t]`` (reference).

    State space model: the state ``(alpha, beta)`` is a random walk with increments
    ``N(0, diag(q_alpha, q_beta))``, the observation noise is ``e ~ N(0, r)``, and the state
    before the first observation is ``N(0, KALMAN_P0 I)``. The Kalman filter's *filtered*
    state ``E[(alpha[t], beta[t]) | y[0..t], x[0..t]]`` is returned (no smoothing, so no
    look-ahead). This is statsmodels' ``MLEModel`` with a time-varying design ``(1, x[t])``,
    identity transition and ``initialize_known(0, KALMAN_P0 I)``; the tests hold both
    engines to it within 1e-8.

    Parameters are in the units of :class:`PairParams` (``kalman_q_alpha``, ``kalman_q_beta``,
    ``kalman_r``). Returns ``(alpha, beta)``, arrays of length T.
    """
    rows = y.shape[0]
    state = np.zeros(2)
    cov = np.eye(2) * KALMAN_P0
    noise = np.diag([q_alpha, q_beta])
    alpha = np.empty(rows)
    beta = np.empty(rows)
    for t in range(rows):
        if t > 0:
            cov = cov + noise
        design = np.array([1.0, x[t]])
        pz = cov @ design
        f = design @ pz + r
        gain = pz / f
        state = state + gain * (y[t] - design @ state)
        cov = cov - np.outer(gain, pz)
        cov = (cov + cov.T) / 2.0
        alpha[t], beta[t] = state
    return alpha, beta


def spread_signal(y: np.ndarray, x: np.ndarray, params: PairParams):
    """``(z, beta)`` of ``band_units="spread"``: the deviation ``y - spread_beta x - spread_mean`` on
    the nine-decimal grid and the fixed hedge ratio (reference engine; the native kernel is
    :func:`lab.kernels.backtest.spread_signals`)."""
    deviation = y - params.spread_beta * x - params.spread_mean
    return np.rint(deviation * Z_DECIMALS) / Z_DECIMALS, np.full(y.shape[0], params.spread_beta)


def _signals(y: np.ndarray, x: np.ndarray, params: PairParams, n_train: int):
    """Hedge ratio and z-score (see the module docstring).

    Every trailing window is a row of a sliding-window view, and all window statistics are
    exact two-pass sums over it: the moments of ``x`` and ``y`` (for the rolling hedge and
    the degeneracy test) and the mean and variance of the spread ``y - beta[t] x`` recomputed
    with the current ratio. The expanding moments of the static hedge come from pandas
    ``expanding`` on the series shifted by their first values (a causal constant that limits
    cancellation in pandas' one-pass covariance).
    """
    if params.band_units == "spread":
        return spread_signal(y, x, params)
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
    elif params.hedge == "kalman":
        beta = kalman_hedge(y, x, params.kalman_q_alpha, params.kalman_q_beta, params.kalman_r)[1]
        hedge_var_x = np.full(y.shape[0], np.inf)  # the filter is defined for any x
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
    level = np.abs(y) + np.abs(beta * x)
    ok = (spread_var > VAR_S_TOL * (var_y + beta**2 * var_x)) & (
        np.sqrt(spread_var) > SPREAD_RESOLUTION * level
    )
    z = np.full(y.shape[0], np.nan)
    z[ok] = np.rint(np.r_[pad, deviation[:, -1]][ok] / np.sqrt(spread_var[ok]) * Z_DECIMALS)
    z[ok] /= Z_DECIMALS
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
    borrow_rate = params.borrow_bps_per_year / 1e4 / PERIODS_PER_YEAR
    next_close = params.fill == "next_close"
    compounding = params.capital == "compounding"
    refuse = params.negative_hedge == "refuse"
    sizing = SIZINGS.index(params.sizing)
    every, threshold = params.rebalance_every, params.rebalance_threshold
    rebalancing = every > 0 or threshold > 0
    scale = vol_scale(y, x, beta, params)
    rebalanced = np.zeros(rows, dtype=np.bool_)
    equity = np.empty(rows)
    positions = np.zeros(rows)
    shares_y = np.zeros(rows)
    shares_x = np.zeros(rows)
    costs = np.zeros(rows)
    traded = np.zeros(rows)
    borrow = np.zeros(rows)
    negative = np.zeros(rows, dtype=np.bool_)
    records: list[tuple] = []

    value = CAPITAL
    position, held, n_y, n_x, lock = 0, 0, 0.0, 0.0, 0
    pending, pending_beta, pending_reason = 0, math.nan, EXIT_OPEN
    pending_scale, since = math.nan, 0
    trade_entry, trade_pnl = -1, 0.0
    for t in range(rows):
        if t > 0:
            pnl = n_y * (y[t] - y[t - 1]) + n_x * (x[t] - x[t - 1])
            value += pnl
            if held != 0:
                trade_pnl += pnl
            if borrow_rate > 0:
                fee = borrow_rate * (max(-n_y, 0.0) * y[t - 1] + max(-n_x, 0.0) * x[t - 1])
                borrow[t] = fee
                value -= fee
                trade_pnl -= fee
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
        if target != 0 and target != position and not beta[t] > 0:
            negative[t] = True
            if refuse:
                target = 0
        position = target

        if next_close:  # trade the previous row's decision at this close
            desired, desired_beta, desired_reason = pending, pending_beta, pending_reason
            pending, pending_beta, pending_reason = target, beta[t], reason
            desired_scale, pending_scale = pending_scale, scale[t]
        else:
            desired, desired_beta, desired_reason = target, beta[t], reason
            desired_scale = scale[t]
        if desired != held:
            if held != 0:  # close the open trade
                notional = abs(n_y) * y[t] + abs(n_x) * x[t]
                charge = rate * notional
                costs[t] += charge
                traded[t] += notional
                trade_pnl -= charge
                records.append((trade_entry, t, held, trade_pnl, True, desired_reason))
                n_y, n_x = 0.0, 0.0
            gross = (value if compounding else CAPITAL) * desired_scale
            if desired != 0 and gross > 0:  # open a new trade with gross notional `gross`
                n_y, n_x = leg_shares(sizing, desired * gross, desired_beta, y[t], x[t])
                notional = abs(n_y) * y[t] + abs(n_x) * x[t]
                charge = rate * notional
                costs[t] += charge
                traded[t] += notional
                trade_entry, trade_pnl, since = t, -charge, 0
                held = desired
            else:
                held = 0
        elif held != 0 and rebalancing:  # resize the open trade when a rule is due
            since += 1
            gross = (value if compounding else CAPITAL) * desired_scale
            if gross > 0 and not math.isnan(desired_beta):
                t_y, t_x = leg_shares(sizing, held * gross, desired_beta, y[t], x[t])
                due = every > 0 and since >= every
                if not due and threshold > 0:
                    hedge_held = -n_x * x[t] / (n_y * y[t])
                    hedge_target = -t_x * x[t] / (t_y * y[t])
                    due = abs(hedge_held - hedge_target) > threshold * abs(hedge_target)
                if due:
                    notional = abs(t_y - n_y) * y[t] + abs(t_x - n_x) * x[t]
                    charge = rate * notional
                    costs[t] += charge
                    traded[t] += notional
                    trade_pnl -= charge
                    n_y, n_x, since = t_y, t_x, 0
                    rebalanced[t] = True
        value -= costs[t]
        equity[t] = value
        positions[t] = held
        shares_y[t] = n_y
        shares_x[t] = n_x
    if held != 0:
        records.append((trade_entry, rows - 1, held, trade_pnl, False, EXIT_OPEN))
    columns = zip(*records, strict=True) if records else [()] * 6
    trades = make_trades(*columns)
    return backtest_result(
        y, x, equity, positions, shares_y, shares_x, z, beta, costs, traded, borrow, negative,
        trades, n_train, rebalanced=rebalanced,
    )  # fmt: skip


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
    ya, _, n_train = check_pair(y, x, params, lookback=int(lookbacks.max()))
    start, stop = (n_train, ya.shape[0]) if sample == "out" else (0, n_train)
    key = "out_of_sample" if sample == "out" else "in_sample"
    shape = (lookbacks.size, entry_zs.size)
    values = np.empty(shape)
    moments = np.empty((*shape, 3))
    for i, lookback in enumerate(lookbacks):
        for j, entry_z in enumerate(entry_zs):
            point = dataclasses.replace(params, lookback=int(lookback), entry_z=float(entry_z))
            result = backtest_pairs(y, x, point)
            values[i, j] = getattr(result.metrics, key)[metric]
            moments[i, j] = sharpe_moments(path_returns(result.equity, start, stop, CAPITAL))
    return SweepResult(
        lookbacks=lookbacks,
        entry_zs=entry_zs,
        values=values,
        metric=metric,
        sample=sample,
        cell_sharpe=moments[..., 0],
        cell_skew=moments[..., 1],
        cell_kurtosis=moments[..., 2],
        n_obs=stop - start,
    )
