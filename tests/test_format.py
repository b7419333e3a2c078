"""lab.format: one way to print a number, shared by the views, the report and the bench."""

from __future__ import annotations

import math

import numpy as np

from components import format as view_format
from lab.format import MISSING, NEG_INF, POS_INF, fmt_rate, fmt_speedup, fmt_time, number
from lab.report.format import metric_text


def test_number_formats_python_and_numpy_scalars():
    assert number(0.12345, "{:+.2%}") == "+12.35%"
    assert number(np.float32(1.5), "{:.2f}") == "1.50"
    assert number(np.int64(1234), "{:,.0f}") == "1,234"
    assert number(2.0) == "2"  # default: 4 significant digits


def test_missing_and_infinite_values():
    for value in (None, math.nan, np.float32("nan"), np.float64("nan")):
        assert number(value, "{:.2f}") == MISSING
    assert number(math.inf, "{:.2f}") == POS_INF and number(-np.inf) == NEG_INF
    assert number(True, "{}") == "True"  # a bool is not a number here


def test_a_pattern_that_does_not_apply_prints_the_value():
    assert number("KO/PEP", "{:.2f}") == "KO/PEP"
    assert number("<b>", "{}") == "<b>"  # plain text: callers escape for HTML


def test_views_report_and_bench_print_a_missing_value_alike():
    assert view_format.number is number
    assert metric_text("sharpe", math.nan) == MISSING
    assert fmt_time(None) == fmt_rate(math.nan, "ops") == fmt_speedup(None) == MISSING
    assert view_format.kpi("Sharpe", math.nan, "{:.2f}").count(MISSING) == 1
