"""Benchmark workloads: named analytics requests that every backend can run, with a size ladder.

A :class:`Workload` builds its input deterministically for a size multiplier ``m`` (``1`` is the
size the issues specify, e.g. the 190 pairs of the bundled S&P 500 dataset on 2015-2022) and
then calls the backend method of the same name. Data comes from the bundled dataset
(:func:`lab.data.load_sp500`) where the issues name it, and from the seeded generators of
:mod:`lab.data` or a seeded NumPy generator where a larger size needs more data than the
dataset holds. The ``shape`` string of every request says which.

Workloads whose ``kind`` is ``"grpc"`` measure the transport itself (``Info`` round-trip and
dataset upload throughput) and run only on the grpc backend, at one fixed size.

Workloads whose ``kind`` is ``"jit"`` measure the native engine's numba compilation
(``numba_compile``: first calls in a fresh process with an empty numba cache) and cache loading
(``numba_cache_load``: the same with the cache an earlier process wrote), see
:mod:`lab.bench.jit`. They run once, at one fixed size, when native is among the backends, and
report their own duration (:class:`Timed`): the first calls as the child process timed them,
without its interpreter start-up and imports.
"""

from __future__ import annotations

import itertools
import math
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

DEFAULT_LADDER: tuple[float, ...] = (1.0, 4.0, 16.0)
"""Size multipliers of the full suite."""

PAIR = ("KO", "PEP")
"""The bundled-dataset pair used by single-pair workloads."""

SCAN_START, SCAN_END = "2015-01-01", "2022-12-31"
"""Date range of the issue's pair-scan and Engle-Granger workloads."""


@dataclass(frozen=True)
class Request:
    """One workload's input at one size.

    Attributes
    ----------
    args, kwargs
        Passed to the backend method.
    ops : float
        Units of work in one call (pairs scanned, grid points, updates, bytes/1e9, or 1 call);
        ``0`` when a throughput would mean nothing (the compile-time rows): none is reported.
    shape : str
        Human-readable size and data source, e.g. ``"2012 days x 20 assets (S&P 500)"``.
    """

    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    ops: float = 1.0
    shape: str = ""


@dataclass(frozen=True)
class Timed:
    """What a self-timed workload's call returns: the duration it measured itself.

    The runner times a self-timed call (``kind="jit"``) by ``seconds``, not by the wall time of
    the call (which includes starting a process).

    Attributes
    ----------
    seconds : float
        The measured duration.
    parts : dict of str to float
        Named components of ``seconds`` (seconds each), reported in the row's note as their
        median over the timed calls.
    detail : str
        A short remark added to the note (e.g. the numba cache hits and misses).
    """

    seconds: float
    parts: dict[str, float] = field(default_factory=dict)
    detail: str = ""


def _default_call(workload: Workload, backend: Any, request: Request) -> Any:
    return getattr(backend, workload.function)(*request.args, **request.kwargs)


FIXED_BACKEND = {"grpc": "grpc", "jit": "native", "feed": "native"}
"""The one backend that the rows of each fixed-size kind run on."""


