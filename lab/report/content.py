"""What goes into a report: numbers and series read from a session's models.

:func:`collect` asks the models of a :class:`~lab.models.session.LabSession` (or any object
with the same ``dataset``, ``backend`` and ``pair`` attributes) for their results; it never
computes analytics itself, so a report holds exactly the numbers the app shows for the same
parameters, and a report built headless (``arblab report``) holds the same numbers as one
exported from the app.

The result, :class:`ReportContent`, separates

- ``data``: a JSON-ready dictionary of every number and label (provenance, the pair and its
  parameters, cointegration test, OU fit, metrics, optional analyses, run details), embedded in
  the HTML file as machine-readable JSON;
- ``series``: the pair's arrays (dates, equity, drawdown, z-score, ...);
- ``figures``: the results the pair's plots draw (the pages' builders in :mod:`lab.plots`);
- ``trades`` and ``benchmark``: tables shown as HTML.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import platform
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

import lab
from lab.analytics.backtest import METRIC_NAMES
from lab.report import extras

PAIR_FUNCTIONS = (
    "engle_granger",
    "ou_fit",
    "backtest_pairs",
    "optimal_thresholds",
    "walk_forward",
    "pbo",
)
"""Analytics functions behind the pair section; the report names the engine that ran each."""


@dataclass(frozen=True)
class ReportContent:
    """Everything a report shows.

    Attributes
    ----------
    data : dict
        JSON-ready numbers and labels: ``title``, ``provenance``, ``pair``, ``cointegration``,
        ``training_regression``, ``ou``, ``bands``, ``metrics`` (``in_sample`` and
        ``out_of_sample``, keys of :data:`~lab.analytics.backtest.METRIC_NAMES`), ``trades``
        (counts), ``analyses`` (optional sections such as regimes and portfolio),
        ``benchmark`` (or None) and ``run``. NaN and infinities are stored as None.
    series : dict of str to ndarray
        ``dates`` (datetime64), ``equity``, ``drawdown`` (negative fractions, per segment),
        ``zscore``, ``positions`` and ``hedge_ratio``, one value per row of the pair.
    trades : pandas.DataFrame
        Round trips as :meth:`lab.models.pair.PairModel.trades_table` gives them.
    analyses : dict of str to Section
        The optional sections (:mod:`lab.report.extras`), in report order.
    benchmark : object or None
        The :class:`lab.bench.runner.BenchResults` shown, if any.
    figures : dict
        What the pair's plots (:mod:`lab.plots.pair`) draw: ``backtest`` (the
        :class:`~lab.analytics.backtest.BacktestResult`), ``prices`` (its rows, columns ``y`` and
        ``x``), ``params`` (the :class:`~lab.analytics.PairParams` it used), ``names`` (the
        symbols of y and x) and ``bands`` (the OU-optimal bands, or None).
    """

    data: dict[str, Any]
    series: dict[str, np.ndarray] = field(default_factory=dict)
    trades: pd.DataFrame = field(default_factory=pd.DataFrame)
    analyses: dict[str, Any] = field(default_factory=dict)
    benchmark: Any = None
    figures: dict[str, Any] = field(default_factory=dict)

    @property
    def metrics(self) -> dict[str, dict[str, float | None]]:
        """``{"in_sample": {...}, "out_of_sample": {...}}`` as embedded in the file."""
        return self.data["metrics"]


def jsonable(value: Any) -> Any:
    """``value`` with NumPy scalars and arrays as Python numbers and lists, tuples as lists,
    dates as ISO strings, and non-finite floats as None (strict JSON has no NaN)."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        v = float(value)
        return v if math.isfinite(v) else None
    if isinstance(value, pd.Timestamp | dt.datetime | np.datetime64):
        ts = pd.Timestamp(value)
        return ts.date().isoformat() if ts == ts.normalize() else ts.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None or isinstance(value, str):
        return value
    return str(value)


def result_fields(result: Any, names: Iterable[str] | None = None) -> dict[str, Any]:
    """Selected fields of a frozen result dataclass as a dict (all fields by default)."""
    fields = names or [f.name for f in dataclasses.fields(result)]
    return {name: getattr(result, name) for name in fields}


# ----------------------------------------------------------------------------- sections
def provenance(dataset: Any) -> dict[str, Any]:
    """Where the prices come from: source, range, rows, symbols, content hash and the source's
    own settings (simulation parameters or file name)."""
    summary = dict(dataset.summary())
    if dataset.prices is None:
        raise ValueError(
            f"the dataset has no prices to report: {dataset.error or 'nothing loaded'}"
        )
    settings: dict[str, Any] = {"source": dataset.source}
    if dataset.source == "synthetic":
        settings.update(
            {k: getattr(dataset, k) for k in ("n_obs", "n_pairs", "kappa", "sigma", "beta", "seed")}
        )
    elif dataset.source == "file":
        settings["file"] = str(dataset.file_path).rsplit("/", 1)[-1] if dataset.file_path else ""
    settings["requested_start"] = dataset.start
    settings["requested_end"] = dataset.end
    summary["settings"] = settings
    summary.pop("error", None)
    return summary


