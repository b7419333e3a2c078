"""A client that does not import ``lab`` reads typed results through server reflection.

The grpcurl binary is not installed on the machines the suite runs on, so this is the
grpcurl-style check: a child interpreter started with ``python -I -S`` (no PYTHONPATH, no
site processing, hence no editable ``lab`` install; it proves ``lab`` is not importable) gets
only the directories holding grpcio, grpcio-reflection and protobuf on ``sys.path``. It lists
the services by reflection, builds a ``BacktestPairsRequest`` from the reflected schema with
``json_format``, calls ``/arblab.v1.Analytics/BacktestPairs`` and reads the result's typed
fields by name; the parent checks them against the native engine.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import google.protobuf
import grpc
import grpc_reflection
import numpy as np

from lab.analytics.backtest import PairParams
from lab.backends import native

CHILD = r"""
import base64, importlib.util, json, struct, sys

assert importlib.util.find_spec("lab") is None, "lab is importable in the client"
import grpc
from google.protobuf import descriptor_pool, json_format, message_factory
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import (
    ProtoReflectionDescriptorDatabase,
)

job = json.load(sys.stdin)


def ndarray(values):
    data = struct.pack("<%dd" % len(values), *values)
    return {"array": {"dtype": "<f8", "shape": [len(values)], "data": base64.b64encode(data).decode()}}


with grpc.insecure_channel(job["address"]) as channel:
    database = ProtoReflectionDescriptorDatabase(channel)
    services = sorted(database.get_services())
    pool = descriptor_pool.DescriptorPool(database)
    method = pool.FindServiceByName("arblab.v1.Analytics").methods_by_name["BacktestPairs"]
    Request = message_factory.GetMessageClass(method.input_type)
    Response = message_factory.GetMessageClass(method.output_type)
    request = json_format.ParseDict(
        {"y": ndarray(job["y"]), "x": ndarray(job["x"]), "params": {"pairParams": {"lookback": job["lookback"]}}},
        Request(),
    )
    call = channel.unary_unary(
        "/arblab.v1.Analytics/BacktestPairs",
        request_serializer=Request.SerializeToString,
        response_deserializer=Response.FromString,
    )
    reply = call(request, timeout=120)
    result = reply.result
    metrics = {entry.key: entry.value for entry in result.metrics.out_of_sample}
    equity = result.equity
    print(json.dumps({
        "services": services,
        "result_type": method.output_type.fields_by_name["result"].message_type.full_name,
        "engine": reply.engine,
        "sharpe": metrics["sharpe"],
        "n_trades": metrics["n_trades"],
        "metric_keys": list(metrics),
        "n_train": result.n_train,
        "trade_entries": list(struct.unpack("<%dq" % (len(result.trades.entry.data) // 8), result.trades.entry.data)),
        "equity_dtype": equity.dtype,
        "equity_shape": list(equity.shape),
        "equity": list(struct.unpack("<%dd" % (len(equity.data) // 8), equity.data)),
    }))
"""


def _site_dirs() -> list[str]:
    """Directories that hold grpcio, grpcio-reflection and protobuf (and nothing of lab)."""
    roots = {
        Path(grpc.__file__).resolve().parents[1],
        Path(grpc_reflection.__file__).resolve().parents[1],
        Path(google.protobuf.__file__).resolve().parents[2],
    }
    return sorted(str(root) for root in roots)


def test_a_client_without_lab_reads_typed_results_by_reflection(server, tmp_path):
    rng = np.random.default_rng(3)
    x = 40.0 * np.exp(np.cumsum(rng.normal(0, 0.01, 300)))
    y = 1.3 * x + rng.normal(0, 0.4, 300) + 5.0
    want = native.backtest_pairs(y, x, PairParams(lookback=30))

    prelude = f"import sys; sys.path[:0] = {_site_dirs()!r}\n"
    job = {"address": server.address, "y": y.tolist(), "x": x.tolist(), "lookback": 30}
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", prelude + CHILD],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)

    assert {"arblab.v1.Analytics", "grpc.health.v1.Health"} <= set(got["services"])
    assert got["result_type"] == "arblab.v1.BacktestResult" and got["engine"] == "native"
    assert got["metric_keys"] == list(want.metrics.out_of_sample)
    assert got["sharpe"] == want.metrics.out_of_sample["sharpe"]
    assert got["n_trades"] == want.metrics.out_of_sample["n_trades"] > 0
    assert got["n_train"] == want.n_train
    assert got["trade_entries"] == want.trades.entry.tolist()
    assert got["equity_dtype"] == want.equity.dtype.str == "<f8"
    assert got["equity_shape"] == list(want.equity.shape)
    assert got["equity"] == want.equity.tolist()
