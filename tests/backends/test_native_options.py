"""Native options engine (numba kernels) against the reference engine."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from lab.analytics import options as ref
from lab.analytics.options import native as nat


@pytest.fixture(scope="module")
def chain():
    rng = np.random.default_rng(11)
    n = 2000
    spot = rng.uniform(50, 150, n)
    return {
        "spot": spot,
        "strike": spot * rng.uniform(0.6, 1.4, n),
        "t": np.where(rng.random(n) < 0.05, 0.0, rng.uniform(0.01, 3.0, n)),
        "rate": rng.uniform(-0.01, 0.08, n),
        "vol": np.where(rng.random(n) < 0.05, 0.0, rng.uniform(0.05, 1.5, n)),
        "kind": np.where(rng.random(n) < 0.5, "call", "put"),
        "dividend": rng.uniform(0.0, 0.05, n),
    }


def test_signatures_match_reference():
    for name in ("bs_price", "bs_greeks", "implied_vol", "strategy_payoff"):
        assert inspect.signature(getattr(nat, name)) == inspect.signature(getattr(ref, name))


def test_price_and_greeks_equal_reference(chain):
    c = chain
    args = (c["spot"], c["strike"], c["t"], c["rate"], c["vol"], c["kind"], c["dividend"])
    np.testing.assert_allclose(nat.bs_price(*args), ref.bs_price(*args), rtol=1e-13, atol=1e-12)
    g_nat, g_ref = nat.bs_greeks(*args), ref.bs_greeks(*args)
    for field in ("delta", "gamma", "vega", "theta", "rho"):
        np.testing.assert_allclose(
            getattr(g_nat, field), getattr(g_ref, field), rtol=1e-12, atol=1e-11
        )


def test_broadcast_shape_equal_reference():
    spot = np.linspace(80, 120, 5)[:, None]
    strike = np.array([90.0, 100.0, 110.0])
    a = nat.bs_price(spot, strike, 0.5, 0.01, 0.3, "put")
    assert a.shape == (5, 3)
    np.testing.assert_allclose(a, ref.bs_price(spot, strike, 0.5, 0.01, 0.3, "put"), rtol=1e-14)


def test_implied_vol_equals_reference(chain):
    c = {k: v[:400] for k, v in chain.items()}
    prices = ref.bs_price(
        c["spot"], c["strike"], c["t"], c["rate"], c["vol"], c["kind"], c["dividend"]
    )
    # add arbitrage violations and missing quotes
    prices = prices.copy()
    prices[::37] = -1.0
    prices[5::41] = c["spot"][5::41] * 2
    prices[7::43] = np.nan
    args = (prices, c["spot"], c["strike"], c["t"], c["rate"], c["kind"], c["dividend"])
    a, b = nat.implied_vol(*args), ref.implied_vol(*args)
    np.testing.assert_array_equal(a.code, b.code)
    assert a.reasons == b.reasons
    np.testing.assert_array_equal(np.isnan(a.vol), np.isnan(b.vol))
    ok = a.code == ref.IV_OK
    vega = ref.bs_greeks(
        c["spot"],
        c["strike"],
        c["t"],
        c["rate"],
        np.where(ok, b.vol, 0.2),
        c["kind"],
        c["dividend"],
    ).vega
    well = ok & (vega > 1e-2)
    assert well.sum() > 200
    np.testing.assert_allclose(a.vol[well], b.vol[well], rtol=0, atol=1e-10)
    # elsewhere both reproduce the price
    repriced = nat.bs_price(
        c["spot"][ok],
        c["strike"][ok],
        c["t"][ok],
        c["rate"][ok],
        a.vol[ok],
        c["kind"][ok],
        c["dividend"][ok],
    )
    np.testing.assert_allclose(repriced, prices[ok], rtol=1e-9, atol=1e-10)


def test_strategy_payoff_equals_reference():
    spots = np.linspace(50, 150, 201)
    for name in ref.PRESETS:
        strat = ref.strategy_preset(name, 100.0, 7.5, expiry=0.4, vol=0.3, rate=0.03, dividend=0.01)
        a = nat.strategy_payoff(strat, spots, t=0.1)
        b = ref.strategy_payoff(strat, spots, t=0.1)
        for field in (
            "payoff_at_expiry",
            "value_now",
            "pnl_now",
            "delta_now",
            "gamma_now",
            "breakevens",
        ):
            np.testing.assert_allclose(getattr(a, field), getattr(b, field), rtol=1e-12, atol=1e-11)
        assert a.cost == b.cost and a.max_loss == pytest.approx(b.max_loss, abs=1e-11)


def test_native_bad_input_raises_like_reference():
    for fn in (nat.bs_price, ref.bs_price):
        with pytest.raises(ValueError, match="vol"):
            fn(100.0, 100.0, 1.0, 0.0, -0.1)
    for fn in (nat.implied_vol, ref.implied_vol):
        with pytest.raises(ValueError, match="spot"):
            fn(5.0, -100.0, 100.0, 1.0, 0.0)
