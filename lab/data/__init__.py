"""Price data: the bundled real dataset, synthetic generators with known parameters, and
validated CSV/Parquet import."""

from lab.data.io import MIN_ROWS, DataError, read_prices
from lab.data.sp500 import load_sp500
from lab.data.synthetic import simulate_ou_pair, simulate_regimes

__all__ = [
    "MIN_ROWS",
    "DataError",
    "load_sp500",
    "read_prices",
    "simulate_ou_pair",
    "simulate_regimes",
]