def _pair_section(
    pair: Any,
) -> tuple[dict[str, Any], dict[str, np.ndarray], pd.DataFrame, dict[str, Any]]:
    prices = pair.prices()
    params = pair.params()
    coint = pair.coint()
    train = pair.train_regression()
    ou = pair.ou()
    bt = pair.backtest()
    dates = prices.index
    n_train = int(bt.n_train)
    ou_bands = None
    try:
        ou_bands = pair.bands()
        bands: dict[str, Any] = {"available": True, **result_fields(ou_bands)}
    except ValueError as exc:  # e.g. zero cost: the model explains why there are no bands
        bands = {"available": False, "reason": str(exc)}

    def test(res: Any, description: str) -> dict[str, Any]:
        crit = np.asarray(res.crit_values, dtype=float)
        return {
            "test": description,
            "statistic": res.statistic,
            "pvalue": res.pvalue,
            "crit_values": {"1%": crit[0], "5%": crit[1], "10%": crit[2]},
            "hedge_ratio": res.hedge_ratio,
            "intercept": res.intercept,
            "lags": res.lags,
        }

    data = {
        "pair": {
            "y": pair.y,
            "x": pair.x,
            "params": dataclasses.asdict(params),
            "refused": pair.refused,
            "rows": int(len(prices)),
            "first_date": dates[0],
            "last_date": dates[-1],
            "n_train": n_train,
            "split_date": dates[n_train] if n_train < len(dates) else dates[-1],
        },
        "cointegration": test(
            coint,
            f"Engle-Granger, log {pair.y} on log {pair.x} with a constant, all {len(prices)} rows",
        ),
        "training_regression": test(
            train,
            f"Engle-Granger, {pair.y} on {pair.x} in price levels, the {n_train} in-sample rows",
        ),
        "ou": {
            "spread": f"{pair.y} - beta {pair.x} over the in-sample rows, beta = {train.hedge_ratio:.6g}",
            **result_fields(ou),
        },
        "bands": bands,
        "metrics": {
            "in_sample": {k: bt.metrics.in_sample[k] for k in METRIC_NAMES},
            "out_of_sample": {k: bt.metrics.out_of_sample[k] for k in METRIC_NAMES},
        },
    }
    series = {
        "dates": dates.to_numpy(),
        "equity": np.asarray(bt.equity, dtype=float),
        "drawdown": segment_drawdown(np.asarray(bt.equity, dtype=float), n_train),
        "zscore": np.asarray(bt.zscore, dtype=float),
        "positions": np.asarray(bt.positions, dtype=float),
        "hedge_ratio": np.asarray(bt.hedge_ratio, dtype=float),
    }
    data["walk_forward"] = walk_forward_section(pair)
    trades = pair.trades_table()
    data["trades"] = {
        "count": int(len(trades)),
        "in_sample": int((trades["segment"] == "in-sample").sum()) if len(trades) else 0,
        "out_of_sample": int((trades["segment"] == "out-of-sample").sum()) if len(trades) else 0,
    }
    figures = {
        "backtest": bt,
        "prices": prices,
        "params": params,
        "names": (pair.y, pair.x),
        "bands": ou_bands,
    }
    return data, series, trades, figures


def walk_forward_section(pair: Any) -> dict[str, Any]:
    """The walk-forward evaluation of the pair's strategy (the Mean reversion page's default):
    its settings, out-of-sample metrics (PSR, DSR with the number of trials), the PBO of its
    grid's trials and one row per fold."""
    try:
        wf = pair.walk_forward()
        pbo = pair.walk_forward_pbo()
        folds = pair.folds_table()
    except ValueError as exc:  # e.g. too few rows for one training window and a test fold
        return {"available": False, "reason": str(exc)}
    # the lengths the folds used: capped in their ratio on data shorter than train + test
    train = int(wf.test_start[0] - wf.train_start[0])
    test = int(wf.test_stop[0] - wf.test_start[0])
    return {
        "available": True,
        "train": train,
        "test": test,
        "capped": train < int(pair.wf_train),
        "anchored": bool(pair.wf_anchored),
        "metrics": dict(wf.metrics),
        "pbo": None if pbo is None else float(pbo.pbo),
        "pbo_splits": None if pbo is None else int(pbo.n_splits),
        "folds": [
            {
                key: (value.date().isoformat() if hasattr(value, "date") else value)
                for key, value in row.items()
            }
            for row in folds.to_dict(orient="records")
        ],  # fmt: skip
    }


def segment_drawdown(equity: np.ndarray, n_train: int, capital: float = 1.0) -> np.ndarray:
    """Drawdown ``equity / running peak - 1`` (<= 0), with the peak restarted at the split.

    The in-sample peak starts from the initial ``capital``; the out-of-sample peak from the
    last in-sample equity. So the minimum over each segment is minus that segment's
    ``max_drawdown`` metric.
    """
    out = np.empty_like(equity)
    for start, stop, base in (
        (0, n_train, capital),
        (n_train, len(equity), equity[n_train - 1] if n_train else capital),
    ):
        seg = equity[start:stop]
        if seg.size:
            peak = np.maximum.accumulate(np.concatenate([[base], seg]))[1:]
            out[start:stop] = seg / peak - 1.0
    return out


