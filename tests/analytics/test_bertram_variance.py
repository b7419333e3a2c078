"""Bertram's return variance and Sharpe-maximising bands, on both engines, against independent
computations: numerical quadrature of the first-passage moment equations and direct
maximisation of the Sharpe ratio."""

import math

import numpy as np
import pytest
from scipy import integrate, optimize, special

from lab.analytics import ou as reference
from lab.analytics.ou import band_moments, native, passage_series
from lab.kernels.ou import passage_series_kernel

ENGINES = [reference, native]
SERIES = [passage_series, passage_series_kernel]


def quadrature_passage(z: float) -> tuple[float, float]:
    """Mean and variance of the first passage of ``dY = -Y ds + sqrt(2) dW`` from ``-z`` up to
    ``z``, from the moment equations ``L T_1 = -1``, ``L T_2 = -2 T_1`` with a natural boundary at
    ``-inf``: ``T_1(x) = int_x^z s(y) M(y) dy``, ``T_2(x) = 2 int_x^z s(y) int_-inf^y m T_1``,
    scale density ``s = exp(y^2 / 2)``, speed density ``m = exp(-y^2 / 2)``, and
    ``s(y) M(y) = sqrt(2 pi) Phi(y) exp(y^2 / 2) = sqrt(pi / 2) erfcx(-y / sqrt 2)``
    (overflow-free). Nested adaptive quadrature (scipy ``quad``)."""

    def s_m(y):
        return math.sqrt(math.pi / 2) * special.erfcx(-y / math.sqrt(2))

    def t1(x):
        return integrate.quad(s_m, x, z, epsabs=0, epsrel=1e-12)[0]

    def inner(y):
        f = integrate.quad(
            lambda u: math.exp(-u * u / 2) * t1(u), -np.inf, y, epsabs=0, epsrel=1e-11
        )
        return f[0]

    t2 = 2 * integrate.quad(lambda y: math.exp(y * y / 2) * inner(y), -z, z, epsrel=1e-10)[0]
    mean = t1(-z)
    return mean, t2 - mean * mean


@pytest.mark.parametrize("series", SERIES)
@pytest.mark.parametrize("z", [0.05, 0.6, 1.3, 2.4])
def test_cycle_variance_equals_quadrature_of_the_first_passage_moments(series, z):
    kappa, sigma = 2.5, 0.8
    band = z * sigma / math.sqrt(2 * kappa)
    cost = 0.5 * band
    cycle, cycle_var, rate, var_rate, _ = band_moments(band, kappa, sigma, cost, 0.0, series)
    mean, var = quadrature_passage(z)
    # a cycle is two independent passages with the same law; time unit 1 / kappa
    assert cycle == pytest.approx(2 * mean / kappa, rel=1e-9)
    assert cycle_var == pytest.approx(2 * var / kappa**2, rel=1e-8)
    per_trade = 2 * band - cost
    assert rate == pytest.approx(per_trade / cycle, rel=1e-14)
    assert var_rate == pytest.approx(per_trade**2 * cycle_var / cycle**3, rel=1e-12)


@pytest.mark.parametrize("z", [1e-6, 0.01, 0.7, 3.0, 9.0, 25.0, 37.0])
def test_series_engines_agree_and_limits_hold(z):
    want = np.array(passage_series(z))
    got = np.array(passage_series_kernel(z))
    # ~z^2 recurrence steps against gammaln in log space: 1e-12 at z = 37
    np.testing.assert_allclose(got, want, rtol=1e-10)
    top, odd, even, rr = want[:4]
    # E[cycle] kappa = 4 O = 2 pi erfi(z / sqrt 2) (Bertram's closed form)
    if z < 30:
        assert 4 * odd * math.exp(top) == pytest.approx(
            2 * math.pi * special.erfi(z / math.sqrt(2)), rel=1e-12
        )
    ratio = reference.cycle_variance_ratio(top, odd, even, rr)
    if z < 0.02:
        # small bands: Var / E -> 2 ln 2 (per passage, hence per cycle of two)
        assert ratio * 4 * odd * math.exp(top) == pytest.approx(2 * math.log(2), rel=1e-3)
    if z > 20:
        # high bands: each passage is nearly exponential, Var = E^2, so the cycle's ratio -> 1/2
        assert ratio == pytest.approx(0.5, rel=2 / z**2)


