"""``arblab bench --suite ui``: responsiveness of the served lab, measured in headless Chromium.

Two measurements, on the real ``arblab serve`` command:

- **slider -> metric.** On the Mean reversion page (default pair KO/PEP on the bundled data,
  2015-2022), the lookback slider is dragged with the mouse and released ``moves`` times. The
  latency of one move is the time from the mouse release (a capture-phase ``pointerup``
  listener stamps ``performance.now()``) until the metrics table shows the backtest of the new
  lookback (its ``data-lookback`` attribute changes; a ``requestAnimationFrame`` poller stamps
  the first frame that shows it, so the resolution is one frame, about 16 ms). Reported: median,
  p95, p99 and min over the moves.
- **tab click -> page skeleton.** On one session, each page built on first visit is opened
  once: from the tab click (stamped in the page just before it) until the page's skeleton
  (``components/skeleton.py``) shows, and until the built page's own element appears, each by a
  ``requestAnimationFrame`` poller (one-frame resolution). Reported: median and p95 over the
  pages of the skeleton time; the note lists each page's skeleton / page times.
- **serve -> first interactive page.** From launching ``arblab serve`` until the landing page
  (Data) shows its plots in the browser: the process start, the HTTP server, the session's
  models and the first render. The time until the server answers HTTP is in the row's note.

Browser: Debian's Chromium at :data:`CHROMIUM` driven by Playwright's sync API
(``playwright install`` is never needed). The same helpers (:class:`ServedApp`,
:func:`launch_chromium`, :class:`PairPage`) drive the browser tests in ``tests/ui``; what only
the tests need is in ``tests/support/browser.py``.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

CHROMIUM = "/usr/bin/chromium"
"""Debian's Chromium, driven through Playwright's ``executable_path``."""

CHROMIUM_ARGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
"""Command-line flags for a quiet, offline, headless Chromium."""

VIEWPORT = {"width": 1600, "height": 1000}

PAGE_INDEX = {
    "Data": 0,
    "Pairs": 1,
    "Mean reversion": 2,
    "Regimes": 3,
    "Portfolio": 4,
    "Options": 5,
    "Order book": 6,
    "Benchmark": 7,
}
"""Tab index of each page (``?page=N`` opens it directly)."""

SLIDER_WORKLOAD = "ui: lookback slider release -> metric shown"
STARTUP_WORKLOAD = "ui: arblab serve -> first interactive page"
SKELETON_WORKLOAD = "ui: tab click -> page skeleton (first visit)"

PAGE_MARKERS = {
    "Pairs": ".arb-page-pairs",
    "Mean reversion": ".arb-page-pair",
    "Regimes": ".arb-page-regimes",
    "Portfolio": ".arb-page-portfolio",
    "Options": ".arb-page-options",
    "Order book": ".arb-page-orderbook",
    "Benchmark": ".arb-bench-table",
}
"""Pages built on first visit -> a selector that exists once the page is built."""

RECORD_JS = """sel => {
  const rec = {skeleton: null, page: null};
  const t0 = performance.now();
  const tick = () => {
    const now = performance.now() - t0;
    if (rec.skeleton === null && window.__arbDeep('.arb-skeleton')) rec.skeleton = now;
    if (rec.page === null && window.__arbDeep(sel)) rec.page = now;
    if (rec.page === null) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  window.__arbRecord = rec;
}"""
"""Record, frame by frame, when the skeleton and the page's marker first appear (ms after the
call, made just before the tab click)."""


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def chromium_missing_reason() -> str | None:
    """Why the browser measurements cannot run here (None when they can)."""
    if not Path(CHROMIUM).exists():
        return f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    return None


def launch_chromium(playwright: Any, **options: Any) -> Any:
    """Launch headless Debian Chromium with :data:`CHROMIUM_ARGS` (a Playwright ``Browser``)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS), **options)


