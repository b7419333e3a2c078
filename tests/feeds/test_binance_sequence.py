"""Binance's sequence rules (steps 3-5 of the documented synchronisation), vectorised over a
batch by ``sequence_check``, against the rules applied one event at a time."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lab.feeds.binance import sequence_check


def one_by_one(first, final, ok, last, prev):
    """The documented procedure, event by event."""
    accepted = []
    for k in range(len(first)):
        if not ok[k]:
            continue
        U, u = int(first[k]), int(final[k])
        if u <= last:
            continue  # already in the snapshot
        if prev is None:
            if not U <= last + 1 <= u:
                return accepted, k, f"lastUpdateId+1={last + 1}"
        elif U != prev + 1:
            return accepted, k, f"expected U={prev + 1}, got U={U}"
        prev = u
        accepted.append(k)
    return accepted, -1, ""


@st.composite
def batch(draw):
    """Mostly contiguous U..u ranges around a snapshot id, with gaps, duplicates, swaps and
    undecodable events mixed in."""
    n = draw(st.integers(0, 30))
    start = draw(st.integers(0, 50))
    first, final = [], []
    nxt = start
    for _ in range(n):
        width = draw(st.integers(0, 3))
        U = nxt + draw(st.sampled_from([0] * 12 + [1, 2, -1, -3]))
        first.append(U)
        final.append(U + width)
        nxt = U + width + 1
    if n >= 2 and draw(st.booleans()):
        i = draw(st.integers(0, n - 2))
        first[i], first[i + 1] = first[i + 1], first[i]
        final[i], final[i + 1] = final[i + 1], final[i]
    ok = [draw(st.sampled_from([True] * 9 + [False])) for _ in range(n)]
    last = draw(st.integers(start - 2, start + 20))
    prev = draw(st.one_of(st.none(), st.integers(last - 1, last + 10)))
    return (np.array(first, dtype=np.int64), np.array(final, dtype=np.int64),
            np.array(ok, dtype=bool), last, prev)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(batch())
def test_vectorised_check_equals_the_rules_event_by_event(args):
    first, final, ok, last, prev = args
    want, want_brk, want_reason = one_by_one(first, final, ok, last, prev)
    got, brk, reason = sequence_check(first, final, ok, last, prev)
    assert got.tolist() == want and brk == want_brk
    assert (want_reason in reason) if brk >= 0 else reason == ""


def test_reasons_name_the_ids():
    f, u, ok = np.array([5, 9]), np.array([7, 9]), np.array([True, True])
    acc, brk, reason = sequence_check(f, u, ok, last=2, prev=None)
    assert acc.tolist() == [] and brk == 0 and "U=5 u=7" in reason and "lastUpdateId+1=3" in reason
    acc, brk, reason = sequence_check(f, u, ok, last=5, prev=None)
    assert acc.tolist() == [0] and brk == 1 and reason == "sequence break: expected U=8, got U=9"
