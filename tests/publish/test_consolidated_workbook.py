"""The consolidated provincial report: read back from the xlsx, it must say what the publication says.

Small hand-made published files cover the edge cases (a held value, a flagged one, an incomplete
one, an indicator without a target, a period type with no value, a unit that ended, two provinces);
the demo province's real publication checks every province cell against fct_indicator_values.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from orchestration.publish.consolidated_data import decimals_of, latest_periods
from orchestration.publish.consolidated_workbook import (
    CODE_ROW,
    FIRST_DATA_ROW,
    FLAGGED_FILL,
    HEADER_ROW,
    HELD_FILL,
    HELD_TEXT,
    number_format,
    write_consolidated_workbooks,
)

MARTS_DDL = """
create schema marts;
create table marts.dim_org_units (org_unit_code varchar, name_vi varchar, unit_type varchar, org_unit_level varchar,
                                  valid_to date);
create table marts.dim_org_unit_parent_links (org_unit_code varchar, parent_code varchar, valid_from date, valid_to date);
create table marts.dim_indicators (indicator_code varchar, name_vi varchar, name_en varchar, kind varchar,
                                   unit_of_measure_vi varchar);
create table marts.fct_indicator_values (indicator_code varchar, org_unit_code varchar, period_code varchar,
                                         period_type varchar, value double, is_complete boolean);
create table marts.fct_indicator_achievement (org_unit_code varchar, indicator_code varchar, period_code varchar,
                                              target_value double, benchmark_value double, achievement_label_vi varchar,
                                              compared_with varchar);
create table marts.fct_dq_findings (finding_id varchar, org_unit_code varchar, period_code varchar,
                                    indicator_code varchar, rule_code varchar, severity varchar, message_vi varchar,
                                    message_en varchar);
