"""lab.rpc.server against a real in-process server on an ephemeral port: health, reflection,
Info, malformed payloads, datasets, streaming progress, cancellation, auth, TLS, logging."""

from __future__ import annotations

import logging
import os
import time

import grpc
import numpy as np
import pandas as pd
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from lab import analytics
from lab.analytics import chunking
from lab.analytics.backtest import PairParams
from lab.analytics.registry import REGISTRY
from lab.backends import native
from lab.cli import build_parser
from lab.rpc import codec, messages
from lab.rpc import server as rpc_server
from lab.rpc._gen import analytics_pb2 as pb
from lab.rpc._gen import analytics_pb2_grpc as pb_grpc
from lab.rpc.client import AnalyticsClient, Progress
from lab.rpc.serving import ServerConfig, is_loopback, usable_cores
from lab.rpc.wire import UNKNOWN_REF_KEY
from tests.rpc.rpc_support import CACHE_MB, TOKEN, assert_identical, start_server


def walk(n=300, seed=0):
    return np.cumsum(np.random.default_rng(seed).normal(size=n)) + 100.0


def pair(n=400, seed=1):
    rng = np.random.default_rng(seed)
    x = 50.0 * np.exp(np.cumsum(rng.normal(0, 0.01, n)))
    y = 1.5 * x + rng.normal(0, 0.5, n) + 10.0
    return y, x


def value_of(obj) -> pb.Value:
    message = pb.Value()
    codec.encode_value(obj, message)
    return message


def array_value(dtype, shape, data) -> pb.Value:
    return pb.Value(array=pb.NDArray(dtype=dtype, shape=list(shape), data=data))


def assert_info_answers(stub):
    info = stub.Info(pb.InfoRequest(), timeout=10)
    assert info.engine == "native"


def test_health_is_serving_and_reflection_lists_the_services(server, channel):
    health = health_pb2_grpc.HealthStub(channel)
    for service in ("", "arblab.v1.Analytics"):
        reply = health.Check(health_pb2.HealthCheckRequest(service=service), timeout=5)
        assert reply.status == health_pb2.HealthCheckResponse.SERVING

    from grpc_reflection.v1alpha.proto_reflection_descriptor_database import (
        ProtoReflectionDescriptorDatabase,
    )

    database = ProtoReflectionDescriptorDatabase(channel)
    services = set(database.get_services())
    assert {"arblab.v1.Analytics", "grpc.health.v1.Health"} <= services
    descriptor = database.FindFileContainingSymbol("arblab.v1.Analytics")
    assert descriptor.package == "arblab.v1"


def test_info_reports_version_engine_cores_and_cache(stub):
    info = stub.Info(pb.InfoRequest(), timeout=5)
    from lab import __version__

    assert info.version == __version__
    assert info.engine == "native"
    assert info.cores == usable_cores() <= os.cpu_count()
    assert info.workers == 4
    assert list(info.functions) == list(analytics.FUNCTIONS)
    from lab.rpc.cache import split_budget
    from lab.rpc.service import RESPONSE_CACHE_BYTES

    # the dataset cache's share of --cache-mb (the encoded responses hold the rest)
    assert info.cache.capacity_bytes == split_budget(CACHE_MB * 2**20, RESPONSE_CACHE_BYTES)[0]
    assert info.max_message_bytes == (CACHE_MB + 4) * 2**20
    assert info.pid == os.getpid()  # in-process server


def test_typed_call_equals_native(stub):
    y, x = pair()
    request = pb.EngleGrangerRequest(y=value_of(y), x=value_of(x), trend=value_of("ct"))
    reply = stub.EngleGranger(request, timeout=30)
    assert reply.engine == "native" and reply.server_seconds > 0
    result = messages.decode_result("engle_granger", reply)
    expected = native.engle_granger(y, x, trend="ct")
    assert type(result) is type(expected)
    assert result.statistic == pytest.approx(expected.statistic, rel=1e-12)
    np.testing.assert_allclose(result.crit_values, expected.crit_values, rtol=1e-12)
    assert result.lags == expected.lags


