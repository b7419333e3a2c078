""":func:`pair_scan`: Engle-Granger over many pairs with Benjamini-Hochberg q-values and a
ranking, reference engine; and the merge of a scan run in chunks (server, Dask).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lab.analytics.cointegration.checks import check_pair_scan_input, check_pairs
from lab.analytics.cointegration.reference import _engle_granger, ar1_half_life
from lab.analytics.cointegration.results import PairScanResult


def benjamini_hochberg(pvalues: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg (1995) adjusted p-values (q-values).

    ``q_(k) = min_{j >= k} min(1, m p_(j) / j)`` over the p-values sorted ascending, returned in
    the input order; equals statsmodels ``multipletests(method="fdr_bh")[1]`` (tested).
    """
    p = np.asarray(pvalues, dtype=np.float64)
    m = p.shape[0]
    order = np.argsort(p, kind="mergesort")
    scaled = p[order] * m / np.arange(1, m + 1)
    q_sorted = np.minimum.accumulate(scaled[::-1])[::-1]
    q = np.empty(m)
    q[order] = np.minimum(q_sorted, 1.0)
    return q


def merge_pair_scans(parts: list[PairScanResult]) -> PairScanResult:
    """Combine scans of disjoint pair subsets (``pair_scan(..., pairs=chunk)``) into one.

    The Benjamini-Hochberg q-values are recomputed over all the merged tests and the pairs are
    ranked again, so merging the chunks of a split scan gives the result of the whole scan.
    Used by the Dask backend and the gRPC progress stream.
    """
    if not parts:
        raise ValueError("merge_pair_scans needs at least one PairScanResult")
    symbols = parts[0].symbols
    if any(p.symbols != symbols for p in parts):
        raise ValueError("cannot merge pair scans of different symbols")
    cat = {
        f: np.concatenate([getattr(p, f) for p in parts])
        for f in ("pairs", "statistic", "pvalue", "hedge_ratio", "intercept", "half_life", "lags")
    }
    check_pairs(cat["pairs"], int(cat["pairs"].max()) + 1)
    # restore lexicographic pair order first, so ties rank exactly as in one whole scan
    lex = np.lexsort((cat["pairs"][:, 1], cat["pairs"][:, 0]))
    cat = {f: v[lex] for f, v in cat.items()}
    order = rank_pairs(cat["pvalue"])
    qvalue = benjamini_hochberg(cat["pvalue"])
    return PairScanResult(
        qvalue=qvalue[order], symbols=symbols, **{f: v[order] for f, v in cat.items()}
    )


def rank_pairs(pvalue: np.ndarray) -> np.ndarray:
    """Order of pairs by ascending p-value, ties kept in pair order (stable sort)."""
    return np.argsort(pvalue, kind="stable")


def pair_scan(
    prices: Any,
    trend: str = "c",
    maxlag: int | None = None,
    autolag: str | None = "aic",
    pairs: Any = None,
) -> PairScanResult:
    """Engle-Granger test of every pair of columns, with Benjamini-Hochberg q-values.

    For each ``i < j``: :func:`engle_granger` with y = column i and x = column j (statsmodels
    ``coint``), the AR(1) half-life of the residual spread (:func:`ar1_half_life`), then
    q-values over all N(N-1)/2 p-values (statsmodels ``multipletests(method="fdr_bh")``), and
    the pairs ranked by p-value.

    Parameters
    ----------
    prices : array_like or DataFrame, shape (T, N)
        Level series (log prices), N >= 2. Leading NaNs are allowed (each pair uses the rows
        where both series exist); other NaN and inf are rejected.
    trend, maxlag, autolag
        As in :func:`engle_granger`.
    pairs : array_like of int, shape (M, 2), optional
        Test only these column pairs (y = first, x = second); q-values are then over the M tests.
        Default: all N(N-1)/2 pairs ``i < j``. Split scans recombine with
        :func:`merge_pair_scans`.

    Returns
    -------
    PairScanResult
    """
    from statsmodels.stats.multitest import multipletests

    arr, starts, symbols, trend, maxlag, autolag, pairs = check_pair_scan_input(
        prices, trend, maxlag, autolag, pairs
    )
    m = len(pairs)
    stat, pval, hedge, icpt, half = (np.empty(m) for _ in range(5))
    lags = np.empty(m, dtype=np.int64)
    for k, (i, j) in enumerate(pairs):
        s0 = max(starts[i], starts[j])
        res, resid = _engle_granger(arr[s0:, i], arr[s0:, j], trend, maxlag, autolag)
        stat[k], pval[k], hedge[k], icpt[k], lags[k] = (
            res.statistic,
            res.pvalue,
            res.hedge_ratio,
            res.intercept,
            res.lags,
        )
        half[k] = ar1_half_life(resid) if resid is not None else np.nan
    qval = multipletests(pval, method="fdr_bh")[1]
    order = rank_pairs(pval)
    return PairScanResult(
        pairs=pairs[order],
        statistic=stat[order],
        pvalue=pval[order],
        qvalue=np.asarray(qval)[order],
        hedge_ratio=hedge[order],
        intercept=icpt[order],
        half_life=half[order],
        lags=lags[order],
        symbols=tuple(symbols),
    )
