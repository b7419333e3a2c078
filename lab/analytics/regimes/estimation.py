"""The parts of a Gaussian-HMM fit both engines share: standardisation, k-means
initialisation, state ordering, the forward filter, restarts and result assembly.
"""

from __future__ import annotations

import numpy as np

from lab.analytics.regimes.bounds import check_init_args, n_free_params, validate_init
from lab.analytics.regimes.results import HMMParams, HMMResult

COVARS_PRIOR = 1e-2
"""hmmlearn's default inverse-gamma prior on the variances (in standardised units)."""

MIN_COVAR = 1e-3
"""Variance added to the initial (pooled) variances, as hmmlearn's ``min_covar``."""

INIT_PERSISTENCE = 0.9
"""Weight of the identity in the initial transition matrix (regimes start out persistent)."""

KMEANS_MAX_ITER = 100
"""Maximum Lloyd iterations of the k-means initialisation of the means."""


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