@dataclass(frozen=True)
class Workload:
    """A named request that a backend runs, at any size multiplier.

    Attributes
    ----------
    name : str
        Name shown in the tables (``"pair_scan"``).
    function : str
        Backend method it calls (a name in :data:`lab.analytics.FUNCTIONS`, or a grpc-only
        method for ``kind="grpc"``).
    make : callable
        ``make(m) -> Request``; deterministic for a given ``m``.
    description : str
        What size ``1`` is.
    unit : str
        What :attr:`Request.ops` counts; throughput is reported in ``unit``/s.
    kind : str
        ``"analytics"`` (every backend), ``"grpc"`` (transport rows, grpc only, fixed size) or
        ``"jit"`` (numba compile-time rows, native only, fixed size, self-timed: the call
        returns a :class:`Timed`) or ``"feed"`` (book-feed rows of :mod:`lab.bench.feeds`,
        native only, fixed size, self-timed).
    call : callable, optional
        ``call(workload, backend, request)``; defaults to the backend method ``function``.
    quantiles : tuple of float
        Upper quantiles of the call time to report (p95, and p99 for round-trip rows).
    repeats : int, optional
        Fixed number of timed calls, overriding the suite's (for sub-millisecond rows whose
        p99 needs many samples, and for the compile rows, whose calls take tens of seconds).
    warmup : int, optional
        Fixed number of untimed warm-up calls, overriding the suite's (0 for the compile rows:
        every call is a fresh process, so a warm-up would change nothing).
    """

    name: str
    function: str
    make: Callable[[float], Request]
    description: str
    unit: str = "calls"
    kind: str = "analytics"
    call: Callable[[Workload, Any, Request], Any] = _default_call
    quantiles: tuple[float, ...] = (0.95,)
    repeats: int | None = None
    warmup: int | None = None

    def run(self, backend: Any, request: Request) -> Any:
        """Make one call of this workload on ``backend``."""
        return self.call(self, backend, request)

    @property
    def fixed_size(self) -> bool:
        """Transport and compile-time rows run at one size, whatever sizes a suite asks for."""
        return self.kind in FIXED_BACKEND

    @property
    def fixed_backend(self) -> str | None:
        """The only backend a fixed-size row runs on (None: every backend)."""
        return FIXED_BACKEND.get(self.kind)

    @property
    def self_timed(self) -> bool:
        """The call returns its own duration (:class:`Timed`); the runner times it by that."""
        return self.kind in ("jit", "feed")


# ---------------------------------------------------------------------------- data builders
def _check_size(m: float) -> float:
    m = float(m)
    if not math.isfinite(m) or m <= 0:
        raise ValueError(f"size multiplier must be a positive number, got {m!r}")
    return m


def _sp500() -> pd.DataFrame:
    from lab.data import load_sp500

    return load_sp500()


def _scan_prices() -> pd.DataFrame:
    return np.log(_sp500().loc[SCAN_START:SCAN_END])


def factor_returns(t: int, n: int, seed: int = 0) -> np.ndarray:
    """Daily returns from a one-factor model: ``r = beta f + e`` (seeded, T x N, ~1% daily vol)."""
    rng = np.random.default_rng(seed)
    beta = rng.uniform(0.5, 1.5, size=n)
    f = 0.01 * rng.standard_normal(t)
    e = 0.01 * rng.standard_normal((t, n))
    return np.outer(f, beta) + e + 2e-4


def random_walk_log_prices(t: int, n: int, seed: int) -> np.ndarray:
    """Log prices of ``n`` independent random walks with 1.5% daily steps, starting at log(100)."""
    rng = np.random.default_rng(seed)
    return np.log(100.0) + np.cumsum(0.015 * rng.standard_normal((t, n)), axis=0)


def _returns_matrix(m: float) -> Request:
    t = max(10, round(1000 * _check_size(m)))
    r = factor_returns(t, 50, seed=0)
    return Request((r,), {}, 1.0, f"{t} x 50 returns (one-factor model, seed 0)")


def _pca(m: float) -> Request:
    req = _returns_matrix(m)
    return Request(req.args, {"n_components": 5}, 1.0, req.shape + ", 5 components")


def _rolling(m: float) -> Request:
    m = _check_size(m)
    close = np.log(_sp500()[PAIR[0]].to_numpy())
    t = max(100, round(close.size * m))
    if t <= close.size:
        x, src = close[:t], f"{PAIR[0]} log price (S&P 500)"
    else:
        x, src = random_walk_log_prices(t, 1, seed=1)[:, 0], "random walk, seed 1"
    return Request((x,), {"window": 60}, 1.0, f"{t} days, window 60 ({src})")


def _pair_levels(m: float, real: pd.DataFrame, seed: int) -> tuple[np.ndarray, np.ndarray, str]:
    """(y, x) of ``round(len(real) * m)`` days: the real pair if it is long enough, else a
    simulated cointegrated pair (:func:`lab.data.simulate_ou_pair`)."""
    from lab.data import simulate_ou_pair

    t = max(100, round(len(real) * m))
    if t <= len(real):
        y = real[PAIR[0]].to_numpy()[:t]
        x = real[PAIR[1]].to_numpy()[:t]
        return y, x, f"{t} days, {PAIR[0]}/{PAIR[1]} (S&P 500)"
    y, x, _ = simulate_ou_pair(t, kappa=8.0, theta=0.0, sigma=2.0, beta=0.8, seed=seed)
    return y, x, f"{t} days, simulated OU pair (seed {seed})"


