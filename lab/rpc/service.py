"""The ``arblab.v1.Analytics`` servicer: typed RPCs, streams and uploads.

Each RPC decodes its arguments (:mod:`lab.rpc.codec`, datasets from the server's
:class:`~lab.rpc.cache.DatasetCache`), runs the analytic on the engine (the native engine,
:mod:`lab.analytics.native`, in a worker process or in the handler thread), and maps every
failure to a status code: invalid input to INVALID_ARGUMENT naming the field, a failed
computation to FAILED_PRECONDITION, exhausted caps to RESOURCE_EXHAUSTED, a caller gone to
CANCELLED and a defect of the server to INTERNAL. Status messages carry no filesystem paths and
at most :data:`MAX_DETAILS_BYTES` (:func:`short_message`).

A typed call may carry result options in its metadata (:class:`lab.rpc.messages.ResultOptions`:
a field mask, float32 display series); the answer of a unary call is kept serialised in a
:class:`~lab.rpc.cache.ResponseCache`, so a repeated identical call (same arguments, same
dataset refs, same options) is answered with the bytes of the first one without running the
analytic again. Its arguments are still decoded first: a ref the server no longer holds is
reported as before, and every call counts as a use of its datasets.

Worker processes exist so that a runaway call can be stopped (:mod:`lab.rpc.workers`). A call
whose work is bounded and small cannot run away: :func:`inline_work` bounds it from the
arguments (a ``backtest_pairs`` does at most rows x window steps, the window being the larger
of ``lookback`` and ``vol_window``), and a call within :data:`INLINE_WORK` steps runs in the
handler thread, saving the round trip to a worker (pickling the result through a pipe and two
process wake-ups: about 0.5 ms idle and several ms on a loaded machine). Its worst case
(every row recomputing its window) takes tens of milliseconds, under the
:data:`lab.rpc.workers.POLL_SECONDS` granularity at which a worker is stopped anyway.
"""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import logging
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import grpc
import numpy as np

from lab import __version__, analytics
from lab.analytics import registry
from lab.rpc import codec, limits, messages, workers
from lab.rpc._gen import analytics_pb2 as pb
from lab.rpc._gen import analytics_pb2_grpc as pb_grpc
from lab.rpc.cache import CacheFullError, Dataset, DatasetCache, ResponseCache
from lab.rpc.codegen import STREAMING, response_name, rpc_name
from lab.rpc.handlers import chunk_part
from lab.rpc.serving import usable_cores
from lab.rpc.uploads import UploadBuffer
from lab.rpc.wire import MAX_MESSAGE_BYTES, SERVER_LOG, UNKNOWN_REF_KEY

log = logging.getLogger(SERVER_LOG)

ENGINE = "native"
"""The engine the server runs (reported by Info and in every response)."""
MAX_DETAILS_BYTES = 1024
"""Longest status message the server sends (longer ones are cut, with a marker)."""
RESPONSE_CACHE_BYTES = 64 * 2**20
"""Default memory cap of the server's cache of encoded responses (64 MiB)."""
INLINE_WORK = 2**23
"""Most steps (rows x window) of a call run in the handler thread instead of a worker."""
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


def inline_work(function: str, args: Sequence[Any], kwargs: dict[str, Any]) -> int | None:
    """An upper bound on the inner steps of ``function(*args, **kwargs)``, or None when its
    work is not bounded by its arguments in a known way (it then runs in a worker)."""
    if function != "backtest_pairs":
        return None
    from lab.analytics.backtest import PairParams

    try:
        bound = inspect.signature(analytics.backtest_pairs).bind(*args, **kwargs)
    except TypeError:
        return None
    y = bound.arguments.get("y")
    params = bound.arguments.get("params")
    params = PairParams() if params is None else params
    rows = getattr(y, "shape", (None,))[0] if getattr(y, "ndim", 0) == 1 else None
    if not isinstance(params, PairParams) or not isinstance(rows, int):
        return None
    window = max(int(params.lookback), int(params.vol_window), 1)
    return rows * window


class _ServerDefect(Exception):
    """A failure of the server itself (e.g. a result the wire cannot carry): INTERNAL."""


_Cancelled = limits.CallerGone


@dataclass
class _Counters:
    total: int = 0
    active: int = 0
    cancelled: int = 0


