"""``arblab bench --suite load``: a short run against an in-process server reports real calls."""

from __future__ import annotations

from lab.bench.load import run_load
from lab.cli import build_parser
from tests.rpc.rpc_support import start_server


def test_a_short_load_run_reports_calls_codes_and_latencies():
    srv = start_server(workers=2, cache_mb=64)
    try:
        result = run_load(address=srv.address, clients=3, duration_s=2.0)
    finally:
        srv.stop(0).wait()
    assert result.calls > 10 and result.errors == 0, result.text()
    assert result.codes["OK"] == result.calls == len(result.latencies_ms)
    assert 0 < result.quantile_ms(0.5) <= result.quantile_ms(0.99)
    text = result.text()
    assert "calls/s" not in text and "/s)" in text and "p99" in text
    assert set(result.as_dict()) >= {"calls_per_s", "codes", "p50_ms", "p95_ms", "p99_ms"}


def test_the_cli_knows_the_load_suite():
    args = build_parser().parse_args(["bench", "--suite", "load", "--duration", "5"])
    assert args.suite == "load" and args.duration == 5.0 and args.clients == 16
