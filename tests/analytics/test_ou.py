"""Reference OU analytics: MLE recovery and standard errors, Bertram bands, CARA position."""

import math

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import optimize, special
from scipy.signal import lfilter

from lab.analytics.ou import (
    CARAPosition,
    OUFit,
    Thresholds,
    bertram_rate,
    cara_position,
    optimal_thresholds,
    ou_fit,
)
from lab.data import simulate_ou_pair

# ------------------------------------------------------------------------------------ ou_fit


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_ou_fit_recovers_simulated_parameters_within_three_standard_errors(seed):
    kappa, theta, sigma = 12.0, 0.5, 1.5
    _, _, spread = simulate_ou_pair(4000, kappa, theta, sigma, beta=1.3, dt=1 / 252, seed=seed)
    fit = ou_fit(spread, dt=1 / 252)
    assert isinstance(fit, OUFit)
    assert abs(fit.kappa - kappa) < 3 * fit.kappa_se
    assert abs(fit.theta - theta) < 3 * fit.theta_se
    assert abs(fit.sigma - sigma) < 3 * fit.sigma_se
    assert fit.nobs == 3999 and fit.dt == 1 / 252
    assert fit.half_life == pytest.approx(math.log(2) / fit.kappa, rel=1e-14)
    assert fit.half_life_se == pytest.approx(math.log(2) / fit.kappa**2 * fit.kappa_se, rel=1e-14)
    assert fit.ar_coef == pytest.approx(math.exp(-fit.kappa / 252), rel=1e-14)


def test_ou_fit_is_the_ar1_regression_and_its_likelihood():
    """The MLE is the OLS fit of x[t+1] on (1, x[t]) (statsmodels), with v = RSS / n."""
    _, _, spread = simulate_ou_pair(2500, 6.0, -1.0, 0.8, beta=1.0, dt=1 / 252, seed=11)
    fit = ou_fit(spread, dt=1 / 252)
    ols = sm.OLS(spread[1:], sm.add_constant(spread[:-1])).fit()
    c, a = ols.params
    n = spread.size - 1
    v = ols.ssr / n
    assert fit.ar_coef == pytest.approx(a, rel=1e-10)
    assert fit.kappa == pytest.approx(-math.log(a) * 252, rel=1e-9)
    assert fit.theta == pytest.approx(c / (1 - a), rel=1e-9)
    assert fit.sigma == pytest.approx(
        math.sqrt(2 * (-math.log(a) * 252) * v / (1 - a * a)), rel=1e-9
    )
    assert fit.loglik == pytest.approx(-0.5 * n * (math.log(2 * math.pi * v) + 1), rel=1e-9)
    # the OLS slope's standard error (with the MLE variance) maps to se(kappa) by the delta method
    se_a = math.sqrt(v / np.sum((spread[:-1] - spread[:-1].mean()) ** 2))
    assert fit.kappa_se == pytest.approx(se_a / a * 252, rel=1e-7)


def test_ou_fit_standard_errors_match_the_sampling_spread():
    """Over many simulated paths the z-scores (estimate - truth) / se have unit spread."""
    kappa, theta, sigma = 20.0, 0.0, 1.0
    z = []
    for seed in range(40):
        _, _, s = simulate_ou_pair(1500, kappa, theta, sigma, beta=1.0, dt=1 / 252, seed=100 + seed)
        f = ou_fit(s, dt=1 / 252)
        z.append(
            [
                (f.kappa - kappa) / f.kappa_se,
                (f.theta - theta) / f.theta_se,
                (f.sigma - sigma) / f.sigma_se,
            ]
        )
    z = np.asarray(z)
    sd = z.std(axis=0, ddof=1)
    assert np.all((sd > 0.6) & (sd < 1.5)), sd
    assert np.all(np.abs(z.mean(axis=0)) < 1.0), z.mean(axis=0)


