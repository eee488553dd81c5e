"""The consolidated provincial report (báo cáo tổng hợp) as an Excel workbook, ready to print and send.

One workbook per publication, named after the latest month (`bao_cao_tong_hop_202512.xlsx`), with a
sheet per period type — "Tháng", "Quý", "Năm" — each for the latest period of its type with a
published value (see `consolidated_data.latest_periods`). A registry with several provinces gets one
workbook per province, named `bao_cao_tong_hop_<period>_<province code>.xlsx`.

Numbers stay numbers, so the officer can add and chart them; their look comes from Excel number
formats (`#,##0`, `#,##0.0`), which Excel displays with the reader's regional separators: on a
Vietnamese-locale machine 1.384.000 and 95,6, on an English one 1,384,000 and 95.6. A format code
cannot force the separators (Excel swaps them per locale), so the legend says so.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from orchestration.lib.periods import Period, period_label
from orchestration.publish.consolidated_data import (
    REPORT_PERIOD_TYPES,
    ProvinceReport,
    ReportCell,
    ReportIndicator,
    ReportUnit,
    latest_arrivals,
    latest_periods,
    province_reports,
    provinces,
)
from orchestration.publish.previous_files import PreviousFiles, value_fingerprint

SHEET_TITLES = {"month": "Tháng", "quarter": "Quý", "year": "Năm"}
FILE_PREFIX = "bao_cao_tong_hop_"

HELD_TEXT = "Giữ lại"
HELD_FILL = PatternFill("solid", fgColor="FFC7CE")
FLAGGED_FILL = PatternFill("solid", fgColor="FFEB9C")
INCOMPLETE_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
# Suffixes in the number format, so a black-and-white printout still shows the mark.
FLAGGED_SUFFIX = " (!)"
INCOMPLETE_SUFFIX = " (*)"

# Rows: title block, then two header rows (Vietnamese; English and codes), then one row per indicator.
HEADER_ROW = 6
CODE_ROW = 7
FIRST_DATA_ROW = 8


def fixed_columns(year: int) -> tuple[tuple[str, str, int], ...]:
    """(Vietnamese header, English header, width) of the columns before the province: targets and
    national figures are yearly, so their headers name the year."""
    return (
        ("STT", "No.", 5),
        ("Mã chỉ số", "Code", 18),
        ("Tên chỉ số", "Indicator", 40),
        ("Đơn vị tính", "Unit", 11),
        (f"Chỉ tiêu của tỉnh năm {year}", f"Province target {year}", 11),
        (f"Toàn quốc năm {year}", f"National figure {year}", 11),
    )


PROVINCE_COLUMN = 7  # after the fixed columns
ASSESSMENT_HEADER = ("Đánh giá", "Assessment", 12)
UNIT_WIDTH = 13
# Number, code and name stay in view while scrolling right through the units, the headers while
# scrolling down.
FROZEN_AT = f"D{FIRST_DATA_ROW}"

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def write_consolidated_workbooks(
    connection: duckdb.DuckDBPyConnection, folder: Path, previous: PreviousFiles | None = None
) -> dict:
    """Writes the report from the published file behind `connection` into `folder`; returns Dagster
    metadata. Nothing published at all means no period to report on, so no workbook. A province
    whose workbook would show exactly what the previous publication's showed gets that file
    (`previous_files.py`): the fingerprint is of the very values the sheets are written from."""
    previous = previous if previous is not None else PreviousFiles()
    latest = latest_periods(connection)
    if not latest:
        return {"consolidated_workbooks": 0, "consolidated_paths": "", "consolidated_periods": ""}
    folder.mkdir(parents=True, exist_ok=True)
    named_after = next(latest[period_type] for period_type in REPORT_PERIOD_TYPES if period_type in latest)
    reports_by_type = {period_type: province_reports(connection, period) for period_type, period in latest.items()}
    arrivals = latest_arrivals(connection)
    all_provinces = provinces(connection)
    paths, values, held, flagged = [], 0, 0, 0
    for province in all_provinces:
        suffix = "" if len(all_provinces) == 1 else f"_{province.code}"
        path = folder / f"{FILE_PREFIX}{named_after.code}{suffix}.xlsx"
        source = _source_note(arrivals.get(province.code))
        reports = {
            period_type: next((r for r in reports_by_type.get(period_type, []) if r.province.code == province.code), None)
            for period_type in REPORT_PERIOD_TYPES
        }
        for report in filter(None, reports.values()):
            cells = list(report.cells.values())
            values += sum(cell.value is not None for cell in cells)
            held += sum(cell.held for cell in cells)
            flagged += sum(cell.flagged for cell in cells)
        paths.append(str(path))
        key = f"{FILE_PREFIX}{province.code}"
        fingerprint = value_fingerprint(path.name, province, source, [_report_state(r) for r in reports.values()])
        if previous.reuse(key, fingerprint, folder) is not None:
            continue
        workbook = Workbook()
        workbook.remove(workbook.active)
        for period_type, report in reports.items():
            sheet = workbook.create_sheet(SHEET_TITLES[period_type])
            if report is None:
                _write_empty_sheet(sheet, province, period_type, source)
            else:
                _write_report_sheet(sheet, report, source)
        workbook.save(path)
        previous.record(key, fingerprint, folder, [path])
    return {
        "consolidated_workbooks": len(paths),
        "consolidated_reused_workbooks": previous.reused(FILE_PREFIX),
        "consolidated_paths": ", ".join(paths),
        "consolidated_periods": ", ".join(latest[t].code for t in REPORT_PERIOD_TYPES if t in latest),
        "consolidated_values": values,
        "consolidated_held_cells": held,
        "consolidated_flagged_cells": flagged,
    }


def _report_state(report: ProvinceReport | None) -> object:
    """Everything a sheet shows, in a fixed order (the cells' dict order is not)."""
    if report is None:
        return None
    return (report.period, report.province, report.indicators, report.units, sorted(report.cells.items()))


def number_format(decimals: int, flagged: bool = False, incomplete: bool = False) -> str:
    """`#,##0` or `#,##0.0`, with the marks as quoted text after the number: `#,##0.0" (*) (!)"`."""
    base = "#,##0" + ("." + "0" * decimals if decimals else "")
    marks = (INCOMPLETE_SUFFIX if incomplete else "") + (FLAGGED_SUFFIX if flagged else "")
    return f'{base}"{marks}"' if marks else base


def _source_note(latest_arrival: datetime | None) -> str:
    """Which data the report holds: up to the province's latest file. Not the publication's time,
    which would make every province's workbook differ on every publication; the exports folder's
    manifest.json names the publication."""
    if latest_arrival is None:
        return "Nguồn: kho dữ liệu đã kiểm tra / Source: the checked warehouse"
    stamp = latest_arrival.strftime("%Y-%m-%d %H:%M")
    return (
        f"Nguồn: kho dữ liệu đã kiểm tra, gồm các tệp của tỉnh nhận đến {stamp} (giờ Việt Nam) / "
        f"Source: the checked warehouse, with the province's files received up to {stamp} (Vietnam time)"
    )


def _write_title(sheet: Worksheet, province: ReportUnit, period_text: str, source: str) -> None:
    sheet["A1"] = f"BÁO CÁO TỔNG HỢP CHỈ SỐ Y TẾ — {province.name_vi.upper()}"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = f"Consolidated health indicator report — {province.name_vi}"
    sheet["A2"].font = Font(italic=True)
    sheet["A3"] = period_text
    sheet["A3"].font = Font(bold=True, size=12)
    sheet["A4"] = source
    sheet["A4"].font = Font(size=9, color="595959")


def _period_text(period: Period) -> str:
    label_vi, label_en = period_label(period)
    return f"Kỳ báo cáo: {label_vi} / Period: {label_en}"


def _write_empty_sheet(sheet: Worksheet, province: ReportUnit, period_type: str, source: str) -> None:
    _write_title(sheet, province, "Kỳ báo cáo: — / Period: —", source)
    sheet["A6"] = (
        f"Chưa có số liệu {SHEET_TITLES[period_type].lower()} nào được công bố / "
        f"No {period_type} value has been published yet"
    )
    _set_print_layout(sheet, header_rows=False)


def _write_report_sheet(sheet: Worksheet, report: ProvinceReport, source: str) -> None:
    _write_title(sheet, report.province, _period_text(report.period), source)
    headers = [
        *fixed_columns(report.period.year),
        (report.province.name_vi, report.province.code, UNIT_WIDTH),
        ASSESSMENT_HEADER,
        *((unit.name_vi, unit.code, UNIT_WIDTH) for unit in report.units[1:]),
    ]
    for column, (vietnamese, english, width) in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
        for row, text, font in ((HEADER_ROW, vietnamese, Font(bold=True)), (CODE_ROW, english, Font(italic=True, size=8))):
            cell = sheet.cell(row, column, text)
            cell.font, cell.fill, cell.border = font, HEADER_FILL, _BORDER
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.row_dimensions[HEADER_ROW].height = 45
    # The assessment column sits between the province and the other units.
    unit_columns = {report.province.code: PROVINCE_COLUMN}
    unit_columns.update({unit.code: PROVINCE_COLUMN + 1 + index for index, unit in enumerate(report.units[1:], start=1)})
    for number, indicator in enumerate(report.indicators, start=1):
        row = FIRST_DATA_ROW + number - 1
        _write_indicator_columns(sheet, row, number, indicator)
        for unit_code, column in unit_columns.items():
            cell = report.cells.get((indicator.code, unit_code))
            _write_value(sheet, row, column, indicator, cell, bold=unit_code == report.province.code)
    _write_legend(sheet, FIRST_DATA_ROW + len(report.indicators) + 1)
    _set_print_layout(sheet, header_rows=True)


def _write_indicator_columns(sheet: Worksheet, row: int, number: int, indicator: ReportIndicator) -> None:
    assessment = indicator.assessment_vi
    if assessment and indicator.compared_with == "benchmark":
        assessment += " (so với toàn quốc)"
    texts = (number, indicator.code, indicator.name_vi, indicator.unit_of_measure_vi, indicator.target, indicator.benchmark)
    for column, value in enumerate(texts, start=1):
        cell = sheet.cell(row, column, value)
        cell.border = _BORDER
        cell.alignment = Alignment(vertical="center", wrap_text=column in (3, 4))
        if column >= 5:
            cell.number_format = number_format(indicator.decimals)
    sheet.cell(row, 2).font = Font(size=8)
    assessment_cell = sheet.cell(row, PROVINCE_COLUMN + 1, assessment)
    assessment_cell.border = _BORDER
    assessment_cell.alignment = Alignment(vertical="center", wrap_text=True)


def _write_value(sheet: Worksheet, row: int, column: int, indicator: ReportIndicator, found: ReportCell | None, bold: bool) -> None:
    cell = sheet.cell(row, column)
    cell.border = _BORDER
    cell.font = Font(bold=bold)
    if found is None:
        return
    if found.held:
        cell.value = HELD_TEXT
        cell.fill = HELD_FILL
        cell.alignment = Alignment(horizontal="center")
    else:
        incomplete = found.value is not None and not found.is_complete
        cell.value = found.value
        cell.number_format = number_format(indicator.decimals, flagged=found.flagged, incomplete=incomplete)
        if found.flagged:
            cell.fill = FLAGGED_FILL
        elif incomplete:
            cell.fill = INCOMPLETE_FILL
        if incomplete:
            cell.font = Font(bold=bold, italic=True)
    if found.notes:
        text = "\n".join(found.notes)
        cell.comment = Comment(text, "Kho dữ liệu y tế")
        cell.comment.width, cell.comment.height = 420, min(60 + 45 * len(found.notes), 400)


LEGEND = (
    (HELD_TEXT, HELD_FILL, "@", "Giá trị bị giữ lại do lỗi dữ liệu, chưa công bố (lý do trong ghi chú của ô) / "
     "Value held back by a data error, not published (the reason is in the cell's note)"),
    (1234, FLAGGED_FILL, number_format(0, flagged=True), "Giá trị đã công bố kèm cảnh báo chất lượng (xem ghi chú của ô) / "
     "Published with a data-quality warning (see the cell's note)"),
    (1234, INCOMPLETE_FILL, number_format(0, incomplete=True), "Chưa đủ số liệu: còn tháng hoặc đơn vị chưa báo cáo / "
     "Incomplete: some months or units have not reported"),
    (None, None, "General", "Ô trống: không có giá trị nào được công bố / An empty cell: no value has been published"),
    (1384000, None, "#,##0", "Số hiển thị theo cài đặt vùng của Excel: máy tiếng Việt hiện 1.384.000 và 95,6; máy tiếng Anh hiện "
     "1,384,000 và 95.6 / Numbers follow Excel's regional settings: 1.384.000 and 95,6 on Vietnamese, 1,384,000 and 95.6 on English"),
)


def _write_legend(sheet: Worksheet, first_row: int) -> None:
    sheet.cell(first_row, 2, "Chú thích / Legend").font = Font(bold=True)
    for offset, (sample, fill, number_format_code, text) in enumerate(LEGEND, start=1):
        sample_cell = sheet.cell(first_row + offset, 2, sample)
        sample_cell.number_format = number_format_code
        sample_cell.border = _BORDER
        if fill is not None:
            sample_cell.fill = fill
        sheet.cell(first_row + offset, 3, text).font = Font(size=9)


def _set_print_layout(sheet: Worksheet, header_rows: bool) -> None:
    """A4 landscape, every column on one page width, the header rows repeated on every page and
    the cells' notes printed at the end, so a paper copy keeps the reasons for held values."""
    setup = sheet.page_setup
    setup.orientation = "landscape"
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.fitToWidth, setup.fitToHeight = 1, 0
    setup.cellComments = "atEnd"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.oddFooter.center.text = "Trang &P/&N"
    if header_rows:
        sheet.freeze_panes = FROZEN_AT
        sheet.print_title_rows = f"{HEADER_ROW}:{CODE_ROW}"
