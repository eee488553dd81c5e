"""Reading a value cell written in Vietnamese number notation, without ever guessing.

Vietnamese writes `1.384.000` for 1384000 and `95,56` for 95.56, the opposite of English. A cell
typed as text therefore cannot go through `float()`. The rules, in order:

* Excel numbers pass through unchanged (finite ints/floats only).
* Empty, whitespace or only dashes (`-`, `—`, `–`) means the unit did not report the value.
* `x`/`X` or `không áp dụng` means the indicator does not apply to the unit (Vietnamese forms mark it so).
* Text is a number when it reads as one of:
  - digits, optionally grouped by `.` or by spaces in groups of exactly three
    (`1.384.000`, `1 384 000`), optionally followed by `,` and decimals (`1.234,5`);
  - an English decimal whose single `.` is NOT followed by exactly three digits (`95.5`).
  Ambiguity rule: a single `.` followed by exactly three digits is a thousands separator, as in
  Vietnamese (`29.789` is 29789), so `0.500` or `1234.567` (invalid groupings) are refused.
  A trailing `%` is dropped (`57,7%` is 57.7: indicators are stored in percent points) and
  remembered: `identity_checks` refuses it on a count, where `50%` is not 50 of anything.
* Digits are ASCII only. `١٢٣` (Arabic-Indic) or `０１２` (full-width) would pass `float()`, but
  they come from a keyboard or a converter that may have changed more than the digits, so they
  are refused with their own reason, like a formula that was saved without its computed value.
* Anything else (`chưa có số liệu`, `12a`, `1,2,3`, `1,384,000`, dates) is invalid: the cell is
  reported back to the unit instead of being loaded as a plausible but wrong figure.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, time, timedelta
from typing import Literal, NamedTuple

from orchestration.lib.workbook.reader import Cell

NumberStatus = Literal["value", "not_reported", "not_applicable", "invalid"]
# Why a cell needs its own finding: a percent sign (on a "value"), or why it is "invalid".
NumberProblem = Literal["percent_sign", "non_ascii_digits", "formula_without_value"]

_SPACES = "\u00a0\u202f\u2007 \t"
_DASHES = frozenset("-\u2014\u2013\u2012\u2212")
_GROUPED_BY_DOTS = r"[1-9]\d{0,2}(?:\.\d{3})+"
_GROUPED_BY_SPACES = r"[1-9]\d{0,2}(?: \d{3})+"
# re.ASCII: `\d` would otherwise match every script's digits.
_VIETNAMESE = re.compile(
    rf"(?P<sign>[+-]?)(?P<integer>\d+|{_GROUPED_BY_DOTS}|{_GROUPED_BY_SPACES})(?:,(?P<decimals>\d+))?", re.ASCII
)
_ENGLISH_DECIMAL = re.compile(r"(?P<sign>[+-]?)(?P<integer>\d+)\.(?P<decimals>\d{1,2}|\d{4,})", re.ASCII)


class ParsedNumber(NamedTuple):
    """A NamedTuple, not a frozen dataclass: one is made per value cell, at half the cost."""

    status: NumberStatus
    value: float | None = None
    text: str | None = None  # the cell as typed, when it was text
    problem: NumberProblem | None = None

    @property
    def has_content(self) -> bool:
        """The unit put something in the cell that is meant as a figure (good or bad)."""
        return self.status in ("value", "invalid")


def parse_number(cell: Cell) -> ParsedNumber:
    if cell is None:
        return ParsedNumber("not_reported")
    if isinstance(cell, bool) or isinstance(cell, (date, datetime, time, timedelta)):
        # Excel turns `1.5` or `3/4` into dates and TRUE/FALSE are never figures: refuse, show the cell.
        return ParsedNumber("invalid", text=str(cell))
    if isinstance(cell, (int, float)):
        if math.isfinite(cell):
            return ParsedNumber("value", float(cell))
        return ParsedNumber("invalid", text=str(cell))
    return _parse_text(str(cell))


NOT_APPLICABLE = frozenset({"x", "không áp dụng", "khong ap dung"})


def is_not_applicable(text: str) -> bool:
    """What the template tells a unit to write, in the value cell or in Ghi chú, when an indicator
    does not apply to it."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split()) in NOT_APPLICABLE


def _parse_text(raw: str) -> ParsedNumber:
    text = _normalise_spaces(raw)
    if not text or set(text) <= _DASHES:
        return ParsedNumber("not_reported", text=raw)
    if is_not_applicable(text):
        return ParsedNumber("not_applicable", text=raw)
    if any(character.isdigit() and not character.isascii() for character in text):
        return ParsedNumber("invalid", text=raw, problem="non_ascii_digits")
    percent = text.endswith("%")
    if percent:
        text = text[:-1].rstrip()
    match = _VIETNAMESE.fullmatch(text) or _ENGLISH_DECIMAL.fullmatch(text)
    if match is None:
        return ParsedNumber("invalid", text=raw)
    integer = match["integer"].replace(".", "").replace(" ", "")
    decimals = f".{match['decimals']}" if match["decimals"] else ""
    value = float(f"{match['sign']}{integer}{decimals}")
    return ParsedNumber("value", value, text=raw, problem="percent_sign" if percent else None)


FORMULA_WITHOUT_VALUE = ParsedNumber("invalid", text="=?", problem="formula_without_value")


def _normalise_spaces(raw: str) -> str:
    """Trim every kind of space and make inner spaces plain, so `1 384 000` typed with non-breaking
    spaces (as Excel's Vietnamese number format produces) reads like the plain-space form."""
    text = raw.strip(_SPACES)
    for space in _SPACES:
        text = text.replace(space, " ")
    return text
