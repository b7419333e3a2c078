"""lab.data.load_sp500: the bundled real dataset, read offline without importing skfolio."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd

from lab.data import load_sp500
from lab.data.sp500 import sp500_path


def test_shape_dates_and_symbols():
    prices = load_sp500()
    assert prices.shape == (8313, 20)
    assert prices.index[0] == pd.Timestamp("1990-01-02")
    assert prices.index[-1] == pd.Timestamp("2022-12-28")
    assert prices.index.is_monotonic_increasing and prices.index.is_unique
    assert {"AAPL", "MSFT", "JPM", "XOM"} <= set(prices.columns)
    assert (prices.dtypes == np.float64).all()
    assert np.isfinite(prices.to_numpy()).all() and (prices.to_numpy() > 0).all()


def test_returns_a_fresh_copy():
    a = load_sp500()
    a.iloc[0, 0] = -1.0
    assert load_sp500().iloc[0, 0] > 0


def test_file_is_inside_skfolio_package():
    path = sp500_path()
    assert path.name == "sp500_dataset.csv.gz" and "skfolio" in path.parts


def test_does_not_import_skfolio():
    code = (
        "import sys; from lab.data import load_sp500; df = load_sp500(); "
        "print(df.shape, any(m == 'skfolio' or m.startswith('skfolio.') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "(8313, 20) False"