def benchmark_section(results: Any) -> dict[str, Any]:
    """The benchmark table of a :class:`~lab.bench.runner.BenchResults`: headers, rows as the
    runner's table renders them, captions and the machine, plus the raw rows."""
    from lab.bench.machine import describe
    from lab.bench.report import HEADERS, captions, table_rows

    return {
        "suite": results.suite,
        "started": results.started,
        "elapsed_s": results.elapsed_s,
        "cancelled": results.cancelled,
        "machine": describe(results.machine),
        "headers": list(HEADERS),
        "cells": table_rows(results),
        "captions": list(captions(results).values()),
        "rows": results.to_dict()["rows"],
    }


def view_section(session: Any, view: Mapping[str, Any]) -> dict[str, Any]:
    """The exported view's state: ``view`` (``page`` and ``link``, the query string that
    reopens it) completed by the session's backend, dataset source (and synthetic seed),
    window (requested start and end, ``None`` = the whole history), pair and strategy
    parameters, read at export time."""
    pair, dataset = session.pair, session.dataset
    params = pair.params()
    state: dict[str, Any] = {
        "page": view.get("page"),
        "backend": session.backend.backend,
        "dataset": dataset.source,
        "seed": dataset.seed if dataset.source == "synthetic" else None,
        "window_start": dataset.start,
        "window_end": dataset.end,
        "pair": f"{pair.y} / {pair.x}",
        "parameters": {
            f.name: getattr(params, f.name)
            for f in dataclasses.fields(params)
            if isinstance(getattr(params, f.name), (int, float, str, bool, type(None)))
        },
        "link": view.get("link"),
    }
    return state


def run_details(
    session: Any, functions: Iterable[tuple[Any, str]], command: str | None
) -> dict[str, Any]:
    """The chosen backend, the engine that actually ran each analysis, versions and time."""
    engines = {}
    for model, name in functions:
        engine = model.engine_of(name)
        if engine:
            engines[name] = engine
    ran = sorted(set(engines.values()))
    return {
        "backend": session.backend.backend,
        "backend_address": session.backend.address,
        "backend_status": session.backend.status,
        "engines": engines,
        "ran_on": ", ".join(ran),
        "fallback": any("fallback" in e for e in ran),
        "arblab_version": lab.__version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "timestamp": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "command": command,
    }


# ----------------------------------------------------------------------------- collect
def collect(
    session: Any,
    include: Iterable[str] | None = None,
    benchmark: Any = None,
    command: str | None = None,
    title: str | None = None,
    view: Mapping[str, Any] | None = None,
) -> ReportContent:
    """Read a report's content from a session's models.

    Parameters
    ----------
    session : LabSession or compatible
        Needs ``dataset``, ``backend`` and ``pair``; ``regimes`` and ``portfolio`` are used when
        present and included.
    include : iterable of str, optional
        Optional analyses to add (names in :data:`lab.report.extras.SECTIONS`, e.g.
        ``("regimes", "portfolio")``). By default every optional analysis that is *part of the
        session*, i.e. whose model has computed a result (its cache is not empty).
    benchmark : BenchResults, optional
        Benchmark results to show (the Benchmark page's last run, or ``arblab bench --json``).
    command : str, optional
        The command line that built the report (shown in the run details).
    title : str, optional
        Report title (default ``"ArbLab report: Y / X"``).
    view : mapping, optional
        The state of the view the report was exported from (the app's
        :meth:`~components.app.LabApp.view_state`: page, backend, dataset, window, pair,
        strategy parameters and the link that reopens the view), shown as the report's "View"
        section; :func:`view_section` adds the session's own values.

    Raises
    ------
    ValueError
        The dataset has no prices, the pair is invalid, or a parameter combination is invalid
        (the message of the model is kept), or an unknown analysis is named in ``include``.
    """
    pair = session.pair
    data: dict[str, Any] = {"provenance": provenance(session.dataset)}
    pair_data, series, trades, figures = _pair_section(pair)
    data.update(pair_data)
    data["title"] = title or f"ArbLab report: {pair.y} / {pair.x}"
    names = extras.selected(session, include)
    analyses = {name: extras.read(name, getattr(session, name)) for name in names}
    data["analyses"] = {name: section.data for name, section in analyses.items()}
    data["benchmark"] = benchmark_section(benchmark) if benchmark is not None else None
    used = [(pair, f) for f in PAIR_FUNCTIONS]
    for name in names:
        used += [(getattr(session, name), f) for f in extras.SECTIONS[name].functions]
    data["run"] = run_details(session, used, command)
    data["view"] = view_section(session, view) if view is not None else None
    return ReportContent(
        data=jsonable(data),
        series=series,
        trades=trades,
        analyses=analyses,
        benchmark=benchmark,
        figures=figures,
    )
