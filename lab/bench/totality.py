"""Totality on real data: the native engine against the reference on the whole bundled dataset.

Every call is compared with :func:`lab.analytics.registry.disagreement` (the registered
tolerance; the same ``ValueError`` where the reference refuses). A *crash* is any exception other
than ``ValueError`` on either engine; a *mismatch* is a disagreement. The sweeps:

* ``backtest_pairs``: all 380 ordered pairs of the 20 stocks, both hedge modes, on each window
  of :data:`BACKTEST_WINDOWS` (prices as they are, default strategy parameters);
* ``pair_scan``: all 190 pairs of log prices over every 5-year window (1990-1994, 1991-1995,
  ...);
* ``optimize_portfolio``: every method, both covariance estimators, on daily returns over
  rolling 3-year windows (one a year).

Run ``python -m lab.bench.totality [--quick]``; it prints one line per sweep with the calls,
crashes, mismatches and refusals, and exits 1 if any crash or mismatch was found.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

BACKTEST_WINDOWS: tuple[tuple[str, str], ...] = (("1990", "2022"), ("2008", "2012"))
"""Windows of the backtest sweep: the whole sample and the 2008-2012 crisis years."""

PORTFOLIO_METHODS = ("max_sharpe", "min_variance", "risk_parity", "mean_variance", "equal_weight")


@dataclass
class Tally:
    """Counts of one sweep."""

    name: str
    calls: int = 0
    refused: int = 0
    crashes: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def line(self) -> str:
        return (
            f"{self.name}: {self.calls} calls, {len(self.crashes)} crashes, "
            f"{len(self.mismatches)} mismatches, {self.refused} refused alike (ValueError), "
            f"{self.seconds:.0f} s"
        )


def compare(tally: Tally, name: str, label: str, args: tuple, kwargs: dict) -> None:
    """One call on both engines, counted into ``tally``."""
    from lab.analytics.registry import REGISTRY, disagreement, native_function, run

    analytic = REGISTRY[name]
    tally.calls += 1
    try:
        want = run(analytic.reference, args, kwargs)
        got = run(native_function(analytic), args, kwargs)
    except Exception as exc:  # noqa: BLE001 - a crash is what this sweep counts
        tally.crashes.append(f"{label}: {type(exc).__name__}: {exc}")
        traceback.print_exc(file=sys.stderr)
        return
    problem = disagreement(name, got, want, args, kwargs)
    if problem is not None:
        tally.mismatches.append(f"{label}: {problem}")
    elif want.error is not None:
        tally.refused += 1


def _years(first: int, last: int, span: int, step: int = 1) -> Iterator[tuple[str, str]]:
    for start in range(first, last - span + 2, step):
        yield str(start), str(start + span - 1)


def backtest_sweep(quick: bool = False) -> Tally:
    """``backtest_pairs`` on all ordered pairs, both hedges, each window."""
    from lab.analytics.backtest import PairParams
    from lab.data import load_sp500

    prices = load_sp500()
    symbols = list(prices.columns)
    tally = Tally("backtest_pairs (380 ordered pairs x 2 hedges x windows)")
    windows = BACKTEST_WINDOWS[1:] if quick else BACKTEST_WINDOWS
    for lo, hi in windows:
        window = prices.loc[lo:hi]
        for y in symbols:
            for x in symbols:
                if x == y:
                    continue
                for hedge in ("static", "rolling"):
                    compare(
                        tally,
                        "backtest_pairs",
                        f"{y}/{x} {lo}-{hi} {hedge}",
                        (window[y].to_numpy(), window[x].to_numpy(), PairParams(hedge=hedge)),
                        {},
                    )
    return tally


def pair_scan_sweep(quick: bool = False) -> Tally:
    """``pair_scan`` of all 190 pairs over every 5-year window."""
    from lab.data import load_sp500

    logp = np.log(load_sp500())
    tally = Tally("pair_scan (190 pairs, every 5-year window)")
    spans = list(_years(1990, 2022, 5))
    for lo, hi in spans[-1:] if quick else spans:
        compare(tally, "pair_scan", f"{lo}-{hi}", (logp.loc[lo:hi],), {})
    return tally


def portfolio_sweep(quick: bool = False) -> Tally:
    """``optimize_portfolio`` for every method and estimator over rolling 3-year windows."""
    from lab.data import load_sp500

    returns = load_sp500().pct_change().iloc[1:]
    tally = Tally("optimize_portfolio (5 methods x 2 estimators, rolling 3-year windows)")
    spans = list(_years(1990, 2022, 3))
    for lo, hi in spans[::8] if quick else spans:
        window = returns.loc[lo:hi]
        for method in PORTFOLIO_METHODS:
            for cov in ("sample", "ledoit_wolf"):
                compare(
                    tally,
                    "optimize_portfolio",
                    f"{method} {cov} {lo}-{hi}",
                    (window, method),
                    {"cov": cov},
                )
    return tally


SWEEPS: dict[str, Callable[[bool], Tally]] = {
    "backtest_pairs": backtest_sweep,
    "pair_scan": pair_scan_sweep,
    "optimize_portfolio": portfolio_sweep,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lab.bench.totality", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one window per sweep")
    parser.add_argument("--only", choices=list(SWEEPS), action="append", help="run these sweeps")
    opts = parser.parse_args(argv)
    bad = 0
    for name in opts.only or list(SWEEPS):
        start = time.perf_counter()
        tally: Any = SWEEPS[name](opts.quick)
        tally.seconds = time.perf_counter() - start
        print(tally.line(), flush=True)
        for problem in (tally.crashes + tally.mismatches)[:20]:
            print("  " + problem.replace("\n", "\n    "), flush=True)
        bad += len(tally.crashes) + len(tally.mismatches)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
