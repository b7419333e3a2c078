"""``arblab bench``: run a benchmark suite and print its table.

The table goes to standard output: a fixed-width table on a terminal, markdown (ready for the
README) when standard output is redirected. A tqdm progress bar goes to standard error.
``--json`` and ``--csv`` write the full results, machine and versions included.
"""

from __future__ import annotations

import argparse
import sys
import threading
from typing import Any

from lab.bench.report import to_markdown, to_text
from lab.bench.runner import BenchResults


def _progress_bar(desc: str) -> tuple[Any, Any]:
    from tqdm import tqdm

    bar = tqdm(total=0, desc=desc, file=sys.stderr, unit="row", dynamic_ncols=True, leave=False)

    def progress(done: int, total: int, label: str) -> None:
        if bar.total != total:
            bar.total = total
        bar.set_postfix_str(label, refresh=False)
        bar.update(done - bar.n)

    return bar, progress


def _run_ui(args: argparse.Namespace) -> BenchResults:
    from lab.bench.ui import run_ui_suite

    options: dict[str, Any] = {}
    if args.repeats is not None:
        options["repeats"] = args.repeats
    if args.backends is not None:
        options["backends"] = args.backends
    if args.grpc_address is not None:
        options["grpc_address"] = args.grpc_address
    results = run_ui_suite(**options)
    if not isinstance(results, BenchResults):
        raise TypeError(
            f"lab.bench.ui.run_ui_suite returned {type(results).__name__}, not BenchResults"
        )
    return results


def _run_load(args: argparse.Namespace) -> int:
    import json

    from lab.bench.load import run_load

    result = run_load(address=args.grpc_address, clients=args.clients, duration_s=args.duration)
    print(result.text())
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(result.as_dict(), handle, indent=2)
    return 1 if result.errors else 0


def run(args: argparse.Namespace) -> int:
    """Entry point of ``arblab bench`` (arguments declared in :mod:`lab.cli`)."""
    from lab.bench.suites import run_named_suite

    if args.suite == "load":
        return _run_load(args)
    cancel = threading.Event()
    try:
        if args.suite == "ui":
            results = _run_ui(args)
        else:
            bar, progress = _progress_bar(f"arblab bench --suite {args.suite}")
            try:
                results = run_named_suite(
                    args.suite,
                    backends=args.backends,
                    sizes=args.sizes,
                    repeats=args.repeats,
                    grpc_address=args.grpc_address,
                    progress=progress,
                    cancel=cancel,
                )
            except KeyboardInterrupt:
                cancel.set()
                raise
            finally:
                bar.close()
    except ValueError as exc:
        print(f"arblab bench: error: {exc}", file=sys.stderr)
        return 2
    except RuntimeError as exc:  # e.g. the ui suite without a browser
        print(f"arblab bench: cannot run --suite {args.suite}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("arblab bench: interrupted", file=sys.stderr)
        return 130
    if args.json:
        results.to_json(args.json)
    if args.csv:
        results.to_csv(args.csv)
    print(to_text(results) if sys.stdout.isatty() else to_markdown(results))
    return 1 if results.errors() else 0
