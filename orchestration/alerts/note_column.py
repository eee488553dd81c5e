"""A Ghi chú column beside the values in the copy sent back, so a unit can explain a figure.

Every warning asks the unit to confirm a right figure with a reason in Ghi chú, and intake reads
that column on the next file; a layout without one would leave the unit no place to write it. The
column goes right of the value column when that column is free, else after the last used column.
"""

from __future__ import annotations

from copy import copy

from openpyxl.worksheet.worksheet import Worksheet

from orchestration.lib.text import fold
from orchestration.lib.workbook.table_headers import CODE_HEADERS, NOTE_HEADER, NOTE_HEADERS, VALUE_HEADERS

_HEADER_SEARCH_ROWS = 60  # the table's header sits below a title and the identity block
_LABEL_TRIM = " :*.()"


def add_note_column(worksheet: Worksheet) -> int | None:
    """Column number of the Ghi chú header in the indicator table (existing or added), or None when
    the sheet holds no indicator table."""
    header = _header(worksheet)
    if header is None:
        return None
    row, labels = header
    notes = [column for column, label in labels.items() if label in NOTE_HEADERS]
    if notes:
        return notes[0]
    value_column = min(column for column, label in labels.items() if label in VALUE_HEADERS)
    column = value_column + 1 if _free(worksheet, value_column + 1, row) else worksheet.max_column + 1
    cell = worksheet.cell(row, column, NOTE_HEADER)
    source = worksheet.cell(row, value_column)
    cell.font, cell.border, cell.alignment, cell.fill = (copy(source.font), copy(source.border),
                                                         copy(source.alignment), copy(source.fill))
    worksheet.column_dimensions[cell.column_letter].width = 30
    return column


def _header(worksheet: Worksheet) -> tuple[int, dict[int, str]] | None:
    for row in worksheet.iter_rows(min_row=1, max_row=min(worksheet.max_row, _HEADER_SEARCH_ROWS)):
        labels = {cell.column: fold(cell.value).strip(_LABEL_TRIM) for cell in row if isinstance(cell.value, str)}
        found = set(labels.values())
        if found & CODE_HEADERS and found & VALUE_HEADERS:
            return row[0].row, labels
    return None


def _free(worksheet: Worksheet, column: int, header_row: int) -> bool:
    """Nothing in the column from the header down (stored cells only, as annotate reads them)."""
    return not any(
        cell.value is not None
        for (row, col), cell in worksheet._cells.items()
        if col == column and row >= header_row
    )
