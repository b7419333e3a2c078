"""The ArbLab analytics server: ``arblab server`` and the embedded server of ``arblab serve``.

It serves :mod:`lab.backends.native` over the ``arblab.v1.Analytics`` service
(``proto/arblab/v1/analytics.proto``) plus the standard gRPC health service and server
reflection.

Security and limits
-------------------
* It binds 127.0.0.1 by default and refuses any non-loopback address unless a bearer token
  (``--token-env VAR``) or TLS (``--tls-cert``/``--tls-key``) is configured.
* With a token, every call except the health check must carry ``authorization: Bearer
  <token>``; otherwise it is answered ``UNAUTHENTICATED``.
* Messages are limited to the dataset-cache cap plus 4 MiB on receipt (the largest unary
  upload that could be stored) and :data:`MAX_MESSAGE_BYTES` on sending.
* Uploaded datasets live in an LRU cache with a memory cap (``--cache-mb``).

Behaviour
---------
* Invalid requests get ``INVALID_ARGUMENT`` naming the field; the server keeps serving.
* A call whose deadline passed before it started is not run; ``pair_scan`` and ``sweep`` run in
  chunks and stop at the next chunk boundary when the caller cancels or its deadline passes.
* SIGTERM/SIGINT stop it gracefully: the health status turns NOT_SERVING, new calls are
  refused, and calls in flight get :data:`GRACE_SECONDS` to finish.
* At ``--log-level DEBUG`` it logs one line per request (method, function, peer, status,
  milliseconds).

Embedded use: :func:`start_embedded` runs ``python -m lab.rpc.server`` in a child process that
exits with its parent, and waits until the health service reports SERVING.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import ctypes
import hmac
import inspect
import ipaddress
import logging
import os
import re
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent import futures
from dataclasses import dataclass
from typing import Any

import grpc
import numpy as np
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from lab import __version__, analytics
from lab.analytics import registry
from lab.rpc import codec, limits, workers
from lab.rpc._gen import analytics_pb2 as pb
from lab.rpc._gen import analytics_pb2_grpc as pb_grpc
from lab.rpc.cache import CacheFullError, Dataset, DatasetCache
from lab.rpc.codegen import request_name, rpc_name

log = logging.getLogger("lab.rpc.server")

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["Analytics"].full_name
"""Fully qualified name of the analytics service (``arblab.v1.Analytics``)."""
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 50051
MAX_MESSAGE_BYTES = 512 * 2**20
"""Largest message the server sends and the client sends or receives (512 MiB)."""
MESSAGE_OVERHEAD_BYTES = 4 * 2**20
"""Headroom above the cache cap for the largest message the server accepts."""
GRACE_SECONDS = 5.0
"""Time calls in flight get to finish on shutdown."""
UNKNOWN_REF_KEY = "arblab-unknown-ref"
"""Trailing-metadata key naming a dataset ref the server does not hold."""
ENGINE = "native"
READY_PREFIX = "arblab server listening on "
"""Start of the line the server prints on stdout once it serves (parsed by start_embedded)."""
EMBEDDED_TOKEN_ENV = "ARBLAB_EMBEDDED_TOKEN"

SERVER_OPTIONS: tuple[tuple[str, Any], ...] = (
    ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
    # one server per port: without this, gRPC sets SO_REUSEPORT and a second server silently
    # shares the port of a first one
    ("grpc.so_reuseport", 0),
    ("grpc.keepalive_time_ms", 60_000),
    ("grpc.keepalive_timeout_ms", 20_000),
    ("grpc.keepalive_permit_without_calls", 1),
    # clients ping every 20 s (lab.rpc.client.CHANNEL_OPTIONS); accept down to 10 s
    ("grpc.http2.min_ping_interval_without_data_ms", 10_000),
    ("grpc.http2.max_ping_strikes", 2),
    # a 16 MiB stream window: with the 64 KiB default, a streaming upload on loopback runs at a
    # third of the speed (measured with 1 MiB chunks)
    ("grpc.http2.lookahead_bytes", 16 * 2**20),
)


# ---------------------------------------------------------------------------------------------
# the service


MAX_DETAILS_BYTES = 1024
"""Longest status message the server sends (longer ones are cut, with a marker)."""
_PATH = re.compile(r"(?<![\w./\\-])(?:[A-Za-z]:)?[\\/](?:[\w.@+~-]+[\\/])+[\w.@+~-]*")
"""An absolute filesystem path (``/usr/lib/...``, ``C:\\...``): it starts with a separator (or a
drive) after a space or punctuation, so ``spot/strike/t`` in a message is not one."""


def short_message(text: str, limit: int = MAX_DETAILS_BYTES) -> str:
    """``text`` without filesystem paths, cut to at most ``limit`` UTF-8 bytes.

    Exceptions raised deep in NumPy, numba or SciPy can name the server's install paths and
    can run to many kilobytes; a client needs neither.
    """
    text = _PATH.sub("<path>", text)
    data = text.encode()
    if len(data) <= limit:
        return text
    marker = " ... (cut)"
    return data[: limit - len(marker)].decode(errors="ignore") + marker


class _ServerDefect(Exception):
    """A failure of the server itself (e.g. a result the wire cannot carry): INTERNAL."""


_Cancelled = limits.CallerGone


@dataclass
class _Counters:
    total: int = 0
    active: int = 0
    cancelled: int = 0


class AnalyticsServicer(pb_grpc.AnalyticsServicer):
    """``arblab.v1.Analytics`` on an analytics engine module (default :mod:`lab.backends.native`).

    Parameters
    ----------
    cache : DatasetCache
        Where uploaded datasets are kept.
    workers : int
        Worker threads of the server (reported by Info).
    auth, tls : bool
        Whether a token / TLS is configured (reported by Info).
    max_message_bytes : int
        Largest message accepted (reported by Info).
    engine : module, optional
        Module holding the analytics functions; defaults to the native engine.
    admission : lab.rpc.limits.Admission, optional
        Caps on concurrent calls and uploads; defaults to :class:`lab.rpc.limits.Limits`
        with ``workers`` running calls.
    pool : lab.rpc.workers.WorkerPool, optional
        Worker processes that run the analytics (stopped when the caller goes away); without
        it the analytics run in the handler thread.
    """

    def __init__(
        self,
        cache: DatasetCache,
        workers: int = 4,
        *,
        auth: bool = False,
        tls: bool = False,
        max_message_bytes: int = MAX_MESSAGE_BYTES,
        engine: Any = None,
        admission: limits.Admission | None = None,
        pool: workers.WorkerPool | None = None,
    ) -> None:
        if engine is None:
            from lab.backends import native as engine
        self.engine = engine
        self.cache = cache
        self.admission = admission or limits.Admission(limits.Limits(workers=workers))
        self.pool = pool
        self.workers = workers
        self.auth = auth
        self.tls = tls
        self.max_message_bytes = max_message_bytes
        self.started = time.monotonic()
        self._counters = _Counters()
        self._lock = threading.Lock()
        self.signatures = {
            name: inspect.signature(getattr(analytics, name)) for name in analytics.FUNCTIONS
        }
        for name in analytics.FUNCTIONS:
            setattr(self, rpc_name(name), self._typed_handler(name))
        missing = [name for name in analytics.FUNCTIONS if not hasattr(pb, request_name(name))]
        if missing:
            log.warning(
                "generated stubs lack RPCs for %s (run python -m lab.rpc.codegen); they are "
                "reachable through Call only",
                ", ".join(missing),
            )

    # -- bookkeeping ------------------------------------------------------------------------

    @contextlib.contextmanager
    def _call(
        self, context: grpc.ServicerContext, method: str, function: str = ""
    ) -> Iterator[dict]:
        """Count the call, map exceptions to status codes and log one debug line."""
        start = time.perf_counter()
        note: dict[str, Any] = {}
        with self._lock:
            self._counters.total += 1
            self._counters.active += 1
        code = grpc.StatusCode.OK
        message = ""
        try:
            yield note
        except codec.UnknownDatasetError as exc:
            context.set_trailing_metadata(((UNKNOWN_REF_KEY, exc.ref),))
            code, message = grpc.StatusCode.INVALID_ARGUMENT, str(exc)
        except np.linalg.LinAlgError as exc:  # a ValueError, but a failure of the computation
            code = grpc.StatusCode.FAILED_PRECONDITION
            message = f"the computation failed on this input: LinAlgError: {exc}"
        except (ValueError, TypeError) as exc:  # WireError, DataError and analytics input errors
            code, message = grpc.StatusCode.INVALID_ARGUMENT, str(exc)
        except (CacheFullError, limits.Exhausted) as exc:
            code, message = grpc.StatusCode.RESOURCE_EXHAUSTED, str(exc)
        except workers.WorkerDied as exc:
            code, message = (
                grpc.StatusCode.RESOURCE_EXHAUSTED,
                f"the computation was stopped: {exc}",
            )
            log.warning("%s %s: %s", method, function, exc)
        except MemoryError:
            code, message = grpc.StatusCode.RESOURCE_EXHAUSTED, "the server ran out of memory"
        except NotImplementedError as exc:
            code, message = grpc.StatusCode.INVALID_ARGUMENT, f"not supported on the server: {exc}"
        except _Cancelled:
            with self._lock:
                self._counters.cancelled += 1
            code, message = grpc.StatusCode.CANCELLED, "the caller cancelled or its deadline passed"
        except GeneratorExit:
            # a streaming call whose caller went away: gRPC stops pulling and closes the stream
            with self._lock:
                self._counters.cancelled += 1
            code = grpc.StatusCode.CANCELLED
            raise
        except grpc.RpcError:
            # the stream ended under us: the caller went away or the upload watchdog ended it
            with self._lock:
                self._counters.cancelled += 1
            code, message = grpc.StatusCode.CANCELLED, "the stream ended before it was complete"
        except _ServerDefect as exc:
            log.error("%s %s failed: %s", method, function, short_message(str(exc)))
            code, message = grpc.StatusCode.INTERNAL, str(exc)
        except Exception as exc:
            # the analytics failed on this input (ZeroDivisionError, LinAlgError...): a property
            # of the request, not of the server; one log line, no traceback
            code = grpc.StatusCode.FAILED_PRECONDITION
            message = f"the computation failed on this input: {type(exc).__name__}: {exc}"
            log.info("%s %s: %s", method, function, short_message(message))
        finally:
            with self._lock:
                self._counters.active -= 1
            if log.isEnabledFor(logging.DEBUG):
                log.debug(
                    "%s%s peer=%s status=%s %.2f ms%s",
                    method,
                    f" {function}" if function else "",
                    context.peer(),
                    code.name,
                    (time.perf_counter() - start) * 1e3,
                    "".join(f" {k}={v}" for k, v in note.items()),
                )
        if code is not grpc.StatusCode.OK and message:
            prefix = f"{function}: " if function and not message.startswith(function) else ""
            context.abort(code, short_message(prefix + message))

    @staticmethod
    def _check_active(context: grpc.ServicerContext) -> None:
        if not context.is_active():
            raise _Cancelled()

    # -- arguments and results ----------------------------------------------------------------

    def _resolve(self, selection: pb.DatasetColumns, field: str) -> Any:
        dataset = self.cache.get(selection.ref)
        if dataset is None:
            raise codec.UnknownDatasetError(f"{field}.dataset.ref", selection.ref)
        return dataset.select(selection, f"{field}.dataset")

    def _decode(self, message: pb.Value, path: str) -> Any:
        return codec.decode_value(
            message,
            path,
            allow_empty=False,
            resolve_dataset=self._resolve,
            record_modules=codec.SERVER_RECORD_MODULES,
        )

    def _typed_arguments(self, function: str, request: Any) -> tuple[list[Any], dict[str, Any]]:
        signature = self.signatures[function]
        fields = request.DESCRIPTOR.fields_by_name

        def present(name: str) -> bool:
            if name not in fields:
                return False
            if fields[name].is_repeated:
                return True
            return request.HasField(name)

        return codec.decode_request(
            signature, present, lambda name: getattr(request, name), self._decode
        )

    def _call_arguments(self, request: pb.CallRequest) -> tuple[str, list[Any], dict[str, Any]]:
        function = request.function
        if function not in self.signatures:
            known = ", ".join(analytics.FUNCTIONS)
            raise codec.WireError(
                "function", f"unknown analytics function {function!r}; known: {known}"
            )
        signature = self.signatures[function]
        named: dict[str, pb.Value] = {}
        extra: list[pb.NamedValue] = []
        var_kw = next(
            (
                p.name
                for p in signature.parameters.values()
                if p.kind is inspect.Parameter.VAR_KEYWORD
            ),
            None,
        )
        for entry in request.arguments:
            param = signature.parameters.get(entry.name)
            if entry.name in named:
                raise codec.WireError(f"arguments.{entry.name}", "argument given twice")
            if param is not None and param.kind not in (
                inspect.Parameter.VAR_KEYWORD,
                inspect.Parameter.VAR_POSITIONAL,
            ):
                named[entry.name] = entry.value
            elif var_kw is not None:
                extra.append(entry)
            else:
                raise codec.WireError(
                    f"arguments.{entry.name}", f"{function}() has no parameter {entry.name!r}"
                )

        def present(name: str) -> bool:
            return name in named or name == var_kw

        def get(name: str) -> Any:
            if name == var_kw:
                return extra
            return named.get(name, ())

        args, kwargs = codec.decode_request(signature, present, get, self._decode)
        return function, args, kwargs

    def _result(self, value: Any, seconds: float) -> pb.Result:
        result = pb.Result(engine=ENGINE, server_seconds=seconds)
        try:
            codec.encode_value(value, result.value, "result")
        except codec.WireError as exc:
            # a result the wire cannot carry is a server-side defect, not a caller error
            raise _ServerDefect(f"cannot encode the result: {exc}") from None
        return result

    # -- execution ----------------------------------------------------------------------------

    def _execute(
        self,
        function: str,
        args: Sequence[Any],
        kwargs: dict[str, Any],
        context: grpc.ServicerContext,
    ) -> tuple[Any, float]:
        """Run ``function`` (chunk by chunk for the scans); returns (result, seconds)."""
        self._check_active(context)
        fn = getattr(self.engine, function)
        start = time.perf_counter()
        plan = registry.plan(function, fn, tuple(args), dict(kwargs))
        parts = []
        for chunk_args, chunk_kwargs in plan.parts:
            self._check_active(context)
            parts.append(self._run_engine(function, fn, chunk_args, chunk_kwargs, context))
        result = plan.merge(parts) if len(parts) > 1 else parts[0]
        return result, time.perf_counter() - start

    def _run_engine(
        self,
        function: str,
        fn: Callable[..., Any],
        args: Sequence[Any],
        kwargs: dict[str, Any],
        context: grpc.ServicerContext,
    ) -> Any:
        """One engine call: in a worker process (killed if the caller goes away) or in-thread."""
        if self.pool is None:
            return fn(*args, **kwargs)
        return self.pool.run(function, tuple(args), dict(kwargs), context.is_active)

    def _typed_handler(self, function: str) -> Callable[[Any, grpc.ServicerContext], pb.Result]:
        def handler(request: Any, context: grpc.ServicerContext) -> pb.Result:
            with (
                self._call(context, rpc_name(function), function),
                self.admission.analytics(context, context.peer()),
            ):
                args, kwargs = self._typed_arguments(function, request)
                return self._result(*self._execute(function, args, kwargs, context))

        handler.__name__ = rpc_name(function)
        return handler

    def _stream(
        self, function: str, request: Any, context: grpc.ServicerContext
    ) -> Iterator[pb.StreamEvent]:
        with (
            self._call(context, rpc_name(function) + "Stream", function) as note,
            self.admission.analytics(context, context.peer()),
        ):
            args, kwargs = self._typed_arguments(function, request)
            events: list[pb.StreamEvent] = []

            def progress(done: int, total: int, unit: str) -> None:
                events.append(
                    pb.StreamEvent(progress=pb.Progress(done=done, total=total, unit=unit))
                )

            # run chunk by chunk, yielding the progress events produced so far
            self._check_active(context)
            fn = getattr(self.engine, function)
            start = time.perf_counter()
            plan = registry.plan(function, fn, tuple(args), dict(kwargs))
            progress(0, plan.total, plan.unit)
            parts = []
            done = 0
            for (chunk_args, chunk_kwargs), size in zip(plan.parts, plan.sizes, strict=True):
                yield from events
                events.clear()
                self._check_active(context)
                parts.append(self._run_engine(function, fn, chunk_args, chunk_kwargs, context))
                done += size
                progress(done, plan.total, plan.unit)
            yield from events
            note["chunks"] = len(plan.parts)
            result = plan.merge(parts)
            yield pb.StreamEvent(result=self._result(result, time.perf_counter() - start))

    # -- RPCs ---------------------------------------------------------------------------------

    def Info(self, request: pb.InfoRequest, context: grpc.ServicerContext) -> pb.InfoResponse:
        with self._call(context, "Info"):
            with self._lock:
                counters = _Counters(**vars(self._counters))
            return pb.InfoResponse(
                version=__version__,
                engine=ENGINE,
                cores=usable_cores(),
                workers=self.workers,
                cache=pb.CacheStats(**self.cache.stats()),
                functions=list(analytics.FUNCTIONS),
                python=sys.version.split()[0],
                grpc=grpc.__version__,
                pid=os.getpid(),
                uptime_seconds=time.monotonic() - self.started,
                auth=self.auth,
                tls=self.tls,
                calls_total=counters.total,
                calls_active=counters.active,
                calls_cancelled=counters.cancelled,
                max_message_bytes=self.max_message_bytes,
            )

    def Call(self, request: pb.CallRequest, context: grpc.ServicerContext) -> pb.Result:
        with (
            self._call(
                context, "Call", request.function if request.function in self.signatures else ""
            ),
            self.admission.analytics(context, context.peer()),
        ):
            function, args, kwargs = self._call_arguments(request)
            return self._result(*self._execute(function, args, kwargs, context))

    def PairScanStream(
        self, request: pb.PairScanRequest, context: grpc.ServicerContext
    ) -> Iterator[pb.StreamEvent]:
        return self._stream("pair_scan", request, context)

    def SweepStream(
        self, request: pb.SweepRequest, context: grpc.ServicerContext
    ) -> Iterator[pb.StreamEvent]:
        return self._stream("sweep", request, context)

    def _header(self, header: pb.DatasetHeader) -> tuple[np.dtype, tuple[int, ...], int, Any]:
        dtype = codec.wire_dtype(header.dtype, "header")
        shape = tuple(int(d) for d in header.shape)
        nbytes = codec.expected_nbytes(dtype, shape, "header")
        if nbytes == 0:
            raise codec.WireError("header.shape", f"empty array (shape {list(shape)})")
        self.cache.check_fits(nbytes)
        labels = None
        if header.HasField("frame"):
            labels = codec.frame_labels(header.frame, "header.frame")
            codec.check_labels(labels, shape, "header.frame")
        return dtype, shape, nbytes, labels

    def _store(self, ref: str, values: np.ndarray, labels: Any) -> pb.DatasetRef:
        values.flags.writeable = False
        stored, created = self.cache.put(Dataset(ref, values, labels))
        return pb.DatasetRef(ref=stored.ref, nbytes=stored.nbytes, created=created)

    def PutDataset(
        self, request_iterator: Iterator[pb.DatasetChunk | bytes], context: grpc.ServicerContext
    ) -> pb.DatasetRef:
        with (
            self._call(context, "PutDataset") as note,
            self.admission.upload(context, context.peer()) as upload,
        ):
            chunks_in = (_chunk_part(item) for item in request_iterator)
            kind, first = next(chunks_in, (None, None))
            if kind != "header":
                raise codec.WireError(
                    "header", "the first message of PutDataset must be a DatasetHeader"
                )
            upload.header()
            header = first
            dtype, shape, nbytes, labels = self._header(header)
            # the buffer grows as data arrive, each chunk reserved against the in-flight caps:
            # a declared size costs nothing until its bytes are actually sent
            buffer = bytearray()
            hasher = codec.dataset_hasher(header)
            for number, (kind, data) in enumerate(chunks_in, start=1):
                if kind != "data":
                    raise codec.WireError(
                        f"chunk[{number}]", "only data chunks may follow the header"
                    )
                if len(buffer) + len(data) > nbytes:
                    raise codec.WireError(
                        "data",
                        f"more than the {nbytes} bytes that shape {list(shape)} of {dtype.str} holds",
                    )
                upload.reserve(len(data))
                buffer += data
                hasher.update(data)
            if len(buffer) != nbytes:
                raise codec.WireError(
                    "data",
                    f"shape {list(shape)} of dtype {dtype.str} needs {nbytes} bytes, received "
                    f"{len(buffer)}",
                )
            values = np.frombuffer(buffer, dtype=dtype).reshape(shape)
            answer = self._store(codec.ref_of(hasher), values, labels)
            note["bytes"] = nbytes
            return answer

    def PutDatasetUnary(
        self, request: pb.PutDatasetUnaryRequest, context: grpc.ServicerContext
    ) -> pb.DatasetRef:
        with self._call(context, "PutDatasetUnary") as note:
            if not request.HasField("header"):
                raise codec.WireError("header", "missing DatasetHeader")
            dtype, shape, nbytes, labels = self._header(request.header)
            if len(request.data) != nbytes:
                raise codec.WireError(
                    "data",
                    f"shape {list(shape)} of dtype {dtype.str} needs {nbytes} bytes, data has {len(request.data)}",
                )
            ref = codec.dataset_ref(request.header, request.data)
            # read-only view of the message's bytes: stored values are never written
            values = np.frombuffer(request.data, dtype=dtype).reshape(shape)
            note["bytes"] = nbytes
            return self._store(ref, values, labels)


def _read_varint(data: memoryview, pos: int) -> tuple[int, int]:
    value = shift = 0
    while pos < len(data) and shift < 64:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7
    raise ValueError("truncated varint")


_HEADER_FIELD = pb.DatasetChunk.DESCRIPTOR.fields_by_name["header"].number
_DATA_FIELD = pb.DatasetChunk.DESCRIPTOR.fields_by_name["data"].number


def _chunk_part(item: pb.DatasetChunk | bytes) -> tuple[str | None, Any]:
    """``("header", DatasetHeader)`` or ``("data", bytes-like)`` of one PutDataset message.

    PutDataset is registered with a pass-through deserializer: a data chunk (one length-delimited
    field) is read in place instead of being copied twice by the protobuf runtime. Anything that
    is not exactly one header or data field is parsed as a regular DatasetChunk.
    """
    if isinstance(item, bytes | bytearray | memoryview):
        raw = memoryview(item)
        try:
            tag, pos = _read_varint(raw, 0)
            length, pos = _read_varint(raw, pos)
            if tag == (_DATA_FIELD << 3) | 2 and pos + length == len(raw):
                return "data", raw[pos:]
        except ValueError:
            pass
        try:
            item = pb.DatasetChunk.FromString(bytes(raw))
        except Exception:  # protobuf's DecodeError
            raise codec.WireError("chunk", "not a valid DatasetChunk message") from None
    kind = item.WhichOneof("part")
    return kind, getattr(item, kind) if kind else None


def _parse(
    raw: bytes, deserializer: Callable[[bytes], Any], method: str, context: grpc.ServicerContext
) -> Any:
    """``deserializer(raw)``, or abort with INVALID_ARGUMENT and one log line."""
    try:
        return deserializer(raw)
    except Exception:  # protobuf's DecodeError (and RecursionError on deep nesting)
        owner = getattr(deserializer, "__self__", None)
        type_name = owner.DESCRIPTOR.full_name if hasattr(owner, "DESCRIPTOR") else "request"
        message = f"field 'request': {len(raw)} bytes are not a valid {type_name} message"
        log.info("%s peer=%s status=INVALID_ARGUMENT (%s)", method, context.peer(), message)
        context.abort(grpc.StatusCode.INVALID_ARGUMENT, message)


def _parsing(behaviour: Callable[..., Any], request_class: type, method: str) -> Callable[..., Any]:
    """``behaviour`` taking the raw request bytes: parse them here, inside the handler.

    gRPC's own deserialisation path answers undecodable bytes with INTERNAL, logs a traceback
    and leaked about 16 KB per request (compare grpc/grpc#36908). Parsing in the handler
    turns them into INVALID_ARGUMENT and one log line.
    """
    return _parsing_with(behaviour, request_class.FromString, method, streaming=False)


def _parsing_with(
    behaviour: Callable[..., Any],
    deserializer: Callable[[bytes], Any],
    method: str,
    streaming: bool,
) -> Callable[..., Any]:
    """``behaviour`` wrapped to take raw bytes (one request, or an iterator of them when
    ``streaming``) and parse them with ``deserializer`` inside the handler (see :func:`_parse`).
    Further arguments (grpc's ``send_response_callback`` for a non-blocking handler) pass on."""

    if streaming:

        def handler(raws: Any, context: grpc.ServicerContext, *extra: Any) -> Any:
            requests = (_parse(raw, deserializer, method, context) for raw in raws)
            return behaviour(requests, context, *extra)

    else:

        def handler(raw: bytes, context: grpc.ServicerContext, *extra: Any) -> Any:
            return behaviour(_parse(raw, deserializer, method, context), context, *extra)

    handler.__name__ = method
    if getattr(behaviour, "experimental_non_blocking", False):
        handler.experimental_non_blocking = True  # type: ignore[attr-defined]
    return handler


class _HandlerCapture:
    """Stands in for a ``grpc.Server`` to collect the method handlers that a generated
    ``add_*Servicer_to_server`` function (health, reflection) registers."""

    def __init__(self) -> None:
        self.services: dict[str, dict[str, grpc.RpcMethodHandler]] = {}

    def add_generic_rpc_handlers(self, _handlers: Any) -> None:
        """Ignored: the same handlers arrive through :meth:`add_registered_method_handlers`."""

    def add_registered_method_handlers(
        self, service: str, handlers: dict[str, grpc.RpcMethodHandler]
    ) -> None:
        self.services[service] = dict(handlers)


def decoded_in_handler(handler: grpc.RpcMethodHandler, method: str) -> grpc.RpcMethodHandler:
    """``handler`` re-registered with an identity deserialiser; its requests are parsed
    inside the handler (undecodable bytes get INVALID_ARGUMENT and one log line)."""
    deserializer = handler.request_deserializer
    if deserializer is None:
        return handler
    kind = (handler.request_streaming, handler.response_streaming)
    behaviour = {
        (False, False): handler.unary_unary,
        (False, True): handler.unary_stream,
        (True, False): handler.stream_unary,
        (True, True): handler.stream_stream,
    }[kind]
    factory = {
        (False, False): grpc.unary_unary_rpc_method_handler,
        (False, True): grpc.unary_stream_rpc_method_handler,
        (True, False): grpc.stream_unary_rpc_method_handler,
        (True, True): grpc.stream_stream_rpc_method_handler,
    }[kind]
    return factory(
        _parsing_with(behaviour, deserializer, method, streaming=handler.request_streaming),
        request_deserializer=None,
        response_serializer=handler.response_serializer,
    )


def add_decoding_in_handler(server: grpc.Server, register: Callable[[Any], None]) -> list[str]:
    """Run ``register(capture)`` (a generated ``add_*_to_server``) and add its handlers to
    ``server`` decoded inside the handler; returns the services added."""
    capture = _HandlerCapture()
    register(capture)
    for service, handlers in capture.services.items():
        decoded = {name: decoded_in_handler(h, name) for name, h in handlers.items()}
        server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(service, decoded),))
        server.add_registered_method_handlers(service, decoded)
    return list(capture.services)


