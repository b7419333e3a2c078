"""numba kernels for portfolio construction: a dense primal active-set QP solver, Newton's method
for risk parity, elastic-net coordinate descent on the Gram matrix, and the Riccati recursion
of the multi-period trading problem. Models are documented in :mod:`lab.analytics.portfolio`.
"""

from __future__ import annotations

import math

import numpy as np

from lab.kernels._jit import kernel

QP_OK = 0
QP_MAX_ITER = 1

RP_STEP_RTOL = 1e-13
"""Risk parity's Newton iteration stops when no component of the step exceeds this fraction
of the current value (a relative test: it is scale-free and reachable in floating point)."""


@kernel
def qp_active_set(H, c, A, b, G, h, x0, max_iter):
    """Primal active-set method for ``min 1/2 x'Hx + c'x`` s.t. ``A x = b``, ``G x >= h``.

    Nocedal and Wright (2006, *Numerical Optimization*, Algorithm 16.3). ``H`` must be positive
    definite and ``x0`` feasible. Each iteration solves the KKT system of the working set
    ``W`` (the equalities plus the inequalities held active)::

        [ H   -A_W' ] [p]   [-(Hx + c)]
        [ A_W   0   ] [l] = [    0    ]

    If ``p = 0`` the point minimises on the face: it is optimal when every inequality multiplier
    is >= 0, otherwise the most negative one leaves ``W``. If ``p != 0`` the longest feasible
    step ``alpha <= 1`` along ``p`` is taken and the blocking constraint joins ``W`` (it is
    linearly independent of ``W`` because ``p`` is orthogonal to ``W``'s rows). After a full
    step (``alpha = 1``, nothing blocking) the point is the face's minimiser by construction, so
    the next iteration takes ``p = 0`` and only tests the multipliers: the ``p`` computed there
    is rounding noise, which on a poorly scaled KKT matrix can exceed the ``p = 0`` tolerance
    for ever (a full step of noise, then the same again). The solution is exact (to rounding)
    once the optimal active set is found.

    Returns ``(x, status, iterations)``; status 0 optimal, 1 iteration limit.
    """
    n = x0.shape[0]
    me = A.shape[0]
    mi = G.shape[0]
    x = x0.copy()
    working = np.zeros(mi, dtype=np.bool_)
    hscale = 1.0
    for i in range(n):
        for j in range(n):
            hscale = max(hscale, abs(H[i, j]))
    cscale = 1.0
    for i in range(n):
        cscale = max(cscale, abs(c[i]))
    mult_tol = 1e-12 * max(hscale, cscale)
    face_min = False
    for it in range(max_iter):
        idx = np.nonzero(working)[0]
        m = me + idx.shape[0]
        size = n + m
        kkt = np.zeros((size, size))
        rhs = np.zeros(size)
        for i in range(n):
            acc = c[i]
            for j in range(n):
                kkt[i, j] = H[i, j]
                acc += H[i, j] * x[j]
            rhs[i] = -acc
        for r in range(me):
            for j in range(n):
                kkt[j, n + r] = -A[r, j]
                kkt[n + r, j] = A[r, j]
        for r in range(idx.shape[0]):
            row = idx[r]
            for j in range(n):
                kkt[j, n + me + r] = -G[row, j]
                kkt[n + me + r, j] = G[row, j]
        sol = np.linalg.solve(kkt, rhs)
        pmax = 0.0
        xmax = 1.0
        for j in range(n):
            pmax = max(pmax, abs(sol[j]))
            xmax = max(xmax, abs(x[j]))
        if face_min or pmax <= 1e-13 * xmax:
            worst = -1
            worst_val = -mult_tol
            for r in range(idx.shape[0]):
                lam = sol[n + me + r]
                if lam < worst_val:
                    worst_val = lam
                    worst = idx[r]
            if worst < 0:
                return x, QP_OK, it + 1
            working[worst] = False
            face_min = False
            continue
        alpha = 1.0
        block = -1
        for i in range(mi):
            if working[i]:
                continue
            gp = 0.0
            gx = 0.0
            gnorm = 0.0
            for j in range(n):
                gp += G[i, j] * sol[j]
                gx += G[i, j] * x[j]
                gnorm = max(gnorm, abs(G[i, j]))
            if gp < -1e-14 * gnorm * pmax:
                step = (h[i] - gx) / gp
                if step < 0.0:
                    step = 0.0
                if step < alpha:
                    alpha = step
                    block = i
        for j in range(n):
            x[j] += alpha * sol[j]
        if block >= 0:
            working[block] = True
        face_min = block < 0
    return x, QP_MAX_ITER, max_iter


