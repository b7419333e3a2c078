"""Content hashes of in-process values: one definition for every cache and scatter key.

:func:`fingerprint` hashes arrays, pandas objects, dataclasses (result types, parameter
records) and nested lists, tuples, dicts and scalars by their full content, type, dtype and
shape, so two equal inputs give the same hex digest in any process and inputs that differ in
any value, dtype, shape, label or field give different ones (BLAKE2b; collisions are as
unlikely as the digest size makes them). Its users:

* :class:`lab.models.cache.ResultCache` keys and a dataset's ``content_hash``
  (:mod:`lab.models.dataset`), 8-byte digests;
* the Dask backend's scatter keys of large inputs (:mod:`lab.backends.dask`), 20-byte digests.

The wire's dataset ref (:func:`lab.rpc.codec.dataset_ref`) is not an in-process key: it is
part of the RPC contract, a SHA-256 of the serialised dataset header and the raw bytes that any
client computes the same way before an upload, and stays defined there.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from typing import Any

import numpy as np
import pandas as pd

DIGEST_BYTES = 8
"""Default digest size of :func:`fingerprint` (16 hex digits)."""
MAX_DIGEST_BYTES = 64
"""Largest digest size BLAKE2b offers."""

_SCALARS = (
    type(None), bool, int, float, complex, str, bytes, np.generic, dt.date, dt.time, dt.timedelta
)  # fmt: skip
"""Types hashed by their type and ``repr`` (which shows all of their state); any other type
that is not an array, a pandas object, a dataclass or a container raises ``TypeError``."""


def fingerprint(*parts: Any, digest_size: int = DIGEST_BYTES) -> str:
    """A stable content hash of ``parts`` (BLAKE2b, ``2 digest_size`` hex digits).

    Parameters
    ----------
    *parts
        Arrays, pandas objects, dataclass instances, lists, tuples, dicts and scalars, in
        any nesting. Arrays and frames are hashed by their bytes, dtype and shape (and, for
        pandas, index, columns and column dtypes); dataclasses by their type and fields;
        scalars (numbers, strings, bytes, dates, None) by their type and ``repr``.
    digest_size : int
        Digest bytes, 1 to :data:`MAX_DIGEST_BYTES` (default :data:`DIGEST_BYTES`).

    Returns
    -------
    str
        The hex digest.

    Raises
    ------
    TypeError
        A part of another type (an object whose ``repr`` may not show all of its state).
    """
    if not 1 <= digest_size <= MAX_DIGEST_BYTES:
        raise ValueError(f"digest_size must be in 1..{MAX_DIGEST_BYTES}, got {digest_size}")
    h = hashlib.blake2b(digest_size=digest_size)
    for part in parts:
        _feed(h, part)
    return h.hexdigest()


def _feed(h: Any, part: Any) -> None:
    if isinstance(part, pd.DataFrame):
        h.update(b"frame")
        _feed(h, part.columns.astype(str).to_numpy())
        _feed(h, part.dtypes.astype(str).to_numpy())
        _feed(h, part.index.to_numpy())
        _feed(h, np.ascontiguousarray(part.to_numpy()))
    elif isinstance(part, pd.Series):
        h.update(b"series")
        _feed(h, str(part.name))
        _feed(h, part.index.to_numpy())
        _feed(h, np.ascontiguousarray(part.to_numpy()))
    elif isinstance(part, np.ndarray):
        if part.dtype == object:
            h.update(repr(part.tolist()).encode())
        else:
            h.update(f"{part.dtype.str}{part.shape}".encode())
            # the bytes without a copy (a uint8 view also works for datetime64, which has no
            # buffer interface of its own)
            h.update(np.ascontiguousarray(part).reshape(-1).view(np.uint8).data)
    elif dataclasses.is_dataclass(part) and not isinstance(part, type):
        h.update(f"{type(part).__module__}.{type(part).__qualname__}(".encode())
        for field in dataclasses.fields(part):
            h.update(f"{field.name}=".encode())
            _feed(h, getattr(part, field.name))
        h.update(b")")
    elif isinstance(part, (list, tuple)):
        h.update(b"(")
        for item in part:
            _feed(h, item)
        h.update(b")")
    elif isinstance(part, dict):
        h.update(b"{")
        for key in sorted(part, key=str):
            _feed(h, key)
            _feed(h, part[key])
        h.update(b"}")
    elif isinstance(part, _SCALARS):
        h.update(f"{type(part).__name__}:{part!r};".encode())
    else:
        raise TypeError(
            f"cannot fingerprint a {type(part).__name__}: its content is not hashed faithfully"
        )
