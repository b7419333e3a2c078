"""Native OU analytics equal the reference within the stated tolerances."""

import dataclasses

import numpy as np
import pytest
from scipy import special

from lab.analytics import ou as reference
from lab.analytics.ou import bertram_bracket, native
from lab.data import load_sp500, simulate_ou_pair
from lab.kernels.ou import bertram_gap, bertram_root, dawson


def _close(a, b, rel):
    for field in dataclasses.fields(a):
        va, vb = getattr(a, field.name), getattr(b, field.name)
        assert va == pytest.approx(vb, rel=rel, abs=1e-12, nan_ok=True), field.name


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("dt", [1.0, 1 / 252])
def test_native_ou_fit_equals_reference(seed, dt):
    _, _, spread = simulate_ou_pair(3000, 8.0, 40.0, 2.0, beta=1.0, dt=1 / 252, seed=seed)
    ref, nat = reference.ou_fit(spread, dt=dt), native.ou_fit(spread, dt=dt)
    assert nat.nobs == ref.nobs and nat.dt == ref.dt
    for name in ("kappa", "theta", "sigma", "half_life", "loglik", "ar_coef"):
        assert getattr(nat, name) == pytest.approx(getattr(ref, name), rel=1e-9), name
    for name in ("kappa_se", "theta_se", "sigma_se", "half_life_se"):
        assert getattr(nat, name) == pytest.approx(getattr(ref, name), rel=1e-7), name


def test_native_ou_fit_equals_reference_on_a_real_spread():
    prices = load_sp500()
    y, x = np.log(prices["KO"].to_numpy()), np.log(prices["PEP"].to_numpy())
    beta = np.polyfit(x, y, 1)[0]
    spread = y - beta * x
    ref, nat = reference.ou_fit(spread, dt=1 / 252), native.ou_fit(spread, dt=1 / 252)
    for name in ("kappa", "theta", "sigma", "loglik"):
        assert getattr(nat, name) == pytest.approx(getattr(ref, name), rel=1e-9), name
    for name in ("kappa_se", "theta_se", "sigma_se"):
        assert getattr(nat, name) == pytest.approx(getattr(ref, name), rel=1e-7), name


@pytest.mark.parametrize(
    "series",
    [
        np.exp(np.linspace(0, 5, 200)),
        (-1.0) ** np.arange(100) + np.random.default_rng(1).normal(0, 0.01, 100),
        np.ones(50),
        3 + 10 * 0.9 ** np.arange(50),
        np.arange(5.0),
        np.r_[np.ones(20), np.inf, np.ones(20)],
    ],
)
def test_native_ou_fit_raises_the_reference_errors(series):
    with pytest.raises(ValueError) as ref_err:
        reference.ou_fit(series)
    with pytest.raises(ValueError) as nat_err:
        native.ou_fit(series)
    assert str(nat_err.value) == str(ref_err.value)


def test_dawson_kernel_matches_scipy():
    u = np.concatenate([np.linspace(-40, 40, 4001), np.logspace(-10, 3, 300)])
    mine = np.array([dawson(v) for v in u])
    np.testing.assert_allclose(mine, special.dawsn(u), rtol=5e-14, atol=0)


@pytest.mark.parametrize("c_hat", [1e-6, 1e-3, 0.1, 0.5, 1.0, 3.0, 10.0, 80.0])
def test_bertram_root_solves_the_first_order_condition(c_hat):
    u = bertram_root(c_hat, *bertram_bracket(c_hat))
    assert u > c_hat / 2
    # residual at rounding level (2u - c_hat cancels for large c_hat)
    assert abs(2 * u - c_hat - 2 * special.dawsn(u)) <= 1e-14 * max(1.0, c_hat)


def test_a_numerically_zero_cost_is_the_same_value_error():
    messages = set()
    for engine in (reference, native):
        with pytest.raises(ValueError, match="numerically zero") as info:
            engine.optimal_thresholds(1.0, 0.0, 2.0, 5e-324)
        messages.add(str(info.value))
    assert len(messages) == 1


@pytest.mark.parametrize("c_hat", [1e-12, 1e-9, 1e-6, 1e-3])
def test_tiny_costs_give_the_asymptotic_band_on_both_engines(c_hat):
    # 2 (u - D(u)) = 4u^3/3 - 8u^5/15 + ...: the root is (3 c / 4)^(1/3) to leading order
    lead = (0.75 * c_hat) ** (1 / 3)
    assert bertram_gap(lead) == pytest.approx(c_hat, rel=max(1e-15, lead**2))
    for engine in (reference, native):
        band = engine.optimal_thresholds(1.0, 0.0, 1.0, c_hat).band
        assert band == pytest.approx(lead, rel=max(1e-12, 2 * lead**2))


@pytest.mark.parametrize(
    "args",
    [(1.0, 0.0, 1.0, 0.5), (8.0, 1.0, 2.0, 0.1), (250.0, -3.0, 0.05, 0.002), (0.3, 5.0, 4.0, 30.0)],
)
def test_native_optimal_thresholds_equal_reference(args):
    _close(native.optimal_thresholds(*args), reference.optimal_thresholds(*args), rel=1e-10)


def test_native_optimal_thresholds_raise_the_reference_errors():
    for args in [(1.0, 0.0, 1.0, 0.0), (-1.0, 0.0, 1.0, 0.1), (1.0, 0.0, float("nan"), 0.1)]:
        with pytest.raises(ValueError) as ref_err:
            reference.optimal_thresholds(*args)
        with pytest.raises(ValueError) as nat_err:
            native.optimal_thresholds(*args)
        assert str(nat_err.value) == str(ref_err.value)


def test_native_cara_position_is_the_reference_closed_form():
    assert native.cara_position is reference.cara_position
    res = native.cara_position(2.0, 0.0, 1.0, np.linspace(-1, 1, 5), 3.0, 2.0)
    np.testing.assert_allclose(res.position, 2.0 * (0 - np.linspace(-1, 1, 5)) * 5.0 / 3.0)


@pytest.mark.parametrize(("kappa", "seed"), [(3.0, 1), (40.0, 2)])
def test_grid_bootstrap_interval_equals_the_reference(kappa, seed):
    _, _, x = simulate_ou_pair(504, kappa, 0.0, 1.0, 1.0, seed=seed)
    want = reference.ou_fit(x, dt=1 / 252, ci="grid_bootstrap", n_boot=59, seed=seed)
    got = native.ou_fit(x, dt=1 / 252, ci="grid_bootstrap", n_boot=59, seed=seed)
    assert got.ci == want.ci == "grid_bootstrap"
    assert got.kappa_bc == pytest.approx(want.kappa_bc, rel=1e-9)
    assert got.kappa_ci_low == pytest.approx(want.kappa_ci_low, rel=1e-6, abs=1e-9)
    assert got.kappa_ci_high == pytest.approx(want.kappa_ci_high, rel=1e-6)
