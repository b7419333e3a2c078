"""Fixtures of the report tests: one session on the bundled data (KO/PEP) shared by the
read-only tests, with its report content and HTML built once, and one small benchmark run."""

from __future__ import annotations

import pytest

from lab.backends import get_backend
from lab.bench.runner import run_suite
from lab.models.session import LabSession
from lab.report import collect, render_html


@pytest.fixture(scope="session")
def session():
    """A session on the bundled data with its regimes and portfolio computed (native)."""
    s = LabSession(backend="native")
    s.pair.param.update(y="KO", x="PEP", lookback=40, entry_z=2.0, exit_z=0.5, cost_bps=5.0)
    s.regimes.fit()
    s.portfolio.optimize()
    yield s
    s.close()


@pytest.fixture(scope="session")
def content(session):
    return collect(session)


@pytest.fixture(scope="session")
def html(content):
    return render_html(content)


@pytest.fixture(scope="session")
def small_bench():
    """A quick benchmark run (rolling_stats on native, one size) for the benchmark section."""
    return run_suite(
        ["rolling_stats"],
        {"native": get_backend("native")},
        sizes=(0.25,),
        repeats=2,
        budget_s=0.01,
        min_repeats=1,
    )
