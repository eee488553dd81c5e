"""Reading, checking and loading the reference CSVs in `sources/reference/`.

Every published number hangs off these files: a unit whose parent link has a gap silently drops out
of its province total, a misspelt denominator code means an indicator is never computed. So the
files are checked as a whole before anything uses them, every problem is reported at once with its
file and line as the data manager sees it in a spreadsheet (header = line 1), in English and
Vietnamese, and nothing is loaded into the build database unless all of them pass.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import astuple, dataclass, fields
from datetime import date, timedelta
from pathlib import Path
from typing import Any, get_args, get_type_hints

import duckdb
import pandas as pd

from orchestration.lib.build_schema import RAW_SCHEMA, REFERENCE_TABLES
from orchestration.lib.disaggregations import HEADER_SEPARATOR, header_key
from orchestration.lib.periods import MAX_YEAR, MIN_YEAR, PERIOD_LABELS_CSV, PERIOD_LABELS_FILE, PeriodLabel, period_labels
from orchestration.lib.registry import (
    AREA_UNIT_TYPES,
    DisaggregationOption,
    DataOfficer,
    Indicator,
    IndicatorDisaggregation,
    IndicatorTarget,
    LineageEvent,
    NationalBenchmark,
    Obligation,
    OrgUnit,
    ParentLink,
    PublicHoliday,
    Registry,
    ReportingDeadline,
    UnitObligation,
    UnitType,
)


def _literal_values(cls: type, field_name: str) -> tuple[str, ...]:
    """The registry's Literal annotations are the one list of allowed codes."""
    hint = get_type_hints(cls)[field_name]
    return tuple(value for arg in get_args(hint) for value in (get_args(arg) or (arg,)) if isinstance(value, str))


UNIT_TYPES: tuple[str, ...] = get_args(UnitType)
AREA_RANK = {"province": 0, "district": 1, "commune": 2}
SQL_TYPES = {"text": "varchar", "date": "date", "number": "double", "integer": "integer"}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "text"  # a key of SQL_TYPES
    required: bool = True
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class FileSpec:
    """Columns are listed in the registry dataclass's field order, so a table row is `astuple(record)`."""

    record_type: type
    registry_field: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]


WINDOW = (Column("valid_from", "date"), Column("valid_to", "date", required=False))
FILES: dict[str, FileSpec] = {
    "org_units.csv": FileSpec(OrgUnit, "org_units", (
        Column("code"), Column("name_vi"), Column("unit_type", choices=UNIT_TYPES),
        Column("catchment_area_code", required=False), *WINDOW, Column("email", required=False),
    ), ("code",)),
    "parent_links.csv": FileSpec(ParentLink, "parent_links", (
        Column("org_unit_code"), Column("parent_code"), *WINDOW,
    ), ("org_unit_code", "valid_from")),
    "org_unit_lineage.csv": FileSpec(LineageEvent, "lineage", (
        Column("predecessor_code"), Column("successor_code"), Column("effective_date", "date"),
        Column("change_kind", choices=_literal_values(LineageEvent, "change_kind")),
    ), ("predecessor_code", "successor_code", "effective_date")),
    "indicators.csv": FileSpec(Indicator, "indicators", (
        Column("code"), Column("name_vi"), Column("name_en"),
        Column("kind", choices=_literal_values(Indicator, "kind")), Column("unit_of_measure_vi"),
        Column("aggregation", required=False, choices=_literal_values(Indicator, "aggregation")),
        Column("numerator_code", required=False), Column("numerator_subtract_code", required=False),
        Column("denominator_code", required=False), Column("factor", "number", required=False),
        Column("numerator_window", required=False, choices=_literal_values(Indicator, "numerator_window")),
        Column("min_value", "number", required=False), Column("max_value", "number", required=False),
    ), ("code",)),
    "obligations.csv": FileSpec(Obligation, "obligations", (
        Column("unit_type", choices=UNIT_TYPES), Column("indicator_code"),
        Column("frequency", choices=_literal_values(Obligation, "frequency")),
    ), ("unit_type", "indicator_code")),
    "unit_obligations.csv": FileSpec(UnitObligation, "unit_obligations", (
        Column("org_unit_code"), Column("indicator_code"),
        Column("frequency", choices=_literal_values(UnitObligation, "frequency")),
        Column("rule", choices=_literal_values(UnitObligation, "rule")), *WINDOW, Column("note_vi", required=False),
    ), ("org_unit_code", "indicator_code", "frequency", "valid_from")),
    "reporting_deadlines.csv": FileSpec(ReportingDeadline, "deadlines", (
        Column("regime_code"), *WINDOW, Column("unit_type", choices=("*", *UNIT_TYPES)),
        Column("working_days_after_period", "integer"),
    ), ("regime_code", "unit_type")),
    "public_holidays.csv": FileSpec(PublicHoliday, "holidays", (
        Column("day", "date"), Column("name_vi"), Column("kind", choices=_literal_values(PublicHoliday, "kind")),
    ), ("day",)),
    "indicator_targets.csv": FileSpec(IndicatorTarget, "targets", (
        Column("indicator_code"), Column("area_code"), Column("year", "integer"), Column("target_value", "number"),
        Column("direction", choices=_literal_values(IndicatorTarget, "direction")), Column("note_vi", required=False),
    ), ("indicator_code", "area_code", "year")),
    "national_benchmarks.csv": FileSpec(NationalBenchmark, "benchmarks", (
        Column("indicator_code"), Column("year", "integer"), Column("benchmark_value", "number"),
        Column("direction", choices=_literal_values(NationalBenchmark, "direction")), Column("source_vi"),
    ), ("indicator_code", "year")),
    "disaggregation_options.csv": FileSpec(DisaggregationOption, "disaggregation_options", (
        Column("dimension_code"), Column("dimension_kind", choices=_literal_values(DisaggregationOption, "dimension_kind")),
        Column("option_code"), Column("name_vi"), Column("name_en"), Column("headers_vi"),
    ), ("option_code",)),
    "indicator_disaggregations.csv": FileSpec(IndicatorDisaggregation, "indicator_disaggregations", (
        Column("indicator_code"), Column("dimension_code"),
    ), ("indicator_code", "dimension_code")),
    "data_officers.csv": FileSpec(DataOfficer, "data_officers", (
        Column("province_code"), Column("name_vi"), Column("phone"), Column("email"),
    ), ("province_code",)),
}


