"""From sheets of cells to what a unit declared: who, which period, and one row per indicator.

The layout is the one the submission contract describes, but filled in by hand: labels typed with
or without diacritics, values after a colon or in a cell further right, titles and merged cells
above the table, section rows and a signature block around it. A workbook may hold several
tables (a section per sheet, or one under another): each is read from its own header row, and
its value area may be split into a total and disaggregation columns (`table_columns`). The
parser only reads; whether the codes exist and the values make sense is `identity_checks`' job.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from orchestration.ingest.numbers import FORMULA_WITHOUT_VALUE, ParsedNumber, is_not_applicable, parse_number
from orchestration.ingest.table_columns import TableColumns, table_columns
from orchestration.ingest.text import cell_text, label_key
from orchestration.lib.disaggregations import OptionHeaders
from orchestration.lib.workbook.locations import cell_ref
from orchestration.lib.workbook.reader import Sheet
from orchestration.lib.workbook.rejections import FileRejection, reject
from orchestration.lib.workbook.table_headers import CODE_HEADERS, NOTE_HEADERS, VALUE_HEADERS

# Folded label -> identity field. Several spellings seen on provincial templates.
IDENTITY_LABELS = {
    "ma don vi": "unit_code",
    "ma don vi bao cao": "unit_code",
    "ky bao cao": "period",
    "ten don vi": "unit_name",
    "ten don vi bao cao": "unit_name",
    "ngay bao cao": "report_date",
    "nguoi lap bieu": "preparer",
    "nguoi lap bao cao": "preparer",
}
NO_OPTIONS = OptionHeaders({})
AREA_HEADERS = frozenset({"ma dia ban"})

# Indicator and area codes are ASCII identifiers; text that is not one is a title or signature line.
_CODE_SHAPE = re.compile(r"[A-Z0-9][A-Z0-9_.\-]*")


@dataclass(frozen=True)
class IdentityField:
    value: str
    sheet_name: str
    cell_ref: str


class SubmittedPart(NamedTuple):
    """A disaggregation cell of an indicator row: one option of a dimension (Nữ, Dưới 15 tuổi)."""

    dimension_code: str
    option_code: str
    number: ParsedNumber
    cell_ref: str


@dataclass(frozen=True)
class UnknownColumn:
    """A column under a table holding something that is neither a label nor a figure we know."""

    sheet_name: str
    header: str  # as written, '' when the column has no header
    cell_refs: tuple[str, ...]  # its non-empty cells on indicator rows


class SubmittedRow(NamedTuple):
    """A NamedTuple, not a frozen dataclass: one is made per table row, at half the cost."""

    indicator_code: str  # upper-cased, trimmed
    area_code: str | None  # from a `Mã địa bàn` column, for area-level sources
    number: ParsedNumber
    sheet_name: str
    cell_ref: str  # the value cell
    area_cell_ref: str | None = None
    parts: tuple[SubmittedPart, ...] = ()  # the row's disaggregation cells that hold something
    note: str | None = None  # the row's Ghi chú: a unit's reason for a figure, or 'x' (not applicable)


@dataclass(frozen=True)
class ParsedSubmission:
    unit_code: IdentityField  # value upper-cased
    period: IdentityField  # as typed; `periods.parse_period` decides whether it is one
    unit_name: IdentityField | None
    report_date: IdentityField | None
    preparer: IdentityField | None
    table_sheet: str
    rows: tuple[SubmittedRow, ...]
    # 'Mã đơn vị' cells elsewhere in the workbook naming another unit than `unit_code`: a second
    # identity block, pasted from another unit's report. Whose figures these are cannot be told.
    other_unit_codes: tuple[IdentityField, ...] = ()
    unknown_columns: tuple[UnknownColumn, ...] = ()


@dataclass(frozen=True)
class TableHeader:
    sheet_index: int
    row: int
    code_column: int
    value_column: int
    area_column: int | None
    note_column: int | None = None


def parse_submission(
    sheets: tuple[Sheet, ...], file_name: str, options: OptionHeaders = NO_OPTIONS
) -> ParsedSubmission | FileRejection:
    """`options`: the disaggregation headers of the catalogue (`Registry.disaggregation_headers`)."""
    headers = find_headers(sheets)
    header = headers[0] if headers else None
    first = sheets[0]
    identity = declared_identity(sheets, header)
    if "unit_code" not in identity and "period" not in identity:
        return reject(
            "ING_NO_IDENTITY", file_name,
            "không tìm thấy (hoặc chưa điền) 'Mã đơn vị' và 'Kỳ báo cáo' ở các dòng đầu của trang đầu tiên.",
            "'Mã đơn vị' (unit code) and 'Kỳ báo cáo' (period) are missing or empty in the first rows "
            "of the first sheet.",
            "dùng đúng biểu mẫu: ghi 'Mã đơn vị: <mã>' và 'Kỳ báo cáo: <kỳ>' ở đầu trang đầu tiên.",
            "use the template: write 'Mã đơn vị: <code>' and 'Kỳ báo cáo: <period>' at the top of the first sheet.",
            sheet_name=first.name,
        )
    if "unit_code" not in identity:
        return reject(
            "ING_NO_UNIT_CODE", file_name,
            "thiếu mã đơn vị.", "the unit code is missing.",
            "ghi 'Mã đơn vị: <mã>' (ví dụ QN-BVDKT) ở đầu trang đầu tiên.",
            "write 'Mã đơn vị: <code>' (e.g. QN-BVDKT) at the top of the first sheet.",
            sheet_name=first.name,
        )
    if "period" not in identity:
        return reject(
            "ING_NO_PERIOD", file_name,
            "thiếu kỳ báo cáo.", "the reporting period is missing.",
            "ghi 'Kỳ báo cáo: Tháng 3/2025' (hoặc Quý I/2025, Năm 2025) ở đầu trang đầu tiên.",
            "write 'Kỳ báo cáo: Tháng 3/2025' (or Quý I/2025, Năm 2025) at the top of the first sheet.",
            sheet_name=first.name,
        )
    if header is None:
        return reject(
            "ING_NO_TABLE", file_name,
            "không tìm thấy bảng chỉ số: cần một dòng tiêu đề có cột 'Mã chỉ số' và cột 'Giá trị' "
            "(hoặc 'Số liệu', 'Kết quả').",
            "no indicator table: a header row with a 'Mã chỉ số' column and a 'Giá trị' "
            "(or 'Số liệu', 'Kết quả') column is needed.",
            "dùng đúng biểu mẫu, không đổi tên hay xóa các cột tiêu đề.",
            "use the template and do not rename or delete the header columns.",
        )
    table = sheets[header.sheet_index]
    rows: list[SubmittedRow] = []
    unknown: list[UnknownColumn] = []
    for index, table_header in enumerate(headers):
        following = headers[index + 1] if index + 1 < len(headers) else None
        end = following.row if following is not None and following.sheet_index == table_header.sheet_index else None
        table_rows, table_unknown = read_table(sheets[table_header.sheet_index], table_header, options, end)
        rows += table_rows
        unknown += table_unknown
    return ParsedSubmission(
        unit_code=identity["unit_code"],
        period=identity["period"],
        unit_name=identity.get("unit_name"),
        report_date=identity.get("report_date"),
        preparer=identity.get("preparer"),
        table_sheet=table.name,
        rows=tuple(rows),
        other_unit_codes=other_unit_codes(sheets, identity["unit_code"]),
        unknown_columns=tuple(unknown),
    )


def declared_identity(sheets: tuple[Sheet, ...], header: TableHeader | None) -> dict[str, IdentityField]:
    """Identity fields found on the first sheet, above the table when the table is on it (the
    signature block below also says `Người lập biểu`). A first sheet without any identity label
    is an extra one (instructions put in front), so the table's own sheet is read instead, above
    its header. Unit codes are compared upper-case."""
    first = sheets[0]
    row_limit = header.row if header is not None and header.sheet_index == 0 else len(first.rows)
    found = read_identity(first, row_limit)
    if not found and header is not None and header.sheet_index > 0:
        found = read_identity(sheets[header.sheet_index], header.row)
    if "unit_code" in found:
        code = found["unit_code"]
        found["unit_code"] = IdentityField(code.value.upper(), code.sheet_name, code.cell_ref)
    return found


def read_identity(sheet: Sheet, row_limit: int) -> dict[str, IdentityField]:
    """First occurrence of each label wins; its value is after the colon or in the next
    non-empty cell to the right, unless that cell is itself a label (value left blank)."""
    found: dict[str, IdentityField] = {}
    for field, value in _labelled_values(sheet, row_limit):
        found.setdefault(field, value)
    return found


def other_unit_codes(sheets: tuple[Sheet, ...], unit_code: IdentityField) -> tuple[IdentityField, ...]:
    """Every 'Mã đơn vị' anywhere in the workbook whose code differs from the one read."""
    return tuple(
        value
        for sheet in sheets
        for field, value in _labelled_values(sheet, len(sheet.rows))
        if field == "unit_code" and value.value.upper() != unit_code.value
    )


def _labelled_values(sheet: Sheet, row_limit: int) -> Iterator[tuple[str, IdentityField]]:
    for row_index in range(min(row_limit, len(sheet.rows))):
        row = sheet.rows[row_index]
        for column, value in enumerate(row):
            if type(value) is not str:  # labels are text; skipping the rest early is most of the speed
                continue
            label, _, after_colon = value.partition(":")
            field = IDENTITY_LABELS.get(label_key(label))
            if field is None:
                continue
            inline = cell_text(after_colon)
            if inline is not None:
                yield field, IdentityField(inline, sheet.name, cell_ref(row_index, column))
                continue
            right = _next_value_to_the_right(row, column)
            if right is not None:
                yield field, IdentityField(right[1], sheet.name, cell_ref(row_index, right[0]))


def find_header(sheets: tuple[Sheet, ...]) -> TableHeader | None:
    """The first table's header: its sheet holds the identity when the first sheet does not."""
    return next(_headers(sheets), None)


