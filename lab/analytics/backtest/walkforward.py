"""Walk-forward evaluation of the pairs strategy: re-decide on past data, trade the next part.

Folds
-----
With ``T`` rows, a training length ``train`` and a test length ``test``, fold ``f`` tests rows
``b_f .. e_f - 1`` with ``b_f = train + f test`` and ``e_f = min(b_f + test, T)`` (a last,
shorter fold is kept when it holds at least 2 rows). Its training part is rows
``a_f .. b_f - 1`` with ``a_f = b_f - train`` (rolling) or ``a_f = 0`` (anchored, expanding).

Short data: when ``train + test > T`` the data cannot hold one full fold, and the lengths are
capped to it in their ratio: ``train' = floor(T train / (train + test))`` and
``test' = T - train'`` (one fold). With the defaults (504 and 126) a series of 400 rows trains
on 320 and tests on 80. If ``train'`` is below the largest lookback + 2 or ``test'`` below 2,
the error names the lengths.

On each fold, on its training part only:

* the hedge ratio is estimated (``hedge="static"``: the OLS slope over the training rows,
  frozen for the test rows; ``"rolling"``: the trailing-window OLS, causal as in
  :func:`lab.analytics.backtest.backtest_pairs`);
* the z-score moments come from trailing windows (rows up to ``t`` only);
* with a ``grid``, every ``lookback`` x ``entry_z`` cell is backtested on the rows
  ``a_f .. e_f - 1`` and the cell with the highest training ``metric`` (rows ``a_f .. b_f - 1``,
  the first cell when none is finite) is chosen.

The chosen cell's run over the test rows is that fold's out-of-sample trading. Concretely each
fold is :func:`~lab.analytics.backtest.backtest_pairs` on rows ``a_f .. e_f - 1`` with exactly
``b_f - a_f`` in-sample rows, so every rule, cost and convention is the backtest's; the first
out-of-sample return is the P&L of the position decided on the last training row. The
out-of-sample returns of the folds are concatenated and compounded into one equity curve
starting from 1.

Nothing decided for fold ``f`` (its parameters, hedge ratio, signals and positions up to a row
``t``) depends on data after ``b_f - 1`` (parameters and hedge) or after ``t`` (positions).

Honesty statistics
------------------
``n_trials`` is the grid size (1 without a grid). Each grid cell is also traded out of sample
in every fold (its own per-fold run), which gives the trials' out-of-sample returns
(``trial_returns``) and per-period Sharpe ratios; their variance is the ``sr_variance`` of the
Deflated Sharpe Ratio of the walk-forward returns (:mod:`lab.analytics.overfitting`).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from lab.analytics.backtest.checks import _as_prices, check_grid
from lab.analytics.backtest.metric_table import METRIC_NAMES
from lab.analytics.backtest.params import CAPITAL, PERIODS_PER_YEAR, resolve_params
from lab.analytics.backtest.reference import _simulate
from lab.analytics.backtest.signals import _signals
from lab.analytics.overfitting import dsr_from_moments, psr_from_moments, sharpe_moments

MAX_FOLDS = 10_000
"""Largest number of folds accepted."""

MAX_CELLS = 10_000
"""Largest grid (lookbacks x entry_zs) accepted."""

WF_METRICS: tuple[str, ...] = (
    "total_return",
    "cagr",
    "ann_vol",
    "sharpe",
    "max_drawdown",
    "sharpe_per_period",
    "psr",
    "dsr",
    "n_trials",
    "sr_variance",
    "n_folds",
    "n_periods",
)
"""Keys of :attr:`WalkForwardResult.metrics`, all on the concatenated out-of-sample returns.

``sharpe`` is annualised (``sqrt(252)``); ``sharpe_per_period``, ``psr`` (against 0) and
``dsr`` (``n_trials`` = grid size, ``sr_variance`` = variance of the cells' out-of-sample
per-period Sharpe ratios) follow the papers' per-period convention."""