@dataclass(frozen=True)
class Problem:
    file_name: str
    line: int | None  # None: the file as a whole
    message_en: str
    message_vi: str

    def __str__(self) -> str:
        where_en = f"{self.file_name}, line {self.line}" if self.line else self.file_name
        where_vi = f"{self.file_name}, dòng {self.line}" if self.line else self.file_name
        return f"{where_en}: {self.message_en} / {where_vi}: {self.message_vi}"


class ReferenceDataError(ValueError):
    """Carries every problem found, so one round of fixes in the spreadsheet is enough."""

    def __init__(self, problems: list[Problem]):
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"Reference data is invalid / Dữ liệu danh mục không hợp lệ:\n{lines}")


Message = tuple[str, str]  # (English, Vietnamese)
Rows = list[tuple[int, Any]]  # (line, registry record)


class InvalidCell(ValueError):
    def __init__(self, message: Message):
        super().__init__(message[0])
        self.message = message


_PATTERNS = {"date": re.compile(r"\d{4}-\d{2}-\d{2}"), "number": re.compile(r"-?\d+(\.\d+)?"), "integer": re.compile(r"-?\d+")}
_CONVERT = {"date": date.fromisoformat, "number": float, "integer": int}
_KIND_VI = {"date": "ngày dạng YYYY-MM-DD", "number": "số", "integer": "số nguyên"}


def parse_cell(column: Column, text: str) -> Any:
    """One stripped CSV cell to its typed value (empty is None); raises InvalidCell."""
    if text == "":
        if column.required:
            raise InvalidCell((f"column '{column.name}' is empty", f"cột '{column.name}' bị bỏ trống"))
        return None
    if column.choices and text not in column.choices:
        allowed = ", ".join(column.choices)
        raise InvalidCell((f"column '{column.name}': '{text}' is not one of {allowed}",
                           f"cột '{column.name}': '{text}' không thuộc danh sách {allowed}"))
    if column.kind == "text":
        return text
    if column.kind == "number" and re.fullmatch(r"-?\d{1,3}\.\d{3}", text):
        # Vietnamese writes 100.000 for a hundred thousand; reading it as 100.0 would be a silent 1000x error.
        raise InvalidCell((f"column '{column.name}': '{text}' is ambiguous, write it without a thousands separator",
                           f"cột '{column.name}': '{text}' dễ hiểu nhầm, hãy ghi số không có dấu phân cách hàng nghìn"))
    try:
        if _PATTERNS[column.kind].fullmatch(text):
            return _CONVERT[column.kind](text)
    except ValueError:
        pass  # 2025-02-30 matches the pattern; it is reported below like any other bad value
    expected = {"date": "date YYYY-MM-DD", "number": "number", "integer": "whole number"}[column.kind]
    raise InvalidCell((f"column '{column.name}': '{text}' is not a {expected}",
                       f"cột '{column.name}': '{text}' không phải {_KIND_VI[column.kind]}"))


