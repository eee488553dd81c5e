"""Checking a parsed submission against the registry: may this file, and each value in it, be loaded?

File-level problems quarantine the whole file because without a known, active unit and a real,
expected period no value in it can be attributed: unknown unit, unit not active for the whole
period, unreadable or impossible period, period not yet started, period type the unit never
reports at (a unit's own 6-month, 9-month or yearly report over the months it reports is
accepted), no value at all. Value-level problems only hold back the values concerned, so one
typo does not cost a unit its whole report: unknown or derived indicator, unparseable value,
conflicting duplicates, unknown area or one not existing during the period, area on a unit's own
figure or none on a per-area figure (errors, value rejected); indicator not obliged (warning,
value kept). Value findings are produced for quarantined files too, so a unit can fix everything
in one round.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date
from typing import NamedTuple

from orchestration.ingest.disaggregation_checks import AcceptedPart, check_parts
from orchestration.ingest.findings import Finding, finding
from orchestration.ingest.submission_parser import ParsedSubmission, SubmittedRow, UnknownColumn
from orchestration.lib.obligations import accepts_cumulative_report, indicators_owed
from orchestration.lib.periods import Period, PeriodError, parse_period
from orchestration.lib.registry import AREA_UNIT_TYPES, Indicator, OrgUnit, Registry
from orchestration.lib.workbook.rejections import FileRejection, reject

FREQUENCY_VI = {"monthly": "tháng", "quarterly": "quý", "yearly": "năm"}
PERIOD_TYPE_VI = {
    "month": "tháng", "quarter": "quý", "half_year": "6 tháng", "nine_months": "9 tháng", "year": "năm",
}
PERIOD_TYPE_EN = {
    "month": "month", "quarter": "quarter", "half_year": "half year", "nine_months": "nine months", "year": "year",
}


class AcceptedValue(NamedTuple):
    """A NamedTuple, not a frozen dataclass: one is made per loaded value and pickled back from
    the worker processes, at half the cost of either."""

    org_unit_code: str  # the submitting unit, or the area named on the row
    indicator_code: str
    value: float
    value_text: str | None
    sheet_name: str
    cell_ref: str


@dataclass(frozen=True)
class CheckedSubmission:
    period: Period | None
    rejection: FileRejection | None  # set = the file is quarantined and `values` is empty
    findings: tuple[Finding, ...]  # file-level first (the rejection leads), then value-level
    values: tuple[AcceptedValue, ...]
    values_read: int  # rows carrying a figure, readable or not
    values_rejected: int  # rows held back by a value-level error
    parts: tuple[AcceptedPart, ...] = ()  # disaggregations loaded, empty when quarantined


def check_submission(parsed: ParsedSubmission, registry: Registry, today: date, file_name: str) -> CheckedSubmission:
    unit = registry.org_units.get(parsed.unit_code.value)
    period, period_problem = _read_period(parsed, file_name)
    name_mismatch, told_to_named_unit = _file_name_unit(parsed, registry, file_name)
    file_problems = [
        p for p in (_unknown_unit(parsed, unit, file_name), *_conflicting_units(parsed, file_name),
                    name_mismatch, period_problem)
        if p is not None
    ]
    if period is not None:
        file_problems += _period_problems(parsed, unit, period, registry, today, file_name)

    kept, parts, value_findings, read, rejected = _check_rows(parsed, unit, period, registry, file_name)
    value_findings += [_unknown_column(column, file_name) for column in parsed.unknown_columns]
    if read == 0:
        file_problems.append(
            reject(
                "ING_NO_VALUES", file_name,
                "bảng chỉ số không có giá trị nào.", "the indicator table holds no value.",
                "điền số liệu vào cột 'Giá trị' rồi gửi lại.", "fill in the 'Giá trị' column and send it again.",
                sheet_name=parsed.table_sheet,
            )
        )
    rejection = file_problems[0] if file_problems else None
    return CheckedSubmission(
        period=period,
        rejection=rejection,
        findings=(*(Finding.from_rejection(p) for p in file_problems), *told_to_named_unit, *value_findings),
        values=() if rejection is not None else tuple(kept),
        values_read=read,
        values_rejected=rejected,
        parts=() if rejection is not None else tuple(parts),
    )


def _read_period(parsed: ParsedSubmission, file_name: str) -> tuple[Period | None, FileRejection | None]:
    try:
        return parse_period(parsed.period.value), None
    except PeriodError as error:
        return None, reject(
            "ING_BAD_PERIOD", file_name,
            f"kỳ báo cáo '{parsed.period.value}' không hợp lệ: {error.message_vi}",
            f"the reporting period '{parsed.period.value}' is not valid: {error.message_en}",
            "ghi kỳ theo mẫu 'Tháng 3/2025', 'Quý I/2025', '6 tháng đầu năm 2025', '9 tháng năm 2025', "
            "'Năm 2025' hoặc mã kỳ như 202503, 2025Q1.",
            "write the period as 'Tháng 3/2025', 'Quý I/2025', '6 tháng đầu năm 2025', '9 tháng năm 2025', "
            "'Năm 2025' or a code such as 202503, 2025Q1.",
            sheet_name=parsed.period.sheet_name, cell_ref=parsed.period.cell_ref, value_text=parsed.period.value,
        )


def _unknown_unit(parsed: ParsedSubmission, unit: OrgUnit | None, file_name: str) -> FileRejection | None:
    if unit is not None:
        return None
    code = parsed.unit_code
    return reject(
        "ING_UNKNOWN_UNIT", file_name,
        f"mã đơn vị '{code.value}' không có trong danh mục đơn vị.",
        f"the unit code '{code.value}' is not in the unit registry.",
        "ghi đúng mã đơn vị được cấp (ví dụ QN-TTYT-HL); đơn vị mới thành lập liên hệ Sở Y tế để được cấp mã.",
        "write the unit code you were given (e.g. QN-TTYT-HL); a new unit asks the health department for a code.",
        sheet_name=code.sheet_name, cell_ref=code.cell_ref, value_text=code.value,
    )


def _conflicting_units(parsed: ParsedSubmission, file_name: str) -> list[FileRejection]:
    """A second identity block naming another unit: publishing the file as either unit's report
    would be a guess, so the file is held and both cells are named."""
    first = parsed.unit_code
    return [
        reject(
            "ING_CONFLICTING_UNIT", file_name,
            f"tệp ghi hai mã đơn vị khác nhau: '{first.value}' ở ô {first.sheet_name}!{first.cell_ref} và "
            f"'{other.value}' ở ô này; không biết số liệu là của đơn vị nào nên tệp không được nhận.",
            f"the file names two different units: '{first.value}' at {first.sheet_name}!{first.cell_ref} and "
            f"'{other.value}' in this cell; whose figures these are cannot be told, so the file is held.",
            "mỗi tệp chỉ báo cáo cho một đơn vị: xóa khối thông tin của đơn vị kia (hoặc tách thành tệp riêng).",
            "one file reports for one unit: delete the other unit's identity block (or send it as its own file).",
            sheet_name=other.sheet_name, cell_ref=other.cell_ref, value_text=other.value,
        )
        for other in parsed.other_unit_codes
    ]


_NAME_TOKENS = re.compile(r"[\s_.,()\[\]]+")


def units_named_by(file_name: str, registry: Registry) -> set[str]:
    """The registered units a file name names (`QN-TTYT-HL_202503.xlsx`). Areas (`QN`) are left
    out: a clerk's own name (`BaoCao_QN_T03.xlsx`) often names the province."""
    stem = os.path.splitext(file_name)[0].upper()
    return {
        token for token in _NAME_TOKENS.split(stem)
        if token in registry.org_units and registry.org_units[token].unit_type not in AREA_UNIT_TYPES
    }