def find_headers(sheets: tuple[Sheet, ...]) -> list[TableHeader]:
    """Every table of the workbook, in sheet and row order."""
    return list(_headers(sheets))


def _headers(sheets: tuple[Sheet, ...]) -> Iterator[TableHeader]:
    """Rows naming both a code and a value column. With several value columns the leftmost is
    taken: templates put the reported figure (the total) first."""
    for sheet_index, sheet in enumerate(sheets):
        for row_index, row in enumerate(sheet.rows):
            folded = [label_key(v) if type(v) is str else "" for v in row]
            if CODE_HEADERS.isdisjoint(folded) or VALUE_HEADERS.isdisjoint(folded):
                continue  # the usual row, told in C without looking for columns
            code_column = _first_column(folded, CODE_HEADERS)
            value_column = _first_column(folded, VALUE_HEADERS)
            assert code_column is not None and value_column is not None
            yield TableHeader(sheet_index, row_index, code_column, value_column, _first_column(folded, AREA_HEADERS),
                              _first_column(folded, NOTE_HEADERS))


def read_table(
    sheet: Sheet, header: TableHeader, options: OptionHeaders, end: int | None = None
) -> tuple[list[SubmittedRow], list[UnknownColumn]]:
    """Rows with an indicator code, up to the next table's header (`end`). A code cell holding
    prose (section title, signature block) is skipped, unless a number sits in its value cell: a
    figure is never dropped without a finding. Cells of unknown columns on indicator rows are
    gathered per column, to be reported."""
    rows = []
    code_column, value_column, area_column = header.code_column, header.value_column, header.area_column
    known = frozenset(c for c in (code_column, value_column, area_column, header.note_column) if c is not None)
    columns = table_columns(sheet, header.row, known, options)
    unknown_cells: dict[int, list[str]] = {}
    for row_index in range(header.row + 1, len(sheet.rows) if end is None else end):
        row = sheet.rows[row_index]  # ragged: a row ends at its last filled cell
        code = cell_text(row[code_column]) if code_column < len(row) else None
        if code is None:
            continue
        code = code.upper()
        number = parse_number(row[value_column] if value_column < len(row) else None)
        if number.status == "not_reported" and cell_ref(row_index, value_column) in sheet.formulas_without_value:
            number = FORMULA_WITHOUT_VALUE
        if not _CODE_SHAPE.fullmatch(code) and number.status != "value":
            continue
        note_column = header.note_column
        note = cell_text(row[note_column]) if note_column is not None and note_column < len(row) else None
        if note is not None and number.status == "not_reported" and is_not_applicable(note):
            number = ParsedNumber("not_applicable", text=note)
        area = cell_text(row[area_column]) if area_column is not None and area_column < len(row) else None
        for column in range(len(row)):
            if column not in known and row[column] is not None and columns.is_unknown(column) \
                    and cell_text(row[column]) is not None:
                unknown_cells.setdefault(column, []).append(cell_ref(row_index, column))
        rows.append(
            SubmittedRow(
                indicator_code=code,
                area_code=area.upper() if area else None,
                number=number,
                sheet_name=sheet.name,
                cell_ref=cell_ref(row_index, header.value_column),
                area_cell_ref=cell_ref(row_index, header.area_column) if area else None,
                parts=_parts(sheet, row, row_index, columns),
                note=note,
            )
        )
    unknown = [UnknownColumn(sheet.name, columns.headers.get(column, ""), tuple(cells))
               for column, cells in sorted(unknown_cells.items())]
    return rows, unknown


def _parts(sheet: Sheet, row: tuple, row_index: int, columns: TableColumns) -> tuple[SubmittedPart, ...]:
    """Disaggregation cells read with the same number rules as the total; empty ones are left out."""
    parts = []
    for column, (dimension_code, option_code) in columns.options.items():
        number = parse_number(row[column] if column < len(row) else None)
        if number.status == "not_reported" and cell_ref(row_index, column) in sheet.formulas_without_value:
            number = FORMULA_WITHOUT_VALUE
        if number.has_content:
            parts.append(SubmittedPart(dimension_code, option_code, number, cell_ref(row_index, column)))
    return tuple(parts)


def _next_value_to_the_right(row: tuple, column: int) -> tuple[int, str] | None:
    for right in range(column + 1, len(row)):
        text = cell_text(row[right])
        if text is None:
            continue
        if label_key(text.partition(":")[0]) in IDENTITY_LABELS:
            return None
        return right, text
    return None


def _first_column(folded: list[str], names: frozenset[str]) -> int | None:
    return next((column for column, text in enumerate(folded) if text in names), None)
