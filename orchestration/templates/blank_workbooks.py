"""Ready-to-fill workbooks, one per unit and period, that the ingestion reads back exactly.

Units that start from our template cannot misspell a code or a label, and the value cells refuse
text, so most findings never happen. The layout follows the submission contract to the letter.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from orchestration.lib.obligations import areas_reported_on, indicators_owed, owing_units
from orchestration.lib.periods import Period, period_label
from orchestration.lib.registry import DisaggregationOption, Registry

HEADER = ["STT", "Mã chỉ số", "Tên chỉ số", "Đơn vị tính", "Mã địa bàn", "Giá trị", "Ghi chú"]
VALUE_COLUMN = HEADER.index("Giá trị") + 1
HEADER_ROW = 9
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")

INSTRUCTIONS_VI = [
    "HƯỚNG DẪN ĐIỀN BIỂU MẪU",
    "1. Không sửa mã đơn vị, kỳ báo cáo, mã chỉ số và mã địa bàn đã điền sẵn.",
    "2. Chỉ nhập số vào cột 'Giá trị' (ô tô vàng). Số thập phân dùng dấu phẩy theo cách gõ của máy.",
    "3. Chỉ số không có số liệu: để trống. Chỉ số không áp dụng cho đơn vị: ghi 'x' vào ô 'Giá trị' "
    "hoặc cột 'Ghi chú'.",
    "4. Số liệu đúng nhưng khác thường (tăng, giảm nhiều so với các tháng trước): ghi lý do vào cột 'Ghi chú'.",
    "5. Cột phân tổ (Nam, Nữ, Trẻ em dưới 15 tuổi ...) sau cột 'Ghi chú': nhập phần của tổng số ở ô tô vàng; "
    "Nam + Nữ phải bằng tổng số, mỗi nhóm tuổi không lớn hơn tổng số. Không có số liệu phân tổ: để trống.",
    "5. Điền Ngày báo cáo và Người lập biểu, lưu tệp và gửi về Sở Y tế đúng hạn.",
    "6. Nếu cần sửa số liệu đã gửi, gửi lại toàn bộ tệp: tệp gửi sau cùng sẽ thay thế tệp trước.",
]


def owed_options(registry: Registry, rows: list["TemplateRow"]) -> list[DisaggregationOption]:
    """The disaggregation columns a unit owes: every option of the indicators on its form, in
    catalogue order, each after the 'Ghi chú' column headed by its Vietnamese name."""
    carried = {option for row in rows for option in registry.options_of(row.indicator_code)}
    return [option for option in registry.disaggregation_options if option in carried]


@dataclass(frozen=True)
class TemplateRow:
    indicator_code: str
    area_code: str | None


def template_rows(registry: Registry, unit_code: str, period: Period) -> list[TemplateRow]:
    """One row per owed indicator; area-level sources get one row per area of their province active
    during the period."""
    codes = indicators_owed(registry, registry.org_units[unit_code], period)
    areas = areas_reported_on(registry, codes, period, unit_code)
    if not areas:
        return [TemplateRow(code, None) for code in codes]
    return [TemplateRow(code, area) for area in areas for code in codes]


def units_due(registry: Registry, period: Period) -> list[str]:
    """Units that owe a report for the period, by code."""
    return sorted(unit.code for unit, _ in owing_units(registry, period))


def write_blank_workbook(registry: Registry, unit_code: str, period: Period, path: Path) -> Path:
    unit = registry.org_units[unit_code]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Báo cáo"
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    sheet["A1"] = "BÁO CÁO CHỈ SỐ Y TẾ"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    identity = [
        ("Mã đơn vị:", unit_code),
        ("Tên đơn vị:", unit.name_vi),
        ("Kỳ báo cáo:", period_label(period)[0]),  # a label the period parser reads back
        ("Ngày báo cáo:", None),
        ("Người lập biểu:", None),
    ]
    for offset, (label, value) in enumerate(identity, start=3):
        sheet.cell(row=offset, column=1, value=label).font = Font(bold=True)
        sheet.cell(row=offset, column=3, value=value)
    rows = template_rows(registry, unit_code, period)
    options = owed_options(registry, rows)
    option_columns = {option.option_code: len(HEADER) + index for index, option in enumerate(options, start=1)}
    titles = HEADER + [option.name_vi for option in options]
    for column, title in enumerate(titles, start=1):
        sheet.cell(row=HEADER_ROW, column=column, value=title).font = Font(bold=True)

    for number, row in enumerate(rows, start=1):
        indicator = registry.indicators[row.indicator_code]
        excel_row = HEADER_ROW + number
        values = [number, row.indicator_code, indicator.name_vi, indicator.unit_of_measure_vi, row.area_code]
        for column, value in enumerate(values, start=1):
            sheet.cell(row=excel_row, column=column, value=value)
        value_cell = sheet.cell(row=excel_row, column=VALUE_COLUMN)
        value_cell.fill = INPUT_FILL
        value_cell.protection = Protection(locked=False)
        sheet.cell(row=excel_row, column=len(HEADER)).protection = Protection(locked=False)
        for option in registry.options_of(row.indicator_code):
            split_cell = sheet.cell(row=excel_row, column=option_columns[option.option_code])
            split_cell.fill = INPUT_FILL
            split_cell.protection = Protection(locked=False)

    if rows:
        column_letter = openpyxl.utils.get_column_letter(VALUE_COLUMN)
        first = f"{column_letter}{HEADER_ROW + 1}"
        # A number, or what instruction 3 tells the unit to write when the indicator does not apply.
        numbers_only = DataValidation(
            type="custom", formula1=f'OR(AND(ISNUMBER({first}),{first}>=0),LOWER(TRIM({first}))="x",'
            f'LOWER(TRIM({first}))="không áp dụng")', allow_blank=True,
            showErrorMessage=True, errorTitle="Chỉ nhập số hoặc x",
            error="Ô này chỉ nhận số không âm, hoặc x nếu chỉ số không áp dụng. / This cell accepts "
                  "non-negative numbers, or x when the indicator does not apply.",
        )
        numbers_only.add(f"{column_letter}{HEADER_ROW + 1}:{column_letter}{HEADER_ROW + len(rows)}")
        sheet.add_data_validation(numbers_only)
    if rows and options:
        first, last = (openpyxl.utils.get_column_letter(c) for c in (len(HEADER) + 1, len(HEADER) + len(options)))
        whole_numbers = DataValidation(
            type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
            showErrorMessage=True, errorTitle="Chỉ nhập số nguyên",
            error="Ô phân tổ chỉ nhận số nguyên không âm, không lớn hơn tổng số. / A disaggregation cell accepts "
                  "whole non-negative numbers, at most the total.",
        )
        whole_numbers.add(f"{first}{HEADER_ROW + 1}:{last}{HEADER_ROW + len(rows)}")
        sheet.add_data_validation(whole_numbers)
    for row_offset in (4, 5):
        sheet.cell(row=row_offset + 2, column=3).protection = Protection(locked=False)
    # Protection without a password keeps codes from being edited by accident, not by intent.
    sheet.protection.sheet = True
    for column, width in zip("ABCDEFG", (6, 24, 48, 14, 14, 16, 24)):
        sheet.column_dimensions[column].width = width
    for column in option_columns.values():
        sheet.column_dimensions[openpyxl.utils.get_column_letter(column)].width = 16

    guide = workbook.create_sheet("Hướng dẫn")
    for line in INSTRUCTIONS_VI:
        guide.append([line])
    guide["A1"].font = Font(bold=True)
    guide.column_dimensions["A"].width = 110

    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def write_blank_workbooks(registry: Registry, period: Period, output_dir: Path) -> list[Path]:
    return [
        write_blank_workbook(registry, unit_code, period, output_dir / f"{unit_code}_{period.code}_mau.xlsx")
        for unit_code in units_due(registry, period)
    ]
