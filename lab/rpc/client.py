"""Client of the ArbLab analytics server: typed calls, dataset uploads, progress streams.

:class:`AnalyticsClient` is the thin layer under :class:`lab.backends.grpc.GrpcBackend`; use
the backend in application code. The client

* binds the caller's arguments to the analytics signature (so argument errors are raised
  locally, exactly as in-process), sends only the arguments given (the server applies the same
  defaults), calls the function's typed RPC and decodes its typed response into the registry's
  result class (:func:`lab.rpc.messages.decode_result`); stubs that lack the RPC are a clear
  error naming ``python -m lab.rpc.codegen`` (there is no other path);
* uploads every array, Series or DataFrame argument of at least ``upload_threshold`` bytes once
  with the streaming ``PutDataset`` (content-addressed: the ref is a SHA-256 of the content,
  computed locally, so known content is never sent twice) and passes its ref instead; when the
  server no longer holds a ref (restart, eviction) it uploads again and retries once;
* turns status codes into Python exceptions: INVALID_ARGUMENT and FAILED_PRECONDITION ->
  ValueError(server message),
  UNIMPLEMENTED -> NotImplementedError, UNAUTHENTICATED/PERMISSION_DENIED -> PermissionError,
  DEADLINE_EXCEEDED -> TimeoutError, UNAVAILABLE -> :class:`ServerUnavailable` (after the
  channel's retry policy), anything else -> :class:`RemoteError`.

Channel settings: keepalive pings every 20 s, a retry policy for UNAVAILABLE (3 attempts,
exponential backoff from 50 ms) and reconnect backoff capped at 1 s, all through the channel's
service config and options; messages up to :data:`lab.rpc.wire.MAX_MESSAGE_BYTES` both ways.
"""

from __future__ import annotations

import inspect
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
import numpy as np
import pandas as pd
from grpc_health.v1 import health_pb2, health_pb2_grpc

from lab import analytics
from lab.rpc import codec, messages
from lab.rpc._gen import analytics_pb2 as pb
from lab.rpc._gen import analytics_pb2_grpc as pb_grpc
from lab.rpc.codegen import STREAMING, request_name, rpc_name
from lab.rpc.wire import MAX_MESSAGE_BYTES, UNKNOWN_REF_KEY

CHUNK_BYTES = 4 << 20
"""Size of the data chunks of a streaming upload (4 MiB: few messages, each far below the
server's per-message cap, ``--max-request-mb``, 128 MiB by default)."""
UPLOAD_THRESHOLD = 32 * 1024
"""Array arguments of at least this many bytes are uploaded once and passed by ref."""

SERVICE_CONFIG = {
    "methodConfig": [
        {
            "name": [{"service": "arblab.v1.Analytics"}, {"service": "grpc.health.v1.Health"}],
            "retryPolicy": {
                "maxAttempts": 3,
                "initialBackoff": "0.05s",
                "maxBackoff": "0.5s",
                "backoffMultiplier": 2,
                "retryableStatusCodes": ["UNAVAILABLE"],
            },
        },
        {
            # uploads are not retried by the channel (that would buffer every chunk); the
            # caller of an analytics call re-uploads when the server reports an unknown ref
            "name": [
                {"service": "arblab.v1.Analytics", "method": "PutDataset"},
                {"service": "arblab.v1.Analytics", "method": "PutDatasetUnary"},
            ],
        },
    ]
}
"""Retry policy for UNAVAILABLE (analytics calls are pure, so retrying them is safe)."""

CHANNEL_OPTIONS: tuple[tuple[str, Any], ...] = (
    ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
    ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
    ("grpc.keepalive_time_ms", 20_000),
    ("grpc.keepalive_timeout_ms", 10_000),
    ("grpc.keepalive_permit_without_calls", 1),
    ("grpc.http2.max_pings_without_data", 0),
    ("grpc.enable_retries", 1),
    ("grpc.service_config", json.dumps(SERVICE_CONFIG)),
    ("grpc.initial_reconnect_backoff_ms", 100),
    ("grpc.min_reconnect_backoff_ms", 100),
    ("grpc.max_reconnect_backoff_ms", 1000),
    ("grpc.http2.lookahead_bytes", 16 * 2**20),  # stream window: see lab.rpc.serving.SERVER_OPTIONS
)


