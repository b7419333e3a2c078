"""lab.backends.grpc against a real analytics server in a child process (start_embedded):
every analytics function equals native, datasets are uploaded once, invalid input raises
ValueError, the fallback to native is visible and the backend reconnects by itself."""

from __future__ import annotations

import dataclasses
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pandas as pd
import pytest

from lab import analytics
from lab.analytics.registry import REGISTRY, FieldTol, Tolerance
from lab.backends import get_backend, native
from lab.backends.grpc import GrpcBackend
from lab.data import load_sp500
from lab.rpc.client import Progress, ServerUnavailable
from lab.rpc.embedded import start_embedded
from tests._process import alive
from tests.rpc import rpc_support


@pytest.fixture(scope="module")
def embedded():
    with start_embedded(port=0, workers=2, cache_mb=256) as server:
        yield server


@pytest.fixture
def backend(embedded):
    be = get_backend("grpc", address=embedded.address, reconnect_interval=0.0)
    yield be
    be.close()


# --------------------------------------------------------------------------------------------
# one example call per analytics function


@dataclasses.dataclass(frozen=True)
class Data:
    prices: pd.DataFrame  # 600 days x 5 symbols
    logp: pd.DataFrame
    logret: pd.DataFrame
    simple: pd.DataFrame
    spread: pd.Series


def _data() -> Data:
    px = load_sp500().iloc[-600:, :5]
    logp = np.log(px)
    hedge = np.polyfit(logp.iloc[:, 1], logp.iloc[:, 0], 1)[0]
    return Data(
        prices=px,
        logp=logp,
        logret=logp.diff().dropna(),
        simple=px.pct_change().dropna(),
        spread=logp.iloc[:, 0] - hedge * logp.iloc[:, 1],
    )


DATA = _data()
SAME = Tolerance(FieldTol(rtol=1e-10, atol=1e-12))
"""grpc runs the native engine on the server: results equal native's to rounding."""


def assert_same(got, want):
    problems = SAME.mismatches(got, want)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("function", analytics.FUNCTIONS)
def test_every_registered_example_equals_native(backend, function):
    args, kwargs = REGISTRY[function].example()
    want = getattr(native, function)(*args, **kwargs)
    got = getattr(backend, function)(*args, **kwargs)
    assert backend.last_engine == "grpc"
    assert_same(got, want)


# --------------------------------------------------------------------------------------------
# datasets, errors, streaming, API


def test_datasets_are_uploaded_once_and_reused(backend):
    full = load_sp500()
    y, x = full["KO"], full["PEP"]  # 8,313 days: above the upload threshold
    before = backend.info()["cache"]
    first = backend.engle_granger(y, x)
    middle = backend.info()["cache"]
    second = backend.engle_granger(y, x, trend="ct")
    third = backend.engle_granger(y.copy(), x.copy())
    after = backend.info()["cache"]
    assert middle["uploads"] - before["uploads"] == 2
    assert after["uploads"] == middle["uploads"]  # only parameters travelled
    assert after["hits"] - middle["hits"] == 4
    assert_same(third, first)
    assert_same(second, native.engle_granger(y, x, trend="ct"))


def test_invalid_input_raises_value_error_with_the_server_message(backend):
    bad = DATA.logp.iloc[:, 0].to_numpy().copy()
    bad[10] = np.nan
    with pytest.raises(ValueError) as native_error:
        native.adf(bad)
    with pytest.raises(ValueError) as remote_error:
        backend.adf(bad)
    assert str(native_error.value) in str(remote_error.value)
    assert backend.status.startswith("connected")
    with pytest.raises(TypeError):  # argument binding happens locally, as in-process
        backend.adf()


def test_streaming_progress_through_the_backend(backend):
    seen: list[Progress] = []
    result = backend.run_with_progress("pair_scan", DATA.logp, on_progress=seen.append)
    assert backend.last_engine == "grpc"
    assert seen[0].done == 0 and seen[-1].done == seen[-1].total == 10 and seen[-1].fraction == 1.0
    assert_same(result, native.pair_scan(DATA.logp))
    with pytest.raises(ValueError, match="no streaming variant"):
        list(backend.stream("adf", DATA.spread))


