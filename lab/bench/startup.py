"""Start-up rows: what a user waits for before the lab does anything.

``import_lab``: ``import lab`` in a fresh Python process (the same interpreter and ``lab`` as
this process), timed inside the child with :func:`time.perf_counter` around the import, so the
interpreter's own start-up is not counted. The files are in the operating system's cache after
the first child (a warm start); every timed call is a new process. The goal of the performance
issue is at most :data:`IMPORT_LAB_LIMIT_S`, and the row's note states the figure against it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from lab.bench.base import Request, Timed, Workload

IMPORT_LAB_LIMIT_S = 0.3
"""The goal for ``import lab`` (seconds)."""

CHILD_TIMEOUT_S = 120.0
"""A start-up child that has not finished after this many seconds is an error."""

_IMPORT_CODE = (
    "import json, sys, time; t0 = time.perf_counter(); import lab; t1 = time.perf_counter(); "
    "heavy = [m for m in ('numpy', 'scipy', 'pandas', 'numba', 'panel') if m in sys.modules]; "
    "print(json.dumps({'seconds': t1 - t0, 'loaded': heavy}))"
)


def _child_env() -> dict[str, str]:
    """This process's environment with the directory of this ``lab`` first on the path."""
    import lab

    root = str(Path(lab.__file__).resolve().parents[1])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    return env


def run_python(code: str) -> dict[str, Any]:
    """Run ``code`` in a fresh interpreter and return the JSON object it printed last."""
    try:
        proc = subprocess.run(
            [sys.executable, "-c", code],
            env=_child_env(),
            capture_output=True,
            text=True,
            timeout=CHILD_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"the start-up child did not finish in {CHILD_TIMEOUT_S:g} s") from None
    if proc.returncode != 0:
        tail = " | ".join(proc.stderr.strip().splitlines()[-5:])
        raise RuntimeError(f"the start-up child exited with status {proc.returncode}: {tail}")
    lines = proc.stdout.strip().splitlines()
    if not lines:
        raise RuntimeError("the start-up child printed nothing")
    return json.loads(lines[-1])


def import_lab() -> Timed:
    """One fresh-process ``import lab``, timed inside the child."""
    out = run_python(_IMPORT_CODE)
    seconds = float(out["seconds"])
    loaded = ", ".join(out["loaded"]) or "none"
    verdict = "within" if seconds <= IMPORT_LAB_LIMIT_S else "over"
    return Timed(
        seconds,
        {},
        f"{verdict} the {IMPORT_LAB_LIMIT_S:g} s goal; heavy modules loaded: {loaded}",
    )


def _import_request(m: float) -> Request:
    return Request((), {}, 1.0, "import lab in a fresh interpreter (files in the OS cache)")


STARTUP_WORKLOADS = (
    Workload(
        "import_lab",
        "import_lab",
        _import_request,
        "import lab, fresh process",
        unit="imports",
        kind="startup",
        call=lambda w, b, r: import_lab(),
        repeats=5,
        warmup=1,
    ),
)
"""The start-up rows, in report order."""
