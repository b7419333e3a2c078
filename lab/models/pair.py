"""One pair and its mean-reversion analysis: cointegration test, OU fit, backtest and sweep."""

from __future__ import annotations

import dataclasses
import math
import typing
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import param

from lab.analytics import PairParams
from lab.analytics.backtest import METRIC_NAMES, PERIODS_PER_YEAR, SWEEP_METRICS
from lab.analytics.backtest.ledger import trade_ledger
from lab.analytics.backtest.metric_table import metric
from lab.analytics.backtest.rolling import SHARPE_WINDOW, rolling_sharpe
from lab.analytics.backtest.walkforward import fold_lengths
from lab.models.base import DATA_DEPENDENCIES, AnalysisModel

PAIR_PARAMS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(PairParams))
"""The strategy fields, mirrored one to one by parameters of :class:`PairModel`."""


SWEEP_AXES = ("lookback", "entry_z")
"""The strategy fields the sweep grid varies (the others are fixed at their current values)."""

SWEEP_INPUTS: tuple[str, ...] = (
    *DATA_DEPENDENCIES,
    "y",
    "x",
    *(name for name in PAIR_PARAMS if name not in SWEEP_AXES),
    "sweep_lookbacks",
    "sweep_entry_zs",
    "sweep_steps",
    "sweep_metric",
)
"""What the sweep of either segment depends on (:meth:`PairModel.sweep_of`)."""

OU_BAND_CHOICES: dict[str, str] = {
    "z": "return-maximising, as an entry |z|",
    "spread": "return-maximising (Bertram), spread units",
    "spread_sharpe": "Sharpe-maximising (Bertram), spread units",
}
"""The OU-optimal bands :meth:`PairModel.use_ou_bands` can adopt, with their descriptions."""

SHARED_PARAMETERS: tuple[str, ...] = ("y", "x", "lookback", "entry_z", "exit_z", "band_units")
"""The parameters a shared link carries (the app's URL query string, under the same names):
the pair, the window and the bands; :meth:`PairModel.apply_shared` applies them."""

SHARED_VALUE_CHARS = 40
"""Longest shown part of a refused shared value (a link may hold any text)."""

TRADES_FRAME_COLUMNS: dict[str, str] = {
    "entry": "entry date",
    "exit": "exit date",
    "y entry": "y entry [USD]",
    "y exit": "y exit [USD]",
    "x entry": "x entry [USD]",
    "x exit": "x exit [USD]",
    "pnl": "P&L [fraction of capital]",
    "costs": "costs [fraction of capital]",
    "days": "holding [trading days]",
}
"""Columns of :meth:`PairModel.trades_table` renamed, with units, in the exported trades."""

_PARAMETER_TYPES: dict[type, type[param.Parameter]] = {
    bool: param.Boolean,
    int: param.Integer,
    float: param.Number,
    str: param.String,
}


def strategy_parameter(f: dataclasses.Field, annotation: Any) -> param.Parameter:
    """The Param parameter mirroring one :class:`PairParams` field.

    Its type follows the field's annotation (``int``, ``float``, ``str``, ``bool``; ``X | None``
    allows None), its default is the field's, and the field's metadata (see
    ``lab.analytics.backtest.params._field``) supplies the label, doc, ``bounds``,
    ``softbounds``, ``step`` and, for a string field with choices, ``objects`` (a Selector).
    A field without metadata still gets a parameter, documented by its name.
    """
    meta = dict(f.metadata)
    args = typing.get_args(annotation)
    optional = type(None) in args
    base = next((a for a in args if a is not type(None)), annotation) if args else annotation
    kwargs: dict[str, Any] = {
        "default": f.default,
        "doc": meta.pop("doc", f"PairParams.{f.name}"),
        "label": meta.pop("label", None),
    }
    objects = meta.pop("objects", None)
    if objects is not None:
        return param.Selector(objects=list(objects), allow_None=optional, **kwargs)
    if base not in _PARAMETER_TYPES:
        raise TypeError(f"PairParams.{f.name}: no parameter type for annotation {annotation!r}")
    return _PARAMETER_TYPES[base](allow_None=optional, **kwargs, **meta)


