"""ArbLab core library: data, analytics, kernels, backends, RPC, models, benchmarks, reports.

Nothing in this package imports Panel; the presentation layer lives in ``components``.
Importing ``lab`` pins BLAS threads (see :mod:`lab.threads`).
"""

from lab.threads import configure_blas_threads

__version__ = "0.1.0"

configure_blas_threads()

__all__ = ["__version__", "configure_blas_threads"]
