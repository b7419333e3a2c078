"""RPC fuzzing: whatever bytes reach a method, the answer is OK, INVALID_ARGUMENT,
RESOURCE_EXHAUSTED or FAILED_PRECONDITION, and the server's memory stays bounded.

The fast variant runs a few hundred requests; ``-m slow`` runs 10,000 (the issue's figure)."""

from __future__ import annotations

import os

import grpc
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lab.analytics.backtest import PairParams
from lab.rpc import codec
from lab.rpc._gen import analytics_pb2 as pb
from tests._process import rss_mib

ALLOWED = {
    grpc.StatusCode.OK,
    grpc.StatusCode.INVALID_ARGUMENT,
    grpc.StatusCode.RESOURCE_EXHAUSTED,
    grpc.StatusCode.FAILED_PRECONDITION,
}
ALLOWED_BY_METHOD = {
    # the health protocol answers a well-formed Check of a service it does not serve with
    # NOT_FOUND (grpc/grpc doc/health-checking.md); fuzzed names are such services
    "/grpc.health.v1.Health/Check": ALLOWED | {grpc.StatusCode.NOT_FOUND},
}
METHODS = [
    (f"/arblab.v1.Analytics/{m.name}", "stream" if m.server_streaming else "unary")
    for m in pb.DESCRIPTOR.services_by_name["Analytics"].methods
    if not m.client_streaming
] + [
    ("/grpc.health.v1.Health/Check", "unary"),
    ("/grpc.health.v1.Health/Watch", "watch"),
    ("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", "bidi"),
]
"""(path, kind) of every method a client can call with one request: the analytics, the health
service and server reflection (all parsed inside their handlers). Health's ``List`` is left
out: grpcio-health's servicer does not implement it (UNIMPLEMENTED whatever the bytes)."""
RSS_GROWTH_MIB = 50


def _value(obj) -> pb.Value:
    message = pb.Value()
    codec.encode_value(obj, message)
    return message


WALK = np.cumsum(np.random.default_rng(0).normal(size=120)) + 100.0
SEEDS = [
    pb.AdfRequest(x=_value(WALK)).SerializeToString(),
    pb.HmmFitRequest(obs=_value(np.diff(WALK)), n_states=_value(2)).SerializeToString(),
    pb.BacktestPairsRequest(
        y=_value(WALK), x=_value(WALK[::-1].copy()), params=_value(PairParams(lookback=20))
    ).SerializeToString(),
    pb.BsPriceRequest(
        spot=_value(100.0), strike=_value(100.0), t=_value(1.0), rate=_value(0.0), vol=_value(0.2)
    ).SerializeToString(),
]
"""Valid requests to mutate: most mutants still parse, so the fuzz reaches the decoders and
the analytics, not only the protobuf parser."""


KIND_THEN_METHOD = st.sampled_from(sorted({k for _, k in METHODS})).flatmap(
    lambda kind: st.sampled_from([m for m in METHODS if m[1] == kind])
)
"""A kind of call first, then a method of that kind: every kind is drawn often, though one
kind (the reflection stream) has a single method among dozens of unary ones."""


@st.composite
def payloads(draw):
    if draw(st.booleans()):
        return draw(st.binary(max_size=512))
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        position = draw(st.integers(0, max(len(data) - 1, 0)))
        action = draw(st.sampled_from(["flip", "cut", "insert"]))
        if action == "flip" and data:
            data[position] ^= 1 << draw(st.integers(0, 7))
        elif action == "cut":
            del data[position : position + draw(st.integers(1, 16))]
        else:
            data[position:position] = draw(st.binary(min_size=1, max_size=8))
    return bytes(data)


def _code(channel, path: str, kind: str, payload: bytes) -> grpc.StatusCode:
    try:
        if kind == "stream":
            for _ in channel.unary_stream(path)(payload, timeout=60):
                pass
        elif kind == "watch":  # a valid Watch streams until cancelled: its first answer will do
            call = channel.unary_stream(path)(payload, timeout=60)
            next(call, None)
            call.cancel()
        elif kind == "bidi":
            for _ in channel.stream_stream(path)(iter([payload]), timeout=60):
                pass
        else:
            channel.unary_unary(path)(payload, timeout=60)
    except grpc.RpcError as error:
        if kind == "watch" and error.code() is grpc.StatusCode.CANCELLED:
            return grpc.StatusCode.OK
        return error.code()
    return grpc.StatusCode.OK


def _fuzz(channel, n: int) -> None:
    seen: dict[grpc.StatusCode, int] = {}
    kinds: dict[str, int] = {}

    @settings(
        max_examples=n,
        deadline=None,
        database=None,
        derandomize=n < 1000,  # the default run is the same every time; the long one explores
        suppress_health_check=list(HealthCheck),
    )
    @given(method=KIND_THEN_METHOD, payload=payloads())
    def one(method, payload):
        code = _code(channel, method[0], method[1], payload)
        seen[code] = seen.get(code, 0) + 1
        allowed = ALLOWED_BY_METHOD.get(method[0], ALLOWED)
        assert code in allowed, f"{method[0]} answered {code.name} to {payload[:64]!r}"
        kinds[method[1]] = kinds.get(method[1], 0) + 1

    one()
    assert sum(seen.values()) >= n // 2
    assert seen.get(grpc.StatusCode.INVALID_ARGUMENT, 0) > 0
    if n >= 200:  # every kind of call was exercised
        assert set(kinds) == {k for _, k in METHODS}, kinds


def _check(channel, pid: int, n: int) -> None:
    _fuzz(channel, 50)  # warm-up: workers, numba, allocator pools
    before = rss_mib(pid)
    _fuzz(channel, n)
    grown = rss_mib(pid) - before
    assert grown < RSS_GROWTH_MIB, f"RSS grew {grown:.1f} MiB over {n} fuzzed requests"


def test_fuzzed_requests_get_only_the_allowed_codes(server, channel):
    _check(channel, os.getpid(), 300)  # the in-process server (and this test's own memory)


@pytest.mark.slow
def test_ten_thousand_fuzzed_requests():
    from lab.rpc.embedded import start_embedded

    with start_embedded(workers=4, cache_mb=16) as srv:  # the server's RSS alone
        with grpc.insecure_channel(srv.address) as channel:
            _check(channel, srv.pid, 10_000)
