"""The report states the band units and, for spread bands, the spread they are levels of."""

from __future__ import annotations

import datetime as dt

import pytest

from lab.models.session import LabSession
from lab.report import collect, render_html


@pytest.fixture
def small():
    s = LabSession(backend="native", start=dt.date(2020, 1, 1), end=dt.date(2021, 12, 31))
    yield s
    s.close()


def test_the_report_carries_band_units_and_the_spread(small):
    html = render_html(collect(small))
    assert "band units" in html and "z-scores of the trailing window" in html
    assert "spread hedge ratio" not in html
    small.pair.use_ou_bands("spread")
    p = small.pair.params()
    content = collect(small)
    params = content.data["pair"]["params"]
    assert (params["band_units"], params["spread_beta"], params["spread_mean"]) == (
        "spread",
        p.spread_beta,
        p.spread_mean,
    )
    html = render_html(content)
    assert "spread levels, USD from the spread mean" in html
    assert f"{p.spread_beta:.6g}" in html and f"{p.spread_mean:.6g}" in html
