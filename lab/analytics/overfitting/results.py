"""Result type of :func:`~lab.analytics.overfitting.pbo.pbo` (both engines return it)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class PBOResult:
    """Outcome of :func:`pbo` (combinatorially symmetric cross-validation).

    Attributes
    ----------
    pbo : float
        Probability of backtest overfitting: the fraction of the ``C(S, S/2)`` splits whose
        in-sample best trial ranks at or below the median out of sample (logit <= 0).
    logits : ndarray, shape (C,)
        ``log(w / (1 - w))`` of each split, ``w`` the selected trial's relative rank.
    relative_rank : ndarray, shape (C,)
        ``w = rank / (K + 1)`` of the selected trial among the out-of-sample Sharpe ratios
        (rank 1 = worst, ties get their average rank).
    selected : ndarray of int64, shape (C,)
        Column of the trial with the highest in-sample Sharpe ratio (first one on ties).
    sharpe_in, sharpe_out : ndarray, shape (C,)
        The selected trial's per-period Sharpe ratio in and out of sample.
    n_splits : int
        ``S``, the number of row blocks.
    """

    pbo: float
    logits: np.ndarray
    relative_rank: np.ndarray
    selected: np.ndarray
    sharpe_in: np.ndarray
    sharpe_out: np.ndarray
    n_splits: int
