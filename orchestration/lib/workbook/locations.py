"""How a message names a place in a workbook, in Vietnamese and English.

Cell references are A1 notation because that is what a unit sees in Excel when told which cell to
fix. Intake's findings, the file rejections and the quality rules' findings all start with the
same "File 'x', sheet 'y', cell z", so a unit reads one wording whichever step found the problem.
"""

from __future__ import annotations

import functools


@functools.lru_cache(maxsize=1024)
def column_letters(column: int) -> str:
    """Zero-based column index to Excel letters (0 -> A, 26 -> AA)."""
    letters = ""
    number = column + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def cell_ref(row: int, column: int) -> str:
    """Zero-based row/column to A1 notation."""
    return f"{column_letters(column)}{row + 1}"


def where_vi(file_name: str, sheet_name: str | None = None, cell_ref: str | None = None) -> str:
    parts = [f"Tệp '{file_name}'"]
    if sheet_name is not None:
        parts.append(f"trang '{sheet_name}'")
    if cell_ref is not None:
        parts.append(f"ô {cell_ref}")
    return ", ".join(parts)


def where_en(file_name: str, sheet_name: str | None = None, cell_ref: str | None = None) -> str:
    parts = [f"File '{file_name}'"]
    if sheet_name is not None:
        parts.append(f"sheet '{sheet_name}'")
    if cell_ref is not None:
        parts.append(f"cell {cell_ref}")
    return ", ".join(parts)
