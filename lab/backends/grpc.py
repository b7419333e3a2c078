"""The ``grpc`` backend: the analytics run on an ArbLab analytics server (native engine).

Use it through :func:`lab.backends.get_backend`::

    be = get_backend("grpc", address="127.0.0.1:50051", token=None)
    be.backtest_pairs(y, x, params)      # same signature and result as every backend
    be.status                            # "connected to 127.0.0.1:50051 (...)"

Datasets (array arguments of 32 KiB or more) are uploaded once, content-addressed, and then
passed by ref, so repeating a call with other parameters sends only the parameters.

A caller that needs only part of a result says so with :meth:`GrpcBackend.call_with`::

    be.call_with("backtest_pairs", (y, x, params), fields=("metrics", "equity"))
    be.call_with("backtest_pairs", (y, x, params), display_float32=True)

``fields`` is a field mask (the answer is a :class:`lab.rpc.messages.PartialResult` holding
those fields; unknown names are a ValueError listing the result's fields) and
``display_float32`` sends the result's display series (``lab.rpc.messages.DISPLAY_SERIES``)
as float32. The plain methods always return the whole, exact result.

Fallback is visible, never silent: when the server cannot be reached, the call runs on the
native engine in this process, :attr:`GrpcBackend.last_engine` is ``"native"`` and
:attr:`GrpcBackend.status` reads ``"unavailable: <reason>; running native"``. Later calls probe
the server again (at most every ``reconnect_interval`` seconds) and go back to it as soon as it
answers. A server that stops answering while it holds a call (paused, wedged) is noticed
within about 2 s by health checks of the call in flight: the call is cancelled, the status
reads ``"not responding: <reason>; running native"`` and the call runs natively. Each call's
deadline follows its workload (:meth:`GrpcBackend.call_timeout`); the channel also sends
keepalive pings (:data:`lab.rpc.client.CHANNEL_OPTIONS`). Invalid input is never retried or hidden: the server's ``INVALID_ARGUMENT`` becomes
``ValueError`` with the server's message. A wrong token raises ``PermissionError``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import grpc

from lab.analytics.registry import REGISTRY
from lab.backends.base import Backend
from lab.rpc import messages
from lab.rpc.client import (
    STREAMING,
    UPLOAD_THRESHOLD,
    AnalyticsClient,
    CallCancelled,
    Progress,
    ServerUnavailable,
)
from lab.rpc.wire import DEFAULT_ADDRESS

WATCH_AFTER_S = 0.5
"""A call still running after this long is watched: the server must keep answering health."""
HEALTH_TIMEOUT_S = 0.8
"""How long a health check of a watched call may take."""
HEALTH_STRIKES = 2
"""Consecutive failed health checks after which the server counts as stuck (one slow answer on
a loaded machine is not an outage): detection takes at most
``WATCH_AFTER_S + HEALTH_STRIKES * HEALTH_TIMEOUT_S`` = 2.1 s."""
INTERACTIVE_TIMEOUT_S = 30.0
"""Deadline of an interactive call, plus :data:`SECONDS_PER_MIB` per MiB of array arguments."""
SECONDS_PER_MIB = 1.0
LONG_FUNCTIONS = frozenset(name for name, a in REGISTRY.items() if a.long_running)
"""Analytics whose work grows with their size parameters (``long_running`` in the registry):
they get the backend's ``timeout``."""


class NotResponding(ConnectionError):
    """The server holds a call but no longer answers health checks (paused, wedged, cut off)."""


def _argument_mib(args: tuple[Any, ...], kwargs: dict[str, Any]) -> float:
    total = 0
    for value in (*args, *kwargs.values()):
        total += int(getattr(value, "nbytes", 0) or 0) if hasattr(value, "shape") else 0
    return total / 2**20


