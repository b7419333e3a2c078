"""The ``arblab server`` command-line options, declared once.

:mod:`lab.cli` adds them to its ``server`` sub-command and ``python -m lab.rpc.server`` (the
embedded server's child process) to its own parser; :func:`lab.rpc.serving.config_from_args`
turns the parsed arguments into a validated :class:`~lab.rpc.serving.ServerConfig`. This
module imports only :mod:`argparse`, so ``arblab --help`` stays fast.
"""

from __future__ import annotations

import argparse

from lab.rpc.wire import DEFAULT_HOST, DEFAULT_PORT


def add_server_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the analytics server's options to ``parser`` (and return it)."""
    parser.add_argument(
        "--host", default=DEFAULT_HOST, help=f"address to bind (default {DEFAULT_HOST})"
    )
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"port (default {DEFAULT_PORT}; 0 picks a free one)",
    )
    parser.add_argument(
        "--token-env", metavar="VAR", help="environment variable holding the bearer token"
    )
    parser.add_argument("--tls-cert", metavar="FILE", help="PEM certificate chain for TLS")
    parser.add_argument("--tls-key", metavar="FILE", help="PEM private key for TLS")
    parser.add_argument("--workers", type=int, default=4, help="worker threads (default 4)")
    parser.add_argument(
        "--cache-mb",
        type=float,
        default=512.0,
        help="memory cap of the dataset and response caches in MiB (default 512; encoded "
        "responses take an eighth, at most 64)",
    )
    parser.add_argument(
        "--max-request-mb",
        type=float,
        default=128.0,
        help="largest single message in MiB (default 128; larger datasets stream)",
    )
    parser.add_argument(
        "--upload-idle-s",
        type=float,
        default=30.0,
        help="end an upload stream silent for this many seconds (default 30)",
    )
    parser.add_argument(
        "--max-client-calls",
        type=int,
        default=16,
        help="analytics calls one client connection may have running or queued (default 16)",
    )
    parser.add_argument(
        "--isolation",
        choices=("process", "thread"),
        default="process",
        help="run analytics in worker processes the server can stop (default) or in its threads",
    )
    parser.add_argument(
        "--log-level", default="INFO", help="logging level (DEBUG logs one line per request)"
    )

    return parser
