"""Overfitting-aware Sharpe statistics (reference engine): worked values from the papers,
Monte Carlo checks of the standard error and the PSR's calibration, and the CSCV PBO against a
brute-force computation on the rows themselves."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import stats

from lab.analytics import deflated_sharpe, pbo, probabilistic_sharpe, sharpe_se, sweep
from lab.analytics.backtest import CAPITAL, PairParams, backtest_pairs
from lab.analytics.overfitting import (
    dsr_from_moments,
    expected_max_sharpe,
    path_returns,
    psr_from_moments,
    sharpe_moments,
)


def test_deflated_sharpe_reproduces_the_papers_worked_example():
    # Bailey & Lopez de Prado (2014), section 5: T = 1250 days, annualised SR 2.5, skew -3,
    # kurtosis 10, N = 100 trials with annualised Sharpe variance 1/2 -> SR0 = 0.1132, DSR 0.9004
    days = 250
    sr0 = expected_max_sharpe(100, 0.5 / days)
    assert sr0 == pytest.approx(0.1132, abs=5e-5)
    dsr = dsr_from_moments(2.5 / math.sqrt(days), 1250, -3.0, 10.0, 100, 0.5 / days)
    assert dsr == pytest.approx(0.9004, abs=5e-5)


def test_one_trial_is_no_selection():
    r = np.random.default_rng(1).normal(0.05, 1.0, 400)
    assert expected_max_sharpe(1, 0.3) == 0.0
    assert deflated_sharpe(r, 1, 0.3) == probabilistic_sharpe(r)


def test_sharpe_se_is_mertens_formula_on_scipy_moments():
    r = np.random.default_rng(2).gamma(2.0, 0.01, 500) - 0.015  # skewed returns
    sr = r.mean() / r.std(ddof=1)
    g3, g4 = stats.skew(r), stats.kurtosis(r, fisher=False)
    # Mertens (2002) written his way: Lo's IID term plus the skewness and excess-kurtosis terms
    mertens = (1 + sr**2 / 2 - g3 * sr + (g4 - 3) / 4 * sr**2) / (len(r) - 1)
    assert sharpe_se(r) == pytest.approx(math.sqrt(mertens), rel=1e-12)
    assert sharpe_moments(r) == pytest.approx([sr, g3, g4], rel=1e-12)


def test_sharpe_se_matches_lo_for_normal_returns_and_the_monte_carlo_spread_for_skewed():
    rng = np.random.default_rng(3)
    t = 250
    normal = rng.normal(0.1, 1.0, (3000, t))
    lo = math.sqrt((1 + 0.1**2 / 2) / t)  # Lo (2002), IID normal
    assert np.mean([sharpe_se(row) for row in normal[:200]]) == pytest.approx(lo, rel=0.02)
    # strongly skewed returns: the normal formula understates the estimate's spread, Mertens'
    # non-normal one matches the Monte Carlo standard deviation of the estimates
    skewed = rng.lognormal(0.0, 0.9, (3000, t)) - 1.3
    estimates = skewed.mean(axis=1) / skewed.std(axis=1, ddof=1)
    empirical = estimates.std(ddof=1)
    predicted = np.mean([sharpe_se(row) for row in skewed[:300]])
    assert predicted == pytest.approx(empirical, rel=0.08)
    naive = math.sqrt((1 + estimates.mean() ** 2 / 2) / t)
    assert abs(naive - empirical) > 2 * abs(predicted - empirical)


def test_psr_is_calibrated_under_the_null():
    # returns whose true per-period Sharpe ratio equals the benchmark: P(PSR > 0.95) ~ 5%
    rng = np.random.default_rng(4)
    draws = rng.standard_t(6, (2000, 300)) / math.sqrt(1.5) + 0.05
    psr = np.array([probabilistic_sharpe(row, sr_benchmark=0.05) for row in draws])
    assert 0.03 < np.mean(psr > 0.95) < 0.07
    assert abs(np.mean(psr) - 0.5) < 0.03


def test_psr_is_phi_of_the_standardised_gap():
    r = np.random.default_rng(5).normal(0.03, 0.01, 120)
    sr = r.mean() / r.std(ddof=1)
    expected = stats.norm.cdf((sr - 1.0) / sharpe_se(r))
    assert probabilistic_sharpe(r, sr_benchmark=1.0) == pytest.approx(expected, rel=1e-12)
    assert psr_from_moments(math.nan, 0.0, 10, 0.0, 3.0) != psr_from_moments(
        math.nan, 0.0, 10, 0.0, 3.0
    )  # NaN in, NaN out


def test_constant_returns_give_nan_not_an_error():
    flat = np.zeros(50)
    assert math.isnan(sharpe_se(flat))
    assert math.isnan(probabilistic_sharpe(flat))
    assert math.isnan(deflated_sharpe(flat, 10, 0.1))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: sharpe_se([0.1, 0.2]), "at least 3"),
        (lambda: sharpe_se([0.1, np.nan, 0.2, 0.3]), "NaN"),
        (lambda: probabilistic_sharpe([0.1, 0.2, 0.0], sr_benchmark="a"), "sr_benchmark"),
        (lambda: deflated_sharpe([0.1, 0.2, 0.0], 0, 0.1), "n_trials"),
        (lambda: deflated_sharpe([0.1, 0.2, 0.0], 2.5, 0.1), "n_trials"),
        (lambda: deflated_sharpe([0.1, 0.2, 0.0], 3, -0.1), "sr_variance"),
        (lambda: pbo(np.zeros((40, 3)), n_splits=5), "even"),
        (lambda: pbo(np.zeros((40, 3)), n_splits=22), "n_splits"),
        (lambda: pbo(np.zeros((10, 3)), n_splits=8), "at least 16 rows"),
        (lambda: pbo(np.zeros((40, 1)), n_splits=4), "at least 2 columns"),
    ],
)
def test_bad_input_is_a_clear_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def _brute_force_pbo(matrix, n_splits):
    """CSCV straight from the paper: concatenate the rows of the chosen blocks, compute every
    trial's Sharpe ratio on them, rank with scipy."""
    blocks = np.array_split(np.arange(matrix.shape[0]), n_splits)
    k = matrix.shape[1]
    logits = []
    for train in itertools.combinations(range(n_splits), n_splits // 2):
        test = [s for s in range(n_splits) if s not in train]
        rows_in = np.concatenate([blocks[s] for s in train])
        rows_out = np.concatenate([blocks[s] for s in test])
        sr_in = matrix[rows_in].mean(0) / matrix[rows_in].std(0, ddof=1)
        sr_out = matrix[rows_out].mean(0) / matrix[rows_out].std(0, ddof=1)
        best = int(np.argmax(sr_in))
        w = stats.rankdata(sr_out)[best] / (k + 1)
        logits.append(math.log(w / (1 - w)))
    logits = np.array(logits)
    return float(np.mean(logits <= 0)), logits


@pytest.mark.parametrize("n_splits", [4, 8])
def test_pbo_equals_a_brute_force_cscv(n_splits):
    rng = np.random.default_rng(6)
    matrix = rng.normal(0.0, 0.01, (203, 9)) + rng.normal(0, 0.004, (203, 1))
    matrix[:, 2] += 0.001
    expected, logits = _brute_force_pbo(matrix, n_splits)
    result = pbo(matrix, n_splits=n_splits)
    assert result.pbo == expected
    np.testing.assert_allclose(result.logits, logits, rtol=1e-9, atol=1e-12)
    assert result.logits.shape == (math.comb(n_splits, n_splits // 2),)
    np.testing.assert_allclose(result.relative_rank, 1 / (1 + np.exp(-result.logits)), rtol=1e-12)


def test_pbo_separates_noise_from_a_real_edge():
    rng = np.random.default_rng(7)
    noise = rng.normal(0.0, 0.01, (800, 30))
    # among pure noise the in-sample best is usually below the median out of sample: the
    # training and test halves share each trial's full-sample mean, so they anti-correlate
    assert pbo(noise).pbo > 0.5
    edge = noise.copy()
    edge[:, 4] += 0.004  # one trial with a per-period Sharpe of 0.4
    result = pbo(edge)
    assert result.pbo == 0.0
    assert np.all(result.selected == 4)


def test_sweep_carries_trials_and_the_dsr_of_its_best_cell():
    rng = np.random.default_rng(8)
    prices = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, (500, 2)), axis=0))
    y, x = prices[:, 0], prices[:, 1]
    grid = {"lookback": [20, 40], "entry_z": [1.0, 1.5, 2.0]}
    result = sweep(y, x, grid)
    assert result.n_trials == 6
    np.testing.assert_allclose(result.cell_sharpe * math.sqrt(252), result.values, rtol=1e-12)
    i, j = result.best_cell
    assert result.cell_sharpe[i, j] == np.nanmax(result.cell_sharpe)
    best = backtest_pairs(y, x, PairParams(lookback=[20, 40][i], entry_z=[1.0, 1.5, 2.0][j]))
    returns = path_returns(best.equity, best.n_train, len(y), CAPITAL)
    variance = np.var(result.cell_sharpe[np.isfinite(result.cell_sharpe)], ddof=1)
    assert result.best_dsr == pytest.approx(deflated_sharpe(returns, 6, variance), abs=1e-12)
    assert result.n_obs == len(y) - best.n_train


@pytest.mark.slow
def test_best_sweep_cell_of_random_walks_is_deflated_below_095():
    """The issue's criterion: on 200 pairs of independent random walks (no edge), the best cell
    of an 8 x 8 out-of-sample sweep has DSR < 0.95 in at least 95% of the cases (measured:
    0.975 when written)."""
    from lab.backends.native import sweep as native_sweep

    grid = {
        "lookback": [10, 20, 30, 40, 60, 80, 100, 120],
        "entry_z": [1.0, 1.25, 1.5, 1.75, 2.0, 2.25, 2.5, 3.0],
    }
    dsr = []
    for seed in range(200):
        rng = np.random.default_rng(seed)
        prices = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, (1000, 2)), axis=0))
        dsr.append(native_sweep(prices[:, 0], prices[:, 1], grid).best_dsr)
    assert np.mean(np.array(dsr) < 0.95) >= 0.95