@kernel
def risk_parity_newton(sigma, budget, y0, max_iter):
    """Damped Newton's method for Spinu's (2013) risk-budgeting programme
    ``min f(y) = 1/2 y' Sigma y - sum_i b_i log y_i`` over ``y > 0``.

    Strictly convex with gradient ``Sigma y - b / y`` and Hessian ``Sigma + diag(b / y^2)``;
    its minimiser has ``y_i (Sigma y)_i = b_i``, so ``w = y / sum(y)`` has risk contributions
    proportional to ``b``. Steps are halved until ``y`` stays positive and the Armijo condition
    holds (Boyd and Vandenberghe 2004, Algorithm 9.5), except once the decrement is below the
    rounding of ``f``, where the full step is taken. The stopping test is relative: iteration
    stops once the full Newton step changes no ``y_i`` by more than :data:`RP_STEP_RTOL` of its
    value (or the squared decrement ``-g'd`` is exactly 0). Quadratic convergence makes the next
    step smaller than rounding, so the weights are then exact to machine precision; an
    absolute test on the decrement (the earlier ``1e-28``) is not reachable in floating point
    for some covariances, whatever their scale.

    Returns ``(y, status, iterations)``; status 0 converged, 1 iteration limit.
    """
    n = y0.shape[0]
    y = y0.copy()
    prev_rel = np.inf
    for it in range(max_iter):
        sy = sigma @ y
        g = sy - budget / y
        hess = sigma.copy()
        for i in range(n):
            hess[i, i] += budget[i] / (y[i] * y[i])
        d = -np.linalg.solve(hess, g)
        dec = 0.0
        rel = 0.0
        for i in range(n):
            dec -= g[i] * d[i]
            rel = max(rel, abs(d[i]) / y[i])
        # converged: the step is below rounding of y, or it has stopped shrinking at the
        # rounding floor of an ill-conditioned Hessian (quadratic convergence would square it)
        if rel <= RP_STEP_RTOL or dec <= 0.0 or (rel < 1e-8 and rel >= 0.5 * prev_rel):
            for i in range(n):
                y[i] += d[i]
                if y[i] <= 0.0:
                    y[i] -= d[i]
            return y, 0, it + 1
        f0 = 0.5 * (y @ sy)
        for i in range(n):
            f0 -= budget[i] * math.log(y[i])
        t = 1.0
        # near the minimiser the decrease dec/2 is below the rounding of f, so Armijo's test
        # would fail by rounding alone: take the full step there (the quadratically convergent
        # phase, where exact arithmetic always accepts t = 1), keeping y positive
        pure = dec <= 1e-10 * max(1.0, abs(f0))
        for _ in range(60):
            if pure:
                ok = True
                for i in range(n):
                    if y[i] + t * d[i] <= 0.0:
                        ok = False
                        break
                if ok:
                    break
                t *= 0.5
                continue
            ok = True
            for i in range(n):
                if y[i] + t * d[i] <= 0.0:
                    ok = False
                    break
            if ok:
                yn = y + t * d
                f1 = 0.5 * (yn @ (sigma @ yn))
                for i in range(n):
                    f1 -= budget[i] * math.log(yn[i])
                if f1 <= f0 - 1e-4 * t * dec:
                    break
            t *= 0.5
        y = y + t * d
        prev_rel = rel
    return y, 1, max_iter