def unit_named_by(file_name: str, registry: Registry) -> str | None:
    """The one unit a file name names; None when it names none or several, since picking one of
    several would be a guess."""
    named = units_named_by(file_name, registry)
    return next(iter(named)) if len(named) == 1 else None


def _file_name_unit(
    parsed: ParsedSubmission, registry: Registry, file_name: str
) -> tuple[FileRejection | None, list[Finding]]:
    """A file named for one registered unit holding another unit's code is a mix-up of one of the
    two; which one cannot be told, so the file is held and both units are told: the code's unit at
    the code cell, the name's unit about the file (it may be the one whose report went astray). A
    name naming no unit says nothing."""
    named = units_named_by(file_name, registry)
    code = parsed.unit_code
    if not named or code.value in named:
        return None, []
    names = ", ".join(sorted(named))
    fix_vi = "sửa mã đơn vị trong tệp hoặc đổi tên tệp cho khớp rồi gửi lại."
    fix_en = "correct the unit code in the file or rename the file so they match, then send it again."
    mismatch = reject(
        "ING_FILE_NAME_UNIT_MISMATCH", file_name,
        f"tên tệp ghi đơn vị '{names}' nhưng mã đơn vị trong tệp là '{code.value}'; không biết tệp là của "
        "đơn vị nào nên tệp không được nhận.",
        f"the file name names unit '{names}' but the unit code in the file is '{code.value}'; whose report "
        "this is cannot be told, so the file is held.",
        fix_vi, fix_en,
        sheet_name=code.sheet_name, cell_ref=code.cell_ref, value_text=code.value,
    )
    name_unit = unit_named_by(file_name, registry)
    if name_unit is None:
        return mismatch, []
    told = finding(
        "ING_FILE_NAME_UNIT_MISMATCH", "error", file_name,
        f"tệp mang tên đơn vị của quý đơn vị ('{name_unit}') nhưng mã đơn vị trong tệp là '{code.value}'; "
        "tệp không được nhận cho đơn vị nào.",
        f"the file carries your unit's name ('{name_unit}') but the unit code in it is '{code.value}'; "
        "the file is held for both units.",
        fix_vi, fix_en,
    )
    return mismatch, [replace(told, org_unit_code=name_unit)]