@dataclass(frozen=True)
class WalkForwardResult:
    """Outcome of :func:`walk_forward`.

    Attributes
    ----------
    rows : ndarray of int64, shape (n,)
        Input row of every out-of-sample period (the test rows of all folds, in order).
    returns : ndarray, shape (n,)
        Out-of-sample period returns of the chosen cells.
    equity : ndarray, shape (n,)
        ``cumprod(1 + returns)``: the compounded out-of-sample equity.
    positions, zscore, hedge_ratio : ndarray, shape (n,)
        The chosen run's position held over ``(t, t+1]``, z-score and hedge ratio at each
        out-of-sample row.
    fold : ndarray of int64, shape (n,)
        Fold of each out-of-sample row.
    train_start, test_start, test_stop : ndarray of int64, shape (F,)
        Fold ``f`` trains on rows ``train_start[f] .. test_start[f] - 1`` and tests on
        ``test_start[f] .. test_stop[f] - 1``.
    lookback, entry_z : ndarray, shape (F,)
        Parameters chosen for each fold (those of ``params`` without a grid).
    train_metric : ndarray, shape (F,)
        The chosen cell's training ``metric``.
    fold_hedge : ndarray, shape (F,)
        Hedge ratio at each fold's first test row.
    trial_returns : ndarray, shape (n, K)
        Out-of-sample returns of every grid cell ``k`` (row-major over lookback x entry_z),
        each traded in every fold: the input of :func:`lab.analytics.pbo`.
    metrics : dict
        Keys :data:`WF_METRICS`.
    metric : str
        The selection metric.
    anchored : bool
    """

    rows: np.ndarray
    returns: np.ndarray
    equity: np.ndarray
    positions: np.ndarray
    zscore: np.ndarray
    hedge_ratio: np.ndarray
    fold: np.ndarray
    train_start: np.ndarray
    test_start: np.ndarray
    test_stop: np.ndarray
    lookback: np.ndarray
    entry_z: np.ndarray
    train_metric: np.ndarray
    fold_hedge: np.ndarray
    trial_returns: np.ndarray
    metrics: dict[str, float]
    metric: str
    anchored: bool


@dataclass(frozen=True)
class FoldRuns:
    """What an engine returns for one fold: for each of the K cells, the training metric and
    the test rows' returns, positions, z-scores and hedge ratios (K x n_test)."""

    train_metric: np.ndarray
    returns: np.ndarray
    positions: np.ndarray
    zscore: np.ndarray
    hedge_ratio: np.ndarray


FoldRunner = Callable[[np.ndarray, np.ndarray, object, np.ndarray, np.ndarray, int, int], FoldRuns]
"""``run(y, x, params, lookbacks, entry_zs, n_train, metric_index) -> FoldRuns``: every cell
(row-major) backtested on the fold's rows with ``n_train`` training rows."""


