"""lab.report.content: the report holds exactly the numbers of the session's models."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

import lab
from lab.analytics.backtest import METRIC_NAMES
from lab.bench.report import table_rows
from lab.models.session import LabSession
from lab.report import collect, render_html
from lab.report.content import jsonable, segment_drawdown


def _clean(d: dict) -> dict:
    return {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in d.items()}


@pytest.fixture
def small():
    """A fresh, cheaper session (two years of the bundled data) for tests that change it."""
    s = LabSession(backend="native", start=dt.date(2020, 1, 1), end=dt.date(2021, 12, 31))
    yield s
    s.close()


def test_metrics_are_the_backtest_metrics(session, content):
    m = session.pair.backtest().metrics
    assert content.metrics == {
        "in_sample": _clean(m.in_sample),
        "out_of_sample": _clean(m.out_of_sample),
    }
    assert list(content.metrics["out_of_sample"]) == list(METRIC_NAMES)


def test_provenance_describes_the_prices(session, content):
    prov = content.data["provenance"]
    prices = session.dataset.prices
    assert prov["content_hash"] == session.dataset.content_hash != ""
    assert prov["start"] == prices.index[0].date().isoformat()
    assert prov["end"] == prices.index[-1].date().isoformat()
    assert prov["rows"] == len(prices)
    assert prov["symbols"] == [str(c) for c in prices.columns]
    assert "S&P 500" in prov["source"]
    assert prov["settings"]["requested_start"] == session.dataset.start.isoformat()


def test_pair_tests_and_ou_fit_are_the_models(session, content):
    pair = session.pair
    d = content.data
    assert d["pair"]["params"] == dataclasses.asdict(pair.params())
    assert (d["pair"]["y"], d["pair"]["x"]) == ("KO", "PEP")
    coint, train, ou = pair.coint(), pair.train_regression(), pair.ou()
    for section, res in ((d["cointegration"], coint), (d["training_regression"], train)):
        assert section["statistic"] == res.statistic
        assert section["pvalue"] == res.pvalue
        assert section["hedge_ratio"] == res.hedge_ratio
        assert section["lags"] == res.lags
        assert [section["crit_values"][k] for k in ("1%", "5%", "10%")] == list(res.crit_values)
    for name in ("kappa", "theta", "sigma", "half_life", "half_life_se", "loglik", "nobs"):
        assert d["ou"][name] == getattr(ou, name)
    assert d["ou"]["half_life"] == pytest.approx(math.log(2) / ou.kappa, rel=1e-12)
    bands = pair.bands()
    assert d["bands"]["available"] and d["bands"]["entry_z"] == bands.entry_z
    assert d["pair"]["n_train"] == pair.n_train()


def test_series_follow_the_backtest(session, content):
    bt = session.pair.backtest()
    s = content.series
    n = len(session.pair.prices())
    assert all(len(v) == n for v in s.values())
    np.testing.assert_array_equal(s["equity"], bt.equity)
    np.testing.assert_array_equal(s["zscore"], bt.zscore)
    assert pd.Timestamp(s["dates"][0]) == session.pair.prices().index[0]
    assert len(content.trades) == len(bt.trades.entry) == content.data["trades"]["count"]


def test_drawdown_minimum_per_segment_is_minus_max_drawdown(session, content):
    m = session.pair.backtest().metrics
    dd, n_train = content.series["drawdown"], content.data["pair"]["n_train"]
    assert np.all(dd <= 0)
    assert -dd[:n_train].min() == pytest.approx(m.in_sample["max_drawdown"], abs=1e-12)
    assert -dd[n_train:].min() == pytest.approx(m.out_of_sample["max_drawdown"], abs=1e-12)


def test_segment_drawdown_restarts_at_the_split():
    equity = np.array([1.1, 1.0, 1.2, 0.9, 1.0])
    dd = segment_drawdown(equity, 2)
    np.testing.assert_allclose(dd, [0.0, 1.0 / 1.1 - 1, 0.0, 0.9 / 1.2 - 1, 1.0 / 1.2 - 1])
    # out-of-sample peak starts from the last in-sample equity (1.0), not the earlier 1.1
    np.testing.assert_allclose(segment_drawdown(np.array([1.1, 1.0, 1.05]), 2)[2], 0.0)


def test_run_details_name_the_engine_and_version(session, content):
    run = content.data["run"]
    assert run["backend"] == "native"
    assert run["arblab_version"] == lab.__version__
    assert set(run["engines"]) >= {
        "engle_granger",
        "ou_fit",
        "backtest_pairs",
        "hmm_fit",
        "optimize_portfolio",
    }
    assert (
        set(run["engines"].values()) == {"native"}
        and run["ran_on"] == "native"
        and not run["fallback"]
    )
    stamp = dt.datetime.fromisoformat(run["timestamp"])
    assert stamp.tzinfo is not None


def test_reference_backend_is_reported_as_reference(small):
    small.backend.backend = "reference"
    run = collect(small).data["run"]
    assert run["backend"] == "reference"
    assert set(run["engines"].values()) == {"reference"}


def test_optional_sections_appear_once_computed(small):
    assert collect(small).analyses == {}
    small.regimes.fit()
    content = collect(small)
    assert list(content.analyses) == ["regimes"]
    regimes = content.data["analyses"]["regimes"]
    res = small.regimes.fit()
    assert regimes["loglik"] == res.loglik
    assert regimes["transmat"] == res.transmat.tolist()
    assert regimes["params"]["n_states"] == small.regimes.n_states
    small.portfolio.optimize()
    content = collect(small)
    assert list(content.analyses) == ["regimes", "portfolio"]
    p = small.portfolio.optimize()
    port = content.data["analyses"]["portfolio"]["portfolio"]
    assert port["sharpe"] == p.sharpe
    assert port["weights"] == dict(zip(p.assets, p.weights.tolist(), strict=True))
    assert "sparse" not in content.data["analyses"]["portfolio"]
    # explicit choice overrides what the session computed
    assert list(collect(small, include=["portfolio"]).analyses) == ["portfolio"]
    assert collect(small, include=[]).analyses == {}


def test_sparse_and_multi_period_join_when_run(small):
    small.portfolio.sparse()
    small.portfolio.multi_period()
    port = collect(small, include=["portfolio"]).data["analyses"]["portfolio"]
    sp, mp = small.portfolio.sparse(), small.portfolio.multi_period()
    assert port["sparse"]["r2"] == sp.r2 and port["sparse"]["selected"] == list(sp.selected)
    assert port["multi_period"]["net_utility"] == mp.net_utility


def test_unknown_section_is_refused(small):
    with pytest.raises(ValueError, match="unknown report section 'options'"):
        collect(small, include=["options"])


def test_invalid_section_parameters_are_shown_not_hidden(small):
    small.dataset.symbols = ["KO", "PEP", "XOM", "CVX"]
    small.portfolio.max_weight = 0.05  # 4 symbols x 5 % cannot sum to 1
    content = collect(small, include=["portfolio"])
    section = content.analyses["portfolio"]
    assert "infeasible" in section.data["error"]
    assert section.notes[0].startswith("Not available:")


def test_refused_strategy_parameters_are_stated_with_the_last_valid_ones(small):
    """The report of a session whose parameters were refused shows the last valid parameters
    (those every number in it comes from) and says what was refused and why."""
    small.pair.param.update(entry_z=0.4, exit_z=0.5)
    with pytest.raises(ValueError, match="exit_z must satisfy"):
        small.pair.requested_params()
    pair = collect(small).data["pair"]
    assert "exit_z must satisfy" in pair["refused"]
    assert pair["params"]["entry_z"] == small.pair.params().entry_z != 0.4
    small.pair.param.update(entry_z=2.0, exit_z=0.5)
    assert collect(small).data["pair"]["refused"] == ""


def test_benchmark_table_is_the_runner_table(small, small_bench):
    results = small_bench
    bench = collect(small, benchmark=results).data["benchmark"]
    assert bench["cells"] == table_rows(results)
    assert bench["rows"][0]["median_s"] == results.rows[0].median_s
    assert bench["rows"][0]["ran_on"] == "native"
    assert collect(small).data["benchmark"] is None


def test_jsonable_makes_strict_json_values():
    out = jsonable(
        {
            "nan": float("nan"),
            "inf": np.float64("inf"),
            "i": np.int64(3),
            "b": np.bool_(True),
            "day": pd.Timestamp("2020-01-02"),
            "time": pd.Timestamp("2020-01-02 10:30"),
            "date": dt.date(2020, 1, 3),
            "arr": np.array([[1.0, np.nan]]),
            "tup": ("a", 1),
        }
    )
    assert out == {
        "nan": None,
        "inf": None,
        "i": 3,
        "b": True,
        "day": "2020-01-02",
        "time": "2020-01-02T10:30:00",
        "date": "2020-01-03",
        "arr": [[1.0, None]],
        "tup": ["a", 1],
    }
    assert type(out["i"]) is int and type(out["b"]) is bool


def test_missing_bands_are_explained(small):
    small.pair.cost_bps = 0.0
    content = collect(small)
    assert content.data["bands"]["available"] is False
    assert "positive cost_bps" in content.data["bands"]["reason"]
    assert "Not available: OU-optimal bands need a positive cost_bps" in render_html(content)


def test_walk_forward_section_carries_the_pages_figures(session, content, html):
    wf = session.pair.walk_forward()
    section = content.data["walk_forward"]
    assert section["available"] is True
    assert section["metrics"]["dsr"] == pytest.approx(wf.metrics["dsr"], abs=1e-12)
    assert section["metrics"]["n_trials"] == wf.metrics["n_trials"]
    assert section["pbo"] == session.pair.walk_forward_pbo().pbo
    assert len(section["folds"]) == wf.test_start.size
    assert "Walk-forward evaluation" in html
    assert f"Deflated Sharpe Ratio ({int(wf.metrics['n_trials'])} trials)" in html


def test_walk_forward_section_caps_the_folds_on_short_data(small):
    """Two years of data cannot hold the default 504 + 126 rows: one fold in that ratio."""
    pair = small.pair
    section = collect(small).data["walk_forward"]
    rows = len(pair.prices())
    assert rows < pair.wf_train + pair.wf_test
    assert section["available"] and section["capped"]
    train = rows * pair.wf_train // (pair.wf_train + pair.wf_test)
    assert (section["train"], section["test"]) == (train, rows - train)
    assert len(section["folds"]) == 1


def test_walk_forward_section_explains_when_the_data_is_too_short():
    s = LabSession(backend="native", start=dt.date(2021, 10, 1), end=dt.date(2021, 12, 31))
    s.pair.wf_steps = 1  # no grid: the strategy's lookback of 60 needs 62 training rows
    try:
        section = collect(s).data["walk_forward"]
    finally:
        s.close()
    assert section == {"available": False, "reason": section["reason"]}
    assert "too few for train=504 and test=126" in section["reason"]