def _parse_rows(file_name: str, reader: Any, header: list[str], problems: list[Problem]) -> Rows:
    spec = FILES[file_name]
    first_line_of: dict[tuple, int] = {}
    rows: Rows = []
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        try:
            if len(cells) != len(header):
                raise InvalidCell((f"has {len(cells)} fields, the header has {len(header)}",
                                   f"có {len(cells)} cột, dòng tiêu đề có {len(header)} cột"))
            texts = dict(zip(header, (cell.strip() for cell in cells), strict=True))
            values = {column.name: parse_cell(column, texts[column.name]) for column in spec.columns}
            key = tuple(values[name] for name in spec.key)
            if key in first_line_of:
                shown, named = ", ".join(map(str, key)), "+".join(spec.key)
                raise InvalidCell((f"duplicate {named} ({shown}), first on line {first_line_of[key]}",
                                   f"trùng {named} ({shown}), đã có ở dòng {first_line_of[key]}"))
            start, end = values.get("valid_from"), values.get("valid_to")
            if start and end and start > end:
                raise InvalidCell((f"valid_from {start} is after valid_to {end}",
                                   f"ngày bắt đầu hiệu lực {start} sau ngày kết thúc {end}"))
        except InvalidCell as invalid:
            problems.append(Problem(file_name, line, *invalid.message))
            continue
        first_line_of[key] = line
        rows.append((line, spec.record_type(**values)))
    return rows


def _read_file(directory: Path, file_name: str, problems: list[Problem]) -> Rows:
    path = directory / file_name
    if not path.is_file():
        problems.append(Problem(file_name, None, f"file is missing from {directory}", f"thiếu tệp trong thư mục {directory}"))
        return []
    expected = [column.name for column in FILES[file_name].columns]
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = [cell.strip() for cell in next(reader, [])]
            if sorted(header) != sorted(expected):
                missing = [name for name in expected if name not in header]
                unexpected = [name for name in header if name not in expected or header.count(name) > 1]
                problems.append(Problem(
                    file_name, 1,
                    f"header must hold {','.join(expected)} (missing: {missing}, unexpected or repeated: {unexpected})",
                    f"dòng tiêu đề phải gồm {','.join(expected)} (thiếu: {missing}, thừa hoặc lặp: {unexpected})"))
                return []
            return _parse_rows(file_name, reader, header, problems)
    except UnicodeDecodeError:
        problems.append(Problem(file_name, None, "is not UTF-8 text", "không phải văn bản mã hóa UTF-8"))
    except csv.Error as error:
        problems.append(Problem(file_name, None, f"is not valid CSV ({error})", f"không phải tệp CSV hợp lệ ({error})"))
    return []


def _within(start: date, end: date | None, outer_start: date, outer_end: date | None) -> bool:
    return start >= outer_start and (outer_end is None or (end is not None and end <= outer_end))


def _unknown(code: str) -> Message:
    return f"unknown org unit code '{code}'", f"mã đơn vị '{code}' không có trong org_units.csv"


def _catchment_problem(unit: OrgUnit, units: Mapping[str, OrgUnit]) -> Message | None:
    area = units.get(unit.catchment_area_code or "")
    if unit.catchment_area_code is None or (area is not None and area.unit_type in AREA_UNIT_TYPES):
        return None
    return (f"catchment_area_code '{unit.catchment_area_code}' is not an area code",
            f"mã địa bàn phục vụ '{unit.catchment_area_code}' không phải mã địa bàn trong danh mục")


def _link_problems(link: ParentLink, units: Mapping[str, OrgUnit]) -> list[Message]:
    unit, parent = units.get(link.org_unit_code), units.get(link.parent_code)
    if unit is None or parent is None:
        return [_unknown(link.parent_code if unit else link.org_unit_code)]
    found: list[Message] = []
    if parent.unit_type not in AREA_UNIT_TYPES or unit.unit_type == "province":
        found.append((f"'{parent.code}' cannot be the parent of '{unit.code}': parents are areas and a province has none",
                      f"'{parent.code}' không thể là cấp trên của '{unit.code}': "
                      "cấp trên phải là địa bàn, tỉnh không có cấp trên"))
    elif unit.unit_type in AREA_RANK and AREA_RANK[parent.unit_type] >= AREA_RANK[unit.unit_type]:
        found.append((f"area '{unit.code}' ({unit.unit_type}) needs a higher-level parent "
                      f"than '{parent.code}' ({parent.unit_type})",
                      f"địa bàn '{unit.code}' ({unit.unit_type}) cần cấp trên cao hơn '{parent.code}' ({parent.unit_type})"))
    window = f"{link.valid_from}..{link.valid_to or ''}"
    for outer, role_en, role_vi in ((unit, "unit", "đơn vị"), (parent, "parent", "cấp trên")):
        if not _within(link.valid_from, link.valid_to, outer.valid_from, outer.valid_to):
            validity = f"{outer.valid_from}..{outer.valid_to or ''}"
            found.append((f"link {window} lies outside the validity of the {role_en} '{outer.code}' ({validity})",
                          f"liên kết {window} nằm ngoài thời gian hiệu lực của {role_vi} '{outer.code}' ({validity})"))
    return found


