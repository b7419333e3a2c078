"""Reference options analytics: Black-Scholes prices, greeks, implied volatility, strategies."""

from __future__ import annotations

import numpy as np
import pytest

from lab.analytics.options import (
    IV_ABOVE_UPPER,
    IV_BELOW_LOWER,
    IV_EXPIRED,
    IV_NO_TIME_VALUE,
    IV_NOT_FINITE,
    IV_OK,
    PRESETS,
    OptionStrategy,
    bs_greeks,
    bs_price,
    implied_vol,
    strategy_payoff,
    strategy_preset,
)


@pytest.fixture(scope="module")
def grid():
    rng = np.random.default_rng(7)
    n = 400
    return {
        "spot": rng.uniform(50, 150, n),
        "strike": rng.uniform(60, 140, n),
        "t": rng.uniform(0.05, 2.0, n),
        "rate": rng.uniform(-0.01, 0.08, n),
        "vol": rng.uniform(0.08, 0.9, n),
        "dividend": rng.uniform(0.0, 0.05, n),
    }


def test_hull_textbook_values():
    # Hull, Options, Futures and Other Derivatives, Example 15.6: S=42, K=40, r=10%, sigma=20%,
    # T=0.5 gives c = 4.76 and p = 0.81 (two decimals).
    assert float(bs_price(42, 40, 0.5, 0.1, 0.2, "call")) == pytest.approx(4.76, abs=5e-3)
    assert float(bs_price(42, 40, 0.5, 0.1, 0.2, "put")) == pytest.approx(0.81, abs=5e-3)


def test_put_call_parity(grid):
    g = grid
    call = bs_price(g["spot"], g["strike"], g["t"], g["rate"], g["vol"], "call", g["dividend"])
    put = bs_price(g["spot"], g["strike"], g["t"], g["rate"], g["vol"], "put", g["dividend"])
    forward = g["spot"] * np.exp(-g["dividend"] * g["t"]) - g["strike"] * np.exp(
        -g["rate"] * g["t"]
    )
    np.testing.assert_allclose(call - put, forward, rtol=0, atol=1e-10)
    assert np.all(call >= np.maximum(forward, 0) - 1e-12)


def test_broadcasting_and_kind_spellings():
    spot = np.array([[90.0], [100.0], [110.0]])
    strike = np.array([95.0, 100.0, 105.0, 110.0])
    out = bs_price(spot, strike, 0.5, 0.02, 0.25)
    assert out.shape == (3, 4)
    assert out[1, 1] == pytest.approx(float(bs_price(100, 100, 0.5, 0.02, 0.25)), rel=1e-15)
    kinds = np.array(["call", "put", "C", "p"])
    mixed = bs_price(100.0, strike, 0.5, 0.02, 0.25, kinds)
    assert mixed[0] == pytest.approx(float(bs_price(100, 95, 0.5, 0.02, 0.25, "call")))
    assert mixed[3] == pytest.approx(float(bs_price(100, 110, 0.5, 0.02, 0.25, "put")))


def test_expiry_and_zero_vol_limits():
    strikes = np.array([80.0, 100.0, 120.0])
    np.testing.assert_allclose(bs_price(100, strikes, 0.0, 0.05, 0.3, "call"), [20.0, 0.0, 0.0])
    np.testing.assert_allclose(bs_price(100, strikes, 0.0, 0.05, 0.3, "put"), [0.0, 0.0, 20.0])
    # zero vol: discounted intrinsic value of the forward
    t, r = 1.0, 0.05
    expected = np.maximum(100 - strikes * np.exp(-r * t), 0)
    np.testing.assert_allclose(bs_price(100, strikes, t, r, 0.0, "call"), expected, atol=1e-12)
    g = bs_greeks(100, strikes, 0.0, 0.05, 0.3, "call")
    np.testing.assert_array_equal(g.delta, [1.0, 0.5, 0.0])
    assert g.gamma[0] == 0 and np.isinf(g.gamma[1]) and g.gamma[2] == 0


