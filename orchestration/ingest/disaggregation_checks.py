"""Checking the disaggregation cells of a submission against their totals: which are loaded.

A split that cannot be right is held back rather than published beside a total it contradicts:
an exhaustive dimension (Nam + Nữ) whose options are all given and do not add up to the total
holds back the total and every split of that indicator (which figure is wrong cannot be told); an
option above its total — a "trong đó" option, or an option of a dimension given only in part —
holds back that option. A split without a total is loaded with a warning: the unit forgot the
total, the split is still true. Repeats across tables follow the totals' rule: the same figure
twice is kept once, different figures are all held back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, NamedTuple

from orchestration.ingest.findings import Finding, finding
from orchestration.ingest.submission_parser import SubmittedPart, SubmittedRow
from orchestration.lib.registry import Registry

if TYPE_CHECKING:  # identity_checks calls this module
    from orchestration.ingest.identity_checks import AcceptedValue

_TOLERANCE = 1e-9  # figures are read exactly; this only absorbs binary fractions of typed decimals


class AcceptedPart(NamedTuple):
    org_unit_code: str
    indicator_code: str
    dimension_code: str
    option_code: str
    value: float
    value_text: str | None
    sheet_name: str
    cell_ref: str
    total_cell_ref: str | None  # the total it was checked against, None when the unit gave none


class _Cell(NamedTuple):
    row: SubmittedRow
    part: SubmittedPart


class PartsOutcome(NamedTuple):
    parts: list[AcceptedPart]
    findings: list[Finding]
    held_totals: set[tuple[str, str]]  # (org unit, indicator) whose total must not be loaded


def check_parts(
    rows: Iterable[SubmittedRow], totals: Mapping[tuple[str, str], AcceptedValue],
    unit_code: str, registry: Registry, file_name: str,
) -> PartsOutcome:
    """`rows`: indicator rows whose code and total passed their own checks; `totals`: the loaded
    total of each (org unit, indicator) with its cell. A row whose total was typed but not loaded
    (a conflicting repeat) has its split held back silently: the total's finding says why."""
    cells: dict[tuple[str, str], list[_Cell]] = defaultdict(list)
    typed_total: set[tuple[str, str]] = set()
    for row in rows:
        key = (row.area_code or unit_code, row.indicator_code)
        cells[key] += [_Cell(row, part) for part in row.parts]
        if row.number.has_content:
            typed_total.add(key)
    outcome = PartsOutcome([], [], set())
    for key, group in cells.items():
        if key in typed_total and key not in totals:
            continue
        _check_indicator(key, group, totals.get(key), registry, file_name, outcome)
    return outcome


def _check_indicator(
    key: tuple[str, str], group: list[_Cell], total: AcceptedValue | None, registry: Registry,
    file_name: str, outcome: PartsOutcome,
) -> None:
    owner, code = key
    carried = {option.option_code: option for option in registry.options_of(code)}
    readable: dict[str, list[_Cell]] = defaultdict(list)
    for cell in group:
        problem = _cell_problem(cell, code, carried, file_name)
        if problem is not None:
            outcome.findings.append(problem)
        else:
            readable[cell.part.option_code].append(cell)
    chosen = _settle_repeats(readable, owner, code, file_name, outcome.findings)
    if not chosen:
        return
    if total is None:
        first = min(chosen.values(), key=lambda cell: cell.part.cell_ref)
        outcome.findings.append(finding(
            "ING_DISAGG_WITHOUT_TOTAL", "warning", file_name,
            f"chỉ số '{code}' có số liệu phân tổ ({_cells(chosen.values())}) nhưng không có tổng số; số liệu phân "
            "tổ vẫn được nhận.",
            f"indicator '{code}' has disaggregated figures ({_cells(chosen.values())}) but no total; the "
            "disaggregated figures are accepted.",
            "điền tổng số của chỉ số vào cột 'Tổng số' rồi gửi lại.",
            "fill in the indicator's total in the 'Tổng số' column and send the file again.",
            indicator_code=code, sheet_name=first.row.sheet_name, cell_ref=first.part.cell_ref,
        ))
        outcome.parts.extend(_accepted(owner, code, cell, None) for cell in chosen.values())
        return
    total_value, total_cell = total.value, total.cell_ref
    for dimension_code in sorted({cell.part.dimension_code for cell in chosen.values()}):
        options = [o for o in carried.values() if o.dimension_code == dimension_code]
        given = [chosen[o.option_code] for o in options if o.option_code in chosen]
        if options[0].dimension_kind == "exhaustive" and len(given) == len(options):
            split = sum(cell.part.number.value for cell in given)
            if abs(split - total_value) > _TOLERANCE * max(1.0, abs(total_value)):
                _sum_mismatch(owner, code, given, total, split, file_name, outcome)
                return
    for cell in chosen.values():
        if cell.part.number.value > total_value + _TOLERANCE * max(1.0, abs(total_value)):
            name = carried[cell.part.option_code].name_vi
            outcome.findings.append(finding(
                "ING_DISAGG_ABOVE_TOTAL", "error", file_name,
                f"số liệu '{name}' của chỉ số '{code}' là {_shown(cell)}, lớn hơn tổng số {_number(total_value)} "
                f"(ô {total_cell}); số liệu phân tổ này không được nhận.",
                f"the '{carried[cell.part.option_code].name_en}' figure of indicator '{code}' is {_shown(cell)}, "
                f"above the total {_number(total_value)} (cell {total_cell}); this disaggregated figure is rejected.",
                "một phần không thể lớn hơn tổng: kiểm tra lại cả hai ô rồi gửi lại.",
                "a part cannot exceed the total: check both cells and send the file again.",
                indicator_code=code, sheet_name=cell.row.sheet_name, cell_ref=cell.part.cell_ref,
                value_text=cell.part.number.text,
            ))
        else:
            outcome.parts.append(_accepted(owner, code, cell, total_cell))


