"""Suite-wide settings: hypothesis profile (numba JIT on first call makes deadlines meaningless)."""

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "arblab",
    deadline=None,
    max_examples=30,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile("arblab")


def pytest_addoption(parser):
    parser.addoption(
        "--run-slow", action="store_true", help="also run the long variants marked slow"
    )


def pytest_collection_modifyitems(config, items):
    """Tests marked ``slow`` (long variants: many more hypothesis examples, long soaks) run only
    with ``--run-slow`` or when ``-m`` selects them; the default suite stays within CI's budget."""
    if config.getoption("--run-slow") or "slow" in (config.getoption("markexpr") or ""):
        return
    skip = pytest.mark.skip(reason="long variant: run with --run-slow (or -m slow)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def logp():
    """Log prices of the 20 bundled stocks, 2015-2022 (the issues' 190-pair sample)."""
    import numpy as np

    from lab.data import load_sp500

    return np.log(load_sp500().loc["2015":"2022"])


@pytest.fixture(scope="session")
def coint_190(logp):
    """statsmodels ``coint`` on all 190 pairs (y = column i, x = column j, i < j)."""
    from tests.analytics._helpers import coint_all_pairs

    return coint_all_pairs(logp.to_numpy())
