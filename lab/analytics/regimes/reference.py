""":func:`hmm_fit` on the reference engine: EM by hmmlearn's ``GaussianHMM``."""

from __future__ import annotations

import logging

import numpy as np

from lab.analytics.regimes.bounds import validate_hmm_args
from lab.analytics.regimes.estimation import (
    COVARS_PRIOR,
    filter_probs,
    fit_restarts,
    make_result,
    order_states,
)
from lab.analytics.regimes.results import HMMParams
from lab.analytics.regimes.walkforward import walk_forward_probs, walk_forward_refits


def _hmmlearn_model(n_states: int, n_iter: int, tol: float, p: HMMParams):
    from hmmlearn.hmm import GaussianHMM

    model = GaussianHMM(
        n_components=n_states,
        covariance_type="diag",
        n_iter=max(n_iter, 1),
        tol=tol,
        params="stmc",
        init_params="",
        covars_prior=COVARS_PRIOR,
        covars_weight=1.0,
        implementation="log",
    )
    model.startprob_ = p.startprob.copy()
    model.transmat_ = p.transmat.copy()
    model.means_ = p.means.copy()
    model.covars_ = p.covars.copy()
    return model


def _params_of(model) -> HMMParams:
    return HMMParams(
        np.asarray(model.startprob_, dtype=float).copy(),
        np.asarray(model.transmat_, dtype=float).copy(),
        np.asarray(model.means_, dtype=float).copy(),
        np.asarray(model._covars_, dtype=float).copy(),
    )


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
    """Fit a Gaussian hidden Markov model with diagonal covariances (reference: hmmlearn).

    See the module docstring for the model, the estimator (Baum-Welch EM as hmmlearn's
    ``GaussianHMM``, on standardised observations) and the stopping rule.

    Look-ahead: ``filtered`` is filtered *given full-sample parameters* (its recursion uses
    ``obs[0..t]`` only, but the parameters were estimated on the whole sample); ``smoothed``
    and ``viterbi`` use the whole sample and therefore look ahead (hmmlearn's ``predict``
    decodes the whole sequence: do not trade on it). ``mode="walk_forward"`` adds
    :attr:`HMMResult.walk_forward`, the probabilities under parameters re-fitted on past data
    only every ``refit_every`` rows (module docstring), which are causal.

    Parameters
    ----------
    obs : array_like, shape (T,) or (T, D)
        Observations, e.g. daily log returns; no NaN.
    n_states : int
        Number of hidden states K >= 1.
    n_iter : int
        Maximum EM iterations per restart. ``0`` evaluates ``init`` without fitting.
    tol : float
        Stop when the log-likelihood gain of an iteration is below ``tol`` (nats).
    seed : int
        Seed of the deterministic initialisation (:func:`hmm_initial_params`).
    n_init : int
        Number of EM restarts (``restart = 0 .. n_init-1``); the highest likelihood is kept.
    init : HMMParams, optional
        Initial parameters in the units of ``obs`` (then ``n_init`` must be 1). Required when
        ``n_iter == 0``. Walk-forward refits start from it too.
    mode : str
        ``"filtered"`` (default: the full-sample fit only) or ``"walk_forward"`` (also the
        walk-forward probabilities).
    window : int
        Walk-forward training rows per refit (>= 2, < T; default 252, a year of days); with
        ``anchored`` the first refit's. Used by ``mode="walk_forward"`` only.
    refit_every : int
        Rows between walk-forward refits (>= 1; default 21, a month of days); at most
        :data:`MAX_HMM_REFITS` refits.
    anchored : bool
        False (default): each refit uses the last ``window`` rows; True: all rows before it.

    Returns
    -------
    HMMResult
        ``means`` and ``covars`` of shape (K, D) (variances), ``transmat`` (K, K),
        ``startprob`` (K,), ``loglik``, ``converged``, ``filtered``/``smoothed`` (T, K),
        ``viterbi`` (T,), ``n_iter``, ``n_init``, ``bic``; states sorted by ascending mean of the
        first column.

    Raises
    ------
    ValueError
        NaN/inf in ``obs``, ``n_states < 1``, too few observations, a constant column, or
        inconsistent ``init``.
    """
    x = validate_hmm_args(obs, n_states, n_iter, tol, seed, n_init)
    folds = walk_forward_refits(x, n_states, n_iter, n_init, mode, window, refit_every, anchored)
    p_best, n_done, converged = fit_restarts(
        x, n_states, n_iter, float(tol), seed, n_init, init, _em_hmmlearn
    )
    p = order_states(p_best)
    model = _hmmlearn_model(n_states, n_iter, float(tol), p)
    loglik = model.score(x)
    smoothed = model.predict_proba(x)
    _, viterbi = model.decode(x, algorithm="viterbi")
    filtered = filter_probs(x, p)
    causal = walk_forward_probs(
        x, n_states, n_iter, float(tol), seed, n_init, init, folds, _em_hmmlearn, filter_probs
    )
    return make_result(
        p, loglik, converged, filtered, smoothed, viterbi, n_done, n_init, len(x),
        mode, causal, folds[:, 1],
    )  # fmt: skip


def _em_hmmlearn(z, p0, n_iter, tol):
    model = _hmmlearn_model(p0.means.shape[0], n_iter, tol, p0)
    logger = logging.getLogger("hmmlearn.base")
    level = logger.level
    # hmmlearn logs "Model is not converging" when the MAP step lowers the likelihood slightly
    logger.setLevel(logging.ERROR)
    try:
        with np.errstate(all="ignore"):
            model.fit(z)
            ll = model.score(z)
    except ValueError:
        # hmmlearn's parameter check fails once a state has lost all probability mass (NaN
        # parameters): report the restart as failed, as the native engine does with NaN
        ll = np.nan
    finally:
        logger.setLevel(level)
    history = list(model.monitor_.history)
    converged = len(history) >= 2 and history[-1] - history[-2] < tol
    return _params_of(model), model.monitor_.iter, converged, ll