def _engle_granger(m: float) -> Request:
    y, x, shape = _pair_levels(_check_size(m), _scan_prices(), seed=2)
    if "simulated" in shape:
        y, x = np.log(y), np.log(x)
    return Request((y, x), {}, 1.0, shape + ", log prices")


def n_assets_for_pairs(pairs: float) -> int:
    """Smallest N whose N(N-1)/2 pairs reach ``pairs``."""
    return max(2, math.ceil((1 + math.sqrt(1 + 8 * pairs)) / 2 - 1e-9))


def _pair_scan(m: float) -> Request:
    m = _check_size(m)
    prices = _scan_prices()
    n = n_assets_for_pairs(190 * m)
    if n <= prices.shape[1]:
        data, src = prices.iloc[:, :n], "S&P 500 log prices"
    else:
        extra = random_walk_log_prices(len(prices), n - prices.shape[1], seed=3)
        cols = [f"SIM{i:03d}" for i in range(extra.shape[1])]
        data = pd.concat([prices, pd.DataFrame(extra, index=prices.index, columns=cols)], axis=1)
        src = f"20 S&P 500 + {extra.shape[1]} random-walk log prices"
    pairs = n * (n - 1) // 2
    return Request(
        (data,), {}, float(pairs), f"{pairs} pairs, {len(data)} days x {n} assets ({src})"
    )


def default_pair_params() -> Any:
    """The benchmark's pair-trading parameters (60-day lookback, 2/0.5 z bands, 5 bps)."""
    from lab.analytics import PairParams

    return PairParams(lookback=60, entry_z=2.0, exit_z=0.5, cost_bps=5.0)


def _backtest(m: float) -> Request:
    y, x, shape = _pair_levels(_check_size(m), _sp500(), seed=4)
    return Request((y, x, default_pair_params()), {}, 1.0, shape)


def sweep_grid(points: int) -> dict[str, np.ndarray]:
    """A square lookback x entry_z grid of about ``points`` points."""
    side = max(2, round(math.sqrt(points)))
    return {
        "lookback": np.unique(np.linspace(10, 250, side).round().astype(np.int64)),
        "entry_z": np.linspace(1.0, 3.0, side),
    }


def _sweep(m: float) -> Request:
    m = _check_size(m)
    y, x, shape = _pair_levels(1.0, _sp500().loc[SCAN_START:SCAN_END], seed=5)
    grid = sweep_grid(400 * m)
    g = len(grid["lookback"]) * len(grid["entry_z"])
    label = f"{len(grid['lookback'])}x{len(grid['entry_z'])} grid, {shape}"
    return Request((y, x, grid), {"metric": "sharpe"}, float(g), label)


REGIME_MEANS = np.array([-0.002, 0.0005, 0.001])
REGIME_STDS = np.array([0.03, 0.012, 0.006])
REGIME_TRANSMAT = np.array([[0.95, 0.04, 0.01], [0.02, 0.96, 0.02], [0.01, 0.03, 0.96]])

HMM_ITER = 50
"""EM iterations of the hmm_fit workload (both engines get the same ``n_iter``; ``tol=0``
stops early only when the log-likelihood no longer increases)."""


def _hmm(m: float) -> Request:
    from lab.data import simulate_regimes

    n = max(100, round(8000 * _check_size(m)))
    obs, _ = simulate_regimes(n, REGIME_MEANS, REGIME_STDS, REGIME_TRANSMAT, seed=6)
    kwargs = {"n_states": 3, "n_iter": HMM_ITER, "tol": 0.0, "seed": 0}
    return Request(
        (obs,), kwargs, 1.0, f"{n} returns, 3 states, {HMM_ITER} EM iterations (simulated)"
    )


