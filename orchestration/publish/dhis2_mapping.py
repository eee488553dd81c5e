"""The mapping from this warehouse's codes to a DHIS2 instance's UIDs (`sources/reference/dhis2_mapping.csv`).

DHIS2 knows data elements and organisation units by UIDs its own server generated; nothing in the
warehouse can derive them, so a province's data manager copies them from their DHIS2 instance
(`/api/dataElements?fields=id,code`, `/api/organisationUnits?fields=id,code`) into this file, one
row per warehouse code:

    object_type,warehouse_code,dhis2_uid,category_option_combo,attribute_option_combo
    data_element,OPD_VISITS,MwaEsCV8TMg,HllvX50cXC0,HllvX50cXC0
    org_unit,QN-BVDKT,...,,

A data element row also names the category option combo (the disaggregation: two warehouse
indicators may be two combos of one DHIS2 data element, e.g. DTP dose 1 and dose 3) and the attribute
option combo; `HllvX50cXC0` is DHIS2's built-in default combo. The demo province's UIDs are its own,
derived once from a hash of each code and committed; they mean nothing on a real DHIS2 server.

The loader lives in publish/, not lib/: only the DHIS2 export reads the file, it is not part of the
registry and is never loaded into the build database. It checks the file the way `lib/reference.py`
checks the registry — every problem at once, with file and line as a spreadsheet shows them, in
English and Vietnamese — because a wrong UID does not fail loudly: DHIS2 would file the value under
another data element or facility, or two warehouse codes would overwrite each other's values.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from orchestration.lib.reference import Column, InvalidCell, Problem, ReferenceDataError, parse_cell

DHIS2_MAPPING_FILE = "dhis2_mapping.csv"

# DHIS2's CodeGenerator: eleven characters, a letter first, then letters and digits.
UID_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9]{10}")
DEFAULT_COMBO_UID = "HllvX50cXC0"

DATA_ELEMENT, ORG_UNIT = "data_element", "org_unit"
COLUMNS = (
    Column("object_type", choices=(DATA_ELEMENT, ORG_UNIT)),
    Column("warehouse_code"),
    Column("dhis2_uid"),
    Column("category_option_combo", required=False),
    Column("attribute_option_combo", required=False),
)
_UID_COLUMNS = ("dhis2_uid", "category_option_combo", "attribute_option_combo")


@dataclass(frozen=True)
class DataElementTarget:
    """Where one warehouse indicator's values go in DHIS2."""

    data_element: str
    category_option_combo: str
    attribute_option_combo: str
    line: int


@dataclass(frozen=True)
class OrgUnitTarget:
    org_unit: str
    line: int


@dataclass(frozen=True)
class Dhis2Mapping:
    file_name: str
    data_elements: Mapping[str, DataElementTarget]  # indicator code -> target
    org_units: Mapping[str, OrgUnitTarget]  # org unit code -> target


def load_dhis2_mapping(path: Path) -> Dhis2Mapping:
    """Parse and check the whole file; raise ReferenceDataError listing every problem found."""
    problems: list[Problem] = []
    name = path.name
    data_elements: dict[str, DataElementTarget] = {}
    org_units: dict[str, OrgUnitTarget] = {}
    if not path.is_file():
        raise ReferenceDataError([Problem(name, None, f"file is missing: {path}", f"thiếu tệp: {path}")])
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = [cell.strip() for cell in next(reader, [])]
            expected = [column.name for column in COLUMNS]
            if header != expected:
                raise ReferenceDataError([Problem(name, 1, f"header must be {','.join(expected)}",
                                                  f"dòng tiêu đề phải là {','.join(expected)}")])
            seen = _Seen()
            for cells in reader:
                if not any(cell.strip() for cell in cells):
                    continue
                try:
                    row = _parse_row(cells, header)
                    seen.check(row)
                except InvalidCell as invalid:
                    problems.append(Problem(name, reader.line_num, *invalid.message))
                    continue
                seen.add(row, reader.line_num)
                if row["object_type"] == DATA_ELEMENT:
                    data_elements[row["warehouse_code"]] = DataElementTarget(
                        row["dhis2_uid"], row["category_option_combo"], row["attribute_option_combo"], reader.line_num)
                else:
                    org_units[row["warehouse_code"]] = OrgUnitTarget(row["dhis2_uid"], reader.line_num)
    except UnicodeDecodeError:
        problems.append(Problem(name, None, "is not UTF-8 text", "không phải văn bản mã hóa UTF-8"))
    except csv.Error as error:
        problems.append(Problem(name, None, f"is not valid CSV ({error})", f"không phải tệp CSV hợp lệ ({error})"))
    if problems:
        raise ReferenceDataError(problems)
    return Dhis2Mapping(name, data_elements, org_units)


