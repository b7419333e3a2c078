"""The receiving side of a streaming upload (``PutDataset``): :class:`UploadBuffer`.

Each data chunk is copied once, straight into a buffer of the declared size, and the content
hash (:func:`lab.rpc.codec.dataset_hasher`) runs on a thread of its own over the filled parts
while the next chunks arrive (``hashlib`` releases the GIL on large updates), so receiving and
hashing overlap instead of adding up, and the chunks are never joined.

The buffer is allocated with :func:`numpy.empty`: the operating system commits its pages only
when a chunk is written into them, so a declared size still costs nothing until its bytes are
sent; the bytes actually received are reserved against the server's caps by the caller
(:meth:`lab.rpc.limits.Upload.reserve`) before each chunk is written.
"""

from __future__ import annotations

import queue
import threading
from typing import Any

import numpy as np

from lab.rpc import codec


class UploadBuffer:
    """A dataset of ``nbytes`` received chunk by chunk and hashed in the background.

    Use as a context manager (the hashing thread is always stopped on exit); :meth:`write`
    each chunk, then :meth:`finish` for the content ref and the values.

    Parameters
    ----------
    header : DatasetHeader
        The upload's header (the first input of the content hash).
    nbytes : int
        Declared size in bytes (checked against the cache before this is built).
    """

    def __init__(self, header: Any, nbytes: int) -> None:
        self.nbytes = int(nbytes)
        self.received = 0
        self._buffer = np.empty(self.nbytes, dtype=np.uint8)
        self._view = memoryview(self._buffer)
        self._hasher = codec.dataset_hasher(header)
        self._todo: queue.SimpleQueue[memoryview | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._hash, name="arblab-upload-hash", daemon=True)
        self._thread.start()

    def _hash(self) -> None:
        while (part := self._todo.get()) is not None:
            self._hasher.update(part)

    def __enter__(self) -> UploadBuffer:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop()

    def _stop(self) -> None:
        if self._thread.is_alive():
            self._todo.put(None)
            self._thread.join()

    def room(self) -> int:
        """Bytes still expected."""
        return self.nbytes - self.received

    def write(self, data: Any) -> None:
        """Copy one chunk (bytes-like, at most :meth:`room` bytes) after the received ones."""
        start, end = self.received, self.received + len(data)
        if end > self.nbytes:
            raise ValueError(f"chunk of {len(data)} bytes overflows the {self.nbytes}-byte buffer")
        self._view[start:end] = data
        self.received = end
        self._todo.put(self._view[start:end])

    def finish(self, dtype: np.dtype, shape: tuple[int, ...]) -> tuple[str, np.ndarray]:
        """Wait for the hash; returns ``(ref, values)`` with ``values`` a view of the buffer."""
        self._stop()
        values = self._buffer.view(dtype).reshape(shape)
        return codec.ref_of(self._hasher), values