def _portfolio(m: float) -> Request:
    m = _check_size(m)
    n = max(2, round(20 * m))
    prices = _sp500()
    if n <= prices.shape[1]:
        r = prices.iloc[:, :n].pct_change().iloc[1:].to_numpy()
        src = "S&P 500 daily returns"
    else:
        r = factor_returns(len(prices) - 1, n, seed=7)
        src = "one-factor model, seed 7"
    return Request(
        (r, "min_variance"), {}, 1.0, f"min_variance, {r.shape[0]} days x {n} assets ({src})"
    )


OB_RECORD_EVERY = 100
"""The ob_replay workload records the book's metrics after every 100th event."""


def _ob_replay(m: float) -> Request:
    from lab.backends import get_backend

    n = max(1000, round(1_000_000 * _check_size(m)))
    events = get_backend("native").simulate_lob(n, seed=8)
    shape = f"{n} simulated order-book events (seed 8), metrics every {OB_RECORD_EVERY} events"
    return Request((events,), {"every": OB_RECORD_EVERY}, float(n), shape)


# ---------------------------------------------------------------------------- grpc transport
INFO_CALLS = 1000
"""Timed Info round-trips of the ``grpc_info`` row (enough samples for a p99)."""

UPLOAD_BYTES = 80_000_000


def _info_request(m: float) -> Request:
    return Request((), {}, 1.0, "Info round-trip (no payload)")


def _call_info(workload: Workload, backend: Any, request: Request) -> Any:
    return backend.info()


_upload_counter = itertools.count(1)


