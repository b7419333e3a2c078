"""orderbook: native (numba) implementation (placeholder; being written)."""


def lob_metrics(book, depth=5):
    raise NotImplementedError("lob_metrics")


def simulate_lob(n_events, seed=0):
    raise NotImplementedError("simulate_lob")


def ob_replay(events, depth=5):
    raise NotImplementedError("ob_replay")