class GrpcBackend(Backend):
    """Analytics on a remote (or embedded) ArbLab analytics server.

    Parameters
    ----------
    address : str
        ``host:port`` of the server.
    token : str, optional
        Bearer token the server requires.
    tls_ca : str, bytes or Path, optional
        PEM root certificate(s) (text, bytes or file path) for a TLS server; ``True`` uses the
        system roots.
    timeout : float
        Deadline of each analytics call, in seconds.
    connect_timeout : float
        How long the first connection check and later reconnection probes wait, in seconds.
    reconnect_interval : float
        Least time between reconnection probes while falling back, in seconds.
    fallback : bool
        Run on the native engine when the server is unreachable (default). With False an
        unreachable server raises :class:`lab.rpc.client.ServerUnavailable` (a ConnectionError).
    upload_threshold : int
        Array arguments of at least this many bytes are uploaded once and passed by ref.
    """

    name = "grpc"

    def __init__(
        self,
        address: str = DEFAULT_ADDRESS,
        token: str | None = None,
        tls_ca: str | bytes | Path | bool | None = None,
        timeout: float = 300.0,
        *,
        connect_timeout: float = 2.0,
        reconnect_interval: float = 1.0,
        fallback: bool = True,
        upload_threshold: int = UPLOAD_THRESHOLD,
    ) -> None:
        super().__init__()
        self.address = address
        self.connect_timeout = connect_timeout
        self.reconnect_interval = reconnect_interval
        self.fallback = fallback
        self.client = AnalyticsClient(address, token, tls_ca, timeout, upload_threshold)
        self._lock = threading.Lock()
        self._connected = False
        self._reason = "not checked yet"
        self._refused: str | None = None
        self._server: dict[str, Any] = {}
        self._last_probe = float("-inf")
        self._probing = False
        self._native: Backend | None = None
        self._closed = False
        self._stuck = False
        self.timeout = timeout
        self.check()

    # -- state --------------------------------------------------------------------------------

    @property
    def status(self) -> str:
        """``"connected to ADDRESS (...)"``, ``"unavailable: <reason>; running native"``, or
        ``"refused: <reason>"`` when the server rejects the token."""
        with self._lock:
            if self._closed:
                return "closed"
            if self._refused is not None:
                return f"refused: {self._refused}"
            if self._connected:
                s = self._server
                facts = f"arblab {s.get('version', '?')}, {s.get('engine', '?')} engine, {s.get('cores', '?')} cores"
                return f"connected to {self.address} ({facts})"
            tail = "running native" if self.fallback else "calls fail"
            if self._stuck:
                return f"not responding: {self._reason}; {tail}"
            return f"unavailable: {self._reason}; {tail}"

    @property
    def available(self) -> bool:
        """Whether calls currently go to the server."""
        with self._lock:
            return self._connected

    def _mark_connected(self, info: dict[str, Any] | None = None) -> None:
        with self._lock:
            self._connected = True
            self._stuck = False
            self._refused = None
            if info is not None:
                if self._server and info.get("pid") != self._server.get("pid"):
                    # a new server process (restarted): it holds none of our datasets, so
                    # they are uploaded again with the next calls instead of failing first
                    self.client._forget_all()
                self._server = info

    def _mark_unavailable(self, reason: str, stuck: bool = False) -> None:
        with self._lock:
            self._connected = False
            self._stuck = stuck
            self._reason = reason
            self._last_probe = time.monotonic()

    def check(self, timeout: float | None = None) -> bool:
        """Ask the server now (Info); update :attr:`status` and return whether it answered."""
        timeout = self.connect_timeout if timeout is None else timeout
        with self._lock:
            self._last_probe = time.monotonic()
        try:
            info = self.client.info(timeout=timeout)
        except ServerUnavailable as exc:
            self._mark_unavailable(exc.reason)
            return False
        except TimeoutError:
            self._mark_unavailable(
                f"no answer from {self.address} within {timeout:g} s", stuck=True
            )
            return False
        except PermissionError as exc:
            # a wrong or missing token is a configuration error, not an outage: calls go to
            # the server and raise PermissionError instead of silently running natively
            with self._lock:
                self._connected = False
                self._refused = str(exc)
            return False
        self._mark_connected(info)
        return True

    def _use_server(self) -> bool:
        """Whether this call goes to the server; while falling back, probe it in the background.

        The probe never delays a call: an unreachable host can take the whole connect timeout
        to fail, and a slider move should not wait for that. The first call after a successful
        probe goes to the server again.
        """
        with self._lock:
            if self._closed:
                raise RuntimeError("the grpc backend is closed")
            if self._connected or self._refused is not None:
                return True
            due = (
                not self._probing and time.monotonic() - self._last_probe >= self.reconnect_interval
            )
            if due:
                self._probing = True
        if due:
            threading.Thread(target=self._probe, name="arblab-grpc-probe", daemon=True).start()
        return False

    def _probe(self) -> None:
        try:
            self.check()
        except Exception as exc:  # a probe must never die silently with the state unset
            self._mark_unavailable(f"probe failed: {type(exc).__name__}: {exc}")
        finally:
            with self._lock:
                self._probing = False

    def _native_backend(self) -> Backend:
        if self._native is None:
            from lab.backends.base import NativeBackend

            self._native = NativeBackend()
        return self._native

    def _on_native(self, function: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        if not self.fallback:
            raise ServerUnavailable(f"analytics server {self.address} unavailable: {self._reason}")
        self.last_engine = "native"
        return self._native_backend()._run(function, args, kwargs)

    # -- calls --------------------------------------------------------------------------------

    def call_timeout(self, function: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> float:
        """Deadline of one call, from its workload: the long analytics (:data:`LONG_FUNCTIONS`)
        get the backend's ``timeout``; the others :data:`INTERACTIVE_TIMEOUT_S` plus
        :data:`SECONDS_PER_MIB` per MiB of array arguments (their upload), at most ``timeout``."""
        if function in LONG_FUNCTIONS:
            return self.timeout
        return min(
            self.timeout, INTERACTIVE_TIMEOUT_S + SECONDS_PER_MIB * _argument_mib(args, kwargs)
        )

    def _responding(self) -> bool:
        try:
            return self.client.health(timeout=HEALTH_TIMEOUT_S) == "SERVING"
        except (ServerUnavailable, TimeoutError, PermissionError):
            return False
        except Exception:  # any other failure of the probe: the server is not answering
            return False

    def _watched_call(
        self,
        function: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        options: messages.ResultOptions = messages.EXACT,
    ) -> Any:
        """The call, watched: while it runs, the server must answer a health check every second.

        A server that holds the call but stops answering (paused with SIGSTOP, wedged, cut
        off) is detected within :data:`WATCH_AFTER_S` + :data:`HEALTH_STRIKES` x
        :data:`HEALTH_TIMEOUT_S`; the call is
        cancelled and :class:`NotResponding` raised, so the caller can fall back at once
        instead of waiting for the deadline. The watch runs in the calling thread, between
        waits on the call in flight (no thread hop for a call that answers quickly).
        """

        def watch(future: Any) -> Any:
            wait = WATCH_AFTER_S
            strikes = 0
            while True:
                try:
                    return future.result(timeout=wait)
                except grpc.FutureTimeoutError:
                    pass
                strikes = 0 if self._responding() else strikes + 1
                if strikes >= HEALTH_STRIKES:
                    future.cancel()
                    raise NotResponding(
                        f"{self.address} did not answer {HEALTH_STRIKES} health checks within "
                        f"{HEALTH_TIMEOUT_S:g} s each"
                    )
                wait = 0.0 if strikes else HEALTH_TIMEOUT_S

        return self.client.call(
            function,
            args,
            kwargs,
            self.call_timeout(function, args, kwargs),
            options=options,
            wait=watch,
        )

    def _run(
        self,
        function: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        options: messages.ResultOptions = messages.EXACT,
    ) -> Any:
        if self._use_server():
            try:
                result = self._watched_call(function, args, kwargs, options)
            except ServerUnavailable as exc:
                self._mark_unavailable(exc.reason)
            except NotResponding as exc:
                self._mark_unavailable(str(exc), stuck=True)
            except CallCancelled as exc:  # cancelled under us without the watch: an outage
                self._mark_unavailable(str(exc))
            else:
                self.last_engine = self.name
                return result
        return options.apply(self._on_native(function, args, kwargs))

    def call_with(
        self,
        function: str,
        args: tuple[Any, ...] = (),
        kwargs: dict[str, Any] | None = None,
        *,
        fields: tuple[str, ...] | list[str] | str | None = None,
        display_float32: bool = False,
    ) -> Any:
        """Run ``function(*args, **kwargs)`` asking for part of its result only.

        Parameters
        ----------
        function : str
            A name in :data:`lab.analytics.FUNCTIONS`.
        args, kwargs
            Its arguments, as for the method of that name.
        fields : sequence of str, optional
            Field mask: the result dataclass's fields to receive. The answer is a
            :class:`lab.rpc.messages.PartialResult` whose attributes are those fields (reading
            another raises AttributeError). Unknown names raise ValueError listing the fields.
        display_float32 : bool
            Receive the display series (:data:`lab.rpc.messages.DISPLAY_SERIES`: plotted
            arrays such as ``equity`` and ``zscore``) as float32, rounded to about 7
            significant digits; metrics, trades and positions stay exact.

        Without options the answer is exactly the plain method's. On fallback the native
        result is cut down the same way, so the answer has the same form either way.
        """
        if function not in REGISTRY:
            raise ValueError(f"unknown analytics function {function!r}")
        options = messages.ResultOptions.checked(function, fields, display_float32)
        return self._run(function, tuple(args), dict(kwargs or {}), options)

    def stream(self, function: str, *args: Any, **kwargs: Any) -> Iterator[Progress | Any]:
        """Run ``pair_scan`` or ``sweep`` with progress.

        Yields :class:`lab.rpc.client.Progress` events and finally the result. On fallback the
        call runs natively and yields only the result. Closing the iterator early cancels the
        server-side work at its next chunk.
        """
        if function not in STREAMING:
            raise ValueError(
                f"{function!r} has no streaming variant; choose one of {', '.join(STREAMING)}"
            )
        if self._use_server():
            events = self.client.stream(function, args, kwargs)
            try:
                first = next(events)
            except ServerUnavailable as exc:
                self._mark_unavailable(exc.reason)
            else:
                self.last_engine = self.name
                yield first
                try:
                    yield from events
                    return
                except ServerUnavailable as exc:  # the server went away mid-scan
                    self._mark_unavailable(exc.reason)
        yield self._on_native(function, args, kwargs)

    def run_with_progress(
        self,
        function: str,
        *args: Any,
        on_progress: Callable[[Progress], None] | None = None,
        **kwargs: Any,
    ) -> Any:
        """Run ``pair_scan`` or ``sweep``, calling ``on_progress(Progress)`` as chunks finish."""
        result = None
        for event in self.stream(function, *args, **kwargs):
            if isinstance(event, Progress):
                if on_progress is not None:
                    on_progress(event)
            else:
                result = event
        return result

    # -- datasets and server facts ------------------------------------------------------------

    def info(self, timeout: float | None = 10.0) -> dict[str, Any]:
        """Server facts (version, engine, cores, cache statistics); one Info round trip.

        Raises ServerUnavailable (a ConnectionError) when the server cannot be reached.
        """
        try:
            info = self.client.info(timeout=timeout)
        except ServerUnavailable as exc:
            self._mark_unavailable(exc.reason)
            raise
        self._mark_connected(info)
        return info

    def upload(self, data: Any, timeout: float | None = None) -> str:
        """Upload an ndarray, Series or DataFrame with the streaming ``PutDataset``; returns its ref.

        The bytes always travel (benchmarks measure the transfer); analytics calls upload only
        content the server does not yet hold.
        """
        return self.client.upload(data, timeout=timeout)

    def upload_unary(self, data: Any, timeout: float | None = None) -> str:
        """Upload the same way in a single unary ``PutDatasetUnary`` message; returns its ref."""
        return self.client.upload_unary(data, timeout=timeout)

    def close(self) -> None:
        """Close the channel (idempotent)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._connected = False
        self.client.close()
        if self._native is not None:
            self._native.close()
