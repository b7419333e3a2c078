"""The walk-forward mode of :func:`hmm_fit`: the refit schedule and the causal filter over
it (parameters re-fitted on past rows only).
"""

from __future__ import annotations

import numpy as np

from lab.analytics.regimes import bounds
from lab.analytics.regimes.bounds import (
    HMM_MODES,
    MAX_HMM_REFITS,
    _is_int,
    n_free_params,
)
from lab.analytics.regimes.estimation import fit_restarts, order_states


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
    if work > bounds.MAX_HMM_WORK:
        raise ValueError(
            f"hmm_fit work n_iter x n_init x (T + walk-forward training rows) x n_states^2 x D "
            f"= {work:,} exceeds the limit of {bounds.MAX_HMM_WORK:,}; use fewer iterations, restarts "
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
