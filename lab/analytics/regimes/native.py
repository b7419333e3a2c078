"""Market regimes, native engine: numba scaled forward-backward, Baum-Welch and Viterbi.

Same model, estimator, initialisation (:func:`lab.analytics.regimes.hmm_initial_params`),
standardisation and stopping rule as :func:`lab.analytics.regimes.hmm_fit`; the EM iterations,
the state probabilities and the Viterbi path run in :mod:`lab.kernels.regimes`.

Numerical difference from the reference: the forward-backward recursions are scaled (with each
row of emission densities rescaled by its maximum), not in log space. If an observation has
probability zero in double precision under every state the chain can be in at that time (only
possible with exact zeros in ``startprob``/``transmat`` and an extreme outlier), the native
engine raises ``ValueError`` where hmmlearn's log-space recursions still return a hugely
negative, finite log-likelihood.
"""

from __future__ import annotations

import numpy as np

from lab.analytics.regimes.bounds import validate_hmm_args
from lab.analytics.regimes.estimation import COVARS_PRIOR, fit_restarts, make_result, order_states
from lab.analytics.regimes.results import HMMParams
from lab.analytics.regimes.walkforward import walk_forward_probs, walk_forward_refits
from lab.kernels import regimes as _k


def _em_numba(z, p0, n_iter, tol):
    sp, tm, mu, cv, n_done, converged, ll = _k.baum_welch(
        z,
        np.ascontiguousarray(p0.startprob),
        np.ascontiguousarray(p0.transmat),
        np.ascontiguousarray(p0.means),
        np.ascontiguousarray(p0.covars),
        int(n_iter),
        float(tol),
        COVARS_PRIOR,
    )
    return HMMParams(sp, tm, mu, cv), n_done, converged, ll


def hmm_fit(
    obs,
    n_states,
    n_iter=100,
    tol=1e-6,
    seed=0,
    n_init=1,
    init=None,
    mode="filtered",
    window=252,
    refit_every=21,
    anchored=False,
):
    """Fit a Gaussian HMM with diagonal covariances (native engine).

    Mirrors :func:`lab.analytics.regimes.hmm_fit` (same parameters, result and look-ahead
    caveats: ``filtered`` is filtered given full-sample parameters, ``smoothed`` and
    ``viterbi`` use the whole sample; ``mode="walk_forward"`` adds the causal walk-forward
    probabilities, each refit by :func:`lab.kernels.regimes.baum_welch` and filtered by
    :func:`lab.kernels.regimes.state_probs`).
    """
    x = validate_hmm_args(obs, n_states, n_iter, tol, seed, n_init)
    folds = walk_forward_refits(x, n_states, n_iter, n_init, mode, window, refit_every, anchored)
    p_best, n_done, converged = fit_restarts(
        x, n_states, n_iter, float(tol), seed, n_init, init, _em_numba
    )
    p = order_states(p_best)
    args = (
        x,
        np.ascontiguousarray(p.startprob),
        np.ascontiguousarray(p.transmat),
        np.ascontiguousarray(p.means),
        np.ascontiguousarray(p.covars),
    )
    loglik, filtered, smoothed = _k.state_probs(*args)
    path = _k.viterbi(*args)
    causal = walk_forward_probs(
        x, n_states, n_iter, float(tol), seed, n_init, init, folds, _em_numba, _filtered
    )
    return make_result(
        p, loglik, converged, filtered, smoothed, path, n_done, n_init, len(x),
        mode, causal, folds[:, 1],
    )  # fmt: skip


def _filtered(x, p: HMMParams) -> np.ndarray:
    """``P(s[t] | x[0..t])`` under ``p`` (the kernel's scaled forward pass)."""
    return _k.state_probs(
        np.ascontiguousarray(x),
        np.ascontiguousarray(p.startprob),
        np.ascontiguousarray(p.transmat),
        np.ascontiguousarray(p.means),
        np.ascontiguousarray(p.covars),
    )[1]