"""

UNITS = [
    ("QN", "Tỉnh Quảng Ninh", "province", "area", None),
    ("QN-HL", "Thành phố Hạ Long", "district", "area", date(2025, 6, 30)),
    ("QN-X-HG", "Phường Hồng Gai", "commune", "area", None),
    ("QN-TYT-HG", "Trạm Y tế phường Hồng Gai", "commune_station", "facility", None),
]
LINKS = [
    ("QN-HL", "QN", date(2020, 1, 1), date(2025, 6, 30)),
    ("QN-X-HG", "QN-HL", date(2020, 1, 1), date(2025, 6, 30)),
    ("QN-X-HG", "QN", date(2025, 7, 1), None),
    ("QN-TYT-HG", "QN-X-HG", date(2020, 1, 1), None),
]
INDICATORS = [
    ("OPD_VISITS", "Số lượt khám bệnh ngoại trú", "Outpatient visits", "reported", "Lượt"),
    ("DENGUE_CASES", "Số ca mắc sốt xuất huyết Dengue", "Dengue cases", "reported", "Ca"),
    ("BHYT_COVERAGE_PCT", "Tỷ lệ dân số tham gia bảo hiểm y tế", "Health insurance coverage", "derived", "%"),
]
VALUES = [
    # An older month: the latest is 202503.
    ("OPD_VISITS", "QN", "202502", "month", 90000.0, True),
    ("OPD_VISITS", "QN", "202503", "month", 98000.0, True),
    ("OPD_VISITS", "QN-HL", "202503", "month", 41000.0, True),
    ("OPD_VISITS", "QN-X-HG", "202503", "month", 1250.0, True),
    ("DENGUE_CASES", "QN-TYT-HG", "202503", "month", 3.0, True),
    ("DENGUE_CASES", "QN", "202503", "month", 3.0, True),
    ("BHYT_COVERAGE_PCT", "QN", "202503", "month", 92.64, False),
    ("OPD_VISITS", "QN", "2025", "year", 1200000.0, False),
    ("OPD_VISITS", "QN-HL", "2025", "year", 250000.0, True),
    ("OPD_VISITS", "QN-X-HG", "2025", "year", 15000.0, False),
]
ACHIEVEMENT = [
    ("QN", "BHYT_COVERAGE_PCT", "202503", 95.0, 94.1, "Chưa đạt", "target"),
    ("QN-X-HG", "BHYT_COVERAGE_PCT", "202503", 96.0, 94.1, "Không có số liệu", "target"),
]
FINDINGS = [
    ("DQ-1", "QN-TYT-HG", "202503", "OPD_VISITS", "DQ_NEGATIVE", "error", "Giá trị âm", "Negative value"),
    ("DQ-2", "QN-TYT-HG", "202503", "DENGUE_CASES", "DQ_OUTLIER_MODERATE", "warning", "Cao bất thường", "Unusually high"),
    # A report-level finding marks no cell; a mistyped indicator has no row to mark.
    ("DQ-3", "QN-TYT-HG", "202503", None, "DQ_LATE_REPORT", "warning", "Nộp muộn", "Late"),
    ("8-0001", "QN-TYT-HG", "202503", "OPD_VISITT", "ING_UNKNOWN_INDICATOR", "error", "Mã sai", "Unknown code"),
]


def make_published(path: Path, units=UNITS, links=LINKS, values=VALUES, findings=FINDINGS) -> Path:
    with duckdb.connect(str(path)) as connection:
        connection.execute(MARTS_DDL)
        for table, rows in (
            ("dim_org_units", units), ("dim_org_unit_parent_links", links), ("dim_indicators", INDICATORS),
            ("fct_indicator_values", values), ("fct_indicator_achievement", ACHIEVEMENT), ("fct_dq_findings", findings),
        ):
            if rows:
                placeholders = ", ".join("?" * len(rows[0]))
                connection.executemany(f"insert into marts.{table} values ({placeholders})", rows)
    return path


def write_from(published: Path, folder: Path) -> dict:
    with duckdb.connect(str(published), read_only=True) as connection:
        return write_consolidated_workbooks(connection, folder)


def sheet_cells(sheet) -> dict[tuple[str, str], object]:
    """(indicator code, unit code) -> cell, through the code header row and the code column."""
    units = {column: sheet.cell(CODE_ROW, column).value for column in range(1, sheet.max_column + 1)}
    cells = {}
    for row in range(FIRST_DATA_ROW, sheet.max_row + 1):
        indicator = sheet.cell(row, 2).value
        if not isinstance(sheet.cell(row, 1).value, int):
            break
        for column, unit in units.items():
            cells[(indicator, unit)] = sheet.cell(row, column)
    return cells


@pytest.fixture
def small_report(tmp_path):
    published = make_published(tmp_path / "published.duckdb")
    metadata = write_from(published, tmp_path / "exports")
    return metadata, load_workbook(tmp_path / "exports" / "bao_cao_tong_hop_202503.xlsx")


def test_latest_periods_are_the_latest_with_published_values(tmp_path):
    published = make_published(tmp_path / "published.duckdb")
    with duckdb.connect(str(published), read_only=True) as connection:
        latest = latest_periods(connection)
    assert {period_type: period.code for period_type, period in latest.items()} == {"month": "202503", "year": "2025"}


def test_one_workbook_named_after_the_latest_month_with_a_sheet_per_period_type(tmp_path, small_report):
    metadata, workbook = small_report
    assert sorted(path.name for path in (tmp_path / "exports").iterdir()) == ["bao_cao_tong_hop_202503.xlsx"]
    assert workbook.sheetnames == ["Tháng", "Quý", "Năm"]
    assert metadata["consolidated_workbooks"] == 1
    assert metadata["consolidated_periods"] == "202503, 2025"
    assert metadata["consolidated_paths"] == str(tmp_path / "exports" / "bao_cao_tong_hop_202503.xlsx")
    # No quarter has a published value: the sheet says so instead of showing an empty table.
    quarter = workbook["Quý"]
    assert "Chưa có số liệu quý" in quarter["A6"].value
    assert quarter.cell(CODE_ROW, 1).value is None


def test_titles_headers_and_vietnamese_names(small_report):
    _, workbook = small_report
    month = workbook["Tháng"]
    assert month["A1"].value == "BÁO CÁO TỔNG HỢP CHỈ SỐ Y TẾ — TỈNH QUẢNG NINH"
    assert month["A3"].value == "Kỳ báo cáo: Tháng 3/2025 / Period: March 2025"
    assert workbook["Năm"]["A3"].value == "Kỳ báo cáo: Năm 2025 / Period: Year 2025"
    headers = [cell.value for cell in month[HEADER_ROW]]
    assert headers[:8] == [
        "STT", "Mã chỉ số", "Tên chỉ số", "Đơn vị tính", "Chỉ tiêu của tỉnh năm 2025", "Toàn quốc năm 2025",
        "Tỉnh Quảng Ninh", "Đánh giá",
    ]
    rows = {row[1]: row[2:4] for row in month.iter_rows(min_row=FIRST_DATA_ROW, max_row=FIRST_DATA_ROW + 2, values_only=True)}
    assert rows == {code: (name_vi, unit) for code, name_vi, _, _, unit in INDICATORS}
    # Elements before derived rates, each by code.
    assert list(rows) == ["DENGUE_CASES", "OPD_VISITS", "BHYT_COVERAGE_PCT"]


def test_columns_are_the_province_then_areas_by_hierarchy_then_facilities(small_report):
    _, workbook = small_report
    month, year = workbook["Tháng"], workbook["Năm"]
    assert [cell.value for cell in month[CODE_ROW]][6:] == ["QN", "Assessment", "QN-HL", "QN-X-HG", "QN-TYT-HG"]
    # At the end of 2025 Hạ Long no longer exists: Hồng Gai sits under the province, Hạ Long comes
    # after the areas in force and says when it ended.
    assert [cell.value for cell in year[CODE_ROW]][6:] == ["QN", "Assessment", "QN-X-HG", "QN-HL"]
    assert year.cell(HEADER_ROW, 10).value == "Thành phố Hạ Long (đến 30/06/2025)"


def test_province_cells_equal_the_published_values(small_report):
    _, workbook = small_report
    for sheet, period in (("Tháng", "202503"), ("Năm", "2025")):
        cells = sheet_cells(workbook[sheet])
        expected = {code: value for code, unit, code_period, _, value, _ in VALUES if unit == "QN" and code_period == period}
        shown = {code: cells[(code, "QN")].value for code, *_ in INDICATORS if cells[(code, "QN")].value is not None}
        assert shown == expected


def test_target_benchmark_and_assessment_beside_the_province(small_report):
    _, workbook = small_report
    rows = {row[1]: row for row in workbook["Tháng"].iter_rows(min_row=FIRST_DATA_ROW, max_row=FIRST_DATA_ROW + 2, values_only=True)}
    assert rows["BHYT_COVERAGE_PCT"][4:8] == (95.0, 94.1, 92.64, "Chưa đạt")
    # No target, no national figure: the cells stay empty rather than showing 0.
    assert rows["DENGUE_CASES"][4:6] == (None, None)
    assert rows["DENGUE_CASES"][7] is None


def test_held_flagged_and_incomplete_values_are_marked(small_report):
    metadata, workbook = small_report
    cells = sheet_cells(workbook["Tháng"])
    held = cells[("OPD_VISITS", "QN-TYT-HG")]
    assert held.value == HELD_TEXT
    assert held.fill.fgColor.rgb.endswith(HELD_FILL.fgColor.rgb)
    assert "Giá trị âm / Negative value" in held.comment.text
    flagged = cells[("DENGUE_CASES", "QN-TYT-HG")]
    assert flagged.value == 3
    assert flagged.fill.fgColor.rgb.endswith(FLAGGED_FILL.fgColor.rgb)
    assert flagged.number_format == number_format(0, flagged=True)
    assert flagged.comment.text == "Cao bất thường / Unusually high"
    incomplete = cells[("BHYT_COVERAGE_PCT", "QN")]
    assert incomplete.number_format == number_format(1, incomplete=True)
    assert incomplete.font.italic
    plain = cells[("OPD_VISITS", "QN")]
    assert (plain.number_format, plain.comment, plain.fill.fill_type) == ("#,##0", None, None)
    assert (metadata["consolidated_held_cells"], metadata["consolidated_flagged_cells"]) == (1, 1)
    legend = [cell.value for cell in workbook["Tháng"]["C"] if isinstance(cell.value, str) and " / " in cell.value]
    assert any(text.startswith("Giá trị bị giữ lại") for text in legend)


def test_print_layout(small_report):
    _, workbook = small_report
    month = workbook["Tháng"]
    assert month.page_setup.orientation == "landscape"
    assert (month.page_setup.fitToWidth, month.page_setup.fitToHeight) == (1, 0)
    assert month.sheet_properties.pageSetUpPr.fitToPage
    assert month.freeze_panes == f"D{FIRST_DATA_ROW}"
    assert month.print_title_rows == f"${HEADER_ROW}:${CODE_ROW}"


def test_a_workbook_per_province_when_the_registry_has_several(tmp_path):
    units = UNITS + [("HP", "Thành phố Hải Phòng", "province", "area", None), ("HP-X-1", "Phường Một", "commune", "area", None)]
    links = LINKS + [("HP-X-1", "HP", date(2020, 1, 1), None)]
    values = VALUES + [("OPD_VISITS", "HP", "202503", "month", 5.0, True), ("OPD_VISITS", "HP-X-1", "202503", "month", 5.0, True)]
    metadata = write_from(make_published(tmp_path / "published.duckdb", units, links, values), tmp_path / "exports")
    assert metadata["consolidated_workbooks"] == 2
    assert sorted(path.name for path in (tmp_path / "exports").iterdir()) == [
        "bao_cao_tong_hop_202503_HP.xlsx", "bao_cao_tong_hop_202503_QN.xlsx",
    ]
    haiphong = load_workbook(tmp_path / "exports" / "bao_cao_tong_hop_202503_HP.xlsx")
    assert [cell.value for cell in haiphong["Tháng"][CODE_ROW]][6:] == ["HP", "Assessment", "HP-X-1"]
    # Hải Phòng has no yearly value: its year sheet shows its own empty column, not Quảng Ninh's.
    year = haiphong["Năm"]
    assert [cell.value for cell in year[CODE_ROW]][6:] == ["HP", "Assessment"]
    assert all(cell.value is None for (_, unit), cell in sheet_cells(year).items() if unit == "HP")


def test_nothing_published_writes_no_workbook(tmp_path):
    published = make_published(tmp_path / "published.duckdb", values=[], findings=[])
    metadata = write_from(published, tmp_path / "exports")
    assert metadata["consolidated_workbooks"] == 0
    assert not (tmp_path / "exports").exists() or not any((tmp_path / "exports").iterdir())


def test_number_formats_and_precision():
    assert [decimals_of(kind) for kind in ("reported", "reference", "derived")] == [0, 0, 1]
    assert number_format(0) == "#,##0"
    assert number_format(1) == "#,##0.0"
    assert number_format(1, flagged=True, incomplete=True) == '#,##0.0" (*) (!)"'


def test_demo_workbook_matches_the_publication(demo_run, tmp_path):
    """Every province cell of every sheet against fct_indicator_values, every indicator-level
    finding of the reported periods marked; the time taken is printed for the bench notes."""
    published = demo_run.paths.published_db
    with duckdb.connect(str(published), read_only=True) as connection:
        started = time.perf_counter()
        metadata = write_consolidated_workbooks(connection, tmp_path / "exports")
        elapsed = time.perf_counter() - started
        latest = {period.period_type: period.code for period in latest_periods(connection).values()}
        expected = {
            (period, code): value
            for period, code, value in connection.execute(
                "select period_code, indicator_code, value from marts.fct_indicator_values "
                "where org_unit_code = 'QN' and list_contains(?, period_code)",
                [list(latest.values())],
            ).fetchall()
        }
        findings = connection.execute(
            "select period_code, indicator_code, org_unit_code, severity from marts.fct_dq_findings "
            "where indicator_code is not null and list_contains(?, period_code)",
            [list(latest.values())],
        ).fetchall()
        names = dict(connection.execute("select indicator_code, name_vi from marts.dim_indicators").fetchall())
    print(f"consolidated workbook on the demo province: {elapsed:.2f} s")
    assert set(latest) == {"month", "quarter", "year"}
    workbook = load_workbook(tmp_path / "exports" / f"bao_cao_tong_hop_{latest['month']}.xlsx")
    shown = {}
    for sheet_name, period_type in (("Tháng", "month"), ("Quý", "quarter"), ("Năm", "year")):
        sheet = workbook[sheet_name]
        cells = sheet_cells(sheet)
        assert {code for code, _ in cells} == set(names)
        assert {row[1]: row[2] for row in sheet.iter_rows(min_row=FIRST_DATA_ROW, max_row=FIRST_DATA_ROW + len(names) - 1,
                                                          values_only=True)} == names
        for (code, unit), cell in cells.items():
            if unit == "QN" and cell.value is not None:
                shown[(latest[period_type], code)] = cell.value
        for period, code, unit, severity in findings:
            if period == latest[period_type]:
                marked = cells[(code, unit)]
                assert marked.comment is not None
                assert (marked.value == HELD_TEXT) if severity == "error" else ("(!)" in marked.number_format)
    # openpyxl writes a double with 16 significant digits (Excel itself keeps 15), so the last
    # of DuckDB's 17 may differ.
    assert shown == pytest.approx(expected, rel=1e-15, abs=0)
    assert metadata["consolidated_flagged_cells"] + metadata["consolidated_held_cells"] == len(
        {(period, code, unit) for period, code, unit, _ in findings}
    )
