"""backtest_many: equals looping backtest_pairs on both engines, broadcasts a single column or
PairParams, splits by columns and merges back to the unsplit call, and refuses bad calls with
the same clear ValueError on both engines before any work."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from lab import analytics
from lab.analytics import registry
from lab.analytics.backtest import METRIC_NAMES, PairParams
from lab.analytics.backtest import batch as bm
from lab.analytics.registry import REGISTRY
from lab.analytics.workloads import synthetic_pairs
from lab.backends import native

ENGINES = {"reference": analytics, "native": native}

PARAMS = [
    PairParams(lookback=20),
    PairParams(lookback=30, hedge="rolling", stop_z=3.5, cost_bps=0.0),
    PairParams(lookback=25, hedge="kalman", fill="next_close"),
    PairParams(lookback=40, vol_target=0.1, vol_window=20, capital="compounding"),
    PairParams(sizing="dollar_neutral", rebalance_every=5, borrow_bps_per_year=300.0),
    PairParams(
        lookback=15,
        sizing="beta_neutral",
        rebalance_threshold=0.05,
        negative_hedge="refuse",
        train_fraction=0.3,
    ),
]

Y, X = synthetic_pairs(300, len(PARAMS), seed=11)


def assert_same(got, want, name: str) -> None:
    problems = REGISTRY[name].tolerance.mismatches(got, want)
    assert not problems, "\n".join(problems)


def looped(engine, y, x, params):
    """The definition: backtest_pairs of every column, with the engine's own backtest_pairs."""
    n = max(y.shape[1], x.shape[1], len(params))
    runs = [
        engine.backtest_pairs(y[:, j % y.shape[1]], x[:, j % x.shape[1]], params[j % len(params)])
        for j in range(n)
    ]
    return runs


@pytest.mark.parametrize("engine_name", list(ENGINES))
def test_each_column_is_backtest_pairs_of_that_column(engine_name):
    engine = ENGINES[engine_name]
    result = engine.backtest_many(Y, X, PARAMS)
    assert result.equity.shape == (300, len(PARAMS))
    assert result.in_sample.shape == result.out_of_sample.shape == (len(PARAMS), len(METRIC_NAMES))
    assert result.metric_names == METRIC_NAMES
    for j, run in enumerate(looped(engine, Y, X, PARAMS)):
        # the same kernels (native) or the same function (reference) on the same column
        np.testing.assert_array_equal(result.equity[:, j], run.equity)
        assert result.n_trades[j] == run.trades.entry.size
        assert result.n_train[j] == run.n_train
        for row, segment in ((result.in_sample, run.metrics.in_sample),
                             (result.out_of_sample, run.metrics.out_of_sample)):  # fmt: skip
            np.testing.assert_array_equal(row[j], [segment[k] for k in METRIC_NAMES])
    assert result.n_trades.sum() > 0, "the test data must trade"


def test_native_equals_the_reference_within_backtest_pairs_tolerance():
    assert_same(native.backtest_many(Y, X, PARAMS), analytics.backtest_many(Y, X, PARAMS),
                "backtest_many")  # fmt: skip


@pytest.mark.parametrize(
    ("y", "x", "params", "n"),
    [
        (Y, X[:, :1], PairParams(lookback=20), len(PARAMS)),  # one X leg against every Y
        (Y[:, :1], X, None, len(PARAMS)),  # one Y leg against every X
        (Y[:, 0], X[:, 0], PARAMS, len(PARAMS)),  # one pair (1-D), many parameter sets
        (Y[:, :3], X[:, :3], [PairParams(lookback=25)], 3),  # a one-element list broadcasts
    ],
    ids=["broadcast-x", "broadcast-y", "params-sets", "one-params-list"],
)
def test_broadcasting_equals_the_loop_on_both_engines(y, x, params, n):
    y2, x2 = np.atleast_2d(y.T).T, np.atleast_2d(x.T).T
    plist = [PairParams()] if params is None else (
        params if isinstance(params, list) else [params]
    )  # fmt: skip
    want = analytics.backtest_many(y, x, params)
    assert want.equity.shape == (y2.shape[0], n)
    for j, run in enumerate(looped(analytics, y2, x2, plist)):
        np.testing.assert_array_equal(want.equity[:, j], run.equity)
    assert_same(native.backtest_many(y, x, params), want, "backtest_many")


def test_dataframes_are_accepted_like_arrays():
    frame_y = pd.DataFrame(Y, columns=[f"Y{j}" for j in range(Y.shape[1])])
    frame_x = pd.DataFrame(X, columns=[f"X{j}" for j in range(X.shape[1])])
    for engine in ENGINES.values():
        got = engine.backtest_many(frame_y, frame_x, PARAMS)
        assert_same(got, engine.backtest_many(Y, X, PARAMS), "backtest_many")
    table = got.metrics_frame("out", columns=frame_y.columns)
    assert list(table.index) == list(frame_y.columns)
    assert table.loc["Y2", "n_trades_total"] == got.n_trades[2]
    assert table["sharpe"].to_numpy() == pytest.approx(got.out_of_sample[:, 3], nan_ok=True)