def _coverage_problems(unit: OrgUnit, links: Rows) -> list[tuple[int, Message]]:
    """A unit must have exactly one parent on every day it exists, or its numbers fall out of totals."""
    found: list[tuple[int, Message]] = []
    first_line, first = links[0]
    if first.valid_from > unit.valid_from:
        found.append((first_line, (f"'{unit.code}' has no parent from {unit.valid_from} until {first.valid_from}",
                                   f"'{unit.code}' không có cấp trên từ {unit.valid_from} đến {first.valid_from}")))
    for (previous_line, previous), (line, link) in zip(links, links[1:], strict=False):
        if previous.valid_to is None or previous.valid_to >= link.valid_from:
            found.append((line, (f"overlaps the link of '{unit.code}' on line {previous_line}",
                                 f"chồng lấn thời gian với liên kết của '{unit.code}' ở dòng {previous_line}")))
        elif previous.valid_to + timedelta(days=1) < link.valid_from:
            found.append((line, (f"'{unit.code}' has no parent between {previous.valid_to} and {link.valid_from}",
                                 f"'{unit.code}' không có cấp trên giữa {previous.valid_to} và {link.valid_from}")))
    last_line, last = links[-1]
    if last.valid_to is not None and (unit.valid_to is None or last.valid_to < unit.valid_to):
        found.append((last_line, (f"'{unit.code}' has no parent after {last.valid_to}",
                                  f"'{unit.code}' không có cấp trên sau ngày {last.valid_to}")))
    return found


def _check_hierarchy(unit_rows: Rows, link_rows: Rows, units: Mapping[str, OrgUnit]) -> list[Problem]:
    problems = [Problem("org_units.csv", line, *message) for line, unit in unit_rows
                if (message := _catchment_problem(unit, units))]
    problems += [Problem("parent_links.csv", line, *message) for line, link in link_rows
                 for message in _link_problems(link, units)]
    links_of: dict[str, Rows] = defaultdict(list)
    for line, link in sorted(link_rows, key=lambda pair: pair[1].valid_from):
        links_of[link.org_unit_code].append((line, link))
    for line, unit in unit_rows:
        if unit.unit_type != "province" and not links_of[unit.code]:
            problems.append(Problem("org_units.csv", line, f"'{unit.code}' has no row in parent_links.csv",
                                    f"'{unit.code}' chưa có dòng nào trong parent_links.csv"))
        elif unit.unit_type != "province":
            problems += [Problem("parent_links.csv", where, *message)
                         for where, message in _coverage_problems(unit, links_of[unit.code])]
    return problems


def _lineage_problem(event: LineageEvent, units: Mapping[str, OrgUnit], links: Rows) -> Message | None:
    before, after = units.get(event.predecessor_code), units.get(event.successor_code)
    day, eve = event.effective_date, event.effective_date - timedelta(days=1)
    kind = event.change_kind
    if before is None or after is None:
        return _unknown(event.successor_code if before else event.predecessor_code)
    if kind == "re-parent":
        own = [link for _, link in links if link.org_unit_code == before.code]
        ended = {link.parent_code for link in own if link.valid_to == eve}
        started = {link.parent_code for link in own if link.valid_from == day}
        if before.code == after.code and ended and started and ended != started:
            return None
        return (f"a re-parent row must name the same unit twice, and parent_links.csv must close its old parent "
                f"on {eve} and open a new one on {day}",
                f"dòng đổi cấp trên ghi cùng một mã đơn vị ở cả hai cột, và parent_links.csv phải đóng cấp trên cũ "
                f"ngày {eve}, mở cấp trên mới ngày {day}")
    if before.code == after.code or before.unit_type != after.unit_type:
        return f"a {kind} joins two different units of the same type", f"{kind} phải nối hai đơn vị khác nhau cùng loại"
    if not before.is_active_between(eve, eve) or not after.is_active_between(day, day):
        return (f"'{before.code}' must be valid on {eve} and '{after.code}' on {day}",
                f"'{before.code}' phải còn hiệu lực ngày {eve} và '{after.code}' phải có hiệu lực ngày {day}")
    if kind in ("merge", "rename") and before.valid_to != eve:
        return (f"'{before.code}' must end on {eve}, the day before the {kind}",
                f"'{before.code}' phải kết thúc ngày {eve}, ngay trước ngày {kind}")
    return None


