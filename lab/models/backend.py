"""The backend choice of a session: which engine runs the analytics, and how it is doing."""

from __future__ import annotations

import os
import threading
from typing import Any

import param

from lab.backends import BACKENDS, Backend, get_backend
from lab.models.cache import Computed
from lab.rpc.supervisor import note_for
from lab.rpc.wire import DEFAULT_ADDRESS

GRPC_ADDRESS_ENV = "ARBLAB_GRPC_ADDRESS"
"""Environment variable holding the analytics server address (``arblab serve`` sets it to the
embedded server's address). Without it the grpc backend targets :data:`lab.rpc.wire.DEFAULT_ADDRESS`,
the default of ``arblab server``."""

DASK_ADDRESS_ENV = "ARBLAB_DASK_ADDRESS"
"""Environment variable holding a Dask scheduler address; without it the dask backend starts an
embedded ``LocalCluster``."""

LEVELS = ("ok", "fallback", "error", "off")
"""Status levels: ``ok`` the chosen engine runs the calls; ``fallback`` another engine runs
them (for grpc: the server is unreachable and ``native`` runs in-process); ``error`` the
backend cannot be created or used; ``off`` not created yet."""

# Dask clusters are expensive (worker processes on a 2-core machine): one backend per
# scheduler address is shared by every session in the process. Backends hold connections, not
# session state; each session still owns its BackendModel and its choice.
_SHARED_LOCK = threading.Lock()
_SHARED: dict[tuple[str, str | None], Backend] = {}
_SHARED_KINDS = frozenset({"dask"})


def close_shared_backends() -> None:
    """Close the process-wide (dask) backends; ``arblab serve`` calls it on shutdown."""
    with _SHARED_LOCK:
        backends = list(_SHARED.values())
        _SHARED.clear()
    for backend in backends:
        backend.close()


class BackendModel(param.Parameterized):
    """Which backend runs a session's analytics, with a status that is kept current.

    Call :meth:`get` for the live :class:`~lab.backends.Backend` (created once per
    ``(backend, address)`` and reused) and :meth:`call` to run an analytics function and learn
    which engine actually ran it. :meth:`refresh` re-reads the backend's status; the app polls
    it about once a second so that a server going away shows within seconds.
    """

    backend = param.Selector(
        default="native",
        objects=list(BACKENDS),
        doc="Engine for the analytics: reference (statsmodels/scipy/...), native (numba), "
        "grpc (the ArbLab analytics server) or dask (a Dask cluster).",
    )
    grpc_address = param.String(
        default=None,
        allow_None=True,
        doc=f"host:port of the analytics server; default ${GRPC_ADDRESS_ENV} or {DEFAULT_ADDRESS}.",
    )
    dask_address = param.String(
        default=None,
        allow_None=True,
        doc=f"Dask scheduler address; default ${DASK_ADDRESS_ENV} or an embedded LocalCluster.",
    )
    status = param.String(
        default="", constant=True, doc="One-line state of the backend (read-only)."
    )
    level = param.Selector(
        default="off", objects=list(LEVELS), constant=True, doc="Status level (read-only)."
    )
    engine = param.String(
        default="", constant=True, doc="Engine that ran the most recent call (read-only)."
    )

    def __init__(self, **params: Any) -> None:
        if params.get("grpc_address") is None:
            params["grpc_address"] = os.environ.get(GRPC_ADDRESS_ENV, DEFAULT_ADDRESS)
        if params.get("dask_address") is None:
            params["dask_address"] = os.environ.get(DASK_ADDRESS_ENV) or None
        super().__init__(**params)
        self._backends: dict[tuple[str, str | None], Backend] = {}
        self._lock = threading.RLock()
        self.refresh()

    # -- identity -------------------------------------------------------------------------
    @property
    def address(self) -> str | None:
        """Address the selected backend connects to (None for in-process engines)."""
        if self.backend == "grpc":
            return self.grpc_address
        if self.backend == "dask":
            return self.dask_address
        return None

    @property
    def key(self) -> tuple[str, str | None]:
        """``(backend, address)``: part of every cache key, so results never mix engines."""
        return (self.backend, self.address)

    # -- the live backend -----------------------------------------------------------------
    def get(self) -> Backend:
        """The live backend object for the current choice, created on first use and reused.

        Raises
        ------
        ValueError
            The backend cannot be created (for example a malformed address); the message says
            why. The status shows the same message.
        """
        key = self.key
        name, address = key
        with self._lock:
            backend = self._backends.get(key)
            if backend is not None:
                return backend
        if name in _SHARED_KINDS:
            with _SHARED_LOCK:
                backend = _SHARED.get(key)
                if backend is None:
                    backend = self._create(name, address)
                    _SHARED[key] = backend
        else:
            backend = self._create(name, address)
        with self._lock:
            self._backends[key] = backend
        return backend

    @staticmethod
    def _create(name: str, address: str | None) -> Backend:
        options = {"address": address} if address else {}
        return get_backend(name, **options)

    def call(self, function: str, *args: Any, **kwargs: Any) -> Computed:
        """Run analytics ``function`` on the selected backend.

        Returns
        -------
        Computed
            The result and the engine that actually ran it (``native`` when grpc fell back).
            Invalid input raises ``ValueError`` and is never retried elsewhere.
        """
        backend = self.get()
        value = getattr(backend, function)(*args, **kwargs)
        computed = Computed(value=value, engine=backend.last_engine, fallback=not backend.available)
        self._record(backend, computed.engine)
        return computed

    # -- status ---------------------------------------------------------------------------
    @param.depends("backend", "grpc_address", "dask_address", watch=True)
    def _on_choice(self) -> None:
        self.refresh()

    def refresh(self) -> str:
        """Re-read the selected backend's status and level; returns the status line.

        For backends with a liveness probe (``ping``/``check``) the probe runs first, so a
        server that went away shows as a fallback without waiting for the next analytics call.
        """
        try:
            backend = self.get()
            probe = getattr(backend, "ping", None) or getattr(backend, "check", None)
            if callable(probe):
                probe()
            status, level = self._status_of(backend)
        except Exception as exc:  # the reason is the status: shown to the user, not hidden
            status = f"{self.backend}: {exc}"
            level = "error"
        with param.edit_constant(self):
            self.param.update(status=status, level=level)
        return status

    def _status_of(self, backend: Backend) -> tuple[str, str]:
        """The backend's status and level; while the embedded analytics server of this
        process is being restarted (:mod:`lab.rpc.supervisor`), the status says so."""
        if backend.available:
            return backend.status, "ok"
        if self.backend == "grpc":
            note = note_for(self.grpc_address)
            if note is not None and note != "stopped":
                return f"embedded server {note}; running native", "fallback"
        return backend.status, "fallback"

    def _record(self, backend: Backend, engine: str) -> None:
        status, level = self._status_of(backend)
        with param.edit_constant(self):
            self.param.update(status=status, level=level, engine=engine)

    def close(self) -> None:
        """Close this session's own backends (shared dask backends stay up for other sessions)."""
        with self._lock:
            backends = [(k, b) for k, b in self._backends.items() if k[0] not in _SHARED_KINDS]
            self._backends.clear()
        for _, backend in backends:
            backend.close()
