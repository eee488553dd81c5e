"""Hand-made registries and submission files for the ingestion tests.

The registry is built here rather than loaded from `sources/reference/` so these tests pin the
ingestion rules, not the demo data. Files are written with the same libraries a unit's tools
produce (openpyxl for .xlsx, csv for .csv, a minimal OpenDocument zip for .ods).
"""

from __future__ import annotations

import csv
import zipfile
from datetime import date
from pathlib import Path
from typing import Any, Sequence
from xml.sax.saxutils import escape

import openpyxl

from orchestration.lib.registry import Indicator, LineageEvent, Obligation, OrgUnit, Registry
from orchestration.lib.workbook.reader import Sheet

TODAY = date(2025, 10, 15)
SHEET = "Báo cáo"
# In `report_rows`, the header is on row 8 and indicator rows start on row 10 (row 9 is a section
# title); values are in column E.
FIRST_VALUE_ROW = 10

Grid = Sequence[Sequence[Any]]


def _unit(code: str, unit_type: str, valid_from: date = date(2020, 1, 1), valid_to: date | None = None) -> OrgUnit:
    return OrgUnit(code, code, unit_type, None, valid_from, valid_to, None)


def _indicator(code: str, kind: str = "reported", aggregation: str | None = "flow") -> Indicator:
    return Indicator(code, code, code, kind, "", aggregation)  # type: ignore[arg-type]


def make_registry() -> Registry:
    units = [
        _unit("QN", "province"),
        _unit("QN-HL", "district", date(2024, 1, 1), date(2025, 6, 30)),
        _unit("QN-X-HAILANG", "commune"),
        _unit("QN-SYT", "health_department"),
        _unit("QN-BVDKT", "hospital"),
        _unit("QN-TTYT-HL", "health_centre"),
        _unit("QN-TYT-HONGHAI", "commune_station", valid_to=date(2025, 6, 30)),
        _unit("QN-TYT-HONGGAI", "commune_station", valid_from=date(2025, 7, 1)),
        _unit("QN-CTK", "statistics_office"),
    ]
    indicators = [
        _indicator("OPD_VISITS"),
        _indicator("IPD_ADMISSIONS"),
        _indicator("LIVE_BIRTHS"),
        _indicator("DTP1"),
        _indicator("SATISFACTION_SURVEYED"),
        _indicator("BEDS", aggregation="stock"),
        _indicator("POP_TOTAL", kind="reference", aggregation="yearly"),
        Indicator("BEDS_PER_10K", "", "", "derived", "", None, numerator_code="BEDS", denominator_code="POP_TOTAL",
                  factor=10000.0, numerator_window="period"),
    ]
    obligations = [
        *(Obligation("hospital", code, "monthly") for code in ("OPD_VISITS", "IPD_ADMISSIONS", "BEDS", "LIVE_BIRTHS")),
        Obligation("hospital", "SATISFACTION_SURVEYED", "quarterly"),
        *(Obligation("health_centre", code, "monthly") for code in ("OPD_VISITS", "BEDS")),
        *(Obligation("commune_station", code, "monthly") for code in ("OPD_VISITS", "DTP1", "LIVE_BIRTHS")),
        Obligation("statistics_office", "POP_TOTAL", "yearly"),
    ]
    lineage = (LineageEvent("QN-TYT-HONGHAI", "QN-TYT-HONGGAI", date(2025, 7, 1), "merge"),)
    return Registry(
        org_units={u.code: u for u in units},
        indicators={i.code: i for i in indicators},
        obligations=tuple(obligations),
        lineage=lineage,
    )


def report_rows(
    unit_code: str | None = "QN-BVDKT",
    period: Any = "Tháng 3/2025",
    values: Sequence[tuple[Any, Any]] = (("OPD_VISITS", 1200), ("BEDS", "1.384")),
) -> list[list[Any]]:
    """The contract's layout as a provincial template has it: title, identity, header on row 8,
    a section row, one row per indicator from row 10, a blank row and a signature block."""
    rows: list[list[Any]] = [
        ["SỞ Y TẾ QUẢNG NINH"],
        ["BÁO CÁO CHỈ SỐ Y TẾ"],
        ["Mã đơn vị:", unit_code],
        ["Kỳ báo cáo:", period],
        ["Tên đơn vị:", "Bệnh viện Đa khoa tỉnh"],
        ["Ngày báo cáo:", "05/04/2025"],
        [],
        ["STT", "Mã chỉ số", "Tên chỉ số", "Đơn vị tính", "Giá trị", "Ghi chú"],
        ["I", None, "Khám chữa bệnh"],
    ]
    rows += [[number, code, f"Chỉ số {code}", "lượt", value] for number, (code, value) in enumerate(values, 1)]
    rows += [[], [None, "Người lập biểu", None, None, "Thủ trưởng đơn vị"], [None, "Nguyễn Văn A"]]
    return rows


def sheet(rows: Grid, name: str = SHEET) -> Sheet:
    """An in-memory sheet as the reader would return it (blank cells are None)."""
    return Sheet(name, tuple(tuple(None if v == "" else v for v in row) for row in rows))


def write_xlsx(path: Path, sheets: dict[str, Grid], hidden: Sequence[str] = ()) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        worksheet = workbook.create_sheet(name)
        for r, row in enumerate(rows, 1):
            for c, value in enumerate(row, 1):
                if value is not None:
                    worksheet.cell(row=r, column=c, value=value)
        if name in hidden:
            worksheet.sheet_state = "hidden"
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def write_report(path: Path, **report: Any) -> Path:
    return write_xlsx(path, {SHEET: report_rows(**report)})


def write_csv(path: Path, rows: Grid, delimiter: str = ",", bom: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows([["" if v is None else v for v in row] for row in rows])
    return path


def write_ods(path: Path, name: str, rows: Grid) -> Path:
    """Just enough OpenDocument for a spreadsheet reader: mimetype, manifest, content."""

    def cell(value: Any) -> str:
        if value is None:
            return "<table:table-cell/>"
        if isinstance(value, (int, float)):
            return f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>'
        return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'

    body = "".join("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="{escape(name)}">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path