_AGGREGATION_OF_KIND = {"reported": ("flow", "stock"), "reference": ("yearly",), "derived": (None,)}
_FORMULA = ("numerator_code", "numerator_subtract_code", "denominator_code", "factor", "numerator_window")


def _indicator_problems(indicator: Indicator, indicators: Mapping[str, Indicator]) -> list[Message]:
    found: list[Message] = []
    allowed = _AGGREGATION_OF_KIND[indicator.kind]
    if indicator.aggregation not in allowed:
        shown = ", ".join(value or "empty" for value in allowed)
        found.append((f"a {indicator.kind} indicator needs aggregation {shown}",
                      f"chỉ số loại {indicator.kind} cần aggregation {shown}"))
    if indicator.kind != "derived" and any(getattr(indicator, name) is not None for name in _FORMULA):
        found.append(("only derived indicators have a formula (numerator, denominator, factor, window)",
                      "chỉ chỉ số tính toán (derived) mới có công thức (tử số, mẫu số, hệ số, kỳ tính)"))
    formula = (indicator.numerator_code, indicator.denominator_code, indicator.factor, indicator.numerator_window)
    if indicator.kind == "derived" and None in formula:
        found.append(("a derived indicator needs numerator_code, denominator_code, factor and numerator_window",
                      "chỉ số tính toán cần đủ numerator_code, denominator_code, factor và numerator_window"))
    for name in ("numerator_code", "numerator_subtract_code", "denominator_code"):
        code = getattr(indicator, name)
        if code is not None and (code not in indicators or indicators[code].kind == "derived"):
            found.append((f"{name} '{code}' is not a reported or reference indicator",
                          f"{name} '{code}' không phải chỉ số báo cáo hay chỉ số tham chiếu"))
    if indicator.factor is not None and indicator.factor <= 0:
        found.append(("factor must be positive", "hệ số (factor) phải lớn hơn 0"))
    if None not in (indicator.min_value, indicator.max_value) and indicator.min_value > indicator.max_value:
        found.append((f"min_value {indicator.min_value} is above max_value {indicator.max_value}",
                      f"min_value {indicator.min_value} lớn hơn max_value {indicator.max_value}"))
    return found


def _obligation_problem(obligation: Obligation | UnitObligation, indicators: Mapping[str, Indicator]) -> Message | None:
    indicator = indicators.get(obligation.indicator_code)
    if indicator is not None and indicator.kind != "derived":
        return None
    return (f"'{obligation.indicator_code}' is not a reported or reference indicator",
            f"'{obligation.indicator_code}' không phải chỉ số báo cáo hay chỉ số tham chiếu")


def _unit_obligation_problems(
    rows: Rows, units: Mapping[str, OrgUnit], indicators: Mapping[str, Indicator], type_rows: Rows
) -> list[Problem]:
    """A row for an unknown unit or a rate would never apply; exempting a unit from what its type
    does not owe is a typo of the indicator or the frequency; two rows in force on the same day
    for the same unit, indicator and frequency would leave it unclear whether it is owed."""
    owed_by_type = {(o.unit_type, o.indicator_code, o.frequency) for _, o in type_rows}
    problems = []
    for index, (line, row) in enumerate(rows):
        found: list[Message] = []
        unit = units.get(row.org_unit_code)
        if unit is None or unit.unit_type in AREA_UNIT_TYPES:
            found.append((f"'{row.org_unit_code}' is not a reporting unit of org_units.csv",
                          f"'{row.org_unit_code}' không phải đơn vị báo cáo trong org_units.csv"))
        elif row.rule == "exempt" and (unit.unit_type, row.indicator_code, row.frequency) not in owed_by_type:
            found.append((f"units of type '{unit.unit_type}' do not owe '{row.indicator_code}' {row.frequency}, "
                           "so there is nothing to exempt",
                           f"đơn vị loại '{unit.unit_type}' không phải báo cáo '{row.indicator_code}' theo kỳ "
                           f"{row.frequency} nên không có gì để miễn"))
        indicator_problem = _obligation_problem(row, indicators)
        if indicator_problem:
            found.append(indicator_problem)
        for other_line, other in rows[:index]:
            same = (other.org_unit_code, other.indicator_code, other.frequency) == \
                (row.org_unit_code, row.indicator_code, row.frequency)
            if same and row.valid_from <= (other.valid_to or date.max) and other.valid_from <= (row.valid_to or date.max):
                found.append((f"overlaps line {other_line} for '{row.org_unit_code}' and '{row.indicator_code}'",
                              f"chồng lấn thời gian với dòng {other_line} cho '{row.org_unit_code}' và "
                              f"'{row.indicator_code}'"))
        problems += [Problem("unit_obligations.csv", line, *message) for message in found]
    return problems


