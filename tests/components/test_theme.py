"""The two themes (issue 16, item 6): one colour set per theme in the stylesheet, the session's
theme taken from the link, and the template and plots built in it."""

from __future__ import annotations

import re

import pytest

from components import theme

VARIABLE = re.compile(r"--(arb-[\w-]+)\s*:\s*([^;]+);")


def _palette(css: str) -> dict[str, str]:
    return dict(VARIABLE.findall(css))


def test_each_theme_gets_its_own_complete_colour_set():
    dark, light = _palette(theme.stylesheet("dark")), _palette(theme.stylesheet("default"))
    assert set(dark) == set(light) and len(dark) > 10
    # the colours that differ between the themes, at least the text ones
    for name in ("arb-muted", "arb-long", "arb-short", "arb-danger-text", "arb-info-text"):
        assert dark[name] != light[name], name
    for css in (theme.stylesheet("dark"), theme.stylesheet("default")):
        assert "palette" not in css  # the other set and the markers are dropped
        assert css.count("color-scheme:") == 1


def test_every_colour_of_the_rules_is_a_theme_variable():
    for name in theme.THEMES:
        css = theme.stylesheet(name)
        body = css.split("}", 1)[1]  # the rules after the theme's palette block
        literal = re.findall(r"#[0-9a-fA-F]{3,8}\b|rgba?\(", body)
        assert literal == [], f"{name}: colours outside the palette: {literal}"


def test_unknown_theme_is_refused_by_name_and_a_link_falls_back_to_dark():
    with pytest.raises(ValueError, match="'blue'"):
        theme.stylesheet("blue")
    assert theme.resolve_theme("blue") == "dark"
    assert theme.resolve_theme(None) == "dark"
    assert theme.resolve_theme("default") == "default"


def test_html_panes_carry_the_current_theme_colours(monkeypatch):
    import panel as pn

    monkeypatch.setattr(pn.config, "theme", "default")
    assert theme.current_theme() == "default"
    pane = theme.alert("refused", level="danger")
    assert (
        _palette(pane.stylesheets[0])["arb-danger-text"]
        == _palette(theme.stylesheet("default"))["arb-danger-text"]
    )


@pytest.mark.parametrize("name", ["dark", "default"])
def test_the_template_is_built_in_the_theme_with_a_readable_header(name):
    from components.app import LabApp

    tmpl = LabApp().template(name)
    assert tmpl._design.theme._name == name
    assert tmpl.header_background == theme.HEADER_BACKGROUND[name]
    assert tmpl.theme_toggle


def test_plot_marks_drawn_in_a_neutral_colour_read_on_both_backgrounds():
    from lab.plots import style

    def luminance(hex_colour: str) -> float:
        c = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        c = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    def ratio(a: str, b: str) -> float:
        x, y = sorted([luminance(a), luminance(b)])
        return (y + 0.05) / (x + 0.05)

    # the Fast design's plot backgrounds: light #ffffff, dark #181818
    assert ratio(style.INK, "#ffffff") >= 3 and ratio(style.INK, "#181818") >= 3


def test_unscanned_heatmap_cells_show_the_theme_background():
    import holoviews as hv
    import numpy as np
    import pandas as pd

    from lab.plots.pairs import heatmap

    matrix = pd.DataFrame([[np.nan, 0.01], [np.nan, np.nan]], columns=["A", "B"], index=["A", "B"])
    figure = hv.render(heatmap(matrix, "pvalue"))
    colour = figure.renderers[0].glyph.fill_color["transform"]
    # Bokeh's default NaN colour is grey and HoloViews' white: a white block on the dark theme
    assert colour.nan_color in ("transparent", "rgba(0, 0, 0, 0)")


def test_exit_marks_are_drawn_in_their_own_colour_on_every_trade_plot():
    from lab.plots import style

    assert style.marker_outline(style.NEUTRAL, "x")["line_color"] == style.NEUTRAL
    assert style.marker_outline(style.LONG, "triangle")["line_color"] == "white"
