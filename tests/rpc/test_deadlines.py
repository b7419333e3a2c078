"""The grpc backend's per-call deadlines follow the registry: long-running analytics get the
backend's ``timeout``; interactive ones 30 s plus 1 s per MiB of array arguments, capped."""

from __future__ import annotations

import numpy as np
import pytest

from lab.analytics.registry import REGISTRY
from lab.backends import grpc as grpc_backend
from lab.bench.ui import free_port


@pytest.fixture
def backend():
    be = grpc_backend.GrpcBackend(f"127.0.0.1:{free_port()}", timeout=120.0, connect_timeout=0.2)
    try:
        yield be
    finally:
        be.close()


def test_long_running_analytics_are_the_registrys():
    flagged = {name for name, a in REGISTRY.items() if a.long_running}
    assert flagged and grpc_backend.LONG_FUNCTIONS == flagged
    assert set(REGISTRY) - flagged, "every analytic is long-running: no interactive deadline"


def test_each_call_deadline_follows_its_workload(backend):
    small = (np.zeros(100),)
    for name, analytic in REGISTRY.items():
        expected = 120.0 if analytic.long_running else grpc_backend.INTERACTIVE_TIMEOUT_S
        assert backend.call_timeout(name, small, {}) == pytest.approx(expected, abs=0.01), name


def test_interactive_deadline_grows_with_the_upload_and_is_capped(backend):
    name = next(n for n, a in REGISTRY.items() if not a.long_running)
    eight_mib = np.zeros(2**20)  # 8 MiB of float64
    assert backend.call_timeout(name, (eight_mib,), {}) == pytest.approx(
        grpc_backend.INTERACTIVE_TIMEOUT_S + 8 * grpc_backend.SECONDS_PER_MIB
    )
    assert backend.call_timeout(name, (), {"x": eight_mib}) == pytest.approx(
        grpc_backend.INTERACTIVE_TIMEOUT_S + 8 * grpc_backend.SECONDS_PER_MIB
    )
    huge = np.zeros(2**24)  # 128 MiB: 30 + 128 s would pass the backend's 120 s
    assert backend.call_timeout(name, (huge,), {}) == 120.0