def test_ou_fit_units_follow_dt():
    _, _, s = simulate_ou_pair(2000, 10.0, 0.0, 1.0, beta=1.0, dt=1 / 252, seed=5)
    daily = ou_fit(s, dt=1.0)
    annual = ou_fit(s, dt=1 / 252)
    assert annual.kappa == pytest.approx(daily.kappa * 252, rel=1e-5)
    assert annual.half_life == pytest.approx(daily.half_life / 252, rel=1e-5)
    assert annual.sigma == pytest.approx(daily.sigma * math.sqrt(252), rel=1e-5)
    assert annual.theta == pytest.approx(daily.theta, rel=1e-5, abs=1e-8)


@pytest.mark.parametrize(
    ("series", "message"),
    [
        (
            lfilter([1.0], [1.0, -1.02], np.random.default_rng(0).standard_normal(300)),
            "does not mean-revert",
        ),
        (np.exp(np.linspace(0, 5, 200)), "does not mean-revert"),
        ((-1.0) ** np.arange(100) + np.random.default_rng(1).normal(0, 0.01, 100), "<= 0"),
        (np.ones(50), "constant"),
        (np.r_[np.ones(30), 2.0], "constant"),
        (3 + 10 * 0.9 ** np.arange(50), "deterministic AR"),
        (np.arange(5.0), "too short"),
        (np.r_[np.ones(20), np.nan, np.ones(20)], "non-finite"),
        (np.ones((20, 2)), "1-D"),
        (["a", "b"] * 10, "numbers"),
    ],
)
def test_ou_fit_rejects_bad_series(series, message):
    with pytest.raises(ValueError, match=message):
        ou_fit(series)


@pytest.mark.parametrize("dt", [0.0, -1.0, float("nan"), "x"])
def test_ou_fit_rejects_bad_dt(dt):
    _, _, s = simulate_ou_pair(200, 10.0, 0.0, 1.0, beta=1.0, seed=0)
    with pytest.raises(ValueError, match="dt"):
        ou_fit(s, dt=dt)


# -------------------------------------------------------------------------- optimal_thresholds


def test_bertram_band_maximises_the_expected_return_rate():
    kappa, theta, sigma, cost = 3.0, 2.0, 0.7, 0.2
    th = optimal_thresholds(kappa, theta, sigma, cost)
    assert isinstance(th, Thresholds)
    # an independent numerical maximisation of (2b - c) / E[T] over the half-width b
    res = optimize.minimize_scalar(
        lambda b: -bertram_rate(b, kappa, sigma, cost),
        bounds=(cost / 2, 10 * sigma / math.sqrt(kappa)),
        method="bounded",
        options={"xatol": 1e-10},
    )
    assert th.band == pytest.approx(res.x, rel=1e-6)
    # Bertram's first-order condition in its original (erfi) form
    k = math.sqrt(kappa) / sigma
    lhs = math.exp(k**2 * th.band**2) * (2 * th.band - cost) * k
    assert lhs == pytest.approx(math.sqrt(math.pi) * special.erfi(k * th.band), rel=1e-12)
    assert th.entry == pytest.approx(theta - th.band) and th.exit == pytest.approx(theta + th.band)
    cycle = math.pi / kappa * (special.erfi(k * th.band) - special.erfi(-k * th.band))
    assert th.expected_cycle_time == pytest.approx(cycle, rel=1e-14)
    assert th.expected_return_rate == pytest.approx((2 * th.band - cost) / cycle, rel=1e-14)
    assert th.expected_return_per_trade == pytest.approx(2 * th.band - cost)
    assert th.entry_z == pytest.approx(th.band / (sigma / math.sqrt(2 * kappa)))


