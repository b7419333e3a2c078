"""The analytics registry: every public analytic is declared here, once.

An :class:`Analytic` names the reference function (whose signature is the contract), the native
implementation, the result type, the tolerance within which every engine must equal the
reference, a small example call, the hypothesis strategy of valid inputs the engines are
compared on, its benchmark workload, how it is split into chunks (if it is) and the library or
paper it is anchored to. Everything that used to be listed by hand derives from
:data:`REGISTRY`:

* :data:`lab.analytics.FUNCTIONS` and the ``lab.analytics`` namespace;
* the native engine's functions (:mod:`lab.backends.native`), which take their signature and
  defaults from the reference (:func:`native_function`);
* the methods of every backend (:mod:`lab.backends.base`) and the gRPC contract
  (:mod:`lab.rpc.codegen`);
* the chunk plans that the gRPC server and the Dask backend share
  (:mod:`lab.analytics.chunking`);
* the analytics benchmark workloads (:mod:`lab.bench.workloads`);
* the cross-engine tests (``tests/backends/test_differential.py``) and the example tables of
  the grpc and dask tests.

Adding an analytic: write its reference and native implementation in the domain modules, add
one :class:`Analytic` below (with its input strategy in :mod:`lab.testing.strategies` and, if it
is benchmarked, its input builder in :mod:`lab.analytics.workloads`), and regenerate the wire
contract (``python -m lab.rpc.codegen``).
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from lab.analytics import (
    backtest,
    chunking,
    cointegration,
    options,
    orderbook,
    ou,
    overfitting,
    portfolio,
    regimes,
    stats,
)
from lab.analytics import workloads as wl
from lab.analytics.backtest import batch, kalman, walkforward

# --------------------------------------------------------------------------------------------
# tolerances


@dataclass(frozen=True)
class FieldTol:
    """Agreement required of one result field (and of everything below it).

    ``|got - want| <= atol' + rtol * |want|`` elementwise, NaN where NaN, with ``atol' = atol``,
    or ``atol * max|want|`` over the field when ``scaled`` (for fields whose natural unit is
    their own magnitude: covariances, prices, scores).
    """

    rtol: float = 1e-10
    atol: float = 1e-12
    scaled: bool | str = False
    """True: ``atol`` is relative to ``max|want|`` of the field; ``"input"``: relative to the
    call's data scale (:attr:`Tolerance.input_scale`), for fields that can be near zero
    while their rounding follows the data (a rolling mean of returns)."""


@dataclass(frozen=True)
class Tolerance:
    """A default :class:`FieldTol` plus overrides by dotted field path.

    A path such as ``"metrics.in_sample.sharpe"`` takes the override of its longest declared
    prefix (``"metrics"`` covers every metric), else the default.
    """

    default: FieldTol = FieldTol()
    fields: Mapping[str, FieldTol] = field(default_factory=dict)
    skip: tuple[str, ...] = ()
    input_scale: Callable[[tuple, dict], float] | None = None
    check: Callable[[Any, Any, tuple, dict], list[str]] | None = None
    """Fields in ``skip`` are not compared elementwise; ``check(got, want, args, kwargs)``
    judges them instead, for results whose optimum is certified only to a stated accuracy
    (an optimiser's duality gap): it returns the problems it finds."""

    def at(self, path: str) -> FieldTol:
        """The tolerance that applies to the field at ``path`` (dotted, without the root)."""
        best, length = self.default, -1
        for key, tol in self.fields.items():
            if (path == key or path.startswith(key + ".")) and len(key) > length:
                best, length = tol, len(key)
        return best

    def mismatches(self, got: Any, want: Any, scale: float = 1.0) -> list[str]:
        """Where ``got`` differs from ``want`` beyond this tolerance (empty when they agree).

        Dataclasses must have the same type and are compared field by field; dicts by key,
        sequences item by item, arrays by shape, dtype kind and value, pandas objects by index
        and values; other values must be equal.
        """
        out: list[str] = []
        self._compare(got, want, "", out, scale)
        return out

    def problems(self, got: Any, want: Any, args: tuple, kwargs: dict) -> list[str]:
        """:meth:`mismatches` plus the analytic's own ``check`` of the call ``(args, kwargs)``."""
        scale = self.input_scale(args, kwargs) if self.input_scale is not None else 1.0
        out = self.mismatches(got, want, scale)
        if self.check is not None and not out:
            out.extend(self.check(got, want, args, kwargs))
        return out

    def _compare(self, got: Any, want: Any, path: str, out: list[str], scale: float) -> None:
        where = path or "result"
        if path in self.skip:
            return
        if dataclasses.is_dataclass(want) and not isinstance(want, type):
            if type(got) is not type(want):
                out.append(f"{where}: {type(got).__name__} != {type(want).__name__}")
                return
            for f in dataclasses.fields(want):
                sub = f"{path}.{f.name}" if path else f.name
                self._compare(getattr(got, f.name), getattr(want, f.name), sub, out, scale)
            return
        if isinstance(want, pd.Series | pd.DataFrame):
            if type(got) is not type(want) or not got.index.equals(want.index):
                out.append(f"{where}: pandas type or index differs")
                return
            self._compare(got.to_numpy(), want.to_numpy(), path, out, scale)
            return
        if isinstance(want, Mapping):
            if not isinstance(got, Mapping) or list(got) != list(want):
                out.append(f"{where}: keys {list(got) if isinstance(got, Mapping) else got!r}")
                return
            for key in want:
                sub = f"{path}.{key}" if path else str(key)
                self._compare(got[key], want[key], sub, out, scale)
            return
        if isinstance(want, list | tuple):
            if type(got) is not type(want) or len(got) != len(want):
                out.append(f"{where}: {type(got).__name__} of another length")
                return
            for i, (g, w) in enumerate(zip(got, want, strict=True)):
                self._compare(g, w, f"{path}[{i}]", out, scale)
            return
        if isinstance(want, np.ndarray) or isinstance(want, float | np.floating):
            self._numbers(got, want, path, out, scale)
            return
        if got != want or type(got) is not type(want):
            out.append(f"{where}: {got!r} != {want!r}")

    def _numbers(self, got: Any, want: Any, path: str, out: list[str], scale: float) -> None:
        where = path or "result"
        g = np.asarray(got)
        w = np.asarray(want)
        if isinstance(want, np.ndarray) and not isinstance(got, np.ndarray):
            out.append(f"{where}: {type(got).__name__} is not an ndarray")
            return
        if g.shape != w.shape:
            out.append(f"{where}: shape {g.shape} != {w.shape}")
            return
        if w.dtype.kind not in "fc":
            if g.dtype.kind != w.dtype.kind or not np.array_equal(g, w):
                out.append(f"{where}: values differ ({g.dtype} vs {w.dtype})")
            return
        if isinstance(want, np.ndarray) and g.dtype.kind != w.dtype.kind:
            out.append(f"{where}: dtype {g.dtype} is not of the kind of {w.dtype}")
            return
        if g.dtype.kind not in "fciub":
            out.append(f"{where}: dtype {g.dtype} is not numeric")
            return
        tol = self.at(path)
        g = g.astype(np.complex128 if w.dtype.kind == "c" else np.float64)
        nan_g, nan_w = np.isnan(g), np.isnan(w)
        if not np.array_equal(nan_g, nan_w):
            first = int(np.flatnonzero((nan_g != nan_w).ravel())[0])
            out.append(f"{where}: NaN pattern differs (first at flat index {first})")
            return
        ok = ~nan_w
        if not ok.any():
            return
        atol = tol.atol
        if tol.scaled == "input":
            atol *= scale
        elif tol.scaled:
            finite = np.abs(w[ok])[np.isfinite(w[ok])]
            atol *= float(finite.max()) if finite.size else 0.0
        gv, wv = g[ok], w[ok]
        inf = np.isinf(wv)
        if not np.array_equal(gv[inf], wv[inf]):
            out.append(f"{where}: infinities differ")
            return
        err = np.abs(gv[~inf] - wv[~inf])
        lim = atol + tol.rtol * np.abs(wv[~inf])
        bad = ~(err <= lim)
        if bad.any():
            k = int(np.argmax(np.where(bad, err - lim, -np.inf)))
            out.append(
                f"{where}: {int(bad.sum())} value(s) beyond rtol={tol.rtol:g}, atol={atol:g}; "
                f"worst got {gv[~inf][k]!r} want {wv[~inf][k]!r}"
            )


# --------------------------------------------------------------------------------------------
# the declaration


Example = Callable[[], tuple[tuple[Any, ...], dict[str, Any]]]
"""``() -> (args, kwargs)`` of one small, valid call."""

InputStrategy = Callable[[Any], Any]
"""``strategies_module -> SearchStrategy of (args, kwargs)``: valid inputs, built from the
hypothesis building blocks of :mod:`lab.testing.strategies` (imported only by the tests, so
hypothesis is not a runtime dependency)."""


@dataclass(frozen=True)
class Workload:
    """How the benchmark exercises an analytic (:mod:`lab.bench.workloads`).

    Attributes
    ----------
    make : callable
        ``make(m) -> WorkloadInput``; deterministic for a size multiplier ``m`` (1 is the size
        the issues specify), see :mod:`lab.analytics.workloads`.
    description : str
        What size 1 is.
    unit : str
        What one call's ``ops`` count; throughput is reported in ``unit``/s.
    core : bool
        Part of ``arblab bench --suite core`` (and of the numba compile-time rows).
    """

    make: Callable[[float], wl.WorkloadInput]
    description: str
    unit: str = "calls"
    core: bool = False


@dataclass(frozen=True)
class Analytic:
    """One public analytic, declared once.

    Attributes
    ----------
    name : str
        Public name: ``lab.analytics.<name>``, a method of every backend, an RPC.
    domain : str
        Module of :mod:`lab.analytics` holding its reference and result type.
    reference : callable
        The reference implementation; its signature (names, order, defaults) is the contract.
    native : str or None
        ``"module:function"`` of the native implementation, imported on first use; None when
        the native engine runs the reference code unchanged (a closed form with no loop).
    result : type
        The result type every engine returns.
    tolerance : Tolerance
        Agreement of every engine with the reference.
    example : callable
        One small valid call, ``() -> (args, kwargs)``.
    strategy : callable
        Valid inputs for the cross-engine property tests (see :data:`InputStrategy`).
    anchor : str
        The trusted library (or paper) the reference is, or is tested against.
    workload : Workload, optional
        Its benchmark workload.
    chunking : chunking.Chunking, optional
        How the gRPC server and the Dask backend split a call and merge the parts.
    slow_reference : bool
        The reference is slow (a statsmodels loop, hmmlearn EM): property tests draw fewer,
        smaller examples.
    long_running : bool
        Its work grows with its size parameters (scans, sweeps, EM, simulations): the grpc
        backend gives it the backend's long ``timeout`` instead of an interactive deadline.
    """

    name: str
    domain: str
    reference: Callable[..., Any]
    native: str | None
    result: type
    tolerance: Tolerance
    example: Example
    strategy: InputStrategy
    anchor: str
    workload: Workload | None = None
    chunking: chunking.Chunking | None = None
    slow_reference: bool = False
    long_running: bool = False

    @property
    def signature(self) -> inspect.Signature:
        """The contract: the reference function's signature."""
        return inspect.signature(self.reference)

    def native_impl(self) -> Callable[..., Any]:
        """The native implementation as written (imported on first use)."""
        if self.native is None:
            return self.reference
        module, _, attr = self.native.partition(":")
        return getattr(importlib.import_module(module), attr)


def native_function(analytic: Analytic) -> Callable[..., Any]:
    """The native engine's public function for ``analytic``: its implementation called through
    a function with exactly the reference's signature and defaults.

    The implementation always receives every argument by name, resolved against the
    reference's defaults, so a native default can never drift from the contract, and a
    parameter the implementation does not share by name fails on the first call.
    """
    impl = analytic.native_impl()
    if impl is analytic.reference:
        return impl
    sig = analytic.signature
    names = list(sig.parameters)
    if list(inspect.signature(impl).parameters) != names:
        raise TypeError(
            f"native {analytic.name}{inspect.signature(impl)} does not take the reference's "
            f"parameters {tuple(names)}"
        )
    defaults = {n: p.default for n, p in sig.parameters.items() if p.default is not p.empty}
    params = ", ".join(f"{n}=__defaults[{n!r}]" if n in defaults else n for n in names)
    call = ", ".join(f"{n}={n}" for n in names)
    source = f"def {analytic.name}({params}):\n    return __impl({call})\n"
    namespace: dict[str, Any] = {"__defaults": defaults, "__impl": impl}
    exec(source, namespace)  # noqa: S102 - generated from a signature, as dataclasses do
    fn = namespace[analytic.name]
    fn.__doc__ = impl.__doc__
    fn.__module__ = impl.__module__
    fn.__qualname__ = analytic.name
    fn.__wrapped_native__ = impl
    fn.__signature__ = sig
    return fn


# --------------------------------------------------------------------------------------------
# the registry

SPARSE_CERTIFIED = (
    "weights",
    "normalized_weights",
    "intercept",
    "r2",
    "tracking_error",
    "gross_exposure",
    "n_selected",
    "selected",
)
"""Fields of a sparse portfolio that follow from its weights, which are certified by the
duality gap (see :func:`lab.analytics.portfolio.sparse_agreement`)."""


def _max_abs(values: Any) -> float:
    """Largest finite absolute value in ``values`` (1 when there is none): a data scale."""
    arr = np.abs(np.asarray(values, dtype=float))
    arr = arr[np.isfinite(arr)]
    return float(arr.max()) if arr.size and arr.max() > 0 else 1.0


_EXACT = Tolerance(FieldTol(rtol=1e-12, atol=1e-12))
_TEST_STAT = Tolerance(FieldTol(rtol=1e-8, atol=1e-8))


def _pair_params(**kw: Any) -> backtest.PairParams:
    return backtest.PairParams(**kw)


def _ex_book() -> orderbook.BookSnapshot:
    return orderbook.BookSnapshot(
        9,
        np.array([99.9, 99.8]),
        np.array([5.0, 7.0]),
        np.array([100.1, 100.2]),
        np.array([4.0, 1.0]),
    )


_STRIKES = np.array([90.0, 100.0, 110.0])

_ANALYTICS: tuple[Analytic, ...] = (
    # ---------------------------------------------------------------- statistics
    Analytic(
        "correlation",
        "stats",
        stats.correlation,
        "lab.analytics.stats.native:correlation",
        np.ndarray,
        Tolerance(FieldTol(rtol=0.0, atol=1e-12)),
        lambda: ((wl.example_returns_frame(),), {}),
        lambda st: st.calls(st.returns_matrix()),
        "numpy.corrcoef",
        Workload(wl.returns_matrix, "1000 x 50 returns"),
    ),
    Analytic(
        "covariance",
        "stats",
        stats.covariance,
        "lab.analytics.stats.native:covariance",
        np.ndarray,
        Tolerance(FieldTol(rtol=0.0, atol=1e-12, scaled=True)),
        lambda: ((wl.example_returns(),), {}),
        lambda st: st.calls(st.returns_matrix()),
        "numpy.cov",
        Workload(wl.returns_matrix, "1000 x 50 returns"),
    ),
    Analytic(
        "rolling_stats",
        "stats",
        stats.rolling_stats,
        "lab.analytics.stats.native:rolling_stats",
        stats.RollingStats,
        Tolerance(
            FieldTol(rtol=1e-10, atol=1e-13, scaled="input"),
            {"zscore": FieldTol(rtol=0.0, atol=1e-8)},
            input_scale=lambda args, kwargs: _max_abs(args[0] if args else kwargs["x"]),
        ),
        lambda: ((pd.Series(wl.example_walk(), name="walk"), 30), {}),
        lambda st: st.calls(st.level_series(), window=st.window()),
        "numpy sliding_window_view (exact two-pass windows)",
        Workload(wl.rolling, "8313 days, window 60", core=True),
    ),
    Analytic(
        "pca",
        "stats",
        stats.pca,
        "lab.analytics.stats.native:pca",
        stats.PCAResult,
        Tolerance(
            FieldTol(rtol=1e-10, atol=1e-14),
            {
                "components": FieldTol(rtol=0.0, atol=1e-8),
                "scores": FieldTol(rtol=0.0, atol=1e-8, scaled=True),
            },
        ),
        lambda: ((wl.example_returns_frame(),), {"n_components": 2}),
        lambda st: st.pca_calls(),
        "sklearn.decomposition.PCA(svd_solver='full')",
        Workload(wl.pca, "1000 x 50 returns, 5 components"),
    ),
    Analytic(
        "hurst",
        "stats",
        stats.hurst,
        "lab.analytics.stats.native:hurst",
        stats.HurstResult,
        Tolerance(FieldTol(rtol=1e-10, atol=1e-12)),
        lambda: ((wl.example_walk(),), {"max_lag": 30}),
        lambda st: st.hurst_calls(),
        "numpy.polyfit on lagged-difference scales",
    ),
    # ---------------------------------------------------------------- cointegration
    Analytic(
        "adf",
        "cointegration",
        cointegration.adf,
        "lab.analytics.cointegration.native:adf",
        cointegration.ADFResult,
        Tolerance(FieldTol(rtol=1e-8, atol=1e-8), {"crit_values": FieldTol(rtol=1e-12)}),
        lambda: ((wl.example_walk(),), {}),
        lambda st: st.adf_calls(),
        "statsmodels.tsa.stattools.adfuller",
    ),
    Analytic(
        "engle_granger",
        "cointegration",
        cointegration.engle_granger,
        "lab.analytics.cointegration.native:engle_granger",
        cointegration.CointResult,
        _TEST_STAT,
        lambda: (wl.example_log_pair(), {}),
        lambda st: st.engle_granger_calls(),
        "statsmodels.tsa.stattools.coint",
        Workload(wl.engle_granger, "one pair, 2015-2022", core=True),
    ),
    Analytic(
        "johansen",
        "cointegration",
        cointegration.johansen,
        "lab.analytics.cointegration.native:johansen",
        cointegration.JohansenResult,
        Tolerance(
            # statistics within 1e-8 relative or 1e-7 absolute (an eigenvalue near 0 is
            # determined only to ~1e-10 absolute by any algorithm; -T log(1 - lambda)
            # carries that into the statistic); critical values are O(1-100)
            FieldTol(rtol=1e-8, atol=1e-7),
            {
                "eigenvalues": FieldTol(rtol=1e-8, atol=1e-9),
                "eigenvectors": FieldTol(0.0, 1e-8, scaled=True),
                "trace_crit": FieldTol(rtol=1e-12, atol=0.0),
                "max_eig_crit": FieldTol(rtol=1e-12, atol=0.0),
            },
        ),
        lambda: ((wl.example_log_prices(3),), {"k_ar_diff": 2}),
        lambda st: st.johansen_calls(),
        "statsmodels.tsa.vector_ar.vecm.coint_johansen",
    ),
    Analytic(
        "pair_scan",
        "cointegration",
        cointegration.pair_scan,
        "lab.analytics.cointegration.native:pair_scan",
        cointegration.PairScanResult,
        _TEST_STAT,
        lambda: ((wl.example_log_price_frame(4),), {}),
        lambda st: st.pair_scan_calls(),
        "statsmodels coint + multipletests(fdr_bh)",
        Workload(wl.pair_scan, "190 pairs, 2015-2022", unit="pairs", core=True),
        chunking.PAIR_SCAN,
        slow_reference=True,
        long_running=True,
    ),
    # ---------------------------------------------------------------- Ornstein-Uhlenbeck
    Analytic(
        "ou_fit",
        "ou",
        ou.ou_fit,
        "lab.analytics.ou.native:ou_fit",
        ou.OUFit,
        Tolerance(
            FieldTol(rtol=1e-6, atol=1e-9),
            {
                # square roots of an inverted numerical Hessian: near a unit root the
                # information matrix is ill-conditioned and the reference's complex-step
                # Hessian meets the closed form to ~1e-5 only
                f: FieldTol(rtol=1e-4, atol=1e-9)
                for f in (
                    "kappa_se",
                    "theta_se",
                    "sigma_se",
                    "half_life_se",
                    "kappa_ci_low",  # Wald ends: kappa -/+ 1.96 kappa_se
                    "kappa_ci_high",
                )
            },
        ),
        lambda: ((wl.example_spread(),), {"dt": 1 / 252}),
        lambda st: st.ou_fit_calls(),
        "scipy.optimize on the exact AR(1) likelihood (statsmodels numdiff Hessian)",
    ),
    Analytic(
        "optimal_thresholds",
        "ou",
        ou.optimal_thresholds,
        "lab.analytics.ou.native:optimal_thresholds",
        ou.Thresholds,
        Tolerance(
            FieldTol(rtol=1e-9, atol=1e-12),
            {
                # the root of the Sharpe ratio's derivative at a flat maximum: brentq on the
                # scipy series and bisection on the recurrences meet to ~1e-10 relative
                f: FieldTol(rtol=1e-6, atol=1e-12)
                for f in (
                    "sharpe_band",
                    "sharpe_entry",
                    "sharpe_exit",
                    "sharpe_entry_z",
                    "sharpe_return_rate",
                    "sharpe_return_variance_rate",
                    "sharpe_cycle_time",
                )
            },
        ),
        lambda: ((8.0, 0.0, 1.0, 0.05), {"rf": 0.5}),
        lambda st: st.threshold_calls(),
        "Bertram (2010), scipy.special.dawsn + brentq",
    ),
    Analytic(
        "cara_position",
        "ou",
        ou.cara_position,
        None,
        ou.CARAPosition,
        _EXACT,
        lambda: ((8.0, 0.0, 1.0, np.array([-0.5, 0.0, 0.3]), 2.0, 0.5), {}),
        lambda st: st.cara_calls(),
        "closed form (Jurek and Yang 2007)",
    ),
    # ---------------------------------------------------------------- backtest
    Analytic(
        "backtest_pairs",
        "backtest",
        backtest.backtest_pairs,
        "lab.analytics.backtest.native:backtest_pairs",
        backtest.BacktestResult,
        Tolerance(
            FieldTol(rtol=1e-10, atol=1e-12, scaled=True),
            {
                # z is on the nine-decimal grid (Z_DECIMALS): two engines whose z differ by a
                # rounding can land one grid step apart
                "zscore": FieldTol(rtol=0.0, atol=1.5 / backtest.Z_DECIMALS),
                "costs": FieldTol(rtol=1e-10, atol=1e-18),
                "metrics": FieldTol(rtol=1e-9, atol=1e-12),
                "trades.pnl": FieldTol(rtol=1e-9, atol=1e-9),
                # a dollar-neutral book's net exposure is a rounding-level cancellation of
                # two legs of gross ~1 (units of the initial capital): judged against that
                "net_exposure": FieldTol(rtol=1e-10, atol=1e-12),
                "exposure": FieldTol(rtol=1e-9, atol=1e-12),
            },
            skip=("returns",),
            check=lambda got, want, args, kwargs: backtest.returns_agreement(got, want),
        ),
        lambda: (wl.example_pair_series() + (_pair_params(lookback=30),), {}),
        lambda st: st.backtest_calls(),
        "pandas/NumPy event loop (tested for no look-ahead and the cost identity)",
        Workload(wl.backtest, "KO/PEP, 8313 days", core=True),
    ),
    Analytic(
        "kalman_mle",
        "backtest",
        kalman.kalman_mle,
        "lab.analytics.backtest.native_kalman:kalman_mle",
        kalman.KalmanFit,
        Tolerance(
            skip=("q_alpha", "q_beta", "r", "loglik", "nobs", "at_bound"),
            check=lambda got, want, args, kwargs: kalman.kalman_agreement(got, want, args, kwargs),
        ),
        lambda: (wl.example_pair_series(), {"train_fraction": 0.5}),
        lambda st: st.kalman_mle_calls(),
        "statsmodels MLEModel (state-space Kalman filter likelihood; tested against its fit)",
        slow_reference=True,
    ),
    Analytic(
        "sweep",
        "backtest",
        backtest.sweep,
        "lab.analytics.backtest.native:sweep",
        backtest.SweepResult,
        Tolerance(FieldTol(rtol=1e-9, atol=1e-12)),
        lambda: (wl.example_pair() + ({"lookback": [20, 30, 40], "entry_z": [1.5, 2.0]},), {}),
        lambda st: st.sweep_calls(),
        "backtest_pairs at every grid point",
        Workload(wl.sweep, "20x20 lookback x entry_z grid", unit="backtests", core=True),
        chunking.SWEEP,
        slow_reference=True,
        long_running=True,
    ),
    # ---------------------------------------------------------------- regimes
    Analytic(
        "hmm_fit",
        "regimes",
        regimes.hmm_fit,
        "lab.analytics.regimes.native:hmm_fit",
        regimes.HMMResult,
        Tolerance(
            FieldTol(rtol=1e-6, atol=1e-9),
            {
                "filtered": FieldTol(rtol=0.0, atol=1e-8),
                "smoothed": FieldTol(rtol=0.0, atol=1e-8),
                "walk_forward": FieldTol(rtol=0.0, atol=1e-8),
                "transmat": FieldTol(rtol=0.0, atol=1e-7),
            },
        ),
        lambda: ((wl.example_regime_obs(), 2), {"n_iter": 15}),
        lambda st: st.hmm_calls(),
        "hmmlearn.hmm.GaussianHMM (score, predict_proba)",
        Workload(wl.hmm, "8000 returns, 3 states", core=True),
        slow_reference=True,
        long_running=True,
    ),
    # ---------------------------------------------------------------- portfolio
    Analytic(
        "optimize_portfolio",
        "portfolio",
        portfolio.optimize_portfolio,
        "lab.analytics.portfolio.native:optimize_portfolio",
        portfolio.PortfolioResult,
        Tolerance(FieldTol(rtol=1e-5, atol=1e-6)),
        lambda: ((wl.example_returns_frame(), "max_sharpe"), {}),
        lambda st: st.portfolio_calls(),
        "scipy.optimize (SLSQP) and scikit-learn LedoitWolf; skfolio in the tests",
        Workload(wl.portfolio, "min_variance, 20 assets", core=True),
    ),
    Analytic(
        "efficient_frontier",
        "portfolio",
        portfolio.efficient_frontier,
        "lab.analytics.portfolio.native:efficient_frontier",
        portfolio.Frontier,
        Tolerance(FieldTol(rtol=1e-5, atol=1e-6)),
        lambda: ((wl.example_returns(),), {"n_points": 5}),
        lambda st: st.frontier_calls(),
        "scipy.optimize (SLSQP) at each target return",
        long_running=True,
    ),
    Analytic(
        "sparse_portfolio",
        "portfolio",
        portfolio.sparse_portfolio,
        "lab.analytics.portfolio.native:sparse_portfolio",
        portfolio.SparsePortfolioResult,
        Tolerance(
            FieldTol(rtol=1e-5, atol=1e-6),
            skip=SPARSE_CERTIFIED,
            check=lambda got, want, args, kwargs: portfolio.sparse_agreement(
                got, want, args, kwargs
            ),
        ),
        lambda: ((wl.example_returns(),), {"lam": 0.001}),
        lambda st: st.sparse_calls(),
        "sklearn.linear_model.Lasso / ElasticNet",
        long_running=True,
    ),
    Analytic(
        "multi_period",
        "portfolio",
        portfolio.multi_period,
        "lab.analytics.portfolio.native:multi_period",
        portfolio.MultiPeriodResult,
        Tolerance(FieldTol(rtol=1e-8, atol=1e-9)),
        lambda: ((wl.example_returns(), 5.0, 10.0, 3), {}),
        lambda st: st.multi_period_calls(),
        "Garleanu and Pedersen (2013); scipy.optimize on the stacked problem",
        long_running=True,
    ),
    # ---------------------------------------------------------------- options
    Analytic(
        "bs_price",
        "options",
        options.bs_price,
        "lab.analytics.options.native:bs_price",
        np.ndarray,
        Tolerance(FieldTol(rtol=1e-12, atol=1e-12)),
        lambda: ((100.0, _STRIKES, 0.5, 0.01, 0.2), {}),
        lambda st: st.bs_calls(),
        "scipy.stats.norm (Black-Scholes-Merton)",
    ),
    Analytic(
        "bs_greeks",
        "options",
        options.bs_greeks,
        "lab.analytics.options.native:bs_greeks",
        options.Greeks,
        Tolerance(FieldTol(rtol=1e-11, atol=1e-11)),
        lambda: ((100.0, _STRIKES, 0.5, 0.01, 0.2), {"kind": "put"}),
        lambda st: st.bs_calls(),
        "scipy.stats.norm; finite differences of bs_price in the tests",
    ),
    Analytic(
        "implied_vol",
        "options",
        options.implied_vol,
        "lab.analytics.options.native:implied_vol",
        options.ImpliedVol,
        Tolerance(
            FieldTol(rtol=0.0, atol=1e-10),
            skip=("vol",),
            check=lambda got, want, args, kwargs: options.implied_vol_agreement(
                got, want, args, kwargs
            ),
        ),
        lambda: ((np.array([12.0, 5.8]), 100.0, np.array([90.0, 100.0]), 0.5, 0.01), {}),
        lambda st: st.implied_vol_calls(),
        "scipy.optimize.brentq on bs_price",
    ),
    Analytic(
        "strategy_payoff",
        "options",
        options.strategy_payoff,
        "lab.analytics.options.native:strategy_payoff",
        options.StrategyPayoff,
        Tolerance(FieldTol(rtol=1e-11, atol=1e-10)),
        lambda: ((options.strategy_preset("straddle", 100.0), np.linspace(80, 120, 9)), {}),
        lambda st: st.strategy_payoff_calls(),
        "sums of bs_price / bs_greeks legs",
    ),
    # ---------------------------------------------------------------- order book
    Analytic(
        "lob_metrics",
        "orderbook",
        orderbook.lob_metrics,
        "lab.analytics.orderbook.native:lob_metrics",
        orderbook.LOBMetrics,
        Tolerance(FieldTol(rtol=1e-12, atol=0.0)),
        lambda: ((_ex_book(),), {"depth": 2, "order_size": 6.0}),
        lambda st: st.lob_metrics_calls(),
        "pure-Python book walk (sortedcontainers-free dict book)",
    ),
    Analytic(
        "simulate_lob",
        "orderbook",
        orderbook.simulate_lob,
        "lab.analytics.orderbook.native:simulate_lob",
        orderbook.LOBEvents,
        Tolerance(FieldTol(rtol=1e-12, atol=0.0)),
        lambda: ((500,), {"seed": 6}),
        lambda st: st.simulate_lob_calls(),
        "Cont, Stoikov and Talreja (2010) zero-intelligence flow, NumPy Generator draws",
        long_running=True,
    ),
    Analytic(
        "ob_replay",
        "orderbook",
        orderbook.ob_replay,
        "lab.analytics.orderbook.native:ob_replay",
        orderbook.ReplayResult,
        Tolerance(FieldTol(rtol=1e-12, atol=0.0)),
        lambda: ((orderbook.simulate_lob(400, seed=3),), {"depth": 3}),
        lambda st: st.ob_replay_calls(),
        "pure-Python dict book (OrderBook)",
        Workload(wl.ob_replay, "1M order-book events", unit="updates", core=True),
        long_running=True,
    ),
)

_ANALYTICS += (
    # ---------------------------------------------------------------- overfitting-aware Sharpe
    Analytic(
        "sharpe_se",
        "overfitting",
        overfitting.sharpe_se,
        "lab.analytics.overfitting.native:sharpe_se",
        float,
        Tolerance(FieldTol(rtol=1e-10, atol=1e-14)),
        lambda: ((wl.example_returns()[:, 0],), {}),
        lambda st: st.calls(st.return_series()),
        "Mertens (2002); Lo (2002) for normal returns",
    ),
    Analytic(
        "probabilistic_sharpe",
        "overfitting",
        overfitting.probabilistic_sharpe,
        "lab.analytics.overfitting.native:probabilistic_sharpe",
        float,
        Tolerance(FieldTol(rtol=1e-10, atol=1e-12)),
        lambda: ((wl.example_returns()[:, 0],), {"sr_benchmark": 0.02}),
        lambda st: st.calls(st.return_series(), sr_benchmark=st.sharpe_level()),
        "Bailey and Lopez de Prado (2012), scipy.stats.norm",
    ),
    Analytic(
        "deflated_sharpe",
        "overfitting",
        overfitting.deflated_sharpe,
        "lab.analytics.overfitting.native:deflated_sharpe",
        float,
        Tolerance(FieldTol(rtol=1e-10, atol=1e-12)),
        lambda: ((wl.example_returns()[:, 1], 12, 0.003), {}),
        lambda st: st.deflated_sharpe_calls(),
        "Bailey and Lopez de Prado (2014), worked example DSR = 0.9004",
    ),
    Analytic(
        "pbo",
        "overfitting",
        overfitting.pbo,
        "lab.analytics.overfitting.native:pbo",
        overfitting.PBOResult,
        Tolerance(FieldTol(rtol=1e-10, atol=1e-10)),
        lambda: ((wl.example_returns(),), {"n_splits": 6}),
        lambda st: st.pbo_calls(),
        "Bailey, Borwein, Lopez de Prado and Zhu (2017) CSCV; scipy.stats.rankdata",
        long_running=True,
    ),
    # ---------------------------------------------------------------- walk-forward
    Analytic(
        "walk_forward",
        "backtest",
        walkforward.walk_forward,
        "lab.analytics.backtest.native_walkforward:walk_forward",
        walkforward.WalkForwardResult,
        Tolerance(
            # backtest_pairs' tolerance: each fold runs the same kernels (pair_signals through
            # signals_grid, simulate through fold_grid) on the fold's rows
            FieldTol(rtol=1e-10, atol=1e-12, scaled=True),
            {
                "zscore": FieldTol(rtol=0.0, atol=1.5 / backtest.Z_DECIMALS),
                "metrics": FieldTol(rtol=1e-9, atol=1e-12),
            },
        ),
        lambda: (
            wl.example_pair(),
            {"grid": {"lookback": [20, 30], "entry_z": [1.5, 2.0]}, "train": 200, "test": 100},
        ),
        lambda st: st.walk_forward_calls(),
        "backtest_pairs on each fold (tested for no look-ahead)",
        slow_reference=True,
        long_running=True,
    ),
    # ---------------------------------------------------------------- batch backtest
    Analytic(
        "backtest_many",
        "backtest",
        batch.backtest_many,
        "lab.analytics.backtest.native_batch:backtest_many",
        batch.BatchBacktestResult,
        Tolerance(
            # backtest_pairs' tolerance: every column runs backtest_pairs' kernels
            FieldTol(rtol=1e-10, atol=1e-12, scaled=True),
            {
                "in_sample": FieldTol(rtol=1e-9, atol=1e-12),
                "out_of_sample": FieldTol(rtol=1e-9, atol=1e-12),
            },
        ),
        lambda: (
            wl.example_pair()
            + ([_pair_params(lookback=30), _pair_params(lookback=20, hedge="rolling")],),
            {},
        ),
        lambda st: st.backtest_many_calls(),
        "looping backtest_pairs",
        Workload(wl.backtest_many, "1,000 synthetic pairs x 8,313 bars", unit="bars", core=True),
        batch.BACKTEST_MANY,
        long_running=True,
    ),
)

REGISTRY: dict[str, Analytic] = {a.name: a for a in _ANALYTICS}
"""Every public analytic by name, in the order of :data:`lab.analytics.FUNCTIONS`."""

if len(REGISTRY) != len(_ANALYTICS):  # pragma: no cover - a declaration error
    raise RuntimeError("an analytic is declared twice in lab.analytics.registry")

FUNCTIONS: tuple[str, ...] = tuple(REGISTRY)
"""Names of the public analytics; each is a method of every backend."""


def get(name: str) -> Analytic:
    """The :class:`Analytic` called ``name``; a clear ``ValueError`` for an unknown name."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise ValueError(
            f"unknown analytic {name!r}; choose one of {', '.join(REGISTRY)}"
        ) from None


def core_functions() -> tuple[str, ...]:
    """Analytics in the core benchmark suite (and its numba compile-time rows)."""
    return tuple(a.name for a in _ANALYTICS if a.workload is not None and a.workload.core)


def plan(
    name: str,
    function: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    n_chunks: int = chunking.TARGET_CHUNKS,
) -> chunking.Plan:
    """The chunk plan of the call ``name(*args, **kwargs)`` to run with ``function`` (see
    :func:`lab.analytics.chunking.plan`); an unknown name is one unchunked call."""
    entry = REGISTRY.get(name)
    if entry is None:
        return chunking.plan(None, None, function, args, kwargs, n_chunks)
    return chunking.plan(entry.chunking, entry.signature, function, args, kwargs, n_chunks)


# --------------------------------------------------------------------------------------------
# comparing engines


@dataclass(frozen=True)
class Outcome:
    """What one call did: returned ``value``, or raised ``ValueError`` (``error`` is its type
    name and ``message`` its text). Any other exception propagates: on valid input it is a
    defect, never an outcome."""

    value: Any = None
    error: str | None = None
    message: str = ""


def run(function: Callable[..., Any], args: tuple, kwargs: dict) -> Outcome:
    """Call ``function`` on deep copies of the arguments (an engine must not depend on, or
    change, its caller's objects) and return its :class:`Outcome`."""
    import copy
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return Outcome(function(*copy.deepcopy(args), **copy.deepcopy(kwargs)))
    except ValueError as exc:
        return Outcome(error=type(exc).__name__, message=str(exc))


def disagreement(
    name: str, got: Outcome, want: Outcome, args: tuple, kwargs: dict, same_type: bool = True
) -> str | None:
    """Why an engine's outcome ``got`` differs from the reference's ``want`` for the call
    ``name(*args, **kwargs)``, or None when they agree.

    They agree when both raised the same ``ValueError`` (same message, which a remote engine
    may prefix with ``"<name>: "``, and the same subclass unless ``same_type`` is False: the wire
    carries the message, not the class), or both
    returned results equal within the analytic's registered tolerance.
    """
    if want.error is not None:
        if got.error is None:
            return f"the reference raised {want.error}: {want.message}; the engine returned"
        message = got.message.removeprefix(f"{name}: ")  # a remote engine names the call
        if message != want.message:
            return f"ValueError differs:\n  {got.message}\n!=\n  {want.message}"
        if same_type and got.error != want.error:
            return f"raised {got.error}, the reference {want.error}"
        return None
    if got.error is not None:
        return f"raised {got.error}: {got.message} where the reference returned"
    problems = get(name).tolerance.problems(got.value, want.value, args, kwargs)
    return "\n".join(problems[:10]) if problems else None
