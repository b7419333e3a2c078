"""Native portfolio engine (numba solvers) against the reference engine (SciPy, scikit-learn)."""

from __future__ import annotations

import datetime
import inspect
import re

import numpy as np
import pytest

from lab.analytics import portfolio as ref
from lab.analytics.portfolio import native as nat
from lab.data import load_sp500

WEIGHT_TOL = 1e-6
"""Agreement required on weights where the optimum is unique (observed: ~1e-13)."""


@pytest.fixture(scope="module")
def returns():
    return load_sp500().loc["2015":"2022"].pct_change().dropna()


def test_signatures_match_reference():
    for name in ("optimize_portfolio", "efficient_frontier", "sparse_portfolio", "multi_period"):
        assert inspect.signature(getattr(nat, name)) == inspect.signature(getattr(ref, name))


def test_ledoit_wolf_equals_sklearn(returns):
    from sklearn.covariance import LedoitWolf

    x = returns.to_numpy()
    np.testing.assert_allclose(
        nat.ledoit_wolf_covariance(x), LedoitWolf().fit(x).covariance_, rtol=1e-12, atol=1e-18
    )
    small = np.random.default_rng(1).normal(size=(30, 40))  # fewer observations than assets
    np.testing.assert_allclose(
        nat.ledoit_wolf_covariance(small),
        LedoitWolf().fit(small).covariance_,
        rtol=1e-12,
        atol=1e-18,
    )


CASES = [
    {},
    {"long_only": False},
    {"bounds": (0.02, 0.15)},
    {"long_only": False, "bounds": (-0.25, 0.3)},
    {"cov": "ledoit_wolf"},
    {"risk_free": 0.02, "risk_aversion": 6.0},
]


@pytest.mark.parametrize("method", ref.METHODS)
@pytest.mark.parametrize(
    "kwargs", CASES, ids=lambda k: ",".join(f"{a}={b}" for a, b in k.items()) or "default"
)
def test_optimize_portfolio_equals_reference(returns, method, kwargs):
    expected = ref.optimize_portfolio(returns, method, **kwargs)
    got = nat.optimize_portfolio(returns, method, **kwargs)
    np.testing.assert_allclose(got.weights, expected.weights, rtol=0, atol=WEIGHT_TOL)
    for field in ("expected_return", "volatility", "sharpe"):
        assert getattr(got, field) == pytest.approx(getattr(expected, field), rel=1e-8)
    np.testing.assert_allclose(got.risk_contributions, expected.risk_contributions, atol=1e-8)
    assert got.assets == expected.assets and got.method == method


def test_native_risk_parity_contributions_equal(returns):
    res = nat.optimize_portfolio(returns, "risk_parity")
    assert np.ptp(res.risk_contributions) < 1e-12


def test_active_set_on_random_problems():
    """Random covariances, bounds and risk aversions: native QP == reference (SLSQP + polish)."""
    rng = np.random.default_rng(5)
    for trial in range(6):
        n, t = 8 + trial, 400
        factors = rng.normal(size=(t, 3)) @ rng.normal(size=(3, n)) * 0.01
        data = factors + rng.normal(scale=0.01, size=(t, n)) + rng.normal(0.0005, 0.0003, size=n)
        lo = rng.uniform(-0.1, 0.02, n)
        hi = rng.uniform(0.15, 0.4, n)
        for method in ("min_variance", "max_sharpe", "mean_variance"):
            kwargs = {"bounds": (lo, hi), "long_only": False, "risk_aversion": 3.0}
            a = nat.optimize_portfolio(data, method, **kwargs)
            b = ref.optimize_portfolio(data, method, **kwargs)
            np.testing.assert_allclose(a.weights, b.weights, atol=WEIGHT_TOL)


