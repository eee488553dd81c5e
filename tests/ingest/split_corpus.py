"""Corpus files of the richer forms (issue 15): value areas split into a total and
disaggregation columns under every header variant, two tables in one workbook, a conflicting
second table, an unknown extra column, a split that does not add up, an option above its total.

Every file has its own unit and period, none of the main corpus's, so none supersedes another.
Data rows start right under the header (row 9), or under the "Trong đó" sub-header (row 10).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bad_files import write_xls
from ingest_builders import SHEET, write_csv, write_ods, write_xlsx

Grid = list[list[Any]]


def split_rows(unit: str, period: str, header: list[Any], data: Grid, sub_header: list[Any] | None = None) -> Grid:
    """Identity on rows 3–4 (B3, B4), the header on row 8, data below it."""
    rows: Grid = [["SỞ Y TẾ QUẢNG NINH"], ["BÁO CÁO CHỈ SỐ Y TẾ"], ["Mã đơn vị:", unit], ["Kỳ báo cáo:", period],
                  [], [], []]
    rows.append(header)
    if sub_header is not None:
        rows.append(sub_header)
    rows += data
    rows += [[], [None, "Người lập biểu", None, None, "Thủ trưởng đơn vị"]]
    return rows


def _xlsx(sheets: dict[str, Grid]):
    return lambda path: write_xlsx(path, sheets)


def split_cases(case: type) -> list:
    """`case`: corpus.Case (passed in to keep the two modules free of an import cycle)."""
    A = "STT"
    return [
        # Header variants, one file format each; exact values and cells published.
        case("d01_nam_nu.xlsx", _xlsx({SHEET: split_rows("QN-BVSN", "Tháng 1/2025",
             [A, "Mã chỉ số", "Tên chỉ số", "Tổng số", "Nam", "Nữ"],
             [[1, "OPD_VISITS", "Khám bệnh", 1000, 400, 600], [2, "LIVE_BIRTHS", "Trẻ đẻ sống", 50, "26", "24"]])}),
             "published", unit_code="QN-BVSN", period_code="202501",
             values={"OPD_VISITS": 1000, "LIVE_BIRTHS": 50},
             parts={("OPD_VISITS", "SEX_MALE"): (400, "E9"), ("OPD_VISITS", "SEX_FEMALE"): (600, "F9"),
                    ("LIVE_BIRTHS", "SEX_MALE"): (26, "E10"), ("LIVE_BIRTHS", "SEX_FEMALE"): (24, "F10")}),
        case("d02_trong_do_row.xls", lambda p: write_xls(p, split_rows("QN-BVBC", "Tháng 1/2025",
             [A, "Mã chỉ số", "Tên chỉ số", "Tổng", "Trong đó", None],
             [[1, "OPD_VISITS", "Khám bệnh", "2.000", "1.100", 300]],
             sub_header=[None, None, None, None, "nữ", "Dưới 15 tuổi"])),
             "published", unit_code="QN-BVBC", period_code="202501", values={"OPD_VISITS": 2000},
             parts={("OPD_VISITS", "SEX_FEMALE"): (1100, "E10"), ("OPD_VISITS", "AGE_UNDER_15"): (300, "F10")}),
        case("d03_age_signs.ods", lambda p: write_ods(p, SHEET, split_rows("QN-TTYT-HL", "Tháng 1/2025",
             [A, "Mã chỉ số", "Cộng", "Trong đó: Nữ", "Trẻ em < 15 tuổi", "≥ 60 tuổi"],
             [[1, "OPD_VISITS", 900, 500, 120, 200]])),
             "published", unit_code="QN-TTYT-HL", period_code="202501", values={"OPD_VISITS": 900},
             parts={("OPD_VISITS", "SEX_FEMALE"): (500, "D9"), ("OPD_VISITS", "AGE_UNDER_15"): (120, "E9"),
                    ("OPD_VISITS", "AGE_60_PLUS"): (200, "F9")}),
        case("d04_age_words.csv", lambda p: write_csv(p, split_rows("QN-TTYT-DT", "Tháng 1/2025",
             [A, "Mã chỉ số", "Tổng số", "  NỮ ", "dưới 15 TUỔI", "Từ 60 tuổi trở lên"],
             [[1, "OPD_VISITS", "1.800", "950", "90", "1.150"]]), delimiter=";", bom=True),
             "published", unit_code="QN-TTYT-DT", period_code="202501", values={"OPD_VISITS": 1800},
             parts={("OPD_VISITS", "SEX_FEMALE"): (950, "D9"), ("OPD_VISITS", "AGE_UNDER_15"): (90, "E9"),
                    ("OPD_VISITS", "AGE_60_PLUS"): (1150, "F9")}),
        case("d05_cdc_children.xlsx", _xlsx({SHEET: split_rows("QN-CDC", "Tháng 1/2025",
             [A, "Mã chỉ số", "Tổng số", "Trong đó: Trẻ em dưới 15 tuổi"],
             [[1, "DENGUE_CASES", 40, 12], [2, "MEASLES_CASES", 3, 3]])}),
             "published", unit_code="QN-CDC", period_code="202501", values={"DENGUE_CASES": 40, "MEASLES_CASES": 3},
             parts={("DENGUE_CASES", "AGE_UNDER_15"): (12, "D9"), ("MEASLES_CASES", "AGE_UNDER_15"): (3, "D10")}),
        # Two tables: a second sheet repeating a figure with the same value, and adding another.
        case("d06_two_tables.xlsx", _xlsx({
            SHEET: split_rows("QN-TTYT-QY", "Tháng 1/2025", [A, "Mã chỉ số", "Tổng số", "Nam", "Nữ"],
                              [[1, "OPD_VISITS", 700, 300, 400]]),
            "Phụ lục": [["Bảng 2"], ["Mã chỉ số", "Giá trị"], ["LIVE_BIRTHS", 30], ["OPD_VISITS", 700]]}),
             "published", unit_code="QN-TTYT-QY", period_code="202501", values={"OPD_VISITS": 700, "LIVE_BIRTHS": 30},
             parts={("OPD_VISITS", "SEX_MALE"): (300, "D9"), ("OPD_VISITS", "SEX_FEMALE"): (400, "E9")}),
        # A second table under the first, on the same sheet, disagreeing about OPD_VISITS.
        case("d07_conflicting_table.xlsx", _xlsx({SHEET: split_rows("QN-TTYT-DH", "Tháng 1/2025",
             [A, "Mã chỉ số", "Giá trị"],
             [[1, "OPD_VISITS", 500], [2, "LIVE_BIRTHS", 20], [], ["Bảng 2"], [A, "Mã chỉ số", "Số liệu"],
              [1, "OPD_VISITS", 510]])}),
             "held", (("ING_DUPLICATE_ROW", "error", SHEET, "C14"), ("ING_DUPLICATE_ROW", "error", SHEET, "C9")),
             "QN-TTYT-DH", "202501", {"LIVE_BIRTHS": 20}),
        case("d08_unknown_column.xlsx", _xlsx({SHEET: split_rows("QN-TTYT-TY", "Tháng 1/2025",
             [A, "Mã chỉ số", "Tên chỉ số", "Giá trị", "Số lượt tái khám", "Ghi chú"],
             [[1, "OPD_VISITS", "Khám bệnh", 640, 35, "đủ"], [2, "LIVE_BIRTHS", "Trẻ đẻ sống", 12, None, None]])}),
             "published", (("ING_UNKNOWN_COLUMN", "warning", SHEET, "E9"),), "QN-TTYT-TY", "202501",
             {"OPD_VISITS": 640, "LIVE_BIRTHS": 12}),
        # Nam + Nữ = 900, not 1000: the total and both splits are held back; the births publish.
        case("d09_split_not_adding_up.xlsx", _xlsx({SHEET: split_rows("QN-BVDKT", "Tháng 1/2025",
             [A, "Mã chỉ số", "Tổng số", "Nam", "Nữ"],
             [[1, "OPD_VISITS", 1000, 400, 500], [2, "LIVE_BIRTHS", 40, 21, 19]])}),
             "held", (("ING_DISAGG_SUM_MISMATCH", "error", SHEET, "C9"),), "QN-BVDKT", "202501", {"LIVE_BIRTHS": 40},
             parts={("LIVE_BIRTHS", "SEX_MALE"): (21, "D10"), ("LIVE_BIRTHS", "SEX_FEMALE"): (19, "E10")}),
        # Only Nữ of the sex split, above the total: that option is held, the total and the age split publish.
        case("d10_option_above_total.xlsx", _xlsx({SHEET: split_rows("QN-BVDKT", "Tháng 8/2025",
             [A, "Mã chỉ số", "Tổng số", "Trong đó: Nữ", "Dưới 15 tuổi"],
             [[1, "OPD_VISITS", 300, 350, 100]])}),
             "held", (("ING_DISAGG_ABOVE_TOTAL", "error", SHEET, "D9"),), "QN-BVDKT", "202508", {"OPD_VISITS": 300},
             parts={("OPD_VISITS", "AGE_UNDER_15"): (100, "E9")}),
        # A split without its total: loaded, with a warning at its first cell.
        case("d11_split_without_total.xlsx", _xlsx({SHEET: split_rows("QN-TTYT-HL", "Tháng 3/2025",
             [A, "Mã chỉ số", "Tổng số", "Nam", "Nữ"],
             [[1, "OPD_VISITS", None, 100, 120], [2, "LIVE_BIRTHS", 15, None, None]])}),
             "published", (("ING_DISAGG_WITHOUT_TOTAL", "warning", SHEET, "D9"),), "QN-TTYT-HL", "202503",
             {"LIVE_BIRTHS": 15},
             parts={("OPD_VISITS", "SEX_MALE"): (100, "D9"), ("OPD_VISITS", "SEX_FEMALE"): (120, "E9")}),
    ]
