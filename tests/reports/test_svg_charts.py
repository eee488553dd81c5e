"""The inline charts: what they draw, and that reference data cannot inject markup."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

from orchestration.reports.svg_charts import BarRow, count_columns, percent_bars, trend_line

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)


def test_percent_bars_scale_to_the_plot_and_clamp_and_skip():
    svg = parse(percent_bars([BarRow("Trạm <Y> tế", (50.0, None)), BarRow("Bệnh viện", (150.0, 100.0))], ("a", "b")))
    bars = [rect for rect in svg.iter(f"{SVG}rect") if rect.find(f"{SVG}title") is not None]
    widths = [float(rect.get("width")) for rect in bars]
    assert len(bars) == 3, "a missing value draws no bar"
    assert widths[1] == widths[2] == 2 * widths[0], "150 % is drawn as 100 %"
    assert "Trạm <Y> tế" in [text.text for text in svg.iter(f"{SVG}text")]


def test_count_columns_highlight_the_report_month_and_label_months_unambiguously():
    svg = parse(count_columns(["202411", "202412", "202501"], [0, 4, 2], highlight="202501"))
    columns = [rect for rect in svg.iter(f"{SVG}rect")]
    assert [rect.get("fill") for rect in columns] == ["#2b6cb0", "#2b6cb0", "#c05621"]
    assert float(columns[1].get("height")) == 2 * float(columns[2].get("height"))
    assert {"11/24", "12/24", "01/25"} <= {text.text for text in svg.iter(f"{SVG}text")}


def test_trend_line_breaks_at_gaps_and_marks_the_month():
    svg = trend_line(["202401", "202402", "202403", "202404", "202405"], [5, 6, None, 7, 8], highlight="202405")
    tree = parse(svg)
    assert len(list(tree.iter(f"{SVG}polyline"))) == 2
    assert len(list(tree.iter(f"{SVG}circle"))) == 1
    assert not re.search(r"nan|inf", svg)


def test_trend_line_has_axes_a_value_scale_months_and_the_indicators_vietnamese_name():
    svg = trend_line(["202401", "202402", "202403"], [1200, 1384000, 900], highlight="202402",
                     title="Số lượt khám bệnh ngoại trú")
    tree = parse(svg)
    texts = {text.text for text in tree.iter(f"{SVG}text")}
    assert {"0", "1.384.000", "01/24", "03/24"} <= texts  # value scale in Vietnamese notation, months
    assert len(list(tree.iter(f"{SVG}line"))) >= 2  # both axes
    assert tree.find(f"{SVG}title").text == "Số lượt khám bệnh ngoại trú"


def test_an_empty_series_says_so_not_an_error():
    assert "chưa có số liệu" in trend_line(["202401"], [None])