def _period_problems(
    parsed: ParsedSubmission, unit: OrgUnit | None, period: Period, registry: Registry, today: date, file_name: str
) -> list[FileRejection]:
    at_period = {"sheet_name": parsed.period.sheet_name, "cell_ref": parsed.period.cell_ref,
                 "value_text": parsed.period.value}
    problems = []
    if unit is not None and not unit.is_active_between(period.start, period.end):
        problems.append(_inactive_unit(parsed, unit, period, registry, file_name))
    if period.start > today:
        problems.append(
            reject(
                "ING_FUTURE_PERIOD", file_name,
                f"kỳ báo cáo {period.code} bắt đầu ngày {period.start:%d/%m/%Y}, sau ngày nhận {today:%d/%m/%Y}.",
                f"the period {period.code} starts on {period.start:%Y-%m-%d}, after the intake date {today:%Y-%m-%d}.",
                "kiểm tra lại tháng/năm của kỳ báo cáo.", "check the month/year of the reporting period.",
                **at_period,
            )
        )
    if unit is not None and not indicators_owed(registry, unit, period) \
            and not accepts_cumulative_report(registry, unit, period):
        frequencies = registry.frequencies_of(unit.unit_type)
        expected_vi = ", ".join(FREQUENCY_VI[f] for f in sorted(frequencies)) or "không có"
        expected_en = ", ".join(sorted(frequencies)) or "none"
        problems.append(
            reject(
                "ING_FREQUENCY_MISMATCH", file_name,
                f"đơn vị loại '{unit.unit_type}' không có chỉ số nào phải báo cáo theo kỳ "
                f"{PERIOD_TYPE_VI[period.period_type]} ({period.code}); kỳ phải báo cáo: {expected_vi}.",
                f"units of type '{unit.unit_type}' report no indicator per {PERIOD_TYPE_EN[period.period_type]} "
                f"({period.code}); their reporting frequencies: {expected_en}.",
                "gửi báo cáo theo đúng kỳ quy định (ví dụ 'Tháng 3/2025' cho báo cáo tháng).",
                "send the report for the required period (e.g. 'Tháng 3/2025' for a monthly report).",
                **at_period,
            )
        )
    return problems


