"""The upload widget's Python side: files under the cap arrive as bytes, larger ones are
refused with read_prices' message, also when a client skips the browser's check."""

from __future__ import annotations

import base64

import pytest

from components.upload import UploadInput, websocket_max_bytes
from lab.data.io import MAX_FILE_BYTES
from lab.models.dataset import DatasetModel


def _pick(widget, name, data=None, size=None, refused=False):
    picked = {"name": name, "size": len(data) if size is None else size, "refused": refused}
    if data is not None:
        picked["payload"] = base64.b64encode(data).decode()
    widget._picked = picked


def test_a_file_under_the_cap_arrives_and_the_same_file_again_fires_again():
    widget, seen = UploadInput(max_bytes=100), []
    widget.param.watch(lambda e: seen.append((widget.filename, e.new)), "value")
    _pick(widget, "a.csv", b"date,A\n")
    _pick(widget, "a.csv", b"date,A\n")
    assert seen == [("a.csv", b"date,A\n")] * 2 and widget.refused is None
    assert widget._picked is None  # the payload is not kept


def test_a_file_over_the_cap_is_refused_without_its_bytes():
    widget = UploadInput(max_bytes=100)
    _pick(widget, "big.csv", size=101, refused=True)
    assert widget.refused == {"name": "big.csv", "size": 101} and widget.value is None


def test_a_client_that_skips_the_browser_check_is_refused_too():
    widget = UploadInput(max_bytes=10)
    _pick(widget, "big.csv", b"x" * 11, size=5)
    assert widget.refused == {"name": "big.csv", "size": 11} and widget.value is None


def test_the_websocket_carries_a_file_at_the_cap():
    assert websocket_max_bytes() >= len(base64.b64encode(b"\0" * 3 * 1000)) * MAX_FILE_BYTES // 3000


def test_a_refused_upload_names_the_limit_and_keeps_the_prices():
    model = DatasetModel()
    before = model.prices
    model.refuse_upload("big.csv", MAX_FILE_BYTES + 1)
    assert "big.csv" in model.error and f"files up to {MAX_FILE_BYTES // 2**20} MiB" in model.error
    assert model.prices is before or model.prices.equals(before)
    with pytest.raises(ValueError, match="within the upload limit"):
        model.refuse_upload("small.csv", 10)