class ServerUnavailable(ConnectionError):
    """The server could not be reached (after the channel's retries).

    Attributes
    ----------
    reason : str
        Short reason from gRPC, e.g. ``"failed to connect to all addresses"``.
    """

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class RemoteError(RuntimeError):
    """The server failed a call for a reason other than bad input (INTERNAL, RESOURCE_EXHAUSTED...).

    Attributes
    ----------
    code : grpc.StatusCode
    details : str
    """

    def __init__(self, code: grpc.StatusCode, details: str) -> None:
        self.code = code
        self.details = details
        super().__init__(f"{code.name}: {details}")


class CallCancelled(Exception):
    """The call was cancelled on this side (e.g. by the backend's stuck-server watch)."""


@dataclass(frozen=True)
class Progress:
    """Progress of a streamed scan: ``done`` of ``total`` items (``unit``: pairs, lookbacks)."""

    done: int
    total: int
    unit: str

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 1.0


def _unavailable_reason(error: grpc.RpcError, address: str) -> str:
    """A one-line reason, e.g. ``"127.0.0.1:50051 unreachable (Connection refused)"``."""
    details = (error.details() or error.code().name).strip()
    if "last error:" in details:  # "failed to connect to all addresses; last error: ...: <cause>"
        details = details.rsplit(": ", 1)[-1]
    if len(details) > 160:
        details = details[:157] + "..."
    return f"{address} unreachable ({details})" if address else details


def translate(error: grpc.RpcError, what: str = "", address: str = "") -> Exception:
    """The Python exception for a failed call (``address`` names the server in UNAVAILABLE)."""
    code = error.code()
    details = error.details() or code.name
    if code in (grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.FAILED_PRECONDITION):
        # FAILED_PRECONDITION: the analytics failed on this input (it would fail in-process too)
        return ValueError(details)
    if code is grpc.StatusCode.UNAVAILABLE:
        return ServerUnavailable(_unavailable_reason(error, address))
    if code is grpc.StatusCode.UNIMPLEMENTED:
        return NotImplementedError(details)
    if code in (grpc.StatusCode.UNAUTHENTICATED, grpc.StatusCode.PERMISSION_DENIED):
        return PermissionError(f"analytics server refused the call ({code.name}): {details}")
    if code is grpc.StatusCode.DEADLINE_EXCEEDED:
        return TimeoutError(f"{what or 'call'}: no answer before the deadline ({details})")
    return RemoteError(code, details)


def _unknown_ref(error: grpc.RpcError) -> str | None:
    if error.code() is not grpc.StatusCode.INVALID_ARGUMENT:
        return None
    for key, value in error.trailing_metadata() or ():
        if key == UNKNOWN_REF_KEY:
            return value
    return None


_DATA_FIELD_TAG = bytes([(pb.DatasetChunk.DESCRIPTOR.fields_by_name["data"].number << 3) | 2])
"""Tag of ``DatasetChunk.data`` (field 2, length-delimited)."""


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _nbytes(obj: Any) -> int:
    if isinstance(obj, np.ndarray):
        return obj.nbytes
    if isinstance(obj, pd.Series | pd.DataFrame):
        return int(obj.size) * 8
    return 0


def _read_pem(value: str | bytes | Path) -> bytes:
    if isinstance(value, bytes):
        return value
    text = str(value)
    if "-----BEGIN" in text:
        return text.encode()
    return Path(text).read_bytes()


