"""The bounded result cache: LRU eviction, single-flight computation, fallback entries."""

from __future__ import annotations

import threading
import time

import numpy as np
import pandas as pd
import pytest

from lab.hashing import fingerprint
from lab.models.cache import Computed, ResultCache


def test_lru_is_bounded_and_evicts_the_least_recently_used():
    cache = ResultCache(maxsize=2)
    cache.get("a", lambda: Computed(1, "native"))
    cache.get("b", lambda: Computed(2, "native"))
    cache.get("a", lambda: Computed(-1, "native"))  # hit: "a" becomes most recent
    cache.get("c", lambda: Computed(3, "native"))  # evicts "b"
    assert len(cache) == 2
    assert "a" in cache and "c" in cache and "b" not in cache
    assert (cache.hits, cache.misses) == (1, 3)


def test_concurrent_requests_for_one_key_compute_once():
    cache = ResultCache(maxsize=4)
    calls = []

    def slow() -> Computed:
        calls.append(threading.get_ident())
        time.sleep(0.2)
        return Computed(42, "native")

    out: list[int] = []
    threads = [
        threading.Thread(target=lambda: out.append(cache.get("k", slow).value)) for _ in range(5)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert out == [42] * 5
    assert len(calls) == 1


def test_entries_rejected_by_keep_are_returned_but_not_stored():
    cache = ResultCache()
    entry = cache.get(
        "k", lambda: Computed(1, "native", fallback=True), keep=lambda e: not e.fallback
    )
    assert entry.value == 1 and entry.fallback
    assert "k" not in cache


def test_errors_propagate_and_are_not_cached():
    cache = ResultCache()

    def bad() -> Computed:
        raise ValueError("lookback must be >= 2")

    with pytest.raises(ValueError, match="lookback"):
        cache.get("k", bad)
    assert "k" not in cache
    assert cache.get("k", lambda: Computed(7, "native")).value == 7


def test_maxsize_must_be_positive():
    with pytest.raises(ValueError, match="maxsize"):
        ResultCache(0)


def test_fingerprint_follows_content():
    a = pd.DataFrame({"x": [1.0, 2.0]}, index=pd.to_datetime(["2020-01-01", "2020-01-02"]))
    assert fingerprint(a) == fingerprint(a.copy())
    assert fingerprint(a) != fingerprint(a * 1.0000001)
    assert fingerprint(a) != fingerprint(a.rename(columns={"x": "y"}))
    assert fingerprint(np.arange(3.0)) != fingerprint(np.arange(3))  # dtype matters
    assert fingerprint((1, "a", {"k": 2.0})) == fingerprint((1, "a", {"k": 2.0}))


def test_call_key_covers_every_argument_and_refuses_what_it_cannot_hash():
    import dataclasses

    from lab.analytics import PairParams
    from lab.models.cache import call_key

    y = np.linspace(1.0, 2.0, 5000)
    base = call_key("backtest_pairs", (y, y), {"params": PairParams()})
    assert base == call_key("backtest_pairs", (y.copy(), y.copy()), {"params": PairParams()})
    changed = y.copy()
    changed[2500] += 1e-12  # inside the part of the array a repr abbreviates
    assert call_key("backtest_pairs", (changed, y), {"params": PairParams()}) != base
    assert call_key("backtest_pairs", (y, y), {"params": PairParams(spread_mean=1e-9)}) != base
    assert call_key("sweep", (y, y), {"params": PairParams()}) != base
    assert call_key("backtest_pairs", (y, y), {"param": PairParams()}) != base  # by name

    @dataclasses.dataclass(frozen=True)
    class Holder:
        values: np.ndarray

    big = np.zeros(5000)
    other = big.copy()
    other[2500] = 1.0
    assert repr(Holder(big)) == repr(Holder(other))  # why dataclasses are hashed by field
    assert call_key("f", (Holder(big),), {}) != call_key("f", (Holder(other),), {})
    with pytest.raises(TypeError, match="cannot fingerprint a object"):
        call_key("f", (object(),), {})