class ServedApp:
    """``arblab serve`` in a child process, stopped (with its embedded server) on exit.

    Parameters
    ----------
    port : int, optional
        HTTP port (default: a free one).
    grpc : {"embedded", "none"} or str
        ``"embedded"`` (the command's default), ``"none"`` (``--no-grpc``) or a server address
        (``--grpc-address``).
    num_threads : int
        ``--num-threads``.
    timeout : float
        Seconds to wait for the app to answer HTTP.
    extra_args : tuple of str
        More ``arblab serve`` arguments (e.g. ``("--address", "0.0.0.0")``).

    Attributes
    ----------
    url : str
    state : dict
        What the command wrote to ``$ARBLAB_SERVE_STATE`` (pid, grpc address and pid, ...).
    http_ready_s : float
        Seconds from launching the command until it answered HTTP.
    """

    def __init__(
        self,
        port: int | None = None,
        grpc: str = "embedded",
        num_threads: int = 4,
        timeout: float = 120.0,
        extra_args: tuple[str, ...] = (),
    ) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self._dir = tempfile.TemporaryDirectory(prefix="arblab-serve-")
        self.state_path = Path(self._dir.name) / "state.json"
        self.log_path = Path(self._dir.name) / "serve.log"
        command = [
            sys.executable,
            "-m",
            "lab.cli",
            "serve",
            "--port",
            str(self.port),
            "--num-threads",
            str(num_threads),
        ]
        command += list(extra_args)
        if grpc == "none":
            command.append("--no-grpc")
        elif grpc != "embedded":
            command += ["--grpc-address", grpc]
        env = dict(os.environ, ARBLAB_SERVE_STATE=str(self.state_path))
        self.started = time.perf_counter()
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            command, stdout=self._log, stderr=subprocess.STDOUT, env=env
        )
        self.state: dict[str, Any] = {}
        try:
            self._wait(timeout)
        except BaseException:
            self.stop()
            raise
        self.http_ready_s = time.perf_counter() - self.started

    def _wait(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"arblab serve exited with status {self.process.returncode}:\n{self.log()}"
                )
            if self.state_path.exists():
                try:
                    # a first page build can take tens of seconds on a loaded machine; a
                    # shorter timeout abandons it and starts another session each time
                    with urllib.request.urlopen(self.url, timeout=90) as response:
                        if response.status == 200:
                            self.state = json.loads(self.state_path.read_text())
                            return
                except OSError:
                    pass
            time.sleep(0.1)
        raise TimeoutError(
            f"arblab serve did not answer on {self.url} within {timeout:g} s:\n{self.log()}"
        )

    def log(self) -> str:
        """The command's output so far."""
        try:
            return self.log_path.read_text(errors="replace")[-5000:]
        except OSError:
            return ""

    def stop(self, timeout: float = 20.0) -> int | None:
        """SIGTERM the command and wait for it (SIGKILL after ``timeout``); returns its status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        self._log.close()
        return self.process.returncode

    def close(self) -> None:
        self.stop()
        self._dir.cleanup()

    def __enter__(self) -> ServedApp:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# Finds elements through Panel's shadow roots.
DEEP_QUERY_JS = """
window.__arbDeep = function(selector, root) {
  root = root || document;
  const found = root.querySelector(selector);
  if (found) return found;
  const all = root.querySelectorAll('*');
  for (const el of all) {
    if (el.shadowRoot) {
      const inner = window.__arbDeep(selector, el.shadowRoot);
      if (inner) return inner;
    }
  }
  return null;
};
"""

# Stamps the release time and every frame at which the metrics table changes.
WATCH_JS = """
() => {
  if (window.__arb) return;
  window.__arb = {t0: null, changes: []};
  window.addEventListener('pointerup', () => { window.__arb.t0 = performance.now(); }, true);
  let host = null, last = null;
  const poll = () => {
    if (!host || !host.isConnected) {
      host = window.__arbDeep('.arb-metrics-pane');
    }
    let value = null;
    if (host) {
      const root = host.shadowRoot || host;
      const table = window.__arbDeep('[data-lookback]', root);
      if (table) value = table.getAttribute('data-lookback');
    }
    if (value !== last) { window.__arb.changes.push([performance.now(), value]); last = value; }
    requestAnimationFrame(poll);
  };
  poll();
}
"""


class PairPage:
    """Drive the Mean reversion page of a served app in a Playwright ``Page``."""

    def __init__(self, page: Any) -> None:
        self.page = page

    @classmethod
    def open(cls, browser: Any, url: str, timeout_ms: float = 60_000) -> PairPage:
        page = browser.new_page(viewport=VIEWPORT)
        page.add_init_script(DEEP_QUERY_JS)
        page.goto(f"{url}?page={PAGE_INDEX['Mean reversion']}")
        self = cls(page)
        self.wait_ready(timeout_ms)
        return self

    def wait_ready(self, timeout_ms: float = 60_000) -> None:
        """Wait until the metrics table and the lookback slider are shown."""
        self.page.locator(".arb-metrics-pane [data-lookback]").first.wait_for(timeout=timeout_ms)
        self.page.locator(".arb-lookback .noUi-handle").first.wait_for(timeout=timeout_ms)

    def metric(self, key: str = "sharpe:out") -> str:
        """Text of a metrics-table cell, e.g. ``"sharpe:out"``."""
        return self.page.locator(f'.arb-metrics-pane [data-metric="{key}"]').first.inner_text()

    def metrics(self) -> dict[str, str]:
        """Every metrics-table cell as text, keyed ``"<metric>:<in|out>"``."""
        cells = self.page.locator(".arb-metrics-pane [data-metric]")
        return {
            cells.nth(i).get_attribute("data-metric"): cells.nth(i).inner_text()
            for i in range(cells.count())
        }

    def lookback_shown(self) -> int:
        """The lookback the metrics table was computed with."""
        return int(
            self.page.locator(".arb-metrics-pane [data-lookback]").first.get_attribute(
                "data-lookback"
            )
        )

    def drag_lookback(self, dx: float) -> None:
        """Drag the lookback slider's handle by ``dx`` pixels and release it."""
        handle = self.page.locator(".arb-lookback .noUi-handle").first
        box = handle.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        mouse = self.page.mouse
        mouse.move(x, y)
        mouse.down()
        mouse.move(x + dx, y, steps=4)
        mouse.up()

    def wait_lookback_change(self, before: int, timeout_ms: float = 30_000) -> int:
        """Wait until the metrics table shows a lookback other than ``before``; return it."""
        self.page.wait_for_function(
            "(before) => { const el = window.__arbDeep('.arb-metrics-pane');"
            " const root = el && (el.shadowRoot || el);"
            " const t = root && window.__arbDeep('[data-lookback]', root);"
            " return t && t.getAttribute('data-lookback') !== String(before); }",
            arg=before,
            timeout=timeout_ms,
        )
        return self.lookback_shown()

    def slider_latencies(
        self, moves: int = 20, dx: float = 24.0, timeout_ms: float = 30_000
    ) -> list[float]:
        """Seconds from each release of the lookback slider until the new metrics are shown."""
        self.page.evaluate(WATCH_JS)
        out: list[float] = []
        for i in range(moves):
            before = self.lookback_shown()
            n_changes = self.page.evaluate("() => window.__arb.changes.length")
            self.drag_lookback(dx if i % 2 == 0 else -dx)
            self.wait_lookback_change(before, timeout_ms)
            t0, changes = self.page.evaluate("() => [window.__arb.t0, window.__arb.changes]")
            shown = [t for t, v in changes[n_changes:] if v is not None and v != str(before)]
            if t0 is None or not shown:
                raise RuntimeError("the slider release or the metric update was not observed")
            out.append((shown[0] - t0) / 1000.0)
        return out

    def engine(self) -> str:
        """The engine that computed the backtest shown (from the page's engine note)."""
        loc = self.page.locator(".arb-page-pair [data-engine]").first
        return loc.get_attribute("data-engine") or ""


