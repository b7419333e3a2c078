"""numba kernels for Gaussian hidden Markov models with diagonal covariances.

Scaled forward-backward (Rabiner 1989, section V.A): forward variables are normalised at every
step, ``alpha_hat[t] = alpha[t] / P(obs[t] | obs[0..t-1])``, and the log-likelihood is the sum of
the log normalisers. Emission densities are rescaled by their row maximum before exponentiation
(the maximum is added back to the log-likelihood), so observations far from every state never
underflow. The M-step reproduces hmmlearn's ``GaussianHMM._do_mstep`` with its default priors
(see :mod:`lab.analytics.regimes`).
"""

from __future__ import annotations

import numpy as np

from lab.kernels._jit import kernel

_LOG_2PI = float(np.log(2.0 * np.pi))


@kernel
def _emission_consts(covars):
    k, d = covars.shape
    const = np.empty(k)
    prec = np.empty((k, d))
    for j in range(k):
        acc = 0.0
        for f in range(d):
            acc += np.log(covars[j, f]) + _LOG_2PI
            prec[j, f] = 1.0 / covars[j, f]
        const[j] = -0.5 * acc
    return const, prec


@kernel
def log_emission(x, means, covars, logb):
    """Fill ``logb[t, k] = log N(x[t]; means[k], diag(covars[k]))``."""
    t_len, d = x.shape
    k = means.shape[0]
    const, prec = _emission_consts(covars)
    for t in range(t_len):
        for j in range(k):
            q = 0.0
            for f in range(d):
                r = x[t, f] - means[j, f]
                q += r * r * prec[j, f]
            logb[t, j] = const[j] - 0.5 * q


@kernel
def emission_probs(x, means, covars, b, rowmax):
    """Fill ``b[t, k] = N(x[t]; means[k], diag(covars[k])) / exp(rowmax[t])`` and ``rowmax``
    (the row maxima of the log densities from :func:`log_emission`)."""
    log_emission(x, means, covars, b)
    t_len, k = b.shape
    for t in range(t_len):
        m = -np.inf
        for j in range(k):
            if b[t, j] > m:
                m = b[t, j]
        rowmax[t] = m
        for j in range(k):
            b[t, j] = np.exp(b[t, j] - m)


@kernel
def forward(startprob, transmat, b, rowmax, alpha, scale):
    """Normalised forward pass; ``alpha[t]`` = P(state | obs[0..t]). Returns the log-likelihood."""
    t_len, k = b.shape
    ll = 0.0
    s = 0.0
    for j in range(k):
        alpha[0, j] = startprob[j] * b[0, j]
        s += alpha[0, j]
    scale[0] = s
    for j in range(k):
        alpha[0, j] /= s
    ll += np.log(s) + rowmax[0]
    for t in range(1, t_len):
        s = 0.0
        for j in range(k):
            acc = 0.0
            for i in range(k):
                acc += alpha[t - 1, i] * transmat[i, j]
            acc *= b[t, j]
            alpha[t, j] = acc
            s += acc
        scale[t] = s
        inv = 1.0 / s
        for j in range(k):
            alpha[t, j] *= inv
        ll += np.log(s) + rowmax[t]
    return ll


@kernel
def backward(transmat, b, scale, beta):
    """Scaled backward pass with the forward normalisers, so that ``alpha * beta`` sums to 1."""
    t_len, k = b.shape
    tmp = np.empty(k)
    for j in range(k):
        beta[t_len - 1, j] = 1.0
    for t in range(t_len - 2, -1, -1):
        inv = 1.0 / scale[t + 1]
        for j in range(k):
            tmp[j] = b[t + 1, j] * beta[t + 1, j] * inv
        for i in range(k):
            acc = 0.0
            for j in range(k):
                acc += transmat[i, j] * tmp[j]
            beta[t, i] = acc


@kernel
def _normalize_rows(a):
    for i in range(a.shape[0]):
        s = 0.0
        for j in range(a.shape[1]):
            s += a[i, j]
        if s == 0.0:
            s = 1.0
        for j in range(a.shape[1]):
            a[i, j] /= s


