"""Plots drawn by hand as SVG: what the student's numbers look like, whatever those numbers are."""
from __future__ import annotations

import math
import re

import pytest
from _htmltree import parse

from autograder.render._svgplot import draw_svg
from autograder.results import Figure, Series

COLORS = ("#2563eb", "#ea580c")


def svg_of(*series: Series, **options) -> str:
    return draw_svg(Figure("title", "x", "y", list(series), **options), "t1f1", COLORS)


def texts(svg: str) -> list[str]:
    return [text.text() for text in parse(svg).find_all("text")]


def test_a_line_breaks_where_a_value_is_not_finite():
    svg = svg_of(Series("yours", [0, 1, 2, 3, 4, 5], [1.0, 2.0, math.nan, 3.0, math.inf, 4.0]))
    points = [polyline.attrs["points"].split() for polyline in parse(svg).find_all("polyline")]
    assert [len(run) for run in points] == [2]   # 3.0 and 4.0 stand alone: dots, not lines
    assert len(parse(svg).find_all("circle")) == 4


def test_a_log_axis_leaves_out_values_that_are_not_positive_and_labels_powers_of_ten():
    svg = svg_of(Series("loss", [1, 2, 3, 4], [0.0, 10.0, 1.0, 0.01]), log_y=True)
    assert len(parse(svg).find_all("polyline")[0].attrs["points"].split()) == 3
    labels = texts(svg)
    assert labels.count("10") == 4 and {"\u22122", "\u22121", "0", "1"} <= set(labels)


def test_series_of_different_lengths_cannot_be_drawn():
    with pytest.raises(ValueError, match="x has 3 values and y 2"):
        svg_of(Series("a", [1, 2, 3], [1, 2]))


def test_values_that_are_not_numbers_cannot_be_drawn():
    with pytest.raises((TypeError, ValueError)):
        svg_of(Series("a", [1, 2], ["one", None]))


@pytest.mark.parametrize("ys", [[2.5, 2.5, 2.5], [0.0, 0.0, 0.0], [], [math.nan, math.nan, math.nan]])
def test_a_flat_empty_or_unplottable_series_still_gets_axes_with_ticks(ys):
    svg = svg_of(Series("flat", list(range(len(ys))), ys))
    numbers = [label for label in texts(svg) if re.fullmatch(r"\u2212?[\d.]+", label)]
    assert len(numbers) >= 4 and "nan" not in svg and "inf" not in svg


def test_ticks_have_the_decimals_their_step_needs():
    labels = texts(svg_of(Series("p", [0.0, 1.0], [0.0, 0.2])))
    assert {"0", "0.05", "0.10", "0.15", "0.20"} <= set(labels)
    assert not [label for label in labels if label.startswith("\u2212")]


def test_bars_start_at_zero_and_negative_bars_hang_below_it():
    svg = svg_of(Series("change", [0, 1], [3.0, -1.0], style="bar"))
    rects = [rect for rect in parse(svg).find_all("rect") if rect.attrs.get("fill") == COLORS[0]
             and "height" in rect.attrs and rect.attrs.get("fill-opacity")]
    up, down = rects[0], rects[1]
    assert float(up.attrs["y"]) + float(up.attrs["height"]) == pytest.approx(float(down.attrs["y"]), abs=0.11)


def test_the_clip_path_id_is_salted_and_is_the_one_referenced():
    svg = svg_of(Series("a", [0, 1], [0, 1]))
    assert 'id="clip-t1f1"' in svg and 'url(#clip-t1f1)' in svg
    other = draw_svg(Figure("t", "x", "y", [Series("a", [0, 1], [0, 1])]), "dashboard 2", COLORS)
    assert 'id="clip-dashboard-2"' in other
