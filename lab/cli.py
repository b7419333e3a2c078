"""The ``arblab`` command: ``serve`` (the lab app), ``server`` (the gRPC analytics server),
``bench`` (side-by-side backend benchmarks), ``report`` (headless report export) and ``record``
(crash-safe order-book recorder).

Arguments are declared here, in one place; each command's implementation is imported only when
that command runs, so ``arblab --help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from lab.rpc.options import add_server_arguments

_COMMANDS = {
    "serve": "components.serve",
    "server": "lab.rpc.server",
    "bench": "lab.bench.cli",
    "report": "lab.report.cli",
    "record": "lab.feeds.record_cli",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="arblab", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the lab app (Panel) on the bundled dataset")
    serve.add_argument("--port", type=int, default=5006, help="HTTP port (default 5006)")
    serve.add_argument("--address", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--show", action="store_true", help="open a browser tab")
    serve.add_argument(
        "--allow-websocket-origin",
        action="append",
        metavar="HOST[:PORT]",
        default=None,
        help="websocket Origin to accept (repeatable); default: this machine's own names. A "
        "non-loopback --address without it prints a warning with the real URL",
    )
    serve.add_argument(
        "--num-threads", type=int, default=4, help="Panel worker threads for long work (default 4)"
    )
    serve.add_argument(
        "--unused-session-lifetime",
        type=int,
        default=15_000,
        metavar="MS",
        help="milliseconds after a browser tab closes before its session and its memory are "
        "released (default 15000; 1000 to 3600000)",
    )
    grpc = serve.add_mutually_exclusive_group()
    grpc.add_argument(
        "--grpc-address",
        metavar="HOST:PORT",
        help="use this analytics server instead of embedding one",
    )
    grpc.add_argument(
        "--no-grpc", action="store_true", help="do not start the embedded analytics server"
    )

    add_server_arguments(sub.add_parser("server", help="run the gRPC analytics server"))

    bench = sub.add_parser("bench", help="benchmark the backends side by side")
    bench.add_argument("--suite", choices=("core", "full", "ui", "feeds", "load"), default="core")
    bench.add_argument(
        "--clients", type=int, default=16, help="load suite: concurrent clients (default 16)"
    )
    bench.add_argument(
        "--duration",
        type=float,
        default=60.0,
        help="load suite: seconds each client keeps calling (default 60)",
    )
    bench.add_argument(
        "--backends", default=None, help="comma-separated backends (default: the suite's own list)"
    )
    bench.add_argument(
        "--sizes", default=None, help="comma-separated size multipliers, e.g. 1,4,16"
    )
    bench.add_argument(
        "--repeats",
        type=int,
        default=None,
        help="most timed calls per row (slow rows use fewer, to fit the time budget)",
    )
    bench.add_argument("--json", metavar="PATH", help="write the results as JSON")
    bench.add_argument("--csv", metavar="PATH", help="write the results as CSV")
    bench.add_argument(
        "--grpc-address",
        metavar="HOST:PORT",
        help="benchmark this server instead of an embedded one",
    )

    report = sub.add_parser("report", help="export a self-contained HTML report")
    report.add_argument("--pair", metavar="Y:X", help="symbols of the pair, e.g. KO:PEP")
    report.add_argument("--start", metavar="DATE")
    report.add_argument("--end", metavar="DATE")
    report.add_argument("--lookback", type=int)
    report.add_argument("--entry-z", type=float)
    report.add_argument("--exit-z", type=float)
    report.add_argument("--cost-bps", type=float)
    report.add_argument("--backend", default="native")
    report.add_argument(
        "--include",
        metavar="NAMES",
        help="optional analyses to add, comma-separated: regimes,portfolio",
    )
    report.add_argument(
        "--bench",
        metavar="PATH",
        help="benchmark results to include (the JSON of arblab bench --json)",
    )
    report.add_argument("-o", "--output", required=True, metavar="PATH")

    record = sub.add_parser("record", help="record an order-book feed (crash-safe, Arrow IPC)")
    record.add_argument("--source", choices=("simulated", "binance", "kraken"), required=True)
    record.add_argument("--symbol", default="BTCUSDT", help="exchange symbol (Kraken: BTC/USD)")
    record.add_argument("--out", required=True, metavar="DIR", help="recording directory")
    record.add_argument("--config", metavar="FILE", help="feed configuration (JSON)")
    record.add_argument("--ws-url", help="WebSocket endpoint (default: the exchange's)")
    record.add_argument("--rest-url", help="REST endpoint (Binance snapshots)")
    record.add_argument("--depth", type=int, help="Binance snapshot limit / Kraken book depth")
    record.add_argument("--seconds", type=float, help="stop after this many seconds")
    record.add_argument("--max-rows", type=int, help="stop when this many rows are durable")
    record.add_argument(
        "--flush-rows", type=int, default=65_536, help="flush every N rows (default 65536)"
    )
    record.add_argument(
        "--flush-ms", type=float, default=250.0, help="flush at least every N ms (default 250)"
    )
    record.add_argument("--events-sim", type=int, default=100_000, help="simulated order arrivals")
    record.add_argument("--seed", type=int, default=0, help="simulated stream seed")
    record.add_argument("--rate", type=float, help="simulated rows per second (default: max)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    module = importlib.import_module(_COMMANDS[args.command])
    return int(module.run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