def _check_length(value: object, name: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ValueError(f"{name} must be an integer number of rows, got {value!r}")
    if int(value) < low:
        raise ValueError(f"{name} must be >= {low} rows, got {int(value)}")
    return int(value)


def fold_lengths(rows: int, train: int, test: int) -> tuple[int, int]:
    """``(train, test)`` as the folds use them on ``rows`` rows: unchanged when one full fold
    fits (``train + test <= rows``), else capped to the data in their ratio,
    ``train' = floor(rows train / (train + test))`` and ``test' = rows - train'``."""
    if train + test <= rows:
        return train, test
    capped = rows * train // (train + test)
    return capped, rows - capped


def check_walk_forward(y, x, params, grid, train, test, anchored, metric):
    """Validate the inputs; return ``(y, x, params, lookbacks, entry_zs, folds)`` with
    ``folds`` an (F, 3) int64 array of ``(train_start, test_start, test_stop)``."""
    params = resolve_params(params)
    ya = _as_prices(y, "y")
    xa = _as_prices(x, "x")
    if ya.shape != xa.shape:
        raise ValueError(f"y and x must have the same length, got {ya.shape[0]} and {xa.shape[0]}")
    if metric not in METRIC_NAMES:
        raise ValueError(f"metric must be one of {', '.join(METRIC_NAMES)}; got {metric!r}")
    if not isinstance(anchored, bool | np.bool_):
        raise ValueError(f"anchored must be True or False, got {anchored!r}")
    if grid is None:
        lookbacks = np.array([params.lookback], dtype=np.int64)
        entry_zs = np.array([params.entry_z], dtype=np.float64)
    else:
        lookbacks, entry_zs = check_grid(grid, params)
        if lookbacks.size * entry_zs.size > MAX_CELLS:
            raise ValueError(
                f"grid has {lookbacks.size * entry_zs.size} cells; at most {MAX_CELLS}"
            )
    min_train = int(lookbacks.max()) + 2
    train = _check_length(train, "train", min_train)
    test = _check_length(test, "test", 2)
    rows = ya.shape[0]
    capped_train, capped_test = fold_lengths(rows, train, test)
    if capped_train < min_train or capped_test < 2:
        raise ValueError(
            f"y and x have {rows} rows: too few for train={train} and test={test}; capped "
            f"to the data in that ratio they give train={capped_train} and test={capped_test} "
            f"rows, but train needs >= {min_train} (the largest lookback + 2) and test >= 2"
        )
    train, test = capped_train, capped_test
    starts = np.arange(train, rows, test, dtype=np.int64)
    starts = starts[rows - starts >= 2]
    if starts.size > MAX_FOLDS:
        raise ValueError(f"{starts.size} folds; at most {MAX_FOLDS} (increase test)")
    folds = np.empty((starts.size, 3), dtype=np.int64)
    folds[:, 0] = 0 if anchored else starts - train
    folds[:, 1] = starts
    folds[:, 2] = np.minimum(starts + test, rows)
    return ya, xa, params, lookbacks, entry_zs, folds


def _choose(train_metric: np.ndarray) -> int:
    finite = np.isfinite(train_metric)
    return int(np.argmax(np.where(finite, train_metric, -np.inf))) if finite.any() else 0


def run_walk_forward(y, x, params, grid, train, test, anchored, metric, run: FoldRunner):
    """The walk-forward driver shared by the engines; ``run`` backtests one fold's cells."""
    y, x, params, lookbacks, entry_zs, folds = check_walk_forward(
        y, x, params, grid, train, test, anchored, metric
    )
    metric_index = METRIC_NAMES.index(metric)
    cells_l = np.repeat(lookbacks, entry_zs.size)
    cells_e = np.tile(entry_zs, lookbacks.size)
    n_folds = folds.shape[0]
    chosen = np.empty(n_folds, dtype=np.int64)
    train_metric = np.empty(n_folds)
    fold_hedge = np.empty(n_folds)
    parts: dict[str, list[np.ndarray]] = {
        k: [] for k in ("returns", "positions", "zscore", "hedge_ratio", "trials", "fold", "rows")
    }
    for f, (a, b, e) in enumerate(folds):
        runs = run(y[a:e], x[a:e], params, cells_l, cells_e, int(b - a), metric_index)
        k = _choose(runs.train_metric)
        chosen[f] = k
        train_metric[f] = runs.train_metric[k]
        fold_hedge[f] = runs.hedge_ratio[k, 0]
        for name in ("returns", "positions", "zscore", "hedge_ratio"):
            parts[name].append(getattr(runs, name)[k])
        parts["trials"].append(runs.returns.T)
        parts["fold"].append(np.full(e - b, f, dtype=np.int64))
        parts["rows"].append(np.arange(b, e, dtype=np.int64))
    returns = np.concatenate(parts["returns"])
    trial_returns = np.ascontiguousarray(np.concatenate(parts["trials"], axis=0))
    return WalkForwardResult(
        rows=np.concatenate(parts["rows"]),
        returns=returns,
        equity=CAPITAL * np.cumprod(1.0 + returns),
        positions=np.concatenate(parts["positions"]),
        zscore=np.concatenate(parts["zscore"]),
        hedge_ratio=np.concatenate(parts["hedge_ratio"]),
        fold=np.concatenate(parts["fold"]),
        train_start=folds[:, 0].copy(),
        test_start=folds[:, 1].copy(),
        test_stop=folds[:, 2].copy(),
        lookback=cells_l[chosen],
        entry_z=cells_e[chosen],
        train_metric=train_metric,
        fold_hedge=fold_hedge,
        trial_returns=trial_returns,
        metrics=walk_forward_metrics(returns, trial_returns, n_folds),
        metric=metric,
        anchored=bool(anchored),
    )


def walk_forward_metrics(returns: np.ndarray, trial_returns: np.ndarray, n_folds: int) -> dict:
    """:data:`WF_METRICS` of the concatenated out-of-sample returns (NaN ratios after ruin)."""
    n = returns.shape[0]
    nan = math.nan
    equity = np.cumprod(1.0 + returns)
    ruined = not np.all(equity[:-1] > 0) if n > 1 else False
    sr, skew, kurt = sharpe_moments(returns) if not ruined else (nan, nan, nan)
    trial_sr = np.array([sharpe_moments(column)[0] for column in trial_returns.T])
    finite = trial_sr[np.isfinite(trial_sr)]
    sr_variance = float(np.var(finite, ddof=1)) if finite.size >= 2 else 0.0
    n_trials = trial_returns.shape[1]
    growth = equity[-1]
    path = np.r_[1.0, equity]
    sd = float(np.std(returns, ddof=1)) if n >= 2 else nan
    values = {
        "total_return": float(growth - 1.0),
        "cagr": float(growth ** (PERIODS_PER_YEAR / n) - 1.0) if growth > 0 else -1.0,
        "ann_vol": sd * math.sqrt(PERIODS_PER_YEAR),
        "sharpe": sr * math.sqrt(PERIODS_PER_YEAR),
        "max_drawdown": float((1.0 - path / np.maximum.accumulate(path)).max()),
        "sharpe_per_period": sr,
        "psr": psr_from_moments(sr, 0.0, n, skew, kurt),
        "dsr": dsr_from_moments(sr, n, skew, kurt, n_trials, sr_variance),
        "n_trials": float(n_trials),
        "sr_variance": sr_variance,
        "n_folds": float(n_folds),
        "n_periods": float(n),
    }
    return {key: float(values[key]) for key in WF_METRICS}


# --------------------------------------------------------------------------------------------
# reference engine


def _reference_fold(y, x, params, cells_l, cells_e, n_train, metric_index) -> FoldRuns:
    key = METRIC_NAMES[metric_index]
    k = cells_l.size
    n_test = y.shape[0] - n_train
    out = {name: np.empty((k, n_test)) for name in ("returns", "positions", "zscore", "beta")}
    train_metric = np.empty(k)
    signals: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for c in range(k):
        point = dataclasses.replace(params, lookback=int(cells_l[c]), entry_z=float(cells_e[c]))
        if point.lookback not in signals:
            signals[point.lookback] = _signals(y, x, point, n_train)
        z, beta = signals[point.lookback]
        result = _simulate(y, x, z, beta, point, n_train)
        train_metric[c] = result.metrics.in_sample[key]
        out["returns"][c] = result.returns[n_train:]
        out["positions"][c] = result.positions[n_train:]
        out["zscore"][c] = z[n_train:]
        out["beta"][c] = beta[n_train:]
    return FoldRuns(train_metric, out["returns"], out["positions"], out["zscore"], out["beta"])


def walk_forward(
    y, x, params=None, grid=None, train=504, test=126, anchored=False, metric="sharpe"
):
    """Walk-forward evaluation of the pairs strategy (reference engine); the folds, what is
    re-estimated on each training part and the statistics are in the module docstring of
    :mod:`lab.analytics.backtest.walkforward`.

    Parameters
    ----------
    y, x : array_like, shape (T,)
        Positive prices of the two legs, aligned, finite.
    params : PairParams, optional
        Strategy parameters (defaults when omitted); ``lookback`` and ``entry_z`` are replaced
        by each fold's choice when a grid is given.
    grid : dict, optional
        ``{"lookback": [...], "entry_z": [...]}`` (at most :data:`MAX_CELLS` cells), as for
        :func:`lab.analytics.sweep`; None trades ``params`` in every fold.
    train : int
        Training rows per fold (>= the largest lookback + 2; default 504, two years of days);
        with ``anchored`` the first fold's training length. Capped with ``test`` to data
        shorter than ``train + test`` (module docstring).
    test : int
        Test rows per fold (>= 2; default 126). At most :data:`MAX_FOLDS` folds.
    anchored : bool
        False (default): rolling training windows of ``train`` rows; True: expanding from row 0.
    metric : str
        Training metric maximised to choose a cell (key of
        :data:`lab.analytics.backtest.METRIC_NAMES`; default ``"sharpe"``).

    Returns
    -------
    WalkForwardResult
    """
    return run_walk_forward(y, x, params, grid, train, test, anchored, metric, _reference_fold)
