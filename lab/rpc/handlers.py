"""The gRPC method handlers of ``arblab.v1.Analytics``: requests parsed inside the handler.

gRPC's own deserialisation path answers undecodable bytes with INTERNAL, logs a traceback and
leaked about 16 KB per request (compare grpc/grpc#36908). Every method of the service, and of
the health and reflection services, is therefore registered with an identity deserialiser and
parses its request here: undecodable bytes get INVALID_ARGUMENT and one log line. PutDataset
reads its data chunks in place (:func:`chunk_part`). Calls to methods that do not exist are
answered INVALID_ARGUMENT naming the method (:class:`UnknownMethodHandler`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import grpc

from lab.rpc import codec
from lab.rpc._gen import analytics_pb2 as pb
from lab.rpc.wire import SERVER_LOG

if TYPE_CHECKING:
    from lab.rpc.service import AnalyticsServicer

log = logging.getLogger(SERVER_LOG)

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["Analytics"].full_name
"""Fully qualified name of the analytics service (``arblab.v1.Analytics``)."""


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


def chunk_part(item: pb.DatasetChunk | bytes) -> tuple[str | None, Any]:
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


def _serializer(response_class: type) -> Callable[[Any], bytes]:
    """``response_class``'s serialiser that passes bytes through: a handler may answer with a
    response already serialised (the servicer's typed calls, :class:`lab.rpc.cache.ResponseCache`)."""
    serialize = response_class.SerializeToString

    def serializer(response: Any) -> bytes:
        if isinstance(response, bytes):
            return response
        return serialize(response)

    return serializer


def method_handlers(servicer: AnalyticsServicer) -> dict[str, grpc.RpcMethodHandler]:
    """gRPC handlers for every method of ``arblab.v1.Analytics`` on ``servicer``.

    The same as the generated ``add_AnalyticsServicer_to_server`` except that every method is
    registered with an identity deserialiser: unary requests are parsed inside the handler
    (:func:`_parsing`), and PutDataset reads its chunks in place (see :func:`chunk_part`); and
    responses may be returned already serialised (:func:`_serializer`).
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
            response_serializer=_serializer(response_class),
        )
    return handlers


def deny(
    handler: grpc.RpcMethodHandler | None, code: grpc.StatusCode, message: str
) -> grpc.RpcMethodHandler:
    """A handler of ``handler``'s streaming kind (unary when None) that only aborts the call
    with ``code`` and ``message`` (a refused token, an unknown method)."""

    def abort(request: Any, context: grpc.ServicerContext) -> Any:
        context.abort(code, message)

    if handler is None or not (handler.request_streaming or handler.response_streaming):
        return grpc.unary_unary_rpc_method_handler(abort)
    if handler.request_streaming and handler.response_streaming:
        return grpc.stream_stream_rpc_method_handler(abort)
    if handler.request_streaming:
        return grpc.stream_unary_rpc_method_handler(abort)
    return grpc.unary_stream_rpc_method_handler(abort)


class UnknownMethodHandler(grpc.GenericRpcHandler):
    """Answer calls to methods that do not exist with INVALID_ARGUMENT naming the method."""

    def service(self, handler_call_details: Any) -> grpc.RpcMethodHandler:
        method = handler_call_details.method
        rpcs = ", ".join(m.name for m in pb.DESCRIPTOR.services_by_name["Analytics"].methods)
        return deny(
            None,
            grpc.StatusCode.INVALID_ARGUMENT,
            f"field 'method': unknown method {method!r}; {SERVICE_NAME} offers {rpcs}",
        )