@pytest.mark.parametrize("function", analytics.FUNCTIONS)
def test_every_registered_example_arrives_as_the_engine_returned_it(server, function):
    """Through the wire and back, each example's result is the native engine's exactly: the
    registry's class, the same values, dtypes, shapes and index (chunked scans merged)."""
    args, kwargs = REGISTRY[function].example()
    want = getattr(native, function)(*args, **kwargs)
    client = AnalyticsClient(server.address)
    try:
        got = client.call(function, args, kwargs)
    finally:
        client.close()
    assert_identical(got, want)


def test_stubs_without_the_rpc_are_a_clear_error_naming_codegen(server):
    client = AnalyticsClient(server.address)
    client.stub = pb_grpc.AnalyticsStub(client.channel)
    client.stub.__dict__.pop("Adf")  # as if the stubs predated the analytic
    with pytest.raises(RuntimeError, match="no Adf RPC; run python -m lab.rpc.codegen"):
        client.call("adf", (walk(),))
    client.close()


def _put_chunks(header, *datas):
    yield pb.DatasetChunk(header=header)
    for data in datas:
        yield pb.DatasetChunk(data=data)


HEADER_3F8 = pb.DatasetHeader(dtype="<f8", shape=[3])
GOOD = np.arange(3.0).tobytes()
UNKNOWN_REF = "sha256:" + "0" * 64
WALK = walk()


MALFORMED = {
    "wrong dtype": ("Adf", pb.AdfRequest(x=array_value("|O", [3], GOOD)), "field 'x.dtype'"),
    "unknown dtype": (
        "Adf",
        pb.AdfRequest(x=array_value("float65", [3], GOOD)),
        "unknown dtype 'float65'",
    ),
    "big-endian dtype": ("Adf", pb.AdfRequest(x=array_value(">f8", [3], GOOD)), "big-endian"),
    "shape disagrees with bytes": (
        "Adf",
        pb.AdfRequest(x=array_value("<f8", [4], GOOD)),
        "field 'x': shape [4] of dtype <f8 needs 32 bytes, data has 24",
    ),
    "negative dimension": (
        "Adf",
        pb.AdfRequest(x=array_value("<f8", [-3], GOOD)),
        "negative dimension",
    ),
    "empty array": ("Adf", pb.AdfRequest(x=array_value("<f8", [0], b"")), "field 'x': empty array"),
    "empty frame": (
        "Correlation",
        pb.CorrelationRequest(returns=value_of(pd.DataFrame(index=pd.RangeIndex(0)))),
        "field 'returns'",
    ),
    "NaN where not allowed": (
        "BacktestPairs",
        pb.BacktestPairsRequest(
            y=value_of(np.r_[pair()[0][:100], np.nan, pair()[0][101:]]), x=value_of(pair()[1])
        ),
        "non-finite",
    ),
    "missing required parameter": (
        "Adf",
        pb.AdfRequest(),
        "field 'x': required parameter is missing",
    ),
    "unset value": ("Adf", pb.AdfRequest(x=pb.Value()), "field 'x': value is not set"),
    "unknown dataset ref": (
        "Adf",
        pb.AdfRequest(x=pb.Value(dataset=pb.DatasetColumns(ref=UNKNOWN_REF))),
        f"field 'x.dataset.ref': unknown dataset ref '{UNKNOWN_REF}'",
    ),
    "a dict where a PairParams belongs": (
        "BacktestPairs",
        pb.BacktestPairsRequest(
            y=value_of(pair()[0]), x=value_of(pair()[1]), params=value_of({"lookback": 20})
        ),
        "params must be a PairParams",
    ),
    "bad option value": (
        "Adf",
        pb.AdfRequest(x=value_of(WALK), regression=value_of("zz")),
        "regression",
    ),
    "unary upload bytes disagree with shape": (
        "PutDatasetUnary",
        pb.PutDatasetUnaryRequest(header=pb.DatasetHeader(dtype="<f8", shape=[4]), data=GOOD),
        "field 'data': shape [4] of dtype <f8 needs 32 bytes, data has 24",
    ),
    "unary upload without header": (
        "PutDatasetUnary",
        pb.PutDatasetUnaryRequest(data=GOOD),
        "field 'header'",
    ),
    "upload header with bad dtype": (
        "PutDatasetUnary",
        pb.PutDatasetUnaryRequest(header=pb.DatasetHeader(dtype="|O", shape=[3]), data=GOOD),
        "field 'header.dtype'",
    ),
    "upload labels disagree with shape": (
        "PutDatasetUnary",
        pb.PutDatasetUnaryRequest(
            header=pb.DatasetHeader(
                dtype="<f8",
                shape=[3],
                frame=pb.FrameMeta(
                    series=True,
                    index=pb.NDArray(dtype="<i8", shape=[2], data=np.arange(2).tobytes()),
                ),
            ),
            data=GOOD,
        ),
        "2 labels for 3 rows",
    ),
}


