"""The one way ArbLab compiles a kernel: :func:`kernel`.

Every kernel in :mod:`lab.kernels` is compiled with the same options:

* ``cache=True``: the machine code is written to numba's on-disk cache, so a new process loads
  it instead of compiling again (see the ``numba_cache_load`` benchmark row);
* ``nogil=True``: a running kernel releases the GIL, so the gRPC server's other threads (health,
  ``Info``, cancellation) and the lab's other sessions keep running while it works;
* ``error_model="numpy"``: a floating-point division by zero gives ``inf``/``NaN`` as in NumPy
  instead of raising ``ZeroDivisionError``. Kernels are total on valid input; where a quotient
  is undefined the kernel tests the divisor itself and writes the documented value (usually
  NaN), and this error model guarantees that no overlooked corner (equal opening closes, a flat
  window) can raise.

``parallel=True`` (``prange`` loops) and ``inline="always"`` pass through.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numba

OPTIONS: dict[str, Any] = {"cache": True, "nogil": True, "error_model": "numpy"}
"""Compile options shared by every kernel."""


def kernel(fn: Callable[..., Any] | None = None, **options: Any) -> Any:
    """``numba.njit`` with :data:`OPTIONS`; use as ``@kernel`` or ``@kernel(parallel=True)``."""
    merged = {**OPTIONS, **options}
    if fn is None:
        return numba.njit(**merged)
    return numba.njit(**merged)(fn)
