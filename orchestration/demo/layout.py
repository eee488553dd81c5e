"""How a demo workbook looks: the same facts laid out the many ways real units type them.

Each unit's clerk has habits (where the identity goes, how labels are spelt, whether numbers are
typed as text, which optional columns exist) that stay the same across that unit's reports, while
things like the way the period is written change from file to file. The ingestion must read all of
them; every variant used here is one the submission contract accepts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from orchestration.demo.forms import NO_SPLITS, SECOND_TABLE_TITLE, SPELLINGS, FormHabits, split_options, split_values
from orchestration.demo.schedule import PlannedReport
from orchestration.lib.periods import Period, number_in_year, period_label
from orchestration.lib.registry import Registry

ROMAN_QUARTERS = ("I", "II", "III", "IV")  # for titles: "BÁO CÁO ... QUÝ I NĂM 2025"
LABELS = {
    "code": ("Mã đơn vị", "MÃ ĐƠN VỊ", "Ma don vi", "Mã  đơn vị", "mã đơn vị"),
    "period": ("Kỳ báo cáo", "KỲ BÁO CÁO", "Ky bao cao", "Kỳ báo  cáo", "kỳ báo cáo"),
    "name": ("Tên đơn vị", "TÊN ĐƠN VỊ", "Ten don vi"),
    "date": ("Ngày báo cáo", "NGÀY BÁO CÁO", "Ngay bao cao"),
    "preparer": ("Người lập biểu", "NGƯỜI LẬP BIỂU"),
}
VALUE_HEADERS = ("Giá trị", "Số liệu", "Kết quả")
HEADERS = {"stt": "STT", "name": "Tên chỉ số", "unit": "Đơn vị tính", "area": "Mã địa bàn", "code": "Mã chỉ số",
           "note": "Ghi chú"}
SHEET_NAMES = ("BaoCao", "Báo cáo", "Sheet1", "BC", "Biểu 01")
PEOPLE = ("Nguyễn Thị Hương", "Trần Văn Nam", "Lê Thị Thu Hà", "Phạm Minh Tuấn", "Vũ Thị Lan", "Hoàng Văn Dũng",
          "Đỗ Thị Mai", "Bùi Quang Huy", "Đặng Thị Ngọc Anh", "Ngô Văn Thắng", "Phan Thị Thanh Thủy", "Lương Đức Mạnh")
SECTIONS = {
    "OPD_VISITS": "KHÁM CHỮA BỆNH", "IPD_ADMISSIONS": "KHÁM CHỮA BỆNH", "REFERRALS_CENTRAL": "KHÁM CHỮA BỆNH",
    "EPRESCRIPTIONS": "CHUYỂN ĐỔI SỐ", "EHR_PEOPLE": "CHUYỂN ĐỔI SỐ",
    "LIVE_BIRTHS": "SỨC KHỎE SINH SẢN", "MATERNAL_DEATHS": "SỨC KHỎE SINH SẢN",
    "IMM_FULL_U1": "TIÊM CHỦNG MỞ RỘNG", "DTP1": "TIÊM CHỦNG MỞ RỘNG", "DTP3": "TIÊM CHỦNG MỞ RỘNG",
    "MEASLES_CASES": "BỆNH TRUYỀN NHIỄM", "DENGUE_CASES": "BỆNH TRUYỀN NHIỄM",
    "BEDS": "GIƯỜNG BỆNH VÀ NHÂN LỰC", "DOCTORS": "GIƯỜNG BỆNH VÀ NHÂN LỰC",
    "SATISFACTION_SURVEYED": "SỰ HÀI LÒNG CỦA NGƯỜI BỆNH", "SATISFACTION_SATISFIED": "SỰ HÀI LÒNG CỦA NGƯỜI BỆNH",
}
AREA_SECTIONS = {"province": "TOÀN TỈNH", "district": "CẤP HUYỆN", "commune": "CẤP XÃ"}
NOTES = ("Số liệu từ phần mềm HIS", "Đã rà soát", "Số liệu sơ bộ", "Theo sổ A1")
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")
BOLD = Font(bold=True)


@dataclass(frozen=True)
class Habits:
    identity_style: str        # inline | next_cell | skip_cell | pairs
    label_variant: int
    colon: bool
    value_header: str
    upper_header: bool
    text_share: float          # share of values typed as text in Vietnamese notation
    first_column: int
    optional_columns: tuple[str, ...]
    thousands_format: bool
    heading: str               # national | title | none
    sections: bool
    blank_between_sections: bool
    sheet_name: str
    preparer: str
    head: str
    descriptive_file_name: bool


def unit_habits(rng: random.Random) -> Habits:
    return Habits(
        identity_style=rng.choice(("inline", "next_cell", "skip_cell", "pairs")),
        label_variant=rng.randrange(5),
        colon=rng.random() < 0.6,
        value_header=rng.choice(VALUE_HEADERS),
        upper_header=rng.random() < 0.3,
        text_share=rng.choice((0.0, 0.0, 0.0, 0.25, 1.0)),
        first_column=rng.choice((1, 1, 1, 2)),
        optional_columns=tuple(name for name, odds in (("stt", 0.85), ("unit", 0.8), ("note", 0.75))
                               if rng.random() < odds),
        thousands_format=rng.random() < 0.5,
        heading=rng.choice(("national", "national", "title", "none")),
        sections=rng.random() < 0.75,
        blank_between_sections=rng.random() < 0.5,
        sheet_name=rng.choice(SHEET_NAMES),
        preparer=rng.choice(PEOPLE),
        head=rng.choice(PEOPLE),
        descriptive_file_name=rng.random() < 0.3,
    )


def period_text(period: Period, form: int) -> str:
    """One of the typed forms the contract accepts; `form` picks which, modulo the forms available."""
    year, number = period.year, number_in_year(period)
    label = period_label(period)[0]  # "Tháng 3/2025", "Quý I/2025", "Năm 2025"
    if period.frequency == "monthly":
        forms = (label, f"Tháng {number:02d} năm {year}", period.code)
    elif period.frequency == "quarterly":
        forms = (label, f"Quý {number} năm {year}", period.code)
    else:
        forms = (label, period.code)
    return forms[form % len(forms)]


def vietnamese_number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _title(report: PlannedReport) -> str:
    period = report.period
    subject = "SỐ LIỆU THEO ĐỊA BÀN" if report.area_codes else "THỐNG KÊ Y TẾ"
    if period.frequency == "monthly":
        return f"BÁO CÁO {subject} THÁNG {number_in_year(period)} NĂM {period.year}"
    if period.frequency == "quarterly":
        return f"BÁO CÁO {subject} QUÝ {ROMAN_QUARTERS[number_in_year(period) - 1]} NĂM {period.year}"
    if period.period_type in ("half_year", "nine_months"):  # "6 tháng đầu năm 2025", "9 tháng năm 2025"
        return f"BÁO CÁO {subject} {period_label(period)[0].upper()}"
    return f"BÁO CÁO {subject} NĂM {period.year}"


class _Sheet:
    """A cursor over the worksheet, so layout code reads top to bottom like the form itself."""

    def __init__(self, sheet: Worksheet, first: int, last: int):
        self.sheet, self.first, self.last, self.row = sheet, first, last, 1

    def put(self, column: int, value: object, bold: bool = False) -> None:
        cell = self.sheet.cell(self.row, column, value)
        if bold:
            cell.font = BOLD

    def merged(self, start: int, end: int, value: object, bold: bool = False) -> None:
        self.put(start, value, bold)
        if end > start:
            self.sheet.merge_cells(start_row=self.row, start_column=start, end_row=self.row, end_column=end)

    def next(self, rows: int = 1) -> None:
        self.row += rows


def _heading(out: _Sheet, report: PlannedReport, registry: Registry, habits: Habits) -> None:
    if habits.heading == "none":
        return
    if habits.heading == "national":
        own = registry.province_of(report.unit.code)
        province = registry.org_units[own].name_vi if own else ""
        middle = (out.first + out.last) // 2
        out.merged(out.first, middle, f"UBND {province.upper()}")
        out.merged(middle + 1, out.last, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True)
        out.next()
        out.merged(out.first, middle, report.unit.name_vi.upper(), bold=True)
        out.merged(middle + 1, out.last, "Độc lập - Tự do - Hạnh phúc")
        out.next(2)
    out.merged(out.first, out.last, _title(report), bold=True)
    out.next(2)


def _identity(out: _Sheet, items: list[tuple[str, str]], habits: Habits) -> None:
    labels = [(LABELS[kind][habits.label_variant % len(LABELS[kind])], value) for kind, value in items]
    colon = ":" if habits.colon else ""
    if habits.identity_style == "pairs":
        for start in range(0, len(labels), 2):
            for offset, (label, value) in enumerate(labels[start:start + 2]):
                out.put(out.first + 3 * offset, f"{label}{colon or ':'}")
                out.put(out.first + 3 * offset + 1, value)
            out.next()
        return
    for label, value in labels:
        if habits.identity_style == "inline":
            out.put(out.first, f"{label}{' :' if habits.colon else ':'} {value}")
        else:
            out.put(out.first, f"{label}{colon}")
            out.put(out.first + (2 if habits.identity_style == "skip_cell" else 1), value)
        out.next()


def _header(out: _Sheet, habits: Habits, form: FormHabits, position: dict[str, int], splits: dict[str, int]) -> None:
    """The table's header row; with a split value area the total gets its own header and the
    options theirs, under a spanning "Trong đó" row when the unit's form has one."""
    for name, column in position.items():
        header = (form.total_header if splits else habits.value_header) if name == "value" else HEADERS[name]
        out.put(column, header.upper() if habits.upper_header else header, bold=True)
        out.sheet.column_dimensions[get_column_letter(column)].width = 44 if name == "name" else 14
    if not splits:
        out.next()
        return
    if form.of_which_row:
        out.merged(min(splits.values()), max(splits.values()), "Trong đó", bold=True)
        out.next()
    for option_code, column in splits.items():
        out.put(column, SPELLINGS[form.spelling][option_code], bold=True)
        out.sheet.column_dimensions[get_column_letter(column)].width = 14
    out.next()