def test_info_and_uploads_for_the_benchmarks(backend):
    info = backend.info()
    assert info["engine"] == "native" and info["cores"] >= 1 and "cache" in info
    assert info["pid"] != os.getpid()  # the embedded server is another process
    data = np.random.default_rng(5).normal(size=(1000, 8))
    assert backend.upload(data) == backend.upload_unary(data)


# --------------------------------------------------------------------------------------------
# fallback and reconnection


def test_unreachable_server_falls_back_to_native_visibly():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens here once the socket closes
    be = GrpcBackend(f"127.0.0.1:{port}", connect_timeout=2.0)
    assert be.status.startswith("unavailable: ") and be.status.endswith("; running native")
    assert not be.available
    result = be.adf(DATA.spread)
    assert be.last_engine == "native"
    assert_same(result, native.adf(DATA.spread))
    be.close()
    strict = GrpcBackend(f"127.0.0.1:{port}", fallback=False)
    with pytest.raises(ConnectionError):
        strict.adf(DATA.spread)
    assert strict.status.endswith("; calls fail")
    strict.close()


def test_kill_fall_back_restart_reconnect(embedded):
    full = load_sp500()
    y, x = full["KO"], full["PEP"]
    be = GrpcBackend(embedded.address, reconnect_interval=0.0)
    want = native.engle_granger(y, x)
    assert_same(be.engle_granger(y, x), want)
    assert be.last_engine == "grpc" and be.status.startswith(f"connected to {embedded.address}")

    # SIGTERM while a call is running: the call completes (grace period), the server exits 0
    rng = np.random.default_rng(8)
    xs = 30.0 * np.exp(np.cumsum(rng.normal(0, 0.01, 3000)))
    ys = 2.0 * xs + rng.normal(0, 0.4, 3000)  # 24 KB each: sent inline, no upload first
    grid = {"lookback": list(range(10, 2810, 14)), "entry_z": list(np.linspace(1.0, 3.0, 12))}
    outcome: dict[str, object] = {}
    be.client.call("sweep", (ys, xs, {"lookback": [10, 20], "entry_z": [1.0, 2.0]}))  # JIT warm-up

    def in_flight() -> None:
        try:
            outcome["result"] = be.client.call("sweep", (ys, xs, grid))
        except Exception as exc:  # reported below
            outcome["error"] = exc

    worker = threading.Thread(target=in_flight)
    worker.start()
    running = False
    deadline = time.monotonic() + 30
    while not running and worker.is_alive() and time.monotonic() < deadline:
        running = be.info()["calls_active"] >= 2  # the sweep and this Info
    assert running, "the sweep finished before the server could be stopped under it"
    proc = embedded._proc
    embedded.stop()
    worker.join(60)
    assert proc.returncode == 0  # SIGTERM: graceful shutdown
    assert "error" not in outcome, outcome
    assert_same(outcome["result"], native.sweep(ys, xs, grid))
    embedded.stop()  # idempotent

    assert_same(be.engle_granger(y, x), want)
    assert be.last_engine == "native"
    assert be.status.startswith("unavailable: ") and be.status.endswith("; running native")

    address = embedded.address
    embedded.restart()
    assert embedded.address == address
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        got = be.engle_granger(y, x)  # the new server lacks the refs: re-uploaded transparently
        if be.last_engine == "grpc":
            break
        time.sleep(0.2)
    assert be.last_engine == "grpc", be.status
    assert be.status.startswith("connected")
    assert_same(got, want)
    be.close()
    assert be.status == "closed"


# --------------------------------------------------------------------------------------------
# token and TLS through the backend


