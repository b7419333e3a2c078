"""gRPC overhead rows: a cached ``backtest_pairs`` through the grpc backend against native.

- ``grpc_backtest``: KO/PEP (the whole bundled history, 8,313 days) with the y/x datasets
  already uploaded, so each call names them by ref and sends only parameters. Every call
  asks for a new parameter set (``entry_z`` moved by 1e-9 per call, like a slider that never
  returns to a value), so the server computes each one: no answer comes from its result cache.
- ``grpc_backtest_repeat``: the same call repeated identically (the server answers from its
  cache of encoded responses, :class:`lab.rpc.cache.ResponseCache`).
- ``grpc_backtest_fields``: fresh parameters, asking only for ``metrics`` and ``equity``
  (a field mask, :meth:`lab.backends.grpc.GrpcBackend.call_with`); the rest stays on the
  server.

Each measurement times :data:`OVERHEAD_RUNS` pairs of calls, a native call and then the grpc
call, interleaved so both see the same machine load; the row's time is the grpc median, its
parts the two medians and the overhead ``grpc - native`` (medians), and its note the verdict
against :data:`OVERHEAD_GOAL_S`. A call that fell back to native is an error, never a time.
They run on grpc only, once per suite, and are self-timed (:class:`~lab.bench.base.Timed`).
"""

from __future__ import annotations

import dataclasses
import itertools
import time
from typing import Any

import numpy as np

from lab.analytics import workloads as wl
from lab.bench.base import Request, Timed, Workload

OVERHEAD_GOAL_S = 1e-3
"""Goal: a cached grpc ``backtest_pairs`` within native + 1 ms."""

OVERHEAD_RUNS = 100
"""Interleaved native/grpc call pairs timed by one measurement."""

_fresh = itertools.count(1)


def _request(m: float) -> Request:
    y, x, params = wl.backtest(1.0).args
    return Request((y, x, params), {}, 1.0, f"KO/PEP {len(y):,} days, datasets by ref")


def grpc_overhead(
    backend: Any,
    y: Any,
    x: Any,
    params: Any,
    *,
    repeat: bool = False,
    runs: int = OVERHEAD_RUNS,
    **options: Any,
) -> Timed:
    """``runs`` interleaved native and grpc ``backtest_pairs`` calls (module docstring).

    Parameters
    ----------
    backend : GrpcBackend
        The grpc backend under test; its datasets are uploaded by the first (untimed) call.
    y, x, params
        The backtest's inputs.
    repeat : bool
        Repeat one identical call (False: a new ``entry_z`` every call).
    runs : int
        Call pairs timed.
    **options
        Result options of :meth:`lab.backends.grpc.GrpcBackend.call_with`
        (``fields``, ``display_float32``).
    """
    from lab.backends.base import NativeBackend

    if not 1 <= runs <= 10_000:
        raise ValueError(f"runs must be between 1 and 10,000, got {runs}")
    native = NativeBackend()

    def grpc_call(p: Any) -> Any:
        if options:
            return backend.call_with("backtest_pairs", (y, x, p), {}, **options)
        return backend.backtest_pairs(y, x, p)

    grpc_call(params)  # uploads the datasets (untimed); later calls name them by ref
    clock = time.perf_counter
    t_native, t_grpc = [], []
    for _ in range(runs):
        p = params
        if not repeat:
            p = dataclasses.replace(params, entry_z=params.entry_z + 1e-9 * next(_fresh))
        t0 = clock()
        native.backtest_pairs(y, x, p)
        t1 = clock()
        grpc_call(p)
        t2 = clock()
        if backend.last_engine != "grpc":
            raise RuntimeError(f"the grpc call ran on {backend.last_engine}: {backend.status}")
        t_native.append(t1 - t0)
        t_grpc.append(t2 - t1)
    nat, rpc = float(np.median(t_native)), float(np.median(t_grpc))
    over = rpc - nat
    verdict = "within" if over <= OVERHEAD_GOAL_S else "over"
    return Timed(
        rpc,
        {"native": nat, "grpc": rpc, "overhead": over},
        f"median of {runs} interleaved call pairs: grpc = native + {over * 1e3:.2f} ms, "
        f"{verdict} the +{OVERHEAD_GOAL_S * 1e3:g} ms goal",
    )


TRANSPORT_WORKLOADS = (
    Workload(
        "grpc_backtest",
        "backtest_pairs",
        _request,
        "cached grpc backtest_pairs vs native, new parameters every call",
        kind="transport",
        call=lambda w, b, r: grpc_overhead(b, *r.args),
        repeats=1,
        warmup=0,
    ),
    Workload(
        "grpc_backtest_repeat",
        "backtest_pairs",
        _request,
        "cached grpc backtest_pairs vs native, one identical call repeated",
        kind="transport",
        call=lambda w, b, r: grpc_overhead(b, *r.args, repeat=True),
        repeats=1,
        warmup=0,
    ),
    Workload(
        "grpc_backtest_fields",
        "backtest_pairs",
        _request,
        "cached grpc backtest_pairs vs native, fields=('metrics', 'equity')",
        kind="transport",
        call=lambda w, b, r: grpc_overhead(b, *r.args, fields=("metrics", "equity")),
        repeats=1,
        warmup=0,
    ),
)
"""The gRPC overhead rows, in report order."""
