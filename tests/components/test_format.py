"""HTML renderers: numbers, key-figure tiles, tables and the pair page's metrics table."""

from __future__ import annotations

import math

import pandas as pd

from components import format as fmt
from components.pair import metrics_html, trades_note_html
from lab.analytics.backtest.metric_table import METRIC_BY_NAME
from lab.models import PairModel


def test_numbers_and_missing_values():
    assert fmt.number(0.12345, "{:.2%}") == "12.35%"
    assert fmt.number(math.nan) == "–" and fmt.number(None) == "–"
    assert fmt.number(math.inf) == "∞"
    assert fmt.signed_class(-1) == "arb-neg" and fmt.signed_class(0) == ""


def test_kpi_escapes_and_tags():
    tile = fmt.kpi("a<b", 1.5, "{:.1f}", sub="x&y", key="sharpe", signed=True)
    assert "a&lt;b" in tile and "x&amp;y" in tile
    assert 'data-metric="sharpe"' in tile and "arb-pos" in tile


def test_table_formats_columns_and_keys_cells():
    frame = pd.DataFrame({"ret": [0.1, -0.2], "name": ["<x>", "y"]}, index=["A", "B"])
    html = fmt.table(frame, {"ret": "{:+.1%}"}, signed=("ret",))
    assert "+10.0%" in html and "-20.0%" in html and "&lt;x&gt;" in html
    assert 'data-metric="B:ret"' in html and "arb-neg" in html


def test_metrics_table_carries_the_parameters_it_was_computed_with():
    model = PairModel(lookback=45)
    html = metrics_html(model.metrics_table())
    assert 'data-lookback="45"' in html and 'data-pair="KO/PEP"' in html
    sharpe = model.backtest().metrics.out_of_sample["sharpe"]
    shown = METRIC_BY_NAME["sharpe"].format.format(sharpe)  # the metrics table's format
    assert f'data-metric="sharpe:out">{shown}<' in html
    assert metrics_html(None).startswith("<div")


def test_trades_note_and_no_trades():
    model = PairModel(lookback=40)
    trades = model.trades_frame()
    html = trades_note_html(trades, ("KO", "PEP"))
    assert f'data-trades="{len(trades)}"' in html and "y = KO, x = PEP" in html
    assert "no trades" in trades_note_html(trades.iloc[:0], ("KO", "PEP"))
