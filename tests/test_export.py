"""lab.export: frames to CSV / Parquet bytes that read back to the same frame, and file names
that stay safe whatever the symbols are called."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from lab import export
from lab.export import MAX_NAME_CHARS, export_filename, frame_bytes, safe_name_part

IMG = "<img src=x onerror=alert(1)>"


def _frame() -> pd.DataFrame:
    """Text that CSV must quote, NaN, infinities, full-precision floats, ints and dates."""
    return pd.DataFrame(
        {
            "y": [IMG, "a,b", 'say "hi"', "line\nbreak"],
            "x": ["../x", "BRK.B", "é", "=1+1"],
            "value [ratio]": [0.1 + 0.2, np.nan, -np.inf, 1e-300],
            "count [trades]": np.array([1, 2, 3, 4], dtype=np.int64),
            "entry date": pd.to_datetime(["2020-01-02", "2020-06-30", "2021-12-31", "2022-01-03"]),
        }
    )


def test_csv_reads_back_to_the_same_frame():
    frame = _frame()
    data = frame_bytes(frame, "csv")
    back = pd.read_csv(io.BytesIO(data), parse_dates=["entry date"])
    expected = frame.assign(x=["../x", "BRK.B", "é", "'=1+1"])  # the formula is neutralised
    pd.testing.assert_frame_equal(back, expected, check_dtype=False)
    # the floats are exact (repr precision), not rounded to a display format
    assert back["value [ratio]"][0] == 0.1 + 0.2 and back["value [ratio]"][3] == 1e-300
    assert back["entry date"].tolist() == frame["entry date"].tolist()
    assert data.decode("utf-8").splitlines()[0] == ",".join(
        f'"{c}"' if "," in c else c for c in frame.columns
    )


@pytest.mark.parametrize("text", ["=1+1", "+41", "-2+3", "@SUM(A1:A2)", '=HYPERLINK("x")', "\tx"])
def test_csv_neutralises_text_a_spreadsheet_would_run(text):
    frame = pd.DataFrame(
        {"symbol": [text, "KO"], text: ["a", "b"], "pnl [USD]": [-1.5, -2.0], "n": [-3, 4]}
    )
    back = pd.read_csv(io.BytesIO(frame_bytes(frame, "csv")), keep_default_na=False)
    assert back["symbol"].tolist() == [f"'{text}", "KO"]
    assert list(back.columns) == ["symbol", f"'{text}", "pnl [USD]", "n"]
    # numbers, negative ones too, are left as numbers; the caller's frame is not modified
    assert back["pnl [USD]"].tolist() == [-1.5, -2.0] and back["n"].tolist() == [-3, 4]
    assert frame["symbol"][0] == text and frame.columns[1] == text


def test_parquet_keeps_text_as_it_is():
    frame = pd.DataFrame({"symbol": ["=1+1", "-x"]})
    back = pd.read_parquet(io.BytesIO(frame_bytes(frame, "parquet")))
    assert back["symbol"].tolist() == ["=1+1", "-x"]


def test_parquet_reads_back_with_its_types():
    frame = _frame()
    back = pd.read_parquet(io.BytesIO(frame_bytes(frame, "parquet")))
    pd.testing.assert_frame_equal(back, frame)


def test_bad_requests_are_refused_by_name(monkeypatch):
    with pytest.raises(ValueError, match="unknown export format 'xlsx'"):
        frame_bytes(_frame(), "xlsx")
    with pytest.raises(ValueError, match="only a DataFrame"):
        frame_bytes([1, 2], "csv")
    dup = pd.DataFrame([[1, 2]], columns=["a", "a"])
    with pytest.raises(ValueError, match="duplicate column names cannot be exported: a"):
        frame_bytes(dup, "parquet")
    monkeypatch.setattr(export, "MAX_EXPORT_CELLS", 19)
    with pytest.raises(ValueError, match=r"4 rows x 5 columns \(20 cells\); at most 19"):
        frame_bytes(_frame(), "csv")


@pytest.mark.parametrize(
    "hostile",
    [IMG, "../x", "..", "/etc/passwd", "a\\b", "C:\\x", "x.csv.exe", "  ", "", "é", "\x00\n"],
)
def test_file_name_parts_are_safe(hostile):
    part = safe_name_part(hostile)
    assert part and len(part) <= MAX_NAME_CHARS
    assert set(part) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
    assert not part.startswith(("_", "-")) or part == "_"


def test_export_filename_keeps_readable_symbols_and_one_extension():
    assert export_filename("sweep", "KO", "PEP", "sharpe", fmt="csv") == (
        "arblab-sweep-KO-PEP-sharpe.csv"
    )
    name = export_filename("trades", IMG, "../x", fmt="parquet")
    assert name == "arblab-trades-img_src_x_onerror_alert_1-x.parquet"
    assert name.count(".") == 1 and "/" not in name and "<" not in name
    assert len(safe_name_part("A" * 500)) == MAX_NAME_CHARS
    with pytest.raises(ValueError, match="unknown export format"):
        export_filename("trades", fmt="html")