def test_token_through_the_backend():
    srv = rpc_support.start_server(workers=2, cache_mb=8, token=rpc_support.TOKEN)
    try:
        good = GrpcBackend(srv.address, token=rpc_support.TOKEN)
        assert good.status.startswith("connected") and good.info()["auth"]
        assert_same(good.adf(DATA.spread), native.adf(DATA.spread))
        bad = GrpcBackend(srv.address, token="wrong")
        assert bad.status.startswith("refused: ")
        with pytest.raises(PermissionError, match="UNAUTHENTICATED"):
            bad.adf(DATA.spread)
        good.close()
        bad.close()
    finally:
        srv.stop(0).wait()


def test_tls_through_the_backend(tmp_path):
    cert, key = rpc_support.make_self_signed(tmp_path)
    srv = rpc_support.start_server(
        workers=2, cache_mb=8, tls_cert=cert.read_bytes(), tls_key=key.read_bytes()
    )
    try:
        be = GrpcBackend(srv.address, tls_ca=cert)
        assert be.status.startswith("connected") and be.info()["tls"]
        assert_same(be.hurst(DATA.spread.to_numpy()), native.hurst(DATA.spread.to_numpy()))
        be.close()
    finally:
        srv.stop(0).wait()


# --------------------------------------------------------------------------------------------
# no process left behind


_PARENT = textwrap.dedent(
    """
    import os, signal, sys
    from lab.rpc.embedded import start_embedded
    server = start_embedded(port=0, workers=1, cache_mb=16)
    print(server.pid, flush=True)
    sys.stdin.readline()
    if sys.argv[1] == "kill":
        os.kill(os.getpid(), signal.SIGKILL)  # no atexit, no cleanup: the child must notice
    sys.exit(0)  # a normal exit: atexit stops the server
    """
)


def test_embedded_server_dies_with_its_parent():
    parents = {
        how: subprocess.Popen(
            [sys.executable, "-c", _PARENT, how],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for how in ("exit", "kill")
    }
    children: dict[str, int] = {}
    try:
        for how, parent in parents.items():
            children[how] = int(parent.stdout.readline())
            assert alive(children[how]), how
        for parent in parents.values():
            parent.stdin.write("\n")
            parent.stdin.flush()
        for parent in parents.values():
            parent.wait(60)
        deadline = time.monotonic() + 20
        while any(alive(pid) for pid in children.values()) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert {how: alive(pid) for how, pid in children.items()} == {"exit": False, "kill": False}
    finally:
        for parent in parents.values():
            if parent.poll() is None:
                parent.kill()
        for pid in children.values():
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_server_unavailable_is_a_connection_error():
    assert issubclass(ServerUnavailable, ConnectionError)


@pytest.mark.skipif(sys.platform != "linux", reason="SIGSTOP/SIGCONT")
def test_a_paused_server_is_reported_not_responding_within_3_s_and_calls_fall_back():
    from lab.backends.native import adf as native_adf

    walk = np.cumsum(np.random.default_rng(3).normal(size=400)) + 100.0
    with start_embedded(workers=1, cache_mb=16) as srv:
        backend = GrpcBackend(srv.address, connect_timeout=5.0)
        try:
            assert backend.adf(walk).statistic == pytest.approx(native_adf(walk).statistic)
            assert backend.last_engine == "grpc"
            os.kill(srv.pid, signal.SIGSTOP)
            try:
                answer = {}
                worker = threading.Thread(target=lambda: answer.update(r=backend.adf(walk)))
                start = time.monotonic()
                worker.start()
                while "not responding" not in backend.status and time.monotonic() - start < 10:
                    time.sleep(0.02)
                noticed = time.monotonic() - start
                assert "not responding" in backend.status and "running native" in backend.status
                assert noticed < 3.0, f"noticed after {noticed:.2f} s"
                worker.join(120)
                assert answer["r"].statistic == pytest.approx(native_adf(walk).statistic)
                assert backend.last_engine == "native"
            finally:
                os.kill(srv.pid, signal.SIGCONT)
            assert backend.check(timeout=10)
            assert backend.adf(walk) is not None and backend.last_engine == "grpc"
        finally:
            backend.close()
