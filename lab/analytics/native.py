"""The native engine as one namespace: every analytic of the registry, run on numba kernels.

For every analytic, :func:`~lab.analytics.registry.native_function` wraps the native
implementation its registry entry names (``"module:function"`` in the analytic's domain
package) in a function with exactly the reference's signature and defaults, returning the
reference's result dataclass. :mod:`lab.analytics` is the reference engine's namespace; this
is the native engine's. The native backend (:mod:`lab.backends.native`) and the analytics
server (:mod:`lab.rpc.service`, its worker processes) run it.
"""

from lab.analytics.registry import REGISTRY, native_function

globals().update({name: native_function(analytic) for name, analytic in REGISTRY.items()})

__all__ = list(REGISTRY)
