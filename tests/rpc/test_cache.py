"""lab.rpc.cache: LRU order, memory cap, dedupe, read-only storage and column selection."""

import numpy as np
import pandas as pd
import pytest

from lab.rpc import codec
from lab.rpc._gen import analytics_pb2 as pb
from lab.rpc.cache import CacheFullError, Dataset, DatasetCache


def dataset(values, labels=None, ref=None):
    values = np.asarray(values)
    values.flags.writeable = False
    return Dataset(ref or f"ref-{values.tobytes().hex()[:16]}-{values.shape}", values, labels)


def frame_dataset(frame):
    header, values = codec.dataset_payload(frame)
    labels = codec.frame_labels(header.frame, "header.frame")
    return dataset(values.copy(), labels, ref=codec.dataset_ref(header, codec.array_bytes(values)))


def test_lru_evicts_least_recently_used_within_the_cap():
    cache = DatasetCache(capacity_bytes=3 * 800)
    a, b, c, d = (dataset(np.full(100, float(i))) for i in range(4))  # 800 bytes each
    for item in (a, b, c):
        assert cache.put(item)[1] is True
    assert cache.get(a.ref) is a  # a is now the most recent
    cache.put(d)  # evicts b, the least recently used
    assert cache.contains(a.ref) and not cache.contains(b.ref) and cache.contains(d.ref)
    stats = cache.stats()
    assert stats["entries"] == 3 and stats["bytes"] == 2400 and stats["evictions"] == 1
    assert stats["bytes"] <= stats["capacity_bytes"]


def test_same_content_is_stored_once():
    cache = DatasetCache(capacity_bytes=10_000)
    first = dataset(np.arange(10.0), ref="sha256:x")
    second = dataset(np.arange(10.0), ref="sha256:x")
    stored, created = cache.put(first)
    again, created_again = cache.put(second)
    assert created and not created_again and again is stored
    assert (
        cache.stats()["entries"] == 1
        and cache.stats()["bytes"] == 80
        and cache.stats()["uploads"] == 2
    )


def test_larger_than_cap_is_refused_and_misses_are_counted():
    cache = DatasetCache(capacity_bytes=100)
    with pytest.raises(CacheFullError, match="exceeds the server's dataset cache cap"):
        cache.put(dataset(np.zeros(20)))
    assert cache.get("sha256:nothing") is None
    assert cache.stats()["misses"] == 1 and cache.stats()["entries"] == 0
    with pytest.raises(ValueError):
        DatasetCache(0)


def test_selection_returns_copies_and_never_exposes_the_stored_values():
    frame = pd.DataFrame(
        np.arange(12.0).reshape(4, 3),
        index=pd.date_range("2021-01-01", periods=4, name="date"),
        columns=pd.Index(["KO", "PEP", "XOM"], name="symbol"),
    )
    item = frame_dataset(frame)
    assert not item.values.flags.writeable

    whole = item.select(pb.DatasetColumns(ref=item.ref), "prices")
    pd.testing.assert_frame_equal(whole, frame, check_freq=False)
    whole.iloc[0, 0] = -1.0
    assert item.values[0, 0] == 0.0

    two = item.select(pb.DatasetColumns(ref=item.ref, columns=["XOM", "KO"]), "prices")
    pd.testing.assert_frame_equal(two, frame[["XOM", "KO"]], check_freq=False)

    one = item.select(pb.DatasetColumns(ref=item.ref, columns=["PEP"], squeeze=True), "y")
    pd.testing.assert_series_equal(one, frame["PEP"], check_freq=False)

    by_index = item.select(pb.DatasetColumns(ref=item.ref, column_indices=[2], squeeze=True), "x")
    pd.testing.assert_series_equal(by_index, frame["XOM"], check_freq=False)


def test_bad_selections_name_the_field():
    item = frame_dataset(pd.DataFrame(np.ones((3, 2)), columns=["a", "b"]))
    with pytest.raises(
        codec.WireError, match=r"field 'y.columns\[0\]': no column 'zz'; columns are a, b"
    ):
        item.select(pb.DatasetColumns(ref=item.ref, columns=["zz"]), "y")
    with pytest.raises(
        codec.WireError, match=r"field 'y.column_indices\[1\]': column 5 out of range"
    ):
        item.select(pb.DatasetColumns(ref=item.ref, column_indices=[0, 5]), "y")
    with pytest.raises(codec.WireError, match="not both"):
        item.select(pb.DatasetColumns(ref=item.ref, columns=["a"], column_indices=[0]), "y")
    flat = dataset(np.arange(5.0))
    with pytest.raises(codec.WireError, match="is 1-D; it has no columns"):
        flat.select(pb.DatasetColumns(ref=flat.ref, column_indices=[0]), "x")
    plain = dataset(np.ones((3, 2)))
    with pytest.raises(codec.WireError, match="no column labels"):
        plain.select(pb.DatasetColumns(ref=plain.ref, columns=["a"]), "x")


def test_the_two_server_caches_share_one_cache_mb_budget():
    from lab.rpc.cache import split_budget
    from lab.rpc.service import RESPONSE_CACHE_BYTES

    for total in (2**20, 64 * 2**20, 512 * 2**20, 4096 * 2**20):
        datasets, responses = split_budget(total, RESPONSE_CACHE_BYTES)
        assert datasets + responses == total and 0 < responses <= RESPONSE_CACHE_BYTES
        assert responses <= total // 8
