"""Market regimes: Gaussian hidden Markov models (reference engine, built on hmmlearn).

Model
-----
A hidden Markov chain ``s[t]`` in ``{0, ..., K-1}`` with initial law ``startprob`` and
row-stochastic transition matrix ``transmat`` emits ``obs[t] | s[t] = k ~ N(means[k],
diag(covars[k]))`` (diagonal covariances, hmmlearn's ``covariance_type="diag"``).

Estimator
---------
Baum-Welch EM (Rabiner 1989, "A tutorial on hidden Markov models", Proc. IEEE 77(2)) exactly as
hmmlearn's ``GaussianHMM`` performs it with its default priors: flat Dirichlet priors on
``startprob``/``transmat`` (plain maximum likelihood), no prior on the means, and an
inverse-gamma prior on each variance (``covars_prior = 1e-2``, ``covars_weight = 1``) that keeps
variances away from zero. EM runs on column-standardised observations ``z = (obs - loc) /
scale`` (``loc``, ``scale`` = sample mean and standard deviation) so that this prior is a fixed
1e-2 pseudo-variance in units of the sample variance whatever the units of ``obs`` (daily
returns of ~1e-4 variance would otherwise be swamped by it); parameters are mapped back to the
units of ``obs`` before the likelihood and the state probabilities are evaluated on ``obs``.

Look-ahead and the two modes
----------------------------
The parameters of a fit are estimated on the whole sample, so ``filtered`` is *filtered given
full-sample parameters*: its forward recursion uses no observation after ``t``, but the
parameters it runs with were estimated on all of them. ``mode="walk_forward"`` adds truly
causal probabilities, :attr:`HMMResult.walk_forward`: with a training length ``window`` and a
refit interval ``refit_every``, refit ``f`` happens at row ``b_f = window + f refit_every`` on
rows ``a_f .. b_f - 1`` (``a_f = b_f - window``, or ``a_f = 0`` when ``anchored``), with the
same EM, initialisation and state order as the full fit, and its parameters filter forward
from row ``a_f`` through rows ``b_f .. e_f - 1`` (``e_f = min(b_f + refit_every, T)``), of
which those rows are kept. ``walk_forward[t]`` therefore depends on ``obs[0..t]`` only (rows
before ``window`` are NaN: no parameters exist yet). Every other field is the full-sample fit
in both modes.

EM stops after ``n_iter`` iterations or as soon as the log-likelihood gain between two
consecutive iterations falls below ``tol`` (hmmlearn's ``ConvergenceMonitor`` rule). ``n_init``
restarts from different initial parameters (:func:`hmm_initial_params`) keep the fit of highest
likelihood. Both engines use the same initialisation, so for the same starting parameters they
follow the same EM path and converge to the same fit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

COVARS_PRIOR = 1e-2
"""hmmlearn's default inverse-gamma prior on the variances (in standardised units)."""

MIN_COVAR = 1e-3
"""Variance added to the initial (pooled) variances, as hmmlearn's ``min_covar``."""

INIT_PERSISTENCE = 0.9
"""Weight of the identity in the initial transition matrix (regimes start out persistent)."""

KMEANS_MAX_ITER = 100
"""Maximum Lloyd iterations of the k-means initialisation of the means."""


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


# ----------------------------------------------------------------------------- validation


def _is_int(value: object) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


MAX_N_STATES = 32
"""Most hidden states of :func:`hmm_fit`."""
MAX_N_ITER = 10_000
"""Most EM iterations per restart of :func:`hmm_fit`."""
MAX_N_INIT = 100
"""Most EM restarts of :func:`hmm_fit`."""
MAX_HMM_WORK = 20_000_000_000
"""Most ``n_iter x n_init x T x n_states**2 x D`` of one :func:`hmm_fit` (the forward-backward
cost of the whole fit: about a minute of one core at the limit)."""


HMM_MODES = ("filtered", "walk_forward")
"""``filtered``: state probabilities given full-sample parameters only; ``walk_forward``: also
the probabilities under parameters re-fitted on past data (:attr:`HMMResult.walk_forward`)."""
MAX_HMM_REFITS = 2_000
"""Most walk-forward refits of one :func:`hmm_fit` (the EM work of all of them also counts
towards :data:`MAX_HMM_WORK`)."""


