"""Test helpers shared by the reference-engine tests (``tests/analytics``) and the native-engine
tests (``tests/backends/test_native_*``): data builders and checks against the independent
libraries. Import as ``from tests.analytics._helpers import ...``."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hmmlearn.hmm import GaussianHMM
from statsmodels.tsa.stattools import adfuller, coint

from lab.analytics.orderbook import BID, LIMIT, SNAPSHOT, BookSnapshot, LOBEvents
from lab.data import simulate_ou_pair

# ------------------------------------------------------------------------------ backtest

NO_LOOK_AHEAD_FIELDS = ("positions", "shares_y", "shares_x", "equity", "zscore", "hedge_ratio")
"""Backtest outputs that must not depend on data after their row."""


def ou_pair(n=1500, seed=0, kappa=25.0, sigma=4.0, beta=1.5):
    """Prices ``(y, x)`` of a simulated cointegrated pair (OU spread around 10, x from 60)."""
    y, x, _ = simulate_ou_pair(n, kappa, 10.0, sigma, beta, seed=seed, x0=60.0)
    return y, x


def perturbed(seed, n, cut, scale):
    """:func:`ou_pair` of ``n`` rows and a copy whose rows after ``cut`` are multiplied by
    log-normal noise of scale ``scale``: ``((y, x), (y2, x2))``."""
    y, x = ou_pair(n, seed=seed % 1000)
    rng = np.random.default_rng(seed)
    y2, x2 = y.copy(), x.copy()
    y2[cut + 1 :] *= np.exp(rng.normal(0, scale, n - cut - 1))
    x2[cut + 1 :] *= np.exp(rng.normal(0, scale, n - cut - 1))
    return (y, x), (y2, x2)


def assert_no_look_ahead(backtest_pairs, params, seed, cut, scale, n=240):
    """Perturbing the prices after row ``t = min(int(cut n), n - 2)`` leaves every
    :data:`NO_LOOK_AHEAD_FIELDS` array of ``backtest_pairs`` unchanged up to row ``t``."""
    t = min(int(cut * n), n - 2)
    (y, x), (y2, x2) = perturbed(seed, n, t, scale)
    a, b = backtest_pairs(y, x, params), backtest_pairs(y2, x2, params)
    keep = slice(0, t + 1)
    for name in NO_LOOK_AHEAD_FIELDS:
        np.testing.assert_array_equal(getattr(a, name)[keep], getattr(b, name)[keep], err_msg=name)


# ------------------------------------------------------------------------------ cointegration

SERIES = np.log(np.linspace(10, 20, 120) + np.sin(np.arange(120)))
"""A short trending, wiggling log-price series for the bad-input tests."""


def coint_all_pairs(prices: np.ndarray) -> dict[tuple[int, int], tuple]:
    """statsmodels ``coint`` on every pair of columns (y = column i, x = column j, i < j):
    ``(statistic, pvalue, crit_values)`` keyed by ``(i, j)``."""
    out = {}
    for i, j in itertools.combinations(range(prices.shape[1]), 2):
        res = coint(prices[:, i], prices[:, j])
        out[(i, j)] = (float(res[0]), float(res[1]), np.asarray(res[2]))
    return out


def check_adf(res, x, tol, icbest_rtol, **kwargs):
    """``res`` (an ADFResult) equals statsmodels ``adfuller(x, **kwargs)``: statistic and
    p-value within ``tol``, identical lags and nobs, critical values to 1e-12 and the best
    information criterion within ``icbest_rtol`` relative (NaN when statsmodels has none)."""
    sm = adfuller(x, result_object=True, **kwargs)
    assert abs(res.statistic - sm.statistic) <= tol
    assert abs(res.pvalue - sm.pvalue) <= tol
    assert res.lags == sm.lags and res.nobs == sm.nobs
    crit = sm.critical_values
    np.testing.assert_allclose(res.crit_values, [crit["1%"], crit["5%"], crit["10%"]], rtol=1e-12)
    if sm.icbest is None:
        assert np.isnan(res.icbest)
    else:
        assert res.icbest == pytest.approx(sm.icbest, rel=icbest_rtol)


# ------------------------------------------------------------------------------ order book

BOOK_FIELDS = ("bid_price", "bid_qty", "ask_price", "ask_qty")


def events(rows):
    """LOBEvents from ``(seq, kind, side, price, qty)`` tuples (time = row number)."""
    a = np.array(rows, dtype=float).reshape(-1, 5)
    return LOBEvents(
        seq=a[:, 0].astype(np.int64),
        time=np.arange(len(a), dtype=float),
        kind=a[:, 1].astype(np.int8),
        side=a[:, 2].astype(np.int8),
        price=a[:, 3],
        qty=a[:, 4],
    )


def update_stream(updates, step):
    """An empty snapshot, then one limit update per ``(side, k, qty)``: bids at
    ``99 - step k``, asks at ``101 + step k`` (so no update crosses)."""
    rows = [(0, SNAPSHOT, BID, 1.0, 0.0)]
    for i, (side, k, q) in enumerate(updates, start=1):
        price = 99.0 - step * k if side == BID else 101.0 + step * k
        rows.append((i, LIMIT, side, price, q))
    return events(rows)


def assert_same_book(a: BookSnapshot, b: BookSnapshot):
    """Same sequence number and exactly the same levels."""
    assert a.seq == b.seq
    for name in BOOK_FIELDS:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)


# ------------------------------------------------------------------------------ regimes

MEANS = np.array([-1.0, 0.5, 2.0])
STDS = np.array([0.5, 0.3, 0.8])
TRANSMAT = np.array([[0.95, 0.04, 0.01], [0.03, 0.94, 0.03], [0.02, 0.08, 0.90]])


def hmmlearn_model(result) -> GaussianHMM:
    """An hmmlearn GaussianHMM holding the parameters of an HMMResult."""
    model = GaussianHMM(n_components=result.means.shape[0], covariance_type="diag")
    model.startprob_ = result.startprob
    model.transmat_ = result.transmat
    model.means_ = result.means
    model.covars_ = result.covars
    return model