def test_symmetric_bands_are_optimal_over_asymmetric_entry_and_exit():
    """Bertram's symmetry result: no (entry, exit) pair beats the symmetric optimum."""
    kappa, sigma, cost = 1.0, 1.0, 0.5
    th = optimal_thresholds(kappa, 0.0, sigma, cost)
    k = math.sqrt(kappa) / sigma

    def rate(p):
        a, m = p
        if m - a <= cost:
            return 0.0
        return (m - a - cost) * kappa / (math.pi * (special.erfi(k * m) - special.erfi(k * a)))

    res = optimize.minimize(
        lambda p: -rate(p),
        x0=[-0.3, 1.2],
        method="Nelder-Mead",
        options={"xatol": 1e-10, "fatol": 1e-14},
    )
    assert res.x[0] == pytest.approx(th.entry, abs=1e-5)
    assert res.x[1] == pytest.approx(th.exit, abs=1e-5)
    assert -res.fun == pytest.approx(th.expected_return_rate, rel=1e-9)


def _simulate_ou(kappa, theta, sigma, dt, n, seed):
    rng = np.random.default_rng(seed)
    a = math.exp(-kappa * dt)
    e = rng.standard_normal(n) * sigma * math.sqrt((1 - a * a) / (2 * kappa))
    e[0] = rng.standard_normal() * sigma / math.sqrt(2 * kappa)
    return lfilter([1.0], [1.0, -a], e) + theta


def _realised_rate(path, entry, exit_, cost, dt, blocks):
    """Buy at the first sample <= entry, sell at the next sample >= exit; P&L per unit time of
    each of ``blocks`` equal time blocks (by exit time)."""
    below = np.flatnonzero(path <= entry)
    above = np.flatnonzero(path >= exit_)
    block = path.size // blocks
    pnl = np.zeros(blocks)
    t = 0
    while True:
        i = np.searchsorted(below, t)
        if i >= below.size:
            break
        j = np.searchsorted(above, below[i])
        if j >= above.size:
            break
        pnl[min(above[j] // block, blocks - 1)] += path[above[j]] - path[below[i]] - cost
        t = above[j]
    return pnl / (block * dt)


def test_bertram_bands_beat_neighbouring_bands_on_simulated_paths():
    kappa, theta, sigma, cost = 1.0, 3.0, 1.0, 0.5
    th = optimal_thresholds(kappa, theta, sigma, cost)
    dt, blocks = 0.005, 40
    path = _simulate_ou(kappa, theta, sigma, dt, int(30000 / dt), seed=7)
    rates = {
        f: _realised_rate(path, theta - f * th.band, theta + f * th.band, cost, dt, blocks)
        for f in (0.7, 1.0, 1.4)
    }
    best = rates[1.0]
    # realised rate at the optimum matches Bertram's expectation (MC error plus a small
    # discrete-monitoring effect)
    assert best.mean() == pytest.approx(th.expected_return_rate, rel=0.05)
    for f in (0.7, 1.4):
        diff = best - rates[f]  # same path: common random numbers
        se = diff.std(ddof=1) / math.sqrt(blocks)
        assert diff.mean() > 3 * se, (f, diff.mean(), se)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0.0, 0.0, 1.0, 0.1), "kappa"),
        ((1.0, 0.0, -1.0, 0.1), "sigma"),
        ((1.0, 0.0, 1.0, 0.0), "cost"),
        ((1.0, float("nan"), 1.0, 0.1), "theta"),
        ((1.0, 0.0, 1.0, "x"), "cost"),
    ],
)
def test_optimal_thresholds_rejects_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        optimal_thresholds(*args)


# ----------------------------------------------------------------------------- cara_position