def _inactive_unit(
    parsed: ParsedSubmission, unit: OrgUnit, period: Period, registry: Registry, file_name: str
) -> FileRejection:
    valid_to = f"{unit.valid_to:%d/%m/%Y}" if unit.valid_to else "nay"
    valid_to_en = f"{unit.valid_to:%Y-%m-%d}" if unit.valid_to else "now"
    successors = sorted(
        (e for e in registry.lineage if e.predecessor_code == unit.code), key=lambda e: e.effective_date
    )
    if successors:
        names = ", ".join(e.successor_code for e in successors)
        fix_vi = f"từ {successors[0].effective_date:%d/%m/%Y} báo cáo bằng mã đơn vị mới: {names}."
        fix_en = f"from {successors[0].effective_date:%Y-%m-%d} report under the new unit code: {names}."
    else:
        fix_vi, fix_en = "kiểm tra lại mã đơn vị và kỳ báo cáo.", "check the unit code and the reporting period."
    return reject(
        "ING_UNIT_INACTIVE", file_name,
        f"đơn vị '{unit.code}' chỉ hoạt động từ {unit.valid_from:%d/%m/%Y} đến {valid_to}, "
        f"không trọn kỳ {period.code}.",
        f"unit '{unit.code}' is active from {unit.valid_from:%Y-%m-%d} to {valid_to_en}, "
        f"not for the whole period {period.code}.",
        fix_vi, fix_en,
        sheet_name=parsed.unit_code.sheet_name, cell_ref=parsed.unit_code.cell_ref, value_text=parsed.unit_code.value,
    )


def _check_rows(
    parsed: ParsedSubmission, unit: OrgUnit | None, period: Period | None, registry: Registry, file_name: str
) -> tuple[list[AcceptedValue], list[AcceptedPart], list[Finding], int, int]:
    candidates: list[AcceptedValue] = []
    split_rows: list[SubmittedRow] = []
    findings: list[Finding] = []
    read = rejected = 0
    obliged = _obliged_codes(unit, period, registry)
    for row in parsed.rows:
        if not row.number.has_content and not row.parts:
            # Empty, '-' or 'x': nothing to load, and section labels in the code column land here too.
            continue
        read += 1
        indicator = registry.indicators.get(row.indicator_code)
        error = _row_error(row, indicator, unit, period, registry, file_name)
        if error is not None:
            findings.append(error)
            rejected += 1
            continue
        if row.parts:
            split_rows.append(row)
        if not row.number.has_content:
            continue  # a split without its total: checked with the other splits
        assert indicator is not None and row.number.value is not None  # _row_error rules both out
        # No unit owes a rate: a typed rate is kept beside the warehouse's recomputed one and the
        # model (int_model_findings) reports any difference beyond the unit's rounding.
        warning = None if indicator.kind == "derived" else _not_obliged(row, unit, period, obliged, file_name)
        if warning is not None:
            findings.append(warning)
        candidates.append(
            AcceptedValue(
                org_unit_code=row.area_code or parsed.unit_code.value,
                indicator_code=row.indicator_code,
                value=row.number.value,
                value_text=row.number.text,
                sheet_name=row.sheet_name,
                cell_ref=row.cell_ref,
            )
        )
    kept, duplicate_findings = _resolve_duplicates(candidates, file_name)
    split = check_parts(split_rows, {(v.org_unit_code, v.indicator_code): v for v in kept},
                        parsed.unit_code.value, registry, file_name)
    held = [v for v in kept if (v.org_unit_code, v.indicator_code) in split.held_totals]
    kept = [v for v in kept if (v.org_unit_code, v.indicator_code) not in split.held_totals]
    rejected += len(duplicate_findings) + len(held)
    return kept, split.parts, findings + duplicate_findings + split.findings, read, rejected


def _unknown_column(column: UnknownColumn, file_name: str) -> Finding:
    """Never dropped silently: a column the form does not have may be a figure the unit expects published."""
    header = f"'{column.header}'" if column.header else "(không có tiêu đề)"
    header_en = f"'{column.header}'" if column.header else "(no header)"
    cells = ", ".join(column.cell_refs)
    return finding(
        "ING_UNKNOWN_COLUMN", "warning", file_name,
        f"cột {header} không thuộc biểu mẫu; các ô {cells} có nội dung nhưng không được nhận.",
        f"the column {header_en} is not part of the form; its cells {cells} hold something but are not loaded.",
        "xóa cột này hoặc chuyển nội dung vào cột 'Ghi chú'; nếu đây là số liệu phân tổ, dùng đúng tên cột "
        "của biểu mẫu.",
        "delete the column or move its content to the 'Ghi chú' column; if these are disaggregated figures, "
        "use the form's column header.",
        sheet_name=column.sheet_name, cell_ref=column.cell_refs[0],
    )


