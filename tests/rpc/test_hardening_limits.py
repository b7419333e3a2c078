"""Admission control: idle uploads, per-client and global caps, large requests, the cache's
memory, and health staying responsive while all of that is going on."""

from __future__ import annotations

import os
import queue
import threading
import time

import grpc
import numpy as np
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from lab.rpc import limits
from lab.rpc._gen import analytics_pb2 as pb
from lab.rpc._gen import analytics_pb2_grpc as pb_grpc
from lab.rpc.client import AnalyticsClient
from lab.rpc.embedded import start_embedded
from tests._process import rss_mib
from tests.rpc.rpc_support import start_server

IDLE_S = 1.0
OWN_CONNECTION = (("grpc.use_local_subchannel_pool", 1),)
"""Channel option: a connection of its own (channels of one process share them by default)."""


def connect(address):
    return grpc.insecure_channel(address, options=OWN_CONNECTION)


@pytest.fixture(scope="module")
def strict():
    """A server with a 1 s upload header/idle timeout, 8 MiB cache, 2 calls per client."""
    srv = start_server(workers=2, cache_mb=8, upload_idle_s=IDLE_S, max_client_calls=2)
    yield srv
    srv.stop(0).wait()


class Stream:
    """A PutDataset stream fed by hand from a queue (the test decides when to send)."""

    def __init__(self, channel):
        self.messages: queue.Queue = queue.Queue()
        self.future = pb_grpc.AnalyticsStub(channel).PutDataset.future(
            iter(self.messages.get, None), timeout=60
        )

    def send(self, message):
        self.messages.put(message)

    def close(self):
        self.messages.put(None)

    def error(self, timeout=10):
        with pytest.raises(grpc.RpcError) as caught:
            self.future.result(timeout=timeout)
        return caught.value


def health_ms(channel, n=20):
    stub = health_pb2_grpc.HealthStub(channel)
    times = []
    for _ in range(n):
        start = time.perf_counter()
        reply = stub.Check(health_pb2.HealthCheckRequest(service="arblab.v1.Analytics"), timeout=2)
        times.append((time.perf_counter() - start) * 1e3)
        assert reply.status == health_pb2.HealthCheckResponse.SERVING
    return times


def test_idle_uploads_do_not_starve_health_or_info_and_are_ended(strict):
    channels = [connect(strict.address) for _ in range(4)]
    try:
        streams = [Stream(ch) for ch in channels]  # four uploads that never send a header
        time.sleep(0.2)
        with connect(strict.address) as probe:
            assert max(health_ms(probe)) < 1000
            info = pb_grpc.AnalyticsStub(probe).Info(pb.InfoRequest(), timeout=2)
            assert info.engine == "native"
        for stream in streams:
            error = stream.error(timeout=IDLE_S + 5)
            assert error.code() is grpc.StatusCode.DEADLINE_EXCEEDED
            assert "no DatasetHeader within 1 s" in error.details()
    finally:
        for ch in channels:
            ch.close()


def test_an_upload_that_stops_sending_is_ended_by_the_idle_timeout(strict):
    with connect(strict.address) as channel:
        stream = Stream(channel)
        stream.send(pb.DatasetChunk(header=pb.DatasetHeader(dtype="<f8", shape=[1000])))
        stream.send(pb.DatasetChunk(data=np.zeros(10).tobytes()))
        start = time.monotonic()
        error = stream.error(timeout=IDLE_S + 5)
        assert error.code() is grpc.StatusCode.DEADLINE_EXCEEDED
        assert "upload idle timeout" in error.details()
        assert time.monotonic() - start < IDLE_S + 2
    assert strict.admission.stats()["upload_bytes"] == 0


def test_declared_size_reserves_nothing_until_bytes_arrive(strict):
    with connect(strict.address) as channel:
        stream = Stream(channel)
        # 7 MiB declared (fits the 8 MiB cache), 80 bytes sent
        stream.send(pb.DatasetChunk(header=pb.DatasetHeader(dtype="<f8", shape=[7 * 2**17])))
        stream.send(pb.DatasetChunk(data=np.zeros(10).tobytes()))
        deadline = time.monotonic() + 2
        while strict.admission.stats()["upload_bytes"] != 80 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert strict.admission.stats()["upload_bytes"] == 80
        stream.close()
        assert stream.error().code() is grpc.StatusCode.INVALID_ARGUMENT
    assert strict.admission.stats()["upload_bytes"] == 0