def test_cara_position_solves_the_hjb_equation():
    """Finite-difference HJB residual of V = -exp(-gamma (w + CE)) vanishes, and the returned
    position maximises the Hamiltonian."""
    kappa, theta, sigma, gamma = 1.7, 0.4, 0.9, 2.5
    w = 0.3

    def value(tau, x):
        ce = cara_position(kappa, theta, sigma, x, gamma, tau).certainty_equivalent
        return -math.exp(-gamma * (w + ce))

    for tau, x in [(0.5, 1.0), (2.0, -0.3), (1.0, 0.4)]:
        h = 1e-4
        v = value(tau, x)
        v_tau = (value(tau + h, x) - value(tau - h, x)) / (2 * h)
        v_x = (value(tau, x + h) - value(tau, x - h)) / (2 * h)
        v_xx = (value(tau, x + h) - 2 * v + value(tau, x - h)) / h**2
        v_w, v_ww = -gamma * v, gamma**2 * v
        v_wx = -gamma * v_x
        drift = kappa * (theta - x)
        pi = cara_position(kappa, theta, sigma, x, gamma, tau).position

        # the pi-dependent part of the HJB operator: drift, variance and wealth-state terms
        def hamiltonian(p, drift=drift, v_w=v_w, v_ww=v_ww, v_wx=v_wx):
            return p * drift * v_w + 0.5 * p**2 * sigma**2 * v_ww + p * sigma**2 * v_wx

        residual = -v_tau + hamiltonian(pi) + drift * v_x + 0.5 * sigma**2 * v_xx
        assert abs(residual) < 1e-6 * abs(v)
        assert hamiltonian(pi) >= max(hamiltonian(pi * 1.01), hamiltonian(pi * 0.99))


def test_cara_position_beats_other_policies_by_monte_carlo():
    kappa, theta, sigma, gamma, tau, x0 = 1.0, 0.0, 1.0, 1.0, 1.0, 1.0
    steps, paths = 200, 40000
    dt = tau / steps
    a = math.exp(-kappa * dt)
    shocks = np.random.default_rng(3).standard_normal((steps, paths))
    shocks *= sigma * math.sqrt((1 - a * a) / (2 * kappa))

    def utility(scale, myopic=False):
        x = np.full(paths, x0)
        wealth = np.zeros(paths)
        for i in range(steps):
            horizon = 0.0 if myopic else tau - i * dt
            pos = cara_position(kappa, theta, sigma, x, gamma, horizon).position * scale
            nxt = theta + (x - theta) * a + shocks[i]
            wealth += pos * (nxt - x)
            x = nxt
        return -np.exp(-gamma * wealth)

    best = utility(1.0)
    theory = cara_position(kappa, theta, sigma, x0, gamma, tau)
    ce = -math.log(-best.mean()) / gamma
    assert ce == pytest.approx(theory.certainty_equivalent, rel=0.06)
    for other in (utility(0.6), utility(1.5), utility(1.0, myopic=True)):
        diff = other - best
        assert diff.mean() < -2 * diff.std() / math.sqrt(paths)


def test_cara_position_closed_form_and_shapes():
    res = cara_position(2.0, 1.0, 0.5, 0.0, 4.0, 0.5)
    assert isinstance(res, CARAPosition)
    myopic = 2.0 * 1.0 / (4.0 * 0.25)
    assert res.myopic_position == pytest.approx(myopic)
    assert res.position == pytest.approx(myopic * 2.0)
    assert res.hedging_position == pytest.approx(myopic)
    assert res.certainty_equivalent == pytest.approx((4 * 0.5 * 1 / 0.5 + 4 * 0.25 / 4) / 4.0)
    arr = cara_position(2.0, 1.0, 0.5, [0.0, 1.0, 2.0], 4.0, 0.0)
    np.testing.assert_allclose(arr.position, [2.0, 0.0, -2.0])
    assert arr.hedging_position.tolist() == [0.0, 0.0, 0.0]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"gamma": 0.0}, "gamma"),
        ({"horizon": -1.0}, "horizon"),
        ({"kappa": float("inf")}, "kappa"),
        ({"x": [0.0, float("nan")]}, "x must be finite"),
        ({"sigma": 0.0}, "sigma"),
    ],
)
def test_cara_position_rejects_bad_input(kwargs, message):
    args = {"kappa": 1.0, "theta": 0.0, "sigma": 1.0, "x": 0.5, "gamma": 1.0, "horizon": 1.0}
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        cara_position(**args)


# ------------------------------------------------------------------- bias correction, intervals


def _ou_paths(kappa, years, count, first_seed=500):
    from lab.data import simulate_ou_pair

    n = int(years * 252)
    return [simulate_ou_pair(n, kappa, 0.0, 1.0, 1.0, seed=first_seed + i)[2] for i in range(count)]


