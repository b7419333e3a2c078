"""The runner against a real embedded analytics server: fallback labels and transport rows."""

from __future__ import annotations

import dataclasses

import pytest

from lab.backends import get_backend
from lab.bench import base, workloads
from lab.bench.report import captions, to_markdown
from lab.bench.runner import run_suite
from lab.bench.suites import open_backends


@pytest.fixture
def server():
    from lab.rpc.embedded import start_embedded

    srv = start_embedded(port=0)
    yield srv
    srv.stop()


def test_rows_after_the_server_stops_mid_suite_are_labelled_fallback(server):
    grpc = get_backend("grpc", address=server.address)
    backends = {"native": get_backend("native"), "grpc": grpc}

    def progress(done: int, total: int, label: str) -> None:
        if label == "correlation x0.25 on grpc":
            server.stop()  # the server goes away between two grpc rows

    try:
        results = run_suite(
            ["correlation", "grpc_info"],
            backends,
            sizes=[0.25, 1.0],
            repeats=3,
            budget_s=0.05,
            progress=progress,
        )
    finally:
        grpc.close()
    by = {(r.workload, r.size, r.backend): r for r in results.rows}
    assert by[("correlation", 0.25, "grpc")].ran_on == "grpc"
    after = by[("correlation", 1.0, "grpc")]
    assert after.ok and after.ran_on == "grpc->native (fallback)" and after.median_s > 0
    assert not [r for r in results.rows if r.size == 1.0 and r.ok and r.ran_on == "grpc"]
    # Info cannot fall back: with the server gone it is an error row, never a time
    info = by[("grpc_info", 1.0, "grpc")]
    assert info.status == "error" and info.median_s is None and info.error
    assert "unavailable" in results.settings["backend_status"]["grpc"]
    assert "not counted as grpc" in captions(results)["grpc"]
    assert "grpc->native (fallback)" in to_markdown(results)


def test_transport_rows_measure_info_round_trips_and_uploads(server, monkeypatch):
    monkeypatch.setattr(base, "UPLOAD_BYTES", 2_000_000)
    info = dataclasses.replace(workloads.WORKLOADS["grpc_info"], repeats=50)
    with open_backends(["grpc"], grpc_address=server.address) as (backends, embedded):
        assert embedded is None  # an address was given: no server of our own
        results = run_suite(
            [info, "upload_stream", "upload_unary"], backends, repeats=3, budget_s=0.05
        )
    rows = {r.workload: r for r in results.rows}
    assert set(rows) == {"grpc_info", "upload_stream", "upload_unary"}
    assert all(r.ok and r.ran_on == "grpc" for r in rows.values())
    assert rows["grpc_info"].runs == 50 and rows["grpc_info"].p99_s >= rows["grpc_info"].median_s
    for name in ("upload_stream", "upload_unary"):
        row = rows[name]
        assert row.unit == "GB" and row.ops_per_s == pytest.approx(0.002 / row.median_s)


def test_transport_rows_run_only_on_grpc():
    results = run_suite(["grpc_info"], {"native": get_backend("native")}, repeats=1)
    assert results.rows == []


def test_overhead_row_times_grpc_against_native_in_the_same_run(server):
    from lab.bench import transport

    row = dataclasses.replace(
        workloads.WORKLOADS["grpc_backtest"],
        call=lambda w, b, r: transport.grpc_overhead(b, *r.args, runs=5),
    )
    with open_backends(["grpc"], grpc_address=server.address) as (backends, _):
        results = run_suite([row], backends, repeats=1)
    (got,) = results.rows
    assert got.ok and got.ran_on == "grpc" and got.runs == 1
    assert "grpc = native + " in got.note and "ms goal" in got.note
    parts = dict(p.split(" ", 1) for p in got.note.split(";")[0].split(", "))
    assert set(parts) == {"native", "grpc", "overhead"}


def test_overhead_row_refuses_a_fallback(server):
    from lab.bench import transport

    grpc = get_backend("grpc", address=server.address)
    y, x, params = transport._request(1.0).args
    server.stop()
    try:
        with pytest.raises(RuntimeError, match="ran on native"):
            transport.grpc_overhead(grpc, y, x, params, runs=2)
    finally:
        grpc.close()
