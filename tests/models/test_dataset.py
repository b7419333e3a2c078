"""DatasetModel: sources, date range, symbols, content hash and the upload errors."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from lab.data import load_sp500
from lab.models import DatasetModel


def test_bundled_data_defaults_to_2015_onwards_with_every_symbol():
    model = DatasetModel()
    assert model.prices.shape == (2012, 20)
    assert model.prices.index[0] == np.datetime64("2015-01-02")
    assert model.error == "" and len(model.content_hash) == 16


def test_hash_and_prices_follow_the_range_and_symbols(dataset):
    before = dataset.content_hash
    dataset.symbols = ["KO", "PEP"]
    assert list(dataset.prices.columns) == ["KO", "PEP"]
    assert dataset.content_hash != before
    dataset.end = dt.date(2021, 12, 31)
    assert dataset.prices.index[-1] <= np.datetime64("2021-12-31")
    full = load_sp500().loc["2020-01-01":"2021-12-31", ["KO", "PEP"]]
    np.testing.assert_array_equal(dataset.prices.to_numpy(), full.to_numpy())


def test_too_short_a_range_is_an_error_that_keeps_the_prices(dataset):
    prices, digest = dataset.prices, dataset.content_hash
    dataset.start = dt.date(2022, 12, 1)
    assert "holds 19 rows; at least 50 are needed" in dataset.error
    assert dataset.prices is prices and dataset.content_hash == digest


def test_synthetic_source_simulates_known_pairs():
    model = DatasetModel(source="synthetic", n_obs=300, n_pairs=2, seed=3)
    assert list(model.prices.columns) == ["Y1", "X1", "Y2", "X2"]
    assert len(model.prices) == 300 and model.default_pair() == ("Y1", "X1")
    digest = model.content_hash
    model.seed = 4
    assert model.content_hash != digest


def test_malformed_upload_reports_the_data_error_and_keeps_the_data(dataset):
    prices = dataset.prices
    bad = b"date,AAA,BBB\n" + b"".join(
        f"2021-01-{d:02d},{100 + d},{50 + d}\n".encode() for d in range(1, 7)
    )
    bad += b"2021-01-07,107,abc\n"
    assert dataset.load_file("my prices.csv", bad) is False
    assert (
        dataset.error
        == "my_prices.csv: non-numeric value 'abc' in column 'BBB' at row 7 (2021-01-07)"
    )
    assert dataset.source == "sp500" and dataset.prices is prices


def test_good_upload_becomes_the_source(dataset):
    frame = load_sp500().iloc[:120, :3]
    assert dataset.load_file("three.csv", frame.to_csv().encode()) is True
    assert dataset.source == "file" and dataset.error == ""
    assert list(dataset.prices.columns) == list(frame.columns)
    np.testing.assert_allclose(dataset.prices.to_numpy(), frame.to_numpy())
    assert dataset.summary()["source"] == "Uploaded file three.csv"


def test_unsupported_upload_extension(dataset):
    assert dataset.load_file("prices.xlsx", b"whatever") is False
    assert "unsupported file extension '.xlsx'" in dataset.error


@pytest.mark.parametrize("source", ["sp500", "synthetic"])
def test_summary_names_its_provenance(source):
    model = DatasetModel(source=source, n_obs=200)
    summary = model.summary()
    assert summary["rows"] == len(model.prices) and summary["content_hash"] == model.content_hash
    assert summary["symbols"] == tuple(model.prices.columns)
