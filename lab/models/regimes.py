"""Market regimes: a Gaussian HMM fitted to daily returns (the Regimes page's model)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import param

from lab.models.base import DATA_DEPENDENCIES, AnalysisModel

BASKET = "equal-weight basket"
"""Name of the asset made of all selected symbols, equally weighted (daily rebalanced)."""

TRADING_DAYS = 252

FEATURES = ("returns", "returns + realised vol")


class RegimeModel(AnalysisModel):
    """A hidden Markov model of an asset's daily log returns.

    Observations are the daily log returns of ``asset`` (a symbol, or the equal-weight basket:
    the mean of the symbols' daily log returns) and, with ``features = "returns + realised
    vol"``, also the trailing ``vol_window``-day realised volatility (a causal feature). The fit
    (``hmm_fit`` on the selected backend) estimates its parameters on the whole range, so its
    ``filtered`` probabilities are *filtered given full-sample parameters* (no data after t in
    the recursion, but parameters from all of it); its ``smoothed`` probabilities and Viterbi
    path look ahead. With ``walk_forward`` on, the fit also re-estimates the parameters every
    ``wf_refit_every`` days on the past ``wf_window`` days only (or all past days when
    ``wf_anchored``) and filters forward: its ``walk_forward`` probabilities are causal in the
    data and the parameters.

    States are reported in the order the backend returns them (ascending mean return);
    :meth:`volatility_rank` ranks them from calm to turbulent for colouring.
    """

    asset = param.Selector(
        default=BASKET, objects=[BASKET], doc="Asset whose returns are modelled."
    )
    n_states = param.Integer(default=2, bounds=(2, 5), doc="Number of hidden regimes K.")
    features = param.Selector(
        default=FEATURES[0], objects=list(FEATURES), doc="Observation columns."
    )
    vol_window = param.Integer(
        default=21, bounds=(5, 126), doc="Realised-volatility window, trading days."
    )
    n_iter = param.Integer(default=200, bounds=(1, 2000), doc="Maximum EM iterations per restart.")
    n_init = param.Integer(
        default=3, bounds=(1, 20), doc="EM restarts (the best likelihood is kept)."
    )
    seed = param.Integer(default=0, bounds=(0, None), doc="Seed of the initialisation.")
    walk_forward = param.Boolean(
        default=False,
        doc="Also re-fit the parameters on past data only and filter forward (causal).",
    )
    wf_window = param.Integer(
        default=504, bounds=(60, 2520), doc="Walk-forward training days per refit."
    )
    wf_refit_every = param.Integer(
        default=63, bounds=(5, 504), doc="Trading days between walk-forward refits."
    )
    wf_anchored = param.Boolean(
        default=False, doc="Walk-forward refits on every earlier day instead of the last window."
    )

    def __init__(self, **params) -> None:
        super().__init__(**params)
        self._adopt_symbols()

    @param.depends("dataset.content_hash", watch=True)
    def _adopt_symbols(self) -> None:
        prices = self.dataset.prices
        if prices is None:
            return
        options = [BASKET, *[str(c) for c in prices.columns]]
        self.param.asset.objects = options
        if self.asset not in options:
            self.asset = BASKET

    @param.depends("dataset.content_hash", "asset")
    def returns(self) -> pd.Series:
        """Daily log returns of the asset (basket: the cross-sectional mean of log returns)."""
        prices = self.dataset.prices
        if self.asset == BASKET:
            rets = np.log(prices).diff().iloc[1:].mean(axis=1, skipna=True)
        else:
            rets = np.log(prices[self.asset].dropna()).diff().iloc[1:]
        return rets.dropna().rename("return")

    @param.depends("returns")
    def level(self) -> pd.Series:
        """Growth of 1 invested in the asset: ``exp(cumsum(returns))``."""
        return np.exp(self.returns().cumsum()).rename("growth of 1")

    @param.depends("dataset.content_hash", "asset", "features", "vol_window")
    def observations(self) -> pd.DataFrame:
        """The HMM's observation matrix (one row per day, after the warm-up of the vol window)."""
        rets = self.returns()
        obs = rets.to_frame("return")
        if self.features == FEATURES[1]:
            obs["realised vol"] = rets.rolling(self.vol_window).std(ddof=1) * np.sqrt(TRADING_DAYS)
        return obs.dropna()

    @param.depends(
        *DATA_DEPENDENCIES,
        "asset",
        "n_states",
        "features",
        "vol_window",
        "n_iter",
        "n_init",
        "seed",
        "walk_forward",
        "wf_window",
        "wf_refit_every",
        "wf_anchored",
    )
    def fit(self):
        """The ``HMMResult`` of ``hmm_fit`` on :meth:`observations` (``mode="walk_forward"``
        when :attr:`walk_forward` is on)."""
        obs = self.observations()
        walk = (
            {
                "mode": "walk_forward",
                "window": self.wf_window,
                "refit_every": self.wf_refit_every,
                "anchored": self.wf_anchored,
            }
            if self.walk_forward
            else {}
        )
        return self.compute(
            "hmm_fit",
            obs.to_numpy(),
            self.n_states,
            n_iter=self.n_iter,
            seed=self.seed,
            n_init=self.n_init,
            **walk,
        )

    @param.depends("fit")
    def volatility_rank(self) -> np.ndarray:
        """Rank of each state's return volatility (0 = calmest)."""
        res = self.fit()
        return np.argsort(np.argsort(np.sqrt(np.asarray(res.covars)[:, 0])))

    @param.depends("fit")
    def state_table(self) -> pd.DataFrame:
        """Per-regime statistics from the fitted parameters and the smoothed probabilities.

        Columns: annualised mean return and volatility of the emission law (252 x mean,
        sqrt(252) x std), Sharpe of those, share of days (mean smoothed probability), expected
        duration ``1 / (1 - p_kk)`` in days, and days assigned by the Viterbi path.
        """
        res = self.fit()
        means = np.asarray(res.means)[:, 0]
        vols = np.sqrt(np.asarray(res.covars)[:, 0])
        stay = np.diag(np.asarray(res.transmat))
        ann_mean = means * TRADING_DAYS
        ann_vol = vols * np.sqrt(TRADING_DAYS)
        with np.errstate(divide="ignore"):
            duration = 1.0 / (1.0 - stay)
        table = pd.DataFrame(
            {
                "ann. mean return": ann_mean,
                "ann. volatility": ann_vol,
                "Sharpe": ann_mean / ann_vol,
                "share of days": np.asarray(res.smoothed).mean(axis=0),
                "expected duration (days)": duration,
                "Viterbi days": np.bincount(np.asarray(res.viterbi), minlength=len(means)),
            },
            index=[f"state {k}" for k in range(len(means))],
        )
        table.index.name = "regime"
        return table
