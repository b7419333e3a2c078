"""Every size parameter has a documented upper bound, checked before any work starts, with the
same ValueError on the reference and native engines."""

from __future__ import annotations

import time

import numpy as np
import pytest

from lab import analytics
from lab.analytics import backtest, cointegration, options, orderbook, portfolio, regimes, stats
from lab.analytics.backtest import PairParams
from lab.backends import native

RNG = np.random.default_rng(0)
WALK = np.cumsum(RNG.normal(size=(300, 3)), axis=0) + 100.0
RETURNS = RNG.normal(0, 0.01, size=(300, 4))


def _cases():
    y, x = WALK[:, 0], WALK[:, 1]
    yield "n_iter", "hmm_fit", (RETURNS[:, 0], 2), {"n_iter": regimes.MAX_N_ITER + 1}, "n_iter"
    yield "n_init", "hmm_fit", (RETURNS[:, 0], 2), {"n_init": regimes.MAX_N_INIT + 1}, "n_init"
    yield (
        "n_states",
        "hmm_fit",
        (RETURNS[:, 0], regimes.MAX_N_STATES + 1),
        {},
        "n_states",
    )
    long = np.tile(RETURNS[:, 0], 400)  # 120,000 rows
    yield (
        "hmm work",
        "hmm_fit",
        (long, 30),
        {"n_iter": 10_000, "n_init": 1},
        "exceeds the limit",
    )
    yield (
        "n_events",
        "simulate_lob",
        (orderbook.MAX_N_EVENTS + 1,),
        {},
        "n_events",
    )
    yield "n_levels", "simulate_lob", (100,), {"n_levels": 1001, "mid0": 1e6}, "n_levels"
    yield (
        "n_points",
        "efficient_frontier",
        (RETURNS,),
        {"n_points": portfolio.MAX_N_POINTS + 1},
        "n_points",
    )
    yield (
        "n_points huge",
        "efficient_frontier",
        (RETURNS,),
        {"n_points": 10**6},
        "n_points",
    )
    yield (
        "n_periods",
        "multi_period",
        (RETURNS, 5.0, 10.0),
        {"n_periods": portfolio.MAX_N_PERIODS + 1},
        "n_periods",
    )
    yield (
        "grid points",
        "sweep",
        (y, x, {"lookback": list(range(5, 206)), "entry_z": list(np.linspace(1, 3, 50))}),
        {},
        "points",
    )
    wide = np.tile(RETURNS, (1, stats.MAX_COLUMNS // 4 + 1))
    yield "columns", "correlation", (wide,), {}, "columns"
    # 100 columns (4,950 pairs) of just over MAX_SCAN_CELLS / 4,950 rows
    rows = cointegration.MAX_SCAN_CELLS // 4950 + 1
    many = np.cumsum(RNG.normal(size=(rows, 100)), axis=0) + 1000.0
    yield "pairs x rows", "pair_scan", (many,), {}, "cells exceeds"
    yield (
        "bs broadcast",
        "bs_price",
        (np.full((5000, 1), 100.0), np.full((1, 5000), 100.0), 1.0, 0.01, 0.2),
        {},
        "at most",
    )
    yield (
        "johansen lags",
        "johansen",
        (WALK,),
        {"k_ar_diff": cointegration.MAX_K_AR_DIFF + 1},
        "k_ar_diff",
    )
    yield "lob depth", "lob_metrics", (_book(),), {"depth": orderbook.MAX_DEPTH + 1}, "depth"
    long_returns = np.tile(RETURNS[:, 0], 10)  # 3,000 rows
    yield (
        "hmm refits",
        "hmm_fit",
        (long_returns, 2),
        {"mode": "walk_forward", "window": 20, "refit_every": 1},
        "would refit",
    )
    yield (
        "hmm walk-forward work",
        "hmm_fit",
        (long_returns, 16),  # the full fit alone, 7.7e9, is within MAX_HMM_WORK; with refits not
        {"n_iter": 10_000, "mode": "walk_forward", "window": 2000, "refit_every": 250},
        "walk-forward training rows",
    )


def _book():
    from lab.analytics.orderbook import BookSnapshot

    return BookSnapshot(
        1, np.array([99.0, 98.0]), np.array([10.0, 5.0]), np.array([101.0]), np.array([10.0])
    )


CASES = list(_cases())


@pytest.mark.parametrize(
    ("function", "args", "kwargs", "match"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_over_the_bound_both_engines_raise_the_same_error_at_once(function, args, kwargs, match):
    messages = []
    for engine in (analytics, native):
        start = time.perf_counter()
        with pytest.raises(ValueError, match=match) as caught:
            getattr(engine, function)(*args, **kwargs)
        assert time.perf_counter() - start < 5.0, "the bound was checked after the work"
        messages.append(str(caught.value))
    assert messages[0] == messages[1]


def test_bounds_are_documented_module_constants():
    for module, names in (
        (regimes, ("MAX_N_STATES", "MAX_N_ITER", "MAX_N_INIT", "MAX_HMM_WORK", "MAX_HMM_REFITS")),
        (orderbook, ("MAX_N_EVENTS", "MAX_N_LEVELS", "MAX_DEPTH")),
        (portfolio, ("MAX_N_POINTS", "MAX_N_PERIODS")),
        (backtest, ("MAX_GRID_POINTS", "MAX_REBALANCE_EVERY", "MAX_VOL_WINDOW")),
        (cointegration, ("MAX_SCAN_CELLS", "MAX_K_AR_DIFF")),
        (stats, ("MAX_COLUMNS",)),
        (options, ("MAX_BS_ELEMENTS",)),
    ):
        for name in names:
            assert isinstance(getattr(module, name), int) and getattr(module, name) > 0


def test_values_at_the_bound_are_accepted():
    assert portfolio.validate_n_points(portfolio.MAX_N_POINTS) == portfolio.MAX_N_POINTS
    params = PairParams()
    grid = {"lookback": [20] * 100, "entry_z": list(np.linspace(1.5, 3, 100))}
    lookbacks, _ = backtest.check_grid(grid, params)
    assert len(lookbacks) == 100
