"""lab.report.render: a self-contained file whose visible and embedded numbers are the model's."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from bokeh.resources import INLINE

from lab.analytics.backtest import METRIC_NAMES
from lab.data import simulate_ou_pair
from lab.format import MISSING
from lab.models.session import LabSession
from lab.report import build_report
from lab.report.format import metric_text
from lab.report.render import json_block
from tests.support.report import parse_number, read_report, shown_precision

PLOTS = [
    "zscore",
    "equity",
    "drawdown",
    "regimes_price",
    "regimes_filtered",
    "regimes_smoothed",
    "portfolio_weights",
    "portfolio_frontier",
]


def test_embedded_json_is_the_content(content, html):
    parsed = read_report(html)
    assert parsed.metrics == content.metrics
    assert parsed.data == content.data
    assert parsed.data["metrics"] == parsed.metrics


def test_visible_metrics_are_the_model_metrics(session, html):
    cells = read_report(html).cells
    m = session.pair.backtest().metrics
    assert len(cells) == 2 * len(METRIC_NAMES)
    for seg, tag in ((m.in_sample, "in"), (m.out_of_sample, "out")):
        for key in METRIC_NAMES:
            text = cells[f"{key}:{tag}"]
            value = seg[key]
            assert text == metric_text(key, value)
            if math.isnan(value):
                assert text == MISSING
            else:
                assert parse_number(text) == pytest.approx(
                    value, abs=shown_precision(text) * (1 + 1e-9)
                )


def test_file_is_self_contained(html):
    parsed = read_report(html)
    assert parsed.external == []
    assert "<script src=" not in html and "<link " not in html
    assert INLINE.js_raw[0][:2000] in html  # BokehJS itself is in the file
    assert parsed.plots == PLOTS


def test_sections_are_present(html):
    for anchor in ("provenance", "pair", "backtest", "regimes", "portfolio", "run"):
        assert f"id='{anchor}'" in html
    assert "benchmark" not in read_report(html).data or read_report(html).data["benchmark"] is None
    assert "id='benchmark'" not in html


def test_json_block_cannot_close_the_script():
    text = json_block({"a": "</script><script>alert(1)</script>", "b": "<!-- x"})
    assert "</" not in text and "<!--" not in text
    assert json.loads(text) == {"a": "</script><script>alert(1)</script>", "b": "<!-- x"}


def test_user_supplied_names_are_escaped(tmp_path):
    y, x, _ = simulate_ou_pair(400, kappa=20.0, theta=0.0, sigma=5.0, beta=1.0, seed=3)
    evil, other = "<b>Y</b>", "X&<i>"
    frame = pd.DataFrame(
        {evil: y, other: x}, index=pd.bdate_range("2015-01-01", periods=400, name="date")
    )
    path = tmp_path / "evil.csv"
    frame.to_csv(path)
    session = LabSession(backend="native", source="file", file_path=str(path))
    try:
        assert session.dataset.error == ""
        html = build_report(session)
    finally:
        session.close()
    assert evil not in html and other not in html
    assert "&lt;b&gt;Y&lt;/b&gt;" in html
    parsed = read_report(html)
    assert (parsed.data["pair"]["y"], parsed.data["pair"]["x"]) == (evil, other)
    assert parsed.data["provenance"]["settings"]["file"] == "evil.csv"
