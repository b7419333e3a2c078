"""The bounded raw-message queue: one put per socket read keeps the overflow policy of one put
per message; batches are taken oldest first up to a limit; unhandled messages go back first."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lab.feeds.base import MAX_QUEUE, MessageQueue


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 8), st.lists(st.lists(st.integers(), max_size=20), max_size=6))
def test_put_many_equals_one_put_per_message(maxsize, reads):
    many, one = MessageQueue(maxsize), MessageQueue(maxsize)
    for read in reads:
        many.put_many(read)
        for item in read:
            one.put(item)
        assert list(many._items) == list(one._items) and many.overflowed == one.overflowed


def test_get_many_takes_oldest_first_up_to_the_limit_and_unget_puts_back():
    async def go():
        q = MessageQueue(100)
        q.put_many(list(range(10)))
        first = await q.get_many(4)
        rest = await q.get_many(100)
        q.unget(rest[3:])
        return first, rest, await q.get_many(100)

    first, rest, again = asyncio.run(go())
    assert first == [0, 1, 2, 3] and rest == [4, 5, 6, 7, 8, 9] and again == [7, 8, 9]


def test_size_bounds():
    for bad in (0, MAX_QUEUE + 1):
        with pytest.raises(ValueError, match="queue_size"):
            MessageQueue(bad)
