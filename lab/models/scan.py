"""The pair scan: Engle-Granger tests of every pair of symbols, ranked (the Pairs page's model)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import param

from lab.models.base import DATA_DEPENDENCIES, AnalysisModel

SCAN_TABLE_COLUMNS: dict[str, str] = {
    "y": "y",
    "x": "x",
    "statistic": "EG statistic [t-stat]",
    "pvalue": "p-value",
    "qvalue": "q-value (BH)",
    "hedge_ratio": "hedge ratio [log y per log x]",
    "intercept": "intercept [log price]",
    "half_life": "half-life [trading days]",
    "lags": "ADF lags [trading days]",
}
"""Columns of :meth:`ScanModel.ranked` -> their names in the exported table, with units."""


class ScanModel(AnalysisModel):
    """All N(N-1)/2 pairs of the selected symbols tested for cointegration.

    The scan runs ``pair_scan`` on log prices on the selected backend: for each pair (y = the
    earlier column, x = the later), the Engle-Granger statistic and p-value, the
    Benjamini-Hochberg q-value over all pairs, the hedge ratio and the AR(1) half-life (days)
    of the residual spread.
    """

    trend = param.Selector(
        default="c", objects=["c", "ct", "ctt", "n"],
        doc="Deterministic terms of the cointegrating regression: c constant, ct + trend, "
        "ctt + quadratic trend, n none.",
    )  # fmt: skip
    value = param.Selector(
        default="pvalue", objects=["pvalue", "qvalue"],
        doc="Shown in the heatmap: Engle-Granger p-value or Benjamini-Hochberg q-value.",
    )  # fmt: skip
    alpha = param.Number(
        default=0.05,
        bounds=(0.001, 0.5),
        doc="Significance level that marks a pair as cointegrated.",
    )

    @param.depends(*DATA_DEPENDENCIES, "trend")
    def scan(self):
        """The :class:`~lab.analytics.cointegration.PairScanResult` on log prices."""
        logp = np.log(self.dataset.prices)
        return self.compute("pair_scan", logp, trend=self.trend)

    @param.depends("scan")
    def ranked(self) -> pd.DataFrame:
        """One row per pair, most significant first: y, x, statistic, p-value, q-value, hedge
        ratio, intercept, half-life (days) and lags."""
        res = self.scan()
        symbols = self._symbols(res)
        return pd.DataFrame(
            {
                "y": [symbols[i] for i in res.pairs[:, 0]],
                "x": [symbols[j] for j in res.pairs[:, 1]],
                "statistic": res.statistic,
                "pvalue": res.pvalue,
                "qvalue": res.qvalue,
                "hedge_ratio": res.hedge_ratio,
                "intercept": res.intercept,
                "half_life": res.half_life,
                "lags": res.lags,
            }
        )

    @param.depends("ranked")
    def scan_table(self) -> pd.DataFrame:
        """The ranked pairs as exported (CSV, Parquet): :meth:`ranked` with a ``rank`` column
        (1 = most significant) and column names that carry their units (see
        :data:`SCAN_TABLE_COLUMNS`)."""
        table = self.ranked().rename(columns=SCAN_TABLE_COLUMNS)
        table.insert(0, "rank", np.arange(1, len(table) + 1, dtype=np.int64))
        return table

    @param.depends("scan", "value")
    def matrix(self) -> pd.DataFrame:
        """N x N matrix of the chosen value; cell (y, x) is the test of log y on log x.

        Only the scanned ordered pairs are filled (y the earlier symbol, x the later: the upper
        triangle); the other cells are NaN. Engle-Granger is not symmetric (regressing x on y
        gives another statistic and p-value), so the lower triangle is not the mirror image of
        the upper one and is left empty rather than filled with the wrong test.
        """
        res = self.scan()
        symbols = self._symbols(res)
        n = len(symbols)
        out = np.full((n, n), np.nan)
        out[res.pairs[:, 0], res.pairs[:, 1]] = getattr(res, self.value)
        return pd.DataFrame(out, index=symbols, columns=symbols)

    @param.depends("ranked", "alpha")
    def significant(self) -> int:
        """Number of pairs whose q-value is at most ``alpha`` (false-discovery-rate control)."""
        return int((self.ranked()["qvalue"] <= self.alpha).sum())

    def _symbols(self, res) -> list[str]:
        return list(res.symbols) if res.symbols else [str(c) for c in self.dataset.prices.columns]