@kernel
def enet_gap(gram, xty, yy, w, l1, l2, positive):
    """Duality gap of the elastic net in Gram form at ``w`` (>= 0; 0 exactly at the optimum).

    Primal ``P(w) = 1/2 w'Qw - q'w + yy/2 + l1 ||w||_1 + l2/2 ||w||^2`` (``Q = X'X/T``,
    ``q = X'y/T``, ``yy = y'y/T``). With the residual correlation ``g = q - Qw - l2 w`` scaled
    into the dual feasible set (``s = min(1, l1 / ||g||_inf)``, the positive part for
    ``positive``), ``P(w) - D(s)`` is the gap of the standard Lagrangian dual (Friedman, Hastie
    and Tibshirani 2010, sec. 2.6; Fercoq, Gramfort and Salmon 2015).
    """
    n = xty.shape[0]
    qw = gram @ w
    wq = 0.0
    wqw = 0.0
    l1_norm = 0.0
    w_norm2 = 0.0
    dual = 0.0
    for i in range(n):
        wq += w[i] * xty[i]
        wqw += w[i] * qw[i]
        l1_norm += abs(w[i])
        w_norm2 += w[i] * w[i]
        g = xty[i] - qw[i] - l2 * w[i]
        dual = max(dual, g if positive else abs(g))
    r2 = max(yy - 2.0 * wq + wqw, 0.0)
    const = l1 / dual if dual > l1 else 1.0
    gap = 0.5 * r2 * (1.0 + const * const)
    gap += l1 * l1_norm - const * (yy - wq) + 0.5 * l2 * (1.0 + const * const) * w_norm2
    return max(gap, 0.0)


@kernel
def enet_cd_gram(gram, xty, yy, penalty, l1_ratio, positive, tol, max_sweeps):
    """Cyclic coordinate descent for the elastic net on the Gram matrix.

    Minimises ``1/2 w' Q w - q' w + a (l1 ||w||_1 + (1 - l1)/2 ||w||^2)`` with ``Q = X'X/T``
    and ``q = X'y/T`` (scikit-learn's objective): each coordinate is set to its exact
    minimiser ``S(q_j - (Qw)_j + Q_jj w_j, a l1) / (Q_jj + a (1 - l1))`` with ``S`` the soft
    threshold (clipped at 0 when ``positive``), Friedman, Hastie and Tibshirani (2010). Columns
    with ``Q_jj = 0`` stay at 0. Stops when the duality gap (:func:`enet_gap`) is at most
    ``tol * yy``, the certificate scikit-learn uses, or after ``max_sweeps``.

    Returns ``(w, sweeps, gap)``.
    """
    n = xty.shape[0]
    w = np.zeros(n)
    qw = np.zeros(n)
    l1 = penalty * l1_ratio
    l2 = penalty * (1.0 - l1_ratio)
    gap = np.inf
    for sweep in range(max_sweeps):
        max_dw = 0.0
        max_w = 0.0
        for j in range(n):
            qjj = gram[j, j]
            if qjj == 0.0:
                continue
            old = w[j]
            rho = xty[j] - qw[j] + qjj * old
            if positive and rho < 0.0:
                new = 0.0
            else:
                mag = abs(rho) - l1
                new = math.copysign(mag, rho) / (qjj + l2) if mag > 0.0 else 0.0
            delta = new - old
            if delta != 0.0:
                for i in range(n):
                    qw[i] += delta * gram[i, j]
                w[j] = new
            max_dw = max(max_dw, abs(delta))
            max_w = max(max_w, abs(new))
        if max_w == 0.0 or max_dw <= 1e-3 * max_w or sweep == max_sweeps - 1:
            gap = enet_gap(gram, xty, yy, w, l1, l2, positive)
            if gap <= tol * yy:
                return w, sweep + 1, gap
    return w, max_sweeps, gap


@kernel
def riccati_gains(variances, gamma, lam, n_periods):
    """Per-period retention factors of the finite-horizon quadratic tracking problem.

    For each direction with variance ``s`` the problem ``min sum_t gamma s/2 x_t^2 + lam/2
    (x_t - x_{t-1})^2`` has the optimal policy ``x_t = a_t x_{t-1}`` with ``a_t = lam / (gamma
    s + lam + k_{t+1})`` and ``k_t = lam (gamma s + k_{t+1}) / (gamma s + lam + k_{t+1})``,
    ``k_{n+1} = 0`` (backward dynamic programming). Returns ``a`` with shape ``(n_periods,
    len(variances))``.
    """
    m = variances.shape[0]
    gains = np.empty((n_periods, m))
    k = np.zeros(m)
    for t in range(n_periods - 1, -1, -1):
        for j in range(m):
            gs = gamma * variances[j]
            denom = gs + lam + k[j]
            gains[t, j] = lam / denom
            k[j] = lam * (gs + k[j]) / denom
    return gains