class AnalyticsServicer(pb_grpc.AnalyticsServicer):
    """``arblab.v1.Analytics`` on an analytics engine module (default :mod:`lab.analytics.native`).

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
        responses: ResponseCache | None = None,
    ) -> None:
        if engine is None:
            from lab.analytics import native as engine
        self.engine = engine
        self.cache = cache
        self.admission = admission or limits.Admission(limits.Limits(workers=workers))
        self.pool = pool
        self.responses = ResponseCache(RESPONSE_CACHE_BYTES) if responses is None else responses
        self.inline_calls = 0
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
        missing = [name for name in analytics.FUNCTIONS if not hasattr(pb, response_name(name))]
        if missing:
            raise RuntimeError(
                f"the generated stubs lack the RPCs of {', '.join(missing)}; run python -m "
                "lab.rpc.codegen"
            )
        for name in analytics.FUNCTIONS:
            setattr(self, rpc_name(name), self._typed_handler(name))
        for name in STREAMING:
            setattr(self, rpc_name(name) + "Stream", self._stream_handler(name))

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
        return codec.decode_value(message, path, allow_empty=False, resolve_dataset=self._resolve)

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

    def _response(
        self,
        function: str,
        value: Any,
        seconds: float,
        options: messages.ResultOptions = messages.EXACT,
    ) -> Any:
        response = getattr(pb, response_name(function))(engine=ENGINE, server_seconds=seconds)
        try:
            messages.encode_result(function, value, response, options)
        except codec.WireError as exc:
            # a result the wire cannot carry is a server-side defect, not a caller error
            raise _ServerDefect(f"cannot encode the result: {exc}") from None
        return response

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
        """One engine call: in a worker process (killed if the caller goes away) or in-thread
        (without a pool, or for a call of at most :data:`INLINE_WORK` steps)."""
        if self.pool is None:
            return fn(*args, **kwargs)
        work = inline_work(function, args, kwargs)
        if work is not None and work <= INLINE_WORK:
            self.inline_calls += 1
            return fn(*args, **kwargs)
        return self.pool.run(function, tuple(args), dict(kwargs), context.is_active)

    @staticmethod
    def _options(function: str, context: grpc.ServicerContext) -> messages.ResultOptions:
        return messages.ResultOptions.from_metadata(function, context.invocation_metadata())

    @staticmethod
    def _response_key(function: str, request: Any, options: messages.ResultOptions) -> bytes:
        """What identifies a call's answer: the function, the options and the request bytes
        (datasets appear in them by content ref)."""
        digest = hashlib.sha256(function.encode())
        digest.update(repr((options.fields, options.display_float32)).encode())
        digest.update(request.SerializeToString(deterministic=True))
        return digest.digest()

    def _typed_handler(self, function: str) -> Callable[[Any, grpc.ServicerContext], Any]:
        def handler(request: Any, context: grpc.ServicerContext) -> bytes:
            with (
                self._call(context, rpc_name(function), function) as note,
                self.admission.analytics(context, context.peer()),
            ):
                options = self._options(function, context)
                # decoded even when the answer is cached: unknown refs are reported as always
                args, kwargs = self._typed_arguments(function, request)
                key = self._response_key(function, request, options)
                cached = self.responses.get(key) if self.responses.enabled else None
                if cached is not None:
                    note["cached"] = True
                    return cached
                response = self._response(
                    function, *self._execute(function, args, kwargs, context), options
                )
                data = response.SerializeToString()
                self.responses.put(key, data)
                return data

        handler.__name__ = rpc_name(function)
        return handler

    def _stream_handler(
        self, function: str
    ) -> Callable[[Any, grpc.ServicerContext], Iterator[pb.StreamEvent]]:
        def handler(request: Any, context: grpc.ServicerContext) -> Iterator[pb.StreamEvent]:
            return self._stream(function, request, context)

        handler.__name__ = rpc_name(function) + "Stream"
        return handler

    def _stream(
        self, function: str, request: Any, context: grpc.ServicerContext
    ) -> Iterator[pb.StreamEvent]:
        with (
            self._call(context, rpc_name(function) + "Stream", function) as note,
            self.admission.analytics(context, context.peer()),
        ):
            options = self._options(function, context)
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
            response = self._response(function, result, time.perf_counter() - start, options)
            yield pb.StreamEvent(**{function: response})

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
            chunks_in = (chunk_part(item) for item in request_iterator)
            kind, first = next(chunks_in, (None, None))
            if kind != "header":
                raise codec.WireError(
                    "header", "the first message of PutDataset must be a DatasetHeader"
                )
            upload.header()
            header = first
            dtype, shape, nbytes, labels = self._header(header)
            # each chunk is reserved against the in-flight caps before it is written into the
            # buffer, whose pages are committed only as they are written (lab.rpc.uploads): a
            # declared size costs nothing until its bytes are actually sent
            with UploadBuffer(header, nbytes) as buffer:
                for number, (kind, data) in enumerate(chunks_in, start=1):
                    if kind != "data":
                        raise codec.WireError(
                            f"chunk[{number}]", "only data chunks may follow the header"
                        )
                    if len(data) > buffer.room():
                        raise codec.WireError(
                            "data",
                            f"more than the {nbytes} bytes that shape {list(shape)} of {dtype.str} holds",
                        )
                    upload.reserve(len(data))
                    buffer.write(data)
                if buffer.room():
                    raise codec.WireError(
                        "data",
                        f"shape {list(shape)} of dtype {dtype.str} needs {nbytes} bytes, received "
                        f"{buffer.received}",
                    )
                ref, values = buffer.finish(dtype, shape)
            answer = self._store(ref, values, labels)
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
