"""Chunked computations in the models: progress, a stop within one chunk, retry, same result."""

from __future__ import annotations

import numpy as np
import pytest

from lab.analytics import native
from lab.models import ScanModel
from lab.models.work import Cancelled, Work


def _log_prices(dataset) -> np.ndarray:
    return np.log(dataset.prices.to_numpy())


def _counting(backend, calls: list):
    real = backend.call

    def call(function, *args, **kwargs):
        calls.append(function)
        return real(function, *args, **kwargs)

    backend.call = call


def test_a_scan_runs_in_chunks_reports_progress_and_equals_the_whole_call(dataset, backend):
    model = ScanModel(dataset=dataset, backend=backend)
    calls, seen = [], []
    _counting(backend, calls)
    model.work.param.watch(lambda e: seen.append((e.name, e.new)), ["running", "done"])
    result = model.scan()
    n_pairs = 15  # 6 symbols
    assert len(calls) == 8 and model.work.total == n_pairs and model.work.unit == "pairs"
    done = [v for name, v in seen if name == "done"]
    assert done == sorted(done) and done[-1] == n_pairs and len(done) == 8  # one per chunk
    assert [v for name, v in seen if name == "running"] == [True, False]
    whole = native.pair_scan(_log_prices(dataset))
    for field in ("statistic", "pvalue", "qvalue", "hedge_ratio", "half_life"):
        np.testing.assert_array_equal(getattr(result, field), getattr(whole, field))
    np.testing.assert_array_equal(result.pairs, whole.pairs)
    assert model.engine_of("pair_scan") == "native"


def test_a_stop_ends_the_scan_within_one_chunk_and_retry_runs_it_again(dataset, backend):
    model = ScanModel(dataset=dataset, backend=backend)
    calls: list = []
    _counting(backend, calls)
    stop_after_first = model.work.param.watch(
        lambda e: model.work.cancel() if e.new > 0 else None, "done"
    )
    with pytest.raises(Cancelled, match=r"Scanning pairs stopped by the user after 2 of 15 pairs"):
        model.scan()
    assert len(calls) == 1 and not model.work.running
    assert "stopped by the user" in model.work.message
    model.work.param.unwatch(stop_after_first)
    # the page's other derivations that need the stopped scan do not start it again
    with pytest.raises(Cancelled, match="stopped by the user"):
        model.ranked()
    assert len(calls) == 1
    # nothing was cached: Retry (a dependency of every derivation) runs the scan again
    model.work.retry()
    assert model.work.message == ""
    result = model.scan()
    assert len(calls) == 9 and result.pairs.shape == (15, 2)
    assert ("Work", "retry_event", False) in model.dependency_values("scan")


def test_an_unchunked_call_reports_no_progress(dataset, backend):
    model = ScanModel(dataset=dataset, backend=backend)
    seen = []
    model.work.param.watch(lambda e: seen.append(e.new), "running")
    model.compute("adf", np.log(dataset.prices["KO"].to_numpy()))
    assert seen == []


def test_cancel_when_idle_does_nothing():
    work = Work()
    work.cancel()
    work.start("sweep", 10, "lookbacks")
    work.check()  # no stop was pending
    work.cancel()
    with pytest.raises(Cancelled, match="Sweeping the parameter grid stopped .* 0 of 10 lookbacks"):
        work.check()


def test_other_settings_after_a_stop_run_at_once(dataset, backend):
    model = ScanModel(dataset=dataset, backend=backend)
    watcher = model.work.param.watch(lambda e: model.work.cancel() if e.new > 0 else None, "done")
    with pytest.raises(Cancelled):
        model.scan()
    model.work.param.unwatch(watcher)
    model.trend = "ct"
    assert model.scan().pairs.shape == (15, 2) and model.work.message == ""


def test_a_cached_result_for_other_settings_clears_the_stop(dataset, backend):
    model = ScanModel(dataset=dataset, backend=backend)
    model.scan()  # cached for trend "c"
    model.trend = "ct"
    watcher = model.work.param.watch(lambda e: model.work.cancel() if e.new > 0 else None, "done")
    with pytest.raises(Cancelled):
        model.scan()
    model.work.param.unwatch(watcher)
    assert model.work.message
    model.trend = "c"
    model.scan()  # from the cache: no chunk runs, and the stop message goes
    assert model.work.message == "" and not model.work.running
