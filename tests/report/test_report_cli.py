"""lab.report.cli: ``arblab report`` builds the report headless with the requested settings,
and refuses bad input with a one-line message and exit status 2."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from lab.analytics import PairParams
from lab.cli import build_parser, main
from lab.models.session import LabSession
from lab.report.cli import run
from tests.support.report import read_report

ARGS = [
    "--pair", "PEP:KO", "--start", "2018-01-01", "--end", "2021-12-31",
    "--lookback", "30", "--entry-z", "1.8", "--exit-z", "0.3", "--cost-bps", "3",
]  # fmt: skip


def test_cli_report_holds_the_models_numbers(tmp_path, capsys):
    out = tmp_path / "r.html"
    assert main(["report", *ARGS, "-o", str(out)]) == 0
    assert f"wrote {out}" in capsys.readouterr().out
    parsed = read_report(out.read_text(encoding="utf-8"))
    session = LabSession(backend="native", start=dt.date(2018, 1, 1), end=dt.date(2021, 12, 31))
    try:
        session.pair.param.update(
            y="PEP", x="KO", lookback=30, entry_z=1.8, exit_z=0.3, cost_bps=3.0
        )
        bt = session.pair.backtest()
        assert parsed.metrics["out_of_sample"]["sharpe"] == bt.metrics.out_of_sample["sharpe"]
        assert parsed.metrics["in_sample"]["total_return"] == bt.metrics.in_sample["total_return"]
        assert parsed.data["ou"]["half_life"] == session.pair.ou().half_life
        assert parsed.data["provenance"]["content_hash"] == session.dataset.content_hash
    finally:
        session.close()
    pair = parsed.data["pair"]
    assert (pair["y"], pair["x"]) == ("PEP", "KO")
    expected = dataclasses.asdict(PairParams(lookback=30, entry_z=1.8, exit_z=0.3, cost_bps=3.0))
    assert pair["params"] == expected
    assert (
        parsed.data["provenance"]["start"] >= "2018-01-01"
        and parsed.data["provenance"]["end"] <= "2021-12-31"
    )
    run_ = parsed.data["run"]
    assert run_["backend"] == "native" and run_["engines"]["backtest_pairs"] == "native"
    assert run_["command"].startswith("arblab report --pair PEP:KO --start 2018-01-01")
    assert parsed.data["analyses"] == {} and parsed.data["benchmark"] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--pair", "KO"], "--pair: expected Y:X"),
        (["--pair", "KO:KO"], "must be different symbols"),
        (["--pair", "KO:NOPE"], "--pair: unknown symbol 'NOPE'"),
        (["--start", "2020-13-01"], "--start: '2020-13-01' is not a date"),
        (["--start", "2021-01-01", "--end", "2020-01-01"], "is after --end"),
        (["--start", "2022-12-01"], "at least 50 are needed"),
        (["--backend", "gpu"], "--backend: unknown backend 'gpu'"),
        (["--lookback", "1"], "--lookback:"),
        (["--entry-z", "0.3"], "exit_z must satisfy"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(tmp_path, capsys, args, message):
    out = tmp_path / "r.html"
    assert main(["report", *args, "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("arblab report: ") and message in err
    assert len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_missing_output_directory_is_refused(tmp_path, capsys):
    assert main(["report", "-o", str(tmp_path / "nope" / "r.html")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_optional_analyses_and_benchmark_file(tmp_path, small_bench):
    bench = tmp_path / "bench.json"
    results = small_bench
    results.to_json(bench)
    out = tmp_path / "r.html"
    args = build_parser().parse_args(["report", "--start", "2020-01-01", "-o", str(out)])
    args.include = "regimes"  # options proposed for lab/cli.py: --include and --bench
    args.bench = str(bench)
    assert run(args) == 0
    parsed = read_report(out.read_text(encoding="utf-8"))
    assert list(parsed.data["analyses"]) == ["regimes"]
    assert parsed.data["analyses"]["regimes"]["engine"] == "native"
    assert parsed.data["benchmark"]["rows"][0]["median_s"] == results.rows[0].median_s
    assert "regimes_price" in parsed.plots


def test_unreadable_benchmark_file_is_refused(tmp_path, capsys):
    bad = tmp_path / "bench.json"
    bad.write_text("{not json", encoding="utf-8")
    args = build_parser().parse_args(["report", "-o", str(tmp_path / "r.html")])
    args.bench = str(bad)
    assert run(args) == 2
    assert "--bench: cannot read benchmark results" in capsys.readouterr().err


def test_unknown_optional_analysis_is_refused(tmp_path, capsys):
    args = build_parser().parse_args(["report", "-o", str(tmp_path / "r.html")])
    args.include = "regimes,options"
    assert run(args) == 2
    assert "unknown report section 'options'" in capsys.readouterr().err
    assert not (tmp_path / "r.html").exists()