@pytest.mark.parametrize("kind", ["call", "put"])
def test_greeks_match_finite_differences(grid, kind):
    g = {k: v[:150] for k, v in grid.items()}
    s, k, t, r, v, q = g["spot"], g["strike"], g["t"], g["rate"], g["vol"], g["dividend"]
    greeks = bs_greeks(s, k, t, r, v, kind, q)

    def price(**over):
        args = {"spot": s, "strike": k, "t": t, "rate": r, "vol": v, "dividend": q} | over
        return bs_price(
            args["spot"],
            args["strike"],
            args["t"],
            args["rate"],
            args["vol"],
            kind,
            args["dividend"],
        )

    hd = 1e-5 * s
    delta = (price(spot=s + hd) - price(spot=s - hd)) / (2 * hd)
    hs = 1e-3 * s
    gamma = (price(spot=s + hs) - 2 * price() + price(spot=s - hs)) / hs**2
    hv = 1e-5
    vega = (price(vol=v + hv) - price(vol=v - hv)) / (2 * hv)
    ht = 1e-6
    theta = -(price(t=t + ht) - price(t=t - ht)) / (2 * ht)
    hr = 1e-6
    rho = (price(rate=r + hr) - price(rate=r - hr)) / (2 * hr)
    np.testing.assert_allclose(greeks.delta, delta, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(greeks.gamma, gamma, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(greeks.vega, vega, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(greeks.theta, theta, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(greeks.rho, rho, rtol=1e-6, atol=1e-6)


def test_implied_vol_inverts_price():
    rng = np.random.default_rng(3)
    n = 120
    spot = rng.uniform(80, 120, n)
    strike = spot * rng.uniform(0.8, 1.2, n)
    t = rng.uniform(0.1, 2.0, n)
    rate = rng.uniform(0.0, 0.05, n)
    vol = rng.uniform(0.1, 1.2, n)
    kind = np.where(rng.random(n) < 0.5, "call", "put")
    price = bs_price(spot, strike, t, rate, vol, kind, 0.01)
    iv = implied_vol(price, spot, strike, t, rate, kind, 0.01)
    assert np.all(iv.code == IV_OK)
    np.testing.assert_allclose(iv.vol, vol, rtol=0, atol=1e-9)


def test_implied_vol_flags_arbitrage_with_reasons():
    s, k, t, r = 100.0, 90.0, 1.0, 0.05
    lower = s - k * np.exp(-r * t)
    prices = np.array([lower - 1.0, lower, 100.0, 150.0, np.nan, 15.0])
    times = np.array([t, t, t, t, t, 0.0])
    iv = implied_vol(prices, s, k, times, r, "call")
    assert list(iv.code) == [
        IV_BELOW_LOWER,
        IV_NO_TIME_VALUE,
        IV_ABOVE_UPPER,
        IV_ABOVE_UPPER,
        IV_NOT_FINITE,
        IV_EXPIRED,
    ]
    assert np.all(np.isnan(iv.vol))
    assert "lower bound" in iv.reason[0] and "upper bound" in iv.reason[2]
    assert iv.n_failed == 6
    # a put above the discounted strike is an arbitrage too
    assert implied_vol(95.0, 100.0, 100.0, 1.0, 0.1, "put").code == IV_ABOVE_UPPER


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"spot": -1.0}, "spot"),
        ({"strike": 0.0}, "strike"),
        ({"t": -0.5}, "t:"),
        ({"vol": -0.2}, "vol"),
        ({"rate": np.nan}, "rate"),
        ({"kind": "straddle"}, "kind"),
        ({"spot": np.ones(3), "strike": np.ones(4)}, "broadcast"),
    ],
)
def test_bad_input_raises(kwargs, match):
    args = {
        "spot": 100.0,
        "strike": 100.0,
        "t": 1.0,
        "rate": 0.01,
        "vol": 0.2,
        "kind": "call",
    } | kwargs
    with pytest.raises(ValueError, match=match):
        bs_price(**args)


# --------------------------------------------------------------------------------------------
# strategies
# --------------------------------------------------------------------------------------------

K0, W = 100.0, 10.0


def payoff_at(name: str, spots) -> np.ndarray:
    strat = strategy_preset(name, K0, W, expiry=0.5, vol=0.25, rate=0.02)
    return strategy_payoff(strat, np.asarray(spots, dtype=float)).payoff_at_expiry


@pytest.mark.parametrize(
    ("name", "spots", "expected"),
    [
        ("long_call", [80, 100, 130], [0, 0, 30]),
        ("long_put", [80, 100, 130], [20, 0, 0]),
        ("straddle", [80, 100, 115], [20, 0, 15]),
        ("strangle", [80, 90, 100, 110, 125], [10, 0, 0, 0, 15]),
        ("bull_call_spread", [80, 100, 105, 110, 150], [0, 0, 5, 10, 10]),
        ("bear_call_spread", [80, 100, 105, 110, 150], [0, 0, -5, -10, -10]),
        ("bull_put_spread", [50, 90, 95, 100, 150], [-10, -10, -5, 0, 0]),
        ("bear_put_spread", [50, 90, 95, 100, 150], [10, 10, 5, 0, 0]),
        ("butterfly", [80, 90, 95, 100, 105, 110, 130], [0, 0, 5, 10, 5, 0, 0]),
        (
            "iron_condor",
            [60, 80, 85, 90, 100, 110, 115, 120, 140],
            [-10, -10, -5, 0, 0, 0, -5, -10, -10],
        ),
        ("covered_call", [50, 100, 110, 150], [50, 100, 110, 110]),
        ("protective_put", [50, 90, 100, 150], [90, 90, 100, 150]),
    ],
)
def test_preset_payoffs_at_known_points(name, spots, expected):
    np.testing.assert_allclose(payoff_at(name, spots), expected, atol=1e-12)