def _row_error(
    row: SubmittedRow, indicator: Indicator | None, unit: OrgUnit | None, period: Period | None, registry: Registry,
    file_name: str,
) -> Finding | None:
    """The first reason the row's value cannot be loaded, if any."""
    code = row.indicator_code
    at_value = {"indicator_code": code, "sheet_name": row.sheet_name, "cell_ref": row.cell_ref,
                "value_text": row.number.text}
    if indicator is None:
        return finding(
            "ING_UNKNOWN_INDICATOR", "error", file_name,
            f"mã chỉ số '{code}' không có trong danh mục chỉ số; giá trị không được nhận.",
            f"the indicator code '{code}' is not in the indicator catalogue; the value is rejected.",
            "sửa mã chỉ số theo đúng biểu mẫu.", "correct the indicator code as in the template.",
            **at_value,
        )
    problem = _number_problem(row, indicator, file_name, at_value)
    if problem is not None:
        return problem
    if row.number.status == "invalid":
        return finding(
            "ING_UNPARSEABLE_VALUE", "error", file_name,
            f"giá trị '{row.number.text}' của chỉ số '{code}' không phải là số; giá trị không được nhận.",
            f"the value '{row.number.text}' of indicator '{code}' is not a number; the value is rejected.",
            "nhập số theo cách viết Việt Nam (1.384.000 hoặc 95,56); để trống hoặc '-' nếu không báo cáo, "
            "'x' nếu không áp dụng.",
            "enter a number in Vietnamese notation (1.384.000 or 95,56); leave it empty or '-' if not "
            "reported, 'x' if not applicable.",
            **at_value,
        )
    return _area_error(row, indicator, unit, period, registry, file_name)


def _number_problem(row: SubmittedRow, indicator: Indicator, file_name: str, at_value: dict) -> Finding | None:
    """Cells that look like figures but cannot be taken at face value: never guessed, always named."""
    code, number = row.indicator_code, row.number
    if number.problem == "non_ascii_digits":
        return finding(
            "ING_NON_ASCII_DIGITS", "error", file_name,
            f"giá trị '{number.text}' của chỉ số '{code}' dùng chữ số không phải 0-9 (ví dụ chữ số Ả Rập hoặc "
            "chữ số toàn khổ); giá trị không được nhận.",
            f"the value '{number.text}' of indicator '{code}' uses digits other than 0-9 (e.g. Arabic-Indic or "
            "full-width digits); the value is rejected.",
            "gõ lại số bằng chữ số 0-9 (tắt bộ gõ khác trước khi nhập).",
            "type the number again with the digits 0-9 (switch off any other input method first).",
            **at_value,
        )
    if number.problem == "formula_without_value":
        return finding(
            "ING_FORMULA_WITHOUT_VALUE", "error", file_name,
            f"ô giá trị của chỉ số '{code}' là công thức nhưng tệp không lưu kết quả tính; giá trị không được nhận.",
            f"the value cell of indicator '{code}' holds a formula but the file stores no computed result; "
            "the value is rejected.",
            "mở tệp trong Excel (bật tính toán tự động), lưu lại rồi gửi lại; hoặc nhập số thay cho công thức.",
            "open the file in Excel (with automatic calculation on), save it and send it again; or type the "
            "number instead of the formula.",
            **at_value,
        )
    if number.problem == "percent_sign" and "%" not in indicator.unit_of_measure_vi:
        return finding(
            "ING_PERCENT_IN_COUNT", "error", file_name,
            f"giá trị '{number.text}' có dấu % nhưng chỉ số '{code}' là số đếm ({indicator.unit_of_measure_vi}); "
            "giá trị không được nhận.",
            f"the value '{number.text}' has a % sign but indicator '{code}' is a count "
            f"({indicator.unit_of_measure_vi}); the value is rejected.",
            "nhập số đếm (không có dấu %); tỷ lệ do hệ thống tự tính.",
            "enter the count (without a % sign); rates are computed by the warehouse.",
            **at_value,
        )
    return None


