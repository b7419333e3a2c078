"""Rendering benchmark results: a terminal table, a markdown table, and plain-words captions.

Everything here is derived from :class:`lab.bench.runner.BenchResults`; no number is added that
the runner did not measure.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from lab.bench.machine import describe
from lab.bench.runner import ERROR, REFERENCE, SKIPPED, BenchResults, Row
from lab.bench.workloads import JIT_ROWS
from lab.format import MISSING, fmt_rate, fmt_speedup, fmt_time

HEADERS = (
    "workload",
    "size",
    "ran on",
    "runs",
    "first call (compile+run)",
    "median",
    "p95",
    "p99",
    "throughput",
    "vs reference",
    "note",
)

TEXT_COLUMNS = ("workload", "size", "ran on", "note")
"""Columns of :data:`HEADERS` that hold words (left-aligned); the others hold numbers."""

NUMERIC_COLUMNS = tuple(h for h in HEADERS if h not in TEXT_COLUMNS)
"""Columns of :data:`HEADERS` that hold numbers (right-aligned in every rendering)."""


def table_rows(results: BenchResults) -> list[list[str]]:
    """The table's cells, one list per row, in :data:`HEADERS` order."""
    out = []
    for r in results.rows:
        note = f"ERROR {r.error}" if r.status == ERROR else r.note
        out.append(
            [
                r.workload,
                f"{r.size:g}x",
                r.ran_on,
                str(r.runs) if r.status not in (ERROR, SKIPPED) else MISSING,
                fmt_time(r.first_call_s),
                fmt_time(r.median_s),
                fmt_time(r.p95_s),
                fmt_time(r.p99_s),
                fmt_rate(r.ops_per_s, r.unit),
                fmt_speedup(r.speedup),
                note,
            ]
        )
    return out


def _visible_columns(cells: list[list[str]]) -> list[int]:
    """Drop the p99 and note columns when every row leaves them empty."""
    keep = []
    for i, h in enumerate(HEADERS):
        if h in ("p99", "note") and all(c[i] in (MISSING, "") for c in cells):
            continue
        keep.append(i)
    return keep


def data_legend(results: BenchResults) -> list[str]:
    """``workload size: data`` lines describing each input measured."""
    seen = {}
    for r in results.rows:
        seen.setdefault((r.workload, r.size), r.shape)
    return [f"{w} {s:g}x: {shape}" for (w, s), shape in seen.items() if shape]


def to_text(results: BenchResults, max_note: int = 70) -> str:
    """A fixed-width table for the terminal, with the machine, data legend and captions."""
    cells = table_rows(results)
    for c in cells:
        if len(c[-1]) > max_note:
            c[-1] = c[-1][: max_note - 3] + "..."
    cols = _visible_columns(cells)
    headers = [HEADERS[i] for i in cols]
    body = [[c[i] for i in cols] for c in cells]
    widths = [max([len(h)] + [len(b[j]) for b in body]) for j, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(w) if h in NUMERIC_COLUMNS else v.ljust(w)
            for v, w, h in zip(values, widths, headers, strict=True)
        ]
        return "  ".join(parts).rstrip()

    lines = [_title(results), line(headers), line(["-" * w for w in widths])]
    lines += [line(b) for b in body]
    lines += ["", "Data:"] + [f"  {d}" for d in data_legend(results)]
    jit = [r for r in results.rows if r.workload in JIT_ROWS and r.ok and len(r.note) > max_note]
    if jit:
        lines += ["", "First calls per function (median over the row's runs):"]
        lines += [f"  {r.workload}: {r.note}" for r in jit]
    caps = captions(results)
    if caps:
        lines += ["", "Summary:"] + [f"  {c}" for c in caps.values()]
    return "\n".join(lines)


def to_markdown(results: BenchResults) -> str:
    """The same table as markdown (for the README), with the machine and versions it ran on."""
    cells = table_rows(results)
    cols = _visible_columns(cells)
    headers = [HEADERS[i] for i in cols]

    def esc(v: str) -> str:
        return v.replace("|", "\\|")

    align = ["---:" if h in NUMERIC_COLUMNS else "---" for h in headers]
    lines = [
        _title(results),
        "",
        "| " + " | ".join(headers) + " |",
        "| " + " | ".join(align) + " |",
    ]
    lines += ["| " + " | ".join(esc(c[i]) for i in cols) + " |" for c in cells]
    lines += ["", "Data: " + "; ".join(data_legend(results)) + "."]
    caps = captions(results)
    if caps:
        lines += [""] + [f"- {c}" for c in caps.values()]
    v = results.versions
    keys = ("numpy", "scipy", "statsmodels", "hmmlearn", "scikit-learn", "numba", "grpcio", "dask")
    lines += ["", "Versions: " + ", ".join(f"{k} {v[k]}" for k in keys if k in v) + "."]
    return "\n".join(lines)


def _title(results: BenchResults) -> str:
    state = " (cancelled)" if results.cancelled else ""
    return (
        f"arblab bench --suite {results.suite}{state}: {results.started}, "
        f"{results.elapsed_s:.0f} s. Machine: {describe(results.machine)}."
    )