def walk_forward_refits(x, n_states, n_iter, n_init, mode, window, refit_every, anchored):
    """Check the walk-forward arguments of :func:`hmm_fit` against the data ``x`` (T, D) and
    return the refits as an (F, 3) int64 array of ``(a_f, b_f, e_f)`` (F = 0 for
    ``mode="filtered"``). Bounds: at most :data:`MAX_HMM_REFITS` refits, and the EM work of
    the full fit plus every refit, ``n_iter x n_init x (T + sum of training rows) x K^2 x D``,
    at most :data:`MAX_HMM_WORK`; a training window holds at least as many values as the model
    has free parameters."""
    if mode not in HMM_MODES:
        raise ValueError(f"mode must be one of {HMM_MODES}, got {mode!r}")
    for name, value, low in (("window", window, 2), ("refit_every", refit_every, 1)):
        if not _is_int(value) or value < low:
            raise ValueError(f"{name} must be an integer >= {low} rows, got {value!r}")
    if not isinstance(anchored, bool | np.bool_):
        raise ValueError(f"anchored must be True or False, got {anchored!r}")
    if mode == "filtered":
        return np.empty((0, 3), dtype=np.int64)
    t, d = x.shape
    if window >= t:
        raise ValueError(
            f"window={window} leaves no rows to filter walk-forward in {t} observations; "
            f"use window < {t}"
        )
    n_free = n_free_params(int(n_states), d)
    if window * d < n_free:
        raise ValueError(
            f"window={window} rows x {d} columns is too short to fit a {n_states}-state HMM "
            f"with {n_free} free parameters"
        )
    starts = np.arange(window, t, refit_every, dtype=np.int64)
    if starts.size > MAX_HMM_REFITS:
        raise ValueError(
            f"walk-forward would refit {starts.size:,} times; at most {MAX_HMM_REFITS:,} "
            "(increase refit_every)"
        )
    folds = np.empty((starts.size, 3), dtype=np.int64)
    folds[:, 0] = 0 if anchored else starts - window
    folds[:, 1] = starts
    folds[:, 2] = np.minimum(starts + refit_every, t)
    rows = t + int((folds[:, 1] - folds[:, 0]).sum())
    work = max(int(n_iter), 1) * int(n_init) * rows * int(n_states) ** 2 * d
    if work > MAX_HMM_WORK:
        raise ValueError(
            f"hmm_fit work n_iter x n_init x (T + walk-forward training rows) x n_states^2 x D "
            f"= {work:,} exceeds the limit of {MAX_HMM_WORK:,}; use fewer iterations, restarts "
            "or states, a shorter window or a larger refit_every"
        )
    return folds


def walk_forward_probs(x, n_states, n_iter, tol, seed, n_init, init, folds, em, probs):
    """The walk-forward state probabilities (T, K) of the module docstring, shared by both
    engines: for each refit ``(a, b, e)`` in ``folds``, :func:`fit_restarts` with the engine's
    ``em`` on rows ``a .. b - 1``, :func:`order_states`, then ``probs(x[a:e], params)`` (the
    engine's filter) kept on rows ``b .. e - 1``; NaN before the first refit."""
    out = np.full((x.shape[0], int(n_states)), np.nan)
    for a, b, e in folds:
        train = x[a:b]
        if n_iter > 0 and np.any(train.std(axis=0) == 0):
            raise ValueError(
                f"walk-forward training rows {a}..{b - 1} have a constant column; an HMM cannot "
                "be fit on them (use a longer window)"
            )
        try:
            p, _, _ = fit_restarts(train, n_states, n_iter, tol, seed, n_init, init, em)
        except ValueError as exc:
            raise ValueError(f"walk-forward fit on rows {a}..{b - 1}: {exc}") from None
        out[b:e] = probs(x[a:e], order_states(p))[b - a :]
    return out


