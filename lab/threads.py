"""Deliberate BLAS thread control.

Unbounded OpenBLAS threading made a 1000x50 correlation 18x slower on a 2-core machine, and on
the CI machine (2 cores, OpenBLAS) ``np.corrcoef`` on 1000x50 took 181 us with one BLAS thread
against 381 us with two. SciPy ships its own OpenBLAS, so both libraries
are loaded before the limit is applied. ArbLab therefore runs BLAS single-threaded by default and parallelises
at a coarser grain (numba ``prange``, gRPC workers, Dask). Override with the environment
variable ``ARBLAB_BLAS_THREADS``.
"""

from __future__ import annotations

import os

import numpy as np  # noqa: F401  (loads NumPy's BLAS, so the limit below reaches it)
import scipy.linalg  # noqa: F401  (SciPy bundles its own OpenBLAS: load it before limiting)
from threadpoolctl import threadpool_info, threadpool_limits

ENV_VAR = "ARBLAB_BLAS_THREADS"
DEFAULT_BLAS_THREADS = 1

_limiter: threadpool_limits | None = None


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
    _limiter = threadpool_limits(limits=n, user_api="blas")
    return n


def blas_threads() -> int:
    """Current number of BLAS threads (the maximum over loaded BLAS libraries)."""
    info = [d["num_threads"] for d in threadpool_info() if d.get("user_api") == "blas"]
    if not info:
        raise RuntimeError("no BLAS library is loaded; cannot report its threads")
    return max(info)
