"""Input checks and the documented size bounds of :func:`hmm_fit`, shared by both engines."""

from __future__ import annotations

import numpy as np

from lab.analytics.regimes.results import HMMParams


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


def check_init_args(n_iter: int, n_init: int, init) -> None:
    """``init`` fixes the starting point: it excludes restarts and is needed when n_iter is 0."""
    if init is not None and n_init != 1:
        raise ValueError(f"n_init must be 1 when init is given, got {n_init}")
    if n_iter == 0 and init is None:
        raise ValueError("n_iter=0 evaluates given parameters: pass them as init=HMMParams(...)")
