"""How the lab prints numbers: durations, throughputs and speed-up ratios.

The benchmark tables, their captions, the Benchmark page and the runner's row notes all print
times and rates with these functions, so a figure reads the same wherever it is shown.
"""

from __future__ import annotations

import math


def fmt_time(seconds: float | None) -> str:
    """``1.23 s``, ``45.6 ms`` or ``789 us``; ``-`` when there is no time."""
    if seconds is None or not math.isfinite(seconds):
        return "-"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds * 1e6:.3g} us"


def fmt_rate(rate: float | None, unit: str) -> str:
    """Throughput with an SI prefix: ``1.25M updates/s``, ``0.82 GB/s``."""
    if rate is None or not math.isfinite(rate):
        return "-"
    if unit == "GB":
        return f"{rate:.3g} GB/s"
    for scale, prefix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if rate >= scale:
            return f"{rate / scale:.3g}{prefix} {unit}/s"
    return f"{rate:.3g} {unit}/s"


def fmt_speedup(speedup: float | None) -> str:
    """``2.5x``, ``98.3x``, ``177x``: three significant digits below 100; ``-`` when none."""
    if speedup is None or not math.isfinite(speedup):
        return "-"
    return f"{speedup:.3g}x" if speedup < 100 else f"{speedup:.0f}x"
