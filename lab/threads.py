"""Deliberate BLAS thread control.

Unbounded OpenBLAS threading made a 1000x50 correlation 18x slower on a 2-core machine, and on
the CI machine (2 cores, OpenBLAS) ``np.corrcoef`` on 1000x50 took 181 us with one BLAS thread
against 381 us with two. ArbLab therefore runs BLAS single-threaded by default and
parallelises at a coarser grain (numba ``prange``, gRPC workers, Dask). Override with the
environment variable ``ARBLAB_BLAS_THREADS``.

How the limit is applied: BLAS libraries read their thread count from the environment when
they load (``OPENBLAS_NUM_THREADS`` for NumPy's and SciPy's own bundled OpenBLAS,
``MKL_NUM_THREADS``, ``BLIS_NUM_THREADS``, ``VECLIB_MAXIMUM_THREADS``), so
:func:`configure_blas_threads` sets those variables (overriding any value already there, and
for child processes too); libraries already loaded when it runs are limited through
threadpoolctl. ``import lab`` therefore does not import NumPy or SciPy: it stays cheap, and
the limit still reaches every BLAS loaded later.
"""

from __future__ import annotations

import os
import sys
from typing import Any

ENV_VAR = "ARBLAB_BLAS_THREADS"
DEFAULT_BLAS_THREADS = 1

BLAS_ENV_VARS = (
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
)
"""The variables BLAS libraries read their thread count from when they load."""

_BLAS_MODULES = ("numpy", "scipy")
"""Modules whose presence in ``sys.modules`` means a BLAS library may already be loaded."""

_limiter: Any = None


def configure_blas_threads(n: int | None = None) -> int:
    """Limit BLAS to ``n`` threads for the whole process and return the limit applied.

    Parameters
    ----------
    n : int, optional
        Number of BLAS threads. Defaults to ``$ARBLAB_BLAS_THREADS`` or 1.
    """
    global _limiter
    if n is None:
        raw = os.environ.get(ENV_VAR, str(DEFAULT_BLAS_THREADS))
        try:
            n = int(raw)
        except ValueError as exc:
            raise ValueError(f"{ENV_VAR} must be a positive integer, got {raw!r}") from exc
    if n < 1:
        raise ValueError(f"BLAS threads must be >= 1, got {n}")
    for var in BLAS_ENV_VARS:
        os.environ[var] = str(n)
    if any(name in sys.modules for name in _BLAS_MODULES):
        from threadpoolctl import threadpool_limits

        _limiter = threadpool_limits(limits=n, user_api="blas")
    return n


def blas_threads() -> int:
    """Current number of BLAS threads: the maximum over the BLAS libraries of NumPy and SciPy
    (both are loaded first, so the answer covers the libraries ArbLab computes with)."""
    import numpy  # noqa: F401
    import scipy.linalg  # noqa: F401
    from threadpoolctl import threadpool_info

    info = [d["num_threads"] for d in threadpool_info() if d.get("user_api") == "blas"]
    if not info:
        raise RuntimeError("no BLAS library is loaded; cannot report its threads")
    return max(info)