def test_active_set_stops_after_a_full_step_whose_residual_step_is_noise():
    """A max-Sharpe frontier QP found by the property tests: after a full step the KKT solve
    returns a ``p`` of about 2e-12 (rounding, from the 64x entry of ``A``), above the ``p = 0``
    tolerance, so the solver took full steps of noise until its iteration limit. It must stop
    at the face's minimiser and agree with SLSQP."""
    from scipy.optimize import minimize

    from lab.kernels.portfolio import QP_OK, qp_active_set

    H = np.array(
        [
            [
                2.7574722314308744,
                3.5114668329295546,
                0.071540726667553581,
                0.14873988780500347,
                0.087709383032633564,
            ],
            [
                3.5114668329295546,
                71.972727933781599,
                1.7182228957596672,
                2.5578658237252658,
                2.6682100528579467,
            ],
            [
                0.071540726667553581,
                1.7182228957596672,
                2.4568694330090404,
                0.084813007818135111,
                0.067380829223232491,
            ],
            [
                0.14873988780500347,
                2.5578658237252658,
                0.084813007818135111,
                2.4707175746507781,
                0.083940005765756109,
            ],
            [
                0.087709383032633564,
                2.6682100528579467,
                0.067380829223232491,
                0.083940005765756109,
                2.4830671497902777,
            ],
        ]
    )
    A = np.array(
        [
            [
                -6.244935901911698,
                -64.31645599350084,
                -1.195675689161214,
                0.23654551337337373,
                -1.544452169399992,
            ]
        ]
    )
    x0 = np.zeros(5)
    x0[3] = 1.0 / A[0, 3]
    c, b, G, h = np.zeros(5), np.ones(1), np.eye(5), np.zeros(5)
    x, status, iterations = qp_active_set(H, c, A, b, G, h, x0, 600)
    assert status == QP_OK and iterations < 20
    want = minimize(
        lambda w: 0.5 * w @ H @ w,
        x0 + 0.01,
        jac=lambda w: H @ w,
        constraints=[{"type": "eq", "fun": lambda w: A @ w - b, "jac": lambda w: A}],
        bounds=[(0.0, None)] * 5,
        method="SLSQP",
        options={"ftol": 1e-15, "maxiter": 1000},
    ).x
    np.testing.assert_allclose(x, want, atol=1e-6)


@pytest.mark.parametrize(
    "kwargs", [{}, {"long_only": False, "bounds": (-0.3, 0.4)}, {"cov": "ledoit_wolf"}]
)
def test_efficient_frontier_equals_reference(returns, kwargs):
    a = nat.efficient_frontier(returns, n_points=8, **kwargs)
    b = ref.efficient_frontier(returns, n_points=8, **kwargs)
    np.testing.assert_allclose(a.weights, b.weights, atol=WEIGHT_TOL)
    np.testing.assert_allclose(a.volatilities, b.volatilities, rtol=1e-8)
    np.testing.assert_allclose(a.max_sharpe.weights, b.max_sharpe.weights, atol=WEIGHT_TOL)


@pytest.mark.parametrize("method", ["lasso", "elastic_net"])
@pytest.mark.parametrize("lam", [0.005, 0.1, 0.5])
def test_sparse_portfolio_equals_sklearn(returns, method, lam):
    a = nat.sparse_portfolio(returns, method, lam=lam, alpha=0.3)
    b = ref.sparse_portfolio(returns, method, lam=lam, alpha=0.3)
    np.testing.assert_allclose(a.weights, b.weights, atol=WEIGHT_TOL)
    assert a.n_selected == b.n_selected and a.selected == b.selected
    assert a.r2 == pytest.approx(b.r2, abs=1e-9)
    c = nat.sparse_portfolio(returns, method, lam=lam, alpha=0.3, positive=False)
    d = ref.sparse_portfolio(returns, method, lam=lam, alpha=0.3, positive=False)
    np.testing.assert_allclose(c.weights, d.weights, atol=WEIGHT_TOL)


def test_sparse_portfolio_of_correlated_assets_is_solved_not_swept():
    """The Portfolio page's default (20 symbols, 2020-2021, lasso 0.05): coordinate descent
    crawls on this Gram matrix (1,000,000 sweeps, 5 s, and still a gap 8e-11 above the
    target); the exact solve on its support meets the duality-gap target, with no warning,
    and equals scikit-learn."""
    import warnings

    from lab.models.session import LabSession

    session = LabSession(
        backend="native", start=datetime.date(2020, 1, 1), end=datetime.date(2021, 12, 31)
    )
    try:
        data = session.portfolio.returns()
    finally:
        session.close()
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        a = nat.sparse_portfolio(data, "lasso", lam=0.05, alpha=0.5)
    b = ref.sparse_portfolio(data, "lasso", lam=0.05, alpha=0.5)
    np.testing.assert_allclose(a.weights, b.weights, atol=WEIGHT_TOL)
    assert a.selected == b.selected