def method_handlers(servicer: AnalyticsServicer) -> dict[str, grpc.RpcMethodHandler]:
    """gRPC handlers for every method of ``arblab.v1.Analytics`` on ``servicer``.

    The same as the generated ``add_AnalyticsServicer_to_server`` except that every method is
    registered with an identity deserialiser: unary requests are parsed inside the handler
    (:func:`_parsing`), and PutDataset reads its chunks in place (see :func:`_chunk_part`).
    """
    handlers: dict[str, grpc.RpcMethodHandler] = {}
    for method in pb.DESCRIPTOR.services_by_name["Analytics"].methods:
        behaviour = getattr(servicer, method.name)
        request_class = getattr(pb, method.input_type.name)
        response_class = getattr(pb, method.output_type.name)
        if not method.client_streaming:
            behaviour = _parsing(behaviour, request_class, method.name)
        factory = {
            (False, False): grpc.unary_unary_rpc_method_handler,
            (False, True): grpc.unary_stream_rpc_method_handler,
            (True, False): grpc.stream_unary_rpc_method_handler,
            (True, True): grpc.stream_stream_rpc_method_handler,
        }[(method.client_streaming, method.server_streaming)]
        handlers[method.name] = factory(
            behaviour,
            request_deserializer=None,
            response_serializer=response_class.SerializeToString,
        )
    return handlers