def test_all_presets_listed_and_value_consistent():
    spots = np.linspace(60, 140, 81)
    for name in PRESETS:
        strat = strategy_preset(name, K0, W, expiry=0.5, vol=0.25, rate=0.02)
        res = strategy_payoff(strat, spots, t=0.0)
        # at inception, at the current spot, the position is worth what was paid for it
        i = int(np.argmin(np.abs(spots - K0)))
        assert res.value_now[i] == pytest.approx(strat.cost, abs=1e-10)
        np.testing.assert_allclose(res.pnl_at_expiry, res.payoff_at_expiry - strat.cost)
        # just before expiry the value converges to the payoff
        late = strategy_payoff(strat, spots, t=0.5 - 1e-9)
        np.testing.assert_allclose(late.value_now, res.payoff_at_expiry, atol=1e-3)
        # delta matches the slope of the value
        bumped = strategy_payoff(strat, spots * (1 + 1e-6), t=0.1).value_now
        base = strategy_payoff(strat, spots, t=0.1)
        np.testing.assert_allclose(
            base.delta_now, (bumped - base.value_now) / (spots * 1e-6), rtol=1e-3, atol=1e-4
        )


def test_straddle_breakevens_and_extremes():
    strat = strategy_preset("straddle", K0, W, expiry=0.5, vol=0.25, rate=0.0)
    res = strategy_payoff(strat, np.linspace(50, 150, 1001))
    np.testing.assert_allclose(res.breakevens, [K0 - strat.cost, K0 + strat.cost], atol=1e-9)
    assert res.max_loss == pytest.approx(-strat.cost)


def test_custom_strategy_from_mapping_and_calendar_leg():
    legs = {
        "kinds": ("call", "call"),
        "strikes": [100.0, 100.0],
        "quantities": [-1.0, 1.0],
        "expiries": [0.25, 0.5],
        "premiums": [4.0, 6.0],
        "vols": [0.2, 0.2],
    }
    res = strategy_payoff(legs, [100.0], t=0.0)
    # at the first expiry the long leg still has 0.25 years left
    assert res.payoff_at_expiry[0] == pytest.approx(float(bs_price(100, 100, 0.25, 0.0, 0.2)))
    assert res.horizon == 0.25 and res.cost == pytest.approx(2.0)


@pytest.mark.parametrize(
    ("legs", "match"),
    [
        (
            {
                "kinds": ("swap",),
                "strikes": [1.0],
                "quantities": [1.0],
                "expiries": [1.0],
                "premiums": [1.0],
                "vols": [0.2],
            },
            "kind",
        ),
        (
            {
                "kinds": ("call",),
                "strikes": [-1.0],
                "quantities": [1.0],
                "expiries": [1.0],
                "premiums": [1.0],
                "vols": [0.2],
            },
            "strikes",
        ),
        (
            {
                "kinds": ("call",),
                "strikes": [1.0, 2.0],
                "quantities": [1.0],
                "expiries": [1.0],
                "premiums": [1.0],
                "vols": [0.2],
            },
            "shape",
        ),
        (
            {
                "kinds": ("put",),
                "strikes": [1.0],
                "quantities": [1.0],
                "expiries": [0.0],
                "premiums": [1.0],
                "vols": [0.2],
            },
            "expiries",
        ),
    ],
)
def test_bad_legs_raise(legs, match):
    with pytest.raises(ValueError, match=match):
        strategy_payoff(legs, [100.0])


def test_bad_strategy_arguments_raise():
    strat = strategy_preset("straddle", 100.0, expiry=0.25)
    with pytest.raises(ValueError, match="t:"):
        strategy_payoff(strat, [100.0], t=0.5)
    with pytest.raises(ValueError, match="spots"):
        strategy_payoff(strat, [100.0, -5.0])
    with pytest.raises(ValueError, match="name"):
        strategy_preset("condor_of_doom", 100.0)
    with pytest.raises(ValueError, match="legs"):
        strategy_payoff([("call", 100.0)], [100.0])
    assert isinstance(strat, OptionStrategy) and strat.n_legs == 2
