"""``arblab report``: build the HTML report headless, from the same models as the app.

::

    arblab report --pair KO:PEP --start 2015-01-01 --end 2022-12-31 \\
        --lookback 40 --entry-z 2 --exit-z 0.5 --cost-bps 5 --backend native -o ko-pep.html

Every option left out keeps the app's default (the default pair of the dataset, the bundled
data's default range, :class:`~lab.analytics.PairParams` defaults). Bad input (an unknown
symbol, a malformed date, an invalid parameter combination) prints one line naming the problem
and exits with status 2; nothing is written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shlex
import sys
from pathlib import Path
from typing import Any

PAIR_OPTIONS = {
    "lookback": "lookback",
    "entry_z": "entry-z",
    "exit_z": "exit-z",
    "cost_bps": "cost-bps",
}
"""PairModel parameters set from the command line, with their option names."""


class ReportError(ValueError):
    """A problem with the command-line input, reported without a traceback."""


def _date(text: str | None, option: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ReportError(f"--{option}: {text!r} is not a date; use YYYY-MM-DD") from None


def _pair(text: str | None) -> tuple[str, str] | None:
    if text is None:
        return None
    parts = text.split(":")
    if len(parts) != 2 or not all(p.strip() for p in parts):
        raise ReportError(f"--pair: expected Y:X (two symbols separated by a colon), got {text!r}")
    y, x = (p.strip() for p in parts)
    if y == x:
        raise ReportError(f"--pair: y and x must be different symbols, both are {y!r}")
    return y, x


def session_from_args(args: argparse.Namespace) -> Any:
    """A :class:`~lab.models.session.LabSession` set up as the arguments say.

    Raises
    ------
    ReportError
        The arguments are invalid; the message names the option.
    """
    from lab.backends import BACKENDS
    from lab.models.backend import BackendModel
    from lab.models.session import LabSession

    if args.backend not in BACKENDS:
        raise ReportError(
            f"--backend: unknown backend {args.backend!r}; choose from {', '.join(BACKENDS)}"
        )
    start, end = _date(args.start, "start"), _date(args.end, "end")
    if start is not None and end is not None and start > end:
        raise ReportError(f"--start {start} is after --end {end}")
    pair = _pair(args.pair)
    options: dict[str, Any] = {}
    if start is not None:
        options["start"] = start
    if end is not None:
        options["end"] = end
    try:
        session = LabSession(backend=BackendModel(backend=args.backend), **options)
    except ValueError as exc:
        raise ReportError(f"--start/--end: {exc}") from None
    dataset = session.dataset
    if dataset.error or dataset.prices is None:
        session.close()
        raise ReportError(f"dataset: {dataset.error or 'no prices loaded'}")
    first, last = dataset.available_range
    for option, asked, bound, word in (
        ("start", start, first, "first"),
        ("end", end, last, "last"),
    ):
        if asked is not None and getattr(dataset, option) is None:
            print(
                f"arblab report: note: --{option} {asked} is outside the data "
                f"({first.date()} to {last.date()}); the report uses the {word} date, {bound.date()}",
                file=sys.stderr,
            )
    try:
        if pair is not None:
            symbols = [str(c) for c in dataset.prices.columns]
            unknown = [s for s in pair if s not in symbols]
            if unknown:
                raise ReportError(
                    f"--pair: unknown symbol {', '.join(map(repr, unknown))}; available: {', '.join(symbols)}"
                )
            session.pair.param.update(y=pair[0], x=pair[1])
        for name, option in PAIR_OPTIONS.items():
            value = getattr(args, name, None)
            if value is not None:
                try:
                    setattr(session.pair, name, value)
                except ValueError as exc:
                    raise ReportError(f"--{option}: {exc}") from None
        try:
            session.pair.requested_params()
        except ValueError as exc:
            raise ReportError(f"strategy parameters: {exc}") from None
    except ReportError:
        session.close()
        raise
    return session


def _include(args: argparse.Namespace) -> tuple[str, ...]:
    text = getattr(args, "include", None)
    if not text:
        return ()
    return tuple(n.strip() for n in text.split(",") if n.strip())


def _benchmark(args: argparse.Namespace) -> Any:
    path = getattr(args, "bench", None)
    if not path:
        return None
    from lab.bench.runner import BenchResults

    try:
        return BenchResults.from_json(path)
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise ReportError(f"--bench: cannot read benchmark results from {path}: {exc}") from None


def _run_optional(session: Any, names: tuple[str, ...]) -> None:
    """Compute the optional analyses asked for (the report reads their models' results)."""
    from lab.report import extras

    for name in extras.selected(session, names):
        extras.read(name, getattr(session, name))


def command_line(args: argparse.Namespace) -> str:
    """The ``arblab report`` command that reproduces this report (shown in its run details)."""
    parts = ["arblab", "report"]
    for name, option in (
        ("pair", "pair"),
        ("start", "start"),
        ("end", "end"),
        *PAIR_OPTIONS.items(),
        ("backend", "backend"),
        ("include", "include"),
        ("bench", "bench"),
    ):
        value = getattr(args, name, None)
        if value is not None and value != "":
            parts += [f"--{option}", str(value)]
    parts += ["-o", str(args.output)]
    return " ".join(shlex.quote(p) for p in parts)


def run(args: argparse.Namespace) -> int:
    """Entry point of ``arblab report`` (see the module docstring); returns the exit status."""
    from lab.report import build_report

    output = Path(args.output)
    command = command_line(args)
    try:
        if not output.parent.is_dir():
            raise ReportError(f"-o: the directory {str(output.parent)!r} does not exist")
        include = _include(args)
        benchmark = _benchmark(args)
        session = session_from_args(args)
    except ReportError as exc:
        print(f"arblab report: {exc}", file=sys.stderr)
        return 2
    try:
        _run_optional(session, include)
        html = build_report(session, include=include, benchmark=benchmark, command=command)
        content_pair = f"{session.pair.y}/{session.pair.x}"
        engine = session.pair.engine_of("backtest_pairs")
        status = session.backend.status
        metrics = session.pair.backtest().metrics.out_of_sample
    except ValueError as exc:
        print(f"arblab report: {exc}", file=sys.stderr)
        return 2
    finally:
        session.close()
    try:
        output.write_text(html, encoding="utf-8")
    except OSError as exc:
        print(f"arblab report: cannot write {output}: {exc}", file=sys.stderr)
        return 2
    if "fallback" in engine:
        print(
            f"arblab report: note: {status}; the report says which engine ran each analysis",
            file=sys.stderr,
        )
    print(
        f"wrote {output} ({len(html.encode()) / 1e6:.1f} MB): {content_pair}, out-of-sample Sharpe "
        f"{metrics['sharpe']:.3f}, ran on {engine}"
    )
    return 0
