"""Inputs of the analytics benchmark workloads and of the registry's example calls.

A builder ``make(m) -> WorkloadInput`` constructs its input deterministically for a size
multiplier ``m`` (``1`` is the size the issues specify, e.g. the 190 pairs of the bundled S&P
500 dataset on 2015-2022). Data comes from the bundled dataset (:func:`lab.data.load_sp500`)
where the issues name it, and from the seeded generators of :mod:`lab.data` or a seeded NumPy
generator where a larger size needs more data than the dataset holds; the ``shape`` string says
which. Each analytic's registry entry (:mod:`lab.analytics.registry`) names its builder; the
benchmark (:mod:`lab.bench.workloads`) runs them.

The ``example_*`` functions give the small, seeded inputs of the registry's example calls.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

PAIR = ("KO", "PEP")
"""The bundled-dataset pair used by single-pair workloads."""

SCAN_START, SCAN_END = "2015-01-01", "2022-12-31"
"""Date range of the issue's pair-scan and Engle-Granger workloads."""


@dataclass(frozen=True)
class WorkloadInput:
    """One workload's input at one size.

    Attributes
    ----------
    args, kwargs
        Passed to the backend method.
    ops : float
        Units of work in one call (pairs scanned, grid points, updates, bytes/1e9, or 1 call);
        ``0`` when a throughput would mean nothing (the compile-time rows): none is reported.
    shape : str
        Human-readable size and data source, e.g. ``"2012 days x 20 assets (S&P 500)"``.
    """

    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    ops: float = 1.0
    shape: str = ""


def check_size(m: float) -> float:
    m = float(m)
    if not math.isfinite(m) or m <= 0:
        raise ValueError(f"size multiplier must be a positive number, got {m!r}")
    return m


def _sp500() -> pd.DataFrame:
    from lab.data import load_sp500

    return load_sp500()


def _scan_prices() -> pd.DataFrame:
    return np.log(_sp500().loc[SCAN_START:SCAN_END])


def factor_returns(t: int, n: int, seed: int = 0) -> np.ndarray:
    """Daily returns from a one-factor model: ``r = beta f + e`` (seeded, T x N, ~1% daily vol)."""
    rng = np.random.default_rng(seed)
    beta = rng.uniform(0.5, 1.5, size=n)
    f = 0.01 * rng.standard_normal(t)
    e = 0.01 * rng.standard_normal((t, n))
    return np.outer(f, beta) + e + 2e-4


def random_walk_log_prices(t: int, n: int, seed: int) -> np.ndarray:
    """Log prices of ``n`` independent random walks with 1.5% daily steps, starting at log(100)."""
    rng = np.random.default_rng(seed)
    return np.log(100.0) + np.cumsum(0.015 * rng.standard_normal((t, n)), axis=0)


def returns_matrix(m: float) -> WorkloadInput:
    t = max(10, round(1000 * check_size(m)))
    r = factor_returns(t, 50, seed=0)
    return WorkloadInput((r,), {}, 1.0, f"{t} x 50 returns (one-factor model, seed 0)")


def pca(m: float) -> WorkloadInput:
    req = returns_matrix(m)
    return WorkloadInput(req.args, {"n_components": 5}, 1.0, req.shape + ", 5 components")


def rolling(m: float) -> WorkloadInput:
    m = check_size(m)
    close = np.log(_sp500()[PAIR[0]].to_numpy())
    t = max(100, round(close.size * m))
    if t <= close.size:
        x, src = close[:t], f"{PAIR[0]} log price (S&P 500)"
    else:
        x, src = random_walk_log_prices(t, 1, seed=1)[:, 0], "random walk, seed 1"
    return WorkloadInput((x,), {"window": 60}, 1.0, f"{t} days, window 60 ({src})")


def _pair_levels(m: float, real: pd.DataFrame, seed: int) -> tuple[np.ndarray, np.ndarray, str]:
    """(y, x) of ``round(len(real) * m)`` days: the real pair if it is long enough, else a
    simulated cointegrated pair (:func:`lab.data.simulate_ou_pair`)."""
    from lab.data import simulate_ou_pair

    t = max(100, round(len(real) * m))
    if t <= len(real):
        y = real[PAIR[0]].to_numpy()[:t]
        x = real[PAIR[1]].to_numpy()[:t]
        return y, x, f"{t} days, {PAIR[0]}/{PAIR[1]} (S&P 500)"
    y, x, _ = simulate_ou_pair(t, kappa=8.0, theta=0.0, sigma=2.0, beta=0.8, seed=seed)
    return y, x, f"{t} days, simulated OU pair (seed {seed})"


def engle_granger(m: float) -> WorkloadInput:
    y, x, shape = _pair_levels(check_size(m), _scan_prices(), seed=2)
    if "simulated" in shape:
        y, x = np.log(y), np.log(x)
    return WorkloadInput((y, x), {}, 1.0, shape + ", log prices")


