"""Native cointegration engine: equal to statsmodels and to the reference engine.

Tolerances (module docstring of lab.analytics.cointegration.native): ADF / Engle-Granger statistic
and p-value within 1e-8 with identical lags; for ``regression="ctt"`` statsmodels itself is only
accurate to ~1e-8 (its unscaled t^2 regressor reaches nobs^2), so that case is held to 1e-7.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests
from statsmodels.tools.sm_exceptions import CollinearityWarning
from statsmodels.tsa.stattools import coint
from statsmodels.tsa.vector_ar.vecm import coint_johansen

from lab.analytics import cointegration as ref
from lab.analytics.cointegration import benjamini_hochberg
from lab.analytics.cointegration import native as nat
from lab.data import simulate_ou_pair
from tests.analytics._helpers import SERIES, check_adf

TOL = 1e-8


@pytest.fixture(scope="module")
def native_scan(logp):
    return nat.pair_scan(logp)


def _check_adf(res, x, tol=TOL, **kwargs):
    check_adf(res, x, tol, 1e-9, **kwargs)


# --------------------------------------------------------------------------------------------
# against statsmodels
# --------------------------------------------------------------------------------------------


def test_adf_each_stock_log_price(logp):
    for sym in logp.columns:
        x = logp[sym].to_numpy()
        _check_adf(nat.adf(x), x, autolag="AIC")


@pytest.mark.parametrize("regression", ["c", "ct", "ctt", "n"])
@pytest.mark.parametrize("autolag", ["aic", "bic", "t-stat", None])
def test_adf_options(logp, regression, autolag):
    tol = 1e-7 if regression == "ctt" else TOL
    for sym in ("MSFT", "RRC"):
        x = logp[sym].to_numpy()[-800:]
        _check_adf(
            nat.adf(x, regression=regression, autolag=autolag),
            x,
            tol,
            regression=regression,
            autolag=autolag,
        )


@pytest.mark.parametrize("maxlag", [0, 1, 7])
def test_adf_explicit_maxlag(logp, maxlag):
    x = logp["GE"].to_numpy()[:500]
    for autolag in ("aic", None):
        _check_adf(nat.adf(x, maxlag=maxlag, autolag=autolag), x, maxlag=maxlag, autolag=autolag)


@pytest.mark.parametrize("seed", range(4))
def test_adf_simulated(seed):
    y, x, spread = simulate_ou_pair(700, kappa=15.0, theta=1.0, sigma=2.0, beta=0.7, seed=seed)
    for series in (spread, y, np.log(x)):
        _check_adf(nat.adf(series), series, autolag="AIC")
    short = spread[:40]  # the shortest samples the default lag search accepts with a trend
    _check_adf(nat.adf(short, regression="ct"), short, regression="ct", autolag="AIC")
    tiny = spread[:25]  # a smaller explicit maxlag keeps 10 residual degrees of freedom
    _check_adf(nat.adf(tiny, maxlag=3), tiny, maxlag=3, autolag="AIC")


@pytest.mark.parametrize(("n", "regression"), [(19, "c"), (20, "c"), (30, "c"), (33, "ct")])
def test_adf_below_the_minimum_sample_is_the_same_value_error(n, regression):
    x = np.cumsum(np.random.default_rng(n).standard_normal(n))
    messages = []
    for engine in (ref, nat):
        with pytest.raises(ValueError, match="residual degrees of freedom") as info:
            engine.adf(x, regression=regression)
        messages.append(str(info.value))
    assert messages[0] == messages[1]
    nat.adf(
        np.cumsum(np.random.default_rng(0).standard_normal(31 if regression == "c" else 34)),
        regression=regression,
    )


def test_pair_scan_equals_coint_on_all_190_pairs(native_scan, coint_190):
    assert len(native_scan.pairs) == 190
    for k, (i, j) in enumerate(native_scan.pairs):
        sm = coint_190[(int(i), int(j))]
        assert abs(native_scan.statistic[k] - sm[0]) <= TOL
        assert abs(native_scan.pvalue[k] - sm[1]) <= TOL
    np.testing.assert_allclose(
        native_scan.qvalue, multipletests(native_scan.pvalue, method="fdr_bh")[1], rtol=1e-14
    )
    assert np.all(np.diff(native_scan.pvalue) >= 0)


def test_engle_granger_equals_coint(logp, coint_190):
    a = logp.to_numpy()
    for j in range(1, 20):
        res = nat.engle_granger(a[:, 0], a[:, j])
        sm = coint_190[(0, j)]
        assert abs(res.statistic - sm[0]) <= TOL and abs(res.pvalue - sm[1]) <= TOL
        np.testing.assert_allclose(res.crit_values, sm[2], rtol=1e-12)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"trend": "ct"},
        {"trend": "ctt"},
        {"trend": "n"},
        {"autolag": "bic"},
        {"autolag": "t-stat"},
        {"autolag": None, "maxlag": 4},
        {"maxlag": 3},
    ],
)
def test_engle_granger_options(logp, kwargs):
    y, x = logp["XOM"].to_numpy(), logp["CVX"].to_numpy()
    res = nat.engle_granger(y, x, **kwargs)
    sm = coint(y, x, **kwargs)
    assert abs(res.statistic - sm[0]) <= TOL and abs(res.pvalue - sm[1]) <= TOL
    np.testing.assert_allclose(res.crit_values, sm[2], rtol=1e-12)
    _same(res, ref.engle_granger(y, x, **kwargs))


def _same(a, b):
    """Field dict of ``a`` after asserting it equals ``b`` within tolerance (lags exactly)."""
    out = {}
    for name in a.__dataclass_fields__:
        va, vb = getattr(a, name), getattr(b, name)
        if isinstance(va, (int, np.integer)) and not isinstance(va, bool):
            assert va == vb, name
        elif isinstance(va, tuple):
            assert va == vb, name
        else:
            np.testing.assert_allclose(va, vb, rtol=TOL, atol=TOL, err_msg=name)
        out[name] = va
    return out


@pytest.mark.parametrize("seed", range(3))
def test_engle_granger_simulated(seed):
    y, x, _ = simulate_ou_pair(1500, kappa=30.0, theta=0.2, sigma=8.0, beta=1.5, seed=seed)
    res = nat.engle_granger(y, x)
    sm = coint(y, x)
    assert abs(res.statistic - sm[0]) <= TOL and abs(res.pvalue - sm[1]) <= TOL
    _same(res, ref.engle_granger(y, x))


def test_johansen_all_190_pairs(logp):
    a = logp.to_numpy()
    for i, j in itertools.combinations(range(20), 2):
        sm = coint_johansen(a[:, [i, j]], 0, 1)
        res = nat.johansen(a[:, [i, j]])
        np.testing.assert_allclose(res.trace_stat, sm.lr1, rtol=TOL)
        np.testing.assert_allclose(res.max_eig_stat, sm.lr2, rtol=TOL)
        np.testing.assert_allclose(res.eigenvalues, sm.eig, rtol=TOL)
        signed = sm.evec * np.sign(sm.evec[0])  # column sign convention: first entry > 0
        np.testing.assert_allclose(
            res.eigenvectors, signed, rtol=TOL, atol=TOL * np.abs(sm.evec).max()
        )
        np.testing.assert_array_equal(np.sign(res.eigenvectors[:, 0]), np.sign(sm.evec[:, 0]))
        np.testing.assert_array_equal(res.trace_crit, sm.cvt)
        np.testing.assert_array_equal(res.max_eig_crit, sm.cvm)


@pytest.mark.parametrize("det_order, k", [(-1, 0), (-1, 2), (0, 0), (0, 3), (1, 1), (1, 2)])
@pytest.mark.parametrize("cols", [["PEP", "KO"], ["XOM", "CVX", "BAC"], list(range(12))])
def test_johansen_options_equal_reference(logp, det_order, k, cols):
    frame = logp.iloc[:, cols] if isinstance(cols[0], int) else logp[cols]
    _same(nat.johansen(frame, det_order, k), ref.johansen(frame, det_order, k))


# --------------------------------------------------------------------------------------------
# against the reference engine
# --------------------------------------------------------------------------------------------


def test_pair_scan_equals_reference(logp, native_scan):
    sub = logp.iloc[:, :10]
    got, want = nat.pair_scan(sub), ref.pair_scan(sub)
    _same(got, want)
    # the 10-stock scan is the corresponding part of the full native scan
    full = {tuple(p): k for k, p in enumerate(native_scan.pairs)}
    for k, p in enumerate(got.pairs):
        assert native_scan.statistic[full[tuple(p)]] == got.statistic[k]
        assert native_scan.lags[full[tuple(p)]] == got.lags[k]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"trend": "ct"},
        {"autolag": "t-stat", "maxlag": 6},
        {"trend": "n", "autolag": None, "maxlag": 2},
    ],
)
def test_pair_scan_options_equal_reference(logp, kwargs):
    sub = logp.iloc[-600:, 5:10]
    _same(nat.pair_scan(sub, **kwargs), ref.pair_scan(sub, **kwargs))


def test_pair_scan_leading_nan_and_collinear_equal_reference():
    y, x, _ = simulate_ou_pair(400, kappa=20.0, theta=0.0, sigma=5.0, beta=1.2, seed=3)
    walk = np.exp(np.random.default_rng(1).standard_normal(400).cumsum() * 0.01) * 30
    frame = pd.DataFrame({"Y": y, "X": x, "W": walk, "X2": 2 * x})
    frame.iloc[:150, 2] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CollinearityWarning)
        want = ref.pair_scan(frame)
    got = nat.pair_scan(frame)
    _same(got, want)
    assert got.symbols == ("Y", "X", "W", "X2")
    collinear = [k for k, p in enumerate(got.pairs) if tuple(p) == (1, 3)][0]
    assert np.isneginf(got.statistic[collinear]) and np.isnan(got.half_life[collinear])


@pytest.mark.parametrize("regression", ["c", "ct", "ctt", "n"])
def test_adf_equals_reference(logp, regression):
    x = logp["AMD"].to_numpy()
    _same(nat.adf(x, regression=regression), ref.adf(x, regression=regression))


def test_half_life_matches_ou_kappa():
    """For an exactly discretised OU spread the AR(1) half-life is ln 2 / (kappa dt) rows."""
    kappa = 25.0
    y, x, _ = simulate_ou_pair(20_000, kappa=kappa, theta=0.0, sigma=10.0, beta=1.0, seed=11)
    res = nat.pair_scan(np.column_stack([y, x]))
    assert res.half_life[0] == pytest.approx(np.log(2) / (kappa / 252), rel=0.1)


def test_bh_qvalues_equal_statsmodels():
    rng = np.random.default_rng(5)
    for p in (
        rng.uniform(size=190),
        rng.uniform(size=50) ** 4,
        np.array([0.0, 0.0, 0.01, 0.01, 0.01, 0.5, 1.0, 1.0, 0.04]),
        np.array([0.3]),
    ):
        np.testing.assert_allclose(
            benjamini_hochberg(p), multipletests(p, method="fdr_bh")[1], rtol=1e-14
        )


# --------------------------------------------------------------------------------------------
# bad input: same errors as the reference engine
# --------------------------------------------------------------------------------------------

PAIR = np.column_stack([SERIES, SERIES[::-1] + 0.1 * np.cos(np.arange(120))])


@pytest.mark.parametrize(
    "name, args, kwargs",
    [
        ("adf", (np.r_[SERIES[:50], np.nan, SERIES[51:]],), {}),
        ("adf", (SERIES.reshape(60, 2),), {}),
        ("adf", (np.ones(50),), {}),
        ("adf", (np.arange(50.0),), {}),
        ("engle_granger", (np.ones(120), SERIES), {}),
        ("adf", (SERIES,), {"regression": "x"}),
        ("adf", (SERIES,), {"autolag": "AICc"}),
        ("adf", (SERIES,), {"maxlag": 59}),
        ("adf", (SERIES,), {"maxlag": True}),
        ("engle_granger", (SERIES, SERIES[:-2]), {}),
        ("engle_granger", (SERIES, np.r_[np.inf, SERIES[1:]]), {}),
        ("engle_granger", (SERIES, SERIES), {"maxlag": 60}),
        ("johansen", (PAIR,), {"det_order": 3}),
        ("johansen", (PAIR[:5],), {}),
        ("pair_scan", (SERIES,), {}),
        ("pair_scan", (PAIR,), {"trend": "quadratic"}),
        (
            "pair_scan",
            (pd.DataFrame({"A": PAIR[:, 0], "B": np.r_[PAIR[:30, 1], np.nan, PAIR[31:, 1]]}),),
            {},
        ),
    ],
)
def test_bad_input_same_error_as_reference(name, args, kwargs):
    with pytest.raises(ValueError) as want:
        getattr(ref, name)(*args, **kwargs)
    with pytest.raises(ValueError) as got:
        getattr(nat, name)(*args, **kwargs)
    assert str(got.value) == str(want.value)


def test_singular_adf_regression_is_a_clear_error():
    """An exactly periodic series makes the lag regressors collinear: statsmodels returns an
    arbitrary number with a warning, the native engine refuses."""
    with pytest.raises(ValueError, match="ADF regression of x is singular"):
        nat.adf(np.tile([0.0, 1.0], 100), maxlag=5)


def _scan_fields_equal(a, b, rtol=1e-12):
    np.testing.assert_array_equal(a.pairs, b.pairs)
    np.testing.assert_array_equal(a.lags, b.lags)
    for field in ("statistic", "pvalue", "qvalue", "hedge_ratio", "intercept", "half_life"):
        np.testing.assert_allclose(getattr(a, field), getattr(b, field), rtol=rtol, err_msg=field)
    assert a.symbols == b.symbols


@pytest.mark.parametrize("engine", ["reference", "native"])
def test_pair_scan_chunks_merge_into_the_whole_scan(engine):
    from lab.analytics.cointegration import all_pairs, merge_pair_scans
    from lab.backends import get_backend

    rng = np.random.default_rng(7)
    frame = pd.DataFrame(np.cumsum(rng.standard_normal((300, 5)), axis=0), columns=list("ABCDE"))
    frame["F"] = 0.5 * frame["A"] + rng.standard_normal(300) * 0.3
    be = get_backend(engine)
    whole = be.pair_scan(frame)
    chunks = np.array_split(all_pairs(frame.shape[1])[::-1], 4)  # any order, any split
    merged = merge_pair_scans([be.pair_scan(frame, pairs=c) for c in chunks])
    _scan_fields_equal(merged, whole)
    assert whole.symbols[whole.pairs[0, 0]] + whole.symbols[whole.pairs[0, 1]] in {"AF", "FA"}


def test_pair_scan_subset_equals_native_and_reference():
    from lab.backends import get_backend

    rng = np.random.default_rng(3)
    prices = np.cumsum(rng.standard_normal((200, 4)), axis=0)
    subset = np.array([[3, 0], [1, 2]])
    ref = get_backend("reference").pair_scan(prices, pairs=subset)
    nat = get_backend("native").pair_scan(prices, pairs=subset)
    _scan_fields_equal(ref, nat, rtol=1e-8)
    assert sorted(map(tuple, nat.pairs)) == [(1, 2), (3, 0)]


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        (np.array([[0, 0]]), "pairs column 0 with itself"),
        (np.array([[0, 5]]), r"outside 0\.\.3"),
        (np.array([[0, 1], [1, 0]]), "same pair more than once"),
        (np.array([[0.0, 1.0]]), "integer column indices"),
        (np.zeros((0, 2), dtype=int), r"non-empty \(M, 2\)"),
    ],
)
@pytest.mark.parametrize("engine", ["reference", "native"])
def test_pair_scan_rejects_bad_pair_subsets(engine, pairs, message):
    from lab.backends import get_backend

    prices = np.cumsum(np.random.default_rng(0).standard_normal((100, 4)), axis=0)
    with pytest.raises(ValueError, match=message):
        get_backend(engine).pair_scan(prices, pairs=pairs)


def test_merge_pair_scans_rejects_mismatched_parts():
    from lab.analytics.cointegration import merge_pair_scans

    with pytest.raises(ValueError, match="at least one"):
        merge_pair_scans([])