def validate_hmm_args(obs, n_states, n_iter, tol, seed, n_init) -> np.ndarray:
    """Check the arguments of :func:`hmm_fit` and return ``obs`` as a float (T, D) array.

    Sizes are bounded by :data:`MAX_N_STATES`, :data:`MAX_N_ITER`, :data:`MAX_N_INIT` and, for
    their product with the data, :data:`MAX_HMM_WORK`.
    """
    if not _is_int(n_states) or n_states < 1:
        raise ValueError(f"n_states must be an integer >= 1, got {n_states!r}")
    if not _is_int(n_iter) or n_iter < 0:
        raise ValueError(f"n_iter must be an integer >= 0, got {n_iter!r}")
    if not _is_int(n_init) or n_init < 1:
        raise ValueError(f"n_init must be an integer >= 1, got {n_init!r}")
    for name, value, bound in (
        ("n_states", n_states, MAX_N_STATES),
        ("n_iter", n_iter, MAX_N_ITER),
        ("n_init", n_init, MAX_N_INIT),
    ):
        if value > bound:
            raise ValueError(f"{name} must be at most {bound:,}, got {value!r}")
    if not _is_int(seed) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    try:
        tol = float(tol)
    except (TypeError, ValueError):
        raise ValueError(f"tol must be a number, got {tol!r}") from None
    if np.isnan(tol):
        raise ValueError("tol must not be NaN")
    try:
        x = np.asarray(obs, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"obs must be a numeric 1-D series or T x D matrix: {exc}") from None
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2 or x.shape[1] < 1:
        raise ValueError(f"obs must be 1-D or 2-D (T x D), got shape {np.shape(obs)}")
    if not np.all(np.isfinite(x)):
        raise ValueError("obs contains NaN or infinite values")
    t, d = x.shape
    work = max(int(n_iter), 1) * int(n_init) * t * int(n_states) ** 2 * d
    if work > MAX_HMM_WORK:
        raise ValueError(
            f"hmm_fit work n_iter x n_init x T x n_states^2 x D = {work:,} exceeds the limit of "
            f"{MAX_HMM_WORK:,}; use fewer iterations, restarts, states or rows"
        )
    n_free = n_free_params(int(n_states), d)
    if t < 2 or x.size < n_free:
        raise ValueError(
            f"obs has too few observations: {t} rows x {d} columns for a {n_states}-state HMM "
            f"with {n_free} free parameters (need at least {n_free} values and 2 rows)"
        )
    if n_iter > 0 and np.any(x.std(axis=0) == 0):
        raise ValueError("obs has a constant column: its variance is zero, an HMM cannot be fit")
    return np.ascontiguousarray(x)


def n_free_params(n_states: int, n_features: int) -> int:
    """Free parameters of a diagonal Gaussian HMM: start, transitions, means and variances."""
    k = n_states
    return (k - 1) + k * (k - 1) + 2 * k * n_features


def validate_init(init, n_states: int, n_features: int) -> HMMParams:
    """Check user-supplied initial parameters and return them as float arrays."""
    if not isinstance(init, HMMParams):
        raise ValueError(f"init must be an HMMParams instance, got {type(init).__name__}")
    k, d = n_states, n_features
    sp = np.asarray(init.startprob, dtype=float)
    tm = np.asarray(init.transmat, dtype=float)
    mu = np.asarray(init.means, dtype=float)
    cv = np.asarray(init.covars, dtype=float)
    if d == 1 and mu.shape == (k,):
        mu = mu[:, None]
    if d == 1 and cv.shape == (k,):
        cv = cv[:, None]
    if sp.shape != (k,) or tm.shape != (k, k) or mu.shape != (k, d) or cv.shape != (k, d):
        raise ValueError(
            f"init must hold startprob (K,), transmat (K, K), means and covars (K, D) with "
            f"K={k}, D={d}; got {sp.shape}, {tm.shape}, {mu.shape}, {cv.shape}"
        )
    for name, arr in (("startprob", sp), ("transmat", tm), ("means", mu), ("covars", cv)):
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"init.{name} contains NaN or infinite values")
    if np.any(sp < 0) or not np.isclose(sp.sum(), 1.0):
        raise ValueError("init.startprob must be non-negative and sum to 1")
    if np.any(tm < 0) or not np.allclose(tm.sum(axis=1), 1.0):
        raise ValueError("init.transmat must be non-negative with rows summing to 1")
    if np.any(cv <= 0):
        raise ValueError("init.covars must be positive")
    return HMMParams(sp, tm, mu, cv)


