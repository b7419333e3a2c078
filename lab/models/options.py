"""Option strategies: legs from presets or by hand, payoff and greeks against spot (the Options
page's model)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import param

from lab.analytics.options import PRESETS, OptionStrategy, strategy_preset
from lab.models.base import AnalysisModel

LEG_COLUMNS = ("kind", "strike", "quantity", "expiry", "premium")
"""Columns of :attr:`OptionsModel.legs`: kind (call/put/stock), strike, signed quantity,
years to expiry at inception, premium paid per unit."""

DAYS_PER_YEAR = 365.0
"""Calendar days per year for the time slider (the analytics use years)."""

_DEPS = (
    "legs",
    "vol",
    "rate",
    "dividend",
    "days_elapsed",
    "spot",
    "spot_range",
    "n_spots",
    "backend.backend",
    "backend.grpc_address",
    "backend.dask_address",
)


class OptionsModel(AnalysisModel):
    """A static option strategy on one underlying.

    ``legs`` is a table (:data:`LEG_COLUMNS`); choosing a ``preset`` rebuilds it around
    ``spot`` with premiums at the Black-Scholes value for ``pricing_vol`` (``strategy_preset``).
    The position is then valued with the sliders: volatility ``vol`` (every option leg),
    ``rate``, and ``days_elapsed`` since inception (calendar days, up to the earliest expiry).

    Derivations: :meth:`payoff` (``strategy_payoff`` over a grid of spots: value at expiry and
    now, P&L, breakevens) and :meth:`greeks` (position delta, gamma, vega, theta, rho against
    spot, from ``bs_greeks`` per leg times its quantity; a stock leg has delta 1).
    """

    preset = param.Selector(
        default="straddle", objects=list(PRESETS), doc="Standard strategy to start from."
    )
    spot = param.Number(
        default=100.0,
        bounds=(0.01, None),
        doc="Spot price of the underlying (centre strike of presets).",
    )
    width_pct = param.Number(
        default=5.0, bounds=(0.5, 50.0), step=0.5, doc="Strike spacing of presets, % of spot."
    )
    expiry_days = param.Integer(default=90, bounds=(1, 1095), doc="Days to expiry of preset legs.")
    pricing_vol = param.Number(
        default=0.2,
        bounds=(0.01, 2.0),
        step=0.01,
        doc="Annual volatility used to price preset premiums.",
    )
    quantity = param.Number(
        default=1.0, bounds=(-100.0, 100.0), doc="Multiplier of every preset leg."
    )
    legs = param.DataFrame(default=None, allow_None=True, doc="The legs (see LEG_COLUMNS).")

    vol = param.Number(
        default=0.2, bounds=(0.01, 2.0), step=0.01, doc="Annual volatility for valuation now."
    )
    rate = param.Number(
        default=0.02, bounds=(-0.05, 0.25), step=0.0025, doc="Continuously compounded rate."
    )
    dividend = param.Number(
        default=0.0, bounds=(0.0, 0.2), step=0.0025, doc="Continuous dividend yield."
    )
    days_elapsed = param.Integer(
        default=0, bounds=(0, 1094), doc="Calendar days since inception (valuation time)."
    )
    spot_range = param.Number(
        default=0.5, bounds=(0.05, 0.95), doc="Spot grid spans spot x (1 -/+ spot_range)."
    )
    n_spots = param.Integer(default=301, bounds=(21, 2001), doc="Points of the spot grid.")

    def __init__(self, **params) -> None:
        super().__init__(**params)
        if self.legs is None:
            self._build_preset()

    @param.depends(
        "preset",
        "spot",
        "width_pct",
        "expiry_days",
        "pricing_vol",
        "quantity",
        "rate",
        "dividend",
        watch=True,
    )
    def _build_preset(self) -> None:
        strategy = strategy_preset(
            self.preset, self.spot, width=self.width_pct / 100 * self.spot, expiry=self.expiry_days / DAYS_PER_YEAR,
            vol=self.pricing_vol, rate=self.rate, dividend=self.dividend, quantity=self.quantity,
        )  # fmt: skip
        self.legs = pd.DataFrame(
            {
                "kind": list(strategy.kinds),
                "strike": strategy.strikes,
                "quantity": strategy.quantities,
                "expiry": strategy.expiries,
                "premium": strategy.premiums,
            }
        )

    @param.depends("legs", watch=True, on_init=True)
    def _clamp_time(self) -> None:
        horizon = self.horizon_days()
        top = max(0, int(np.ceil(horizon)) - 1) if np.isfinite(horizon) else 0
        self.param.days_elapsed.bounds = (0, top)
        if self.days_elapsed > top:
            self.days_elapsed = top

    def horizon_days(self) -> float:
        """Calendar days to the earliest option expiry (inf for stock only)."""
        if self.legs is None:
            return float("inf")
        exp = pd.to_numeric(self.legs["expiry"], errors="coerce").to_numpy(dtype=float)
        opt = self.legs["kind"].astype(str).str.lower().to_numpy() != "stock"
        exp = exp[opt & np.isfinite(exp)]
        return float(exp.min() * DAYS_PER_YEAR) if exp.size else float("inf")

    @param.depends("legs", "vol", "rate", "dividend")
    def strategy(self) -> OptionStrategy:
        """The :class:`OptionStrategy` valued with the current ``vol``, ``rate`` and ``dividend``."""
        legs = self.legs
        if legs is None or len(legs) == 0:
            raise ValueError("legs: add at least one leg")
        missing = [c for c in LEG_COLUMNS if c not in legs.columns]
        if missing:
            raise ValueError(f"legs: missing column(s) {missing}")
        numeric = {
            c: pd.to_numeric(legs[c], errors="coerce").to_numpy(dtype=float)
            for c in LEG_COLUMNS[1:]
        }
        kinds = tuple(str(k).strip().lower() for k in legs["kind"])
        for c, v in numeric.items():
            bad = [
                i
                for i, k in enumerate(kinds)
                if np.isnan(v[i]) and not (k == "stock" and c in ("strike", "expiry"))
            ]
            if bad:
                raise ValueError(f"legs: {c} of leg {bad[0] + 1} is not a number")
        return OptionStrategy(
            kinds=kinds,
            strikes=numeric["strike"],
            quantities=numeric["quantity"],
            expiries=numeric["expiry"],
            premiums=numeric["premium"],
            vols=np.full(len(kinds), self.vol),
            rate=self.rate,
            dividend=self.dividend,
            name=self.preset,
        )

    def spots(self) -> np.ndarray:
        return np.linspace(
            self.spot * (1 - self.spot_range), self.spot * (1 + self.spot_range), self.n_spots
        )

    def t(self) -> float:
        """Valuation time in years after inception."""
        return self.days_elapsed / DAYS_PER_YEAR

    @param.depends(*_DEPS)
    def payoff(self):
        """``StrategyPayoff`` over the spot grid at :meth:`t`."""
        strategy = self.strategy()
        return self.compute("strategy_payoff", strategy, self.spots(), t=self.t())

    @param.depends(*_DEPS)
    def greeks(self) -> pd.DataFrame:
        """Position greeks against spot at :meth:`t`: delta, gamma, vega (per 1.00 vol),
        theta (per year), rho (per 1.00 rate); legs already expired at ``t`` contribute 0."""
        strategy = self.strategy()
        spots = self.spots()
        t = self.t()
        total = {g: np.zeros_like(spots) for g in ("delta", "gamma", "vega", "theta", "rho")}
        for i, kind in enumerate(strategy.kinds):
            q = float(strategy.quantities[i])
            if kind == "stock":
                total["delta"] += q
                continue
            remaining = float(strategy.expiries[i]) - t
            if remaining <= 0:
                continue
            g = self.compute(
                "bs_greeks",
                spots,
                float(strategy.strikes[i]),
                remaining,
                self.rate,
                self.vol,
                kind,
                self.dividend,
            )
            for name in total:
                total[name] += q * np.asarray(getattr(g, name), dtype=float)
        frame = pd.DataFrame(total)
        frame.insert(0, "spot", spots)
        return frame
