"""The unit's own workbook sent back with every faulty cell highlighted and explained.

A statistician fixes a report fastest in the file they filled in, so an .xlsx is annotated as it
is; other formats are rebuilt as .xlsx from the same cell grid ingestion read, so every cell
reference in a message points at the same cell. Nothing from a submission may run as a formula
in the copy we send: a unit's text such as `=HYPERLINK(...)` or `+84...` is written as text, and
formulas are replaced by the values the unit saw.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook as XlsxWorkbook
from openpyxl.worksheet.worksheet import Worksheet

from orchestration.alerts.labels import size_label
from orchestration.alerts.model import FindingRow
from orchestration.alerts.note_column import add_note_column
from orchestration.lib.workbook.reader import Workbook, read_received_workbook

# Distinct from the template's pale-yellow input cells (FFF2CC), so a highlight always means a finding.
HIGHLIGHT_COLOURS = {"error": "FFFF7F7F", "warning": "FFFFC000"}
COMMENT_AUTHOR = "Sở Y tế - Kho dữ liệu y tế"
FORMULA_PREFIXES = ("=", "+", "-", "@")
_FORMULA_ELEMENT = re.compile(rb"<(?:\w+:)?f[ >/]")
_CELL_REF = re.compile(r"[A-Z]{1,3}[1-9]\d{0,6}")
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_FILE_NAME_UNSAFE = re.compile(r"[^\w.-]+")
_MAX_COMMENT_CHARS = 30_000  # Excel refuses comments longer than 32 767 characters
_SEVERITY_LABELS = {"error": ("LỖI", "ERROR"), "warning": ("CẢNH BÁO", "WARNING")}
# openpyxl reports a damaged package through whichever library tripped over it; XML parsers
# (ElementTree and lxml alike) raise subclasses of SyntaxError.
_OPENPYXL_READ_ERRORS = (
    InvalidFileException, zipfile.BadZipFile, KeyError, IndexError, AttributeError, ValueError, TypeError, OSError,
    SyntaxError,
)


@dataclass(frozen=True)
class AnnotatedWorkbook:
    file_name: str
    content: bytes
    marked_cells: tuple[tuple[str, str], ...]  # (sheet, cell) actually highlighted


@dataclass(frozen=True)
class NoAnnotation:
    reason_vi: str
    reason_en: str


def annotate_submission(
    source: bytes | None, file_name: str, findings: Sequence[FindingRow], max_source_bytes: int
) -> AnnotatedWorkbook | NoAnnotation:
    """`source`: the archived copy's bytes (None when there is none), read only to one byte past
    `max_source_bytes`; `file_name`: what the unit called it, which decides the format."""
    if source is None:
        return NoAnnotation("không tìm thấy bản lưu của tệp đã gửi.", "the archived copy of the file was not found.")
    if len(source) > max_source_bytes:
        limit = size_label(max_source_bytes)
        return NoAnnotation(
            f"tệp gửi lên lớn hơn {limit} nên không tạo bản đánh dấu.",
            f"the submitted file is larger than {limit}, so no annotated copy was made.",
        )
    opened = _open_as_xlsx(source, file_name)
    if opened is None:
        return NoAnnotation(
            "tệp không mở được nên không tạo được bản đánh dấu; xem danh sách lỗi trong thư.",
            "the file cannot be opened, so no annotated copy was made; see the list in this e-mail.",
        )
    workbook, sheets_by_name = opened
    try:
        marked = _mark(sheets_by_name, findings)
        for worksheet in workbook.worksheets:
            add_note_column(worksheet)
        neutralise_formulas(workbook)
        buffer = io.BytesIO()
        workbook.save(buffer)
    # The annotated copy is a courtesy written by a third-party library: whatever it trips over in a
    # unit's workbook must cost the unit only the copy, never the feedback e-mail itself.
    except Exception as error:  # noqa: BLE001
        return NoAnnotation(
            f"không ghi lại được tệp thành bản đánh dấu ({type(error).__name__}: {error}); "
            "xem danh sách lỗi trong thư.",
            f"the file could not be rewritten as an annotated copy ({type(error).__name__}: {error}); "
            "see the list in this e-mail.",
        )
    return AnnotatedWorkbook(annotated_file_name(file_name), buffer.getvalue(), marked)


def annotated_file_name(file_name: str) -> str:
    stem = _FILE_NAME_UNSAFE.sub("_", Path(file_name).stem).strip("._")[:80] or "bao_cao"
    return f"{stem}_phan_hoi.xlsx"


def neutralise_formulas(workbook: XlsxWorkbook) -> None:
    """Every string that a spreadsheet could take for a formula is stored as plain text."""
    for worksheet in workbook.worksheets:
        # Stored cells only: iter_rows() would create every cell of the used rectangle, which a stray
        # format on XFD1048576 turns into billions. openpyxl has no public view of stored cells.
        for cell in worksheet._cells.values():
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_PREFIXES):
                cell.data_type = "s"


def _open_as_xlsx(source: bytes, file_name: str) -> tuple[XlsxWorkbook, dict[str, Worksheet]] | None:
    if Path(file_name).suffix.lower() in (".xlsx", ".xlsm"):
        try:
            workbook = _values_instead_of_formulas(source)
            # A Strict Open XML workbook opens in openpyxl without a single sheet (it knows only the
            # transitional namespaces); calamine reads it, so it is rebuilt like the packages below.
            if workbook.worksheets:
                return workbook, {sheet.title: sheet for sheet in workbook.worksheets}
        except _OPENPYXL_READ_ERRORS:
            pass  # some producers write packages only calamine reads; rebuild from its grid instead
    grid = read_received_workbook(file_name, len(source), source)
    if not isinstance(grid, Workbook):
        return None
    return _rebuild(grid)


def _values_instead_of_formulas(source: bytes) -> XlsxWorkbook:
    """The cached values the unit saw; a formula never computed (no cached value) becomes its text.
    The formulas are read in a second pass only when a worksheet holds one: most units type their
    numbers, and loading every workbook twice was most of the feedback step's time."""
    values = openpyxl.load_workbook(io.BytesIO(source), data_only=True)
    if not _has_formulas(source):
        return values
    formulas = openpyxl.load_workbook(io.BytesIO(source), read_only=True)
    try:
        for formula_sheet in formulas.worksheets:
            value_sheet = values[formula_sheet.title]
            for row in formula_sheet.iter_rows():
                for cell in row:
                    if getattr(cell, "data_type", None) != "f":
                        continue
                    target = value_sheet.cell(cell.row, cell.column)
                    if target.value is None and not isinstance(target, MergedCell):
                        target.value = getattr(cell.value, "text", None) or str(cell.value)
    finally:
        formulas.close()
    return values