def first_interactive_page(browser: Any, app: ServedApp, timeout_ms: float = 120_000) -> float:
    """Seconds from launching ``app`` until its landing page (Data) has drawn its plots."""
    page = browser.new_page(viewport=VIEWPORT)
    try:
        page.goto(app.url)
        page.locator(".arb-page-data canvas").first.wait_for(timeout=timeout_ms)
        page.locator(".arb-backend-select").first.wait_for(timeout=timeout_ms)
        return time.perf_counter() - app.started
    finally:
        page.close()


def open_tab(page: Any, name: str, timeout_ms: float = 120_000) -> dict[str, float | None]:
    """Click page ``name``'s tab and wait for its marker (:data:`PAGE_MARKERS`); return the
    milliseconds from the click to the skeleton (None: none was shown) and to the page."""
    page.evaluate(RECORD_JS, PAGE_MARKERS[name])
    page.locator(".bk-tab", has_text=name).first.click()
    page.wait_for_function("() => window.__arbRecord.page !== null", timeout=timeout_ms)
    return page.evaluate("() => window.__arbRecord")


def first_visits(browser: Any, url: str) -> dict[str, dict[str, float | None]]:
    """:func:`open_tab` of every page of :data:`PAGE_MARKERS`, in order, in one new session."""
    page = browser.new_page(viewport=VIEWPORT)
    try:
        page.add_init_script(DEEP_QUERY_JS)
        page.goto(url)
        page.locator(".arb-page-data canvas").first.wait_for(timeout=120_000)
        return {name: open_tab(page, name) for name in PAGE_MARKERS}
    finally:
        page.close()


def _percentile(values: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=float), q))


