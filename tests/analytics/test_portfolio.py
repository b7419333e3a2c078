"""Reference portfolio construction against independent solvers on the bundled S&P 500 data."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.optimize

from lab.analytics.portfolio import (
    METHODS,
    TRADING_DAYS,
    efficient_frontier,
    multi_period,
    optimize_portfolio,
    sparse_portfolio,
)
from lab.data import load_sp500


@pytest.fixture(scope="module")
def returns():
    """Daily simple returns of the 20 bundled stocks, 2015-2022 (2,011 x 20)."""
    prices = load_sp500().loc["2015":"2022"]
    return prices.pct_change().dropna()


@pytest.fixture(scope="module")
def moments(returns):
    """Annualised moments computed independently with pandas."""
    return returns.mean().to_numpy() * TRADING_DAYS, returns.cov().to_numpy() * TRADING_DAYS


def slsqp(objective, n, constraints, bounds):
    res = scipy.optimize.minimize(
        objective,
        np.full(n, 1.0 / n),
        method="SLSQP",
        bounds=bounds,
        constraints=[{"type": "eq", "fun": lambda w: w.sum() - 1.0}, *constraints],
        options={"ftol": 1e-15, "maxiter": 1000},
    )
    assert res.success, res.message
    return res.x


def test_min_variance_equals_independent_solvers(returns, moments):
    _, sigma = moments
    n = sigma.shape[0]
    res = optimize_portfolio(returns, "min_variance")
    expected = slsqp(lambda w: w @ sigma @ w, n, [], [(0, 1)] * n)
    np.testing.assert_allclose(res.weights, expected, atol=1e-4)
    assert res.volatility == pytest.approx(np.sqrt(expected @ sigma @ expected), rel=1e-6)
    # skfolio (cvxpy + Clarabel), a third, independent formulation
    from skfolio import RiskMeasure
    from skfolio.optimization import MeanRisk, ObjectiveFunction

    model = MeanRisk(
        objective_function=ObjectiveFunction.MINIMIZE_RISK, risk_measure=RiskMeasure.VARIANCE
    )
    model.fit(returns.to_numpy())
    np.testing.assert_allclose(res.weights, model.weights_, atol=1e-4)


def test_max_sharpe_equals_independent_solvers(returns, moments):
    mu, sigma = moments
    n = mu.size
    for rf in (0.0, 0.03):
        res = optimize_portfolio(returns, "max_sharpe", risk_free=rf)
        expected = slsqp(
            lambda w, rf=rf: -(w @ mu - rf) / np.sqrt(w @ sigma @ w), n, [], [(0, 1)] * n
        )
        np.testing.assert_allclose(res.weights, expected, atol=1e-4)
        assert res.sharpe == pytest.approx(
            (expected @ mu - rf) / np.sqrt(expected @ sigma @ expected), rel=1e-8
        )
    from skfolio import RiskMeasure
    from skfolio.optimization import MeanRisk, ObjectiveFunction

    model = MeanRisk(
        objective_function=ObjectiveFunction.MAXIMIZE_RATIO, risk_measure=RiskMeasure.VARIANCE
    )
    model.fit(returns.to_numpy())
    np.testing.assert_allclose(
        optimize_portfolio(returns, "max_sharpe").weights, model.weights_, atol=1e-4
    )


def test_mean_variance_is_cara_optimum(returns, moments):
    mu, sigma = moments
    n = mu.size
    gamma = 4.0
    res = optimize_portfolio(returns, "mean_variance", risk_aversion=gamma)
    expected = slsqp(lambda w: -(w @ mu - 0.5 * gamma * w @ sigma @ w), n, [], [(0, 1)] * n)
    np.testing.assert_allclose(res.weights, expected, atol=1e-4)
    # without bounds: closed form w = Sigma^-1 (mu - nu 1) / gamma with nu from the budget
    free = optimize_portfolio(returns, "mean_variance", risk_aversion=gamma, long_only=False)
    inv_mu, inv_one = np.linalg.solve(sigma, mu), np.linalg.solve(sigma, np.ones(n))
    nu = (inv_mu.sum() - gamma) / inv_one.sum()
    np.testing.assert_allclose(free.weights, (inv_mu - nu * inv_one) / gamma, atol=1e-9)


def test_risk_parity_contributions_equal(returns):
    for cov in ("sample", "ledoit_wolf"):
        res = optimize_portfolio(returns, "risk_parity", cov=cov)
        assert np.ptp(res.risk_contributions) < 1e-6
        assert res.risk_contributions.sum() == pytest.approx(res.volatility, rel=1e-12)
        assert np.all(res.weights > 0) and res.weights.sum() == pytest.approx(1.0, abs=1e-12)


def test_annualisation_and_risk_contributions(returns, moments):
    mu, sigma = moments
    res = optimize_portfolio(returns, "equal_weight", risk_free=0.01)
    w = np.full(mu.size, 1.0 / mu.size)
    np.testing.assert_allclose(res.weights, w)
    assert res.expected_return == pytest.approx(w @ mu, rel=1e-12)
    assert res.volatility == pytest.approx(np.sqrt(w @ sigma @ w), rel=1e-12)
    assert res.sharpe == pytest.approx((w @ mu - 0.01) / np.sqrt(w @ sigma @ w), rel=1e-12)
    np.testing.assert_allclose(res.risk_contributions, w * (sigma @ w) / res.volatility, rtol=1e-12)
    assert res.assets == tuple(returns.columns)


def test_ledoit_wolf_uses_sklearn_estimator(returns):
    from sklearn.covariance import LedoitWolf

    res = optimize_portfolio(returns, "min_variance", cov="ledoit_wolf")
    sigma = LedoitWolf().fit(returns.to_numpy()).covariance_ * TRADING_DAYS
    assert res.volatility == pytest.approx(np.sqrt(res.weights @ sigma @ res.weights), rel=1e-12)


@pytest.mark.parametrize("method", ["min_variance", "max_sharpe", "mean_variance"])
def test_weights_respect_bounds(returns, method):
    n = returns.shape[1]
    lo = np.full(n, 0.01)
    hi = np.linspace(0.08, 0.3, n)
    res = optimize_portfolio(returns, method, bounds=(lo, hi))
    assert np.all(res.weights >= lo - 1e-9) and np.all(res.weights <= hi + 1e-9)
    assert res.weights.sum() == pytest.approx(1.0, abs=1e-12)
    assert np.any(np.isclose(res.weights, hi, atol=1e-9)) or np.any(
        np.isclose(res.weights, lo, atol=1e-9)
    )
    short = optimize_portfolio(returns, method, long_only=False, bounds=(-0.2, 0.25))
    assert short.weights.min() >= -0.2 - 1e-9 and short.weights.max() <= 0.25 + 1e-9
    assert short.weights.min() < 0


def test_bound_checked_methods(returns):
    with pytest.raises(ValueError, match="bounds"):
        optimize_portfolio(returns, "equal_weight", bounds=(0.0, 0.04))
    with pytest.raises(ValueError, match="bounds"):
        optimize_portfolio(returns, "risk_parity", bounds=(0.0, 0.055))


@pytest.mark.parametrize("method", METHODS)
def test_bad_input_raises_value_error(returns, method):
    values = returns.to_numpy()[:300, :6].copy()
    singular = np.column_stack([values, values[:, 0]])
    with pytest.raises(ValueError, match="singular"):
        optimize_portfolio(singular, method)
    constant = values.copy()
    constant[:, 2] = 0.001
    with pytest.raises(ValueError, match="singular.*zero variance"):
        optimize_portfolio(constant, method)
    with pytest.raises(ValueError, match="fewer observations"):
        optimize_portfolio(values[:4], method)
    with_nan = values.copy()
    with_nan[10, 3] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        optimize_portfolio(with_nan, method)
    with pytest.raises(ValueError, match="infeasible"):
        optimize_portfolio(values, method, bounds=(0.0, 0.1))
    with pytest.raises(ValueError, match="infeasible"):
        optimize_portfolio(values, method, bounds=(0.3, 1.0))
    with pytest.raises(ValueError, match="cov"):
        optimize_portfolio(values, method, cov="shrunk")


def test_other_bad_arguments(returns):
    with pytest.raises(ValueError, match="method"):
        optimize_portfolio(returns, "kelly")
    with pytest.raises(ValueError, match="risk_aversion"):
        optimize_portfolio(returns, "mean_variance", risk_aversion=0.0)
    with pytest.raises(ValueError, match="risk_free"):
        optimize_portfolio(returns, "max_sharpe", risk_free=5.0)
    with pytest.raises(ValueError, match="2-D"):
        optimize_portfolio(returns.iloc[:, 0].to_numpy(), "min_variance")


# --------------------------------------------------------------------------------------------
# efficient frontier
# --------------------------------------------------------------------------------------------


def test_efficient_frontier(returns, moments):
    mu, sigma = moments
    n = mu.size
    fr = efficient_frontier(returns, n_points=12)
    assert fr.weights.shape == (12, n)
    np.testing.assert_allclose(fr.weights.sum(axis=1), 1.0, atol=1e-12)
    assert fr.weights.min() >= -1e-12
    assert np.all(np.diff(fr.returns) > 0) and np.all(np.diff(fr.volatilities) > 0)
    np.testing.assert_allclose(fr.weights[0], fr.min_variance.weights, atol=1e-12)
    np.testing.assert_allclose(
        fr.min_variance.weights, optimize_portfolio(returns, "min_variance").weights, atol=1e-10
    )
    assert fr.sharpe.max() <= fr.max_sharpe.sharpe + 1e-12
    assert fr.returns[-1] == pytest.approx(mu.max(), rel=1e-10)  # long-only: all in the best asset
    # an interior point against SLSQP with the target-return constraint
    j = 6
    target = fr.returns[j]
    expected = slsqp(
        lambda w: w @ sigma @ w, n, [{"type": "eq", "fun": lambda w: w @ mu - target}], [(0, 1)] * n
    )
    np.testing.assert_allclose(fr.weights[j], expected, atol=1e-4)


def test_efficient_frontier_with_shorts_and_bad_input(returns):
    fr = efficient_frontier(returns, n_points=5, long_only=False, bounds=(-0.5, 0.5))
    assert fr.weights.min() >= -0.5 - 1e-9 and fr.weights.max() <= 0.5 + 1e-9
    assert np.all(np.diff(fr.volatilities) > 0)
    with pytest.raises(ValueError, match="n_points"):
        efficient_frontier(returns, n_points=1)
    bad = returns.to_numpy().copy()
    bad[0, 0] = np.inf
    with pytest.raises(ValueError, match="NaN or infinite"):
        efficient_frontier(bad)


# --------------------------------------------------------------------------------------------
# sparse replication
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "l1_ratio"), [("lasso", 1.0), ("elastic_net", 0.5)])
def test_sparse_portfolio_equals_sklearn_on_raw_data(returns, method, l1_ratio):
    from sklearn.linear_model import ElasticNet

    X = returns.to_numpy()
    target = X[:, :5].mean(axis=1) + 0.3 * X[:, 7]
    Xc, yc = X - X.mean(axis=0), target - target.mean()
    lam_max = (Xc.T @ yc / X.shape[0]).max() / l1_ratio
    for lam in (0.02, 0.2):
        res = sparse_portfolio(returns, method, lam=lam, alpha=l1_ratio, target=target)
        model = ElasticNet(
            alpha=lam * lam_max, l1_ratio=l1_ratio, positive=True, tol=1e-14, max_iter=100_000
        )
        model.fit(X, target)
        np.testing.assert_allclose(res.weights, model.coef_, atol=1e-6)
        assert res.intercept == pytest.approx(model.intercept_, abs=1e-8)
        assert res.r2 == pytest.approx(model.score(X, target), abs=1e-8)
        assert res.n_selected == np.count_nonzero(model.coef_)
        assert res.lam_max == pytest.approx(lam_max / yc.var(), rel=1e-10)  # in standardised units


def test_sparse_portfolio_sparsity_and_diagnostics(returns):
    sizes = [
        sparse_portfolio(returns, "lasso", lam=lam).n_selected for lam in (0.05, 0.3, 0.6, 0.9)
    ]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] > sizes[-1] >= 1
    res = sparse_portfolio(returns, "lasso", lam=0.6)
    assert np.all(res.weights >= 0)
    assert res.selected == tuple(
        c for c, w in zip(returns.columns, res.weights, strict=True) if w != 0
    )
    assert res.gross_exposure == pytest.approx(np.abs(res.weights).sum())
    assert res.normalized_weights.sum() == pytest.approx(1.0)
    target = returns.to_numpy().mean(axis=1)
    resid = target - returns.to_numpy() @ res.weights - res.intercept
    assert res.tracking_error == pytest.approx(resid.std(ddof=1) * np.sqrt(TRADING_DAYS), rel=1e-10)
    assert sparse_portfolio(returns, "lasso", lam=1.0).n_selected == 0
    free = sparse_portfolio(returns, "lasso", lam=0.01, positive=False)
    assert free.n_selected > 0


def test_sparse_portfolio_bad_input(returns):
    with pytest.raises(ValueError, match="method"):
        sparse_portfolio(returns, "ridge")
    with pytest.raises(ValueError, match="lam"):
        sparse_portfolio(returns, "lasso", lam=0.0)
    with pytest.raises(ValueError, match="alpha"):
        sparse_portfolio(returns, "elastic_net", alpha=0.0)
    with pytest.raises(ValueError, match="target"):
        sparse_portfolio(returns, target=np.zeros(len(returns)))
    bad = returns.to_numpy().copy()
    bad[3, 3] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        sparse_portfolio(bad)


# --------------------------------------------------------------------------------------------
# multi-period
# --------------------------------------------------------------------------------------------


def test_multi_period_without_costs_jumps_to_aim(returns):
    gamma = 5.0
    res = multi_period(returns, gamma, 0.0, 10)
    aim = optimize_portfolio(returns, "mean_variance", risk_aversion=gamma, long_only=False).weights
    np.testing.assert_allclose(res.aim, aim, atol=1e-9)
    np.testing.assert_allclose(res.weights, np.tile(aim, (10, 1)), atol=1e-9)
    assert res.net_utility == pytest.approx(res.myopic_net_utility, rel=1e-10)
    assert res.cost == 0.0


def test_multi_period_beats_myopic_and_is_optimal(returns):
    rng = np.random.default_rng(0)
    res = multi_period(returns, 5.0, 20.0, 40)
    np.testing.assert_allclose(res.weights.sum(axis=1), 1.0, atol=1e-10)
    assert res.net_utility > res.myopic_net_utility
    assert res.net_utility == pytest.approx(res.gross_utility - res.cost)
    gaps = np.linalg.norm(res.weights - res.aim, axis=1)
    assert np.all(np.diff(gaps) < 0)  # partial trading toward the aim
    assert res.turnover[0] < np.abs(res.aim - res.initial).sum()
    assert np.all((res.trading_rates > 0) & (res.trading_rates < 1))
    assert np.all(np.diff(res.trading_rates) >= -1e-12)  # riskier directions are traded faster

    # perturbing the path in budget-neutral directions never improves the objective
    daily = returns.to_numpy()
    mu, sigma = daily.mean(axis=0), np.cov(daily, rowvar=False)

    def net(path):
        trades = np.diff(np.vstack([res.initial, path]), axis=0)
        quad = np.einsum("ti,ij,tj->", path, sigma, path)
        return (path @ mu).sum() - 2.5 * quad - 0.5 * 20e-4 * (trades**2).sum()

    assert net(res.weights) == pytest.approx(res.net_utility, rel=1e-10)
    for _ in range(5):
        d = rng.normal(size=res.weights.shape) * 1e-3
        d -= d.mean(axis=1, keepdims=True)
        assert net(res.weights + d) < net(res.weights)
        assert net(res.weights - d) < net(res.weights)


def test_multi_period_bad_input(returns):
    with pytest.raises(ValueError, match="cost_bps"):
        multi_period(returns, 1.0, -1.0, 10)
    with pytest.raises(ValueError, match="n_periods"):
        multi_period(returns, 1.0, 5.0, 0)
    with pytest.raises(ValueError, match="risk_aversion"):
        multi_period(returns, -1.0, 5.0, 10)
    with pytest.raises(ValueError, match="initial"):
        multi_period(returns, 1.0, 5.0, 10, initial=np.full(returns.shape[1], 0.2))
    with pytest.raises(ValueError, match="fewer observations"):
        multi_period(returns.iloc[:5], 1.0, 5.0, 10)