def _has_formulas(source: bytes) -> bool:
    """Whether any worksheet part holds a formula element (`<f>`, `<f t="shared" ...>`, any prefix)."""
    with zipfile.ZipFile(io.BytesIO(source)) as package:
        return any(_FORMULA_ELEMENT.search(package.read(name)) for name in package.namelist()
                   if name.startswith("xl/worksheets/") and name.endswith(".xml"))


def _rebuild(grid: Workbook) -> tuple[XlsxWorkbook, dict[str, Worksheet]]:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    sheets_by_name: dict[str, Worksheet] = {}
    for sheet in grid.sheets:
        worksheet = workbook.create_sheet(_sheet_title(sheet.name, set(workbook.sheetnames)))
        sheets_by_name[sheet.name] = worksheet
        for row_index, row in enumerate(sheet.rows, start=1):
            for column_index, value in enumerate(row, start=1):
                if value is not None:
                    if isinstance(value, str):
                        value = ILLEGAL_CHARACTERS_RE.sub("", value)
                    worksheet.cell(row_index, column_index, value)
    return workbook, sheets_by_name


def _sheet_title(name: str, taken: set[str]) -> str:
    """Excel caps sheet names at 31 characters and forbids some; a CSV's name may break both rules."""
    base = _SHEET_TITLE_FORBIDDEN.sub("_", name).strip("'")[:31] or "Sheet"
    title, counter = base, 1
    while title in taken:
        counter += 1
        title = f"{base[:28]}~{counter}"
    return title


def _mark(sheets_by_name: dict[str, Worksheet], findings: Sequence[FindingRow]) -> tuple[tuple[str, str], ...]:
    by_cell: dict[tuple[str, str], list[FindingRow]] = defaultdict(list)
    for finding in findings:
        reference = (finding.cell_ref or "").replace("$", "").upper()
        if finding.sheet_name in sheets_by_name and _CELL_REF.fullmatch(reference):
            by_cell[(finding.sheet_name, reference)].append(finding)
    marked = []
    for (sheet_name, reference), cell_findings in by_cell.items():
        worksheet = sheets_by_name[sheet_name]
        cell = _anchor(worksheet, reference)
        severity = "error" if any(f.severity == "error" for f in cell_findings) else "warning"
        cell.fill = PatternFill("solid", fgColor=HIGHLIGHT_COLOURS[severity])
        cell.comment = _comment(cell_findings, cell.comment)
        marked.append((sheet_name, cell.coordinate))
    return tuple(sorted(marked))


def _anchor(worksheet: Worksheet, reference: str) -> Cell:
    """A merged area shows (and holds) only its top-left cell, so that is the one to mark."""
    cell = worksheet[reference]
    if isinstance(cell, MergedCell):
        for merged in worksheet.merged_cells.ranges:
            if reference in merged:
                return worksheet.cell(merged.min_row, merged.min_col)
    return cell


def _comment(findings: list[FindingRow], existing: Comment | None) -> Comment:
    parts = []
    for finding in findings:
        label_vi, label_en = _SEVERITY_LABELS.get(finding.severity, _SEVERITY_LABELS["error"])
        parts.append(f"[{label_vi}] {finding.message_vi}\n[{label_en}] {finding.message_en}")
    if existing is not None and existing.text:
        parts.append(f"Ghi chú gốc / Original comment: {existing.text}")
    text = ILLEGAL_CHARACTERS_RE.sub("", "\n\n".join(parts))[:_MAX_COMMENT_CHARS]
    lines = sum(1 + len(line) // 60 for line in text.splitlines())
    return Comment(text, COMMENT_AUTHOR, width=420, height=min(600, 20 + 15 * lines))