def _area_error(
    row: SubmittedRow, indicator: Indicator, unit: OrgUnit | None, period: Period | None, registry: Registry,
    file_name: str,
) -> Finding | None:
    """Only reference indicators (population, insured people) are reported per area; a unit's own
    figures carry no area, or they would be booked on the area instead of the unit. An area that
    exists for part of the period is fine (a yearly figure for a district abolished mid-year);
    one that does not exist on any day of it cannot have a figure. A unit reports on its own
    province's areas only: in a national instance another province's statistics office owns those."""
    code = row.indicator_code
    if row.area_code is None:
        if indicator.kind != "reference":
            return None
        return finding(
            "ING_MISSING_AREA", "error", file_name,
            f"chỉ số '{code}' phải khai theo địa bàn nhưng dòng này không có mã địa bàn; giá trị không được nhận.",
            f"indicator '{code}' is reported per area but this row has no area code; the value is rejected.",
            "ghi mã địa bàn (ví dụ QN, QN-HL) vào cột 'Mã địa bàn'.",
            "write the area code (e.g. QN, QN-HL) in the 'Mã địa bàn' column.",
            indicator_code=code, sheet_name=row.sheet_name, cell_ref=row.cell_ref, value_text=row.number.text,
        )
    at_area = {"indicator_code": code, "sheet_name": row.sheet_name, "cell_ref": row.area_cell_ref,
               "value_text": row.area_code}
    if indicator.kind != "reference":
        return finding(
            "ING_UNEXPECTED_AREA", "error", file_name,
            f"chỉ số '{code}' là số liệu của đơn vị, không khai theo địa bàn ('{row.area_code}'); "
            "giá trị không được nhận.",
            f"indicator '{code}' is the unit's own figure and is not reported per area ('{row.area_code}'); "
            "the value is rejected.",
            "xóa mã địa bàn ở dòng này.", "remove the area code from this row.",
            **at_area,
        )
    area = registry.org_units.get(row.area_code)
    if area is None or area.unit_type not in AREA_UNIT_TYPES:
        return finding(
            "ING_UNKNOWN_AREA", "error", file_name,
            f"mã địa bàn '{row.area_code}' không có trong danh mục địa bàn; giá trị không được nhận.",
            f"the area code '{row.area_code}' is not in the area registry; the value is rejected.",
            "ghi đúng mã địa bàn (tỉnh, huyện hoặc xã, ví dụ QN, QN-HL).",
            "write a registered area code (province, district or commune, e.g. QN, QN-HL).",
            **at_area,
        )
    own_province = registry.province_of(unit.code) if unit is not None else None
    area_province = registry.province_of(area.code)
    if own_province is not None and area_province is not None and area_province != own_province:
        return finding(
            "ING_AREA_OTHER_PROVINCE", "error", file_name,
            f"địa bàn '{area.code}' thuộc tỉnh {_province_name(registry, area_province)}, không thuộc tỉnh "
            f"{_province_name(registry, own_province)} của đơn vị '{unit.code}'; giá trị không được nhận.",
            f"area '{area.code}' belongs to the province {area_province}, not to the province {own_province} of "
            f"unit '{unit.code}'; the value is rejected.",
            f"chỉ khai các địa bàn của tỉnh mình (mã bắt đầu bằng {own_province}); số liệu tỉnh khác do đơn vị "
            "của tỉnh đó báo cáo.",
            f"report only your own province's areas (codes starting with {own_province}); another province's "
            "figures are reported by that province's unit.",
            **at_area,
        )
    if period is not None and not _exists_during(area, period):
        valid_to_vi = f"{area.valid_to:%d/%m/%Y}" if area.valid_to else "nay"
        valid_to_en = f"{area.valid_to:%Y-%m-%d}" if area.valid_to else "now"
        return finding(
            "ING_AREA_INACTIVE", "error", file_name,
            f"địa bàn '{area.code}' chỉ tồn tại từ {area.valid_from:%d/%m/%Y} đến {valid_to_vi}, không có ngày nào "
            f"trong kỳ {period.code}; giá trị không được nhận.",
            f"area '{area.code}' exists from {area.valid_from:%Y-%m-%d} to {valid_to_en}, on no day of the period "
            f"{period.code}; the value is rejected.",
            "dùng mã địa bàn sau sắp xếp đơn vị hành chính (ví dụ mã phường/xã mới).",
            "use the area code valid after the administrative reorganisation (e.g. the new ward/commune code).",
            **at_area,
        )
    return None


