"""lab.hashing.fingerprint: the one content hash of in-process values (cache and scatter keys)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from lab.hashing import MAX_DIGEST_BYTES, fingerprint


@dataclasses.dataclass(frozen=True)
class _Record:
    values: np.ndarray
    label: str


def _frame(values) -> pd.DataFrame:
    return pd.DataFrame(values, columns=["a", "b"], index=pd.date_range("2020-01-01", periods=3))


def test_equal_content_gives_equal_digests_and_any_difference_changes_it():
    base = _frame(np.arange(6.0).reshape(3, 2))
    assert fingerprint(base) == fingerprint(base.copy())
    # same values, different column dtype (an int frame must not stand in for a float one)
    assert fingerprint(base) != fingerprint(base.astype({"a": np.int64}))
    shifted = base.copy()
    shifted.index = shifted.index + pd.Timedelta(days=1)
    assert fingerprint(base) != fingerprint(shifted)  # datetime64 index bytes are hashed
    assert fingerprint(base["a"]) != fingerprint(base["a"].rename("c"))


def test_dataclasses_are_hashed_by_every_field_value():
    values = np.zeros(10_000)
    changed = values.copy()
    changed[5_000] = 1.0  # repr() of the array elides this element; the hash must not
    assert fingerprint(_Record(values, "x")) == fingerprint(_Record(values.copy(), "x"))
    assert fingerprint(_Record(values, "x")) != fingerprint(_Record(changed, "x"))
    assert fingerprint(_Record(values, "x")) != fingerprint(_Record(values, "y"))


def test_digest_size_is_bounded_and_sets_the_length():
    assert len(fingerprint(np.arange(3.0))) == 16
    assert len(fingerprint(np.arange(3.0), digest_size=20)) == 40
    for bad in (0, MAX_DIGEST_BYTES + 1):
        with pytest.raises(ValueError, match="digest_size"):
            fingerprint(1, digest_size=bad)