def _table(out: _Sheet, report: PlannedReport, values: dict[tuple[str, str], int], registry: Registry,
           habits: Habits, rng: random.Random, position: dict[str, int], form: FormHabits = NO_SPLITS,
           split_rng: random.Random | None = None) -> None:
    """`split_rng` draws the split figures, apart from `rng` so that every other choice stays the same."""
    by_area = bool(report.area_codes)
    options = split_options(registry, report.indicator_codes) if form.splits and not by_area else []
    splits = {option.option_code: out.last + 1 + index for index, option in enumerate(options)}
    _header(out, habits, form, position, splits)
    owners = report.area_codes or (report.unit.code,)
    rows = [(owner, code) for owner in owners for code in report.indicator_codes]
    section_of = {(owner, code): AREA_SECTIONS[registry.org_units[owner].unit_type] if by_area
                  else SECTIONS.get(code, "CHỈ SỐ KHÁC") for owner, code in rows}
    sections = list(dict.fromkeys(section_of.values()))
    rows.sort(key=lambda row: sections.index(section_of[row]))
    second = sections[-1] if form.second_table and not by_area and len(sections) > 1 else None
    current = None
    for number, (owner, code) in enumerate(rows, start=1):
        if second is not None and section_of[(owner, code)] == second and current != second:
            # A second table, one under the other as forms put their annexes: title, header again.
            out.next()
            out.put(position["name"], f"{SECOND_TABLE_TITLE}: {second}", bold=True)
            out.next()
            _header(out, habits, form, position, splits)
            current = second
        if habits.sections and section_of[(owner, code)] != current:
            if current is not None and habits.blank_between_sections:
                out.next()
            current = section_of[(owner, code)]
            if "stt" in position:
                out.put(position["stt"], ROMAN[sections.index(current) % len(ROMAN)])
            out.put(position["name"], current, bold=True)
            out.next()
        current = section_of[(owner, code)]
        indicator, value = registry.indicators[code], values[(owner, code)]
        note = registry.org_units[owner].name_vi if by_area else (rng.choice(NOTES) if rng.random() < 0.08 else None)
        cells = {"stt": number, "name": indicator.name_vi, "unit": indicator.unit_of_measure_vi, "area": owner,
                 "code": code, "value": vietnamese_number(value) if rng.random() < habits.text_share else value,
                 "note": note}
        for name, column in position.items():
            out.put(column, cells[name])
        if habits.thousands_format and isinstance(cells["value"], int):
            out.sheet.cell(out.row, position["value"]).number_format = "#,##0"
        if splits and split_rng is not None:
            for option_code, figure in split_values(registry, code, value, split_rng).items():
                out.put(splits[option_code], figure)
        out.next()


