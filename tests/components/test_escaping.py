"""Every user string shown in a view is escaped: symbol names with HTML in them."""

from __future__ import annotations

import html
from types import SimpleNamespace

import pandas as pd

from components import format as fmt
from components._reactive import ErrorBar

IMG = "<img src=x onerror=alert(1)>"


def test_kpi_values_that_are_text_are_escaped():
    tile = fmt.kpi("Best pair", f"{IMG}/B", "{}", key="best_pair")
    assert "<img" not in tile and html.escape(IMG) in tile


def test_number_formats_stay_readable():
    assert fmt.number(1234.5, "{:,.1f}") == "1,234.5"
    assert fmt.number(float("nan")) == "–"


def test_tables_escape_labels():
    frame = pd.DataFrame({"Sharpe": [1.0]}, index=[IMG])
    out = fmt.table(frame, {"Sharpe": "{:.2f}"}, index_label="symbol")
    assert "<img" not in out and html.escape(IMG) in out


def test_alerts_show_markup_as_text():
    bar = ErrorBar()
    bar.set("k", f"column {IMG!r} is constant")
    assert "<img" not in bar._alert.object and "&lt;img" in bar._alert.object
    assert fmt.alert_text(IMG) == html.escape(IMG) and fmt.alert_text(None) == ""


def test_pairs_view_escapes_the_selected_pair():
    from components import pairs

    view = SimpleNamespace(pair=SimpleNamespace(y=IMG, x="B"))
    out = pairs.PairScanView._selected_html(view)
    assert "<img" not in out and html.escape(IMG) in out


def test_symbol_choice_labels_are_escaped_and_map_to_the_raw_names():
    import param

    from components.data import symbol_choice

    class Holder(param.Parameterized):
        symbols = param.ListSelector(default=[], objects=[])

    holder = Holder()
    holder.param.symbols.objects = [IMG, "B"]
    widget = symbol_choice(holder)
    assert widget.options == {html.escape(IMG): IMG, "B": "B"}
    widget.value = [IMG]
    assert holder.symbols == [IMG]
    holder.param.symbols.objects = ["C", IMG]
    assert set(widget.options) == {"C", html.escape(IMG)}
