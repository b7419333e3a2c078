"""Hypothesis strategies of valid analytics inputs, with the shapes real data has.

Each analytic's registry entry (:mod:`lab.analytics.registry`) builds its strategy from these
blocks. Hypothesis draws the *structure* of an input (its length, price level, volatility,
flat stretches, jumps, late listings, seed) and NumPy generates the arrays from it, so a failing
example shrinks to a short, plain description and is replayed exactly.

Prices include what daily data really holds:

* flat stretches: runs of equal consecutive closes, and equal opening closes;
* jumps of +-20 %;
* price levels from 1e-2 to 1e5, quoted on a tick of 1e-4 of the level (so equal closes also
  arise from rounding);
* leading NaNs (a symbol listed late), where the analytic accepts them;
* series as short as the analytic's stated minimum.

Return matrices include near-singular covariances, one asset dominating the others, and T
barely above N.

Requires hypothesis (a test dependency); importing this module without it raises ImportError.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import strategies as st

from lab.analytics.backtest import CAPITALS, FILLS, NEGATIVE_HEDGES, SIZINGS, PairParams
from lab.analytics.cointegration import ADF_MIN_RESID_DOF
from lab.analytics.options import PRESETS, strategy_preset

SEEDS = st.integers(min_value=0, max_value=2**32 - 1)

MAX_ROWS = 400
"""Longest generated series (the reference engines must stay fast enough to draw many)."""


def calls(*args: Any, **kwargs: Any) -> st.SearchStrategy[tuple[tuple, dict]]:
    """``(args, kwargs)`` with each element drawn from the strategy given (or taken as is)."""

    def lift(value: Any) -> st.SearchStrategy[Any]:
        return value if isinstance(value, st.SearchStrategy) else st.just(value)

    return st.tuples(
        st.tuples(*(lift(a) for a in args)),
        st.fixed_dictionaries({k: lift(v) for k, v in kwargs.items()}),
    )


# --------------------------------------------------------------------------------------------
# price paths


@st.composite
def price_shape(draw: st.DrawFn) -> dict[str, Any]:
    """The structure of a price path: level, volatility, flats, jumps, seed."""
    return {
        "seed": draw(SEEDS),
        "level": 10.0 ** draw(st.floats(-2.0, 5.0)),
        "vol": draw(st.sampled_from([0.002, 0.01, 0.03])),
        "flat_open": draw(st.sampled_from([0, 0, 2, 5])),
        "flat_frac": draw(st.sampled_from([0.0, 0.0, 0.1, 0.4])),
        "jumps": draw(st.integers(0, 3)),
        "tick": draw(st.booleans()),
    }


def make_returns(rng: np.random.Generator, n: int, shape: dict[str, Any]) -> np.ndarray:
    """Log returns of ``n`` days: Gaussian, with flat days, equal opening closes and jumps."""
    r = shape["vol"] * rng.standard_normal(n)
    if shape["flat_frac"] > 0:
        # flat stretches: runs of unchanged closes (geometric run lengths, mean 4 days)
        t = 0
        while t < n:
            if rng.random() < shape["flat_frac"] / 4:
                run = int(rng.geometric(0.25))
                r[t : t + run] = 0.0
                t += run
            t += 1
    r[: shape["flat_open"]] = 0.0
    for _ in range(shape["jumps"]):
        r[int(rng.integers(0, n))] += np.log(1.2) if rng.random() < 0.5 else np.log(0.8)
    return r


def to_prices(log_path: np.ndarray, shape: dict[str, Any]) -> np.ndarray:
    """Prices from a log path starting at 0: times the level, on a tick of 1e-4 of it."""
    prices = shape["level"] * np.exp(log_path - log_path[0])
    if shape["tick"]:
        tick = 1e-4 * shape["level"]
        prices = np.maximum(np.round(prices / tick), 1.0) * tick
    return prices


def price_path(rng: np.random.Generator, n: int, shape: dict[str, Any]) -> np.ndarray:
    """One price series of ``n`` days with the structure ``shape``."""
    r = make_returns(rng, n, shape)
    r[0] = 0.0
    return to_prices(np.cumsum(r), shape)


@st.composite
def price_pair(
    draw: st.DrawFn, min_rows: int, max_rows: int = MAX_ROWS
) -> tuple[np.ndarray, np.ndarray]:
    """``(y, x)`` prices: x a random walk with real-data quirks; y either cointegrated with x
    (an OU spread around a hedge of 0.3-3 on log prices) or an independent walk."""
    n = draw(st.integers(min_rows, max(min_rows, max_rows)))
    sx, sy = draw(price_shape()), draw(price_shape())
    rng = np.random.default_rng(sx["seed"])
    x = price_path(rng, n, sx)
    if draw(st.booleans()):
        beta = draw(st.floats(0.3, 3.0))
        phi = draw(st.sampled_from([0.5, 0.9, 0.98]))
        spread = np.zeros(n)
        eps = sy["vol"] * rng.standard_normal(n)
        for t in range(1, n):
            spread[t] = phi * spread[t - 1] + eps[t]
        log_y = beta * np.log(x / x[0]) + spread
        flat = make_returns(rng, n, {**sy, "vol": 0.0, "jumps": 0}) == 0.0
        if sy["flat_frac"] > 0 or sy["flat_open"]:
            # equal consecutive closes on y too: hold the previous close on flat days
            for t in range(1, n):
                if flat[t] and rng.random() < 0.5:
                    log_y[t] = log_y[t - 1]
        y = to_prices(log_y, sy)
    else:
        y = price_path(rng, n, sy)
    return y, x


@st.composite
def price_matrix(
    draw: st.DrawFn,
    min_rows: int,
    max_rows: int = MAX_ROWS,
    min_cols: int = 2,
    max_cols: int = 5,
    log: bool = True,
    late_listings: bool = False,
    min_listed: int = 0,
) -> np.ndarray:
    """T x N prices (log prices when ``log``), columns sharing a common trend; with
    ``late_listings`` some columns start with NaNs, keeping at least ``min_listed`` rows."""
    n = draw(st.integers(min_rows, max(min_rows, max_rows)))
    k = draw(st.integers(min_cols, max_cols))
    seed = draw(SEEDS)
    rng = np.random.default_rng(seed)
    common = np.cumsum(make_returns(rng, n, draw(price_shape())))
    cols = []
    for _ in range(k):
        shape = draw(price_shape())
        weight = draw(st.sampled_from([0.0, 0.5, 1.0]))
        path = weight * common + np.cumsum(make_returns(rng, n, shape))
        cols.append(to_prices(path, shape))
    out = np.column_stack(cols)
    if log:
        out = np.log(out)
    if late_listings and n > min_listed:
        for j in range(k):
            if draw(st.booleans()) and j > 0:
                start = draw(st.integers(0, n - max(min_listed, 1)))
                out[:start, j] = np.nan
    return out


@st.composite
def level_series(draw: st.DrawFn, min_rows: int = 2, max_rows: int = MAX_ROWS) -> np.ndarray:
    """A level series: log prices of a quirky walk, a price itself, or a spread near zero."""
    n = draw(st.integers(min_rows, max(min_rows, max_rows)))
    shape = draw(price_shape())
    prices = price_path(np.random.default_rng(shape["seed"]), n, shape)
    kind = draw(st.sampled_from(["log", "price", "spread"]))
    if kind == "log":
        return np.log(prices)
    if kind == "price":
        return prices
    return np.log(prices) - np.log(prices).mean()


def window(max_window: int = 60) -> st.SearchStrategy[int]:
    """A rolling window length (drawn independently; too long for the series is an error both
    engines must report the same way)."""
    return st.integers(2, max_window)


# --------------------------------------------------------------------------------------------
# return matrices


@st.composite
def returns_matrix(
    draw: st.DrawFn, min_cols: int = 2, max_cols: int = 8, max_rows: int = 300
) -> np.ndarray:
    """T x N daily returns from a factor model, including the awkward cases: a near-singular
    covariance (one asset a combination of others), one asset dominating, and T barely above
    N."""
    n = draw(st.integers(min_cols, max_cols))
    case = draw(st.sampled_from(["plain", "near_singular", "dominant", "short"]))
    t = draw(st.integers(n + 1, n + 3)) if case == "short" else draw(st.integers(n + 5, max_rows))
    rng = np.random.default_rng(draw(SEEDS))
    vol = draw(st.sampled_from([0.002, 0.01, 0.03]))
    factor = vol * rng.standard_normal(t)
    loadings = rng.uniform(0.3, 1.5, n)
    r = np.outer(factor, loadings) + vol * rng.uniform(0.3, 1.0, n) * rng.standard_normal((t, n))
    r += rng.uniform(-2e-4, 5e-4, n)
    if case == "near_singular" and n >= 3:
        w = rng.uniform(0.2, 1.0, n - 1)
        r[:, -1] = r[:, :-1] @ (w / w.sum()) + 1e-7 * vol * rng.standard_normal(t)
    elif case == "dominant":
        r[:, int(rng.integers(0, n))] *= 30.0
    return r


# --------------------------------------------------------------------------------------------
# per-analytic call strategies


def pca_calls() -> st.SearchStrategy:
    """``pca(returns, n_components)`` with ``n_components <= min(T, N)``."""
    return returns_matrix().flatmap(lambda r: calls(r, n_components=st.integers(1, min(r.shape))))


def hurst_calls() -> st.SearchStrategy:
    """``hurst(x, max_lag)`` on series from 5 rows, ``3 <= max_lag <= T - 2``."""
    return level_series(min_rows=5).flatmap(
        lambda x: calls(x, max_lag=st.integers(3, max(3, min(100, len(x) - 2))))
    )


REGRESSIONS = st.sampled_from(["c", "ct", "n", "ctt"])
AUTOLAGS = st.sampled_from(["aic", "bic", "t-stat", None])


def _adf_min_rows(ntrend: int, maxlag: int) -> int:
    return 2 * maxlag + ntrend + 2 + ADF_MIN_RESID_DOF


@st.composite
def adf_calls(draw: st.DrawFn) -> tuple[tuple, dict]:
    """``adf(x, maxlag, regression, autolag)`` on series from the minimum sample up."""
    regression = draw(REGRESSIONS)
    ntrend = {"n": 0, "c": 1, "ct": 2, "ctt": 3}[regression]
    maxlag = draw(st.one_of(st.none(), st.integers(0, 6)))
    floor = _adf_min_rows(ntrend, 10 if maxlag is None else maxlag)
    x = draw(level_series(min_rows=floor - 3))  # a few below the minimum: the same error
    return (x,), {"maxlag": maxlag, "regression": regression, "autolag": draw(AUTOLAGS)}


@st.composite
def engle_granger_calls(draw: st.DrawFn) -> tuple[tuple, dict]:
    """``engle_granger(y, x, trend, maxlag, autolag)`` on log price pairs."""
    maxlag = draw(st.one_of(st.none(), st.integers(0, 5)))
    floor = _adf_min_rows(0, 10 if maxlag is None else maxlag)
    y, x = draw(price_pair(min_rows=floor - 2, max_rows=300))
    trend = draw(st.sampled_from(["c", "ct", "n"]))
    return (np.log(y), np.log(x)), {"trend": trend, "maxlag": maxlag, "autolag": draw(AUTOLAGS)}


@st.composite
def johansen_calls(draw: st.DrawFn) -> tuple[tuple, dict]:
    """``johansen(prices, det_order, k_ar_diff)`` on 2-4 log price series."""
    k_ar_diff = draw(st.integers(0, 3))
    prices = draw(price_matrix(min_rows=20, max_rows=300, min_cols=2, max_cols=4))
    return (prices,), {"det_order": draw(st.integers(-1, 1)), "k_ar_diff": k_ar_diff}


@st.composite
def pair_scan_calls(draw: st.DrawFn) -> tuple[tuple, dict]:
    """``pair_scan(prices, trend, maxlag, autolag, pairs)`` on 2-4 log price series with late
    listings; sometimes on an explicit subset of pairs."""
    prices = draw(
        price_matrix(min_rows=40, max_rows=250, max_cols=4, late_listings=True, min_listed=30)
    )
    kwargs: dict[str, Any] = {
        "trend": draw(st.sampled_from(["c", "ct"])),
        "maxlag": draw(st.one_of(st.none(), st.integers(0, 4))),
        "autolag": draw(st.sampled_from(["aic", "bic", None])),
    }
    if draw(st.booleans()):
        n = prices.shape[1]
        everything = [(i, j) for i in range(n) for j in range(n) if i != j]
        chosen = draw(st.lists(st.sampled_from(everything), min_size=1, max_size=6, unique=True))
        kwargs["pairs"] = np.array(chosen, dtype=np.int64)
    return (prices,), kwargs


@st.composite
def ou_fit_calls(draw: st.DrawFn) -> tuple[tuple, dict]:
    """``ou_fit(x, dt)`` on simulated OU spreads (fast and slow reversion) and quirky series."""
    dt = draw(st.sampled_from([1.0, 1 / 252]))
    n = draw(st.integers(10, MAX_ROWS))
    if draw(st.booleans()):
        rng = np.random.default_rng(draw(SEEDS))
        a = draw(st.sampled_from([0.2, 0.8, 0.97, 0.995]))
        x = np.empty(n)
        x[0] = rng.standard_normal()
        for t in range(1, n):
            x[t] = a * x[t - 1] + rng.standard_normal()
        x = x * 10.0 ** draw(st.floats(-3, 2)) + draw(st.floats(-5, 5))
    else:
        x = draw(level_series(min_rows=n, max_rows=n))
    return (x,), {"dt": dt}


POSITIVE = st.floats(0.05, 50.0)


def threshold_calls() -> st.SearchStrategy:
    """``optimal_thresholds(kappa, theta, sigma, cost, rf)``: ``rf`` zero (no Sharpe maximum),
    or from tiny to above the best expected return rate."""
    rf = st.one_of(st.just(0.0), st.floats(1e-6, 5.0))
    return calls(POSITIVE, st.floats(-2.0, 2.0), st.floats(0.01, 5.0), st.floats(0.0, 0.5), rf=rf)


def cara_calls() -> st.SearchStrategy:
    """``cara_position(kappa, theta, sigma, x, gamma, horizon)``."""
    x = st.lists(st.floats(-3.0, 3.0), min_size=1, max_size=6).map(np.array)
    return calls(POSITIVE, st.floats(-1, 1), st.floats(0.05, 3.0), x, POSITIVE, st.floats(0.01, 5))


@st.composite
def execution_params(draw: st.DrawFn) -> dict[str, Any]:
    """The execution fields of :class:`PairParams` (fill, capital, borrow, negative hedge
    ratios, sizing, rebalance rules, volatility target): the defaults half of the time, so the
    plain strategy stays well covered."""
    if draw(st.booleans()):
        return {}
    return {
        "fill": draw(st.sampled_from(FILLS)),
        "capital": draw(st.sampled_from(CAPITALS)),
        "borrow_bps_per_year": draw(st.sampled_from([0.0, 300.0])),
        "negative_hedge": draw(st.sampled_from(NEGATIVE_HEDGES)),
        "sizing": draw(st.sampled_from(SIZINGS)),
        "rebalance_every": draw(st.sampled_from([0, 1, 5])),
        "rebalance_threshold": draw(st.sampled_from([0.0, 0.05, 0.3])),
        "vol_target": draw(st.sampled_from([None, 0.1])),
        "vol_window": draw(st.integers(2, 40)),
        "leverage_cap": draw(st.sampled_from([0.5, 3.0])),
    }


@st.composite
def pair_params(draw: st.DrawFn, max_lookback: int = 60) -> PairParams:
    """Valid :class:`PairParams`, both hedge modes, with and without a stop, with and without
    the execution options (:func:`execution_params`)."""
    hedge = draw(st.sampled_from(["static", "rolling"]))
    entry = draw(st.floats(0.3, 3.0))
    exit_z = draw(st.floats(-0.9 * entry, 0.9 * entry))
    stop = draw(st.one_of(st.none(), st.floats(entry * 1.1, entry * 3.0)))
    return PairParams(
        lookback=draw(st.integers(3, max_lookback)),
        entry_z=entry,
        exit_z=exit_z,
        stop_z=stop,
        cost_bps=draw(st.sampled_from([0.0, 1.0, 5.0, 25.0])),
        hedge=hedge,
        train_fraction=draw(st.sampled_from([0.3, 0.5, 0.7])),
        **draw(execution_params()),
    )


def spread_bands(draw: st.DrawFn, params: PairParams, y: np.ndarray, x: np.ndarray) -> PairParams:
    """``params`` in ``band_units="spread"`` mode on the pair ``(y, x)``: a drawn hedge ratio near the
    legs' price ratio, the spread's median as its mean, and the z-unit bands of ``params``
    rescaled by the spread's standard deviation into price levels (with Bertram's exit at the
    opposite band half of the time)."""
    beta = float(np.median(y / x)) * draw(st.sampled_from([0.5, 1.0, 1.0, 1.5, -0.3]))
    spread = y - beta * x
    scale = max(float(spread.std()), 1e-6 * float(np.abs(spread).max()), 1e-12)
    entry = params.entry_z * scale
    return dataclasses.replace(
        params,
        band_units="spread",
        spread_beta=beta,
        spread_mean=float(np.median(spread)),
        entry_z=entry,
        exit_z=-entry if draw(st.booleans()) else params.exit_z * scale,
        stop_z=None if params.stop_z is None else params.stop_z * scale,
    )


@st.composite
def backtest_calls(draw: st.DrawFn) -> tuple[tuple, dict]:
    """``backtest_pairs(y, x, params)`` on quirky price pairs, from the shortest valid length;
    a quarter of the calls trade spread bands (:func:`spread_bands`)."""
    params = draw(pair_params())
    y, x = draw(price_pair(min_rows=params.lookback + 2))
    if draw(st.integers(0, 3)) == 0:
        params = spread_bands(draw, params, y, x)
    return (y, x, params), {}


@st.composite
def backtest_many_calls(draw: st.DrawFn) -> tuple[tuple, dict]:
    """``backtest_many(Y, X, params)`` on 1-4 quirky price pairs (:func:`price_pair`) stacked as
    columns: many pairs with one PairParams, one pair with several (drawn by
    :func:`pair_params`), or one X column broadcast against every Y column; arrays or
    DataFrames; a quarter of the calls trade spread bands (:func:`spread_bands`)."""
    n = draw(st.integers(1, 4))
    mode = draw(st.sampled_from(["pairs", "params", "broadcast_x"]))
    if mode == "params":
        params: Any = [draw(pair_params(max_lookback=40)) for _ in range(n)]
        lookback = max(p.lookback for p in params)
    else:
        params = draw(pair_params(max_lookback=40))
        lookback = params.lookback
    rows = draw(st.integers(lookback + 2, 250))
    pairs = [
        draw(price_pair(min_rows=rows, max_rows=rows)) for _ in range(1 if mode == "params" else n)
    ]
    y = np.column_stack([p[0] for p in pairs])
    x = np.column_stack([p[1] for p in pairs])
    if draw(st.integers(0, 3)) == 0:  # spread bands, scaled on the first pair
        if isinstance(params, list):
            params = [spread_bands(draw, p, y[:, 0], x[:, 0]) for p in params]
        else:
            params = spread_bands(draw, params, y[:, 0], x[:, 0])
    if mode == "broadcast_x":
        x = x[:, :1]
    if draw(st.booleans()):
        y = pd.DataFrame(y, columns=[f"y{j}" for j in range(y.shape[1])])
        x = pd.DataFrame(x, columns=[f"x{j}" for j in range(x.shape[1])])
    return (y, x, params), {}


@st.composite
def kalman_mle_calls(draw: st.DrawFn) -> tuple[tuple, dict]:
    """``kalman_mle(y, x, train_fraction)`` on pairs simulated from the hedge's own model
    (random-walk intercept and slope, drawn variances) and on quirky price pairs."""
    n = draw(st.integers(40, 240))
    if draw(st.booleans()):
        rng = np.random.default_rng(draw(SEEDS))
        x = 50.0 * np.exp(np.cumsum(rng.normal(0.0, 0.01, n)))
        q_a, q_b, r = (10.0 ** draw(st.floats(lo, hi)) for lo, hi in ((-4, -1), (-7, -4), (-2, 0)))
        alpha = 5.0 + np.cumsum(rng.normal(0.0, math.sqrt(q_a), n))
        beta = 1.0 + np.cumsum(rng.normal(0.0, math.sqrt(q_b), n))
        y = np.abs(alpha + beta * x + rng.normal(0.0, math.sqrt(r), n)) + 1.0
    else:
        y, x = draw(price_pair(min_rows=n, max_rows=n))
    return (y, x), {"train_fraction": draw(st.sampled_from([0.5, 0.8, 1.0]))}


@st.composite
def sweep_calls(draw: st.DrawFn) -> tuple[tuple, dict]:
    """``sweep(y, x, grid, metric, params, sample)`` on small grids."""
    params = draw(pair_params(max_lookback=30))
    lookbacks = draw(st.lists(st.integers(3, 40), min_size=1, max_size=3, unique=True))
    entries = draw(st.lists(st.floats(0.6, 3.0), min_size=1, max_size=3, unique=True))
    grid = {"lookback": lookbacks, "entry_z": entries}
    params = dataclasses.replace(
        params,
        entry_z=max(entries) + 0.1,
        exit_z=min(0.5 * min(entries), abs(params.exit_z)),
        stop_z=None,
    )
    y, x = draw(price_pair(min_rows=max(lookbacks) + 2, max_rows=250))
    metric = draw(st.sampled_from(["sharpe", "total_return", "max_drawdown", "n_trades"]))
    sample = draw(st.sampled_from(["in", "out"]))
    return (y, x, grid), {"metric": metric, "params": params, "sample": sample}


@st.composite
def hmm_calls(draw: st.DrawFn) -> tuple[tuple, dict]:
    """``hmm_fit(obs, n_states, n_iter, tol, seed, n_init)`` on regime-switching returns, in
    both modes (walk-forward with up to five refits)."""
    n_states = draw(st.integers(1, 3))
    t = draw(st.integers(30, 300))
    rng = np.random.default_rng(draw(SEEDS))
    scale = 10.0 ** draw(st.floats(-3, 0))
    states = np.cumsum(rng.random(t) < 0.03) % max(n_states, 1)
    obs = scale * (rng.standard_normal(t) * (1 + 2 * states) + 0.5 * states)
    if draw(st.booleans()):
        obs = np.round(obs / (scale * 0.01)) * scale * 0.01  # ties, like quoted returns
    kwargs = {
        "n_iter": draw(st.integers(0, 15)),
        "tol": draw(st.sampled_from([0.0, 1e-6, 1e-2])),
        "seed": draw(st.integers(0, 5)),
        "n_init": draw(st.integers(1, 2)),
    }
    if draw(st.booleans()):  # walk-forward refits: a few, on windows of 20 rows and more
        window = draw(st.integers(20, max(20, t // 2)))
        kwargs.update(
            mode="walk_forward",
            window=window,
            refit_every=draw(st.integers(max(1, (t - window) // 4), max(1, t - window))),
            anchored=draw(st.booleans()),
        )
    return (obs, n_states), kwargs


METHODS = st.sampled_from(
    ["max_sharpe", "min_variance", "risk_parity", "mean_variance", "equal_weight"]
)
COVS = st.sampled_from(["sample", "ledoit_wolf"])


def portfolio_calls() -> st.SearchStrategy:
    """``optimize_portfolio(returns, method, ...)`` for every method and both estimators."""
    return returns_matrix().flatmap(
        lambda r: calls(
            r,
            METHODS,
            risk_free=st.sampled_from([0.0, 1e-4]),
            risk_aversion=st.sampled_from([0.5, 1.0, 10.0]),
            long_only=st.booleans(),
            cov=COVS,
        )
    )


def frontier_calls() -> st.SearchStrategy:
    """``efficient_frontier(returns, n_points, ...)``."""
    return returns_matrix(max_cols=6).flatmap(
        lambda r: calls(r, n_points=st.integers(2, 8), long_only=st.booleans(), cov=COVS)
    )


def sparse_calls() -> st.SearchStrategy:
    """``sparse_portfolio(returns, method, lam, alpha, positive)``."""
    return returns_matrix().flatmap(
        lambda r: calls(
            r,
            method=st.sampled_from(["lasso", "elastic_net"]),
            lam=st.sampled_from([1e-4, 1e-3, 1e-2]),
            alpha=st.sampled_from([0.2, 0.5, 0.9]),
            positive=st.booleans(),
        )
    )


def multi_period_calls() -> st.SearchStrategy:
    """``multi_period(returns, risk_aversion, cost_bps, n_periods, cov=...)``."""
    return returns_matrix(max_cols=6).flatmap(
        lambda r: calls(
            r,
            st.sampled_from([1.0, 5.0, 50.0]),
            st.sampled_from([0.0, 5.0, 50.0]),
            st.integers(1, 6),
            cov=COVS,
        )
    )


def _vector(lo: float, hi: float, log: bool = False) -> st.SearchStrategy:
    if log:
        one = st.floats(np.log10(lo), np.log10(hi)).map(lambda v: 10.0**v)
    else:
        one = st.floats(lo, hi)
    return st.one_of(one, st.lists(one, min_size=1, max_size=5).map(np.array))


def bs_calls() -> st.SearchStrategy:
    """Black-Scholes inputs: scalars and vectors broadcasting together, both kinds."""
    return calls(
        _vector(1.0, 500.0),
        _vector(1.0, 500.0),
        _vector(1e-3, 5.0, log=True),
        st.floats(-0.02, 0.1),
        _vector(0.01, 2.0, log=True),
        kind=st.sampled_from(["call", "put"]),
        dividend=st.sampled_from([0.0, 0.02]),
    )


@st.composite
def implied_vol_calls(draw: st.DrawFn) -> tuple[tuple, dict]:
    """``implied_vol`` of prices generated by Black-Scholes itself (and a few outside the
    no-arbitrage bounds, which both engines must report alike)."""
    from lab.analytics.options import bs_price

    n = draw(st.integers(1, 5))
    rng = np.random.default_rng(draw(SEEDS))
    spot = float(draw(st.floats(20.0, 300.0)))
    strike = spot * np.exp(rng.uniform(-0.5, 0.5, n))
    t = float(10.0 ** draw(st.floats(-2, 0.5)))
    rate = float(draw(st.floats(0.0, 0.08)))
    kind = draw(st.sampled_from(["call", "put"]))
    vol = np.exp(rng.uniform(np.log(0.05), np.log(1.5), n))
    price = bs_price(spot, strike, t, rate, vol, kind=kind)
    if draw(st.booleans()):
        price = price * rng.uniform(0.9, 1.1, n)
    return (price, spot, strike, t, rate), {"kind": kind}


def strategy_payoff_calls() -> st.SearchStrategy:
    """``strategy_payoff(preset, spots, t)`` for the presets."""
    preset = st.tuples(
        st.sampled_from(PRESETS),
        st.floats(50.0, 200.0),
    ).map(lambda p: strategy_preset(p[0], p[1]))
    spots = st.integers(2, 41).map(lambda n: np.linspace(20.0, 300.0, n))
    return calls(preset, spots, t=st.sampled_from([0.0, 0.05, 0.5]))


@st.composite
def lob_params(draw: st.DrawFn) -> dict[str, Any]:
    """Keyword arguments of :func:`lab.analytics.simulate_lob` (small streams)."""
    return {
        "n_events": draw(st.integers(1, 1500)),
        "seed": draw(st.integers(0, 1000)),
        "n_levels": draw(st.integers(1, 12)),
        "rate_market": draw(st.sampled_from([0.5, 1.2, 5.0])),
        "rate_cancel": draw(st.sampled_from([0.05, 0.12, 0.5])),
        "snapshot_every": draw(st.sampled_from([0, 0, 200])),
        "drop_prob": draw(st.sampled_from([0.0, 0.0, 0.01])),
    }


def simulate_lob_calls() -> st.SearchStrategy:
    """``simulate_lob(n_events, **params)``."""
    return lob_params().map(lambda kw: ((kw.pop("n_events"),), kw))


@st.composite
def ob_replay_calls(draw: st.DrawFn) -> tuple[tuple, dict]:
    """``ob_replay(events, depth, every, on_gap)`` on simulated streams (with gaps when drops
    are on)."""
    from lab.analytics.orderbook import simulate_lob

    kw = draw(lob_params())
    events = simulate_lob(kw.pop("n_events"), **kw)
    return (events,), {
        "depth": draw(st.integers(1, 8)),
        "every": draw(st.integers(1, 50)),
        "on_gap": draw(st.sampled_from(["resync", "raise"])),
    }


@st.composite
def lob_metrics_calls(draw: st.DrawFn) -> tuple[tuple, dict]:
    """``lob_metrics(book, depth, order_size, depth_bps)`` on books from simulated streams."""
    from lab.analytics.orderbook import ob_replay, simulate_lob

    kw = draw(lob_params())
    kw["drop_prob"] = 0.0
    book = ob_replay(simulate_lob(kw.pop("n_events"), **kw), every=10**9).final
    return (book,), {
        "depth": draw(st.integers(1, 10)),
        "order_size": draw(st.sampled_from([1.0, 100.0, 1000.0, 1e6])),
        "depth_bps": draw(st.sampled_from([1.0, 10.0, 100.0])),
    }


# --------------------------------------------------------------------------------------------
# overfitting-aware statistics and walk-forward


@st.composite
def return_series(draw: st.DrawFn, min_len: int = 4, max_len: int = 600) -> np.ndarray:
    """Per-period strategy returns: normal, skewed (lognormal), fat-tailed (t3), or mostly
    flat (a strategy out of the market) with a few trades."""
    n = draw(st.integers(min_len, max_len))
    rng = np.random.default_rng(draw(SEEDS))
    kind = draw(st.sampled_from(["normal", "skewed", "fat", "sparse"]))
    scale = 10.0 ** draw(st.floats(-4, -1))
    if kind == "normal":
        r = rng.standard_normal(n)
    elif kind == "skewed":
        r = rng.lognormal(0.0, 0.8, n) - np.exp(0.32)
    elif kind == "fat":
        r = rng.standard_t(3, n)
    else:
        r = np.where(rng.random(n) < 0.1, rng.standard_normal(n), 0.0)
        r[0] = 1.0  # never constant
    return scale * (r + draw(st.floats(-0.2, 0.3)))


def sharpe_level() -> st.SearchStrategy[float]:
    """A per-period Sharpe benchmark."""
    return st.floats(-0.2, 0.3)


def deflated_sharpe_calls() -> st.SearchStrategy:
    """``deflated_sharpe(returns, n_trials, sr_variance)``."""
    return calls(return_series(), st.integers(1, 5000), st.floats(1e-8, 0.05))


@st.composite
def pbo_calls(draw: st.DrawFn) -> tuple[tuple, dict]:
    """``pbo(returns_matrix, n_splits)`` on T x K trial returns with a common component."""
    splits = draw(st.sampled_from([2, 4, 6, 8]))
    k = draw(st.integers(2, 12))
    t = draw(st.integers(2 * splits, 300))
    rng = np.random.default_rng(draw(SEEDS))
    common = rng.standard_normal((t, 1))
    r = 0.01 * (draw(st.floats(0.0, 1.0)) * common + rng.standard_normal((t, k)))
    r += 0.001 * rng.standard_normal(k)  # some trials better than others
    return (r,), {"n_splits": splits}


@st.composite
def walk_forward_calls(draw: st.DrawFn) -> tuple[tuple, dict]:
    """``walk_forward(y, x, params, grid, train, test, anchored)`` on short quirky pairs."""
    params = draw(pair_params(max_lookback=20))
    train = draw(st.integers(params.lookback + 25, 150))
    test = draw(st.integers(10, 80))
    y, x = draw(price_pair(min_rows=train + test, max_rows=train + 3 * test))
    kwargs: dict[str, Any] = {
        "params": params,
        "train": train,
        "test": test,
        "anchored": draw(st.booleans()),
    }
    if draw(st.booleans()):
        kwargs["grid"] = {
            "lookback": draw(st.lists(st.integers(3, 20), min_size=1, max_size=2, unique=True)),
            "entry_z": draw(st.lists(st.floats(0.6, 2.5), min_size=1, max_size=2, unique=True)),
        }
    return (y, x), kwargs
