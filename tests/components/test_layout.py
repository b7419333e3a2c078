"""The page scaffolding of components/layout.py: cards that wrap instead of widening the page."""

from __future__ import annotations

import panel as pn
import pytest

from components.layout import MAX_BASIS, card_row, panel_card


def test_a_card_with_a_basis_starts_there_and_may_grow_or_shrink():
    card = panel_card("t", pn.pane.HTML("x"), basis=380)
    assert card.styles["flex"] == "1 1 380px"
    assert card.sizing_mode == "stretch_width" and card.width is None


def test_a_basis_keeps_other_styles():
    card = panel_card("t", basis=200, styles={"color": "red"})
    assert card.styles == {"color": "red", "flex": "1 1 200px"}


@pytest.mark.parametrize("basis", [0, -5, MAX_BASIS + 1])
def test_a_basis_out_of_range_is_refused(basis):
    with pytest.raises(ValueError, match="basis must be a width in px"):
        panel_card("t", basis=basis)


def test_a_card_row_wraps():
    row = card_row(panel_card("a", basis=300), panel_card("b", basis=300))
    assert isinstance(row, pn.FlexBox) and row.flex_wrap == "wrap"
    assert row.sizing_mode == "stretch_width" and len(row) == 2
