"""options: reference implementation (placeholder; being written)."""


def bs_price(spot, strike, t, rate, vol, kind="call", dividend=0.0):
    raise NotImplementedError("bs_price")


def bs_greeks(spot, strike, t, rate, vol, kind="call", dividend=0.0):
    raise NotImplementedError("bs_greeks")


def implied_vol(price, spot, strike, t, rate, kind="call", dividend=0.0):
    raise NotImplementedError("implied_vol")


def strategy_payoff(legs, spots, t=0.0):
    raise NotImplementedError("strategy_payoff")
