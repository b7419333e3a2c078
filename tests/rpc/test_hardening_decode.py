"""Hostile payloads are decoded inside the handler: undecodable bytes and analytics failures get
INVALID_ARGUMENT / FAILED_PRECONDITION with short messages; no request can name a type to build."""

from __future__ import annotations

import logging
import types
from concurrent import futures

import grpc
import numpy as np
import pytest

from lab.analytics import FUNCTIONS
from lab.rpc import codec, handlers, service
from lab.rpc._gen import analytics_pb2 as pb
from lab.rpc._gen import analytics_pb2_grpc as pb_grpc
from lab.rpc.cache import DatasetCache
from lab.rpc.codegen import rpc_name

UNARY_METHODS = [
    m.name for m in pb.DESCRIPTOR.services_by_name["Analytics"].methods if not m.client_streaming
]


def raw_call(channel, method, payload, *, streaming=False):
    path = f"/arblab.v1.Analytics/{method}"
    if streaming:
        return list(channel.unary_stream(path)(payload, timeout=10))
    return channel.unary_unary(path)(payload, timeout=10)


@pytest.mark.parametrize("method", UNARY_METHODS)
def test_undecodable_bytes_get_invalid_argument_and_one_log_line(server, channel, method, caplog):
    streaming = method.endswith("Stream")
    with caplog.at_level(logging.INFO, logger="lab.rpc.server"):
        with pytest.raises(grpc.RpcError) as caught:
            raw_call(channel, method, b"\xff\xff\xff\xff", streaming=streaming)
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert "4 bytes are not a valid arblab.v1." in caught.value.details()
    lines = [r for r in caplog.records if r.name == "lab.rpc.server"]
    assert len(lines) == 1 and lines[0].exc_info is None
    assert "\n" not in lines[0].getMessage()
    # the server is still serving
    assert pb_grpc.AnalyticsStub(channel).Info(pb.InfoRequest(), timeout=5).engine == "native"


CONTROL_METHODS = [
    ("/grpc.health.v1.Health/Check", "unary", "grpc.health.v1.HealthCheckRequest"),
    ("/grpc.health.v1.Health/Watch", "stream", "grpc.health.v1.HealthCheckRequest"),
    (
        "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
        "bidi",
        "grpc.reflection.v1alpha.ServerReflectionRequest",
    ),
]


@pytest.mark.parametrize(("path", "kind", "type_name"), CONTROL_METHODS)
def test_undecodable_health_and_reflection_requests_get_invalid_argument(
    server, channel, path, kind, type_name, caplog
):
    with caplog.at_level(logging.INFO, logger="lab.rpc.server"):
        with pytest.raises(grpc.RpcError) as caught:
            if kind == "unary":
                channel.unary_unary(path)(b"\xff\xff\xff\xff", timeout=10)
            elif kind == "stream":
                list(channel.unary_stream(path)(b"\xff\xff\xff\xff", timeout=10))
            else:
                list(channel.stream_stream(path)(iter([b"\xff\xff\xff\xff"]), timeout=10))
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert f"4 bytes are not a valid {type_name} message" in caught.value.details()
    lines = [r for r in caplog.records if r.name == "lab.rpc.server"]
    assert len(lines) == 1 and lines[0].exc_info is None
    # valid health and reflection requests still work
    from grpc_health.v1 import health_pb2, health_pb2_grpc
    from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

    check = health_pb2_grpc.HealthStub(channel).Check(
        health_pb2.HealthCheckRequest(service=handlers.SERVICE_NAME), timeout=5
    )
    assert check.status == health_pb2.HealthCheckResponse.SERVING
    watch = health_pb2_grpc.HealthStub(channel).Watch(
        health_pb2.HealthCheckRequest(service=handlers.SERVICE_NAME), timeout=5
    )
    assert next(watch).status == health_pb2.HealthCheckResponse.SERVING
    watch.cancel()
    answers = reflection_pb2_grpc.ServerReflectionStub(channel).ServerReflectionInfo(
        iter([reflection_pb2.ServerReflectionRequest(list_services="")]), timeout=5
    )
    names = {s.name for a in answers for s in a.list_services_response.service}
    assert handlers.SERVICE_NAME in names


