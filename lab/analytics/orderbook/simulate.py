""":func:`simulate_lob`: zero-intelligence L2 order flow in the spirit of Cont, Stoikov and
Talreja (2010), reference engine, with the parameters and random draws both engines share.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lab.analytics.orderbook.book import OrderBook
from lab.analytics.orderbook.events import (
    ASK,
    BID,
    CANCEL,
    LIMIT,
    SNAPSHOT,
    TRADE,
    LOBEvents,
    is_int,
)


@dataclass(frozen=True)
class LOBSimParams:
    """Validated parameters of :func:`simulate_lob` (see its docstring)."""

    n_events: int
    seed: int
    tick: float
    mid0: float
    n_levels: int
    rate_limit: float
    rate_market: float
    rate_cancel: float
    size_mean: float
    market_size_mean: float
    price_decay: float
    snapshot_every: int
    drop_prob: float


MAX_N_EVENTS = 2_000_000
"""Most order arrivals of one :func:`simulate_lob` (its draws alone take 80 bytes each)."""

MAX_N_LEVELS = 1000
"""Most price levels per side of :func:`simulate_lob`."""


def sim_params(**kw) -> LOBSimParams:
    """Check the arguments of :func:`simulate_lob` (bounded by :data:`MAX_N_EVENTS`, :data:`MAX_N_LEVELS`)."""
    for name in ("n_events", "n_levels", "snapshot_every", "seed"):
        if not is_int(kw[name]):
            raise ValueError(f"{name} must be an integer, got {kw[name]!r}")
    if kw["n_events"] < 1:
        raise ValueError(f"n_events must be >= 1, got {kw['n_events']}")
    if kw["n_events"] > MAX_N_EVENTS:
        raise ValueError(f"n_events must be at most {MAX_N_EVENTS:,}, got {kw['n_events']}")
    if kw["n_levels"] > MAX_N_LEVELS:
        raise ValueError(f"n_levels must be at most {MAX_N_LEVELS}, got {kw['n_levels']}")
    if kw["seed"] < 0:
        raise ValueError(f"seed must be a non-negative integer, got {kw['seed']}")
    if kw["n_levels"] < 1:
        raise ValueError(f"n_levels must be >= 1, got {kw['n_levels']}")
    if kw["snapshot_every"] < 0:
        raise ValueError(
            f"snapshot_every must be >= 0 (0 = only the initial snapshot), got {kw['snapshot_every']}"
        )
    for name in ("tick", "mid0", "rate_limit", "size_mean", "market_size_mean"):
        v = kw[name]
        if (
            isinstance(v, bool)
            or not isinstance(v, int | float | np.number)
            or not np.isfinite(v)
            or v <= 0
        ):
            raise ValueError(f"{name} must be a positive number, got {v!r}")
    for name in ("rate_market", "rate_cancel"):
        v = kw[name]
        if (
            isinstance(v, bool)
            or not isinstance(v, int | float | np.number)
            or not np.isfinite(v)
            or v < 0
        ):
            raise ValueError(f"{name} must be a non-negative number, got {v!r}")
    if not 0.0 < kw["price_decay"] <= 1.0:
        raise ValueError(f"price_decay must be in (0, 1], got {kw['price_decay']!r}")
    if not 0.0 <= kw["drop_prob"] < 1.0:
        raise ValueError(f"drop_prob must be in [0, 1), got {kw['drop_prob']!r}")
    if kw["size_mean"] < 1 or kw["market_size_mean"] < 1:
        raise ValueError("size_mean and market_size_mean must be >= 1 (sizes are whole units)")
    mid_ticks = round(kw["mid0"] / kw["tick"])
    if mid_ticks <= kw["n_levels"]:
        raise ValueError(
            f"mid0 / tick = {mid_ticks} must exceed n_levels so that prices stay positive"
        )
    return LOBSimParams(**{k: (int(v) if is_int(v) else float(v)) for k, v in kw.items()})


@dataclass(frozen=True)
class LOBDraws:
    """Random numbers of :func:`simulate_lob`, drawn once in NumPy and shared by both engines."""

    init_qty: np.ndarray  # (2 * n_levels,) initial level sizes: bids best first, then asks
    uniform: np.ndarray  # (n_events, 4): event type, side, cancelled level, drop
    expo: np.ndarray  # (n_events,) standard exponential, scaled by the total rate
    dist: np.ndarray  # (n_events,) limit-order distance in ticks from the opposite best (>= 1)
    limit_size: np.ndarray  # (n_events,) limit and cancel sizes (>= 1)
    market_size: np.ndarray  # (n_events,) market order sizes (>= 1)


def sim_draws(p: LOBSimParams) -> LOBDraws:
    """Draw all random numbers of a simulation from ``numpy.random.default_rng(seed)``."""
    rng = np.random.default_rng(p.seed)
    n = p.n_events
    init_qty = rng.geometric(1.0 / (4.0 * p.size_mean), 2 * p.n_levels).astype(float)
    uniform = rng.random((n, 4))
    expo = rng.standard_exponential(n)
    dist = np.minimum(rng.geometric(p.price_decay, n), p.n_levels).astype(np.int64)
    limit_size = rng.geometric(1.0 / p.size_mean, n).astype(float)
    market_size = rng.geometric(1.0 / p.market_size_mean, n).astype(float)
    return LOBDraws(init_qty, uniform, expo, dist, limit_size, market_size)


def simulate_lob(
    n_events,
    seed=0,
    tick=0.01,
    mid0=100.0,
    n_levels=10,
    rate_limit=10.0,
    rate_market=1.2,
    rate_cancel=0.12,
    size_mean=100.0,
    market_size_mean=300.0,
    price_decay=0.3,
    snapshot_every=0,
    drop_prob=0.0,
):
    """Simulate L2 order flow: Poisson limit, market and cancel orders around a moving mid.

    Model (a zero-intelligence continuous-time Markov model in the spirit of Cont, Stoikov &
    Talreja 2010, "A stochastic model for order book dynamics", Oper. Res. 58(3)); prices live
    on a grid of ``tick``; quantities are whole units:

    - start: ``n_levels`` bid levels at ``m-1 .. m-n_levels`` ticks and ask levels at
      ``m+1 .. m+n_levels`` (``m = round(mid0 / tick)``), each with a geometric size of mean
      ``4 size_mean``; emitted as the snapshot ``seq = 0``, time 0;
    - limit orders arrive at rate ``rate_limit`` (per second, both sides), on either side with
      probability 1/2, ``d`` ticks inside the OPPOSITE best quote (``bid = best_ask - d``,
      ``ask = best_bid + d``, so never crossing), ``d ~ min(Geometric(price_decay), n_levels)``,
      with a geometric size of mean ``size_mean``;
    - market orders arrive at rate ``rate_market``, buy or sell with probability 1/2, with a
      geometric size of mean ``market_size_mean``; they walk the opposite side from the best
      level (one TRADE row per level touched) but never take its last unit;
    - each resting unit is cancelled at rate ``rate_cancel / size_mean``, i.e. cancellations
      arrive at rate ``rate_cancel * Q / size_mean`` for ``Q`` units resting (so the depth is
      mean-reverting); the side and level are drawn proportionally to their quantity and the
      cancelled amount is a geometric size of mean ``size_mean`` capped at the level (never the
      side's last unit).

    Inter-arrival times are exponential with the current total rate. Each change of a level is
    one update row with the new absolute quantity. Every ``snapshot_every`` arrivals (if > 0) a
    full snapshot is emitted; with ``drop_prob > 0`` each arrival's rows are lost with that
    probability (their sequence numbers are consumed, which creates gaps, as on a lossy feed).

    All random numbers are drawn up front by :func:`sim_draws` from
    ``numpy.random.default_rng(seed)``; the book dynamics are replayed from them, so both engines
    return the identical stream for the same arguments.

    Parameters
    ----------
    n_events : int
        Number of order arrivals (the stream has more rows: snapshots, multi-level trades; an
        arrival that changes nothing emits no row).
    seed : int
        Seed of the generator.
    tick, mid0 : float
        Tick size and initial mid price.
    n_levels : int
        Initial levels per side and maximum limit-order distance in ticks.
    rate_limit, rate_market, rate_cancel : float
        Arrival intensities (see the model).
    size_mean, market_size_mean : float
        Mean limit/cancel and market order sizes.
    price_decay : float
        Parameter of the geometric distance distribution, in (0, 1].
    snapshot_every : int
        Emit a snapshot every this many arrivals (0: only the initial one).
    drop_prob : float
        Probability that an arrival's update rows are dropped from the stream.

    Returns
    -------
    LOBEvents
    """
    p = sim_params(**locals())  # first statement: exactly the arguments, by name
    d = sim_draws(p)
    rows: list[tuple[int, float, int, int, float, float]] = []
    book = OrderBook()  # in tick units
    m = round(p.mid0 / p.tick)
    lv = p.n_levels
    bid_ticks = np.arange(m - 1, m - lv - 1, -1, dtype=float)
    ask_ticks = np.arange(m + 1, m + lv + 1, dtype=float)
    book._load(
        0,
        np.concatenate([np.full(lv, BID), np.full(lv, ASK)]),
        np.concatenate([bid_ticks, ask_ticks]),
        d.init_qty,
    )
    qb = float(d.init_qty[:lv].sum())
    qa = float(d.init_qty[lv:].sum())
    tick_ = p.tick
    t = 0.0
    seq = 0

    def emit_snapshot():
        for s, prices, levels in ((BID, book._bp[::-1], book._bq), (ASK, book._ap, book._aq)):
            for px in prices:
                rows.append((seq, t, SNAPSHOT, s, px * tick_, levels[px]))

    emit_snapshot()
    uni = d.uniform.tolist()
    expo, dist = d.expo.tolist(), d.dist.tolist()
    lsize, msize = d.limit_size.tolist(), d.market_size.tolist()
    for e in range(p.n_events):
        u_type, u_side, u_level, u_drop = uni[e]
        keep = u_drop >= p.drop_prob
        rate_c = p.rate_cancel * (qb + qa) / p.size_mean
        total = p.rate_limit + p.rate_market + rate_c
        t += expo[e] / total
        x = u_type * total
        changes: list[tuple[int, int, float, float]] = []
        if x < p.rate_limit:
            if u_side < 0.5:
                px = book._ap[0] - dist[e]
                newq = book._bq.get(px, 0.0) + lsize[e]
                changes.append((LIMIT, BID, px, newq))
                qb += lsize[e]
            else:
                px = book._bp[-1] + dist[e]
                newq = book._aq.get(px, 0.0) + lsize[e]
                changes.append((LIMIT, ASK, px, newq))
                qa += lsize[e]
        elif x < p.rate_limit + p.rate_market:
            if u_side < 0.5:  # buy: hits the asks
                s, prices, levels, avail = ASK, book._ap, book._aq, qa - 1.0
            else:
                s, prices, levels, avail = BID, book._bp[::-1], book._bq, qb - 1.0
            remaining = msize[e] if msize[e] < avail else avail
            taken = remaining
            for px in prices:
                if remaining <= 0.0:
                    break
                q = levels[px]
                take = q if q < remaining else remaining
                changes.append((TRADE, s, px, q - take))
                remaining -= take
            if s == ASK:
                qa -= taken
            else:
                qb -= taken
        else:
            if u_side * (qb + qa) < qb:
                s, prices, levels, qside = BID, book._bp[::-1], book._bq, qb
            else:
                s, prices, levels, qside = ASK, book._ap, book._aq, qa
            target = u_level * qside
            cum = 0.0
            px = prices[-1]
            for cand in prices:
                cum += levels[cand]
                if cum > target:
                    px = cand
                    break
            q = levels[px]
            c = lsize[e] if lsize[e] < q else q
            if c == qside:
                c -= 1.0
            if c > 0.0:
                changes.append((CANCEL, s, px, q - c))
                if s == BID:
                    qb -= c
                else:
                    qa -= c
        for kind, s, px, newq in changes:
            seq += 1
            book._set_level(s, px, newq)
            if keep:
                rows.append((seq, t, kind, s, px * tick_, newq))
        if p.snapshot_every and (e + 1) % p.snapshot_every == 0:
            seq += 1
            emit_snapshot()
    arr = np.array(rows, dtype=object)
    return LOBEvents(
        seq=arr[:, 0].astype(np.int64),
        time=arr[:, 1].astype(float),
        kind=arr[:, 2].astype(np.int8),
        side=arr[:, 3].astype(np.int8),
        price=arr[:, 4].astype(float),
        qty=arr[:, 5].astype(float),
    )
