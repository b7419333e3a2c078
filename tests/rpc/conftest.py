"""Fixtures of the rpc tests: an in-process analytics server on an ephemeral port, raw stubs,
and a self-signed TLS certificate."""

from __future__ import annotations

import grpc
import pytest

from lab.rpc._gen import analytics_pb2_grpc as pb_grpc
from tests.rpc.rpc_support import CACHE_MB, make_self_signed, start_server


@pytest.fixture(scope="session")
def server():
    """A real server (native engine) on 127.0.0.1:<ephemeral>, 4 workers, 16 MiB cache."""
    srv = start_server(workers=4, cache_mb=CACHE_MB)
    yield srv
    srv.stop(0).wait()


@pytest.fixture
def channel(server):
    with grpc.insecure_channel(server.address) as ch:
        yield ch


@pytest.fixture
def stub(channel):
    return pb_grpc.AnalyticsStub(channel)


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory):
    return make_self_signed(tmp_path_factory.mktemp("tls"))
