"""Backends: the same analytics run in-process (reference, native), on a gRPC server or on Dask.

Use :func:`get_backend`::

    from lab.backends import get_backend
    be = get_backend("native")
    be.engle_granger(y, x)
"""

from __future__ import annotations

import importlib
from typing import Any

from lab.backends.base import Backend, NativeBackend, ReferenceBackend

BACKENDS: dict[str, str] = {
    "reference": "lab.backends.base:ReferenceBackend",
    "native": "lab.backends.base:NativeBackend",
    "grpc": "lab.backends.grpc:GrpcBackend",
    "dask": "lab.backends.dask:DaskBackend",
}
"""Backend names and the classes that implement them (imported on first use)."""


def get_backend(name: str, **options: Any) -> Backend:
    """Create the backend called ``name`` (one of :data:`BACKENDS`).

    Parameters
    ----------
    name : str
        ``"reference"``, ``"native"``, ``"grpc"`` or ``"dask"``.
    **options
        Passed to the backend's constructor, e.g. ``address=`` and ``token=`` for grpc or
        ``address=`` for dask.
    """
    try:
        target = BACKENDS[name]
    except KeyError:
        raise ValueError(f"unknown backend {name!r}; choose one of {', '.join(BACKENDS)}") from None
    module_name, _, cls_name = target.partition(":")
    cls = getattr(importlib.import_module(module_name), cls_name)
    return cls(**options)


__all__ = ["BACKENDS", "Backend", "NativeBackend", "ReferenceBackend", "get_backend"]
