"""Helpers of the feed tests: run a feed to a condition, join batches, compare books."""

from __future__ import annotations

import asyncio

import numpy as np

from lab.analytics.orderbook import ASK, BID, LOBEvents


def run_feed(feed, done, timeout: float = 20.0) -> list[LOBEvents]:
    """Collect ``feed``'s batches until ``done()`` is true after a batch (TimeoutError if not)."""

    async def go(out):
        async for batch in feed.events():
            out.append(batch)
            if done():
                feed.stop()
                break

    out: list[LOBEvents] = []
    try:
        asyncio.run(asyncio.wait_for(go(out), timeout))
    except TimeoutError:
        raise AssertionError(
            f"feed did not reach the condition in {timeout}s: {feed.status}"
        ) from None
    return out


def concat(batches) -> LOBEvents:
    names = ("seq", "time", "kind", "side", "price", "qty")
    return LOBEvents(*(np.concatenate([getattr(b, n) for b in batches]) for n in names))


def book_key(book) -> tuple:
    """Full book (an OrderBook or BookSnapshot) as a comparable tuple."""
    if hasattr(book, "levels"):
        bp, bq = book.levels(BID)
        ap, aq = book.levels(ASK)
    else:
        bp, bq, ap, aq = book.bid_price, book.bid_qty, book.ask_price, book.ask_qty
    return (tuple(bp), tuple(bq), tuple(ap), tuple(aq))
