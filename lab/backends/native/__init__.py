"""The native engine: numba kernels (:mod:`lab.kernels`) plus NumPy/BLAS, one module per domain
mirroring :mod:`lab.analytics`.

Its public functions are derived from the registry (:mod:`lab.analytics.registry`): for every
analytic, :func:`~lab.analytics.registry.native_function` wraps the declared native
implementation in a function with exactly the reference's signature and defaults, and returns
the reference result dataclass.
"""

from lab.analytics.registry import REGISTRY, native_function

globals().update({name: native_function(analytic) for name, analytic in REGISTRY.items()})

__all__ = list(REGISTRY)
