"""Cell text helpers shared by the readers and the parser.

Units type labels with or without diacritics, in any case, with stray spaces, so every label and
header comparison goes through `fold`. Cell references are A1 notation because that is what a
unit sees in Excel when told which cell to fix.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, time, timedelta

from orchestration.lib.text import fold

Cell = str | int | float | bool | date | datetime | time | timedelta | None


def cell_text(value: Cell) -> str | None:
    """A cell as the unit would read it; Excel stores typed integers as floats, so 202503.0 reads
    back as '202503' instead of a string nobody typed."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    text = unicodedata.normalize("NFC", str(value)).strip()
    return text or None


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
