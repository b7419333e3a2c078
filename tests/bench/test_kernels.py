"""lab.bench.kernels: the Python-share and memory-floor rows of the native backtest."""

from __future__ import annotations

import numpy as np
import pytest

from lab.analytics import workloads as wl
from lab.bench import kernels
from lab.bench.base import Timed
from lab.bench.suites import SUITES
from lab.bench.workloads import KERNEL_ROWS, WORKLOADS
from lab.kernels.backtest import SERIES


def test_rows_are_registered_native_only_self_timed_in_core_and_full():
    assert KERNEL_ROWS == ("backtest_overhead", "memory_floor", "backtest_16m")
    for name in KERNEL_ROWS:
        w = WORKLOADS[name]
        assert w.self_timed and w.fixed_size and w.fixed_backend == "native"
        assert name in SUITES["core"].workloads and name in SUITES["full"].workloads


def test_bytes_per_bar_counts_inputs_result_rows_and_flags():
    assert kernels.bytes_per_bar() == 2 * 8 + 8 * len(SERIES) + 2 == 114
    assert kernels.floor_seconds(1000, 114e9) == pytest.approx(1e-6)


def test_copy_bandwidth_is_a_plausible_rate_and_checks_its_size():
    bw = kernels.copy_bandwidth(nbytes=8 * 2**20, copies=2)
    assert 1e8 < bw < 1e13  # between 0.1 GB/s and 10 TB/s
    with pytest.raises(ValueError, match="nbytes must be between 1 MiB and 4 GiB"):
        kernels.copy_bandwidth(nbytes=10)


def test_overhead_row_splits_the_call_into_python_and_kernels():
    y, x, params = wl.backtest(1.0).args
    kernels.backtest_overhead(y, x, params, runs=1)  # compile
    timed = kernels.backtest_overhead(y, x, params, runs=20)
    assert isinstance(timed, Timed)
    assert set(timed.parts) == {"python", "kernels"}
    assert all(v > 0 for v in timed.parts.values())
    share = timed.parts["python"] / sum(timed.parts.values())
    assert f"Python {share:.1%} of the call" in timed.detail
    assert ("within" in timed.detail) == (share < kernels.OVERHEAD_LIMIT)
    with pytest.raises(ValueError, match="runs must be between 1 and 10,000"):
        kernels.backtest_overhead(y, x, params, runs=0)


def test_long_row_states_its_ratio_to_the_floor_measured_in_the_call():
    y, x = wl.synthetic_pairs(4000, 1, seed=7)
    y, x = np.ascontiguousarray(y[:, 0]), np.ascontiguousarray(x[:, 0])
    timed = kernels.backtest_long(y, x, wl.default_pair_params(), runs=2)
    ratio = timed.seconds / timed.parts["floor"]
    assert f"{ratio:.1f}x the memory floor" in timed.detail
    assert timed.parts["floor"] > 0
