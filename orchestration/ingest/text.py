"""Cell text helpers shared by the readers and the parser.

Units type labels with or without diacritics, in any case, with stray spaces, so every label and
header comparison goes through `fold`. Cell references are A1 notation because that is what a
unit sees in Excel when told which cell to fix.
"""

from __future__ import annotations

import functools
import unicodedata
from datetime import date, datetime, time, timedelta

from orchestration.lib.text import fold

Cell = str | int | float | bool | date | datetime | time | timedelta | None

_LABEL_TRIM = " :*.()"
# Labels and headers are a few words; longer text (titles, indicator names) is never one.
_LONGEST_LABEL = 40


@functools.lru_cache(maxsize=1 << 14)
def label_key(text: str) -> str:
    """The form labels and headers are compared in: folded, without the `:`, `(*)` or `.` units
    add. Cached because the same labels and indicator names recur in every file of a province."""
    if len(text) > _LONGEST_LABEL:
        return ""
    return fold(text).strip(_LABEL_TRIM)


def cell_text(value: Cell) -> str | None:
    """A cell as the unit would read it; Excel stores typed integers as floats, so 202503.0 reads
    back as '202503' instead of a string nobody typed."""
    if value is None:
        return None
    if type(value) is str:  # the common case first: this runs for every cell above the table
        text = value.strip()
        return (text if text.isascii() else unicodedata.normalize("NFC", text)) or None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    text = unicodedata.normalize("NFC", str(value)).strip()
    return text or None


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