def test_short_message_strips_paths_and_caps_the_length():
    text = "boom in /usr/lib/python3.12/site-packages/numba/core/x.py line 3 " + "y" * 20_000
    short = service.short_message(text)
    assert "/usr/lib" not in short and "site-packages" not in short and "<path>" in short
    assert len(short.encode()) <= service.MAX_DETAILS_BYTES
    assert short.endswith("(cut)")
    assert service.short_message("shape [4] of dtype <f8") == "shape [4] of dtype <f8"
    # parameter lists and ratios are not paths: an analytics message reaches the client intact
    text = "spot/strike/t/rate/vol: shapes do not broadcast.  Mismatch is between arg 1 and 4"
    assert service.short_message(text) == text


class _Failing(types.ModuleType):
    """An engine whose every function raises what analytics code can raise."""

    def __init__(self, exc):
        super().__init__("failing")
        self.exc = exc

    def __getattr__(self, name):
        if name not in FUNCTIONS:
            raise AttributeError(name)

        def fail(*args, **kwargs):
            raise self.exc

        return fail


@pytest.fixture
def failing_server():
    def start(exc):
        srv = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
        servicer = service.AnalyticsServicer(DatasetCache(2**20), engine=_Failing(exc))
        methods = handlers.method_handlers(servicer)
        srv.add_registered_method_handlers(handlers.SERVICE_NAME, methods)
        port = srv.add_insecure_port("127.0.0.1:0")
        srv.start()
        started.append(srv)
        return grpc.insecure_channel(f"127.0.0.1:{port}")

    started = []
    yield start
    for srv in started:
        srv.stop(0)


@pytest.mark.parametrize(
    "exc",
    [
        ZeroDivisionError("float division by zero"),
        np.linalg.LinAlgError("Singular matrix"),
        IndexError("index 7 is out of bounds"),
        RuntimeError("failed in /opt/conda/lib/python3.12/site-packages/numba/np/a.py " * 400),
    ],
    ids=["zero-division", "linalg", "index", "long-with-paths"],
)
def test_analytics_exceptions_are_failed_precondition_with_a_short_message(failing_server, exc):
    channel = failing_server(exc)
    stub = pb_grpc.AnalyticsStub(channel)
    x = pb.Value()
    codec.encode_value(np.arange(50.0), x)
    with pytest.raises(grpc.RpcError) as caught:
        getattr(stub, rpc_name("adf"))(pb.AdfRequest(x=x), timeout=10)
    details = caught.value.details()
    assert caught.value.code() is grpc.StatusCode.FAILED_PRECONDITION
    assert details.startswith("adf: the computation failed on this input: " + type(exc).__name__)
    assert len(details.encode()) <= service.MAX_DETAILS_BYTES
    assert "/opt/conda" not in details and "site-packages" not in details
    channel.close()


def test_a_request_cannot_name_a_type_to_build(stub):
    """No field of any request carries a type name: argument dataclasses are typed members of
    Value, so bytes that once named ``pd.NamedAgg`` or ``os:system`` (the removed Record, field
    8 of Value) are an unknown field that builds nothing."""
    assert 8 not in pb.Value.DESCRIPTOR.fields_by_number
    record = b"\x42" + bytes([len(b"\x0a\x06os:sys")]) + b"\x0a\x06os:sys"  # Value field 8
    params = pb.Value.FromString(record)
    assert params.WhichOneof("kind") is None
    ones = pb.Value(array=pb.NDArray(dtype="<f8", shape=[3], data=np.ones(3).tobytes()))
    request = pb.BacktestPairsRequest(y=ones, x=ones, params=params)
    with pytest.raises(grpc.RpcError) as caught:
        stub.BacktestPairs(request, timeout=10)
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert "field 'params': value is not set" in caught.value.details()
