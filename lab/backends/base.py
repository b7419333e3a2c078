"""The Backend contract: one object per way of running the analytics.

Every backend exposes each analytic of the registry (:mod:`lab.analytics.registry`) as a method
with exactly the signature of its reference function, and returns the same result dataclasses. The
methods are generated from the reference functions, so a signature can never drift; concrete
backends implement a single hook, :meth:`Backend._run`.

After each call :attr:`Backend.last_engine` names the engine that actually ran it (for example
``"native"`` when the grpc backend fell back), and :attr:`Backend.status` is a one-line,
human-readable state.
"""

from __future__ import annotations

import abc
import functools
import inspect
from collections.abc import Callable
from typing import Any

from lab import analytics
from lab.analytics.registry import REGISTRY


class Backend(abc.ABC):
    """Abstract base of all backends.

    Subclasses set :attr:`name` and implement :meth:`_run`. The public analytics methods
    (``adf``, ``backtest_pairs``, ...) are attached to this class from
    :data:`lab.analytics.FUNCTIONS`.
    """

    name: str = "abstract"

    def __init__(self) -> None:
        self.last_engine: str = self.name

    @property
    def status(self) -> str:
        """One-line state of the backend, for the UI and the benchmark labels."""
        return "ready (in-process)"

    @property
    def available(self) -> bool:
        """Whether the backend runs calls itself (False while a fallback is in use)."""
        return True

    @abc.abstractmethod
    def _run(self, function: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """Run analytics ``function`` with the caller's arguments and return its result."""

    def close(self) -> None:  # noqa: B027  (in-process backends hold nothing to release)
        """Release connections, clusters or threads held by the backend (idempotent)."""

    def __enter__(self) -> Backend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}: {self.status}>"


def _method(function: str) -> Callable[..., Any]:
    reference = REGISTRY[function].reference

    @functools.wraps(reference)
    def method(self: Backend, *args: Any, **kwargs: Any) -> Any:
        return self._run(function, args, kwargs)

    sig = inspect.signature(reference)
    self_param = inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    method.__signature__ = sig.replace(parameters=[self_param, *sig.parameters.values()])
    return method


for _function in REGISTRY:
    setattr(Backend, _function, _method(_function))
del _function


class ModuleBackend(Backend):
    """A backend that dispatches every call to a module holding the analytics functions."""

    module: Any = None

    def _run(self, function: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        self.last_engine = self.name
        return getattr(self.module, function)(*args, **kwargs)


class ReferenceBackend(ModuleBackend):
    """statsmodels, hmmlearn, scipy, scikit-learn and pandas, in-process: the source of truth."""

    name = "reference"
    module = analytics


class NativeBackend(ModuleBackend):
    """numba kernels plus NumPy/BLAS, in-process (:mod:`lab.backends.native`)."""

    name = "native"

    def __init__(self) -> None:
        from lab.backends import native

        self.module = native
        super().__init__()
