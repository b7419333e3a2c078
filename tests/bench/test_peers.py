"""lab.bench.peers: ArbLab against its peer libraries on the same input, results checked
equal before a rate is reported; a peer that is not installed is a skipped row with the
reason."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from lab.analytics.orderbook import native
from lab.bench import peers
from lab.bench.runner import SKIPPED, run_suite
from lab.bench.suites import SUITES
from lab.bench.workloads import PEER_ROWS, WORKLOADS


def test_peer_rows_are_self_timed_fixed_size_rows_of_core_and_full():
    assert "ob_vs_hftbacktest" in PEER_ROWS
    for name in PEER_ROWS:
        w = WORKLOADS[name]
        assert w.self_timed and w.fixed_size
        assert name in SUITES["core"].workloads and name in SUITES["full"].workloads


def test_hftbacktest_row_checks_best_bid_ask_at_every_record_point():
    pytest.importorskip("hftbacktest")
    ev = native.simulate_lob(3000, seed=4)
    timed = peers.ob_vs_hftbacktest(ev, every=7, runs=1)
    n_rec = len(ev) // 7 + 1
    assert f"identical at all {n_rec:,} record points" in timed.detail
    assert set(timed.parts) == {"hftbacktest hashmap", "hftbacktest vector"}
    # the check compares every record point exactly and names the first difference
    data = peers.hftbacktest_events(ev)
    res = native.ob_replay(ev, every=7)
    bid, ask = peers.hftbacktest_replay(data, res.index, 0.01, vector=False)
    peers.check_same_bbo(res, bid, ask, "hftbacktest")
    assert np.isfinite(bid).all() and np.isfinite(ask).all()
    bid[5] += 0.01
    with pytest.raises(AssertionError, match=r"best bid differs from x at 1 of \d+ record points"):
        peers.check_same_bbo(res, bid, ask, "x")


def test_streams_hftbacktest_reads_differently_are_refused():
    pytest.importorskip("hftbacktest")
    ev = native.simulate_lob(500, seed=1, snapshot_every=100)
    with pytest.raises(ValueError, match="only snapshot"):
        peers.hftbacktest_events(ev)
    ev = native.simulate_lob(500, seed=1, drop_prob=0.05)
    with pytest.raises(ValueError, match="no sequence gap"):
        peers.hftbacktest_events(ev)


def test_a_missing_peer_is_a_skipped_row_with_the_reason(monkeypatch):
    monkeypatch.setitem(sys.modules, "hftbacktest", None)  # import raises ImportError
    results = run_suite(["ob_vs_hftbacktest"], {"native": object()}, repeats=1)
    (row,) = results.rows
    assert row.status == SKIPPED and row.median_s is None
    assert "hftbacktest is not installed" in row.note and "arblab[peers]" in row.note


def test_upload_row_measures_arblab_and_flight_on_the_same_array():
    pytest.importorskip("pyarrow.flight")
    from lab.backends import get_backend
    from lab.rpc.embedded import start_embedded

    data = np.random.default_rng(1).standard_normal(2**20)
    with start_embedded(port=0) as srv:
        backend = get_backend("grpc", address=srv.address)
        try:
            timed = peers.upload_vs_flight(backend, data, runs=2)
            stored = backend.client.info()["cache"]
        finally:
            backend.close()
    assert set(timed.parts) == {"flight do_put"} and timed.seconds > 0
    assert "ArbLab PutDataset" in timed.detail and "Arrow Flight do_put" in timed.detail
    assert stored["entries"] >= 2  # every ArbLab upload was new content, really stored


def test_a_missing_flight_is_a_skipped_row(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow.flight", None)
    results = run_suite(["upload_vs_flight"], {"grpc": object()}, repeats=1)
    (row,) = results.rows
    assert row.status == SKIPPED and "pyarrow.flight is not available" in row.note
