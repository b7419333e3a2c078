"""lab.rpc.uploads: a streamed upload is copied once into a buffer of its declared size and
hashed on a thread of its own, with the same content ref as hashing the whole array."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from lab.rpc import codec
from lab.rpc.uploads import UploadBuffer


def hash_threads() -> int:
    return sum(t.name == "arblab-upload-hash" for t in threading.enumerate())


@pytest.mark.parametrize("chunk", [1, 1000, 4096, 2**20])
def test_chunked_writes_give_the_whole_array_and_its_ref(chunk):
    data = np.random.default_rng(chunk).normal(size=(300, 7))
    header, values = codec.dataset_payload(data)
    raw = codec.array_bytes(values)
    with UploadBuffer(header, len(raw)) as buf:
        for start in range(0, len(raw), chunk):
            buf.write(raw[start : start + chunk])
        assert buf.room() == 0
        ref, out = buf.finish(values.dtype, values.shape)
    assert ref == codec.dataset_ref(header, raw)
    np.testing.assert_array_equal(out, data)
    assert out.dtype == data.dtype and out.shape == data.shape


def test_overflow_is_refused_and_the_hash_thread_always_stops():
    header, values = codec.dataset_payload(np.arange(4.0))
    before = hash_threads()
    with pytest.raises(ValueError, match="overflows the 32-byte buffer"):
        with UploadBuffer(header, 32) as buf:
            buf.write(b"x" * 16)
            buf.write(b"y" * 17)
    assert hash_threads() == before
    with pytest.raises(RuntimeError, match="stream ended"):
        with UploadBuffer(header, 32) as buf:
            buf.write(b"x" * 8)
            raise RuntimeError("stream ended")
    assert hash_threads() == before


def test_the_buffer_is_not_a_join_of_the_chunks():
    # every chunk lands in one preallocated buffer: finish() returns a view of it, never a copy
    header, values = codec.dataset_payload(np.arange(1000.0))
    raw = codec.array_bytes(values)
    with UploadBuffer(header, len(raw)) as buf:
        buf.write(raw[:4000])
        buf.write(raw[4000:])
        _, out = buf.finish(values.dtype, values.shape)
    assert out.base is not None and out.base.nbytes == len(raw)
    assert np.shares_memory(out, buf._buffer)