# ----------------------------------------------------------------------------- shared steps


def standardize(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Column-standardise ``x``: return ``(z, loc, scale)`` with ``z = (x - loc) / scale``."""
    loc = x.mean(axis=0)
    scale = x.std(axis=0)
    return (x - loc) / scale, loc, scale


def to_standard_units(p: HMMParams, loc: np.ndarray, scale: np.ndarray) -> HMMParams:
    """Express parameters given in the units of ``obs`` in standardised units."""
    return HMMParams(p.startprob, p.transmat, (p.means - loc) / scale, p.covars / scale**2)


def to_obs_units(p: HMMParams, loc: np.ndarray, scale: np.ndarray) -> HMMParams:
    """Express parameters given in standardised units in the units of ``obs``."""
    return HMMParams(p.startprob, p.transmat, p.means * scale + loc, p.covars * scale**2)


def _kmeans(z: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """Lloyd's k-means with k-means++ seeding (Arthur & Vassilivitskii 2007); returns centres."""
    t = z.shape[0]
    centres = np.empty((k, z.shape[1]))
    centres[0] = z[rng.integers(t)]
    d2 = ((z - centres[0]) ** 2).sum(axis=1)
    for j in range(1, k):
        total = d2.sum()
        idx = rng.integers(t) if total <= 0 else int(rng.choice(t, p=d2 / total))
        centres[j] = z[idx]
        d2 = np.minimum(d2, ((z - centres[j]) ** 2).sum(axis=1))
    labels = np.full(t, -1)
    for _ in range(KMEANS_MAX_ITER):
        dist = ((z[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
        new = dist.argmin(axis=1)
        if np.array_equal(new, labels):
            break
        labels = new
        for j in range(k):
            members = z[labels == j]
            if members.shape[0]:
                centres[j] = members.mean(axis=0)
    return centres


def hmm_initial_params(z: np.ndarray, n_states: int, seed: int = 0, restart: int = 0) -> HMMParams:
    """Deterministic initial parameters for EM restart ``restart`` (shared by both engines).

    Scheme (hmmlearn's, made persistent): the means are k-means centres of ``z`` (k-means++
    seeding from ``numpy.random.default_rng([seed, restart])``, Lloyd iterations); every state
    starts with the pooled variance of each column plus :data:`MIN_COVAR`; ``startprob`` is
    uniform; ``transmat = INIT_PERSISTENCE * I + (1 - INIT_PERSISTENCE) * R`` with the rows of
    ``R`` drawn from a flat Dirichlet, so regimes start out persistent.

    Parameters
    ----------
    z : ndarray, shape (T, D)
        Observations (the engines pass the standardised ones).
    n_states : int
        Number of hidden states K.
    seed, restart : int
        Seed of the fit and index of the restart; together they seed the generator.
    """
    z = np.asarray(z, dtype=float)
    if z.ndim == 1:
        z = z[:, None]
    k = int(n_states)
    rng = np.random.default_rng([int(seed), int(restart)])
    means = _kmeans(z, k, rng)
    covars = np.tile(z.var(axis=0) + MIN_COVAR, (k, 1))
    startprob = np.full(k, 1.0 / k)
    transmat = INIT_PERSISTENCE * np.eye(k) + (1.0 - INIT_PERSISTENCE) * rng.dirichlet(
        np.ones(k), size=k
    )
    transmat /= transmat.sum(axis=1, keepdims=True)
    return HMMParams(startprob, transmat, means, covars)


def order_states(p: HMMParams) -> HMMParams:
    """Relabel states by ascending mean of the first column (stable for ties)."""
    order = np.argsort(p.means[:, 0], kind="stable")
    return HMMParams(
        p.startprob[order].copy(),
        p.transmat[np.ix_(order, order)].copy(),
        p.means[order].copy(),
        p.covars[order].copy(),
    )


def filter_probs(x: np.ndarray, p: HMMParams) -> np.ndarray:
    """Causal state probabilities ``P(s[t] | obs[0..t])`` by a normalised forward pass.

    The recursion runs in log space (``log f[t] = log b[t] + logsumexp(log f[t-1] + log A)``,
    normalised at every step), like hmmlearn's default ``implementation="log"``, so that no
    observation, however far from every state, underflows.
    """
    var = p.covars
    logb = -0.5 * (
        np.log(2.0 * np.pi * var).sum(axis=1)[None, :]
        + (((x[:, None, :] - p.means[None, :, :]) ** 2) / var[None, :, :]).sum(axis=2)
    )
    with np.errstate(divide="ignore"):
        log_tm = np.log(p.transmat)
        la = np.log(p.startprob) + logb[0]
    out = np.empty_like(logb)
    lf = la - np.logaddexp.reduce(la)
    out[0] = np.exp(lf)
    for t in range(1, x.shape[0]):
        la = logb[t] + np.logaddexp.reduce(lf[:, None] + log_tm, axis=0)
        lf = la - np.logaddexp.reduce(la)
        out[t] = np.exp(lf)
    return out


def make_result(
    p: HMMParams,
    loglik: float,
    converged: bool,
    filtered: np.ndarray,
    smoothed: np.ndarray,
    viterbi: np.ndarray,
    n_iter: int,
    n_init: int,
    n_obs: int,
    mode: str,
    walk_forward: np.ndarray,
    refit_rows: np.ndarray,
) -> HMMResult:
    """Assemble an :class:`HMMResult` (shared by both engines)."""
    k, d = p.means.shape
    loglik = float(loglik)
    if not np.isfinite(loglik):
        raise ValueError(
            "the HMM parameters give obs zero likelihood (an observation is impossible under "
            "every state); check init"
        )
    return HMMResult(
        means=p.means,
        covars=p.covars,
        transmat=p.transmat,
        startprob=p.startprob,
        loglik=loglik,
        converged=bool(converged),
        filtered=filtered,
        smoothed=smoothed,
        viterbi=np.asarray(viterbi, dtype=np.int64),
        n_iter=int(n_iter),
        n_init=int(n_init),
        bic=-2.0 * loglik + n_free_params(k, d) * float(np.log(n_obs)),
        mode=str(mode),
        walk_forward=np.asarray(walk_forward, dtype=float),
        refit_rows=np.asarray(refit_rows, dtype=np.int64),
    )


# ----------------------------------------------------------------------------- reference engine


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


def check_init_args(n_iter: int, n_init: int, init) -> None:
    """``init`` fixes the starting point: it excludes restarts and is needed when n_iter is 0."""
    if init is not None and n_init != 1:
        raise ValueError(f"n_init must be 1 when init is given, got {n_init}")
    if n_iter == 0 and init is None:
        raise ValueError("n_iter=0 evaluates given parameters: pass them as init=HMMParams(...)")


def fit_restarts(x, n_states, n_iter, tol, seed, n_init, init, em):
    """Run EM from each restart's initial parameters and keep the highest likelihood.

    Shared by both engines; ``em(z, p0, n_iter, tol) -> (params, n_done, converged, loglik)``
    is the engine's EM on standardised data ``z`` from ``p0`` (standardised units). Returns the
    best parameters in the units of ``x``, its EM iteration count and convergence flag.
    """
    check_init_args(n_iter, n_init, init)
    if init is not None:
        init = validate_init(init, n_states, x.shape[1])
    if n_iter == 0:
        return init, 0, False
    z, loc, scale = standardize(x)
    best = None
    for restart in range(n_init):
        if init is not None:
            p0 = to_standard_units(init, loc, scale)
        else:
            p0 = hmm_initial_params(z, n_states, seed, restart)
        pz, n_done, converged, ll = em(z, p0, n_iter, tol)
        finite = np.isfinite(ll) and all(
            np.all(np.isfinite(a)) for a in (pz.startprob, pz.transmat, pz.means, pz.covars)
        )
        if finite and (best is None or ll > best[0]):
            best = (ll, pz, n_done, converged)
    if best is None:
        raise ValueError(
            f"EM failed from every start: a state lost all probability mass (n_states={n_states} "
            f"is too many for these {x.shape[0]} observations?); use fewer states, another seed "
            "or more restarts"
        )
    _, pz, n_done, converged = best
    return to_obs_units(pz, loc, scale), n_done, converged


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
