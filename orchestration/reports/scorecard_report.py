"""Renders the monthly data-quality report card as one self-contained HTML file.

Charts are inline SVG (`svg_charts.py`) and the styles are in the page, so the file can be mailed
or opened from a shared folder without network access. It is written next to the published
warehouse (`WarehousePaths.reports_dir`) as `dq_report_<period>.html`, atomically, so a reader
never opens half a report.
"""

from __future__ import annotations

import os
from pathlib import Path

import jinja2

from orchestration.reports.report_data import ReportData, read_report_data
from orchestration.reports.svg_charts import BarRow, count_columns, percent_bars, trend_line

TEMPLATES_DIR = Path(__file__).parent / "templates"
TILES = (
    ("completeness_pct", "Tính đầy đủ của báo cáo", "Reporting completeness"),
    ("timeliness_pct", "Tính kịp thời", "Timeliness"),
    ("value_completeness_pct", "Đủ số liệu chỉ số", "Indicator data completeness"),
    ("outlier_pct", "Giá trị bất thường", "Values flagged as outliers"),
)

_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


STATUSES = {"open": "Chưa xử lý / open", "explained": "Đã giải trình / explained", "resolved": "Đã sửa / resolved"}


def report_file_name(period_code: str) -> str:
    return f"dq_report_{period_code}.html"


def render_report(data: ReportData) -> str:
    completeness = percent_bars(
        [BarRow(unit["name_vi"], (unit["completeness_pct"], unit["timeliness_pct"])) for unit in data.units],
        ("Đầy đủ / complete", "Đúng hạn / on time"),
    )
    outliers = count_columns(
        [period for period, _ in data.outliers_by_month],
        [count for _, count in data.outliers_by_month],
        highlight=data.period_code,
    )
    trends = [
        trend | {"svg": trend_line(trend["labels"], trend["values"], highlight=data.period_code, title=trend["name_vi"])}
        for trend in data.trends
    ]
    return _ENVIRONMENT.get_template("scorecard.html").render(
        data=data, tiles=TILES, pct=_percent, completeness_chart=completeness, outlier_chart=outliers, trends=trends,
        statuses=STATUSES,
    )


def write_report(published_db: Path, reports_dir: Path, period_code: str) -> Path:
    html = render_report(read_report_data(published_db, period_code))
    reports_dir.mkdir(parents=True, exist_ok=True)
    target = reports_dir / report_file_name(period_code)
    staging = target.with_name(f".{target.name}.tmp")
    staging.write_text(html, encoding="utf-8")
    os.replace(staging, target)
    return target


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%".replace(".0%", "%")