def test_uploads_per_client_are_capped(strict):
    with connect(strict.address) as channel:
        first, second = Stream(channel), Stream(channel)
        time.sleep(0.2)
        third = Stream(channel)
        error = third.error()
        assert error.code() is grpc.StatusCode.RESOURCE_EXHAUSTED
        assert "limit 2 per client" in error.details()
        for stream in (first, second):
            stream.close()
            stream.error()


def test_upload_bytes_in_flight_are_capped_as_they_arrive():
    caps = limits.Limits(upload_bytes=100, client_upload_bytes=60)
    admission = limits.Admission(caps)

    class Context:
        def is_active(self):
            return True

    try:
        with admission.upload(Context(), "a") as a, admission.upload(Context(), "b") as b:
            a.reserve(50)
            with pytest.raises(limits.Exhausted, match="per-client limit"):
                a.reserve(20)
            b.reserve(50)
            with pytest.raises(limits.Exhausted, match="global limit"):
                b.reserve(1)
            assert admission.stats()["upload_bytes"] == 100
        assert admission.stats()["upload_bytes"] == 0
    finally:
        admission.close()


def test_analytics_calls_per_client_are_capped():
    caps = limits.Limits(workers=1, queue=1, client_calls=1)
    admission = limits.Admission(caps)

    class Context:
        def is_active(self):
            return True

    try:
        with admission.analytics(Context(), "a"):
            with pytest.raises(limits.Exhausted, match="--max-client-calls"):
                with admission.analytics(Context(), "a"):
                    pass
            waiting = threading.Thread(
                target=lambda: admission.analytics(Context(), "b").__enter__()
            )
            waiting.daemon = True
            waiting.start()
            time.sleep(0.1)
            with pytest.raises(limits.Exhausted, match="1 running \\+ 1 queued"):
                with admission.analytics(Context(), "c"):
                    pass
    finally:
        admission.close()


def test_a_request_over_the_message_cap_gets_resource_exhausted_naming_the_limit(strict):
    too_big = 13 * 2**20  # cap: 8 MiB cache + 4 MiB
    request = pb.PutDatasetUnaryRequest(
        header=pb.DatasetHeader(dtype="|u1", shape=[too_big]), data=bytes(too_big)
    )
    with connect(strict.address) as channel:
        with pytest.raises(grpc.RpcError) as caught:
            pb_grpc.AnalyticsStub(channel).PutDatasetUnary(request, timeout=30)
        assert caught.value.code() is grpc.StatusCode.RESOURCE_EXHAUSTED
        assert str(12 * 2**20) in caught.value.details()
        assert pb_grpc.AnalyticsStub(channel).Info(pb.InfoRequest(), timeout=5).engine == "native"


CACHE_RSS_MB = 64


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs Linux /proc")
def test_the_dataset_cache_stays_within_its_cap_in_resident_memory():
    """Stream 24 distinct datasets (8 to 24 MiB, 384 MiB in all) into a 64 MiB cache.

    The server's resident memory may grow by the cap plus what one upload holds in flight
    (its buffer, at most the 24 MiB dataset, and the 16 MiB HTTP/2 window) plus 25 % slack
    for the allocator; before the fix it grew by 4x the cap.
    """
    with start_embedded(cache_mb=CACHE_RSS_MB) as srv:
        client = AnalyticsClient(srv.address, timeout=60)
        client.info()
        before = rss_mib(srv.pid)
        for i in range(24):
            data = np.random.default_rng(100 + i).normal(size=2**20 * (1 + i % 3))
            client.upload(data)
        grown = rss_mib(srv.pid) - before
        stored = client.info()["cache"]
        client.close()
    assert stored["bytes"] <= CACHE_RSS_MB * 2**20 and stored["evictions"] >= 18
    allowed = 1.25 * (CACHE_RSS_MB + 24 + 16)
    assert grown <= allowed, f"RSS grew {grown:.0f} MiB for a {CACHE_RSS_MB} MiB cache"