@pytest.mark.parametrize("case", list(MALFORMED), ids=list(MALFORMED))
def test_malformed_payloads_get_invalid_argument_and_the_server_keeps_serving(stub, case):
    method, request, expected = MALFORMED[case]
    with pytest.raises(grpc.RpcError) as caught:
        getattr(stub, method)(request, timeout=30)
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT, caught.value.details()
    assert expected in caught.value.details()
    assert_info_answers(stub)


@pytest.mark.parametrize(
    ("chunks", "expected"),
    [
        (
            [pb.DatasetChunk(data=GOOD)],
            "field 'header': the first message of PutDataset must be a DatasetHeader",
        ),
        (list(_put_chunks(HEADER_3F8, GOOD, GOOD)), "field 'data': more than the 24 bytes"),
        (list(_put_chunks(HEADER_3F8, GOOD[:16])), "needs 24 bytes, received 16"),
        (
            [pb.DatasetChunk(header=HEADER_3F8), pb.DatasetChunk(header=HEADER_3F8)],
            "only data chunks may follow",
        ),
        ([pb.DatasetChunk(header=pb.DatasetHeader(dtype="<f8", shape=[0]))], "empty array"),
    ],
    ids=["no header", "too many bytes", "too few bytes", "second header", "empty"],
)
def test_malformed_streaming_uploads_get_invalid_argument(stub, chunks, expected):
    with pytest.raises(grpc.RpcError) as caught:
        stub.PutDataset(iter(chunks), timeout=10)
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert expected in caught.value.details()
    assert_info_answers(stub)


def test_unknown_method_names_get_invalid_argument(channel, stub):
    call = channel.unary_unary("/arblab.v1.Analytics/NoSuchMethod")
    with pytest.raises(grpc.RpcError) as caught:
        call(b"", timeout=5)
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert "unknown method '/arblab.v1.Analytics/NoSuchMethod'" in caught.value.details()
    assert_info_answers(stub)


def test_unknown_ref_is_named_in_trailing_metadata(stub):
    request = pb.AdfRequest(x=pb.Value(dataset=pb.DatasetColumns(ref=UNKNOWN_REF)))
    with pytest.raises(grpc.RpcError) as caught:
        stub.Adf(request, timeout=10)
    assert dict(caught.value.trailing_metadata())[UNKNOWN_REF_KEY] == UNKNOWN_REF