# ------------------------------------------------------------------------------- captions
def _by_key(rows: list[Row], ran_on: str) -> dict[tuple[str, float], Row]:
    return {(r.workload, r.size): r for r in rows if r.ran_on == ran_on and r.ok and r.median_s}


def _wins_from(mine: dict, base: dict) -> dict[str, float | None]:
    """Per workload: the smallest size from which ``mine`` is faster than ``base`` at every
    larger measured size (None if it never is); only workloads measured on both."""
    sizes: dict[str, list[float]] = defaultdict(list)
    for w, s in mine:
        if (w, s) in base:
            sizes[w].append(s)
    out: dict[str, float | None] = {}
    for w, ss in sizes.items():
        ss.sort()
        start = None
        for s in reversed(ss):
            if mine[(w, s)].median_s < base[(w, s)].median_s:
                start = s
            else:
                break
        out[w] = start
    return out


def _wins_sentence(
    name: str, base_name: str, wins: dict[str, float | None], multi_size: bool
) -> str:
    if not wins:
        return ""
    never = sorted(w for w, s in wins.items() if s is None)
    beaten = sorted(w for w, s in wins.items() if s is not None)
    parts = []
    if beaten:
        if multi_size:
            parts.append(
                f"it beats {base_name} on "
                + ", ".join(f"{w} (from {wins[w]:g}x on)" for w in beaten)
            )
        else:
            parts.append(f"it beats {base_name} on {', '.join(beaten)}")
    if never:
        parts.append(f"it is slower than {base_name} on {', '.join(never)}")
    return "; ".join(parts)


def captions(results: BenchResults) -> dict[str, str]:
    """One plain-words sentence per backend, derived from the measured rows.

    Examples: ``"native: median 35x faster than reference over 8 workloads (1.2x to 400x) ..."``,
    ``"grpc: adds about 1.4 ms per call over native (median over 9 rows); it beats reference on
    pair_scan (from 1x on) ..."``.
    """
    rows = results.rows
    backends = list(dict.fromkeys(r.backend for r in rows))
    multi_size = len({r.size for r in rows}) > 1
    ref = _by_key(rows, REFERENCE)
    native = _by_key(rows, "native")
    out: dict[str, str] = {}
    for name in backends:
        mine = _by_key(rows, name)
        sentences: list[str] = []
        if name == REFERENCE:
            if mine:
                sentences.append(
                    "the baseline: statsmodels, hmmlearn, scipy, scikit-learn and pandas (speedup 1x)"
                )
        else:
            speedups = [r.speedup for r in mine.values() if r.speedup]
            if speedups and name == "native":
                sentences.append(
                    f"median {np.median(speedups):.3g}x faster than reference over {len(speedups)} "
                    f"rows (from {min(speedups):.3g}x to {max(speedups):.3g}x)"
                )
            if name != "native" and native:
                diffs = [mine[k].median_s - native[k].median_s for k in mine if k in native]
                if diffs:
                    d = float(np.median(diffs))
                    verb = "adds" if d >= 0 else "saves"
                    sentences.append(
                        f"{verb} about {fmt_time(abs(d))} per call compared with native "
                        f"(median over {len(diffs)} rows)"
                    )
            base, base_name = (native, "native") if name == "dask" else (ref, REFERENCE)
            if name != "native" or base:
                wins = _wins_from(mine, base)
                s = _wins_sentence(name, base_name, wins, multi_size)
                if s:
                    sentences.append(s)
            jit = {w: r for (w, _), r in mine.items() if w in JIT_ROWS}
            if name == "native" and jit:
                said = []
                if "numba_compile" in jit:
                    said.append(
                        f"{fmt_time(jit['numba_compile'].median_s)} to compile with an empty "
                        "numba cache"
                    )
                if "numba_cache_load" in jit:
                    said.append(
                        f"{fmt_time(jit['numba_cache_load'].median_s)} to load from numba's "
                        "on-disk cache (cache=True)"
                    )
                sentences.append(
                    "in a fresh process its core functions' first calls took " + " and ".join(said)
                )
            firsts = [r.first_call_s for r in mine.values() if r.first_call_s]
            if name == "native" and firsts:
                sentences.append(
                    f"its first calls (numba compile or cache load plus one run) took up to "
                    f"{fmt_time(max(firsts))}"
                )
        fallbacks = [r for r in rows if r.backend == name and r.fallback and r.ok]
        if fallbacks:
            sentences.append(
                f"{len(fallbacks)} row(s) ran on {fallbacks[0].ran_on} because the backend was "
                f"unavailable; they are not counted as {name}"
            )
        errors = [r for r in rows if r.backend == name and r.status == ERROR]
        if errors:
            names = ", ".join(sorted({r.workload for r in errors}))
            sentences.append(f"{len(errors)} row(s) failed ({names})")
        skipped = [r for r in rows if r.backend == name and r.status == SKIPPED]
        if skipped:
            sentences.append(f"{len(skipped)} row(s) skipped as too slow for the suite's cap")
        if sentences:
            text = "; ".join(sentences)
            out[name] = f"{name}: {text}."
    return out
