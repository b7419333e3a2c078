"""The strategy's parameters (:class:`PairParams`) and the constants of its conventions:
hedges, fills, capital, sizing, bands, the flat-window tolerances and the z grid.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

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


def _field(default: Any, label: str, doc: str, **ui: Any) -> Any:
    """A :class:`PairParams` field with its presentation metadata: the one table the lab's
    models derive their parameters (and so the page's widgets) from.

    ``label`` and ``doc`` name and describe the field for a user; ``ui`` holds the widget's
    range: ``bounds`` (hard: values outside are rejected when set on a model), ``softbounds``
    (the slider's range only; the dataclass's own checks decide validity), ``step``, and
    ``objects`` (the choices of a string field).
    """
    return field(default=default, metadata={"label": label, "doc": doc, **ui})


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

    lookback: int = _field(
        60, "Lookback (days)", "Z-score (and rolling hedge) window, trading days.", bounds=(3, 500)
    )
    entry_z: float = _field(
        2.0,
        "Entry |z|",
        "Enter when |z| exceeds this (a z-score; price units with band_units='spread').",
        softbounds=(0.1, 6.0),
        step=0.05,
    )
    exit_z: float = _field(
        0.5,
        "Exit z",
        "Exit when z crosses back over -exit_z (long) / exit_z (short); same units as entry_z.",
        softbounds=(-3.0, 3.0),
        step=0.05,
    )
    stop_z: float | None = _field(
        None,
        "Stop |z|",
        "Stop-loss level beyond entry_z, same units (None: no stop).",
        softbounds=(0.2, 10.0),
        step=0.1,
    )
    cost_bps: float = _field(
        5.0,
        "Cost per leg (bps)",
        "Cost per leg, basis points of traded notional.",
        bounds=(0.0, 200.0),
        step=0.5,
    )
    hedge: str = _field(
        "static",
        "Hedge ratio",
        "static: OLS on the training window; rolling: OLS over lookback; "
        "kalman: filtered random-walk regression slope.",
        objects=HEDGE_METHODS,
    )
    train_fraction: float = _field(
        0.5,
        "In-sample share",
        "Share of rows in-sample (from the start).",
        bounds=(0.05, 0.95),
        step=0.05,
    )
    fill: str = _field(
        "close", "Fill", "Execution: at the signal's close, or at the next close.", objects=FILLS
    )
    capital: str = _field(
        "fixed",
        "Entry notional",
        "Entry notional: the initial capital (fixed) or the account value (compounding).",
        objects=CAPITALS,
    )
    borrow_bps_per_year: float = _field(
        0.0,
        "Borrow on shorts (bps / year)",
        "Borrow fee on the short leg's notional, basis points per year.",
        bounds=(0.0, 2000.0),
        step=5.0,
    )
    negative_hedge: str = _field(
        "trade",
        "Hedge ratio <= 0 at entry",
        "Entries with a hedge ratio <= 0 (both legs on one side): trade and flag, or refuse.",
        objects=NEGATIVE_HEDGES,
    )
    kalman_q_alpha: float = _field(
        1e-4,
        "Kalman intercept step variance",
        "Kalman hedge: variance per day of the intercept's random-walk steps (price^2).",
        bounds=(1e-12, 1e3),
    )
    kalman_q_beta: float = _field(
        1e-6,
        "Kalman slope step variance",
        "Kalman hedge: variance per day of the slope's random-walk steps.",
        bounds=(1e-14, 1.0),
    )
    kalman_r: float = _field(
        1.0,
        "Kalman observation variance",
        "Kalman hedge: observation noise variance of y (price^2).",
        bounds=(1e-8, 1e6),
    )
    sizing: str = _field(
        "shares_from_hedge",
        "Leg sizing",
        "How the gross notional splits between the legs: the hedge ratio's share counts, "
        "equal and opposite dollars, or x-leg dollars = beta x y-leg dollars.",
        objects=SIZINGS,
    )
    rebalance_every: int = _field(
        0,
        "Rebalance every (days, 0 = never)",
        "Resize an open trade to its target holdings every this many trading days (0: never).",
        bounds=(0, 500),
    )
    rebalance_threshold: float = _field(
        0.0,
        "Rebalance on hedge drift (fraction, 0 = off)",
        "Resize an open trade when its hedge (x dollars per y dollar) drifts from the "
        "target's by more than this fraction (0: off).",
        bounds=(0.0, 1.0),
        step=0.01,
    )
    vol_target: float | None = _field(
        None,
        "Target vol (annualised)",
        "Annualised volatility target of the committed gross (None: off).",
        bounds=(0.01, 1.0),
        step=0.01,
    )
    vol_window: int = _field(
        60,
        "Vol window (days)",
        "Trading days in the trailing realised-volatility window of the vol target.",
        bounds=(2, 500),
    )
    leverage_cap: float = _field(
        2.0,
        "Leverage cap (gross / capital)",
        "Largest gross per unit of capital the vol target may commit.",
        bounds=(0.1, 10.0),
        step=0.1,
    )
    band_units: str = _field(
        "z",
        "Band units",
        "Units of entry/exit/stop: z-scores, or levels of the spread y - spread_beta x "
        "around spread_mean (price units, the units of the OU-optimal bands).",
        objects=BAND_UNITS,
    )
    spread_beta: float = _field(
        1.0, "Spread hedge ratio β", "Spread bands: the fixed hedge ratio of y - spread_beta x."
    )
    spread_mean: float = _field(
        0.0, "Spread mean (USD)", "Spread bands: the spread's mean, price units."
    )

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


def resolve_params(params: object) -> PairParams:
    """``params`` or the defaults; a clear error for anything that is not a PairParams."""
    if params is None:
        return PairParams()
    if not isinstance(params, PairParams):
        raise ValueError(f"params must be a PairParams or None, got {type(params).__name__}")
    return params
