"""The ``dask`` backend: the native engine run on a Dask cluster, with batch work split in chunks.

By default an embedded :class:`distributed.LocalCluster` (worker processes on this machine) is
started on the backend's FIRST call, not at construction, so creating the backend (for example
in the app's backend selector) costs nothing. Alternatively ``address=`` names a running
scheduler (``tcp://host:port``).

How calls are distributed: every call is planned by :func:`lab.analytics.registry.plan`, the
plan the gRPC server uses too. Analytics whose registry entry declares a chunking are cut into
one chunk per worker thread (times ``chunks_per_thread``) and merged back exactly:

- ``pair_scan`` -- the N(N-1)/2 column pairs are cut into contiguous chunks, each scanned by the
  native engine on a worker (``pair_scan(..., pairs=...)``), and the parts are merged by
  :func:`lab.analytics.cointegration.merge_pair_scans`, which re-ranks them and recomputes the
  Benjamini-Hochberg q-values over all pairs, so the result is the one a single native scan
  returns;
- ``sweep`` -- the ``lookback`` axis of the grid is cut into chunks; each chunk is swept by the
  native engine on a worker and the surfaces are stacked back
  (:func:`lab.analytics.backtest.merge_sweeps`);
- ``backtest_many`` -- the columns are cut into contiguous chunks, each backtested by the
  native engine on a worker, and concatenated back (:func:`lab.analytics.backtest.batch.merge_batches`);
- every other function runs the native engine on one worker (``client.submit``).

Large inputs (ndarrays, pandas objects and result dataclasses such as an order-book event
stream, holding at least :data:`SCATTER_MIN_BYTES`) are scattered to the cluster once and
reused by content hash (BLAKE2b of the bytes, computed on every call so that an array changed
in place is never served stale), so repeated calls on the same dataset ship only parameters.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections import OrderedDict
from typing import Any

import numpy as np
import pandas as pd

from lab.backends.base import Backend
from lab.hashing import fingerprint

SCATTER_MIN_BYTES = 64 * 1024
"""Inputs at least this large (in bytes) are scattered once and cached by content hash."""

SCATTER_CACHE_SIZE = 16
"""Number of scattered inputs kept on the cluster (least recently used are released)."""


def _call_native(function: str, args: tuple[Any, ...], kwargs: dict[str, Any], threads: int) -> Any:
    """Run ``lab.backends.native.<function>`` on a worker with bounded numba and BLAS threads.

    The worker owns ``threads`` threads (its ``threads_per_worker``); numba's parallel kernels
    and BLAS are limited to that so that workers on one machine do not oversubscribe its cores.
    """
    import numba

    from lab.backends import native
    from lab.threads import configure_blas_threads

    numba.set_num_threads(max(1, min(int(threads), numba.config.NUMBA_NUM_THREADS)))
    configure_blas_threads(1)
    return getattr(native, function)(*args, **kwargs)


def _nbytes(value: Any) -> int:
    """Bytes held in the arrays of an ndarray, pandas object or dataclass of arrays."""
    if isinstance(value, np.ndarray):
        return value.nbytes
    if isinstance(value, pd.DataFrame | pd.Series):
        return int(np.sum(value.memory_usage(deep=False)))  # a Series gives an int
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return sum(_nbytes(getattr(value, f.name)) for f in dataclasses.fields(value))
    return 0


def _content_key(value: Any) -> str | None:
    """A content hash of a large input (ndarray, pandas object or dataclass of arrays), or
    None when it is small enough to travel inline with the task."""
    if _nbytes(value) < SCATTER_MIN_BYTES:
        return None
    return "arblab-" + fingerprint(value, digest_size=20)


class DaskBackend(Backend):
    """Run the native engine on a Dask cluster; pair scans and sweeps are split into chunks.

    Parameters
    ----------
    address : str, optional
        Address of a running Dask scheduler (``"tcp://host:port"``). When omitted, an embedded
        ``LocalCluster`` is started on first use.
    n_workers : int
        Worker processes of the embedded cluster (ignored with ``address``).
    threads_per_worker : int
        Threads per worker of the embedded cluster; numba and BLAS threads inside a task are
        limited to this number.
    connect_timeout : float
        Seconds to wait for the scheduler at ``address`` before the call fails.
    chunks_per_thread : int
        Chunks of a pair scan or sweep per worker thread of the cluster.
    """

    name = "dask"

    def __init__(
        self,
        address: str | None = None,
        n_workers: int = 2,
        threads_per_worker: int = 1,
        connect_timeout: float = 5.0,
        chunks_per_thread: int = 1,
    ) -> None:
        if address is not None and (not isinstance(address, str) or not address.strip()):
            raise ValueError(
                f"address must be a scheduler address like 'tcp://host:8786', got {address!r}"
            )
        for pname, value in (
            ("n_workers", n_workers),
            ("threads_per_worker", threads_per_worker),
            ("chunks_per_thread", chunks_per_thread),
        ):
            if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
                raise ValueError(f"{pname} must be an integer >= 1, got {value!r}")
        if not np.isfinite(connect_timeout) or connect_timeout <= 0:
            raise ValueError(
                f"connect_timeout must be a positive number of seconds, got {connect_timeout!r}"
            )
        super().__init__()
        self.address = address
        self.n_workers = int(n_workers)
        self.threads_per_worker = int(threads_per_worker)
        self.connect_timeout = float(connect_timeout)
        self.chunks_per_thread = int(chunks_per_thread)
        self._lock = threading.RLock()
        self._cluster: Any = None
        self._client: Any = None
        self._error: str | None = None
        self._closed = False
        self._scattered: OrderedDict[str, Any] = OrderedDict()

    # ------------------------------------------------------------------ cluster lifecycle
    @property
    def started(self) -> bool:
        """Whether a client is connected (the cluster starts on first use)."""
        return self._client is not None

    @property
    def client(self) -> Any:
        """The :class:`distributed.Client`, starting the cluster or connecting if needed."""
        with self._lock:
            if self._client is None:
                self._start()
            return self._client

    def _start(self) -> None:
        from distributed import Client, LocalCluster

        self._closed = False
        try:
            if self.address is None:
                self._cluster = LocalCluster(
                    n_workers=self.n_workers,
                    threads_per_worker=self.threads_per_worker,
                    processes=True,
                    host="127.0.0.1",
                    # no dashboard; the scheduler's small HTTP server (health routes) takes a
                    # free loopback port instead of 8787, so clusters never collide
                    dashboard_address="127.0.0.1:0",
                    scheduler_kwargs={"dashboard": False},
                    silence_logs=logging.CRITICAL,
                )
                self._client = Client(self._cluster, set_as_default=False)
            else:
                self._client = Client(
                    self.address, timeout=self.connect_timeout, set_as_default=False
                )
        except Exception as exc:
            reason = f"{type(exc).__name__}: {exc}"
            self._error = reason
            self._shutdown()
            if self.address is None:
                raise RuntimeError(f"could not start the local Dask cluster: {reason}") from exc
            raise ConnectionError(
                f"Dask scheduler at {self.address!r} is unreachable: {reason}"
            ) from exc
        self._error = None

    def _shutdown(self) -> None:
        self._scattered.clear()
        client, cluster = self._client, self._cluster
        self._client = self._cluster = None
        if client is not None:
            try:
                client.close()
            except Exception:  # noqa: BLE001 - closing a broken client must not mask the cause
                logging.getLogger(__name__).debug("error closing the dask client", exc_info=True)
        if cluster is not None:
            cluster.close()

    def close(self) -> None:
        """Release the client and shut the embedded cluster's workers down (idempotent)."""
        with self._lock:
            had = self._client is not None
            self._shutdown()
            self._closed = had or self._closed

    @property
    def status(self) -> str:
        if self._error is not None:
            return f"unavailable: {self._error}"
        client = self._client
        if client is None:
            return "closed" if self._closed else "not started"
        try:
            n = len(client.scheduler_info(n_workers=-1)["workers"])
        except TypeError:  # older distributed without the n_workers keyword
            n = len(client.scheduler_info()["workers"])
        except Exception as exc:  # noqa: BLE001 - a status line reports, it does not raise
            return f"unavailable: {type(exc).__name__}: {exc}"
        where = client.scheduler.address
        if self._cluster is not None:
            return f"LocalCluster: {n} workers at {where}"
        return f"scheduler {where}: {n} workers"

    @property
    def available(self) -> bool:
        return self._error is None

    def total_threads(self) -> int:
        """Worker threads in the cluster (starts it if needed)."""
        return max(1, sum(self.client.nthreads().values()))

    # ------------------------------------------------------------------ data movement
    def _scatter(self, value: Any) -> Any:
        key = _content_key(value)
        if key is None:
            return value
        future = self._scattered.get(key)
        if future is not None and future.status == "finished":
            self._scattered.move_to_end(key)
            return future
        [future] = self.client.scatter([value], hash=False)
        self._scattered[key] = future
        while len(self._scattered) > SCATTER_CACHE_SIZE:
            self._scattered.popitem(last=False)
        return future

    def _prepare(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[tuple, dict]:
        return (
            tuple(self._scatter(a) for a in args),
            {k: self._scatter(v) for k, v in kwargs.items()},
        )

    def _submit(self, function: str, args: tuple, kwargs: dict) -> Any:
        return self.client.submit(
            _call_native, function, args, kwargs, self.threads_per_worker, pure=False
        )

    # ------------------------------------------------------------------ dispatch
    def _run(self, function: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        from lab.analytics import registry

        with self._lock:
            client = self.client
            self.last_engine = self.name
            n_chunks = self.total_threads() * self.chunks_per_thread
            plan = registry.plan(
                function, getattr(native_engine(), function), args, kwargs, n_chunks
            )
            futures = []
            for part_args, part_kwargs in plan.parts:
                sargs, skwargs = self._prepare(part_args, part_kwargs)
                futures.append(self._submit(function, sargs, skwargs))
        if len(futures) == 1:
            return futures[0].result()
        return plan.merge(client.gather(futures))


def native_engine() -> Any:
    """The native engine module (:mod:`lab.backends.native`), imported on first use."""
    from lab.backends import native

    return native