def _deadline_problems(rows: Rows) -> list[Problem]:
    """Two regimes in force on the same day for the same unit type would make timeliness ambiguous."""
    problems = []
    for index, (line, deadline) in enumerate(rows):
        if deadline.working_days_after_period < 0:
            problems.append(Problem("reporting_deadlines.csv", line, "working_days_after_period must not be negative",
                                    "working_days_after_period không được âm"))
        for other_line, other in rows[:index]:
            if other.unit_type == deadline.unit_type and deadline.valid_from <= (other.valid_to or date.max) \
                    and other.valid_from <= (deadline.valid_to or date.max):
                problems.append(Problem(
                    "reporting_deadlines.csv", line, f"overlaps line {other_line} for unit_type '{deadline.unit_type}'",
                    f"chồng lấn thời gian với dòng {other_line} cho loại đơn vị '{deadline.unit_type}'"))
    return problems


def _holiday_problem(holiday: PublicHoliday) -> Message | None:
    """A compensatory working day is a weekend day worked; a compensatory day off is a weekday not worked."""
    weekend = holiday.day.weekday() >= 5
    if holiday.kind == "compensatory_working_day" and not weekend:
        return f"a compensatory working day must be a Saturday or Sunday, {holiday.day} is not", \
            f"ngày làm bù phải là thứ Bảy hoặc Chủ nhật, ngày {holiday.day} thì không"
    if holiday.kind == "compensatory_day_off" and weekend:
        return f"a compensatory day off must be a weekday, {holiday.day} is not", \
            f"ngày nghỉ bù phải là ngày trong tuần, ngày {holiday.day} thì không"
    return None


def _comparison_problems(
    goal: IndicatorTarget | NationalBenchmark, value: float, indicators: Mapping[str, Indicator]
) -> list[Message]:
    """A target or benchmark compares a rate in every period of its year, so it must name a derived
    indicator; a value outside the indicator's plausible range is almost always 95 typed as 0.95."""
    indicator = indicators.get(goal.indicator_code)
    if indicator is None or indicator.kind != "derived":
        return [(f"'{goal.indicator_code}' is not a derived indicator (a rate or ratio) of indicators.csv",
                 f"'{goal.indicator_code}' không phải chỉ số tính toán (tỷ lệ, tỷ số) trong indicators.csv")]
    found: list[Message] = []
    if not MIN_YEAR <= goal.year <= MAX_YEAR:
        found.append((f"year {goal.year} is outside {MIN_YEAR}–{MAX_YEAR}",
                      f"năm {goal.year} nằm ngoài khoảng {MIN_YEAR}–{MAX_YEAR}"))
    low, high = indicator.min_value, indicator.max_value
    if (low is not None and value < low) or (high is not None and value > high):
        found.append((f"{value} is outside the plausible range {low}–{high} of '{indicator.code}'",
                      f"{value} nằm ngoài khoảng hợp lý {low}–{high} của '{indicator.code}'"))
    return found


def _target_problems(target: IndicatorTarget, units: Mapping[str, OrgUnit], indicators: Mapping[str, Indicator]) -> list[Message]:
    found = _comparison_problems(target, target.target_value, indicators)
    area = units.get(target.area_code)
    if area is None or area.unit_type not in AREA_UNIT_TYPES:
        found.append((f"'{target.area_code}' is not an area code of org_units.csv",
                      f"'{target.area_code}' không phải mã địa bàn trong org_units.csv"))
    elif area.valid_from.year > target.year or (area.valid_to is not None and area.valid_to.year < target.year):
        found.append((f"area '{area.code}' does not exist in {target.year}",
                      f"địa bàn '{area.code}' không tồn tại trong năm {target.year}"))
    return found