# ---------------------------------------------------------------------------------------------
# interceptors and fallbacks


def _deny(
    handler: grpc.RpcMethodHandler | None, code: grpc.StatusCode, message: str
) -> grpc.RpcMethodHandler:
    def abort(request: Any, context: grpc.ServicerContext) -> Any:
        context.abort(code, message)

    if handler is None or not (handler.request_streaming or handler.response_streaming):
        return grpc.unary_unary_rpc_method_handler(abort)
    if handler.request_streaming and handler.response_streaming:
        return grpc.stream_stream_rpc_method_handler(abort)
    if handler.request_streaming:
        return grpc.stream_unary_rpc_method_handler(abort)
    return grpc.unary_stream_rpc_method_handler(abort)


class BearerTokenInterceptor(grpc.ServerInterceptor):
    """Require ``authorization: Bearer <token>`` on every call except the health check."""

    EXEMPT = ("/grpc.health.v1.Health/",)

    def __init__(self, token: str) -> None:
        if not token:
            raise ValueError("the bearer token must not be empty")
        self._expected = f"Bearer {token}".encode()

    def intercept_service(self, continuation: Callable, handler_call_details: Any) -> Any:
        method = handler_call_details.method
        if method.startswith(self.EXEMPT):
            return continuation(handler_call_details)
        given = None
        for key, value in handler_call_details.invocation_metadata or ():
            if key == "authorization":
                given = value.encode() if isinstance(value, str) else value
                break
        if given is not None and hmac.compare_digest(given, self._expected):
            return continuation(handler_call_details)
        reason = (
            "missing 'authorization: Bearer <token>' metadata"
            if given is None
            else "wrong bearer token"
        )
        log.debug("%s status=UNAUTHENTICATED (%s)", method, reason)
        return _deny(continuation(handler_call_details), grpc.StatusCode.UNAUTHENTICATED, reason)


