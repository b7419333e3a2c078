"""lab.analytics.backtest.metric_table: the one metrics table, read by both engines, the sweep,
the page and the report; adding a metric touches the table and the metrics function only."""

from __future__ import annotations

import ast
import inspect
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import lab
from lab.analytics.backtest import PairParams, metric_values, native, reference
from lab.analytics.backtest.metric_table import (
    METRIC_BY_NAME,
    METRIC_NAMES,
    METRICS,
    N_METRICS,
    SIGNED_METRICS,
    SWEEP_METRICS,
    M,
    metric,
)
from lab.data import simulate_ou_pair

LAB = Path(lab.__file__).parent
UNITS = {
    "fraction",
    "fraction / year",
    "fraction / sqrt(year)",
    "ratio",
    "ratio (annualised)",
    "count",
    "periods",
    "x capital / year",
}


@pytest.fixture(scope="module")
def pair():
    y, x, _ = simulate_ou_pair(600, kappa=8.0, theta=0.0, sigma=0.4, beta=1.2, seed=3)
    return y, x


def test_table_rows_are_complete():
    assert len(METRICS) == N_METRICS == len(METRIC_NAMES) == len(set(METRIC_NAMES))
    for i, m in enumerate(METRICS):
        assert getattr(M, m.name) == i
        assert m.label.strip() and m.definition.strip()
        assert m.unit in UNITS, m.name
        assert m.better in (-1, 0, 1)
        # the format prints a number (and a negative one, for signed metrics)
        assert m.format.format(0.1234) and m.format.format(-0.5)
        assert metric(m.name) is m
    assert len({m.label for m in METRICS}) == N_METRICS
    assert SWEEP_METRICS == tuple(m.name for m in METRICS if m.sweepable)
    assert SIGNED_METRICS == {m.name for m in METRICS if m.signed}
    with pytest.raises(ValueError, match="unknown metric 'nope'; choose one of total_return"):
        metric("nope")


def test_the_metrics_function_writes_every_index_of_the_table_once():
    # out[M.<name>] = ... for every name of the table, and nothing by a literal index
    tree = ast.parse(inspect.getsource(metric_values))
    written = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Subscript) and getattr(target.value, "id", "") == "out":
                    index = target.slice
                    assert isinstance(index, ast.Attribute) and index.value.id == "M", (
                        f"line {node.lineno}: out[...] must be written by a named index M.<name>"
                    )
                    written.append(index.attr)
    assert sorted(written) == sorted(METRIC_NAMES)


@pytest.mark.parametrize("engine", [reference, native], ids=["reference", "native"])
def test_both_engines_produce_every_metric_of_the_table(engine, pair):
    res = engine.backtest_pairs(*pair, PairParams(lookback=30, entry_z=1.5))
    for segment in (res.metrics.in_sample, res.metrics.out_of_sample):
        assert list(segment) == list(METRIC_NAMES)
        assert all(isinstance(v, float) for v in segment.values())
        # a pair with trades in both segments defines every metric
        assert all(math.isfinite(v) for v in segment.values()), segment
    n = res.equity.shape[0] - res.n_train
    assert res.metrics.out_of_sample["n_periods"] == n
    assert res.metrics.out_of_sample["n_trades"] >= 1


def test_native_and_reference_agree_on_every_metric(pair):
    params = PairParams(lookback=30, entry_z=1.5, cost_bps=5.0)
    a = native.backtest_pairs(*pair, params).metrics
    b = reference.backtest_pairs(*pair, params).metrics
    for name in METRIC_NAMES:
        for seg_a, seg_b in ((a.in_sample, b.in_sample), (a.out_of_sample, b.out_of_sample)):
            assert seg_a[name] == pytest.approx(seg_b[name], rel=1e-9, abs=1e-12), name


def test_the_sweep_reads_each_metric_by_its_table_index(pair):
    grid = {"lookback": [20, 30], "entry_z": [1.5]}
    params = PairParams(lookback=30)
    for name in ("sharpe", "win_rate", "n_periods"):
        got = native.sweep(*pair, grid, metric=name, params=params).values
        want = [
            reference.backtest_pairs(
                *pair, PairParams(lookback=lb, entry_z=1.5)
            ).metrics.out_of_sample[name]
            for lb in (20, 30)
        ]
        np.testing.assert_allclose(got[:, 0], want, rtol=1e-9, atol=1e-12)


def test_report_and_page_tables_list_exactly_the_tables_metrics(pair):
    from components.pair import metrics_html
    from lab.report.format import metric_label, metric_text
    from lab.report.render import metrics_table

    res = reference.backtest_pairs(*pair, PairParams(lookback=30, entry_z=1.5))
    m = res.metrics
    report = metrics_table({"in_sample": m.in_sample, "out_of_sample": m.out_of_sample})
    assert re.findall(r'data-row="([^"]+)"', report) == list(METRIC_NAMES)
    for spec in METRICS:
        assert metric_label(spec.name) == spec.label
        assert metric_text(spec.name, 0.25) == spec.format.format(0.25)
        assert f"<th>{spec.label}</th>" in report.replace("&#x27;", "'")
    frame = pd.DataFrame(
        {"in-sample": pd.Series(m.in_sample), "out-of-sample": pd.Series(m.out_of_sample)}
    )
    page = metrics_html(frame)
    assert re.findall(r'data-row="([^"]+)"', page) == list(METRIC_NAMES)
    for spec in METRICS:
        value = m.out_of_sample[spec.name]
        cls, text = re.search(
            rf'<td class="num ([^"]*)" data-metric="{spec.name}:out">([^<]*)<', page
        ).groups()
        assert text == spec.format.format(value)
        assert (cls.strip() != "") == (spec.signed and value != 0), spec.name


def test_the_page_offers_the_sweepable_metrics():
    from lab.models.pair import PairModel

    assert PairModel.param.sweep_metric.objects == list(SWEEP_METRICS)
    assert "sharpe" in SWEEP_METRICS and "n_periods" not in SWEEP_METRICS


def _literals(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            elts = node.elts
        elif isinstance(node, ast.Dict):
            elts = [k for k in node.keys if k is not None]
        else:
            continue
        yield node, {e.value for e in elts if isinstance(e, ast.Constant)}


def test_the_table_is_the_only_list_of_the_metrics_in_the_code():
    # a literal naming 8 or more of the metrics elsewhere would be a second, hand-kept table
    offenders = []
    for path in list(LAB.rglob("*.py")) + list((LAB.parent / "components").rglob("*.py")):
        if "_gen" in path.parts or path.name == "metric_table.py":
            continue
        for node, names in _literals(ast.parse(path.read_text())):
            hits = names & set(METRIC_BY_NAME)
            if len(hits) >= 8:
                offenders.append(f"{path}:{node.lineno} names {len(hits)} metrics")
    assert not offenders