def _direction_problems(rows: Mapping[str, Rows]) -> list[Problem]:
    """Whether more is better is a property of the indicator: a target and a benchmark that disagree
    would mark the same figure achieved against one and missed against the other."""
    first_seen: dict[str, tuple[str, int, str]] = {}
    problems = []
    for file_name in ("indicator_targets.csv", "national_benchmarks.csv"):
        for line, goal in rows[file_name]:
            first_file, first_line, direction = first_seen.setdefault(goal.indicator_code, (file_name, line, goal.direction))
            if direction != goal.direction:
                problems.append(Problem(
                    file_name, line,
                    f"direction '{goal.direction}' of '{goal.indicator_code}' contradicts '{direction}' "
                    f"in {first_file}, line {first_line}",
                    f"chiều so sánh '{goal.direction}' của '{goal.indicator_code}' trái với '{direction}' "
                    f"ở {first_file}, dòng {first_line}"))
    return problems


def _goal_problems(
    rows: Mapping[str, Rows], units: Mapping[str, OrgUnit], indicators: Mapping[str, Indicator]
) -> list[Problem]:
    problems = [Problem("indicator_targets.csv", line, *message) for line, target in rows["indicator_targets.csv"]
                for message in _target_problems(target, units, indicators)]
    problems += [Problem("national_benchmarks.csv", line, *message)
                 for line, benchmark in rows["national_benchmarks.csv"]
                 for message in _comparison_problems(benchmark, benchmark.benchmark_value, indicators)]
    return problems + _direction_problems(rows)


def _disaggregation_problems(rows: Mapping[str, Rows], indicators: Mapping[str, Indicator]) -> list[Problem]:
    """A dimension is exhaustive or partial as a whole, and a header names one option only: the
    parser would otherwise put one column's figures under two options."""
    problems: list[Problem] = []
    kinds: dict[str, tuple[int, str]] = {}
    claimed: dict[str, tuple[int, str]] = {}
    for line, option in rows["disaggregation_options.csv"]:
        first_line, kind = kinds.setdefault(option.dimension_code, (line, option.dimension_kind))
        if kind != option.dimension_kind:
            problems.append(Problem(
                "disaggregation_options.csv", line,
                f"dimension '{option.dimension_code}' is '{option.dimension_kind}' here but '{kind}' on line {first_line}",
                f"nhóm phân tổ '{option.dimension_code}' ở đây là '{option.dimension_kind}' nhưng ở dòng {first_line} "
                f"là '{kind}'"))
        for variant in option.headers_vi.split(HEADER_SEPARATOR):
            key = header_key(variant)
            if not key:
                problems.append(Problem("disaggregation_options.csv", line, f"header variant '{variant}' is empty",
                                        f"tên cột '{variant}' bị trống"))
                continue
            other_line, other = claimed.setdefault(key, (line, option.option_code))
            if other != option.option_code:
                problems.append(Problem(
                    "disaggregation_options.csv", line,
                    f"header '{variant.strip()}' already names option '{other}' on line {other_line}",
                    f"tên cột '{variant.strip()}' đã dùng cho phân tổ '{other}' ở dòng {other_line}"))
    for line, link in rows["indicator_disaggregations.csv"]:
        indicator = indicators.get(link.indicator_code)
        if indicator is None or indicator.kind != "reported":
            problems.append(Problem(
                "indicator_disaggregations.csv", line, f"'{link.indicator_code}' is not a reported indicator",
                f"'{link.indicator_code}' không phải chỉ số báo cáo trong indicators.csv"))
        if link.dimension_code not in kinds:
            problems.append(Problem(
                "indicator_disaggregations.csv", line,
                f"dimension '{link.dimension_code}' is not in disaggregation_options.csv",
                f"nhóm phân tổ '{link.dimension_code}' không có trong disaggregation_options.csv"))
    return problems


_EMAIL = re.compile(r"[^@\s<>,;:\"()\[\]\\]+@[^@\s<>,;:\"()\[\]\\]+\.[^@\s<>,;:\"()\[\]\\]+")
_PHONE = re.compile(r"\+?[0-9][0-9 .]{7,18}[0-9]")


def _officer_problems(officer: DataOfficer, units: Mapping[str, OrgUnit]) -> list[Message]:
    """Units are told to reply to this address and call this number: one of each, that a mail
    program and a phone can use as written."""
    found: list[Message] = []
    unit = units.get(officer.province_code)
    if unit is None or unit.unit_type != "province":
        found.append((f"'{officer.province_code}' is not a province of org_units.csv",
                      f"'{officer.province_code}' không phải mã tỉnh trong org_units.csv"))
    if not _EMAIL.fullmatch(officer.email):
        found.append((f"'{officer.email}' is not one e-mail address", f"'{officer.email}' không phải một địa chỉ e-mail"))
    if not _PHONE.fullmatch(officer.phone):
        found.append((f"'{officer.phone}' is not a phone number (digits, spaces, dots, a leading +)",
                      f"'{officer.phone}' không phải số điện thoại (chữ số, dấu cách, dấu chấm, có thể có + ở đầu)"))
    return found