class AnalyticsClient:
    """A channel to one analytics server.

    Parameters
    ----------
    address : str
        ``host:port`` of the server.
    token : str, optional
        Bearer token sent as ``authorization: Bearer <token>``.
    tls_ca : str, bytes or Path, optional
        PEM root certificate(s) (text, bytes or a file path) to verify a TLS server; ``True``
        uses the system roots. Without it the channel is plaintext.
    timeout : float
        Default deadline of a call, in seconds.
    upload_threshold : int
        Arguments of at least this many bytes are uploaded and passed by ref.
    channel_options : tuple of (name, value)
        More gRPC channel options, e.g. ``(("grpc.use_local_subchannel_pool", 1),)`` for a
        connection of its own.
    """

    def __init__(
        self,
        address: str,
        token: str | None = None,
        tls_ca: str | bytes | Path | bool | None = None,
        timeout: float = 300.0,
        upload_threshold: int = UPLOAD_THRESHOLD,
        channel_options: tuple[tuple[str, Any], ...] = (),
    ) -> None:
        self.address = address
        options = (*CHANNEL_OPTIONS, *channel_options)
        self.timeout = timeout
        self.upload_threshold = upload_threshold
        if tls_ca:
            roots = None if tls_ca is True else _read_pem(tls_ca)
            creds = grpc.ssl_channel_credentials(root_certificates=roots)
            self.channel = grpc.secure_channel(address, creds, options=options)
        else:
            self.channel = grpc.insecure_channel(address, options=options)
        self.stub = pb_grpc.AnalyticsStub(self.channel)
        self._put_raw = self.channel.stream_unary(
            "/arblab.v1.Analytics/PutDataset",
            request_serializer=None,
            response_deserializer=pb.DatasetRef.FromString,
        )
        self.health_stub = health_pb2_grpc.HealthStub(self.channel)
        self.metadata: tuple[tuple[str, str], ...] = (
            (("authorization", f"Bearer {token}"),) if token else ()
        )
        self._refs: OrderedDict[str, None] = OrderedDict()
        self._refs_lock = threading.Lock()
        self._signatures = {
            name: inspect.signature(getattr(analytics, name)) for name in analytics.FUNCTIONS
        }

    # -- plumbing -----------------------------------------------------------------------------

    def _invoke(
        self, method: Callable[..., Any], request: Any, timeout: float | None, what: str, **kw: Any
    ) -> Any:
        try:
            return method(
                request,
                timeout=self.timeout if timeout is None else timeout,
                metadata=self.metadata,
                **kw,
            )
        except grpc.RpcError as error:
            raise translate(error, what, self.address) from None

    def close(self) -> None:
        """Close the channel (idempotent)."""
        self.channel.close()

    # -- service calls ------------------------------------------------------------------------

    def health(self, timeout: float = 2.0, wait_for_ready: bool = False) -> str:
        """Health status of the analytics service (``"SERVING"``, ``"NOT_SERVING"``...)."""
        request = health_pb2.HealthCheckRequest(service="arblab.v1.Analytics")
        response = self._invoke(
            self.health_stub.Check, request, timeout, "health", wait_for_ready=wait_for_ready
        )
        return health_pb2.HealthCheckResponse.ServingStatus.Name(response.status)

    def info(self, timeout: float | None = 10.0, wait_for_ready: bool = False) -> dict[str, Any]:
        """Server facts: version, engine, cores, workers, cache statistics, call counters."""
        response = self._invoke(
            self.stub.Info, pb.InfoRequest(), timeout, "Info", wait_for_ready=wait_for_ready
        )
        return {
            "version": response.version,
            "engine": response.engine,
            "cores": response.cores,
            "workers": response.workers,
            "cache": {
                field.name: getattr(response.cache, field.name)
                for field in response.cache.DESCRIPTOR.fields
            },
            "functions": list(response.functions),
            "python": response.python,
            "grpc": response.grpc,
            "pid": response.pid,
            "uptime_seconds": response.uptime_seconds,
            "auth": response.auth,
            "tls": response.tls,
            "calls_total": response.calls_total,
            "calls_active": response.calls_active,
            "calls_cancelled": response.calls_cancelled,
            "max_message_bytes": response.max_message_bytes,
        }

    def _remember(self, ref: str) -> None:
        with self._refs_lock:
            self._refs[ref] = None
            self._refs.move_to_end(ref)
            while len(self._refs) > 4096:
                self._refs.popitem(last=False)

    def _forget_all(self) -> None:
        # a server that lost one of our datasets restarted or evicted: trust none of them
        with self._refs_lock:
            self._refs.clear()

    def known(self, ref: str) -> bool:
        """Whether this client has uploaded ``ref`` (and not heard that the server lost it)."""
        with self._refs_lock:
            return ref in self._refs

    def upload(self, obj: Any, timeout: float | None = None, chunk_bytes: int = CHUNK_BYTES) -> str:
        """Upload an ndarray, Series or DataFrame with the streaming ``PutDataset``; returns its ref.

        The data always travel (use :meth:`ensure_uploaded` to skip content the server holds).
        """
        header, values = codec.dataset_payload(obj)
        return self._put_stream(header, values, timeout, chunk_bytes)

    def _put_stream(
        self, header: pb.DatasetHeader, values: np.ndarray, timeout: float | None, chunk_bytes: int
    ) -> str:
        data = codec.array_bytes(values)

        def messages() -> Iterator[bytes]:
            # DatasetChunk messages serialised by hand: the data chunk is copied once, straight
            # from the array into the message bytes (the wire format is unchanged)
            yield pb.DatasetChunk(header=header).SerializeToString()
            for start in range(0, len(data), chunk_bytes):
                piece = data[start : start + chunk_bytes]
                yield b"".join((_DATA_FIELD_TAG, _varint(len(piece)), piece))

        answer = self._invoke(self._put_raw, messages(), timeout, "PutDataset")
        self._remember(answer.ref)
        return answer.ref

    def upload_unary(self, obj: Any, timeout: float | None = None) -> str:
        """Upload an ndarray, Series or DataFrame in one ``PutDatasetUnary`` message; returns its ref."""
        header, values = codec.dataset_payload(obj)
        request = pb.PutDatasetUnaryRequest(header=header, data=codec.array_bytes(values).tobytes())
        answer = self._invoke(self.stub.PutDatasetUnary, request, timeout, "PutDatasetUnary")
        self._remember(answer.ref)
        return answer.ref

    def ensure_uploaded(self, obj: Any, timeout: float | None = None) -> str:
        """The ref of ``obj``'s content, uploading it only if this client has not yet done so."""
        header, values = codec.dataset_payload(obj)
        ref = codec.dataset_ref(header, codec.array_bytes(values))
        if not self.known(ref):
            server_ref = self._put_stream(header, values, timeout, CHUNK_BYTES)
            if server_ref != ref:
                raise RemoteError(
                    grpc.StatusCode.DATA_LOSS, f"server stored ref {server_ref}, expected {ref}"
                )
        return ref

    # -- analytics ----------------------------------------------------------------------------

    def _prepare(
        self, bound: inspect.BoundArguments, timeout: float | None
    ) -> inspect.BoundArguments:
        """Replace large array arguments by refs to uploaded datasets."""
        arguments = dict(bound.arguments)
        for name, value in bound.arguments.items():
            if (
                isinstance(value, np.ndarray | pd.Series | pd.DataFrame)
                and _nbytes(value) >= self.upload_threshold
            ):
                try:
                    arguments[name] = codec.DatasetArg(self.ensure_uploaded(value, timeout))
                except codec.WireError:
                    continue  # e.g. a DataFrame of mixed dtypes: it travels inline as a Frame
        prepared = inspect.BoundArguments(bound.signature, OrderedDict(arguments))
        return prepared

    def _request(
        self, function: str, args: tuple, kwargs: dict, timeout: float | None
    ) -> tuple[Any, Any]:
        if function not in self._signatures:
            raise ValueError(f"unknown analytics function {function!r}")
        bound = self._signatures[function].bind(*args, **kwargs)
        prepared = self._prepare(bound, timeout)
        request_class = getattr(pb, request_name(function), None)
        method = getattr(self.stub, rpc_name(function), None)
        if request_class is None or method is None:
            raise RuntimeError(
                f"the generated stubs have no {rpc_name(function)} RPC; run python -m "
                "lab.rpc.codegen"
            )
        request = request_class()
        codec.encode_request(function, prepared, request)
        return method, request

    def call(
        self,
        function: str,
        args: tuple = (),
        kwargs: dict | None = None,
        timeout: float | None = None,
        on_call: Callable[[grpc.Future], None] | None = None,
        options: messages.ResultOptions = messages.EXACT,
        wait: Callable[[grpc.Future], Any] | None = None,
    ) -> Any:
        """Run analytics ``function`` on the server and return its result dataclass/array.

        ``on_call`` receives the in-flight call (a ``grpc.Future``) so another thread can
        cancel it; a cancelled call raises :class:`CallCancelled`. ``wait(future)`` returns
        the response (default ``future.result()``): the caller may watch the server while it
        waits, in its own thread, and cancel the call. ``options`` (checked with
        :meth:`lab.rpc.messages.ResultOptions.checked`) ask for part of the result only: a
        field mask returns a :class:`lab.rpc.messages.PartialResult`.
        """
        kwargs = kwargs or {}
        metadata = self.metadata + options.metadata()
        for attempt in (0, 1):
            method, request = self._request(function, args, kwargs, timeout)
            try:
                future = method.future(
                    request,
                    timeout=self.timeout if timeout is None else timeout,
                    metadata=metadata,
                )
                if on_call is not None:
                    on_call(future)
                try:
                    response = future.result() if wait is None else wait(future)
                except grpc.FutureCancelledError:
                    raise CallCancelled(f"{function}: the call was cancelled") from None
            except grpc.RpcError as error:
                if error.code() is grpc.StatusCode.CANCELLED:
                    raise CallCancelled(f"{function}: the call was cancelled") from None
                lost = _unknown_ref(error)
                if lost is not None and attempt == 0:
                    self._forget_all()  # the server restarted or evicted: upload again
                    continue
                raise translate(error, function, self.address) from None
            return messages.decode_result(function, response, options)
        raise AssertionError("unreachable")  # pragma: no cover

    def stream(
        self,
        function: str,
        args: tuple = (),
        kwargs: dict | None = None,
        timeout: float | None = None,
    ) -> Iterator[Progress | Any]:
        """Run ``pair_scan`` or ``sweep`` with progress: yields :class:`Progress`, then the result.

        Closing the iterator early cancels the call; the server stops at the next chunk.
        """
        if function not in STREAMING:
            raise ValueError(
                f"{function!r} has no streaming variant; choose one of {', '.join(STREAMING)}"
            )
        kwargs = kwargs or {}
        for attempt in (0, 1):
            _, request = self._request(function, args, kwargs, timeout)
            method = getattr(self.stub, rpc_name(function) + "Stream")
            call = method(
                request,
                timeout=self.timeout if timeout is None else timeout,
                metadata=self.metadata,
            )
            try:
                for event in call:
                    kind = event.WhichOneof("event")
                    if kind == "progress":
                        p = event.progress
                        yield Progress(int(p.done), int(p.total), p.unit)
                    elif kind == function:
                        yield messages.decode_result(function, getattr(event, function))
                        return
                    else:
                        raise RemoteError(
                            grpc.StatusCode.DATA_LOSS,
                            f"{function}: the stream sent a {kind or 'empty'} event",
                        )
            except grpc.RpcError as error:
                lost = _unknown_ref(error)
                if lost is not None and attempt == 0:
                    self._forget_all()
                    continue
                raise translate(error, function, self.address) from None
            finally:
                call.cancel()
            raise RemoteError(
                grpc.StatusCode.DATA_LOSS, f"{function}: the stream ended without a result"
            )
