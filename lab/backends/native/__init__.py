"""The native engine: numba kernels (:mod:`lab.kernels`) plus NumPy/BLAS.

Its public functions are those of :mod:`lab.analytics.native`, derived from the registry
(:mod:`lab.analytics.registry`): for every analytic, the declared native implementation wrapped
in a function with exactly the reference's signature and defaults, returning the reference
result dataclass. The native code itself lives in each domain package
(``lab/analytics/<domain>/native*.py``).
"""

from typing import Any

from lab.analytics.registry import REGISTRY

__all__ = list(REGISTRY)


def __getattr__(name: str) -> Any:
    # looked up in lab.analytics.native on first use: that module imports the native code the
    # registry names, and native code still kept below this package (batch) runs this module
    if name in REGISTRY:
        from lab.analytics import native

        return getattr(native, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