@kernel
def baum_welch(x, startprob, transmat, means, covars, n_iter, tol, covars_prior):
    """Baum-Welch EM from the given parameters (copied, not modified).

    Returns ``(startprob, transmat, means, covars, n_done, converged, loglik)`` where ``loglik``
    is the log-likelihood of the returned parameters, ``n_done`` the EM iterations performed and
    ``converged`` whether the last gain was below ``tol`` (hmmlearn's stopping rule: the gain is
    measured between the E-step log-likelihoods of consecutive iterations).
    """
    t_len, d = x.shape
    k = means.shape[0]
    sp = startprob.copy()
    tm = transmat.copy()
    mu = means.copy()
    cv = covars.copy()
    b = np.empty((t_len, k))
    rowmax = np.empty(t_len)
    alpha = np.empty((t_len, k))
    scale = np.empty(t_len)
    post = np.empty(k)
    sx = np.empty((k, d))
    sxx = np.empty((k, d))
    xi = np.empty((k, k))
    gamma = np.empty(k)
    start = np.empty(k)
    tmp = np.empty(k)
    beta_next = np.empty(k)
    beta_cur = np.empty(k)
    prev = -np.inf
    n_done = 0
    converged = False
    for it in range(n_iter):
        emission_probs(x, mu, cv, b, rowmax)
        ll = forward(sp, tm, b, rowmax, alpha, scale)
        # fused backward pass + sufficient statistics: beta is kept for t+1 and t only
        post[:] = 0.0
        sx[:, :] = 0.0
        sxx[:, :] = 0.0
        xi[:, :] = 0.0
        for j in range(k):
            beta_next[j] = 1.0
        for t in range(t_len - 1, -1, -1):
            g = 0.0
            for j in range(k):
                gamma[j] = alpha[t, j] * beta_next[j]
                g += gamma[j]
            inv_g = 1.0 / g
            for j in range(k):
                w = gamma[j] * inv_g
                post[j] += w
                for f in range(d):
                    xf = x[t, f]
                    sx[j, f] += w * xf
                    sxx[j, f] += w * xf * xf
                if t == 0:
                    start[j] = w
            if t == 0:
                break
            inv = 1.0 / scale[t]
            for j in range(k):
                tmp[j] = b[t, j] * beta_next[j] * inv
            for i in range(k):
                acc = 0.0
                ai = alpha[t - 1, i]
                for j in range(k):
                    v = tm[i, j] * tmp[j]
                    acc += v
                    xi[i, j] += ai * v
                beta_cur[i] = acc
            for i in range(k):
                beta_next[i] = beta_cur[i]
        # M-step (hmmlearn GaussianHMM defaults: flat Dirichlet, means_weight=0, covars_weight=1)
        for j in range(k):
            if sp[j] != 0.0:
                sp[j] = max(start[j], 0.0)
        s = 0.0
        for j in range(k):
            s += sp[j]
        if s == 0.0:
            s = 1.0
        for j in range(k):
            sp[j] /= s
        if t_len > 1:
            for i in range(k):
                for j in range(k):
                    if tm[i, j] != 0.0:
                        tm[i, j] = max(xi[i, j], 0.0)
            _normalize_rows(tm)
        for j in range(k):
            denom = post[j]
            for f in range(d):
                m = sx[j, f] / denom
                mu[j, f] = m
                c_n = sxx[j, f] - 2.0 * m * sx[j, f] + m * m * denom
                cv[j, f] = (covars_prior + c_n) / max(denom, 1e-5)
        n_done = it + 1
        if it > 0 and ll - prev < tol:
            converged = True
            break
        prev = ll
    emission_probs(x, mu, cv, b, rowmax)
    ll = forward(sp, tm, b, rowmax, alpha, scale)
    return sp, tm, mu, cv, n_done, converged, ll


@kernel
def state_probs(x, startprob, transmat, means, covars):
    """Log-likelihood, filtered ``P(s[t] | obs[0..t])`` and smoothed ``P(s[t] | obs)``."""
    t_len = x.shape[0]
    k = means.shape[0]
    b = np.empty((t_len, k))
    rowmax = np.empty(t_len)
    alpha = np.empty((t_len, k))
    beta = np.empty((t_len, k))
    scale = np.empty(t_len)
    emission_probs(x, means, covars, b, rowmax)
    ll = forward(startprob, transmat, b, rowmax, alpha, scale)
    backward(transmat, b, scale, beta)
    smoothed = alpha * beta
    _normalize_rows(smoothed)
    return ll, alpha, smoothed


@kernel
def viterbi(x, startprob, transmat, means, covars):
    """Most likely state path (log-space Viterbi; ties go to the lowest state index)."""
    t_len, d = x.shape
    k = means.shape[0]
    logb = np.empty((t_len, k))
    log_emission(x, means, covars, logb)
    logtm = np.log(transmat)
    lat = np.empty((t_len, k))
    for j in range(k):
        lat[0, j] = np.log(startprob[j]) + logb[0, j]
    for t in range(1, t_len):
        for j in range(k):
            best = -np.inf
            for i in range(k):
                v = lat[t - 1, i] + logtm[i, j]
                if v > best:
                    best = v
            lat[t, j] = best + logb[t, j]
    path = np.empty(t_len, dtype=np.int64)
    s = 0
    for j in range(1, k):
        if lat[t_len - 1, j] > lat[t_len - 1, s]:
            s = j
    path[t_len - 1] = s
    for t in range(t_len - 2, -1, -1):
        best_i = 0
        best = lat[t, 0] + logtm[0, s]
        for i in range(1, k):
            v = lat[t, i] + logtm[i, s]
            if v > best:
                best = v
                best_i = i
        s = best_i
        path[t] = s
    return path
