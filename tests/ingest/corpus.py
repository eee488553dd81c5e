"""The submission corpus: one file per format variant and per way a submission can go wrong.

Each case says what the warehouse must make of the file: its status in `fct_submissions`, and
every finding (rule, severity, sheet, cell). Units and indicators are the real registry's, so the
same corpus runs through the intake alone and through the whole Dagster job. Accepted files each
have their own unit and period, so none supersedes another. Limits are lowered (CORPUS_LIMITS) so
the oversized files stay small enough to build in milliseconds.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable

import openpyxl

from bad_files import (
    ods_with_repeated_rows,
    report_with_far_cell,
    report_with_parts,
    with_billion_laughs,
    write_encrypted,
    write_truncated,
    write_xls,
    write_xlsx_with_formulas,
)
from ingest_builders import SHEET, report_rows, write_csv, write_ods, write_report, write_xlsx
from split_corpus import split_cases
from orchestration.lib.workbook.limits import MIB, IntakeLimits

CORPUS_LIMITS = IntakeLimits(max_file_bytes=256 * 1024, max_uncompressed_bytes=4 * MIB, max_zip_entries=100,
                             max_sheets=10)
LIMIT_ENVIRONMENT = {
    "WAREHOUSE_MAX_FILE_BYTES": str(CORPUS_LIMITS.max_file_bytes),
    "WAREHOUSE_MAX_UNCOMPRESSED_BYTES": str(CORPUS_LIMITS.max_uncompressed_bytes),
    "WAREHOUSE_MAX_ZIP_ENTRIES": str(CORPUS_LIMITS.max_zip_entries),
    "WAREHOUSE_MAX_SHEETS": str(CORPUS_LIMITS.max_sheets),
}
UNIT_CELL, PERIOD_CELL = "B3", "B4"  # where report_rows puts the identity
SQL_FILE_NAME = "x'); DROP TABLE raw.submissions; --.xlsx"

Finding = tuple[str, str, str | None, str | None]  # rule, severity, sheet, cell


@dataclass(frozen=True)
class Case:
    file_name: str
    write: Callable[[Path], Any]
    status: str  # in fct_submissions: published | held | quarantined
    findings: tuple[Finding, ...] = ()
    unit_code: str | None = None
    period_code: str | None = None
    values: dict[str, float] = field(default_factory=dict)  # indicator -> value loaded
    # (indicator, option) -> (value, cell) of each disaggregation loaded (split_corpus.py)
    parts: dict[tuple[str, str], tuple[float, str]] = field(default_factory=dict)

    @property
    def reason_code(self) -> str | None:
        return self.findings[0][0] if self.status == "quarantined" else None


def _file_level(rule: str, sheet: str | None = None, cell: str | None = None) -> tuple[Finding, ...]:
    return ((rule, "error", sheet, cell),)


def _report(unit: str, period: Any, values: list[tuple[Any, Any]], header: list[str] | None = None) -> list[list[Any]]:
    rows = report_rows(unit, period, values)
    if header is not None:
        rows[7] = header
    return rows


def _instructions_first(path: Path) -> Path:
    guide = [["HƯỚNG DẪN ĐIỀN BIỂU MẪU"], ["Chỉ nhập số vào cột Giá trị."]]
    return write_xlsx(path, {"Hướng dẫn": guide, SHEET: report_rows("QN-BVSN", "Tháng 2/2025", [("OPD_VISITS", 21000)])})


def _empty_workbook(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    workbook.active.title = "Trống"
    workbook.save(path)
    return path


def _many_sheets(path: Path) -> Path:
    sheets = {SHEET: report_rows()} | {f"Phụ lục {n}": [["ghi chú"]] for n in range(1, CORPUS_LIMITS.max_sheets + 1)}
    return write_xlsx(path, sheets)


def _bytes(content: bytes) -> Callable[[Path], Path]:
    def write(path: Path) -> Path:
        path.write_bytes(content)
        return path

    return write


def corpus_cases(today: date) -> list[Case]:
    """`today` decides which period lies in the future."""
    future = f"Tháng 1/{today.year + 1}"
    deflated, stored = zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED
    zeros_below_ratio_floor = (bytes(MIB - 1024), deflated)
    return [
        # Format and notation variants: all read, all published.
        Case("a01_text_numbers.xlsx", lambda p: write_xlsx(p, {SHEET: _report(
            "QN-BVDKT", "Tháng 2/2025",
            [(" opd_visits ", "29.789"), ("IPD_ADMISSIONS", "1.234,0"), ("REFERRALS_CENTRAL", " 12 "),
             ("EPRESCRIPTIONS", "-"), ("BEDS", "—"), ("DOCTORS", "x"), ("LIVE_BIRTHS", 57), ("MATERNAL_DEATHS", None)],
            ["STT", "MÃ CHỈ SỐ", "Tên chỉ số", "Đơn vị tính", "Số liệu", "Ghi chú"])}),
             "published", unit_code="QN-BVDKT", period_code="202502",
             values={"OPD_VISITS": 29789, "IPD_ADMISSIONS": 1234, "REFERRALS_CENTRAL": 12, "LIVE_BIRTHS": 57}),
        Case("a02_formulas.xlsx", lambda p: write_xlsx_with_formulas(
            p, _report("QN-BVBC", "Tháng 02 năm 2025", [("OPD_VISITS", None), ("BEDS", 800)],
                       ["STT", " Mã  chỉ số ", "Tên chỉ số", "Đơn vị tính", "Kết quả"]),
            {(9, 4): ("=20000+1500", 21500)}),
             "published", unit_code="QN-BVBC", period_code="202502", values={"OPD_VISITS": 21500, "BEDS": 800}),
        Case("a03_instructions_first.xlsx", _instructions_first, "published", unit_code="QN-BVSN",
             period_code="202502", values={"OPD_VISITS": 21000}),
        Case("a04_excel97.xls", lambda p: write_xls(p, _report("QN-TTYT-HL", "Tháng 2/2025", [("OPD_VISITS", 15000),
                                                                                            ("BEDS", "250")])),
             "published", unit_code="QN-TTYT-HL", period_code="202502", values={"OPD_VISITS": 15000, "BEDS": 250}),
        Case("a05_libreoffice.ods", lambda p: write_ods(p, SHEET, _report(
            "QN-TTYT-DT", "THÁNG 2/2025", [("OPD_VISITS", 9800), ("BEDS", "1.384")],
            ["STT", "Ma chi so", "Ten chi so", "DVT", "Gia tri"])),
             "published", unit_code="QN-TTYT-DT", period_code="202502", values={"OPD_VISITS": 9800, "BEDS": 1384}),
        Case("a06_excel_vietnam.csv", lambda p: write_csv(p, _report(
            "QN-TTYT-QY", "T2/2025", [("OPD_VISITS", "29.789"), ("BEDS", "384")]), delimiter=";", bom=True),
             "published", unit_code="QN-TTYT-QY", period_code="202502", values={"OPD_VISITS": 29789, "BEDS": 384}),
        Case("a07_plain.csv", lambda p: write_csv(p, _report("QN-TTYT-DH", "202502", [("OPD_VISITS", "1200")])),
             "published", unit_code="QN-TTYT-DH", period_code="202502", values={"OPD_VISITS": 1200}),
        Case("a08_quarter.xlsx", lambda p: write_report(p, unit_code="QN-BVDKT", period="Quý I/2025", values=[
            ("SATISFACTION_SURVEYED", 560), ("SATISFACTION_SATISFIED", 500)]),
             "published", unit_code="QN-BVDKT", period_code="2025Q1",
             values={"SATISFACTION_SURVEYED": 560, "SATISFACTION_SATISFIED": 500}),
        Case(SQL_FILE_NAME, lambda p: write_report(p, unit_code="QN-TTYT-TY", period="Tháng 2/2025",
                                                   values=[("OPD_VISITS", 7000)]),
             "published", unit_code="QN-TTYT-TY", period_code="202502", values={"OPD_VISITS": 7000}),
        # Value-level problems: only the value is held back.
        Case("v01_not_obliged.xlsx", lambda p: write_report(p, period="Tháng 3/2025", values=[
            ("OPD_VISITS", 100), ("DTP1", 5)]),
             "published", (("ING_NOT_OBLIGED", "warning", SHEET, "E11"),), "QN-BVDKT", "202503",
             {"OPD_VISITS": 100, "DTP1": 5}),
        Case("v02_unknown_indicator.xlsx", lambda p: write_report(p, period="Tháng 4/2025", values=[
            ("OPD_VISITS", 100), ("OPD_VISIT", 5)]),
             "held", (("ING_UNKNOWN_INDICATOR", "error", SHEET, "E11"),), "QN-BVDKT", "202504", {"OPD_VISITS": 100}),
        Case("v03_duplicate_rows.xlsx", lambda p: write_report(p, period="Tháng 5/2025", values=[
            ("OPD_VISITS", 100), ("BEDS", 1200), ("opd_visits", 120)]),
             "held", (("ING_DUPLICATE_ROW", "error", SHEET, "E10"), ("ING_DUPLICATE_ROW", "error", SHEET, "E12")),
             "QN-BVDKT", "202505", {"BEDS": 1200}),
        Case("v04_not_numbers.xlsx", lambda p: write_report(p, period="Tháng 6/2025", values=[
            ("OPD_VISITS", "chưa có số liệu"), ("BEDS", "12a"), ("IPD_ADMISSIONS", 50)]),
             "held", (("ING_UNPARSEABLE_VALUE", "error", SHEET, "E10"), ("ING_UNPARSEABLE_VALUE", "error", SHEET, "E11")),
             "QN-BVDKT", "202506", {"IPD_ADMISSIONS": 50}),
        # Identity against the registry: the whole file is quarantined.
        Case("i01_unknown_unit.xlsx", lambda p: write_report(p, unit_code="QN-BV-KHONGCO"),
             "quarantined", _file_level("ING_UNKNOWN_UNIT", SHEET, UNIT_CELL), "QN-BV-KHONGCO", "202503"),
        Case("i02_merged_station.xlsx", lambda p: write_report(p, unit_code="QN-TYT-HONGHAI", period="Tháng 8/2025",
                                                             values=[("OPD_VISITS", 300)]),
             "quarantined", _file_level("ING_UNIT_INACTIVE", SHEET, UNIT_CELL), "QN-TYT-HONGHAI", "202508"),
        Case("i03_month_13.xlsx", lambda p: write_report(p, period="Tháng 13/2025"),
             "quarantined", _file_level("ING_BAD_PERIOD", SHEET, PERIOD_CELL), "QN-BVDKT"),
        Case("i04_future.xlsx", lambda p: write_report(p, period=future),
             "quarantined", _file_level("ING_FUTURE_PERIOD", SHEET, PERIOD_CELL), "QN-BVDKT", f"{today.year + 1}01"),
        # A unit's own yearly, 6-month and 9-month reports over the months it reports are accepted;
        # a source that reports nothing monthly or quarterly cannot send a half year.
        Case("i05_yearly_hospital.xlsx", lambda p: write_report(p, period="Năm 2024"),
             "published", (), "QN-BVDKT", "2024", {"OPD_VISITS": 1200, "BEDS": 1384}),
        Case("i06_second_half.xlsx", lambda p: write_report(p, period="6 tháng cuối năm 2025"),
             "published", (), "QN-BVDKT", "2025S2", {"OPD_VISITS": 1200, "BEDS": 1384}),
        Case("i07_nine_months.xlsx", lambda p: write_report(p, unit_code="QN-TTYT-HL", period="9 tháng năm 2025"),
             "published", (), "QN-TTYT-HL", "2025N9", {"OPD_VISITS": 1200, "BEDS": 1384}),
        Case("i09_half_year_statistics_office.xlsx",
             lambda p: write_report(p, unit_code="QN-CTK", period="6 tháng đầu năm 2025"),
             "quarantined", _file_level("ING_FREQUENCY_MISMATCH", SHEET, PERIOD_CELL), "QN-CTK", "2025S1"),
        Case("i08_sql_in_unit_code.xlsx", lambda p: write_report(p, unit_code="QN-BVDKT'; DROP TABLE raw.submissions; --"),
             "quarantined", _file_level("ING_UNKNOWN_UNIT", SHEET, UNIT_CELL),
             "QN-BVDKT'; DROP TABLE RAW.SUBMISSIONS; --", "202503"),
        # The file itself is unusable.
        Case("f01_truncated.xlsx", write_truncated, "quarantined", _file_level("ING_CORRUPT_FILE")),
        Case("f02_password.xlsx", write_encrypted, "quarantined", _file_level("ING_ENCRYPTED_FILE")),
        Case("f03_empty_workbook.xlsx", _empty_workbook, "quarantined", _file_level("ING_EMPTY_WORKBOOK")),
        Case("f04_zero_bytes.csv", _bytes(b""), "quarantined", _file_level("ING_EMPTY_WORKBOOK")),
        Case("f05_no_header.xlsx", lambda p: write_xlsx(p, {SHEET: _report(
            "QN-BVDKT", "Tháng 7/2025", [("OPD_VISITS", 1)], ["STT", "Mã", "Tên chỉ số", "Đơn vị tính", "Giá trị"])}),
             "quarantined", _file_level("ING_NO_TABLE"), "QN-BVDKT", "202507"),
        Case("f06_no_identity.xlsx", lambda p: write_xlsx(p, {SHEET: report_rows()[7:]}),
             "quarantined", _file_level("ING_NO_IDENTITY", SHEET)),
        Case("f07_report.pdf", _bytes(b"%PDF-1.4\n"), "quarantined", _file_level("ING_UNSUPPORTED_FORMAT")),
        # Safety limits, checked before calamine parses anything (the .xls and .csv right after).
        Case("s01_too_large.xlsx", lambda p: report_with_parts(p, {"xl/media/image1.png": (
            os.urandom(CORPUS_LIMITS.max_file_bytes), stored)}),
             "quarantined", _file_level("ING_LIMIT_FILE_SIZE")),
        Case("s02_inflates_too_much.xlsx", lambda p: report_with_parts(p, {
            f"xl/media/image{n}.bin": zeros_below_ratio_floor for n in range(5)}),
             "quarantined", _file_level("ING_LIMIT_UNCOMPRESSED_SIZE")),
        Case("s03_zip_bomb.xlsx", lambda p: report_with_parts(p, {"xl/media/image1.bin": (bytes(3 * MIB), deflated)}),
             "quarantined", _file_level("ING_LIMIT_COMPRESSION_RATIO")),
        Case("s04_many_parts.xlsx", lambda p: report_with_parts(p, {
            f"customXml/item{n}.bin": (b"x", deflated) for n in range(CORPUS_LIMITS.max_zip_entries)}),
             "quarantined", _file_level("ING_LIMIT_ZIP_ENTRIES")),
        Case("s05_many_sheets.xlsx", _many_sheets, "quarantined", _file_level("ING_LIMIT_SHEETS")),
        Case("s06_far_row.xlsx", lambda p: report_with_far_cell(p, CORPUS_LIMITS.max_rows + 1, 1),
             "quarantined", _file_level("ING_LIMIT_ROWS")),
        Case("s07_far_column.xlsx", lambda p: report_with_far_cell(p, 20, 16384),
             "quarantined", _file_level("ING_LIMIT_COLUMNS")),
        Case("s08_far_row.xls", lambda p: write_xls(p, report_rows(), far_cell=(60000, 0, 1)),
             "quarantined", _file_level("ING_LIMIT_ROWS", SHEET)),
        Case("s09_billion_laughs.xlsx", with_billion_laughs, "quarantined", _file_level("ING_UNSAFE_XML")),
        Case("s10_repeated_rows.ods", lambda p: ods_with_repeated_rows(p, CORPUS_LIMITS.max_rows + 1),
             "quarantined", _file_level("ING_LIMIT_ROWS")),
        Case("s11_long.csv", lambda p: write_csv(p, report_rows() + [["ghi chú"]] * CORPUS_LIMITS.max_rows),
             "quarantined", _file_level("ING_LIMIT_ROWS", "s11_long")),
        *split_cases(Case),
    ]


def write_corpus(inbox: Path, today: date) -> list[Case]:
    """Each file in its own arrival minute, in list order."""
    cases = corpus_cases(today)
    inbox.mkdir(parents=True, exist_ok=True)
    for minute, case in enumerate(cases):
        path = inbox / case.file_name
        case.write(path)
        stamp = 1_743_800_000 + 60 * minute  # early April 2025
        os.utime(path, (stamp, stamp))
    return cases
