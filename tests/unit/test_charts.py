"""The SVG chart builder of the awarding dashboard: pure, so checked on its output."""

from __future__ import annotations

import re
from xml.etree import ElementTree

from learner_records.entrypoints.web.awarding.charts import _scale, bar_chart, line_chart

SVG = "{http://www.w3.org/2000/svg}"


def _parse(markup: str) -> ElementTree.Element:
    return ElementTree.fromstring(markup)  # our own output: parsing it checks it is well formed


def test_a_bar_chart_is_an_image_titled_and_described_with_every_value() -> None:
    svg = _parse(bar_chart("outcomes", "Registrations by outcome", [("Validated", 3), ("Anomaly", 1)]))
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "outcomes-title outcomes-desc"
    assert svg.findtext(f"{SVG}title") == "Registrations by outcome"
    assert svg.findtext(f"{SVG}desc") == "Validated: 3; Anomaly: 1"
    bars = svg.findall(f"{SVG}rect")
    assert len(bars) == 2
    assert abs(float(bars[0].get("height", 0)) - 3 * float(bars[1].get("height", 0))) < 0.5  # in proportion


def test_bars_take_their_colours_in_order_and_blue_after() -> None:
    svg = _parse(bar_chart("c", "t", [("a", 1), ("b", 2)], ["#00703c"]))
    assert [bar.get("fill") for bar in svg.findall(f"{SVG}rect")] == ["#00703c", "#1d70b8"]


def test_text_is_escaped() -> None:
    markup = bar_chart("c", "<script>", [("Tom & Jerry", 1)])
    assert "<script>" not in markup and "Tom &amp; Jerry" in markup
    _parse(markup)


def test_a_line_chart_joins_one_point_a_week() -> None:
    svg = _parse(line_chart("weeks", "Open anomalies", [("5 Oct", 0), ("12 Oct", 4), ("19 Oct", 2)]))
    (line,) = svg.findall(f"{SVG}polyline")
    points = [tuple(float(n) for n in p.split(",")) for p in (line.get("points") or "").split()]
    assert len(points) == 3 and points[0][0] < points[1][0] < points[2][0]
    assert points[1][1] < points[2][1] < points[0][1]  # higher values are drawn higher up
    assert len(svg.findall(f"{SVG}circle")) == 3


def test_an_empty_or_single_point_chart_still_draws() -> None:
    assert _parse(line_chart("w", "t", [("1 Nov", 2)])).findall(f"{SVG}polyline") == []
    empty = _parse(bar_chart("c", "t", []))
    assert empty.findtext(f"{SVG}desc") == "no data" and empty.findall(f"{SVG}rect") == []


def test_the_axis_top_is_a_round_number_at_least_the_largest_value() -> None:
    assert [_scale(v) for v in ([], [0], [3], [7], [48], [51], [120], [999])] == [1, 1, 3, 10, 50, 60, 200, 1000]
    assert re.search(r">0</text>", bar_chart("c", "t", [("a", 0)]))
