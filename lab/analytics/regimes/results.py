"""Result and parameter types of the regime analytics (both engines)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class HMMParams:
    """Parameters of a Gaussian HMM with diagonal covariances, in the units of ``obs``.

    Attributes
    ----------
    startprob : ndarray, shape (K,)
        Initial state distribution.
    transmat : ndarray, shape (K, K)
        Row-stochastic transition matrix, ``transmat[i, j] = P(s[t+1] = j | s[t] = i)``.
    means : ndarray, shape (K, D)
        Emission means.
    covars : ndarray, shape (K, D)
        Emission variances (diagonal of each state's covariance matrix).
    """

    startprob: np.ndarray
    transmat: np.ndarray
    means: np.ndarray
    covars: np.ndarray


@dataclass(frozen=True)
class HMMResult:
    """A fitted Gaussian HMM (diagonal covariances) and its state probabilities.

    States are ordered by ascending mean of the first observation column.

    Attributes
    ----------
    means : ndarray, shape (K, D)
        Emission means, in the units of ``obs``.
    covars : ndarray, shape (K, D)
        Emission variances (diagonal covariances), in squared units of ``obs``.
    transmat : ndarray, shape (K, K)
        ``transmat[i, j] = P(s[t+1] = j | s[t] = i)``.
    startprob : ndarray, shape (K,)
        Initial state distribution.
    loglik : float
        Log-likelihood of ``obs`` under the returned parameters (hmmlearn's ``score``).
    converged : bool
        True if the last EM gain was below ``tol``; False if EM stopped at ``n_iter``.
    filtered : ndarray, shape (T, K)
        ``filtered[t, k] = P(s[t] = k | obs[0..t])``: causal, uses no observation after ``t``
        (given the parameters).
    smoothed : ndarray, shape (T, K)
        ``smoothed[t, k] = P(s[t] = k | obs[0..T-1])`` (forward-backward, hmmlearn's
        ``predict_proba``): HAS LOOK-AHEAD, it uses the whole sample.
    viterbi : ndarray of int, shape (T,)
        Most likely state path given the whole sample (hmmlearn's ``predict``/``decode``): HAS
        LOOK-AHEAD.
    n_iter : int
        EM iterations performed by the retained restart.
    n_init : int
        Number of restarts tried.
    bic : float
        Bayesian information criterion ``-2 loglik + p log(T)`` with ``p = (K-1) + K(K-1) + 2KD``
        free parameters.
    mode : str
        ``"filtered"`` or ``"walk_forward"`` (:data:`HMM_MODES`).
    walk_forward : ndarray, shape (T, K)
        ``mode="walk_forward"``: ``P(s[t] = k | obs[a_f..t])`` under the parameters re-fitted
        on rows ``a_f .. b_f - 1 < t`` (module docstring): causal in data *and* parameters; NaN
        before the first refit. All NaN with ``mode="filtered"``.
    refit_rows : ndarray of int64, shape (F,)
        Rows ``b_f`` at which the walk-forward parameters were re-fitted (each fit uses rows
        before it); empty with ``mode="filtered"``.
    """

    means: np.ndarray
    covars: np.ndarray
    transmat: np.ndarray
    startprob: np.ndarray
    loglik: float
    converged: bool
    filtered: np.ndarray
    smoothed: np.ndarray
    viterbi: np.ndarray
    n_iter: int
    n_init: int
    bic: float
    mode: str
    walk_forward: np.ndarray
    refit_rows: np.ndarray

    @property
    def params(self) -> HMMParams:
        """The fitted parameters, e.g. to pass as ``init`` to :func:`hmm_fit` with ``n_iter=0``."""
        return HMMParams(self.startprob, self.transmat, self.means, self.covars)