def _parse_row(cells: list[str], header: list[str]) -> dict[str, str | None]:
    if len(cells) != len(header):
        raise InvalidCell((f"has {len(cells)} fields, the header has {len(header)}",
                           f"có {len(cells)} cột, dòng tiêu đề có {len(header)} cột"))
    texts = dict(zip(header, (cell.strip() for cell in cells), strict=True))
    row = {column.name: parse_cell(column, texts[column.name]) for column in COLUMNS}
    combos = [row["category_option_combo"], row["attribute_option_combo"]]
    if row["object_type"] == DATA_ELEMENT and None in combos:
        raise InvalidCell(("a data_element row needs category_option_combo and attribute_option_combo "
                           f"(DHIS2's default combo is {DEFAULT_COMBO_UID})",
                           "dòng data_element cần category_option_combo và attribute_option_combo "
                           f"(tổ hợp mặc định của DHIS2 là {DEFAULT_COMBO_UID})"))
    if row["object_type"] == ORG_UNIT and combos != [None, None]:
        raise InvalidCell(("an org_unit row has no category_option_combo or attribute_option_combo",
                           "dòng org_unit không có category_option_combo hay attribute_option_combo"))
    for column in _UID_COLUMNS:
        if row[column] is not None and not UID_PATTERN.fullmatch(row[column]):
            raise InvalidCell((f"column '{column}': '{row[column]}' is not a DHIS2 UID "
                               "(11 letters or digits, a letter first)",
                               f"cột '{column}': '{row[column]}' không phải mã UID của DHIS2 "
                               "(11 chữ cái hoặc chữ số, bắt đầu bằng chữ cái)"))
    return row


class _Seen:
    """A warehouse code maps once, and a DHIS2 target takes one code, or two codes would overwrite
    each other's values on import. DHIS2 UIDs are unique across object types, so a data element and
    an org unit sharing one is a copy-paste slip."""

    def __init__(self) -> None:
        self.codes: dict[tuple[str, str], int] = {}
        self.targets: dict[tuple[str, str, str], int] = {}
        self.uid_types: dict[str, tuple[str, int]] = {}

    @staticmethod
    def _keys(row: Mapping[str, str | None]) -> tuple[tuple[str, str], tuple[str, str, str]]:
        target = (row["dhis2_uid"], row["category_option_combo"] or "", row["attribute_option_combo"] or "")
        return (row["object_type"], row["warehouse_code"]), target

    def check(self, row: Mapping[str, str | None]) -> None:
        code, target = self._keys(row)
        if code in self.codes:
            raise InvalidCell((f"{code[0]} '{code[1]}' is mapped twice, first on line {self.codes[code]}",
                               f"{code[0]} '{code[1]}' được ánh xạ hai lần, lần đầu ở dòng {self.codes[code]}"))
        if target in self.targets:
            shown = "/".join(uid for uid in target if uid)
            raise InvalidCell((f"DHIS2 target {shown} is already used on line {self.targets[target]}",
                               f"đích DHIS2 {shown} đã được dùng ở dòng {self.targets[target]}"))
        object_type, line = self.uid_types.get(row["dhis2_uid"], (row["object_type"], 0))
        if object_type != row["object_type"]:
            raise InvalidCell((f"UID '{row['dhis2_uid']}' already names a {object_type} on line {line}",
                               f"UID '{row['dhis2_uid']}' đã là mã của {object_type} ở dòng {line}"))

    def add(self, row: Mapping[str, str | None], line: int) -> None:
        code, target = self._keys(row)
        self.codes[code] = self.targets[target] = line
        self.uid_types.setdefault(row["dhis2_uid"], (row["object_type"], line))


def check_codes(mapping: Dhis2Mapping, indicator_kinds: Mapping[str, str], unit_codes: set[str]) -> list[Problem]:
    """Against the publication's own dimensions. A derived indicator (a rate) is a DHIS2 *indicator*,
    computed by DHIS2 from data elements; importing it as a data value would be summed like a count:
    raises ReferenceDataError listing every such row. A code the warehouse does not know (a typo, or
    a unit another province's mapping covers) is returned with its line, for the export's metadata:
    it blocks no publication, and the unit or indicator it may have meant shows in unmapped.csv."""
    problems, unknown = [], []
    for code, target in mapping.data_elements.items():
        kind = indicator_kinds.get(code)
        if kind is None:
            unknown.append(Problem(mapping.file_name, target.line, f"unknown indicator code '{code}'",
                                   f"mã chỉ số '{code}' không có trong kho"))
        elif kind == "derived":
            problems.append(Problem(
                mapping.file_name, target.line,
                f"'{code}' is a derived indicator: DHIS2 computes it from data elements; map its numerator "
                "and denominator instead",
                f"'{code}' là chỉ số tính toán: DHIS2 tự tính từ các phần tử dữ liệu; hãy ánh xạ tử số và mẫu số"))
    unknown += [Problem(mapping.file_name, target.line, f"unknown org unit code '{code}'",
                        f"mã đơn vị '{code}' không có trong kho")
                for code, target in mapping.org_units.items() if code not in unit_codes]
    if problems:
        raise ReferenceDataError(sorted(problems, key=lambda problem: problem.line or 0))
    return sorted(unknown, key=lambda problem: problem.line or 0)