def test_oversized_uploads_are_refused_cleanly(server, stub):
    before = stub.Info(pb.InfoRequest(), timeout=5).cache
    too_big = (CACHE_MB + 1) * 2**20 // 8
    header = pb.DatasetHeader(dtype="<f8", shape=[too_big])

    def stream():
        yield pb.DatasetChunk(header=header)
        for _ in range(too_big * 8 // 2**20 + 1):
            yield pb.DatasetChunk(data=bytes(2**20))

    with pytest.raises(grpc.RpcError) as caught:
        stub.PutDataset(stream(), timeout=30)
    assert caught.value.code() is grpc.StatusCode.RESOURCE_EXHAUSTED
    assert (
        "exceeds the server's dataset cache cap of 14.0 MiB" in caught.value.details()
    )  # 7/8 of 16

    # a single message above the receive limit (cache cap + 4 MiB) is refused by gRPC itself
    over_limit = (CACHE_MB + 5) * 2**20 // 8
    request = pb.PutDatasetUnaryRequest(
        header=pb.DatasetHeader(dtype="<f8", shape=[over_limit]), data=bytes(over_limit * 8)
    )
    with pytest.raises(grpc.RpcError) as caught:
        stub.PutDatasetUnary(request, timeout=30)
    assert caught.value.code() is grpc.StatusCode.RESOURCE_EXHAUSTED

    after = stub.Info(pb.InfoRequest(), timeout=5).cache
    assert after.entries == before.entries and after.bytes == before.bytes


def test_same_bytes_twice_give_the_same_ref_and_are_stored_once(server):
    client = AnalyticsClient(server.address)
    data = np.random.default_rng(7).normal(size=(3000, 4))
    before = client.info()["cache"]
    ref1 = client.upload(data)
    ref2 = client.upload(data.copy())
    ref3 = client.upload_unary(data)
    after = client.info()["cache"]
    client.close()
    header, values = codec.dataset_payload(data)
    assert ref1 == ref2 == ref3 == codec.dataset_ref(header, codec.array_bytes(values))
    assert after["entries"] - before["entries"] == 1
    assert after["bytes"] - before["bytes"] == data.nbytes
    assert after["uploads"] - before["uploads"] == 3


def test_streamed_chunks_of_any_size_give_the_same_ref(server):
    client = AnalyticsClient(server.address)
    data = np.arange(100_000, dtype=np.int64)
    refs = {client.upload(data, chunk_bytes=size) for size in (1000, 65536, 2**20)}
    client.close()
    assert len(refs) == 1


def test_dataset_columns_stand_in_for_arrays(server, stub):
    rng = np.random.default_rng(3)
    x = np.cumsum(rng.normal(size=500)) + 50
    frame = pd.DataFrame(
        {"A": x + rng.normal(size=500), "B": x, "C": np.cumsum(rng.normal(size=500))},
        index=pd.date_range("2010-01-01", periods=500, name="date"),
    )
    client = AnalyticsClient(server.address)
    ref = client.upload(frame)
    client.close()
    request = pb.EngleGrangerRequest(
        y=pb.Value(dataset=pb.DatasetColumns(ref=ref, columns=["A"], squeeze=True)),
        x=pb.Value(dataset=pb.DatasetColumns(ref=ref, column_indices=[1], squeeze=True)),
    )
    result = messages.decode_result("engle_granger", stub.EngleGranger(request, timeout=30))
    expected = native.engle_granger(frame["A"], frame["B"])
    assert result.statistic == pytest.approx(expected.statistic, rel=1e-12)
    assert result.hedge_ratio == pytest.approx(expected.hedge_ratio, rel=1e-12)

    whole = pb.JohansenRequest(prices=pb.Value(dataset=pb.DatasetColumns(ref=ref)))
    result = messages.decode_result("johansen", stub.Johansen(whole, timeout=30))
    np.testing.assert_allclose(result.trace_stat, native.johansen(frame).trace_stat, rtol=1e-10)


def _scan_prices(n_assets=6, n=400, seed=5):
    rng = np.random.default_rng(seed)
    common = np.cumsum(rng.normal(0, 0.01, n))
    cols = {
        f"S{i}": common * (1 + 0.1 * i)
        + np.cumsum(rng.normal(0, 0.01, n)) * (i % 2)
        + rng.normal(0, 0.005, n)
        for i in range(n_assets)
    }
    return pd.DataFrame(cols)


def test_pair_scan_stream_reports_progress_and_equals_native(server):
    prices = _scan_prices()
    client = AnalyticsClient(server.address)
    events = list(client.stream("pair_scan", (prices,)))
    client.close()
    progress = [e for e in events if isinstance(e, Progress)]
    result = events[-1]
    total = 6 * 5 // 2
    assert progress[0].done == 0 and progress[-1].done == total
    assert all(p.total == total and p.unit == "pairs" for p in progress)
    assert [p.done for p in progress] == sorted(p.done for p in progress)
    assert len(progress) == 1 + chunking.TARGET_CHUNKS  # 15 pairs in 8 chunks
    expected = native.pair_scan(prices)
    np.testing.assert_array_equal(result.pairs, expected.pairs)
    np.testing.assert_allclose(result.pvalue, expected.pvalue, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(result.qvalue, expected.qvalue, rtol=1e-10, atol=1e-12)
    assert result.symbols == expected.symbols


def test_pair_scan_stream_of_chosen_pairs_equals_native(server):
    prices = _scan_prices()
    pairs = np.array([[0, 1], [4, 2], [3, 5], [1, 5]])
    client = AnalyticsClient(server.address)
    events = list(client.stream("pair_scan", (prices,), {"pairs": pairs}))
    with pytest.raises(ValueError, match="same pair more than once"):
        list(client.stream("pair_scan", (prices,), {"pairs": np.array([[0, 1], [2, 3], [1, 0]])}))
    client.close()
    progress = [e for e in events if isinstance(e, Progress)]
    assert progress[-1].done == progress[-1].total == 4
    expected = native.pair_scan(prices, pairs=pairs)
    np.testing.assert_array_equal(events[-1].pairs, expected.pairs)
    np.testing.assert_allclose(events[-1].qvalue, expected.qvalue, rtol=1e-10, atol=1e-12)


def test_sweep_stream_splits_the_lookback_axis_and_equals_native(server):
    y, x = pair(n=600)
    grid = {"lookback": [10, 20, 30, 40, 50], "entry_z": [1.0, 1.5, 2.0]}
    client = AnalyticsClient(server.address)
    events = list(client.stream("sweep", (y, x, grid), {"metric": "sharpe"}))
    client.close()
    progress = [e for e in events if isinstance(e, Progress)]
    assert progress[-1].done == progress[-1].total == 5 and progress[-1].unit == "lookbacks"
    assert len(progress) == 6  # 0 of 5, then one event per lookback chunk
    result, expected = events[-1], native.sweep(y, x, grid, metric="sharpe")
    np.testing.assert_array_equal(result.lookbacks, expected.lookbacks)
    np.testing.assert_allclose(
        result.values, expected.values, rtol=1e-10, atol=1e-12, equal_nan=True
    )


def _long_sweep():
    """A sweep of several seconds of native work (700 lookbacks x 12 entry z on 8000 days)."""
    y, x = pair(n=8000, seed=11)
    grid = {"lookback": list(range(10, 7010, 10)), "entry_z": list(np.linspace(1.0, 3.0, 12))}
    return y, x, grid


def _wait_idle(stub, before_cancelled, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        info = stub.Info(pb.InfoRequest(), timeout=5)
        if info.calls_active == 1 and info.calls_cancelled > before_cancelled:  # 1: this Info
            return info
        time.sleep(0.05)
    raise AssertionError(f"server still busy or no cancellation counted: {info}")


def test_cancelled_stream_stops_at_the_next_chunk(server, stub):
    y, x, grid = _long_sweep()
    before = stub.Info(pb.InfoRequest(), timeout=5).calls_cancelled
    request = pb.SweepRequest(y=value_of(y), x=value_of(x), grid=value_of(grid))
    call = stub.SweepStream(request, timeout=120)
    first = next(call)
    assert first.progress.done == 0 and first.progress.total == 700
    call.cancel()
    _wait_idle(stub, before)


def test_deadline_stops_a_chunked_unary_call(server, stub):
    y, x, grid = _long_sweep()
    before = stub.Info(pb.InfoRequest(), timeout=5).calls_cancelled
    request = pb.SweepRequest(y=value_of(y), x=value_of(x), grid=value_of(grid))
    with pytest.raises(grpc.RpcError) as caught:
        stub.Sweep(request, timeout=0.2)
    assert caught.value.code() is grpc.StatusCode.DEADLINE_EXCEEDED
    _wait_idle(stub, before)


def test_bearer_token_is_required_except_for_health():
    srv = start_server(workers=2, cache_mb=8, token=TOKEN)
    try:
        with grpc.insecure_channel(srv.address) as channel:
            stub = pb_grpc.AnalyticsStub(channel)
            for metadata, reason in (
                (None, "missing"),
                ((("authorization", "Bearer nope"),), "wrong bearer token"),
            ):
                with pytest.raises(grpc.RpcError) as caught:
                    stub.Info(pb.InfoRequest(), timeout=5, metadata=metadata)
                assert caught.value.code() is grpc.StatusCode.UNAUTHENTICATED
                assert reason in caught.value.details()
            with pytest.raises(grpc.RpcError) as caught:  # streaming methods too
                stub.PutDataset(_put_chunks(HEADER_3F8, GOOD), timeout=5)
            assert caught.value.code() is grpc.StatusCode.UNAUTHENTICATED
            info = stub.Info(
                pb.InfoRequest(), timeout=5, metadata=(("authorization", f"Bearer {TOKEN}"),)
            )
            assert info.auth
            health = health_pb2_grpc.HealthStub(channel)
            status = health.Check(health_pb2.HealthCheckRequest(service=""), timeout=5).status
            assert status == health_pb2.HealthCheckResponse.SERVING
    finally:
        srv.stop(0).wait()


def test_tls_with_a_self_signed_certificate(tls_files):
    cert, key = tls_files
    srv = start_server(workers=2, cache_mb=8, tls_cert=cert.read_bytes(), tls_key=key.read_bytes())
    try:
        creds = grpc.ssl_channel_credentials(root_certificates=cert.read_bytes())
        with grpc.secure_channel(srv.address, creds) as channel:
            info = pb_grpc.AnalyticsStub(channel).Info(pb.InfoRequest(), timeout=10)
            assert info.tls
        with grpc.insecure_channel(srv.address) as channel:  # plaintext to a TLS server fails
            with pytest.raises(grpc.RpcError) as caught:
                pb_grpc.AnalyticsStub(channel).Info(pb.InfoRequest(), timeout=5)
            assert caught.value.code() is grpc.StatusCode.UNAVAILABLE
    finally:
        srv.stop(0).wait()


def test_non_loopback_addresses_need_a_token_or_tls():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert (
        not is_loopback("0.0.0.0")
        and not is_loopback("192.168.1.5")
        and not is_loopback("example.org")
    )
    with pytest.raises(ValueError, match="refusing to serve on non-loopback address '0.0.0.0'"):
        ServerConfig(host="0.0.0.0").validate()
    ServerConfig(host="0.0.0.0", token=TOKEN).validate()
    # TLS says nothing about who may call: off loopback a token is required with it too
    with pytest.raises(ValueError, match="without a bearer token"):
        ServerConfig(host="0.0.0.0", tls_cert=b"c", tls_key=b"k").validate()
    ServerConfig(host="0.0.0.0", token=TOKEN, tls_cert=b"c", tls_key=b"k").validate()
    with pytest.raises(ValueError, match="both --tls-cert and --tls-key"):
        ServerConfig(tls_cert=b"c").validate()
    with pytest.raises(ValueError, match="--workers"):
        ServerConfig(workers=0).validate()


def test_cli_refuses_bad_settings_without_serving(capsys, monkeypatch):
    parse = build_parser().parse_args
    assert rpc_server.run(parse(["server", "--host", "0.0.0.0", "--port", "0"])) == 2
    assert "refusing to serve on non-loopback address" in capsys.readouterr().err
    monkeypatch.delenv("ARBLAB_TEST_UNSET_TOKEN", raising=False)
    assert (
        rpc_server.run(parse(["server", "--port", "0", "--token-env", "ARBLAB_TEST_UNSET_TOKEN"]))
        == 2
    )
    assert "environment variable is unset or empty" in capsys.readouterr().err
    assert (
        rpc_server.run(
            parse(["server", "--port", "0", "--tls-cert", "/nonexistent.pem", "--tls-key", "/x"])
        )
        == 2
    )
    assert "cannot read --tls-cert" in capsys.readouterr().err


def test_one_debug_line_per_request(server, stub, caplog):
    with caplog.at_level(logging.DEBUG, logger="lab.rpc.server"):
        stub.Info(pb.InfoRequest(), timeout=5)
        stub.Adf(pb.AdfRequest(x=value_of(WALK)), timeout=30)
        with pytest.raises(grpc.RpcError):
            stub.Adf(pb.AdfRequest(), timeout=5)
    lines = [r.getMessage() for r in caplog.records if r.name == "lab.rpc.server"]
    assert len(lines) == 3
    assert lines[0].startswith("Info peer=") and "status=OK" in lines[0]
    assert lines[1].startswith("Adf adf ") and "status=OK" in lines[1]
    assert "status=INVALID_ARGUMENT" in lines[2]


def test_port_in_use_is_reported(server):
    with pytest.raises(OSError, match="cannot bind"):
        rpc_server.AnalyticsServer(ServerConfig(port=server.port))


def test_pair_params_travel_typed(stub):
    y, x = pair()
    params = PairParams(lookback=30, entry_z=1.5, exit_z=0.5, cost_bps=1.0)
    reply = stub.BacktestPairs(
        pb.BacktestPairsRequest(y=value_of(y), x=value_of(x), params=value_of(params)), timeout=60
    )
    assert reply.result.trades.entry.dtype == "<i8"  # typed fields, readable by name
    result = messages.decode_result("backtest_pairs", reply)
    expected = native.backtest_pairs(y, x, params)
    np.testing.assert_allclose(result.equity, expected.equity, rtol=1e-10)
    assert list(result.metrics.out_of_sample) == list(expected.metrics.out_of_sample)
    for key, val in expected.metrics.out_of_sample.items():
        assert result.metrics.out_of_sample[key] == pytest.approx(val, rel=1e-10, nan_ok=True)


@pytest.mark.parametrize("token", ["t", "s3cret", "a" * 200, "ab" * 64, "0123456789abcdef"])
def test_weak_tokens_are_refused_with_a_clear_message(token):
    with pytest.raises(ValueError, match="the bearer token is too weak: about .* at least 128"):
        ServerConfig(token=token).validate()


def test_strong_tokens_are_accepted():
    import secrets

    for _ in range(50):
        ServerConfig(token=secrets.token_hex(16)).validate()
        ServerConfig(host="0.0.0.0", token=secrets.token_urlsafe(32)).validate()


def test_off_loopback_without_tls_warns_and_loopback_does_not():
    assert ServerConfig(token=TOKEN).warnings() == []
    (warning,) = ServerConfig(host="0.0.0.0", token=TOKEN).warnings()
    assert "without TLS" in warning and "clear text" in warning
    assert ServerConfig(host="0.0.0.0", token=TOKEN, tls_cert=b"c", tls_key=b"k").warnings() == []
