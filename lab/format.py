"""How the lab prints numbers: values in a given format, durations, throughputs and speed-ups.

The pages (``components/``), the exported report (:mod:`lab.report`) and the benchmark tables,
captions and row notes (:mod:`lab.bench`) all print numbers with these functions, so a figure
reads the same wherever it is shown. Every function returns plain text: a caller that puts it
in HTML escapes it.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

MISSING = "–"
"""Printed for a missing value: None or NaN (e.g. a Sharpe ratio without variation), or no
time measured."""

POS_INF = "∞"
NEG_INF = "-∞"


def number(value: Any, fmt: str = "{:.4g}") -> str:
    """``value`` formatted with the ``str.format`` pattern ``fmt``.

    Parameters
    ----------
    value : number, str or None
        A real number (Python or NumPy scalar); other values are passed to ``fmt`` as they are.
    fmt : str
        A ``str.format`` pattern such as ``"{:+.2%}"`` or ``"{:,.0f}"``.

    Returns
    -------
    str
        :data:`MISSING` for None and NaN, :data:`POS_INF` / :data:`NEG_INF` for infinities,
        ``str(value)`` when ``fmt`` does not apply to ``value``.
    """
    if value is None:
        return MISSING
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        v = float(value)
        if math.isnan(v):
            return MISSING
        if math.isinf(v):
            return POS_INF if v > 0 else NEG_INF
    try:
        return fmt.format(value)
    except (TypeError, ValueError):
        return str(value)


def fmt_time(seconds: float | None) -> str:
    """``1.23 s``, ``45.6 ms`` or ``789 us``; :data:`MISSING` when there is no time."""
    if seconds is None or not math.isfinite(seconds):
        return MISSING
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds * 1e6:.3g} us"


def fmt_rate(rate: float | None, unit: str) -> str:
    """Throughput with an SI prefix: ``1.25M updates/s``, ``0.82 GB/s``; :data:`MISSING` when
    there is none."""
    if rate is None or not math.isfinite(rate):
        return MISSING
    if unit == "GB":
        return f"{rate:.3g} GB/s"
    for scale, prefix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if rate >= scale:
            return f"{rate / scale:.3g}{prefix} {unit}/s"
    return f"{rate:.3g} {unit}/s"


def fmt_speedup(speedup: float | None) -> str:
    """``2.5x``, ``98.3x``, ``177x``: three significant digits below 100; :data:`MISSING` when
    none."""
    if speedup is None or not math.isfinite(speedup):
        return MISSING
    return f"{speedup:.3g}x" if speedup < 100 else f"{speedup:.0f}x"
