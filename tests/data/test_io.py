"""lab.data.io: CSV/Parquet import, every DataError case and the NaN policy."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lab.data import MIN_ROWS, DataError, io, read_prices
from lab.data.io import validate_prices

N_ROWS = 60
DATES = pd.bdate_range("2021-01-04", periods=N_ROWS)


def _frame() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    prices = 100.0 * np.exp(np.cumsum(0.01 * rng.standard_normal((N_ROWS, 2)), axis=0))
    return pd.DataFrame(prices, index=pd.Index(DATES, name="date"), columns=["AAA", "BBB"])


def _rows(frame: pd.DataFrame | None = None) -> list[list[str]]:
    frame = _frame() if frame is None else frame
    return [
        [str(d.date()), repr(float(a)), repr(float(b))]
        for d, (a, b) in zip(frame.index, frame.to_numpy(), strict=True)
    ]


def _write_csv(path, rows, header=("date", "AAA", "BBB")):
    lines = [",".join(header)] + [",".join(r) for r in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


def _error(path, **kwargs) -> str:
    with pytest.raises(DataError) as info:
        read_prices(path, **kwargs)
    return str(info.value)


def test_csv_round_trip(tmp_path):
    frame = _frame()
    path = tmp_path / "prices.csv"
    frame.to_csv(path)
    out = read_prices(path)
    assert list(out.columns) == ["AAA", "BBB"]
    assert out.index.equals(frame.index.astype(out.index.dtype))
    np.testing.assert_allclose(out.to_numpy(), frame.to_numpy(), rtol=1e-15)
    assert out.dtypes.tolist() == [np.float64, np.float64]


@pytest.mark.parametrize("as_column", [False, True])
def test_parquet_round_trip(tmp_path, as_column):
    frame = _frame()
    path = tmp_path / "prices.parquet"
    (frame.reset_index() if as_column else frame).to_parquet(path)
    out = read_prices(path)
    np.testing.assert_array_equal(out.to_numpy(), frame.to_numpy())
    assert (out.index == frame.index).all()


def test_named_and_detected_date_columns(tmp_path):
    rows = [[a, d, b] for d, a, b in _rows()]
    path = _write_csv(tmp_path / "p.csv", rows, header=("AAA", "Timestamp", "BBB"))
    out = read_prices(path)  # detected by name, not position
    assert list(out.columns) == ["AAA", "BBB"]
    path2 = _write_csv(tmp_path / "p2.csv", rows, header=("AAA", "when", "BBB"))
    out2 = read_prices(path2, date_column="when")
    np.testing.assert_array_equal(out2.to_numpy(), out.to_numpy())
    assert "date column 'nope' not found" in _error(path2, date_column="nope")


def test_missing_file(tmp_path):
    msg = _error(tmp_path / "absent.csv")
    assert "absent.csv" in msg and "file not found" in msg


def test_bad_extension(tmp_path):
    path = tmp_path / "prices.xlsx"
    path.write_text("date,AAA\n")
    msg = _error(path)
    assert "unsupported file extension '.xlsx'" in msg and ".csv" in msg


def test_unreadable_files(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert "cannot be read as CSV" in _error(empty)
    junk = tmp_path / "junk.parquet"
    junk.write_text("not parquet")
    assert "cannot be read as PARQUET" in _error(junk)


def test_no_parseable_dates(tmp_path):
    rows = [[f"day{i}", a, b] for i, (_, a, b) in enumerate(_rows())]
    assert "no parseable dates" in _error(_write_csv(tmp_path / "p.csv", rows))


def test_unparseable_and_missing_date(tmp_path):
    rows = _rows()
    rows[3][0] = "not-a-date"
    msg = _error(_write_csv(tmp_path / "p.csv", rows))
    assert "unparseable date 'not-a-date'" in msg and "row 4" in msg
    rows = _rows()
    rows[7][0] = ""
    msg = _error(_write_csv(tmp_path / "p2.csv", rows))
    assert "missing date" in msg and "row 8" in msg


def test_mixed_timezones_are_a_data_error(tmp_path):
    rows = _rows()
    for i, row in enumerate(rows):
        row[0] += "T00:00:00+01:00" if i % 2 else "T00:00:00+02:00"
    assert "cannot parse the dates" in _error(_write_csv(tmp_path / "p.csv", rows))


def test_duplicated_dates(tmp_path):
    rows = _rows()
    rows[5][0] = rows[4][0]
    msg = _error(_write_csv(tmp_path / "p.csv", rows))
    assert f"duplicated date {rows[4][0]} at row 6" in msg


def test_unsorted_dates(tmp_path):
    rows = _rows()
    rows[9], rows[10] = rows[10], rows[9]
    msg = _error(_write_csv(tmp_path / "p.csv", rows))
    assert "not sorted ascending" in msg and "row 11" in msg and rows[9][0] in msg


def test_non_numeric_cell(tmp_path):
    rows = _rows()
    rows[12][2] = "n/a?"
    msg = _error(_write_csv(tmp_path / "p.csv", rows))
    assert "non-numeric value 'n/a?'" in msg and "column 'BBB'" in msg and "row 13" in msg


@pytest.mark.parametrize("bad", ["0", "-3.5"])
def test_non_positive_price(tmp_path, bad):
    rows = _rows()
    rows[20][1] = bad
    msg = _error(_write_csv(tmp_path / "p.csv", rows))
    assert "non-positive price" in msg and "column 'AAA'" in msg and "row 21" in msg


def test_infinite_price(tmp_path):
    rows = _rows()
    rows[2][2] = "inf"
    msg = _error(_write_csv(tmp_path / "p.csv", rows))
    assert "infinite price" in msg and "column 'BBB'" in msg and "row 3" in msg


def test_all_nan_column(tmp_path):
    rows = [[d, a, ""] for d, a, _ in _rows()]
    msg = _error(_write_csv(tmp_path / "p.csv", rows))
    assert "column 'BBB' has no prices (all NaN)" in msg


def test_boolean_column_parquet(tmp_path):
    frame = _frame()
    frame["AAA"] = True
    path = tmp_path / "p.parquet"
    frame.to_parquet(path)
    assert "column 'AAA' is boolean" in _error(path)


def test_too_few_rows(tmp_path):
    rows = _rows()[: MIN_ROWS - 1]
    msg = _error(_write_csv(tmp_path / "p.csv", rows))
    assert f"only {MIN_ROWS - 1} rows" in msg and f"at least {MIN_ROWS}" in msg
    assert read_prices(_write_csv(tmp_path / "ok.csv", _rows()[:MIN_ROWS])).shape == (MIN_ROWS, 2)


def test_header_only_file(tmp_path):
    assert "no data rows" in _error(_write_csv(tmp_path / "p.csv", []))


def test_nan_policy_leading_kept_interior_forward_filled(tmp_path):
    frame = _frame()
    rows = _rows(frame)
    for i in (0, 1, 2):  # AAA not yet listed
        rows[i][1] = ""
    for i in (30, 31):  # interior gap in BBB
        rows[i][2] = ""
    rows[-1][1] = ""  # trailing gap in AAA
    out = read_prices(_write_csv(tmp_path / "p.csv", rows))
    aaa, bbb = out["AAA"].to_numpy(), out["BBB"].to_numpy()
    assert np.isnan(aaa[:3]).all() and np.isfinite(aaa[3:]).all()
    assert aaa[-1] == aaa[-2] == frame["AAA"].iloc[-2]
    assert bbb[30] == bbb[31] == frame["BBB"].iloc[29]
    np.testing.assert_array_equal(bbb[32:], frame["BBB"].to_numpy()[32:])
    # forward filling uses the past only: no later price leaks into a gap
    assert bbb[30] != frame["BBB"].iloc[32]


def test_validate_prices_on_frames():
    frame = _frame()
    out = validate_prices(frame)
    np.testing.assert_array_equal(out.to_numpy(), frame.to_numpy())
    with pytest.raises(DataError, match="no price columns"):
        validate_prices(frame[[]])


# -- hostile files ---------------------------------------------------------------------------


def _daily_csv(path, header, n=60, date_format="%Y-%m-%d", start="2020-01-01", freq="B"):
    dates = pd.date_range(start, periods=n, freq=freq).strftime(date_format)
    rows = [",".join(header)]
    for i, d in enumerate(dates):
        rows.append(",".join([d] + [f"{100 + i + j:.2f}" for j in range(len(header) - 1)]))
    path.write_text("\n".join(rows) + "\n")
    return path


def test_duplicate_column_names_are_an_error(tmp_path):
    path = _daily_csv(tmp_path / "dup.csv", ["date", "KO", "PEP", "KO"])
    with pytest.raises(DataError, match="duplicate column name 'KO' \\(columns 2 and 4\\)"):
        read_prices(path)
    path = _daily_csv(tmp_path / "dup2.csv", ["date", "KO", " KO"])
    with pytest.raises(DataError, match="duplicate column name 'KO'"):
        read_prices(path)


def test_wide_files_are_refused_before_parsing(tmp_path):
    header = ["date"] + [f"S{i}" for i in range(io.MAX_SYMBOLS + 1)]
    path = _daily_csv(tmp_path / "wide.csv", header, n=3)
    with pytest.raises(DataError, match=f"at most {io.MAX_SYMBOLS} symbols"):
        read_prices(path)


def test_long_and_large_files_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(io, "MAX_ROWS", 100)
    path = _daily_csv(tmp_path / "long.csv", ["date", "A"], n=101)
    with pytest.raises(DataError, match="more than 100 rows"):
        read_prices(path)
    monkeypatch.setattr(io, "MAX_FILE_BYTES", 1000)
    with pytest.raises(DataError, match="files up to"):
        read_prices(path)


def test_ambiguous_day_month_dates_are_refused_or_read_as_declared(tmp_path):
    # monthly dates on the 1st: 01/02/2020 is 1 Feb (day first) or 2 Jan (month first)
    path = _daily_csv(tmp_path / "m.csv", ["date", "A"], date_format="%d/%m/%Y", freq="MS")
    with pytest.raises(DataError, match="ambiguous dates .* pass dayfirst=True"):
        read_prices(path)
    frame = read_prices(path, dayfirst=True)
    assert frame.index[1] == pd.Timestamp("2020-02-01")
    frame = read_prices(path, dayfirst=False)
    assert frame.index[1] == pd.Timestamp("2020-01-02")


def test_dates_the_data_decide_are_read_without_dayfirst(tmp_path):
    path = _daily_csv(tmp_path / "d.csv", ["date", "A"], date_format="%d/%m/%Y", n=60)
    frame = read_prices(path)  # business days of Jan-Mar 2020: days above 12 decide
    assert frame.index[0] == pd.Timestamp("2020-01-01")
    assert frame.index.is_monotonic_increasing and frame.index[-1].month == 3
    with pytest.raises(DataError, match="not month/day/year"):
        read_prices(path, dayfirst=False)


@pytest.mark.parametrize(
    ("values", "match"),
    [
        (pd.date_range("2000-01-01", periods=60), "holds dates"),
        (pd.to_timedelta(np.arange(60), unit="D"), "holds durations"),
        (np.array([True, False] * 30), "boolean"),
        (np.array(["1.5"] * 60, dtype=object), "text or objects"),
    ],
    ids=["datetime", "timedelta", "bool", "object"],
)
def test_non_numeric_parquet_columns_are_refused_by_name(tmp_path, values, match):
    frame = pd.DataFrame(
        {"date": pd.date_range("2020-01-01", periods=60), "A": np.arange(60) + 1.0, "BAD": values}
    )
    path = tmp_path / "typed.parquet"
    frame.to_parquet(path)
    with pytest.raises(DataError, match=f"column 'BAD' .*{match}"):
        read_prices(path)