class UnknownMethodHandler(grpc.GenericRpcHandler):
    """Answer calls to methods that do not exist with INVALID_ARGUMENT naming the method."""

    def service(self, handler_call_details: Any) -> grpc.RpcMethodHandler:
        method = handler_call_details.method
        rpcs = ", ".join(m.name for m in pb.DESCRIPTOR.services_by_name["Analytics"].methods)
        return _deny(
            None,
            grpc.StatusCode.INVALID_ARGUMENT,
            f"field 'method': unknown method {method!r}; {SERVICE_NAME} offers {rpcs}",
        )


# ---------------------------------------------------------------------------------------------
# building and running


ISOLATIONS = ("process", "thread")
"""Where the analytics run: worker processes the server can stop, or its handler threads."""


@dataclass
class ServerConfig:
    """Validated server settings (see ``arblab server --help``)."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    token: str | None = None
    tls_cert: bytes | None = None
    tls_key: bytes | None = None
    workers: int = 4
    cache_mb: float = 512.0
    max_request_mb: float = 128.0
    upload_idle_s: float = limits.IDLE_SECONDS
    max_client_calls: int = 16
    isolation: str = "process"

    @property
    def cache_bytes(self) -> int:
        return int(self.cache_mb * 2**20)

    @property
    def max_receive_bytes(self) -> int:
        """Largest message accepted: a unary upload the cache could store, at most
        ``--max-request-mb`` (larger datasets stream with PutDataset)."""
        return min(self.cache_bytes, int(self.max_request_mb * 2**20)) + MESSAGE_OVERHEAD_BYTES

    def caps(self) -> limits.Limits:
        """The admission caps these settings imply (see :mod:`lab.rpc.limits`)."""
        return limits.Limits(
            workers=self.workers,
            queue=4 * self.workers,
            client_calls=self.max_client_calls,
            upload_bytes=self.cache_bytes,
            client_upload_bytes=self.cache_bytes,
            header_seconds=min(limits.HEADER_SECONDS, self.upload_idle_s),
            idle_seconds=self.upload_idle_s,
        )

    @property
    def tls(self) -> bool:
        return self.tls_cert is not None

    def validate(self) -> None:
        """Raise ValueError for settings the server refuses."""
        if not 0 <= self.port <= 65535:
            raise ValueError(f"--port must be in 0..65535, got {self.port}")
        if self.workers < 1:
            raise ValueError(f"--workers must be >= 1, got {self.workers}")
        if not self.cache_mb > 0:
            raise ValueError(f"--cache-mb must be > 0, got {self.cache_mb}")
        if not self.max_request_mb > 0:
            raise ValueError(f"--max-request-mb must be > 0, got {self.max_request_mb}")
        if not self.upload_idle_s > 0:
            raise ValueError(f"--upload-idle-s must be > 0, got {self.upload_idle_s}")
        if self.isolation not in ISOLATIONS:
            raise ValueError(
                f"--isolation must be one of {', '.join(ISOLATIONS)}, got {self.isolation!r}"
            )
        if self.max_client_calls < 1:
            raise ValueError(f"--max-client-calls must be >= 1, got {self.max_client_calls}")
        if (self.tls_cert is None) != (self.tls_key is None):
            raise ValueError("TLS needs both --tls-cert and --tls-key")
        if self.token is not None:
            check_token(self.token)
        if not is_loopback(self.host) and not self.token:
            raise ValueError(
                f"refusing to serve on non-loopback address {self.host!r} without a bearer token: "
                "set --token-env VAR (TLS alone does not say who may call; use both)"
            )

    def warnings(self) -> list[str]:
        """Settings that are accepted but unsafe (logged at start)."""
        if not is_loopback(self.host) and not self.tls:
            return [
                f"serving on non-loopback address {self.host!r} without TLS: the bearer token and "
                "all data travel in clear text; set --tls-cert/--tls-key"
            ]
        return []


MIN_TOKEN_BITS = 128
"""Least estimated entropy of a bearer token (``secrets.token_hex(16)`` has exactly 128)."""
_CHAR_CLASSES = (
    ("0123456789abcdef", 16),
    ("0123456789", 10),
    ("abcdefghijklmnopqrstuvwxyz", 26),
    ("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 26),
)


def token_bits(token: str) -> float:
    """Estimated entropy of ``token`` in bits (an upper estimate of a random token's).

    The smaller of (a) its length times log2 of the alphabet it draws from (the smallest union
    of the classes hex, digits, lower case, upper case and other printable characters that
    covers it) and (b) the bits left after compressing it (zlib, less its 8 bytes of framing),
    so that repeated patterns such as ``"abab..."`` score low however long they are.
    """
    import math
    import zlib

    chars = set(token)
    if len(chars) <= 1:
        return 0.0
    if chars <= set("0123456789abcdef") or chars <= set("0123456789ABCDEF"):
        alphabet = 16
    else:
        alphabet, rest = 0, set(chars)
        for members, size in _CHAR_CLASSES[1:]:
            if rest & set(members):
                alphabet += size
                rest -= set(members)
        alphabet += 33 if rest else 0
    by_alphabet = len(token) * math.log2(alphabet)
    by_compression = 8.0 * (len(zlib.compress(token.encode(), 9)) - 8)
    return max(0.0, min(by_alphabet, by_compression))


def check_token(token: str) -> None:
    """Raise ValueError for a bearer token with less than :data:`MIN_TOKEN_BITS` of entropy."""
    bits = token_bits(token)
    if bits < MIN_TOKEN_BITS:
        raise ValueError(
            f"the bearer token is too weak: about {bits:.0f} bits of entropy, at least "
            f"{MIN_TOKEN_BITS} needed (e.g. python -c 'import secrets; print(secrets.token_hex(16))')"
        )


def usable_cores() -> int:
    """CPU cores this process may run on (its affinity set, e.g. a container's CPU limit)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def is_loopback(host: str) -> bool:
    """Whether ``host`` names only the loopback interface."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def bind_address(host: str, port: int) -> str:
    """``host:port`` with IPv6 literals bracketed."""
    host = host.strip("[]")
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class AnalyticsServer:
    """A configured, bound gRPC server (not yet started)."""

    def __init__(self, config: ServerConfig) -> None:
        config.validate()
        self.config = config
        interceptors = [BearerTokenInterceptor(config.token)] if config.token else []
        options = [*SERVER_OPTIONS, ("grpc.max_receive_message_length", config.max_receive_bytes)]
        caps = config.caps()
        # one thread for every call admission control can admit, plus control threads that
        # stay free for health, Info and quick refusals (lab.rpc.limits)
        self.server = grpc.server(
            futures.ThreadPoolExecutor(max_workers=caps.threads, thread_name_prefix="arblab-rpc"),
            interceptors=interceptors,
            options=options,
            maximum_concurrent_rpcs=caps.threads,
        )
        self.cache = DatasetCache(config.cache_bytes)
        self.admission = limits.Admission(caps)
        self.pool = workers.WorkerPool(config.workers) if config.isolation == "process" else None
        self.servicer = AnalyticsServicer(
            self.cache,
            config.workers,
            auth=bool(config.token),
            tls=config.tls,
            max_message_bytes=config.max_receive_bytes,
            admission=self.admission,
            pool=self.pool,
        )
        handlers = method_handlers(self.servicer)
        self.server.add_generic_rpc_handlers(
            (grpc.method_handlers_generic_handler(SERVICE_NAME, handlers),)
        )
        self.server.add_registered_method_handlers(SERVICE_NAME, handlers)
        self.health = health.HealthServicer(
            experimental_non_blocking=True,
            experimental_thread_pool=futures.ThreadPoolExecutor(max_workers=1),
        )
        # health and reflection requests are parsed inside their handlers too
        add_decoding_in_handler(
            self.server, lambda s: health_pb2_grpc.add_HealthServicer_to_server(self.health, s)
        )
        add_decoding_in_handler(
            self.server,
            lambda s: reflection.enable_server_reflection(
                (SERVICE_NAME, health.SERVICE_NAME, reflection.SERVICE_NAME), s
            ),
        )
        self.server.add_generic_rpc_handlers((UnknownMethodHandler(),))
        address = bind_address(config.host, config.port)
        try:
            if config.tls:
                creds = grpc.ssl_server_credentials(((config.tls_key, config.tls_cert),))
                port = self.server.add_secure_port(address, creds)
            else:
                port = self.server.add_insecure_port(address)
        except RuntimeError as exc:
            raise OSError(f"cannot bind {address}: {exc}") from None
        if port == 0:
            raise OSError(f"cannot bind {address} (address in use or not available)")
        self.port = port
        self.address = bind_address(config.host, port)
        self._stopped = threading.Event()

    def start(self) -> None:
        """Start serving and report SERVING on the health service."""
        self.server.start()
        for service in ("", SERVICE_NAME):
            self.health.set(service, health_pb2.HealthCheckResponse.SERVING)

    def stop(self, grace: float = GRACE_SECONDS) -> threading.Event:
        """Stop gracefully: NOT_SERVING, refuse new calls, give calls in flight ``grace`` s."""
        if not self._stopped.is_set():
            self._stopped.set()
            self.health.enter_graceful_shutdown()
            self.admission.close()
            if self.pool is not None:
                # calls still running after the grace period are stopped with their workers
                timer = threading.Timer(grace, self.pool.close)
                timer.daemon = True
                timer.start()
        return self.server.stop(grace)

    def wait(self) -> None:
        self.server.wait_for_termination()


def _read_file(path: str | None, what: str) -> bytes | None:
    if path is None:
        return None
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise ValueError(f"cannot read {what} {path!r}: {exc.strerror}") from None


def config_from_args(args: argparse.Namespace) -> ServerConfig:
    """Build and validate a :class:`ServerConfig` from ``arblab server`` arguments."""
    token = None
    if args.token_env:
        token = os.environ.get(args.token_env)
        if not token:
            raise ValueError(
                f"--token-env {args.token_env}: environment variable is unset or empty"
            )
    config = ServerConfig(
        host=args.host,
        port=args.port,
        token=token,
        tls_cert=_read_file(args.tls_cert, "--tls-cert"),
        tls_key=_read_file(args.tls_key, "--tls-key"),
        workers=args.workers,
        cache_mb=args.cache_mb,
        max_request_mb=args.max_request_mb,
        upload_idle_s=args.upload_idle_s,
        max_client_calls=args.max_client_calls,
        isolation=args.isolation,
    )
    config.validate()
    return config


MALLOC_MMAP_THRESHOLD = 2**20
MALLOC_TRIM_THRESHOLD = 32 * 2**20


def tune_malloc() -> bool:
    """Keep freed memory for reuse (glibc only); returns whether the settings were applied.

    Every call allocates and frees buffers of the size of its messages. With glibc's defaults
    a freed buffer of a few hundred KiB goes back to the kernel and the next one page-faults
    in again: serialising the 600 KB result of ``backtest_pairs`` on 8,313 days then took
    0.85 ms instead of 0.04 ms. Serving buffers up to 1 MiB from the heap and trimming the
    heap only above 32 MiB of free memory removes that cost, while larger buffers (uploads,
    cached datasets) are mapped and go back to the kernel when freed, so the server's resident
    memory follows its dataset cache (with 64 MiB / 256 MiB thresholds it grew by about 3x
    the ``--cache-mb`` cap; tests/rpc/test_hardening_limits.py measures it).
    """
    try:
        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    m_trim_threshold, m_mmap_threshold = -1, -3  # <malloc.h>
    return bool(mallopt(m_mmap_threshold, MALLOC_MMAP_THRESHOLD)) and bool(
        mallopt(m_trim_threshold, MALLOC_TRIM_THRESHOLD)
    )


def _watch_parent(parent_pid: int, on_gone: Callable[[], None], interval: float = 0.5) -> None:
    def loop() -> None:
        while os.getppid() == parent_pid:
            time.sleep(interval)
        log.info("parent process %d is gone; shutting down", parent_pid)
        on_gone()

    threading.Thread(target=loop, name="arblab-parent-watch", daemon=True).start()


def run(args: argparse.Namespace) -> int:
    """``arblab server``: serve until SIGTERM/SIGINT (or the parent exits, when embedded)."""
    level = getattr(logging, str(args.log_level).upper(), None)
    if not isinstance(level, int):
        print(f"arblab server: unknown --log-level {args.log_level!r}", file=sys.stderr)
        return 2
    # the requested level applies to ArbLab's loggers; libraries (numba...) stay at INFO or above
    logging.basicConfig(
        level=max(level, logging.INFO), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("lab").setLevel(level)
    tune_malloc()
    try:
        config = config_from_args(args)
        server = AnalyticsServer(config)
    except (ValueError, OSError) as exc:
        print(f"arblab server: {exc}", file=sys.stderr)
        return 2
    done = threading.Event()

    def shutdown(reason: str) -> None:
        if not done.is_set():
            done.set()
            log.info("%s: stopping (grace %.0f s)", reason, GRACE_SECONDS)
            server.stop()

    signal.signal(signal.SIGTERM, lambda signum, frame: shutdown("SIGTERM"))
    signal.signal(signal.SIGINT, lambda signum, frame: shutdown("SIGINT"))
    parent_pid = getattr(args, "parent_pid", None)
    if parent_pid:
        _watch_parent(parent_pid, lambda: shutdown("parent exited"))
    for warning in config.warnings():
        log.warning("%s", warning)
    server.start()
    description = (
        f"pid {os.getpid()}, {config.workers} workers, {ENGINE} engine, cache "
        f"{config.cache_mb:g} MiB, auth {'on' if config.token else 'off'}, "
        f"tls {'on' if config.tls else 'off'}"
    )
    print(f"{READY_PREFIX}{server.address} ({description})", flush=True)
    log.info("serving %s on %s (%s)", SERVICE_NAME, server.address, description)
    if parent_pid:
        # the embedding parent reads exactly one line; later output goes to stderr
        os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    server.wait()
    if server.pool is not None:
        server.pool.close()
    log.info("stopped")
    return 0


# ---------------------------------------------------------------------------------------------
# embedded server in a child process

_LIVE: set[subprocess.Popen] = set()
_LIVE_LOCK = threading.Lock()


def _stop_process(proc: subprocess.Popen, timeout: float = GRACE_SECONDS + 5.0) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            proc.wait()
    with _LIVE_LOCK:
        _LIVE.discard(proc)


@atexit.register
def _stop_all_embedded() -> None:
    with _LIVE_LOCK:
        procs = list(_LIVE)
    for proc in procs:
        _stop_process(proc)


class EmbeddedServer:
    """An analytics server in a child process (``python -m lab.rpc.server``).

    The child runs the analytics outside the caller's GIL, exits when the caller's process
    exits or dies (it watches its parent's pid), and is stopped at interpreter exit.

    Parameters
    ----------
    port : int
        Port on 127.0.0.1; 0 picks a free one.
    workers, cache_mb
        As for ``arblab server``.
    token : str, optional
        Bearer token the server requires (passed through the environment, not argv).
    startup_timeout : float
        Seconds to wait for the server to report SERVING.
    log_level : str
        Logging level of the child (its log goes to this process's stderr).
    """

    def __init__(
        self,
        port: int = 0,
        workers: int = 4,
        cache_mb: float = 512.0,
        token: str | None = None,
        *,
        startup_timeout: float = 120.0,
        log_level: str = "WARNING",
    ) -> None:
        self.host = DEFAULT_HOST
        self.workers = workers
        self.cache_mb = cache_mb
        self.token = token
        self.startup_timeout = startup_timeout
        self.log_level = log_level
        self.port = port
        self._proc: subprocess.Popen | None = None
        self._start(port)

    @property
    def address(self) -> str:
        """``127.0.0.1:PORT`` of the running server."""
        return bind_address(self.host, self.port)

    @property
    def pid(self) -> int | None:
        return None if self._proc is None else self._proc.pid

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def _start(self, port: int) -> None:
        env = dict(os.environ)
        command = [
            sys.executable,
            "-m",
            "lab.rpc.server",
            "--host",
            self.host,
            "--port",
            str(port),
            "--workers",
            str(self.workers),
            "--cache-mb",
            str(self.cache_mb),
            "--log-level",
            self.log_level,
            "--parent-pid",
            str(os.getpid()),
        ]
        if self.token:
            env[EMBEDDED_TOKEN_ENV] = self.token
            command += ["--token-env", EMBEDDED_TOKEN_ENV]
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, env=env, start_new_session=True)
        with _LIVE_LOCK:
            _LIVE.add(proc)
        self._proc = proc
        try:
            line = self._read_ready_line(proc)
            match = re.match(re.escape(READY_PREFIX) + r"(\S+)", line)
            if match is None:
                raise RuntimeError(f"unexpected first line from the analytics server: {line!r}")
            self.port = int(match.group(1).rsplit(":", 1)[1])
            self._wait_serving()
        except BaseException:
            _stop_process(proc)
            self._proc = None
            raise
        finally:
            if proc.stdout is not None:
                proc.stdout.close()

    def _read_ready_line(self, proc: subprocess.Popen) -> str:
        deadline = time.monotonic() + self.startup_timeout
        buffer = b""
        fd = proc.stdout.fileno()
        while b"\n" not in buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(
                    f"the analytics server did not start within {self.startup_timeout:g} s"
                )
            ready, _, _ = select.select([fd], [], [], min(remaining, 0.5))
            if ready:
                data = os.read(fd, 4096)
                if not data:
                    code = proc.wait()
                    raise RuntimeError(
                        f"the analytics server exited with status {code} before serving"
                    )
                buffer += data
        return buffer.split(b"\n", 1)[0].decode(errors="replace")

    def _wait_serving(self) -> None:
        with grpc.insecure_channel(self.address) as channel:
            stub = health_pb2_grpc.HealthStub(channel)
            response = stub.Check(
                health_pb2.HealthCheckRequest(service=SERVICE_NAME),
                timeout=self.startup_timeout,
                wait_for_ready=True,
            )
        if response.status != health_pb2.HealthCheckResponse.SERVING:
            raise RuntimeError(f"the analytics server reports {response.status} instead of SERVING")

    def stop(self) -> None:
        """Stop the server gracefully (SIGTERM, then SIGKILL after a timeout); idempotent."""
        if self._proc is not None:
            _stop_process(self._proc)
            self._proc = None

    def restart(self) -> None:
        """Stop the server and start a new one on the same port."""
        self.stop()
        self._start(self.port)

    def __enter__(self) -> EmbeddedServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = f"pid {self.pid}" if self.running else "stopped"
        return f"<EmbeddedServer {self.address} ({state})>"


def start_embedded(
    port: int = 0,
    workers: int = 4,
    cache_mb: float = 512.0,
    token: str | None = None,
    **options: Any,
) -> EmbeddedServer:
    """Start an analytics server in a child process on 127.0.0.1 and wait until it serves.

    Parameters
    ----------
    port : int
        Port; 0 picks a free one (read it from ``.address``).
    workers : int
        Server worker threads.
    cache_mb : float
        Dataset cache cap in MiB.
    token : str, optional
        Bearer token to require.
    **options
        ``startup_timeout`` and ``log_level`` of :class:`EmbeddedServer`.

    Returns
    -------
    EmbeddedServer
        With ``.address`` (``"127.0.0.1:PORT"``), ``.stop()`` and ``.restart()``; a context
        manager that stops the server on exit.
    """
    return EmbeddedServer(port, workers, cache_mb, token, **options)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m lab.rpc.server``: the ``arblab server`` options plus ``--parent-pid``."""
    from lab.cli import build_parser

    extra = argparse.ArgumentParser(add_help=False)
    extra.add_argument("--parent-pid", type=int, default=None)
    known, rest = extra.parse_known_args(argv)
    args = build_parser().parse_args(["server", *rest])
    args.parent_pid = known.parent_pid
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