def n_assets_for_pairs(pairs: float) -> int:
    """Smallest N whose N(N-1)/2 pairs reach ``pairs``."""
    return max(2, math.ceil((1 + math.sqrt(1 + 8 * pairs)) / 2 - 1e-9))


def pair_scan(m: float) -> WorkloadInput:
    m = check_size(m)
    prices = _scan_prices()
    n = n_assets_for_pairs(190 * m)
    if n <= prices.shape[1]:
        data, src = prices.iloc[:, :n], "S&P 500 log prices"
    else:
        extra = random_walk_log_prices(len(prices), n - prices.shape[1], seed=3)
        cols = [f"SIM{i:03d}" for i in range(extra.shape[1])]
        data = pd.concat([prices, pd.DataFrame(extra, index=prices.index, columns=cols)], axis=1)
        src = f"20 S&P 500 + {extra.shape[1]} random-walk log prices"
    pairs = n * (n - 1) // 2
    return WorkloadInput(
        (data,), {}, float(pairs), f"{pairs} pairs, {len(data)} days x {n} assets ({src})"
    )


def default_pair_params() -> Any:
    """The benchmark's pair-trading parameters (60-day lookback, 2/0.5 z bands, 5 bps)."""
    from lab.analytics import PairParams

    return PairParams(lookback=60, entry_z=2.0, exit_z=0.5, cost_bps=5.0)


def backtest(m: float) -> WorkloadInput:
    y, x, shape = _pair_levels(check_size(m), _sp500(), seed=4)
    return WorkloadInput((y, x, default_pair_params()), {}, 1.0, shape)


BATCH_ROWS = 8313
"""Rows of each pair of the batch-backtest workload (the KO/PEP history's length)."""


