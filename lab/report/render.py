"""The report as one self-contained HTML file.

:func:`render_html` lays a :class:`~lab.report.content.ReportContent` out as sections of HTML
tables and the pages' own plots (:mod:`lab.plots`, rendered to Bokeh by
:mod:`lab.report.figures` and embedded with :func:`bokeh.embed.components`), with BokehJS and
its CSS inlined (:data:`bokeh.resources.INLINE`): the file opens from ``file://`` without any
network request. Two machine-readable JSON blocks
carry the numbers shown:

- ``<script type="application/json" id="arblab-metrics">``: the backtest metrics,
  ``{"in_sample": {...}, "out_of_sample": {...}}`` (NaN as null);
- ``<script type="application/json" id="arblab-report">``: every number of the report
  (provenance, pair, tests, OU fit, metrics, optional analyses, benchmark, run details).

Visible metric cells carry ``data-metric="<name>:<in|out>"``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bokeh.embed import components
from bokeh.resources import INLINE
from bokeh.themes import built_in_themes

from lab.analytics.backtest import METRIC_NAMES
from lab.bench.report import NUMERIC_COLUMNS
from lab.format import number
from lab.report import extras, figures
from lab.report.content import ReportContent
from lab.report.format import esc, metric_label, metric_text

STYLE = """
<style>
  :root { --fg:#0f172a; --muted:#64748b; --line:#e2e8f0; --accent:#0284c7; --bg:#ffffff; }
  body.arblab-report { font-family: Inter, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
    color: var(--fg); background: var(--bg); height: auto; }
  .arb-page { max-width: 1100px; margin: 0 auto; padding: 24px 28px 48px; }
  .arb-page h1 { font-size: 24px; margin: 0 0 4px; }
  .arb-page h2 { font-size: 18px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--accent); }
  .arb-page h3 { font-size: 14px; margin: 18px 0 6px; color: #1e293b; }
  .arb-sub, .arb-note { color: var(--muted); font-size: 13px; }
  .arb-note { margin: 4px 0 8px; }
  table.arb-table { border-collapse: collapse; font-size: 13px; margin: 6px 0 10px; }
  table.arb-table th, table.arb-table td { padding: 4px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
  table.arb-table thead th { border-bottom: 2px solid #cbd5e1; }
  table.arb-table td.num, table.arb-table th.num { text-align: right; font-variant-numeric: tabular-nums; }
  .arb-grid { display: flex; flex-wrap: wrap; gap: 8px 36px; }
  .arb-plot { margin: 8px 0 14px; }
  .arb-warn { color: #b45309; }
  details summary { cursor: pointer; color: var(--accent); font-size: 13px; margin: 6px 0; }
  code { font-size: 12px; background: #f1f5f9; padding: 1px 4px; border-radius: 3px; }
  @media print { .bk-toolbar { display: none; } }
</style>
"""

PLOT_THEME = built_in_themes["dark_minimal"]
"""Bokeh theme of the plots: the app's dark look (the pages' colours are chosen for it)."""


def page(title: str, body: str) -> str:
    """The HTML document: the report's stylesheet, then BokehJS and its CSS inlined from
    :data:`bokeh.resources.INLINE` (its raw files only, so nothing is loaded from a URL)."""
    css = "".join(f"<style>{c}</style>" for c in INLINE.css_raw)
    js = "".join(f'<script type="text/javascript">{j}</script>' for j in INLINE.js_raw)
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{esc(title)}</title>\n{STYLE}{css}\n{js}\n</head>\n{body}\n</html>\n"
    )


def json_block(value: Any) -> str:
    """Strict JSON (no NaN) that is safe inside a ``<script>`` element (``<`` as ``\\u003c``)."""
    text = json.dumps(value, allow_nan=False, sort_keys=False)
    return text.replace("<", "\\u003c")  # no "</script>" or "<!--" can end the element


# ----------------------------------------------------------------------------- HTML pieces
def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    numeric: Sequence[int] = (),
    css: str = "arb-table",
    raw: bool = False,
) -> str:
    """An HTML table; cells are escaped unless ``raw`` (pre-built HTML cells)."""
    num = set(numeric)
    head = "".join(
        f'<th class="{"num" if i in num else ""}">{esc(h)}</th>' for i, h in enumerate(headers)
    )
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="{"num" if i in num else ""}">{c if raw else esc(c)}</td>'
            for i, c in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    return (
        f'<table class="{css}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
    )


def key_values(pairs: Sequence[tuple[str, str]], key: str = "") -> str:
    """A two-column table of label and (escaped) value."""
    attr = f' data-table="{esc(key)}"' if key else ""
    rows = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in pairs)
    return f'<table class="arb-table"{attr}><tbody>{rows}</tbody></table>'


def metrics_table(metrics: dict[str, dict[str, Any]]) -> str:
    """In-sample and out-of-sample metrics; each value cell has ``data-metric``."""
    rows = []
    for key in METRIC_NAMES:
        cells = "".join(
            f'<td class="num" data-metric="{key}:{tag}">{esc(metric_text(key, metrics[seg][key]))}</td>'
            for seg, tag in (("in_sample", "in"), ("out_of_sample", "out"))
        )
        rows.append(f'<tr data-row="{key}"><th>{esc(metric_label(key))}</th>{cells}</tr>')
    return (
        '<table class="arb-table arb-metrics"><thead><tr><th>metric</th><th class="num">in-sample</th>'
        f'<th class="num">out-of-sample</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def _test_rows(test: dict[str, Any]) -> list[tuple[str, str]]:
    crit = test["crit_values"]
    return [
        ("statistic", number(test["statistic"], "{:.4f}")),
        ("p-value", number(test["pvalue"], "{:.4g}")),
        (
            "critical values (1% / 5% / 10%)",
            " / ".join(number(crit[k], "{:.3f}") for k in ("1%", "5%", "10%")),
        ),
        ("hedge ratio", number(test["hedge_ratio"], "{:.6g}")),
        ("intercept", number(test["intercept"], "{:.6g}")),
        ("lags", number(test["lags"], "{:d}")),
    ]


# ----------------------------------------------------------------------------- sections
def _header(d: dict[str, Any]) -> str:
    run = d["run"]
    prov = d["provenance"]
    fallback = (
        ' <span class="arb-warn">(a fallback engine ran part of it)</span>'
        if run["fallback"]
        else ""
    )
    return (
        f'<header><h1>{esc(d["title"])}</h1><div class="arb-sub">{esc(prov["source"])}, '
        f"{esc(prov['start'])} to {esc(prov['end'])}. Built {esc(run['timestamp'])} by ArbLab "
        f"{esc(run['arblab_version'])}; analytics ran on <b>{esc(run['ran_on'])}</b>{fallback}.</div></header>"
    )


def _view(d: dict[str, Any]) -> str:
    """The state of the view the report was exported from (none for ``arblab report``)."""
    v = d.get("view")
    if not v:
        return ""
    params = ", ".join(f"{k} = {number(val) if isinstance(val, float) else val}"
                       for k, val in v["parameters"].items())  # fmt: skip
    window = f"{v['window_start'] or 'first row'} to {v['window_end'] or 'last row'}"
    rows = [
        ("page", v["page"] or ""),
        ("backend", v["backend"]),
        ("dataset", v["dataset"] + (f" (seed {v['seed']})" if v["seed"] is not None else "")),
        ("window", window),
        ("pair", v["pair"]),
        ("parameters", params),
        ("link", v["link"] or ""),
    ]
    return (
        "<h2 id='view'>View</h2><div class='arb-note'>The lab's state when this report was "
        "exported; the link's query string reopens the same view.</div>" + key_values(rows, "view")
    )


def _provenance(d: dict[str, Any]) -> str:
    p = d["provenance"]
    settings = p["settings"]
    extra = [
        (k.replace("_", " "), "not set (all available dates)" if v is None else str(v))
        for k, v in settings.items()
        if k != "source"
    ]
    rows = [
        ("data source", p["source"]),
        ("date range", f"{p['start']} to {p['end']}"),
        ("rows (trading days)", f"{p['rows']:,}"),
        (f"symbols ({len(p['symbols'])})", ", ".join(p["symbols"])),
        ("content hash (blake2b of dates, symbols and prices)", p["content_hash"]),
        *extra,
    ]
    return "<h2 id='provenance'>Provenance</h2>" + key_values(rows, "provenance")


def _execution_rows(params: dict[str, Any]) -> list[tuple[str, str]]:
    """The execution model of the backtest (fill, notional, borrow, sizing, rebalancing,
    volatility target), as key-value rows."""
    every, threshold = params["rebalance_every"], params["rebalance_threshold"]
    rules = [f"every {every} days"] if every else []
    rules += [f"hedge drift > {number(threshold, '{:.0%}')}"] if threshold else []
    vol = params["vol_target"]
    return [
        ("fill", params["fill"]),
        ("entry notional", params["capital"]),
        ("borrow on shorts (bps / year)", number(params["borrow_bps_per_year"], "{:g}")),
        ("hedge ratio <= 0 at entry", params["negative_hedge"]),
        ("leg sizing", params["sizing"]),
        ("rebalance", " or ".join(rules) if rules else "never"),
        (
            "volatility target",
            "off"
            if vol is None
            else f"{number(vol, '{:.1%}')} a year over {params['vol_window']} days, "
            f"leverage cap {number(params['leverage_cap'], '{:g}')}",
        ),
    ]


def _band_rows(params: dict[str, Any]) -> list[tuple[str, str]]:
    """The units of the entry, exit and stop levels and, for spread bands, the spread they
    are levels of."""
    if params.get("band_units", "z") != "spread":
        return [("band units", "z-scores of the trailing window")]
    return [
        ("band units", "spread levels, USD from the spread mean"),
        ("spread hedge ratio β", number(params["spread_beta"], "{:.6g}")),
        ("spread mean (USD)", number(params["spread_mean"], "{:.6g}")),
    ]


def _pair(d: dict[str, Any]) -> str:
    pair = d["pair"]
    params = pair["params"]
    param_rows = [
        ("pair (y / x)", f"{pair['y']} / {pair['x']}"),
        ("rows", f"{pair['rows']:,} ({pair['first_date']} to {pair['last_date']})"),
        ("in-sample rows", f"{pair['n_train']:,} (out-of-sample from {pair['split_date']})"),
        ("lookback (days)", str(params["lookback"])),
        ("entry z", number(params["entry_z"], "{:g}")),
        ("exit z", number(params["exit_z"], "{:g}")),
        ("stop z", "none" if params["stop_z"] is None else number(params["stop_z"], "{:g}")),
        *_band_rows(params),
        ("cost (bps per leg)", number(params["cost_bps"], "{:g}")),
        ("hedge ratio method", params["hedge"]),
        ("train fraction", number(params["train_fraction"], "{:g}")),
        *_execution_rows(params),
    ]
    if pair.get("refused"):
        param_rows.insert(0, ("refused", pair["refused"]))
    coint, train, ou, bands = d["cointegration"], d["training_regression"], d["ou"], d["bands"]
    ou_rows = [
        (
            "kappa (per day)",
            f"{number(ou['kappa'], '{:.5g}')} ± {number(ou['kappa_se'], '{:.3g}')}",
        ),
        (
            "theta (spread units)",
            f"{number(ou['theta'], '{:.5g}')} ± {number(ou['theta_se'], '{:.3g}')}",
        ),
        (
            "sigma (per sqrt(day))",
            f"{number(ou['sigma'], '{:.5g}')} ± {number(ou['sigma_se'], '{:.3g}')}",
        ),
        (
            "half-life (trading days)",
            f"{number(ou['half_life'], '{:.2f}')} ± {number(ou['half_life_se'], '{:.2f}')}",
        ),
        ("log-likelihood", number(ou["loglik"], "{:.2f}")),
        ("transitions", str(ou["nobs"])),
    ]
    if bands["available"]:
        band_html = key_values(
            [
                (
                    "entry / exit (spread units)",
                    f"{number(bands['entry'], '{:.5g}')} / {number(bands['exit'], '{:.5g}')}",
                ),
                ("band as z-score", number(bands["entry_z"], "{:.3f}")),
                ("expected cycle time (days)", number(bands["expected_cycle_time"], "{:.1f}")),
                (
                    "expected return per trade (spread units)",
                    number(bands["expected_return_per_trade"], "{:.5g}"),
                ),
                ("round-trip cost (spread units)", number(bands["cost"], "{:.5g}")),
            ],
            "bands",
        )
    else:
        band_html = f'<div class="arb-note">Not available: {esc(bands["reason"])}</div>'
    return (
        "<h2 id='pair'>The pair</h2>"
        + key_values(param_rows, "parameters")
        + '<div class="arb-grid"><div><h3>Cointegration test</h3>'
        + f'<div class="arb-note">{esc(coint["test"])}</div>'
        + key_values(_test_rows(coint), "cointegration")
        + "</div><div><h3>In-sample hedge regression</h3>"
        + f'<div class="arb-note">{esc(train["test"])}</div>'
        + key_values(_test_rows(train), "training_regression")
        + "</div></div>"
        + '<div class="arb-grid"><div><h3>Ornstein-Uhlenbeck fit</h3>'
        + f'<div class="arb-note">Exact-discretisation MLE (dt = 1 trading day) of the spread {esc(ou["spread"])}; ± one standard error.</div>'
        + key_values(ou_rows, "ou")
        + "</div><div><h3>OU-optimal bands (Bertram 2010)</h3>"
        + band_html
        + "</div></div>"
    )


def _backtest_intro(d: dict[str, Any]) -> str:
    t = d["trades"]
    return (
        "<h2 id='backtest'>Backtest</h2>"
        f'<div class="arb-note">Z-score strategy without look-ahead; {t["count"]} trades '
        f"({t['in_sample']} in-sample, {t['out_of_sample']} out-of-sample). Metrics are computed "
        "separately on the in-sample and out-of-sample rows (252 days a year).</div>"
        + metrics_table(d["metrics"])
    )


def _walk_forward(d: dict[str, Any]) -> str:
    w = d["walk_forward"]
    if not w["available"]:
        return (
            "<h2 id='walk-forward'>Walk-forward evaluation</h2>"
            f'<div class="arb-note">Not available: {esc(w["reason"])}</div>'
        )
    m = w["metrics"]
    kind = "anchored (expanding)" if w["anchored"] else "rolling"
    rows = [
        ("folds", f"{int(m['n_folds'])} ({kind} training of {w['train']} rows, tests of {w['test']} rows"
                  + (", capped to the data" if w["capped"] else "") + ")"),
        ("out-of-sample return", number(m["total_return"], "{:+.2%}")),
        ("Sharpe (annualised)", number(m["sharpe"], "{:.3f}")),
        ("Probabilistic Sharpe Ratio (vs 0)", number(m["psr"], "{:.4f}")),
        (f"Deflated Sharpe Ratio ({int(m['n_trials'])} trials)", number(m["dsr"], "{:.4f}")),
        ("Probability of backtest overfitting",
         "not available (fewer than 2 trials)" if w["pbo"] is None
         else f"{number(w['pbo'], '{:.3f}')} (CSCV, {w['pbo_splits']} blocks)"),
    ]  # fmt: skip
    folds = [
        [
            str(f["train from"]),
            str(f["test from"]),
            str(f["test to"]),
            str(int(f["lookback"])),
            number(f["entry z"], "{:g}"),
            number(f["train sharpe"], "{:.2f}"),
            number(f["hedge"], "{:.4f}"),
            number(f["test return"], "{:+.2%}"),
        ]
        for f in w["folds"]
    ]
    warn = ""
    if m["dsr"] is None:  # NaN in the content (no variation in the out-of-sample returns)
        warn = (
            '<div class="arb-note">The Deflated Sharpe Ratio is undefined: the out-of-sample '
            "returns do not vary (no trades in the test rows?).</div>"
        )
    elif not m["dsr"] >= 0.95:
        warn = (
            '<div class="arb-note">The Deflated Sharpe Ratio is below 0.95: the out-of-sample '
            "Sharpe ratio is not distinguishable from the luck of choosing among the trials.</div>"
        )
    return (
        "<h2 id='walk-forward'>Walk-forward evaluation</h2>"
        '<div class="arb-note">On each fold the hedge ratio and the grid cell (highest training '
        "Sharpe) are chosen on the training rows only, then the next test rows are traded; the "
        "test returns are compounded across folds. PSR and DSR use per-period Sharpe ratios "
        "(Bailey &amp; López de Prado 2012, 2014).</div>"
        + warn
        + key_values(rows, "walk_forward")
        + table(
            [
                "train from",
                "test from",
                "test to",
                "lookback",
                "entry z",
                "train Sharpe",
                "hedge",
                "test return",
            ],
            folds,
            numeric=(3, 4, 5, 6, 7),
        )  # fmt: skip
    )


def _trades(content: ReportContent) -> str:
    trades = content.trades
    if not len(trades):
        return '<div class="arb-note">No trades.</div>'
    rows = [
        [
            str(r["entry"])[:10],
            str(r["exit"])[:10],
            str(r["side"]),
            number(float(r["pnl"]), "{:+.3%}"),
            str(int(r["days"])),
            str(r["exit reason"]),
            str(r["segment"]),
        ]
        for _, r in trades.iterrows()
    ]
    return (
        f"<details><summary>All {len(rows)} trades</summary>"
        + table(
            ["entry", "exit", "side", "P&L (of capital)", "days", "exit reason", "segment"],
            rows,
            numeric=(3, 4),
        )
        + "</details>"
    )


def _analysis(name: str, section: extras.Section) -> str:
    notes = "".join(f'<div class="arb-note">{esc(n)}</div>' for n in section.notes)
    tables = "".join(
        f"<h3>{esc(title)}</h3>" + table(headers, rows, numeric=range(1, len(headers)))
        for title, (headers, rows) in section.tables.items()
    )
    return f"<h2 id='{esc(name)}'>{esc(section.title)}</h2>{notes}{tables}"


def _benchmark(b: dict[str, Any]) -> str:
    numeric = [i for i, h in enumerate(b["headers"]) if h in NUMERIC_COLUMNS]
    caps = "".join(f"<li>{esc(c)}</li>" for c in b["captions"])
    state = " (cancelled)" if b["cancelled"] else ""
    return (
        "<h2 id='benchmark'>Benchmarks</h2>"
        f'<div class="arb-note">Suite {esc(b["suite"])}{state}, started {esc(b["started"])}, '
        f"{b['elapsed_s']:.1f} s. Measured on {esc(b['machine'])}. Times are medians of timed calls "
        'after a warm-up; "ran on" is the engine that actually ran.</div>'
        + table(b["headers"], b["cells"], numeric=numeric)
        + (f"<ul class='arb-note'>{caps}</ul>" if caps else "")
    )


def _run(d: dict[str, Any]) -> str:
    run = d["run"]
    rows = [
        (
            "backend chosen",
            run["backend"] + (f" ({run['backend_address']})" if run["backend_address"] else ""),
        ),
        ("backend status", run["backend_status"]),
        *((f"engine that ran {fn}", engine) for fn, engine in run["engines"].items()),
        ("ArbLab version", run["arblab_version"]),
        ("Python / NumPy / pandas", f"{run['python']} / {run['numpy']} / {run['pandas']}"),
        ("built at (UTC)", run["timestamp"]),
    ]
    if run["command"]:
        rows.append(("command", run["command"]))
    return "<h2 id='run'>Run details</h2>" + key_values(rows, "run")


# ----------------------------------------------------------------------------- render
def section_figures(name: str, section: Any) -> dict[str, Any]:
    """Plots of the optional section ``name`` (see :mod:`lab.report.extras`), by name."""
    spec = extras.SECTIONS.get(name)
    if spec is None or spec.figures is None or "error" in section.data:
        return {}
    return dict(spec.figures(section))


def render_html(content: ReportContent) -> str:
    """The complete, self-contained HTML document of ``content``."""
    d = content.data
    blocks: list[tuple[str, str]] = [
        ("html", _header(d)),
        ("html", _view(d)),
        ("html", _provenance(d)),
        ("html", _pair(d)),
        ("html", _backtest_intro(d)),
    ]
    models = figures.render(figures.pair_figures(content))
    blocks += [("plot", f.name) for f in models]
    blocks.append(("html", _trades(content)))
    blocks.append(("html", _walk_forward(d)))
    for name, section in content.analyses.items():
        blocks.append(("html", _analysis(name, section)))
        for fig in figures.render(section_figures(name, section)):
            models.append(fig)
            blocks.append(("plot", fig.name))
    if d["benchmark"] is not None:
        blocks.append(("html", _benchmark(d["benchmark"])))
    blocks.append(("html", _run(d)))
    names = [f.name for f in models]
    if len(set(names)) != len(names):
        raise ValueError(f"report figures need unique names, got {names}")
    script, divs = components({f.name: f for f in models}, theme=PLOT_THEME)
    parts = [
        value
        if kind == "html"
        else f'<div class="arb-plot" data-plot="{esc(value)}">{divs[value]}</div>'
        for kind, value in blocks
    ]
    body = (
        '<body class="arblab-report">\n<main class="arb-page">\n'
        + "\n".join(parts)
        + "\n</main>\n"
        + f'<script type="application/json" id="arblab-metrics">{json_block(d["metrics"])}</script>\n'
        + f'<script type="application/json" id="arblab-report">{json_block(d)}</script>\n'
        + script
        + "\n</body>"
    )
    return page(d["title"], body)