def _signatures(out: _Sheet, left: int, right: int, habits: Habits, report_day: date) -> None:
    out.next()
    out.put(right, f"Quảng Ninh, ngày {report_day.day:02d} tháng {report_day.month:02d} năm {report_day.year}")
    out.next()
    out.put(left, "NGƯỜI LẬP BIỂU", bold=True)
    out.put(right, "THỦ TRƯỞNG ĐƠN VỊ", bold=True)
    out.next()
    out.put(left, "(Ký, ghi rõ họ tên)")
    out.put(right, "(Ký tên, đóng dấu)")
    out.next(4)
    out.put(left, habits.preparer)
    out.put(right, habits.head)


def build_workbook(report: PlannedReport, values: dict[tuple[str, str], int], registry: Registry,
                   habits: Habits, rng: random.Random, report_day: date, form: FormHabits = NO_SPLITS,
                   split_rng: random.Random | None = None) -> Workbook:
    """The workbook for one report; `rng` drives the per-file choices, `habits` and `form` the
    per-unit ones, `split_rng` the split figures."""
    columns = [name for name in ("stt", "name", "unit", "area", "code", "value", "note")
               if name in ("name", "code", "value", *habits.optional_columns) or (name == "area" and report.area_codes)]
    position = {name: habits.first_column + index for index, name in enumerate(columns)}
    workbook = Workbook()
    workbook.active.title = habits.sheet_name
    out = _Sheet(workbook.active, habits.first_column, habits.first_column + len(columns) - 1)
    _heading(out, report, registry, habits)
    items = [("code", report.unit.code), ("period", period_text(report.period, rng.randrange(3)))]
    if rng.random() < 0.7:
        items.insert(rng.randrange(2), ("name", report.unit.name_vi))
    if rng.random() < 0.5:
        items.append(("date", report_day.strftime("%d/%m/%Y")))
    if rng.random() < 0.3:
        items.append(("preparer", habits.preparer))
    _identity(out, items, habits)
    out.next()
    _table(out, report, values, registry, habits, rng, position, form, split_rng)
    # The signature block stays clear of the code and value columns, as on the printed form.
    _signatures(out, position["name"], position["code"] + 2, habits, report_day)
    return workbook