def load_registry(reference_dir: Path) -> Registry:
    """Parse and check every file of FILES; raise ReferenceDataError listing every problem found."""
    problems: list[Problem] = []
    rows = {file_name: _read_file(Path(reference_dir), file_name, problems) for file_name in FILES}
    if problems:  # cross-file checks on half-read files would only add noise
        raise ReferenceDataError(problems)
    units = {unit.code: unit for _, unit in rows["org_units.csv"]}
    indicators = {indicator.code: indicator for _, indicator in rows["indicators.csv"]}
    problems += _check_hierarchy(rows["org_units.csv"], rows["parent_links.csv"], units)
    problems += [Problem("org_unit_lineage.csv", line, *message) for line, event in rows["org_unit_lineage.csv"]
                 if (message := _lineage_problem(event, units, rows["parent_links.csv"]))]
    problems += [Problem("indicators.csv", line, *message) for line, indicator in rows["indicators.csv"]
                 for message in _indicator_problems(indicator, indicators)]
    problems += [Problem("obligations.csv", line, *message) for line, obligation in rows["obligations.csv"]
                 if (message := _obligation_problem(obligation, indicators))]
    problems += _unit_obligation_problems(rows["unit_obligations.csv"], units, indicators, rows["obligations.csv"])
    problems += _deadline_problems(rows["reporting_deadlines.csv"])
    problems += [Problem("public_holidays.csv", line, *message) for line, holiday in rows["public_holidays.csv"]
                 if (message := _holiday_problem(holiday))]
    problems += _goal_problems(rows, units, indicators)
    problems += _disaggregation_problems(rows, indicators)
    problems += [Problem("data_officers.csv", line, *message) for line, officer in rows["data_officers.csv"]
                 for message in _officer_problems(officer, units)]
    if problems:
        raise ReferenceDataError(problems)
    records = {spec.registry_field: [record for _, record in rows[name]] for name, spec in FILES.items()}
    return Registry(
        org_units=units,
        indicators=indicators,
        **{field: tuple(values) for field, values in records.items() if field not in ("org_units", "indicators")},
    )


def _records(registry: Registry, spec: FileSpec) -> list:
    collection = getattr(registry, spec.registry_field)
    return list(collection.values()) if isinstance(collection, Mapping) else list(collection)


def _table_rows(registry: Registry, file_name: str) -> tuple[list[tuple[str, str]], list[tuple]]:
    """Each column's name and SQL type, and the rows. Period labels are the warehouse's own wording,
    not a province's registry: they come from the shipped file Python reads too (`lib/periods.py`)."""
    if file_name == PERIOD_LABELS_FILE:
        types = ("varchar", "integer", "varchar", "varchar")
        columns = list(zip((f.name for f in fields(PeriodLabel)), types, strict=True))
        return columns, [astuple(label) for label in period_labels(PERIOD_LABELS_CSV).values()]
    spec = FILES[file_name]
    return [(column.name, SQL_TYPES[column.kind]) for column in spec.columns], [
        astuple(record) for record in _records(registry, spec)
    ]


def write_reference_tables(connection: duckdb.DuckDBPyConnection, reference_dir: Path) -> dict[str, int]:
    """Replace every raw.ref_* table in one transaction, and only once all files pass their checks.

    Rows travel as a registered DataFrame, never as SQL text: names and codes come from a spreadsheet
    anyone can edit. Table and column names in the SQL come from this module's constants only.
    """
    registry = load_registry(reference_dir)
    counts: dict[str, int] = {}
    connection.execute(f"create schema if not exists {RAW_SCHEMA}")
    connection.execute("begin transaction")
    try:
        for table, file_name in REFERENCE_TABLES.items():
            columns, records = _table_rows(registry, file_name)
            frame = pd.DataFrame(records, columns=[name for name, _ in columns], dtype=object)
            definition = ", ".join(f"{name} {sql_type}" for name, sql_type in columns)
            connection.execute(f"create or replace table {RAW_SCHEMA}.{table} ({definition})")
            connection.register("reference_rows", frame)
            try:
                connection.execute(f"insert into {RAW_SCHEMA}.{table} select * from reference_rows")
            finally:
                connection.unregister("reference_rows")
            counts[table] = len(records)
        connection.execute("commit")
    except BaseException:
        connection.execute("rollback")
        raise
    return counts