def synthetic_pairs(t: int, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``(Y, X)`` prices, each T x N, of ``n`` seeded cointegrated pairs: ``log x`` a random walk
    (1% daily steps from log 100), ``log y = b log x + s`` with a hedge ``b`` in 0.5..1.5 and an
    AR(1) spread ``s`` (coefficient 0.97, 0.5% innovations), so prices stay positive."""
    from scipy.signal import lfilter

    rng = np.random.default_rng(seed)
    log_x = np.log(100.0) + np.cumsum(0.01 * rng.standard_normal((t, n)), axis=0)
    spread = lfilter([1.0], [1.0, -0.97], 0.005 * rng.standard_normal((t, n)), axis=0)
    log_y = rng.uniform(0.5, 1.5, size=n) * log_x + spread
    return np.exp(log_y), np.exp(log_x)


def backtest_many(m: float) -> WorkloadInput:
    """``1000 m`` synthetic pairs of :data:`BATCH_ROWS` bars, capped at the call's bound
    (:data:`lab.analytics.backtest.batch.MAX_BATCH_CELLS`, about 2,400 pairs); ``ops`` counts
    bars (pairs x rows)."""
    from lab.analytics.backtest.batch import MAX_BATCH_CELLS

    n = max(2, min(round(1000 * check_size(m)), MAX_BATCH_CELLS // BATCH_ROWS))
    y, x = synthetic_pairs(BATCH_ROWS, n, seed=6)
    shape = f"{n} synthetic pairs x {BATCH_ROWS} bars (seed 6)"
    return WorkloadInput((y, x, default_pair_params()), {}, float(n * BATCH_ROWS), shape)


def sweep_grid(points: int) -> dict[str, np.ndarray]:
    """A square lookback x entry_z grid of about ``points`` points."""
    side = max(2, round(math.sqrt(points)))
    return {
        "lookback": np.unique(np.linspace(10, 250, side).round().astype(np.int64)),
        "entry_z": np.linspace(1.0, 3.0, side),
    }


def sweep(m: float) -> WorkloadInput:
    m = check_size(m)
    y, x, shape = _pair_levels(1.0, _sp500().loc[SCAN_START:SCAN_END], seed=5)
    grid = sweep_grid(400 * m)
    g = len(grid["lookback"]) * len(grid["entry_z"])
    label = f"{len(grid['lookback'])}x{len(grid['entry_z'])} grid, {shape}"
    return WorkloadInput((y, x, grid), {"metric": "sharpe"}, float(g), label)


REGIME_MEANS = np.array([-0.002, 0.0005, 0.001])
REGIME_STDS = np.array([0.03, 0.012, 0.006])
REGIME_TRANSMAT = np.array([[0.95, 0.04, 0.01], [0.02, 0.96, 0.02], [0.01, 0.03, 0.96]])

HMM_ITER = 50
"""EM iterations of the hmm_fit workload (both engines get the same ``n_iter``; ``tol=0``
stops early only when the log-likelihood no longer increases)."""


def hmm(m: float) -> WorkloadInput:
    from lab.data import simulate_regimes

    n = max(100, round(8000 * check_size(m)))
    obs, _ = simulate_regimes(n, REGIME_MEANS, REGIME_STDS, REGIME_TRANSMAT, seed=6)
    kwargs = {"n_states": 3, "n_iter": HMM_ITER, "tol": 0.0, "seed": 0}
    return WorkloadInput(
        (obs,), kwargs, 1.0, f"{n} returns, 3 states, {HMM_ITER} EM iterations (simulated)"
    )


def portfolio(m: float) -> WorkloadInput:
    m = check_size(m)
    n = max(2, round(20 * m))
    prices = _sp500()
    if n <= prices.shape[1]:
        r = prices.iloc[:, :n].pct_change().iloc[1:].to_numpy()
        src = "S&P 500 daily returns"
    else:
        r = factor_returns(len(prices) - 1, n, seed=7)
        src = "one-factor model, seed 7"
    return WorkloadInput(
        (r, "min_variance"), {}, 1.0, f"min_variance, {r.shape[0]} days x {n} assets ({src})"
    )


OB_RECORD_EVERY = 100
"""The ob_replay workload records the book's metrics after every 100th event."""


def ob_replay(m: float) -> WorkloadInput:
    from lab.analytics.orderbook.native import simulate_lob

    n = max(1000, round(1_000_000 * check_size(m)))
    # the input is built by the fast engine; every engine then replays the same events
    events = simulate_lob(n, seed=8)
    shape = f"{n} simulated order-book events (seed 8), metrics every {OB_RECORD_EVERY} events"
    return WorkloadInput((events,), {"every": OB_RECORD_EVERY}, float(n), shape)


# ---------------------------------------------------------------------------- example inputs
@functools.cache
def _example_ou(n: int = 600, seed: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    from lab.data import simulate_ou_pair

    return simulate_ou_pair(n, kappa=10.0, theta=0.0, sigma=1.0, beta=0.8, seed=seed)


def example_pair() -> tuple[np.ndarray, np.ndarray]:
    """Prices ``(y, x)`` of a simulated cointegrated pair (600 days, seed 1)."""
    y, x, _ = _example_ou()
    return y.copy(), x.copy()


def example_log_pair() -> tuple[np.ndarray, np.ndarray]:
    """Log prices of :func:`example_pair`."""
    y, x = example_pair()
    return np.log(y), np.log(x)


def example_spread() -> np.ndarray:
    """The OU spread of :func:`example_pair`."""
    return _example_ou()[2].copy()


def example_walk(n: int = 600, seed: int = 2) -> np.ndarray:
    """A Gaussian random walk (seeded)."""
    return np.cumsum(np.random.default_rng(seed).standard_normal(n))


def example_returns(t: int = 300, n: int = 5, seed: int = 0) -> np.ndarray:
    """Daily returns of ``n`` assets with a common factor (seeded, T x N)."""
    rng = np.random.default_rng(seed)
    return 0.01 * rng.standard_normal((t, n)) + 0.004 * rng.standard_normal((t, 1)) + 3e-4


def example_log_prices(n: int, t: int = 400, seed: int = 3) -> np.ndarray:
    """Log prices of ``n`` random walks sharing one common stochastic trend (seeded, T x N)."""
    rng = np.random.default_rng(seed)
    common = np.cumsum(0.01 * rng.standard_normal(t))
    own = np.cumsum(0.01 * rng.standard_normal((t, n)), axis=0)
    return np.log(100.0) + common[:, None] + 0.5 * own


def example_regime_obs() -> np.ndarray:
    """Returns from two regimes (150 volatile, then 250 calm), seeded."""
    return np.concatenate(
        [
            np.random.default_rng(3).normal(-0.01, 0.03, 150),
            np.random.default_rng(4).normal(0.005, 0.01, 250),
        ]
    )


def _dates(n: int) -> pd.DatetimeIndex:
    return pd.bdate_range("2020-01-01", periods=n, name="date")


def example_returns_frame(t: int = 300, n: int = 5) -> pd.DataFrame:
    """:func:`example_returns` as a DataFrame with dates and symbols (pandas inputs keep their
    labels through every engine, the wire included)."""
    r = example_returns(t, n)
    return pd.DataFrame(r, index=_dates(t), columns=[f"S{i}" for i in range(n)])


def example_pair_series() -> tuple[pd.Series, pd.Series]:
    """:func:`example_pair` as dated Series."""
    y, x = example_pair()
    index = _dates(len(y))
    return pd.Series(y, index=index, name="Y"), pd.Series(x, index=index, name="X")


def example_log_price_frame(n: int) -> pd.DataFrame:
    """:func:`example_log_prices` as a DataFrame with dates and symbols."""
    prices = example_log_prices(n)
    return pd.DataFrame(prices, index=_dates(len(prices)), columns=[f"P{i}" for i in range(n)])