def _sum_mismatch(
    owner: str, code: str, given: list[_Cell], total: AcceptedValue, split: float, file_name: str,
    outcome: PartsOutcome,
) -> None:
    total_value = total.value
    outcome.held_totals.add((owner, code))
    outcome.findings.append(finding(
        "ING_DISAGG_SUM_MISMATCH", "error", file_name,
        f"các số liệu phân tổ của chỉ số '{code}' ({_cells(given)}) cộng lại được {_number(split)}, khác tổng số "
        f"{_number(total_value)}; tổng số và số liệu phân tổ đều không được nhận.",
        f"the disaggregated figures of indicator '{code}' ({_cells(given)}) add up to {_number(split)}, not the "
        f"total {_number(total_value)}; the total and its disaggregations are rejected.",
        "sửa để các cột phân tổ cộng lại đúng bằng tổng số rồi gửi lại.",
        "correct the figures so the disaggregation columns add up to the total, and send the file again.",
        indicator_code=code, sheet_name=total.sheet_name, cell_ref=total.cell_ref, value_text=total.value_text,
    ))


def _cell_problem(cell: _Cell, code: str, carried: Mapping, file_name: str) -> Finding | None:
    part, number = cell.part, cell.part.number
    at = {"indicator_code": code, "sheet_name": cell.row.sheet_name, "cell_ref": part.cell_ref,
          "value_text": number.text}
    if part.option_code not in carried:
        return finding(
            "ING_DISAGG_NOT_CARRIED", "warning", file_name,
            f"chỉ số '{code}' không phân tổ theo cột này ({part.option_code}) trong danh mục; ô không được nhận.",
            f"indicator '{code}' is not disaggregated by this column ({part.option_code}) in the catalogue; the "
            "cell is not loaded.",
            "để trống ô này; nếu cần phân tổ chỉ số theo cột này, báo Sở Y tế bổ sung danh mục.",
            "leave this cell empty; if the indicator should be split this way, ask the health department to add it "
            "to the catalogue.", **at,
        )
    if number.status != "value" or number.problem == "percent_sign" or number.value < 0 \
            or not float(number.value).is_integer():
        return finding(
            "ING_UNPARSEABLE_VALUE", "error", file_name,
            f"số liệu phân tổ '{_shown(cell)}' ({part.option_code}) của chỉ số '{code}' không phải là số đếm "
            "(số nguyên không âm); ô không được nhận.",
            f"the disaggregated figure '{_shown(cell)}' ({part.option_code}) of indicator '{code}' is not a count "
            "(a whole number, not negative); the cell is rejected.",
            "nhập số theo cách viết Việt Nam (1.384), bằng chữ số 0-9, không có dấu %; để trống nếu không báo cáo.",
            "enter a number in Vietnamese notation (1.384), with the digits 0-9 and no % sign; leave it empty "
            "if not reported.", **at,
        )
    return None


def _settle_repeats(
    readable: Mapping[str, list[_Cell]], owner: str, code: str, file_name: str, findings: list[Finding]
) -> dict[str, _Cell]:
    chosen: dict[str, _Cell] = {}
    for option_code, cells in readable.items():
        if len({cell.part.number.value for cell in cells}) == 1:
            chosen[option_code] = cells[0]
            continue
        for cell in cells:
            findings.append(finding(
                "ING_DUPLICATE_ROW", "error", file_name,
                f"số liệu phân tổ {option_code} của chỉ số '{code}' ({owner}) được khai nhiều lần với giá trị khác "
                f"nhau ({_cells(cells)}); các giá trị này đều không được nhận.",
                f"the {option_code} figure of indicator '{code}' ({owner}) is reported several times with "
                f"different values ({_cells(cells)}); none of them is accepted.",
                "giữ lại một giá trị đúng duy nhất cho mỗi cột phân tổ.",
                "keep a single right value for each disaggregation column.",
                indicator_code=code, sheet_name=cell.row.sheet_name, cell_ref=cell.part.cell_ref,
                value_text=cell.part.number.text,
            ))
    return chosen


def _accepted(owner: str, code: str, cell: _Cell, total_cell: str | None) -> AcceptedPart:
    part = cell.part
    return AcceptedPart(owner, code, part.dimension_code, part.option_code, part.number.value, part.number.text,
                        cell.row.sheet_name, part.cell_ref, total_cell)


def _cells(cells: Iterable[_Cell]) -> str:
    return ", ".join(f"{cell.row.sheet_name}!{cell.part.cell_ref}={_shown(cell)}" for cell in cells)


def _shown(cell: _Cell) -> str:
    number = cell.part.number
    return number.text or (_number(number.value) if number.value is not None else "")


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
