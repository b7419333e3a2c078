"""Shared fixtures of the model tests: a short real-data range keeps every derivation fast."""

from __future__ import annotations

import datetime as dt

import pytest

from lab.models import BackendModel, DatasetModel

START = dt.date(2020, 1, 1)
"""Start of the test range (2020-01-02 .. 2022-12-28, about 755 days of the bundled data)."""


@pytest.fixture
def dataset() -> DatasetModel:
    return DatasetModel(start=START, symbols=["KO", "PEP", "XOM", "CVX", "JNJ", "PG"])


@pytest.fixture
def backend() -> BackendModel:
    return BackendModel(backend="native")
