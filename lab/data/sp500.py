"""The bundled real dataset: daily adjusted closes of 20 US large caps, 1990-01-02 to 2022-12-28.

The file ships inside the installed ``skfolio`` package (``skfolio/datasets/data/
sp500_dataset.csv.gz``). It is located with :func:`importlib.util.find_spec` so that neither
skfolio itself nor its heavy dependencies are imported, and it is never downloaded.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

import pandas as pd

_RELATIVE = Path("datasets") / "data" / "sp500_dataset.csv.gz"


def sp500_path() -> Path:
    """Path of the bundled dataset inside the installed skfolio package."""
    spec = importlib.util.find_spec("skfolio")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "the bundled S&P 500 dataset needs the 'skfolio' package; install arblab's "
            "dependencies with: pip install -e ."
        )
    path = Path(next(iter(spec.submodule_search_locations))) / _RELATIVE
    if not path.is_file():
        raise FileNotFoundError(f"bundled dataset not found at {path}")
    return path


@functools.lru_cache(maxsize=1)
def _load() -> pd.DataFrame:
    frame = pd.read_csv(sp500_path(), index_col=0, parse_dates=True)
    frame.index.name = "date"
    frame.columns.name = "symbol"
    return frame.astype("float64")


def load_sp500() -> pd.DataFrame:
    """Real daily adjusted closes of 20 US large caps.

    Returns
    -------
    pandas.DataFrame
        8,313 rows (1990-01-02 to 2022-12-28) by 20 symbols, float64 prices in US dollars,
        indexed by date. A fresh copy is returned on each call; the parsed file is cached.
    """
    return _load().copy()
