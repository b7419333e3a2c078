"""Small dense least-squares building blocks for the numba kernels.

Every routine works on a *transposed* design: ``A[j]`` is the j-th regressor (a contiguous
row), and the dependent variable is the last row. Householder QR on that layout walks memory
contiguously and, being backward stable, matches LAPACK-based least squares (statsmodels uses
``pinv``) to rounding error, which the Dickey-Fuller t-statistics need (agreement 1e-8).

Reference: G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed., 2013, section 5.2
(Householder QR) and section 5.3 (the least-squares solution and residual sum of squares from
the QR factors).
"""

from __future__ import annotations

import math

import numpy as np

from lab.kernels._jit import kernel


@kernel
def householder_qr(a, ncols):
    """Triangularise the first ``ncols`` regressors of ``a`` in place.

    Parameters
    ----------
    a : ndarray, shape (p, m)
        Transposed design, one regressor per row; rows ``ncols..p-1`` (typically the dependent
        variable) receive the same reflections ``Q^T`` but are not pivots.
    ncols : int
        Number of leading rows to triangularise (``ncols <= min(p, m)``).

    Returns
    -------
    rdiag : ndarray, shape (ncols,)
        Diagonal of ``R``. On return ``a[j, k]`` holds ``R[k, j]`` for ``j > k`` and
        ``a[j, k:]`` of a non-pivot row ``j`` holds ``(Q^T a_j)[k:]``; hence for the dependent
        row ``y`` the residual sum of squares of the regression on the first ``q`` regressors
        is ``sum(a[y, q:] ** 2)``.
    """
    p, m = a.shape
    rdiag = np.zeros(ncols)
    for k in range(ncols):
        s = 0.0
        for i in range(k, m):
            s += a[k, i] * a[k, i]
        nrm = math.sqrt(s)
        if nrm == 0.0:
            continue
        x0 = a[k, k]
        alpha = -nrm if x0 >= 0.0 else nrm
        # v = x - alpha e1, stored in a[k, k:]; v.v = 2 nrm (nrm + |x0|)
        a[k, k] = x0 - alpha
        beta = 1.0 / (nrm * (nrm + abs(x0)))
        for j in range(k + 1, p):
            d = 0.0
            for i in range(k, m):
                d += a[k, i] * a[j, i]
            d *= beta
            for i in range(k, m):
                a[j, i] -= d * a[k, i]
        rdiag[k] = alpha
    return rdiag


@kernel
def back_substitute(a, rdiag, row):
    """Solve ``R c = z`` with ``R`` from :func:`householder_qr` and ``z = a[row, :ncols]``."""
    n = rdiag.shape[0]
    coef = np.zeros(n)
    for k in range(n - 1, -1, -1):
        acc = a[row, k]
        for j in range(k + 1, n):
            acc -= a[j, k] * coef[j]
        coef[k] = acc / rdiag[k]
    return coef


@kernel
def ols_t(design_t, y):
    """OLS of ``y`` on the regressors in the rows of ``design_t``.

    Parameters
    ----------
    design_t : ndarray, shape (k, m)
        Transposed design (not modified).
    y : ndarray, shape (m,)

    Returns
    -------
    coef : ndarray, shape (k,)
    resid : ndarray, shape (m,)
        ``y - X coef`` computed from the coefficients, as statsmodels does.
    """
    k, m = design_t.shape
    a = np.empty((k + 1, m))
    a[:k] = design_t
    a[k] = y
    rdiag = householder_qr(a, k)
    coef = back_substitute(a, rdiag, k)
    resid = y.copy()
    for j in range(k):
        c = coef[j]
        for i in range(m):
            resid[i] -= c * design_t[j, i]
    return coef, resid