def test_support_polish_refuses_a_wrong_support():
    """The exact solve is only a candidate: a support with a coordinate whose optimum is 0,
    or a wrong sign, gives None (the caller then keeps descending)."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(200, 4))
    y = x @ np.array([1.0, 0.5, 0.0, 0.0]) + rng.normal(scale=0.1, size=200)
    gram, xty = x.T @ x / 200, x.T @ y / 200
    l1 = 0.2
    right = nat.polish_support(gram, xty, np.array([1.0, 1.0, 0.0, 0.0]), l1, 0.0, True)
    assert right is not None and right[0] > 0 and right[1] > 0
    corr = xty - gram @ right
    assert np.all(corr[2:] <= l1 + 1e-12)
    assert nat.polish_support(gram, xty, np.array([1.0, 0.0, 0.0, 0.0]), l1, 0.0, True) is None
    assert nat.polish_support(gram, xty, np.array([1.0, -1.0, 0.0, 0.0]), l1, 0.0, False) is None


@pytest.mark.parametrize("cost_bps", [0.0, 5.0, 50.0])
def test_multi_period_equals_reference(returns, cost_bps):
    initial = np.linspace(0.0, 0.1, returns.shape[1])
    initial /= initial.sum()
    a = nat.multi_period(returns, 4.0, cost_bps, 25, initial=initial)
    b = ref.multi_period(returns, 4.0, cost_bps, 25, initial=initial)
    np.testing.assert_allclose(a.weights, b.weights, atol=1e-9)
    np.testing.assert_allclose(a.myopic_weights, b.myopic_weights, atol=1e-9)
    assert a.net_utility == pytest.approx(b.net_utility, rel=1e-9)
    assert a.myopic_net_utility == pytest.approx(b.myopic_net_utility, rel=1e-9)
    assert a.net_utility >= a.myopic_net_utility - 1e-15


def test_multi_period_long_horizon_approaches_stationary_rate(returns):
    """Early in a long horizon the per-direction trading rate equals the Garleanu-Pedersen
    closed form reported in ``trading_rates``."""
    from lab.kernels.portfolio import riccati_gains

    res = nat.multi_period(returns, 4.0, 10.0, 400)
    setup = ref.multi_period_setup(
        returns, 4.0, 10.0, 400, None, "sample", nat.ledoit_wolf_covariance
    )
    s = np.linalg.eigvalsh(ref.budget_neutral_covariance(setup.sigma)[0])
    gains = riccati_gains(s, 4.0, 10e-4, 400)
    np.testing.assert_allclose(1.0 - gains[0], res.trading_rates, rtol=1e-10)


def test_native_bad_input_matches_reference(returns):
    values = returns.to_numpy()[:200, :5]
    cases = [
        (np.column_stack([values, values[:, 1]]), "singular"),
        (values[:3], "fewer observations"),
        (np.where(np.arange(5) == 2, np.nan, values), "NaN"),
    ]
    for data, match in cases:
        for engine in (nat, ref):
            for method in ref.METHODS:
                with pytest.raises(ValueError, match=match):
                    engine.optimize_portfolio(data, method)
            with pytest.raises(ValueError, match=match):
                engine.efficient_frontier(data, n_points=3)
            with pytest.raises(ValueError, match=match):
                engine.multi_period(data, 1.0, 5.0, 3)
    # the same message from both engines, e.g. for closed-form methods under binding bounds
    for method, kwargs in [
        ("risk_parity", {"bounds": (0.0, 0.055)}),
        ("equal_weight", {"bounds": (0, 0.04)}),
        ("max_sharpe", {"risk_free": 5.0}),
        ("min_variance", {"bounds": (0.3, 1.0)}),
    ]:
        with pytest.raises(ValueError) as expected:
            ref.optimize_portfolio(returns, method, **kwargs)
        with pytest.raises(ValueError, match=re.escape(str(expected.value))):
            nat.optimize_portfolio(returns, method, **kwargs)


@pytest.mark.parametrize(
    ("window", "columns", "cov"),
    [(("1996", "2000"), 15, "sample"), (("1992", "1994"), 20, "ledoit_wolf")],
)
def test_risk_parity_converges_where_the_absolute_test_could_not(window, columns, cov):
    # the universe (absolute decrement test never reached) and one where Armijo's test
    # failed by rounding alone near the optimum
    from lab.analytics import optimize_portfolio
    from lab.backends import native as native_engine
    from lab.data import load_sp500

    r = load_sp500().loc[window[0] : window[1]].iloc[:, :columns].pct_change().dropna()
    got = native_engine.optimize_portfolio(r, "risk_parity", cov=cov)
    want = optimize_portfolio(r, "risk_parity", cov=cov)
    np.testing.assert_allclose(got.weights, want.weights, atol=WEIGHT_TOL)
    rc = got.risk_contributions
    np.testing.assert_allclose(rc, rc.mean(), rtol=1e-9)