def test_kappa_bc_is_the_kendall_marriott_pope_correction():
    x = _ou_paths(3.0, 4, 1)[0]
    fit = ou_fit(x, dt=1 / 252)
    n = fit.nobs
    a_bc = (n * fit.ar_coef + 1) / (n - 3)
    assert fit.kappa_bc == pytest.approx(-np.log(a_bc) * 252, rel=1e-12)
    assert fit.kappa_bc < fit.kappa  # the MLE overstates mean reversion
    assert fit.ci == "wald"
    assert fit.kappa_ci_low == pytest.approx(max(fit.kappa - 1.959964 * fit.kappa_se, 0), rel=1e-6)
    assert fit.kappa_ci_high == pytest.approx(fit.kappa + 1.959964 * fit.kappa_se, rel=1e-6)


def test_bias_correction_removes_most_of_the_bias_at_kappa_t_12():
    from lab.backends.native import ou_fit as native_fit

    fits = [native_fit(x, dt=1 / 252) for x in _ou_paths(3.0, 4, 300)]
    mle = np.mean([f.kappa for f in fits]) / 3.0 - 1
    corrected = np.nanmean([f.kappa_bc for f in fits]) / 3.0 - 1
    assert mle > 0.2  # the known upward bias of the MLE (about +36%)
    assert abs(corrected) < 0.4 * mle


def test_grid_bootstrap_interval_is_wider_on_the_slow_side():
    x = _ou_paths(3.0, 4, 1, first_seed=9)[0]  # an interval that stops short of kappa = 0
    wald = ou_fit(x, dt=1 / 252)
    grid = ou_fit(x, dt=1 / 252, ci="grid_bootstrap", n_boot=99, seed=3)
    assert grid.ci == "grid_bootstrap"
    assert 0 < grid.kappa_ci_low < grid.kappa < grid.kappa_ci_high
    assert grid.kappa == wald.kappa and grid.kappa_se == wald.kappa_se
    # near a unit root the AR coefficient's law is skewed: the interval is not symmetric
    assert grid.kappa_ci_high - grid.kappa != pytest.approx(
        grid.kappa - grid.kappa_ci_low, rel=0.05
    )
    again = ou_fit(x, dt=1 / 252, ci="grid_bootstrap", n_boot=99, seed=3)
    assert (again.kappa_ci_low, again.kappa_ci_high) == (grid.kappa_ci_low, grid.kappa_ci_high)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"ci": "profile"}, "ci must be one of"),
        ({"n_boot": 5}, "n_boot must be between"),
        ({"n_boot": 99.0}, "n_boot must be an integer"),
        ({"seed": -1}, "seed must be a non-negative integer"),
    ],
)
def test_interval_options_are_checked(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ou_fit(_ou_paths(3.0, 1, 1)[0], **kwargs)


def test_grid_bootstrap_critical_values_are_the_unbiased_order_statistics():
    """With B = 199 draws the critical values are the 5th and 195th smallest (expected
    probabilities exactly 0.025 and 0.975), not NumPy's default interpolation (~5.95th)."""
    from lab.analytics.ou import kappa_interval

    rng = np.random.default_rng(4)
    draws = np.sort(rng.standard_normal(199))
    a_hat, se, dt = 0.95, 0.01, 1 / 252
    low, high = kappa_interval(
        a_hat, se, 500, dt, "grid_bootstrap", 199, 0, 1.0, 1.0, lambda a0, shocks: draws
    )
    # t(a0) = (a_hat - a0) / se is accepted for q_lo <= t <= q_hi: a in [a_hat - q_hi se,
    # a_hat - q_lo se], mapped through kappa = -ln(a) / dt
    assert high == pytest.approx(-math.log(a_hat - draws[194] * se) / dt, rel=1e-12)
    assert low == pytest.approx(-math.log(a_hat - draws[4] * se) / dt, rel=1e-12)