def strategy_parameters() -> dict[str, param.Parameter]:
    """One parameter per :class:`PairParams` field, in field order."""
    hints = typing.get_type_hints(PairParams)
    return {f.name: strategy_parameter(f, hints[f.name]) for f in dataclasses.fields(PairParams)}


_DEFAULTS = PairParams()

StrategyParameters = param.parameterized_class("StrategyParameters", strategy_parameters())
"""Every :class:`PairParams` field as a parameter (derived, never declared by hand): a new
field of the dataclass appears on :class:`PairModel`, and so as a widget, by itself."""


class PairModel(AnalysisModel, StrategyParameters):
    """A pair ``(y, x)`` of the dataset and every field of :class:`~lab.analytics.PairParams`
    (the parameters of :data:`StrategyParameters`, derived from the dataclass).

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

    bands_rf = param.Number(
        default=0.02,
        bounds=(0.0, 0.5),
        step=0.005,
        doc="Risk-free rate of the OU-optimal bands' Sharpe ratio, a fraction per year "
        "(0.02 = 2% a year; converted to spread units per day on the in-sample gross value "
        "of one spread unit). Bertram's Sharpe-maximising bands need it > 0.",
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

    sharpe_window = param.Integer(
        default=SHARPE_WINDOW,
        bounds=(5, 504),
        label="Rolling Sharpe window (days)",
        doc="Trailing window of the rolling Sharpe ratio, trading days (default 63, a "
        "quarter): mean / std (ddof 1) of the daily strategy returns in the window, "
        "annualised by sqrt(252), no risk-free rate (:meth:`PairModel.rolling_sharpe`).",
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
            message = f"{changed} refused: {exc}. {self._shown_parameters()}"
        if message != self.refused:
            with param.edit_constant(self):
                self.refused = message

    def _shown_parameters(self) -> str:
        """The sentence of a refusal naming the last valid parameters, which the page shows."""
        v = self._valid
        if v.band_units == "spread":
            bands = (
                f"spread bands: entry {v.entry_z:g} USD, exit {v.exit_z:g} USD, "
                f"stop {v.stop_z} USD around {v.spread_mean:g} with beta {v.spread_beta:g}"
            )
        else:
            bands = f"entry |z| {v.entry_z:g}, exit z {v.exit_z:g}, stop |z| {v.stop_z}"
        return f"The page shows the last valid parameters (lookback {v.lookback}, {bands})."

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
        key = self.dependency_values("prices")
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
        return self.compute("engle_granger", logp["y"].to_numpy(), logp["x"].to_numpy())

    @param.depends(*DATA_DEPENDENCIES, "y", "x", *PAIR_PARAMS)
    def backtest(self):
        """The strategy's ``BacktestResult`` on the pair's prices."""
        prices = self.prices()
        params = self.params()
        return self.compute(
            "backtest_pairs",
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
        return self.compute("ou_fit", self.training_spread(), dt=1.0)

    def spread_unit_value(self) -> float:
        """Gross value of one spread unit (1 share of y, ``|beta|`` shares of x) at the
        in-sample mean prices, USD: the capital behind one unit of the OU spread."""
        beta = self.train_regression().hedge_ratio
        prices = self.prices().iloc[: self.n_train()]
        return float(prices["y"].mean() + abs(beta) * prices["x"].mean())

    @param.depends("ou", "cost_bps", "bands_rf")
    def bands(self):
        """Bertram-optimal bands of the in-sample spread, ``Thresholds`` (spread units).

        The round-trip cost of one spread unit is ``2 cost_bps / 1e4 G`` and the benchmark
        rate of its Sharpe ratios ``bands_rf / 252 G`` per day, with ``G`` the
        :meth:`spread_unit_value` (so both are per unit of the capital one spread unit holds).
        """
        fit = self.ou()
        value = self.spread_unit_value()
        cost = 2.0 * self.cost_bps / 1e4 * value
        if cost <= 0:
            raise ValueError(
                "OU-optimal bands need a positive cost_bps (with zero cost the optimal band is 0)"
            )
        rf = self.bands_rf / PERIODS_PER_YEAR * value
        return self.compute("optimal_thresholds", fit.kappa, fit.theta, fit.sigma, cost, rf=rf)

    def use_ou_bands(self, choice: str = "z") -> None:
        """Adopt the OU-optimal bands of :meth:`bands` as the strategy's bands.

        ``choice`` (:data:`OU_BAND_CHOICES`):

        - ``"z"``: the return-maximising band as an entry |z| (``band_units="z"``; rounded to
          two decimals within the slider's range); the trailing-window z-score only
          approximates the OU's stationary one, so this is a heuristic (coming from spread
          units, the exit and stop return to the :class:`PairParams` defaults);
        - ``"spread"`` and ``"spread_sharpe"``: Bertram's return- or Sharpe-maximising bands
          traded exactly, in the units of the OU fit: ``band_units="spread"``,
          ``spread_beta`` the training hedge ratio of the fitted spread, ``spread_mean`` its
          fitted theta, ``entry_z = band`` and ``exit_z = -band`` (exit at the opposite band),
          no stop (Bertram's strategy has none).

        All fields are set in one update, so they are checked as one combination (an invalid
        one is refused, :attr:`refused`). Raises ``ValueError`` naming the problem when the
        bands cannot be computed (zero cost) or the Sharpe-maximising band does not exist
        (``bands_rf = 0``, or no band earns more than the risk-free rate).
        """
        if choice not in OU_BAND_CHOICES:
            raise ValueError(f"choice must be one of {tuple(OU_BAND_CHOICES)}, got {choice!r}")
        bands = self.bands()
        if choice == "z":
            lo, hi = self.param.entry_z.softbounds
            update: dict[str, Any] = {"entry_z": float(np.clip(round(bands.entry_z, 2), lo, hi))}
            if self.band_units != "z":  # the exit and stop were price levels: back to defaults
                update.update(band_units="z", exit_z=_DEFAULTS.exit_z, stop_z=_DEFAULTS.stop_z)
            self.param.update(**update)
            return
        band = bands.band if choice == "spread" else bands.sharpe_band
        if not np.isfinite(band):
            raise ValueError(
                "no Sharpe-maximising band: it needs a risk-free rate (bands_rf, now "
                f"{self.bands_rf:g} a year) above 0 and below the best band's return rate "
                f"({bands.expected_return_rate / self.spread_unit_value() * PERIODS_PER_YEAR:.2%} "
                "a year of the spread unit's value)"
            )
        self.param.update(
            band_units="spread",
            spread_beta=float(self.train_regression().hedge_ratio),
            spread_mean=float(self.ou().theta),
            entry_z=float(band),
            exit_z=-float(band),
            stop_z=None,
        )

    def grid(self) -> dict[str, np.ndarray]:
        """The sweep grid: ``sweep_steps`` integer lookbacks and entry z-scores."""
        lo, hi = self.sweep_lookbacks
        lookbacks = np.unique(np.round(np.linspace(lo, hi, self.sweep_steps)).astype(np.int64))
        zlo, zhi = self.sweep_entry_zs
        entry_zs = np.round(np.linspace(zlo, zhi, self.sweep_steps), 4)
        return {"lookback": lookbacks, "entry_z": entry_zs}

    @param.depends(*SWEEP_INPUTS, "sweep_sample")
    def sweep(self):
        """``SweepResult``: the chosen metric over the lookback x entry_z grid."""
        return self.sweep_of(self.sweep_sample)

    def sweep_of(self, sample: str):
        """``SweepResult`` of the chosen metric over the grid in segment ``sample`` (``"in"`` or
        ``"out"``), whatever :attr:`sweep_sample` is (cached like every result)."""
        prices = self.prices()
        grid = self.grid()
        base = dataclasses.replace(
            self.params(), lookback=int(grid["lookback"][0]), entry_z=float(grid["entry_z"][-1])
        )
        return self.compute(
            "sweep",
            prices["y"].to_numpy(),
            prices["x"].to_numpy(),
            grid,
            metric=self.sweep_metric,
            params=base,
            sample=sample,
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
            prices["y"].to_numpy(),
            prices["x"].to_numpy(),
            params,
            grid=grid,
            train=self.wf_train,
            test=self.wf_test,
            anchored=self.wf_anchored,
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
        return self.compute("pbo", trials, n_splits=splits)

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

    @param.depends("backtest", "sharpe_window")
    def rolling_sharpe(self) -> np.ndarray:
        """Rolling Sharpe ratio of the strategy's daily returns (``BacktestResult.returns``,
        net of costs) over :attr:`sharpe_window` trading days, annualised by sqrt(252)
        (:func:`lab.analytics.backtest.rolling.rolling_sharpe`): one value per row of
        :meth:`prices`, NaN for the first ``sharpe_window - 1`` rows and for windows without
        variation (no position)."""
        return rolling_sharpe(self.backtest().returns, self.sharpe_window)

    @param.depends("backtest")
    def trades_table(self) -> pd.DataFrame:
        """Round trips with dates: entry, exit, direction, the closes of both legs at entry and
        exit (price units), P&L and transaction costs (fractions of capital,
        :func:`lab.analytics.backtest.ledger.trade_ledger`), holding (days), exit reason and
        segment. The page's trades table and the trades export show this frame."""
        from lab.analytics.backtest import EXIT_NO_SIGNAL, EXIT_OPEN, EXIT_SIGNAL, EXIT_STOP

        res = self.backtest()
        prices = self.prices()
        dates = prices.index
        t = res.trades
        ledger = trade_ledger(res, prices["y"], prices["x"], self.params().cost_bps)
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
                "y entry": ledger.y_entry,
                "y exit": ledger.y_exit,
                "x entry": ledger.x_entry,
                "x exit": ledger.x_exit,
                "pnl": t.pnl,
                "costs": ledger.costs,
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

    # -- exports ----------------------------------------------------------------------------
    @param.depends(*SWEEP_INPUTS)
    def sweep_frame(self) -> pd.DataFrame:
        """The sweep grid as exported (CSV, Parquet): one row per cell, lookback-major.

        Columns: ``lookback [trading days]``, the entry level (``entry |z| [z-score]``, or
        ``entry band [USD from the spread mean]`` with ``band_units="spread"``) and the chosen
        metric on both segments, ``<metric> in-sample [<unit>]`` and
        ``<metric> out-of-sample [<unit>]`` (units from
        :data:`~lab.analytics.backtest.metric_table.METRICS`). The segment the page does not
        show is swept here, on the backend, when the export asks for it.
        """
        spec = metric(self.sweep_metric)
        results = {sample: self.sweep_of(sample) for sample in ("in", "out")}
        first = results["in"]
        lookbacks = np.asarray(first.lookbacks, dtype=np.int64)
        entry_zs = np.asarray(first.entry_zs, dtype=float)
        entry = (
            "entry band [USD from the spread mean]"
            if self.params().band_units == "spread"
            else "entry |z| [z-score]"
        )
        frame = pd.DataFrame(
            {
                "lookback [trading days]": np.repeat(lookbacks, len(entry_zs)),
                entry: np.tile(entry_zs, len(lookbacks)),
            }
        )
        for sample, label in (("in", "in-sample"), ("out", "out-of-sample")):
            values = np.asarray(results[sample].values, dtype=float)
            frame[f"{spec.name} {label} [{spec.unit}]"] = values.ravel()
        return frame

    @param.depends("trades_table")
    def trades_frame(self) -> pd.DataFrame:
        """The round trips as exported (CSV): :meth:`trades_table` with unit-carrying column
        names (:data:`TRADES_FRAME_COLUMNS`)."""
        return self.trades_table().rename(columns=TRADES_FRAME_COLUMNS)

    # -- shared links -----------------------------------------------------------------------
    def apply_shared(self, values: Mapping[str, Any]) -> dict[str, str]:
        """Apply the values of a shared link (:data:`SHARED_PARAMETERS`; other keys are
        ignored), refusing those that do not fit.

        Each value may be text (as in a query string) or a number parsed from it. It is first
        checked against its parameter's declaration: ``y`` and ``x`` must be symbols of the
        dataset and differ, ``lookback`` an integer within its bounds, ``entry_z`` and
        ``exit_z`` finite numbers (within bounds where declared), ``band_units`` one of its
        choices. The values that pass are applied in one update, so the strategy's own
        combination check runs as for a slider (an invalid combination, such as an entry |z|
        below the exit z, is refused in :attr:`refused` and the last valid parameters stay in
        use). The values that do not pass are not applied, and :attr:`refused` names them with
        the reason and the parameters the page shows. Nothing raises.

        Returns
        -------
        dict
            ``{name: reason}`` of the values refused one by one (empty when all were applied).
        """
        good: dict[str, Any] = {}
        bad: dict[str, str] = {}
        for name in SHARED_PARAMETERS:
            if name in values:
                try:
                    good[name] = self._shared_value(name, values[name])
                except ValueError as exc:
                    bad[name] = str(exc)
        if "y" in good or "x" in good:
            y, x = good.get("y", self.y), good.get("x", self.x)
            if y == x:
                for name in ("y", "x"):
                    if good.pop(name, None) is not None:
                        bad[name] = f"y and x must be different symbols, both would be {y!r}"
        self.param.update(**good)  # a combination refused here is named by _check_params
        try:
            self.requested_params()
            combination = ""
        except ValueError as exc:
            combination = str(exc)
        if not bad:
            if not combination and self.refused:  # an earlier link's refusal no longer holds
                with param.edit_constant(self):
                    self.refused = ""
            return bad
        text = "; ".join(
            f"{name} = {_shown_value(values[name])}: {reason}" for name, reason in bad.items()
        )
        message = f"Shared link values refused ({text})."
        if combination:
            message += f" The strategy parameters as set are refused too: {combination}."
        with param.edit_constant(self):
            self.refused = f"{message} {self._shown_parameters()}"
        return bad

    def _shared_value(self, name: str, value: Any) -> Any:
        """``value`` converted to parameter ``name``'s type and checked against its declared
        objects or bounds; ``ValueError`` naming the problem."""
        p = self.param[name]
        if isinstance(p, param.Selector):
            text = value if isinstance(value, str) else str(value)
            if text not in p.objects:
                what = "a symbol of the dataset" if name in ("y", "x") else f"one of {p.objects}"
                raise ValueError(f"not {what}")
            return text
        if isinstance(value, bool):
            raise ValueError("not a number")
        if isinstance(p, param.Integer):
            try:
                number = float(value) if not isinstance(value, int) else value
            except (TypeError, ValueError):
                raise ValueError("not an integer") from None
            if isinstance(number, float) and not number.is_integer():
                raise ValueError("not an integer")
            number = int(number)
        else:
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise ValueError("not a number") from None
            if not math.isfinite(number):
                raise ValueError("not a finite number")
        lo, hi = p.bounds or (None, None)
        if (lo is not None and number < lo) or (hi is not None and number > hi):
            raise ValueError(f"outside {lo} .. {hi}")
        return number


def _shown_value(value: Any) -> str:
    """``repr`` of a shared value, cut to :data:`SHARED_VALUE_CHARS` characters."""
    text = repr(value)
    return text if len(text) <= SHARED_VALUE_CHARS else text[: SHARED_VALUE_CHARS - 1] + "…"
