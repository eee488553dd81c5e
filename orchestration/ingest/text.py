"""Cell text helpers for the submission parser.

Units type labels with or without diacritics, in any case, with stray spaces, so every label and
header comparison goes through `fold`.
"""

from __future__ import annotations

import functools
import unicodedata
from datetime import date, datetime, time

from orchestration.lib.text import fold
from orchestration.lib.workbook.reader import Cell

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