def _province_name(registry: Registry, code: str) -> str:
    return f"{registry.org_units[code].name_vi} ({code})"


def _exists_during(unit: OrgUnit, period: Period) -> bool:
    return unit.valid_from <= period.end and (unit.valid_to is None or unit.valid_to >= period.start)


def _obliged_codes(unit: OrgUnit | None, period: Period | None, registry: Registry) -> frozenset[str] | None:
    """What the unit owes for the period, looked up once per file rather than per row; None when
    there is no unit or it reports nothing at that frequency: the file-level finding already says it all."""
    if unit is None or period is None:
        return None
    return frozenset(indicators_owed(registry, unit, period)) or None


def _not_obliged(
    row: SubmittedRow, unit: OrgUnit | None, period: Period | None, obliged: frozenset[str] | None, file_name: str
) -> Finding | None:
    """A warning only: units sometimes report more than they owe, and the figure is still true."""
    code = row.indicator_code
    if obliged is None or code in obliged:
        return None
    assert unit is not None and period is not None and period.frequency is not None  # else obliged is None
    frequency = period.frequency
    return finding(
        "ING_NOT_OBLIGED", "warning", file_name,
        f"đơn vị '{unit.code}' không phải báo cáo chỉ số '{code}' theo kỳ {FREQUENCY_VI[frequency]}; "
        "giá trị vẫn được nhận.",
        f"unit '{unit.code}' is not required to report '{code}' {frequency}; the value is kept.",
        "kiểm tra lại mã chỉ số; nếu đúng thì không cần sửa.",
        "check the indicator code; if it is right nothing needs fixing.",
        indicator_code=code, sheet_name=row.sheet_name, cell_ref=row.cell_ref, value_text=row.number.text,
    )


def _resolve_duplicates(candidates: list[AcceptedValue], file_name: str) -> tuple[list[AcceptedValue], list[Finding]]:
    """Identical repeats are harmless and kept once; conflicting ones leave no way to know which is
    right, so all of them are held back and each cell is named."""
    if len({(v.org_unit_code, v.indicator_code) for v in candidates}) == len(candidates):
        return candidates, []  # the usual case, settled without grouping
    groups: dict[tuple[str, str], list[AcceptedValue]] = defaultdict(list)
    for value in candidates:
        groups[(value.org_unit_code, value.indicator_code)].append(value)
    kept: list[AcceptedValue] = []
    findings: list[Finding] = []
    for (org_unit_code, indicator_code), group in groups.items():
        if len({v.value for v in group}) == 1:
            kept.append(group[0])
            continue
        cells = ", ".join(f"{v.cell_ref}={v.value_text or _format_value(v.value)}" for v in group)
        for value in group:
            findings.append(
                finding(
                    "ING_DUPLICATE_ROW", "error", file_name,
                    f"chỉ số '{indicator_code}' của '{org_unit_code}' được khai nhiều lần với giá trị khác nhau "
                    f"({cells}); các giá trị này đều không được nhận.",
                    f"indicator '{indicator_code}' of '{org_unit_code}' is reported several times with different "
                    f"values ({cells}); none of them is accepted.",
                    "giữ lại một dòng duy nhất với giá trị đúng cho mỗi chỉ số.",
                    "keep a single row with the right value for each indicator.",
                    indicator_code=indicator_code, sheet_name=value.sheet_name, cell_ref=value.cell_ref,
                    value_text=value.value_text,
                )
            )
    return kept, findings


def _format_value(value: float) -> str:
    return str(int(value)) if value.is_integer() else str(value)
