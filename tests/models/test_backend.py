"""BackendModel: the live backend per choice, a read-only status, visible fallback."""

from __future__ import annotations

import socket

import pytest

from lab.models import BackendModel


def _closed_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{s.getsockname()[1]}"


def test_status_is_read_only_and_current():
    model = BackendModel(backend="native")
    assert model.level == "ok" and "in-process" in model.status
    with pytest.raises(TypeError):
        model.status = "fine"
    model.backend = "reference"
    assert model.level == "ok"


def test_get_reuses_one_backend_per_choice():
    model = BackendModel(backend="native")
    first = model.get()
    model.backend = "reference"
    assert model.get() is not first and model.get().name == "reference"
    model.backend = "native"
    assert model.get() is first


def test_call_reports_the_engine_that_ran():
    model = BackendModel(backend="reference")
    computed = model.call("correlation", [[1.0, 2.0], [2.0, 1.0], [3.0, 5.0]])
    assert computed.engine == "reference" and not computed.fallback
    assert model.engine == "reference"


def test_unreachable_grpc_server_shows_the_fallback():
    model = BackendModel(backend="native", grpc_address=_closed_port())
    model.backend = "grpc"
    assert model.level == "fallback"
    assert "unavailable" in model.status and "running native" in model.status
    computed = model.call("correlation", [[1.0, 2.0], [2.0, 1.0], [3.0, 5.0]])
    assert computed.engine == "native" and computed.fallback
    assert model.key == ("grpc", model.grpc_address)
    model.close()


def test_a_backend_that_cannot_be_created_is_an_error_status():
    model = BackendModel(backend="native", dask_address="   ")
    model.backend = "dask"
    assert model.level == "error"
    assert "dask" in model.status and "address" in model.status