def run_ui_suite(
    moves: int = 20,
    backend: str = "native",
    repeats: int | None = None,
    backends: str | Sequence[str] | None = None,
    grpc_address: str | None = None,
) -> Any:
    """Measure the lab's responsiveness in headless Chromium (see the module docstring).

    Parameters
    ----------
    moves : int
        Slider moves per backend (``repeats`` overrides it, as ``arblab bench --repeats``).
    backend : str
        Backend of the slider measurement when ``backends`` is not given.
    backends : str or sequence of str, optional
        Comma-separated or list of backends to measure the slider on, each in its own session.
    grpc_address : str, optional
        Serve against this analytics server instead of the embedded one.

    Returns
    -------
    lab.bench.runner.BenchResults
        One row per backend for the slider (median, p95, p99, min of the latencies in seconds)
        and one row for the startup time.
    """
    from playwright.sync_api import sync_playwright

    from lab.bench.runner import ERROR, OK, BenchResults, Row

    reason = chromium_missing_reason()
    if reason is not None:
        raise RuntimeError(reason)
    moves = int(repeats if repeats is not None else moves)
    if moves < 1:
        raise ValueError(f"moves must be >= 1, got {moves}")
    if backends is None:
        names = [backend]
    elif isinstance(backends, str):
        names = [b.strip() for b in backends.split(",") if b.strip()]
    else:
        names = list(backends)
    results = BenchResults(
        suite="ui", settings={"moves": moves, "backends": names, "grpc_address": grpc_address}
    )
    results.started = time.strftime("%Y-%m-%dT%H:%M:%S")
    t_all = time.perf_counter()
    with ServedApp(grpc=grpc_address or "embedded") as app, sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            startup = first_interactive_page(browser, app)
            results.rows.append(
                Row(
                    workload=STARTUP_WORKLOAD,
                    size=1.0,
                    shape="Data page, bundled S&P 500 2015-2022",
                    backend="native",
                    ran_on="native",
                    status=OK,
                    runs=1,
                    median_s=startup,
                    min_s=startup,
                    unit="startups",
                    note=f"HTTP ready after {app.http_ready_s:.2f} s",
                )  # fmt: skip
            )
            visits = first_visits(browser, app.url)
            shown = [v["skeleton"] / 1000.0 for v in visits.values() if v["skeleton"] is not None]
            missing = [n for n, v in visits.items() if v["skeleton"] is None]
            results.rows.append(
                Row(
                    workload=SKELETON_WORKLOAD,
                    size=1.0,
                    shape=f"{len(visits)} pages, bundled data",
                    backend="native",
                    ran_on="native",
                    status=OK if shown else ERROR,
                    runs=len(shown),
                    median_s=float(np.median(shown)) if shown else None,
                    p95_s=_percentile(shown, 95) if shown else None,
                    min_s=float(np.min(shown)) if shown else None,
                    unit="pages",
                    error=f"no skeleton on {', '.join(missing)}" if missing else "",
                    note="goal: <= 200 ms; skeleton / page ms: "
                    + ", ".join(
                        f"{n} {v['skeleton'] or float('nan'):.0f} / {v['page']:.0f}"
                        for n, v in visits.items()
                    ),
                )  # fmt: skip
            )
            for name in names:
                page = PairPage.open(browser, app.url)
                try:
                    if name != "native":
                        page.page.locator(".arb-backend-select").get_by_text(
                            name, exact=True
                        ).click()
                        page.page.wait_for_timeout(1500)
                    page.slider_latencies(2)  # warm-up: first render, caches
                    lat = page.slider_latencies(moves)
                    engine = page.engine() or name
                finally:
                    page.page.close()
                results.rows.append(
                    Row(
                        workload=SLIDER_WORKLOAD,
                        size=1.0,
                        shape="KO/PEP 2015-2022 (2,012 days)",
                        backend=name,
                        ran_on=engine.replace(" (fallback)", "")
                        if "fallback" not in engine
                        else f"{name}->native (fallback)",
                        status=OK,
                        runs=len(lat),
                        warmup_runs=2,
                        median_s=float(np.median(lat)),
                        p95_s=_percentile(lat, 95),
                        p99_s=_percentile(lat, 99),
                        min_s=float(np.min(lat)),
                        ops_per_s=1.0 / float(np.median(lat)),
                        unit="moves",
                        note="goal: median <= 250 ms, p95 <= 500 ms",
                    )  # fmt: skip
                )
        finally:
            browser.close()
    results.elapsed_s = time.perf_counter() - t_all
    results.finished = time.strftime("%Y-%m-%dT%H:%M:%S")
    return results
