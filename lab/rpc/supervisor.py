"""Supervision of the embedded analytics server: a crashed server is reaped and restarted.

``arblab serve`` runs its analytics server in a child process
(:class:`lab.rpc.embedded.EmbeddedServer`). :class:`SupervisedServer` watches that child: when it
exits without being asked to (a crash, ``kill -9``, the OOM killer), the dead child is reaped at
once (no zombie is left) and a new server is started on the same port, so the sessions' grpc
backends reconnect to the address they already hold (their reconnection probe runs about once
a second) and upload their datasets again.

Restart policy (exponential backoff, bounded)
---------------------------------------------
Attempt ``n`` (1, 2, ...) starts ``min(BACKOFF_MAX_S, BACKOFF_BASE_S * 2 ** (n - 1))`` seconds
after the crash or the previous failed attempt: 0.5, 1, 2, 4, 8, 8, ... s. After
:data:`MAX_ATTEMPTS` failed attempts in a row the supervisor gives up (state ``failed``); the
sessions keep running on the native fallback, and :meth:`SupervisedServer.restart` (``SIGUSR2``
to ``arblab serve``) tries again with a fresh budget.

State
-----
:attr:`SupervisedServer.state` is ``running``, ``restarting``, ``stopped`` (stopped on request,
never restarted on its own) or ``failed``; :attr:`SupervisedServer.note` is the line the status
light shows while the server is not running, e.g. ``"restarting (attempt 2)"``. The grpc
backend's own status says ``connected to ...`` again once the new server answers.
:func:`note_for` looks that line up by address (``lab.models.backend`` uses it).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger("lab.rpc.supervisor")

BACKOFF_BASE_S = 0.5
"""Delay before the first restart attempt, in seconds; it doubles with every failed attempt."""
BACKOFF_MAX_S = 8.0
"""Longest delay between two restart attempts, in seconds."""
MAX_ATTEMPTS = 10
"""Failed restart attempts in a row after which the supervisor gives up (state ``failed``)."""
POLL_S = 0.2
"""How often the child is checked (and, once dead, reaped), in seconds."""
RESTART_TIMEOUT_S = 60.0
"""How long one restart attempt may take until the new server serves, in seconds."""

STATES = ("running", "restarting", "stopped", "failed")

_REGISTRY: dict[str, SupervisedServer] = {}
_REGISTRY_LOCK = threading.Lock()


def backoff_delay(attempt: int, base: float = BACKOFF_BASE_S, cap: float = BACKOFF_MAX_S) -> float:
    """Seconds before restart attempt ``attempt`` (1-based): ``min(cap, base * 2**(attempt-1))``."""
    if attempt < 1:
        raise ValueError(f"attempt must be >= 1, got {attempt}")
    return min(cap, base * 2.0 ** min(attempt - 1, 30))


def note_for(address: str | None) -> str | None:
    """What the supervised server at ``address`` is doing when it is not running, else None.

    ``"restarting (attempt 2)"``, ``"stopped"`` or ``"failed after 10 restart attempts: ..."``;
    None for an address no supervisor in this process serves, or while the server runs.
    """
    if not address:
        return None
    with _REGISTRY_LOCK:
        supervisor = _REGISTRY.get(address)
    return None if supervisor is None else supervisor.note


def _default_factory(port: int) -> Any:
    from lab.rpc.embedded import start_embedded

    return start_embedded(port=port, startup_timeout=RESTART_TIMEOUT_S)


class SupervisedServer:
    """An embedded analytics server that is restarted, with backoff, whenever it dies.

    Parameters
    ----------
    factory : callable, optional
        ``factory(port) -> server`` starts a server on ``port`` (0: a free one) and returns once
        it serves; the server has ``.address``, ``.port``, ``.pid``, ``.running`` and
        ``.stop()``. Default :func:`lab.rpc.embedded.start_embedded`.
    on_change : callable, optional
        Called with this supervisor after every state change (``arblab serve`` rewrites its
        state file with the new pid).
    base_s, max_s, max_attempts, poll_s
        The restart policy (see the module docstring); defaults :data:`BACKOFF_BASE_S`,
        :data:`BACKOFF_MAX_S`, :data:`MAX_ATTEMPTS`, :data:`POLL_S`.
    """

    def __init__(
        self,
        factory: Callable[[int], Any] | None = None,
        *,
        on_change: Callable[[SupervisedServer], None] | None = None,
        base_s: float = BACKOFF_BASE_S,
        max_s: float = BACKOFF_MAX_S,
        max_attempts: int = MAX_ATTEMPTS,
        poll_s: float = POLL_S,
    ) -> None:
        if not 0 < base_s <= max_s:
            raise ValueError(f"need 0 < base_s <= max_s, got {base_s} and {max_s}")
        if max_attempts < 1:
            raise ValueError(f"max_attempts must be >= 1, got {max_attempts}")
        self._factory = factory or _default_factory
        self._on_change = on_change
        self.base_s, self.max_s, self.max_attempts, self.poll_s = (
            base_s,
            max_s,
            max_attempts,
            poll_s,
        )
        self.server: Any = None
        self.port = 0
        self.state = "stopped"
        self.attempt = 0
        self.restarts = 0
        self.reason = ""
        self._next_try = 0.0
        self._lock = threading.RLock()
        self._wake = threading.Event()
        self._closed = threading.Event()
        self._thread: threading.Thread | None = None

    # -- facts ----------------------------------------------------------------------------
    @property
    def address(self) -> str | None:
        """``127.0.0.1:PORT`` (kept across restarts), or None before the first start."""
        return f"127.0.0.1:{self.port}" if self.port else None

    @property
    def pid(self) -> int | None:
        """Pid of the running server process, or None."""
        server = self.server
        return None if server is None else server.pid

    @property
    def note(self) -> str | None:
        """The status line while the server is not running (None while it runs)."""
        with self._lock:
            if self.state == "running":
                return None
            if self.state == "restarting":
                return f"restarting (attempt {max(self.attempt, 1)})"
            if self.state == "failed":
                return f"failed after {self.attempt} restart attempts: {self.reason}"
            return "stopped"

    # -- control --------------------------------------------------------------------------
    def start(self, port: int = 0) -> str:
        """Start the server (once; raises if it cannot) and begin supervising it."""
        with self._lock:
            if self.server is None or not self.server.running:
                self.server = self._factory(port)
                self.port = int(self.server.port)
                self.state = "running"
                self.attempt = 0
        with _REGISTRY_LOCK:
            _REGISTRY[self.address] = self
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._watch, name="arblab-embedded-supervisor", daemon=True
            )
            self._thread.start()
        self._changed()
        return self.address

    def stop(self) -> None:
        """Stop the server on request; it is not restarted until :meth:`restart`."""
        with self._lock:
            server, self.server = self.server, None
            self.state = "stopped"
            self.attempt = 0
        if server is not None:
            server.stop()
        self._changed()

    def restart(self) -> None:
        """Start the server again now, on its port, with a fresh attempt budget (any state)."""
        with self._lock:
            server, self.server = self.server, None
            self.state = "restarting"
            self.attempt = 0
            self.reason = "restart requested"
            self._next_try = 0.0
        if server is not None:
            server.stop()
        self._changed()
        self._wake.set()

    def close(self) -> None:
        """Stop supervising and stop the server (idempotent)."""
        self._closed.set()
        self._wake.set()
        self.stop()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=RESTART_TIMEOUT_S)
        with _REGISTRY_LOCK:
            if self.address and _REGISTRY.get(self.address) is self:
                del _REGISTRY[self.address]

    # -- the watcher ----------------------------------------------------------------------
    def _changed(self) -> None:
        if self._on_change is not None:
            try:
                self._on_change(self)
            except Exception:  # a failing observer must not stop the supervision
                log.exception("supervisor observer failed")

    def _watch(self) -> None:
        while not self._closed.is_set():
            self._wake.wait(self.poll_s)
            self._wake.clear()
            if self._closed.is_set():
                return
            with self._lock:
                server = self.server
                state = self.state
            if state == "running" and server is not None and not server.running:
                # ``running`` polls the child, which reaps it: no zombie stays behind
                self._crashed(server)
            elif state == "restarting" and time.monotonic() >= self._next_try:
                self._try_restart()

    def _crashed(self, server: Any) -> None:
        code = getattr(getattr(server, "_proc", None), "returncode", None)
        reason = "the analytics server exited" + (
            f" with status {code}" if code is not None else ""
        )
        log.warning("%s; restarting it on port %d", reason, self.port)
        with contextlib.suppress(Exception):
            server.stop()  # forgets the dead child (already reaped by the poll)
        with self._lock:
            if self.server is not server:
                return  # stopped or restarted meanwhile
            self.server = None
            self.state = "restarting"
            self.attempt = 0
            self.reason = reason
            self._next_try = time.monotonic() + backoff_delay(1, self.base_s, self.max_s)
        self._changed()

    def _try_restart(self) -> None:
        with self._lock:
            self.attempt += 1
            attempt = self.attempt
        self._changed()
        try:
            server = self._factory(self.port)
        except Exception as exc:
            reason = f"{type(exc).__name__}: {exc}"
            log.warning("restart attempt %d of the analytics server failed: %s", attempt, reason)
            with self._lock:
                self.reason = reason
                if attempt >= self.max_attempts:
                    self.state = "failed"
                else:
                    delay = backoff_delay(attempt + 1, self.base_s, self.max_s)
                    self._next_try = time.monotonic() + delay
            self._changed()
            return
        with self._lock:
            if self.state != "restarting" or self._closed.is_set():
                keep = False
            else:
                keep = True
                self.server = server
                self.state = "running"
                self.restarts += 1
                self.reason = ""
        if not keep:
            server.stop()
            return
        log.warning("analytics server restarted on %s (pid %s)", self.address, server.pid)
        self._changed()

    def __enter__(self) -> SupervisedServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<SupervisedServer {self.address} {self.state} pid={self.pid}>"
