"""The Order book page's recording picker: lists the recordings of the recordings directory,
escapes their names, takes any other path, and says clearly why a recording cannot replay."""

from __future__ import annotations

from bokeh.document import Document

from components.orderbook import OTHER_PATH, OrderBookView
from lab.analytics.orderbook import simulate_lob
from lab.feeds.recorder import Recorder
from lab.models.orderbook import OrderBookModel


def _record(path, n=600, seed=1):
    with Recorder(path) as rec:
        rec.append(simulate_lob(n, seed=seed))


def test_picker_lists_recordings_and_replays_the_chosen_one(tmp_path):
    _record(tmp_path / "btc")
    _record(tmp_path / "<b>x&y", n=300, seed=2)
    (tmp_path / "not-a-recording").mkdir()
    model = OrderBookModel(source="recording", recordings_dir=str(tmp_path), speed=5000)
    view = OrderBookView(model=model)
    view.__panel__().get_root(Document())
    labels = list(view.recording_pick.options)
    assert labels[-1] == OTHER_PATH and len(labels) == 3  # two recordings, then any path
    assert labels[0].startswith("<b>x&y · ") and labels[1].startswith("btc · ")
    assert "2 recording(s)" in view.recordings_note.object
    assert view.recording_pick.value == OTHER_PATH and view.recording_path.visible
    view.recording_pick.value = view.recording_pick.options[labels[1]]
    assert model.recording_path == str(tmp_path / "btc")
    assert not view.recording_path.visible
    assert not view.error.visible and model.book is not None and len(model.book.bid_price)
    assert model.position > 0


def test_a_corrupt_recording_is_listed_as_invalid_and_explained(tmp_path):
    _record(tmp_path / "good")
    bad = tmp_path / "bad<script>"
    _record(bad)
    (bad / "manifest.json").write_text("{not json")
    torn = tmp_path / "torn"
    _record(torn)
    seg = torn / "seg-000000.arrows"
    seg.write_bytes(seg.read_bytes()[:40])  # acknowledged bytes lost
    model = OrderBookModel(source="recording", recordings_dir=str(tmp_path))
    view = OrderBookView(model=model)
    labels = list(view.recording_pick.options)
    assert any(label.startswith("bad<script> · invalid") for label in labels)
    note = view.recordings_note.object
    assert "bad&lt;script&gt;" in note and "<script>" not in note and "not valid JSON" in note
    torn_label = next(label for label in labels if label.startswith("torn"))
    view.recording_pick.value = view.recording_pick.options[torn_label]
    assert view.error.visible
    msg = view.error.object
    assert "cannot replay recording" in msg and "shorter" in msg and "torn" in msg
    # a recording made on the page is listed once it stops
    view.record_dir.value = str(tmp_path / "new")
    model.recording_path = str(tmp_path / "good")
    view._reset(None)
    view.record.value = True
    view.tick()
    view.record.value = False
    assert any(label.startswith("new · ") for label in view.recording_pick.options)


def test_no_recordings_directory_yet(tmp_path):
    model = OrderBookModel(source="recording", recordings_dir=str(tmp_path / "absent"))
    view = OrderBookView(model=model)
    assert list(view.recording_pick.options) == [OTHER_PATH]
    assert "no recordings" in view.recordings_note.object