@pytest.mark.parametrize("engine", ENGINES)
def test_variance_on_the_optimal_band_and_unchanged_return_fields(engine):
    kappa, theta, sigma, cost = 3.0, 2.0, 0.7, 0.2
    th = engine.optimal_thresholds(kappa, theta, sigma, cost)
    mean, var = quadrature_passage(th.entry_z)
    assert th.cycle_time_variance == pytest.approx(2 * var / kappa**2, rel=1e-8)
    assert th.return_variance_rate == pytest.approx(
        th.expected_return_per_trade**2 * th.cycle_time_variance / th.expected_cycle_time**3,
        rel=1e-12,
    )
    assert th.sharpe_ratio == pytest.approx(
        th.expected_return_rate / math.sqrt(th.return_variance_rate), rel=1e-12
    )
    assert th.rf == 0.0
    # with rf = 0 the Sharpe ratio sqrt(E / V) has no maximum: the fields say so
    for name in ("sharpe_band", "sharpe_entry", "sharpe_ratio_max", "sharpe_return_rate"):
        assert math.isnan(getattr(th, name)), name
    # rf does not move the return-maximising band
    with_rf = engine.optimal_thresholds(kappa, theta, sigma, cost, rf=0.05)
    assert with_rf.band == th.band and with_rf.expected_return_rate == th.expected_return_rate


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("kappa", "sigma", "cost", "rf"),
    [(3.0, 0.7, 0.2, 0.05), (8.0, 1.0, 0.05, 0.5), (1.0, 1.0, 0.5, 0.01)],
)
def test_sharpe_band_maximises_the_sharpe_ratio(engine, kappa, sigma, cost, rf):
    th = engine.optimal_thresholds(kappa, 0.0, sigma, cost, rf=rf)

    def sharpe(b):
        rate, var_rate = band_moments(b, kappa, sigma, cost, rf, passage_series)[2:4]
        return (rate - rf) / math.sqrt(var_rate)

    res = optimize.minimize_scalar(
        lambda b: -sharpe(b),
        bounds=(cost / 2 * (1 + 1e-9), th.band),
        method="bounded",
        options={"xatol": 1e-12},
    )
    assert th.sharpe_band == pytest.approx(res.x, rel=1e-4)
    assert th.sharpe_ratio_max == pytest.approx(-res.fun, rel=1e-10)
    assert th.sharpe_ratio_max >= th.sharpe_ratio
    assert cost / 2 < th.sharpe_band < th.band
    # and no band on a fine grid up to four times the return-maximising one does better
    grid = np.linspace(cost / 2 * 1.0001, 4 * th.band, 400)
    assert max(sharpe(b) for b in grid) <= th.sharpe_ratio_max * (1 + 1e-12)
    assert th.sharpe_ratio_max == pytest.approx(sharpe(th.sharpe_band), rel=1e-12)
    assert th.sharpe_entry == -th.sharpe_band and th.sharpe_exit == th.sharpe_band


@pytest.mark.parametrize("engine", ENGINES)
def test_no_sharpe_band_when_rf_beats_every_band(engine):
    th = engine.optimal_thresholds(3.0, 0.0, 0.7, 0.2)
    above = engine.optimal_thresholds(3.0, 0.0, 0.7, 0.2, rf=1.01 * th.expected_return_rate)
    assert math.isnan(above.sharpe_band) and above.sharpe_ratio < 0
    below = engine.optimal_thresholds(3.0, 0.0, 0.7, 0.2, rf=0.99 * th.expected_return_rate)
    assert below.sharpe_band > 0


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("rf", "message"),
    [(-0.1, "rf must be >= 0"), (float("nan"), "rf must be finite"), ("x", "rf must be a number")],
)
def test_rf_is_checked(engine, rf, message):
    with pytest.raises(ValueError, match=message):
        engine.optimal_thresholds(1.0, 0.0, 1.0, 0.1, rf=rf)