def _upload_request(m: float) -> Request:
    data = np.random.default_rng(9).standard_normal(UPLOAD_BYTES // 8)
    return Request((data,), {}, data.nbytes / 1e9, f"{data.nbytes / 1e6:.0f} MB float64 array")


def _fresh(request: Request) -> np.ndarray:
    """Change one element so every upload is new content (the server caches by content hash)."""
    data = request.args[0]
    data[0] = float(next(_upload_counter))
    return data


def _call_upload(workload: Workload, backend: Any, request: Request) -> Any:
    method = backend.upload if workload.function == "upload" else backend.upload_unary
    return method(_fresh(request))


# ---------------------------------------------------------------------------- numba compile
ISSUE2_CORE = ("pair_scan", "engle_granger", "backtest_pairs", "sweep", "rolling_stats")
ISSUE3_CORE = ("hmm_fit", "optimize_portfolio", "ob_replay")
JIT_FUNCTIONS = ISSUE2_CORE + ISSUE3_CORE
"""The functions whose first calls the compile-time rows time: the core suite's workloads."""

JIT_COLD_RUNS = 2
"""Timed fresh-process compilations of the ``numba_compile`` row (each takes tens of seconds)."""

JIT_WARM_RUNS = 3
"""Timed fresh-process cache loads of the ``numba_cache_load`` row."""


def _timed_from_child(result: dict[str, Any], cold: bool) -> Timed:
    hits, misses = int(result["cache_hits"]), int(result["cache_misses"])
    if cold and hits:
        raise RuntimeError(f"the cold child loaded {hits} kernel(s) from numba's cache")
    if not cold and not hits:
        raise RuntimeError("the warm child found nothing in numba's cache: it compiled")
    return Timed(
        float(result["total_s"]),
        {k: float(v) for k, v in result["per_function"].items()},
        f"numba cache hits {hits}, misses {misses}",
    )


def jit_workload(
    name: str, cold: bool, functions: Sequence[str] | None = None, repeats: int | None = None
) -> Workload:
    """A compile-time row: the first native calls of ``functions`` in a fresh process.

    Parameters
    ----------
    name : str
        Row name.
    cold : bool
        True: every timed call runs a child with a new, empty ``NUMBA_CACHE_DIR`` (compilation).
        False: building the request runs one untimed child that fills a temporary cache
        directory; every timed call runs a child on that directory (cache loading). The
        directory is removed when the request is garbage-collected.
    functions : sequence of str, optional
        Analytics workloads whose first calls are timed (default
        :data:`JIT_FUNCTIONS`).
    repeats : int, optional
        Timed calls (default :data:`JIT_COLD_RUNS` or :data:`JIT_WARM_RUNS`).

    The call returns a :class:`Timed` whose seconds are the child's summed first calls and
    whose parts are the per-function times; a cold child that hit the cache or a warm child
    that did not is an error, never a time.
    """
    if functions is None:
        names = JIT_FUNCTIONS
    else:
        from lab.bench.jit import check_functions

        names = tuple(check_functions(functions))
    what = ", ".join(names) if len(names) <= 3 else f"the {len(names)} core native functions"
    state = "empty numba cache" if cold else "numba cache written by an earlier process"
    shape = f"first calls of {what} on tiny inputs, fresh process, {state}"

    def make(m: float) -> Request:
        _check_size(m)
        if cold:
            return Request((names,), {}, 0.0, shape)
        from lab.bench import jit

        cache = tempfile.TemporaryDirectory(prefix="arblab-numba-warm-")
        _timed_from_child(jit.run_child(cache.name, names), cold=True)
        return Request((names, cache), {}, 0.0, shape)

    def call(workload: Workload, backend: Any, request: Request) -> Timed:
        from lab.bench import jit

        if cold:
            return _timed_from_child(jit.cold_run(request.args[0]), cold=True)
        names_, cache = request.args
        return _timed_from_child(jit.run_child(cache.name, names_), cold=False)

    return Workload(
        name,
        name,
        make,
        shape,
        kind="jit",
        call=call,
        repeats=repeats or (JIT_COLD_RUNS if cold else JIT_WARM_RUNS),
        warmup=0,
    )


# ---------------------------------------------------------------------------- registry
WORKLOADS: dict[str, Workload] = {
    w.name: w
    for w in (
        Workload("correlation", "correlation", _returns_matrix, "1000 x 50 returns"),
        Workload("covariance", "covariance", _returns_matrix, "1000 x 50 returns"),
        Workload("pca", "pca", _pca, "1000 x 50 returns, 5 components"),
        Workload("rolling_stats", "rolling_stats", _rolling, "8313 days, window 60"),
        Workload("engle_granger", "engle_granger", _engle_granger, "one pair, 2015-2022"),
        Workload("pair_scan", "pair_scan", _pair_scan, "190 pairs, 2015-2022", unit="pairs"),
        Workload("backtest_pairs", "backtest_pairs", _backtest, "KO/PEP, 8313 days"),
        Workload("sweep", "sweep", _sweep, "20x20 lookback x entry_z grid", unit="backtests"),
        Workload("hmm_fit", "hmm_fit", _hmm, "8000 returns, 3 states"),
        Workload("optimize_portfolio", "optimize_portfolio", _portfolio, "min_variance, 20 assets"),
        Workload("ob_replay", "ob_replay", _ob_replay, "1M order-book events", unit="updates"),
        Workload(
            "grpc_info",
            "info",
            _info_request,
            "Info round-trip",
            kind="grpc",
            call=_call_info,
            quantiles=(0.95, 0.99),
            repeats=INFO_CALLS,
        ),
        Workload(
            "upload_stream",
            "upload",
            _upload_request,
            "80 MB PutDataset (client streaming, ~1 MiB chunks)",
            unit="GB",
            kind="grpc",
            call=_call_upload,
        ),
        Workload(
            "upload_unary",
            "upload_unary",
            _upload_request,
            "80 MB in one unary message",
            unit="GB",
            kind="grpc",
            call=_call_upload,
        ),
        jit_workload("numba_compile", cold=True),
        jit_workload("numba_cache_load", cold=False),
    )
}
"""Every benchmark workload, by name."""

from lab.bench.feeds import FEED_WORKLOADS  # noqa: E402  (it builds on the classes above)

WORKLOADS.update({w.name: w for w in FEED_WORKLOADS})

GRPC_ROWS = ("grpc_info", "upload_stream", "upload_unary")
FEED_ROWS = tuple(w.name for w in FEED_WORKLOADS)
JIT_ROWS = ("numba_compile", "numba_cache_load")
ANALYTICS = tuple(name for name, w in WORKLOADS.items() if w.kind == "analytics")


def get_workload(name: str) -> Workload:
    """The workload called ``name`` (a key of :data:`WORKLOADS`)."""
    try:
        return WORKLOADS[name]
    except KeyError:
        raise ValueError(f"unknown workload {name!r}; choose from {', '.join(WORKLOADS)}") from None
