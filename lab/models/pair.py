"""One pair and its mean-reversion analysis: cointegration test, OU fit, backtest and sweep."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd
import param

from lab.analytics import PairParams
from lab.analytics.backtest import (
    BAND_UNITS,
    CAPITALS,
    FILLS,
    HEDGE_METHODS,
    METRIC_NAMES,
    NEGATIVE_HEDGES,
    SIZINGS,
    SWEEP_METRICS,
)
from lab.analytics.walkforward import fold_lengths
from lab.models.base import DATA_DEPENDENCIES, AnalysisModel

PAIR_PARAMS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(PairParams))
"""The strategy fields, mirrored one to one by parameters of :class:`PairModel`."""


_DEFAULTS = PairParams()


class PairModel(AnalysisModel):
    """A pair ``(y, x)`` of the dataset and every field of :class:`~lab.analytics.PairParams`.

    Derived (each cached per inputs and backend):

    - :meth:`coint` -- Engle-Granger test of log y on log x (as in the pair scan);
    - :meth:`backtest` -- the z-score strategy on prices (``backtest_pairs``);
    - :meth:`ou` -- exact-discretisation OU fit (``dt = 1`` trading day) of the in-sample spread
      ``y - beta x`` with the backtest's static training-window hedge ratio, so ``kappa`` is
      per day and the half-life is in trading days;
    - :meth:`bands` -- Bertram's optimal bands for that OU spread, with the round-trip cost of
      one spread unit at the in-sample mean prices;
    - :meth:`sweep` -- a metric over a ``lookback`` x ``entry_z`` grid (the other fields fixed).
    """

    y = param.Selector(
        default=None,
        objects=[],
        allow_None=True,
        doc="Symbol of the y leg (long when long the spread).",
    )
    x = param.Selector(
        default=None, objects=[], allow_None=True, doc="Symbol of the x leg (hedge)."
    )

    lookback = param.Integer(
        default=_DEFAULTS.lookback,
        bounds=(3, 500),
        doc="Z-score (and rolling hedge) window, trading days.",
    )
    entry_z = param.Number(
        default=_DEFAULTS.entry_z, bounds=(0.1, 6.0), step=0.05, doc="Enter when |z| exceeds this."
    )
    exit_z = param.Number(
        default=_DEFAULTS.exit_z,
        bounds=(-3.0, 3.0),
        step=0.05,
        doc="Exit when z crosses back over -exit_z (long) / exit_z (short).",
    )
    stop_z = param.Number(
        default=_DEFAULTS.stop_z,
        allow_None=True,
        bounds=(0.2, 10.0),
        step=0.1,
        doc="Stop-loss |z| (None: no stop).",
    )
    cost_bps = param.Number(
        default=_DEFAULTS.cost_bps,
        bounds=(0.0, 200.0),
        step=0.5,
        doc="Cost per leg, basis points of traded notional.",
    )
    hedge = param.Selector(
        default=_DEFAULTS.hedge,
        objects=list(HEDGE_METHODS),
        doc="static: OLS on the training window; rolling: OLS over lookback; "
        "kalman: filtered random-walk regression slope.",
    )
    kalman_q_alpha = param.Number(
        default=_DEFAULTS.kalman_q_alpha,
        bounds=(1e-12, 1e3),
        doc="Kalman hedge: variance per day of the intercept's random-walk steps (price^2).",
    )
    kalman_q_beta = param.Number(
        default=_DEFAULTS.kalman_q_beta,
        bounds=(1e-14, 1.0),
        doc="Kalman hedge: variance per day of the slope's random-walk steps.",
    )
    kalman_r = param.Number(
        default=_DEFAULTS.kalman_r,
        bounds=(1e-8, 1e6),
        doc="Kalman hedge: observation noise variance of y (price^2).",
    )
    band_units = param.Selector(
        default=_DEFAULTS.band_units,
        objects=list(BAND_UNITS),
        doc="Units of entry/exit/stop: z-scores, or levels of the spread y - spread_beta x "
        "around spread_mean (price units, the units of the OU-optimal bands).",
    )
    spread_beta = param.Number(
        default=_DEFAULTS.spread_beta, doc="Spread bands: the fixed hedge ratio."
    )
    spread_mean = param.Number(
        default=_DEFAULTS.spread_mean, doc="Spread bands: the spread's mean (price units)."
    )
    train_fraction = param.Number(
        default=_DEFAULTS.train_fraction,
        bounds=(0.05, 0.95),
        step=0.05,
        doc="Share of rows in-sample (from the start).",
    )

    fill = param.Selector(
        default=_DEFAULTS.fill,
        objects=list(FILLS),
        doc="Execution: at the signal's close, or at the next close.",
    )
    capital = param.Selector(
        default=_DEFAULTS.capital,
        objects=list(CAPITALS),
        doc="Entry notional: the initial capital (fixed) or the account value (compounding).",
    )
    borrow_bps_per_year = param.Number(
        default=_DEFAULTS.borrow_bps_per_year,
        bounds=(0.0, 2000.0),
        step=5.0,
        doc="Borrow fee on the short leg's notional, basis points per year.",
    )
    negative_hedge = param.Selector(
        default=_DEFAULTS.negative_hedge,
        objects=list(NEGATIVE_HEDGES),
        doc="Entries with a hedge ratio <= 0 (both legs on one side): trade and flag, or refuse.",
    )
    sizing = param.Selector(
        default=_DEFAULTS.sizing,
        objects=list(SIZINGS),
        doc="How the gross notional splits between the legs: the hedge ratio's share counts, "
        "equal and opposite dollars, or x-leg dollars = beta x y-leg dollars.",
    )
    rebalance_every = param.Integer(
        default=_DEFAULTS.rebalance_every,
        bounds=(0, 500),
        doc="Resize an open trade to its target holdings every this many trading days (0: never).",
    )
    rebalance_threshold = param.Number(
        default=_DEFAULTS.rebalance_threshold,
        bounds=(0.0, 1.0),
        step=0.01,
        doc="Resize an open trade when its hedge (x dollars per y dollar) drifts from the "
        "target's by more than this fraction (0: off).",
    )
    vol_target = param.Number(
        default=_DEFAULTS.vol_target,
        allow_None=True,
        bounds=(0.01, 1.0),
        step=0.01,
        doc="Annualised volatility target of the committed gross (None: off).",
    )
    vol_window = param.Integer(
        default=_DEFAULTS.vol_window,
        bounds=(2, 500),
        doc="Trading days in the trailing realised-volatility window of the vol target.",
    )
    leverage_cap = param.Number(
        default=_DEFAULTS.leverage_cap,
        bounds=(0.1, 10.0),
        step=0.1,
        doc="Largest gross per unit of capital the vol target may commit.",
    )

    sweep_lookbacks = param.Range(
        default=(10, 200), bounds=(3, 500), doc="Lookback range of the sweep grid, trading days."
    )
    sweep_entry_zs = param.Range(
        default=(1.0, 3.0), bounds=(0.1, 6.0), doc="Entry-z range of the sweep grid."
    )
    sweep_steps = param.Integer(default=20, bounds=(2, 40), doc="Grid points per sweep axis.")
    sweep_metric = param.Selector(
        default="sharpe", objects=list(SWEEP_METRICS), doc="Metric of the sweep surface."
    )
    sweep_sample = param.Selector(
        default="out",
        objects=["out", "in"],
        doc="Sweep segment: out-of-sample (honest) or in-sample.",
    )

    evaluation = param.Selector(
        default="walk_forward",
        objects=["walk_forward", "split"],
        doc="walk_forward: re-fit on each training window and trade the next test window "
        "(the honest default); split: one in-sample / out-of-sample split only.",
    )
    wf_train = param.Integer(
        default=504, bounds=(20, 5000), doc="Walk-forward training rows per fold (trading days)."
    )
    wf_test = param.Integer(
        default=126, bounds=(5, 2000), doc="Walk-forward test rows per fold (trading days)."
    )
    wf_anchored = param.Boolean(
        default=False, doc="Anchored (expanding) training windows instead of rolling ones."
    )
    wf_steps = param.Integer(
        default=4,
        bounds=(1, 10),
        doc="Grid points per axis of the walk-forward parameter choice (within the sweep "
        "ranges; 1: no choice, the current lookback and entry z in every fold).",
    )

    refused = param.String(
        default="",
        constant=True,
        doc="Why the current strategy parameters are not used, empty when they are "
        "(read-only). An invalid combination (an entry |z| at or below the exit z, a stop "
        "inside the entry band, ...) is refused: every derivation keeps using the last valid "
        "combination (:meth:`params`) until the parameters are valid again.",
    )

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self._valid = self.requested_params()  # an invalid combination at construction raises
        self._prices_memo: tuple[tuple, pd.DataFrame] | None = None
        # registered first, so the message is set before any view or plot sees the change
        self.param.watch(self._check_params, list(PAIR_PARAMS))
        self._adopt_symbols()

    def requested_params(self) -> PairParams:
        """The :class:`PairParams` of the parameters as set; ``ValueError`` naming the problem
        when they do not form a valid combination (a headless caller such as ``arblab
        report`` refuses them, where the page keeps the last valid ones)."""
        return PairParams(**{name: getattr(self, name) for name in PAIR_PARAMS})

    def _check_params(self, *events: param.parameterized.Event) -> None:
        """Adopt a valid combination, or say in :attr:`refused` why it is refused."""
        try:
            self._valid = self.requested_params()
            message = ""
        except ValueError as exc:
            changed = ", ".join(f"{e.name} = {e.new!r}" for e in events)
            message = (
                f"{changed} refused: {exc}. The page shows the last valid parameters "
                f"(lookback {self._valid.lookback}, entry |z| {self._valid.entry_z:g}, "
                f"exit z {self._valid.exit_z:g}, stop |z| {self._valid.stop_z})."
            )
        if message != self.refused:
            with param.edit_constant(self):
                self.refused = message

    # -- pair selection ---------------------------------------------------------------------
    @param.depends("dataset.content_hash", watch=True)
    def _adopt_symbols(self) -> None:
        prices = self.dataset.prices
        if prices is None:
            return
        symbols = [str(c) for c in prices.columns]
        self.param.y.objects = symbols
        self.param.x.objects = symbols
        if self.y in symbols and self.x in symbols and self.y != self.x:
            return
        if len(symbols) >= 2:
            y, x = self.dataset.default_pair()
            self.param.update(y=y, x=x)

    # -- inputs -----------------------------------------------------------------------------
    def params(self) -> PairParams:
        """The :class:`PairParams` the derivations use: the current parameters when they form
        a valid combination, else the last valid one (:attr:`refused` says why)."""
        try:
            return self.requested_params()
        except ValueError:
            return self._valid

    @param.depends("dataset.content_hash", "y", "x")
    def prices(self) -> pd.DataFrame:
        """Prices of the pair (columns y, x) on the rows where both exist (memoised per dataset
        hash and pair; treat the frame as read-only)."""
        if self.y is None or self.x is None:
            raise ValueError("choose the two symbols of the pair")
        if self.y == self.x:
            raise ValueError(f"y and x must be different symbols, both are {self.y!r}")
        key = (self.dataset.content_hash, self.y, self.x)
        cached = self._prices_memo
        if cached is not None and cached[0] == key:
            return cached[1]
        frame = self.dataset.prices[[self.y, self.x]].dropna()
        frame.columns = ["y", "x"]
        self._prices_memo = (key, frame)
        return frame

    # -- derivations ------------------------------------------------------------------------
    @param.depends(*DATA_DEPENDENCIES, "y", "x")
    def coint(self):
        """Engle-Granger test of log y on log x (constant trend), ``CointResult``."""
        logp = np.log(self.prices())
        return self.compute(
            "engle_granger", (self.y, self.x), logp["y"].to_numpy(), logp["x"].to_numpy()
        )

    @param.depends(*DATA_DEPENDENCIES, "y", "x", *PAIR_PARAMS)
    def backtest(self):
        """The strategy's ``BacktestResult`` on the pair's prices."""
        prices = self.prices()
        params = self.params()
        return self.compute(
            "backtest_pairs",
            (self.y, self.x, params),
            prices["y"].to_numpy(),
            prices["x"].to_numpy(),
            params,
        )

    def n_train(self) -> int:
        """Rows in the in-sample segment, ``floor(train_fraction T)`` as in the backtest."""
        return int(np.floor(self.train_fraction * len(self.prices())))

    @param.depends(*DATA_DEPENDENCIES, "y", "x", "train_fraction")
    def train_regression(self):
        """Engle-Granger regression of y on x (price levels) over the in-sample rows.

        Its ``hedge_ratio`` is the backtest's static hedge (OLS slope of y on (1, x) over the
        training window) and its test says whether that training spread is stationary.
        """
        prices = self.prices()
        n_train = self.n_train()
        if n_train < 20:
            raise ValueError(
                f"train_fraction {self.train_fraction} leaves only {n_train} in-sample rows"
            )
        head = prices.iloc[:n_train]
        return self.compute(
            "engle_granger",
            ("levels", self.y, self.x, n_train),
            head["y"].to_numpy(),
            head["x"].to_numpy(),
        )

    def training_spread(self) -> np.ndarray:
        """In-sample spread ``y - beta x`` with the static training-window hedge ratio."""
        beta = self.train_regression().hedge_ratio
        head = self.prices().iloc[: self.n_train()]
        return head["y"].to_numpy() - beta * head["x"].to_numpy()

    @param.depends("train_regression")
    def ou(self):
        """OU fit (``dt`` = 1 trading day) of the in-sample spread, ``OUFit``."""
        return self.compute(
            "ou_fit", (self.y, self.x, self.n_train()), self.training_spread(), dt=1.0
        )

    @param.depends("ou", "cost_bps")
    def bands(self):
        """Bertram-optimal bands of the in-sample spread, ``Thresholds`` (spread units).

        The round-trip cost of one spread unit (1 share of y, beta shares of x) is
        ``2 cost_bps / 1e4 (mean y + |beta| mean x)`` over the in-sample rows.
        """
        fit = self.ou()
        beta = self.train_regression().hedge_ratio
        prices = self.prices().iloc[: self.n_train()]
        cost = (
            2.0 * self.cost_bps / 1e4 * float(prices["y"].mean() + abs(beta) * prices["x"].mean())
        )
        if cost <= 0:
            raise ValueError(
                "OU-optimal bands need a positive cost_bps (with zero cost the optimal band is 0)"
            )
        return self.compute(
            "optimal_thresholds",
            (fit.kappa, fit.theta, fit.sigma, cost),
            fit.kappa,
            fit.theta,
            fit.sigma,
            cost,
        )

    def grid(self) -> dict[str, np.ndarray]:
        """The sweep grid: ``sweep_steps`` integer lookbacks and entry z-scores."""
        lo, hi = self.sweep_lookbacks
        lookbacks = np.unique(np.round(np.linspace(lo, hi, self.sweep_steps)).astype(np.int64))
        zlo, zhi = self.sweep_entry_zs
        entry_zs = np.round(np.linspace(zlo, zhi, self.sweep_steps), 4)
        return {"lookback": lookbacks, "entry_z": entry_zs}

    @param.depends(
        *DATA_DEPENDENCIES, "y", "x", "exit_z", "stop_z", "cost_bps", "hedge", "train_fraction",
        "fill", "capital", "borrow_bps_per_year", "negative_hedge",
        "kalman_q_alpha", "kalman_q_beta", "kalman_r",
        "sizing", "rebalance_every", "rebalance_threshold", "vol_target", "vol_window",
        "leverage_cap",
        "sweep_lookbacks", "sweep_entry_zs", "sweep_steps", "sweep_metric", "sweep_sample",
    )  # fmt: skip
    def sweep(self):
        """``SweepResult``: the chosen metric over the lookback x entry_z grid."""
        prices = self.prices()
        grid = self.grid()
        base = dataclasses.replace(
            self.params(), lookback=int(grid["lookback"][0]), entry_z=float(grid["entry_z"][-1])
        )
        key = (
            self.y,
            self.x,
            base,
            tuple(grid["lookback"]),
            tuple(grid["entry_z"]),
            self.sweep_metric,
            self.sweep_sample,
        )
        return self.compute(
            "sweep",
            key,
            prices["y"].to_numpy(),
            prices["x"].to_numpy(),
            grid,
            metric=self.sweep_metric,
            params=base,
            sample=self.sweep_sample,
        )

    def wf_grid(self) -> dict[str, np.ndarray] | None:
        """The walk-forward grid: ``wf_steps`` points per axis inside the sweep ranges, capped
        by the training window as the folds use it (``fold_lengths``: capped to short data)
        (None for ``wf_steps = 1``)."""
        if self.wf_steps == 1:
            return None
        lo, hi = self.sweep_lookbacks
        train, _ = fold_lengths(len(self.prices()), self.wf_train, self.wf_test)
        hi = min(hi, train - 2)
        lo = min(lo, hi)
        lookbacks = np.unique(np.round(np.linspace(lo, hi, self.wf_steps)).astype(np.int64))
        zlo, zhi = self.sweep_entry_zs
        return {"lookback": lookbacks, "entry_z": np.round(np.linspace(zlo, zhi, self.wf_steps), 4)}

    @param.depends(
        *DATA_DEPENDENCIES, "y", "x", *PAIR_PARAMS, "sweep_lookbacks", "sweep_entry_zs",
        "wf_train", "wf_test", "wf_anchored", "wf_steps",
    )  # fmt: skip
    def walk_forward(self):
        """``WalkForwardResult`` of the strategy (with the walk-forward grid when
        ``wf_steps > 1``); the choice metric is the training Sharpe ratio."""
        prices = self.prices()
        params = self.params()
        grid = self.wf_grid()
        return self.compute(
            "walk_forward",
            self._wf_key(),
            prices["y"].to_numpy(),
            prices["x"].to_numpy(),
            params,
            grid=grid,
            train=self.wf_train,
            test=self.wf_test,
            anchored=self.wf_anchored,
        )

    def _wf_key(self) -> tuple:
        """Everything :meth:`walk_forward` depends on besides the dataset and backend."""
        grid = self.wf_grid()
        return (
            self.y,
            self.x,
            self.params(),
            None if grid is None else (tuple(grid["lookback"]), tuple(grid["entry_z"])),
            self.wf_train,
            self.wf_test,
            self.wf_anchored,
        )

    @param.depends("walk_forward")
    def walk_forward_pbo(self):
        """``PBOResult`` of the walk-forward grid's trials (their out-of-sample returns), with
        the largest even ``n_splits <= 16`` leaving >= 2 rows per block; None with fewer than
        two trials or too few rows."""
        wf = self.walk_forward()
        trials = wf.trial_returns
        splits = min(16, (trials.shape[0] // 2) // 2 * 2)
        if trials.shape[1] < 2 or splits < 2:
            return None
        return self.compute(
            "pbo", ("walk_forward", self._wf_key(), splits), trials, n_splits=splits
        )

    @param.depends("walk_forward")
    def folds_table(self) -> pd.DataFrame:
        """One row per walk-forward fold: training and test dates, chosen lookback and entry z,
        training Sharpe, hedge ratio at the start of the test and the test's return."""
        wf = self.walk_forward()
        dates = self.prices().index
        fold_return = [
            float(np.prod(1.0 + wf.returns[wf.fold == f]) - 1.0) for f in range(len(wf.test_start))
        ]
        return pd.DataFrame(
            {
                "train from": dates[wf.train_start],
                "test from": dates[wf.test_start],
                "test to": dates[wf.test_stop - 1],
                "lookback": wf.lookback,
                "entry z": wf.entry_z,
                "train sharpe": wf.train_metric,
                "hedge": wf.fold_hedge,
                "test return": fold_return,
            }
        )

    @param.depends("evaluation", "walk_forward_pbo", "folds_table")
    def evaluated(self):
        """``(WalkForwardResult, PBOResult or None, folds table)`` when ``evaluation`` is
        ``"walk_forward"``; None for ``"split"`` (nothing is computed then)."""
        if self.evaluation != "walk_forward":
            return None
        return self.walk_forward(), self.walk_forward_pbo(), self.folds_table()

    # -- presentation helpers (pure) --------------------------------------------------------
    @param.depends("backtest")
    def metrics_table(self) -> pd.DataFrame:
        """Backtest metrics, one row per metric, columns ``in-sample`` and ``out-of-sample``.

        ``attrs["params"]`` holds the :class:`PairParams` and ``attrs["pair"]`` the (y, x) they
        were computed with.
        """
        m = self.backtest().metrics
        table = pd.DataFrame(
            {"in-sample": pd.Series(m.in_sample), "out-of-sample": pd.Series(m.out_of_sample)}
        ).loc[list(METRIC_NAMES)]
        table.attrs["params"] = self.params()
        table.attrs["pair"] = (self.y, self.x)
        return table

    @param.depends("backtest")
    def trades_table(self) -> pd.DataFrame:
        """Round trips with dates: entry, exit, direction, P&L (fraction of capital), holding
        (days), exit reason and segment."""
        from lab.analytics.backtest import EXIT_NO_SIGNAL, EXIT_OPEN, EXIT_SIGNAL, EXIT_STOP

        res = self.backtest()
        dates = self.prices().index
        t = res.trades
        reasons = {
            EXIT_OPEN: "open",
            EXIT_SIGNAL: "signal",
            EXIT_STOP: "stop",
            EXIT_NO_SIGNAL: "no signal",
        }
        return pd.DataFrame(
            {
                "entry": dates[t.entry],
                "exit": dates[t.exit],
                "side": np.where(t.direction > 0, "long", "short"),
                "pnl": t.pnl,
                "days": t.holding,
                "exit reason": [reasons.get(int(r), str(r)) for r in t.reason],
                "segment": np.where(t.entry < res.n_train, "in-sample", "out-of-sample"),
            }
        )

    def set_from_sweep(self, lookback: float, entry_z: float) -> None:
        """Set ``lookback`` and ``entry_z`` to the sweep grid point nearest to the given values."""
        grid = self.grid()
        lb = int(grid["lookback"][np.argmin(np.abs(grid["lookback"] - float(lookback)))])
        ez = float(grid["entry_z"][np.argmin(np.abs(grid["entry_z"] - float(entry_z)))])
        self.param.update(lookback=lb, entry_z=ez)