@pytest.mark.parametrize("n_chunks", [2, 4, 6])
def test_the_column_plan_merges_to_the_unsplit_call(n_chunks):
    for args in (
        (Y, X, PARAMS),
        (Y, X[:, :1], PairParams(lookback=20)),
        (Y[:, 0], X[:, 0], PARAMS),
    ):
        plan = registry.plan("backtest_many", native.backtest_many, args, {}, n_chunks)
        assert len(plan.parts) == n_chunks and plan.total == len(PARAMS)
        merged = plan.merge([native.backtest_many(*a, **kw) for a, kw in plan.parts])
        whole = native.backtest_many(*args)
        for field in ("equity", "n_trades", "in_sample", "out_of_sample", "n_train"):
            np.testing.assert_array_equal(getattr(merged, field), getattr(whole, field))


def test_a_dataframe_is_split_by_columns_keeping_its_labels():
    frame = pd.DataFrame(Y, columns=list("abcdef"))
    plan = registry.plan("backtest_many", native.backtest_many, (frame, X, None), {}, 3)
    assert [list(kw["Y"].columns) for _, kw in plan.parts] == [["a", "b"], ["c", "d"], ["e", "f"]]


def test_calls_that_cannot_be_split_are_one_chunk():
    for args in ((Y, X[:, :4], None), (Y, X, PARAMS[:2]), (Y, X, "static")):
        plan = registry.plan("backtest_many", native.backtest_many, args, {}, 4)
        assert len(plan.parts) == 1  # the engine then raises the error


def _bad_calls():
    rows = bm.MAX_BATCH_CELLS // 1000 + 1
    huge = np.ones((rows, 1))  # broadcast against 1,000 params: over the bound
    yield "rows", (Y[:-1], X, None), "same number of rows"
    yield "columns", (Y, X[:, :4], None), "X has 4 columns"
    yield "params length", (Y, X, PARAMS[:4]), "params has 4 PairParams for 6 columns"
    yield "params type", (Y, X, {"lookback": 20}), "params must be a PairParams"
    yield "params item", (Y, X, [PairParams()] * 5 + [None]), r"params\[5\] must be a PairParams"
    yield "empty params", (Y, X, []), "empty sequence"
    yield "cells", (huge, huge, [PairParams()] * 1000), "exceeds the limit"
    yield "3-D", (Y[:, :, None], X, None), "1-D or 2-D"
    yield "empty", (np.empty((0, 2)), X, None), "empty"
    nan_y = Y.copy()
    nan_y[7, 2] = np.nan
    yield "nan", (nan_y, X, None), "Y column 2 has 1 non-finite values"
    neg_x = X.copy()
    neg_x[9, 4] = -1.0
    yield "negative", (Y, neg_x, None), "column 4 row 9"
    yield "short", (Y[:50], X[:50], PARAMS), r"params\[4\]: Y and X are too short"


BAD = list(_bad_calls())


@pytest.mark.parametrize(("args", "match"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_calls_raise_the_same_value_error_on_both_engines_at_once(args, match):
    messages = []
    for engine in ENGINES.values():
        start = time.perf_counter()
        with pytest.raises(ValueError, match=match) as caught:
            engine.backtest_many(*args)
        assert time.perf_counter() - start < 5.0, "the call was checked after the work"
        messages.append(str(caught.value))
    assert messages[0] == messages[1]


def test_the_bound_is_a_documented_constant_that_admits_the_workload():
    assert isinstance(bm.MAX_BATCH_CELLS, int) and bm.MAX_BATCH_CELLS >= 1000 * 8313
    assert bm.batch_width((8313, 1000), (8313, 1), 1) == 1000
    limit = bm.MAX_BATCH_CELLS // 8313
    assert bm.batch_width((8313, limit), (8313, limit), 1) == limit
    with pytest.raises(ValueError, match="MAX_BATCH_CELLS"):
        bm.batch_width((8313, limit + 1), (8313, limit + 1), 1)


def test_merge_refuses_parts_of_different_lengths():
    a = native.backtest_many(Y, X, None)
    b = native.backtest_many(Y[:200], X[:200], None)
    with pytest.raises(ValueError, match="number of rows"):
        bm.merge_batches([a, b])
    with pytest.raises(ValueError, match="at least one"):
        bm.merge_batches([])


def test_the_native_column_transpose_covers_partial_blocks_and_tiles():
    from lab.kernels.batch import COLUMN_BLOCK, ROW_TILE, columns_checked

    rows, cols = ROW_TILE + 7, 2 * COLUMN_BLOCK + 5
    values = np.random.default_rng(4).uniform(1.0, 2.0, size=(rows, cols))
    for layout in (values, np.asfortranarray(values), values[::-1]):
        out = np.empty((cols, rows))
        bad = np.zeros(cols, dtype=np.bool_)
        columns_checked(layout, out, bad)
        np.testing.assert_array_equal(out, layout.T)
        assert not bad.any()
    values[rows - 1, cols - 1] = 0.0
    values[ROW_TILE + 1, COLUMN_BLOCK] = np.inf
    bad = np.zeros(cols, dtype=np.bool_)
    columns_checked(values, np.empty((cols, rows)), bad)
    assert np.flatnonzero(bad).tolist() == [COLUMN_BLOCK, cols - 1]
    with pytest.raises(ValueError, match=f"X column {COLUMN_BLOCK} has 1 non-finite"):
        native.backtest_many(np.ones((rows, 1)) * 5.0, values, None)
