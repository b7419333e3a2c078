"""The models' export frames (ScanModel.scan_table, PairModel.sweep_frame / trades_frame) and
the shared-link values (PairModel.apply_shared): the frames hold the model's numbers under
unit-carrying names, and read back exactly from the exported bytes."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from lab.analytics.backtest.metric_table import METRIC_BY_NAME
from lab.export import frame_bytes
from lab.models import PairModel
from lab.models.scan import SCAN_TABLE_COLUMNS, ScanModel


@pytest.fixture
def pair(dataset, backend) -> PairModel:
    return PairModel(dataset=dataset, backend=backend, sweep_steps=4)


def _round_trip(frame: pd.DataFrame) -> None:
    dates = [c for c in frame.columns if c.endswith("date")]
    csv = pd.read_csv(io.BytesIO(frame_bytes(frame, "csv")), parse_dates=dates)
    pd.testing.assert_frame_equal(csv, frame)
    parquet = pd.read_parquet(io.BytesIO(frame_bytes(frame, "parquet")))
    pd.testing.assert_frame_equal(parquet, frame)


def test_scan_table_is_the_ranked_scan_with_units(dataset, backend):
    scan = ScanModel(dataset=dataset, backend=backend)
    table, ranked = scan.scan_table(), scan.ranked()
    assert list(table.columns) == ["rank", *SCAN_TABLE_COLUMNS.values()]
    assert len(table) == 15 and table["rank"].tolist() == list(range(1, 16))
    res = scan.scan()
    np.testing.assert_array_equal(table["p-value"], res.pvalue)
    np.testing.assert_array_equal(table["half-life [trading days]"], res.half_life)
    assert table[["y", "x"]].values.tolist() == ranked[["y", "x"]].values.tolist()
    assert (np.diff(table["p-value"]) >= 0).all()  # most significant first
    _round_trip(table)


def test_sweep_frame_holds_both_segments_of_the_grid(pair):
    frame = pair.sweep_frame()
    unit = METRIC_BY_NAME["sharpe"].unit
    ins, outs = f"sharpe in-sample [{unit}]", f"sharpe out-of-sample [{unit}]"
    assert list(frame.columns) == ["lookback [trading days]", "entry |z| [z-score]", ins, outs]
    grid = pair.grid()
    assert len(frame) == len(grid["lookback"]) * len(grid["entry_z"])
    shown = pair.sweep()  # the page's segment (out-of-sample by default)
    np.testing.assert_array_equal(frame[outs].to_numpy(), shown.values.ravel())
    in_sample = pair.sweep_of("in")
    np.testing.assert_array_equal(frame[ins].to_numpy(), in_sample.values.ravel())
    assert not np.array_equal(frame[ins], frame[outs], equal_nan=True)
    # row k is cell (k // E, k % E): lookback-major
    i, j = 2, 1
    row = frame.iloc[i * len(grid["entry_z"]) + j]
    assert row["lookback [trading days]"] == grid["lookback"][i]
    assert row["entry |z| [z-score]"] == grid["entry_z"][j]
    assert row[outs] == shown.values[i, j] or np.isnan(shown.values[i, j])
    _round_trip(frame)
    pair.sweep_metric = "max_drawdown"
    assert frame is not pair.sweep_frame()
    assert "max_drawdown out-of-sample [fraction]" in pair.sweep_frame().columns


def test_trades_frame_is_the_trades_table_with_units(pair):
    frame, table = pair.trades_frame(), pair.trades_table()
    assert len(frame) == len(table) > 0
    assert list(frame.columns) == [
        "entry date", "exit date", "side", "y entry [USD]", "y exit [USD]", "x entry [USD]",
        "x exit [USD]", "P&L [fraction of capital]", "costs [fraction of capital]",
        "holding [trading days]", "exit reason", "segment",
    ]  # fmt: skip
    bt = pair.backtest()
    np.testing.assert_array_equal(frame["P&L [fraction of capital]"], bt.trades.pnl)
    prices = pair.prices()
    np.testing.assert_array_equal(frame["y entry [USD]"], prices["y"].to_numpy()[bt.trades.entry])
    np.testing.assert_array_equal(frame["x exit [USD]"], prices["x"].to_numpy()[bt.trades.exit])
    # every transaction cost belongs to one trade
    assert frame["costs [fraction of capital]"].sum() == pytest.approx(bt.costs.sum(), rel=1e-12)
    _round_trip(frame)


def test_a_shared_link_sets_the_pair_and_the_parameters(pair):
    refused = pair.apply_shared(
        {"y": "XOM", "x": "CVX", "lookback": "40", "entry_z": "1.5", "exit_z": "0.25",
         "band_units": "z", "page": "2"}
    )  # fmt: skip
    assert refused == {} and pair.refused == ""
    assert (pair.y, pair.x, pair.lookback, pair.entry_z, pair.exit_z) == (
        "XOM",
        "CVX",
        40,
        1.5,
        0.25,
    )
    assert pair.params().lookback == 40  # the backtest uses them


@pytest.mark.parametrize(
    "values, name, reason",
    [
        ({"lookback": "abc"}, "lookback", "not an integer"),
        ({"lookback": "40.5"}, "lookback", "not an integer"),
        ({"lookback": "100000"}, "lookback", "outside 3 .. 500"),
        ({"entry_z": "nan"}, "entry_z", "not a finite number"),
        ({"exit_z": "1e999"}, "exit_z", "not a finite number"),
        ({"y": "<img src=x onerror=alert(1)>"}, "y", "not a symbol of the dataset"),
        ({"band_units": "usd"}, "band_units", "not one of"),
        ({"y": "PEP"}, "y", "y and x must be different symbols"),
    ],
)
def test_bad_shared_values_are_refused_and_named(pair, values, name, reason):
    before = pair.params(), (pair.y, pair.x)
    refused = pair.apply_shared(values)
    assert name in refused and refused[name].startswith(reason)
    assert (pair.params(), (pair.y, pair.x)) == before  # nothing refused was applied
    assert pair.refused.startswith("Shared link values refused (")
    assert (
        f"{name} = " in pair.refused and "The page shows the last valid parameters" in pair.refused
    )
    pair.backtest()  # the page still computes


def test_good_values_of_a_link_apply_beside_refused_ones(pair):
    refused = pair.apply_shared({"y": "XOM", "x": "CVX", "lookback": "-3", "entry_z": "2.5"})
    assert set(refused) == {"lookback"}
    assert (pair.y, pair.x, pair.lookback, pair.entry_z) == ("XOM", "CVX", 60, 2.5)
    # a combination the strategy refuses goes through its own check, as for a slider
    assert pair.apply_shared({"entry_z": "0.3"}) == {}
    assert pair.refused.startswith("entry_z = 0.3 refused: exit_z must satisfy")
    assert pair.params().entry_z == 2.5
    # a later valid link clears the refusal
    assert pair.apply_shared({"entry_z": "2.0"}) == {} and pair.refused == ""
