"""``arblab bench``, the suites, and the table renderings."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from lab.bench import suites
from lab.bench.report import captions, to_markdown, to_text
from lab.bench.runner import run_suite
from lab.bench.suites import Suite, open_backends, parse_backends, parse_sizes
from lab.cli import main
from lab.format import MISSING, fmt_rate, fmt_time
from tests.bench.bench_fakes import FakeBackend, toy_workload


def test_core_suite_holds_the_issue_workloads_and_full_all_of_them():
    core = suites.SUITES["core"]
    assert set(core.workloads) == {
        "import_lab",
        "numba_compile",
        "numba_cache_load",
        "pair_scan",
        "engle_granger",
        "backtest_pairs",
        "sweep",
        "rolling_stats",
        "hmm_fit",
        "optimize_portfolio",
        "ob_replay",
        "backtest_many",
        "backtest_overhead",
        "memory_floor",
        "backtest_16m",
        "ob_vs_hftbacktest",
        "upload_vs_flight",
        "grpc_info",
        "upload_stream",
        "upload_unary",
        "grpc_backtest",
        "grpc_backtest_repeat",
        "grpc_backtest_fields",
    }
    assert core.backends[:2] == ("reference", "native") and core.sizes == (1.0,)
    full = suites.SUITES["full"]
    assert set(full.backends) == {"reference", "native", "grpc", "dask"}
    assert full.sizes == (1.0, 4.0, 16.0) and set(core.workloads) <= set(full.workloads)
    # the start-up and compile-time rows come first in both suites (fresh processes, run
    # before this one has loaded or compiled anything)
    first = ("import_lab", "numba_compile", "numba_cache_load")
    assert core.workloads[:3] == full.workloads[:3] == first


def test_parse_backends_and_sizes():
    assert parse_backends("reference, native", ()) == ["reference", "native"]
    assert parse_backends(None, ("native",)) == ["native"]
    with pytest.raises(ValueError, match="unknown backend"):
        parse_backends("native,cuda", ())
    assert parse_sizes("1,4x,16", ()) == [1.0, 4.0, 16.0]
    for bad in ("0", "-1", "x", "nan", ""):
        with pytest.raises(ValueError, match="sizes"):
            parse_sizes(bad, ())


def test_a_backend_that_cannot_be_set_up_gives_error_rows_with_the_reason():
    def factory(name):
        raise OSError("no route")

    with open_backends(["dask"], grpc_address=None, factory=None) as (backends, _):
        assert backends["dask"].status == "not started"  # lazily started: nothing yet
    with open_backends(["native"], factory=factory) as (backends, _):
        assert (
            backends["native"].status == "unavailable: could not set up native: OSError: no route"
        )


def test_a_grpc_address_with_no_server_gives_fallback_rows():
    with open_backends(["grpc"], grpc_address="127.0.0.1:9") as (backends, server):
        assert server is None  # an address was given: no embedded server
        results = run_suite(["rolling_stats"], backends, sizes=[0.05], repeats=1)
    [row] = results.rows
    assert row.ok and row.backend == "grpc" and row.ran_on == "grpc->native (fallback)"


def test_cli_prints_a_markdown_table_and_writes_json_and_csv(tmp_path, monkeypatch, capsys):
    tiny = Suite(
        "core",
        ("correlation", "rolling_stats"),
        ("reference", "native"),
        (0.25,),
        repeats=2,
        budget_s=0.01,
    )
    monkeypatch.setitem(suites.SUITES, "core", tiny)
    code = main(
        [
            "bench",
            "--suite",
            "core",
            "--json",
            str(tmp_path / "b.json"),
            "--csv",
            str(tmp_path / "b.csv"),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "| workload | size | ran on |" in out  # stdout is not a TTY under pytest: markdown
    assert "| correlation | 0.25x | native |" in out and "Versions:" in out
    data = json.loads((tmp_path / "b.json").read_text())
    assert [r["ran_on"] for r in data["rows"]] == ["reference", "native"] * 2
    assert data["machine"]["usable_cores"] >= 1
    assert len(pd.read_csv(tmp_path / "b.csv")) == 4


def test_cli_reports_bad_arguments_without_a_traceback(capsys):
    assert main(["bench", "--backends", "native,quantum"]) == 2
    assert "unknown backend" in capsys.readouterr().err
    assert main(["bench", "--sizes", "1,-4", "--backends", "native"]) == 2


def test_text_and_markdown_tables_show_errors_and_captions():
    results = run_suite(
        [toy_workload()],
        {
            "reference": FakeBackend("reference"),
            "native": FakeBackend("native"),
            "grpc": FakeBackend("grpc", fallback_after=0),
            "dask": FakeBackend("dask", fail_on={1}),
        },
        sizes=[1, 4],
        repeats=2,
    )
    text, md = to_text(results), to_markdown(results)
    for rendering in (text, md):
        assert "grpc->native (fallback)" in rendering
        assert "ERROR ValueError: toy failed on call 1" in rendering
        assert "toy 4x: 400 numbers" in rendering
    caps = captions(results)
    assert caps["native"].startswith("native: median ")
    assert "not counted as grpc" in caps["grpc"]
    assert "failed (toy)" in caps["dask"]
    assert md.count("\n| toy |") == 8


def test_formatting_helpers():
    assert fmt_time(None) == MISSING and fmt_time(2.5) == "2.50 s"
    assert fmt_time(0.0123) == "12.3 ms" and fmt_time(4.5e-5) == "45 us"
    assert fmt_rate(1.5e6, "updates") == "1.5M updates/s" and fmt_rate(0.8, "GB") == "0.8 GB/s"
