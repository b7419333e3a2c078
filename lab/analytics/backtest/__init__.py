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
last in-sample row. Annualisation uses 252 periods per year. Names, units and definitions:
:data:`METRICS` (:mod:`lab.analytics.backtest.metric_table`).

Modules
-------
``params``     :class:`PairParams` and the conventions' constants;
``results``    result types (both engines);
``checks``     input checks (both engines);
``metric_table`` the one table of the metrics (name, label, unit, format, sign, sweepable);
``metrics``    metrics and exposures (both engines);
``execution``  sizing and result assembly (both engines);
``signals``    the reference signals (z-score, Kalman hedge, spread bands);
``reference``  :func:`backtest_pairs` and :func:`sweep`;
``native``     the native engine (numba kernels of :mod:`lab.kernels.backtest`);
``kalman``     :func:`kalman_mle`, the Kalman hedge's noise variances by maximum likelihood
               (reference); ``native_kalman`` its native engine (:mod:`lab.kernels.kalman`);
``walkforward`` :func:`walk_forward`, walk-forward evaluation of the strategy (reference);
               ``native_walkforward`` its native engine (:mod:`lab.kernels.backtest`);
``batch``      :func:`backtest_many`, many pairs or parameter sets in one call (reference,
               checks, result type and chunking);
``native_batch`` its native engine (one parallel numba call, :mod:`lab.kernels.batch`).
"""

from lab.analytics.backtest.checks import (
    MAX_GRID_POINTS,
    _as_prices,
    check_grid,
    check_metric,
    check_pair,
)
from lab.analytics.backtest.execution import backtest_result, leg_shares, make_trades, vol_scale
from lab.analytics.backtest.kalman import KalmanFit, kalman_mle
from lab.analytics.backtest.metric_table import (
    METRIC_NAMES,
    METRICS,
    SWEEP_METRICS,
    Metric,
)
from lab.analytics.backtest.metrics import (
    backtest_metrics,
    exposure_values,
    exposure_vector,
    metric_values,
    returns_agreement,
    running_max,
)
from lab.analytics.backtest.params import (
    BAND_UNITS,
    CAPITAL,
    CAPITALS,
    EXIT_NO_SIGNAL,
    EXIT_OPEN,
    EXIT_SIGNAL,
    EXIT_STOP,
    FILLS,
    HEDGE_METHODS,
    HEDGES,
    KALMAN_P0,
    MAX_LEVERAGE_CAP,
    MAX_REBALANCE_EVERY,
    MAX_VOL_WINDOW,
    NEGATIVE_HEDGES,
    PERIODS_PER_YEAR,
    SAMPLES,
    SIZINGS,
    SPREAD_RESOLUTION,
    VAR_S_TOL,
    VAR_X_TOL,
    Z_DECIMALS,
    PairParams,
    resolve_params,
)
from lab.analytics.backtest.reference import _simulate, backtest_pairs, sweep
from lab.analytics.backtest.results import (
    EXPOSURE_NAMES,
    BacktestMetrics,
    BacktestResult,
    SweepResult,
    Trades,
    merge_sweeps,
)
from lab.analytics.backtest.signals import _signals, kalman_hedge, spread_signal
from lab.analytics.backtest.walkforward import WalkForwardResult, walk_forward

__all__ = [
    "BAND_UNITS",
    "BacktestMetrics",
    "BacktestResult",
    "CAPITAL",
    "CAPITALS",
    "EXIT_NO_SIGNAL",
    "EXIT_OPEN",
    "EXIT_SIGNAL",
    "EXIT_STOP",
    "EXPOSURE_NAMES",
    "FILLS",
    "HEDGES",
    "HEDGE_METHODS",
    "KALMAN_P0",
    "KalmanFit",
    "MAX_GRID_POINTS",
    "MAX_LEVERAGE_CAP",
    "MAX_REBALANCE_EVERY",
    "MAX_VOL_WINDOW",
    "METRICS",
    "METRIC_NAMES",
    "Metric",
    "SWEEP_METRICS",
    "NEGATIVE_HEDGES",
    "PERIODS_PER_YEAR",
    "PairParams",
    "SAMPLES",
    "SIZINGS",
    "SPREAD_RESOLUTION",
    "SweepResult",
    "Trades",
    "VAR_S_TOL",
    "VAR_X_TOL",
    "WalkForwardResult",
    "Z_DECIMALS",
    "_as_prices",
    "_signals",
    "_simulate",
    "backtest_metrics",
    "backtest_pairs",
    "backtest_result",
    "check_grid",
    "check_metric",
    "check_pair",
    "exposure_values",
    "exposure_vector",
    "kalman_hedge",
    "kalman_mle",
    "leg_shares",
    "make_trades",
    "merge_sweeps",
    "metric_values",
    "resolve_params",
    "returns_agreement",
    "running_max",
    "spread_signal",
    "sweep",
    "vol_scale",
    "walk_forward",
]
