"""Reporting periods: the DHIS2-style codes the warehouse stores and the ways units type them.

Units write the period by hand (`Tháng 3/2025`, `Quý I/2025`, `6 tháng đầu năm 2025` ...), so the
parser folds case, diacritics and spacing before matching, and refuses anything it cannot map to
exactly one period: a wrong period would silently land a value in the wrong month.
"""

from __future__ import annotations

import calendar
import csv
import functools
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable, Literal

from orchestration.lib.settings import REPO_ROOT
from orchestration.lib.text import fold

PeriodType = Literal["month", "quarter", "half_year", "nine_months", "year"]

# Outside these years a typed period is a typo (`Tháng 3/2205`), not a report.
MIN_YEAR = 2000
MAX_YEAR = 2099

# The warehouse's own wording, shipped with the code rather than kept with a province's registry.
PERIOD_LABELS_CSV = REPO_ROOT / "sources" / "reference" / "period_labels.csv"

_FREQUENCY_OF_TYPE = {"month": "monthly", "quarter": "quarterly", "year": "yearly"}
_ROMAN_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


class PeriodError(ValueError):
    """A period text that names no real period; carries both languages for the unit's feedback."""

    def __init__(self, text: str, message_vi: str, message_en: str) -> None:
        super().__init__(f"{message_vi} / {message_en}")
        self.text = text
        self.message_vi = message_vi
        self.message_en = message_en


@dataclass(frozen=True)
class Period:
    code: str
    period_type: PeriodType
    start: date
    end: date  # inclusive
    year: int

    @property
    def frequency(self) -> str | None:
        return frequency_of(self.period_type)


def frequency_of(period_type: str) -> str | None:
    """The obligation frequency a period type satisfies; cumulative periods (half year, nine months)
    satisfy none because no obligation asks for them."""
    return _FREQUENCY_OF_TYPE.get(period_type)


def month_period(year: int, month: int) -> Period:
    _check_year(year, f"{month}/{year}")
    if not 1 <= month <= 12:
        raise PeriodError(
            f"{month}/{year}",
            f"Tháng {month} không tồn tại (chỉ có tháng 1 đến 12).",
            f"Month {month} does not exist (months are 1 to 12).",
        )
    last_day = calendar.monthrange(year, month)[1]
    return Period(f"{year}{month:02d}", "month", date(year, month, 1), date(year, month, last_day), year)


def quarter_period(year: int, quarter: int) -> Period:
    _check_year(year, f"Q{quarter}/{year}")
    if not 1 <= quarter <= 4:
        raise PeriodError(
            f"Q{quarter}/{year}",
            f"Quý {quarter} không tồn tại (chỉ có quý I đến IV).",
            f"Quarter {quarter} does not exist (quarters are I to IV).",
        )
    first_month = 3 * quarter - 2
    return _span(f"{year}Q{quarter}", "quarter", year, first_month, first_month + 2)


def half_year_period(year: int, half: int) -> Period:
    _check_year(year, f"S{half}/{year}")
    if half not in (1, 2):
        raise PeriodError(
            f"S{half}/{year}",
            f"Nửa năm {half} không tồn tại (chỉ có 6 tháng đầu năm và 6 tháng cuối năm).",
            f"Half year {half} does not exist (only the first and the second half).",
        )
    return _span(f"{year}S{half}", "half_year", year, 6 * half - 5, 6 * half)


def nine_months_period(year: int) -> Period:
    _check_year(year, f"N9/{year}")
    return _span(f"{year}N9", "nine_months", year, 1, 9)


def year_period(year: int) -> Period:
    _check_year(year, str(year))
    return _span(str(year), "year", year, 1, 12)


def number_in_year(period: Period) -> int:
    """Which month, quarter or half of its year a period is; 1 for nine months and the year."""
    months = period.end.month - period.start.month + 1
    return 1 if period.period_type in ("nine_months", "year") else (period.start.month - 1) // months + 1


def months_in(period: Period) -> tuple[Period, ...]:
    """The months a period covers, in order: completeness is counted in months present."""
    return tuple(month_period(period.year, m) for m in range(period.start.month, period.end.month + 1))


_Builder = Callable[..., Period]

# The period-code grammar, written once: after the four-digit year, the marker of each period type
# and the numbers it can carry (202503, 2025Q1, 2025S1, 2025N9, 2025). The builder range-checks.
_CODE_GRAMMAR: tuple[tuple[str, str, _Builder], ...] = (
    ("", r"\d{2}", lambda y, m: month_period(int(y), int(m))),
    ("Q", r"[1-4]", lambda y, q: quarter_period(int(y), int(q))),
    ("S", r"[12]", lambda y, s: half_year_period(int(y), int(s))),
    ("N9", "", lambda y: nine_months_period(int(y))),
    ("", "", lambda y: year_period(int(y))),
)

# Every canonical code and nothing else: the GX suites check period columns with it, and dbt's
# `period_code_pattern()` macro (dbt_project/macros/period_codes.sql) is pinned to it by a test.
# Non-capturing group: GX runs pandas `str.contains`, which warns on every call about capture groups.
PERIOD_CODE_PATTERN = r"^\d{4}(?:" + "|".join(marker + numbers for marker, numbers, _ in _CODE_GRAMMAR if marker + numbers) + r")?$"


def _any_digit(numbers: str) -> str:
    """`[1-4]` -> `\\d`: codes are read with any digit where a number goes, so that 2025Q5 is told
    "quarter 5 does not exist" rather than "not a period code"."""
    return re.sub(r"\[[^]]*\]", r"\\d", numbers)


_CODE_PATTERNS: tuple[tuple[re.Pattern[str], _Builder], ...] = tuple(
    (re.compile(r"(\d{4})" + marker + (f"({_any_digit(numbers)})" if numbers else "")), build)
    for marker, numbers, build in _CODE_GRAMMAR
)

_SEPARATOR = r"\s*(?:/|-|\.|\s+nam\s+|\s)\s*"
_TYPED_PATTERNS: tuple[tuple[re.Pattern[str], _Builder], ...] = (
    (re.compile(rf"(?:thang|t)\s*(\d{{1,2}}){_SEPARATOR}(\d{{4}})"), lambda m, y: month_period(int(y), int(m))),
    (re.compile(rf"quy\s*([ivx]+|\d+){_SEPARATOR}(\d{{4}})"), lambda q, y: quarter_period(int(y), _quarter_number(q))),
    (re.compile(r"6 thang dau nam\s*(\d{4})"), lambda y: half_year_period(int(y), 1)),
    (re.compile(r"6 thang cuoi nam\s*(\d{4})"), lambda y: half_year_period(int(y), 2)),
    (re.compile(r"9 thang(?: dau)? nam\s*(\d{4})"), lambda y: nine_months_period(int(y))),
    (re.compile(r"nam\s*(\d{4})"), lambda y: year_period(int(y))),
)


@functools.lru_cache(maxsize=1024)
def parse_period(text: str) -> Period:
    """Typed forms and codes alike; raises PeriodError rather than guessing. Cached: a province's
    files name a few dozen periods, typed the same few ways, thousands of times (errors are not
    cached, they are rare)."""
    folded = fold(text)
    compact = folded.replace(" ", "").upper()
    for pattern, build in _CODE_PATTERNS:
        match = pattern.fullmatch(compact)
        if match:
            return _build(build, match, text)
    for pattern, build in _TYPED_PATTERNS:
        match = pattern.fullmatch(folded)
        if match:
            return _build(build, match, text)
    raise PeriodError(
        text,
        f"'{text}' không khớp với cách ghi kỳ báo cáo nào đã biết.",
        f"'{text}' matches none of the accepted ways to write a period.",
    )


def period_from_code(code: str) -> Period:
    """Only the canonical codes the warehouse itself writes (`202503`, `2025Q1`, ...)."""
    for pattern, build in _CODE_PATTERNS:
        match = pattern.fullmatch(code)
        if match:
            return _build(build, match, code)
    raise PeriodError(
        code,
        f"'{code}' không phải là mã kỳ chuẩn (ví dụ 202503, 2025Q1, 2025S1, 2025N9, 2025).",
        f"'{code}' is not a canonical period code (e.g. 202503, 2025Q1, 2025S1, 2025N9, 2025).",
    )


def _build(build: _Builder, match: re.Match[str], text: str) -> Period:
    try:
        return build(*match.groups())
    except PeriodError as error:
        raise PeriodError(text, error.message_vi, error.message_en) from None


def _quarter_number(token: str) -> int:
    if token.isdigit():
        return int(token)
    if token in _ROMAN_QUARTERS:
        return _ROMAN_QUARTERS[token]
    raise PeriodError(
        token,
        f"Quý {token.upper()} không tồn tại (chỉ có quý I đến IV).",
        f"Quarter {token.upper()} does not exist (quarters are I to IV).",
    )


def _span(code: str, period_type: PeriodType, year: int, first_month: int, last_month: int) -> Period:
    last_day = calendar.monthrange(year, last_month)[1]
    return Period(code, period_type, date(year, first_month, 1), date(year, last_month, last_day), year)


def _check_year(year: int, text: str) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PeriodError(
            text,
            f"Năm {year} nằm ngoài khoảng {MIN_YEAR}–{MAX_YEAR}; có thể gõ nhầm.",
            f"Year {year} is outside {MIN_YEAR}–{MAX_YEAR}; probably a typo.",
        )



# The one wording of every period, in Vietnamese and English; dbt's int_periods reads the same file
# (loaded as raw.ref_period_labels), so the published dim_periods and every message agree.
PERIOD_LABELS_FILE = "period_labels.csv"
_LABEL_COLUMNS = ("period_type", "number_in_year", "label_vi_template", "label_en_template")
_NUMBERS_IN_YEAR = {"month": 12, "quarter": 4, "half_year": 2, "nine_months": 1, "year": 1}


@dataclass(frozen=True)
class PeriodLabel:
    period_type: str
    number_in_year: int
    label_vi_template: str  # with `{year}`: "Quý I/{year}"
    label_en_template: str


def period_label(period: Period) -> tuple[str, str]:
    """("Quý I/2025", "Q1 2025"): the Vietnamese label is one the period parser reads back."""
    label = period_labels(PERIOD_LABELS_CSV)[(period.period_type, number_in_year(period))]
    year = str(period.year)
    return label.label_vi_template.replace("{year}", year), label.label_en_template.replace("{year}", year)


@functools.cache
def period_labels(path: Path) -> dict[tuple[str, int], PeriodLabel]:
    """Read once: one row per period type and number in the year, every template naming `{year}`;
    anything else is refused with the file and line, since a missing row would fail a message later."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != _LABEL_COLUMNS:
            raise ValueError(f"{path}: tiêu đề phải là {','.join(_LABEL_COLUMNS)} / "
                             f"the header must be {','.join(_LABEL_COLUMNS)}")
        labels: dict[tuple[str, int], PeriodLabel] = {}
        for row in reader:
            key = (row["period_type"], int(row["number_in_year"]) if row["number_in_year"].isdigit() else 0)
            templates = (row["label_vi_template"], row["label_en_template"])
            if not 1 <= key[1] <= _NUMBERS_IN_YEAR.get(key[0], 0) or key in labels or any(
                "{year}" not in template for template in templates
            ):
                raise ValueError(f"{path}, dòng {reader.line_num}: kỳ không tồn tại, trùng, hoặc nhãn thiếu {{year}} / "
                                 f"line {reader.line_num}: unknown or repeated period, or a label without {{year}}")
            labels[key] = PeriodLabel(key[0], key[1], *templates)
    if len(labels) != sum(_NUMBERS_IN_YEAR.values()):
        raise ValueError(f"{path}: thiếu nhãn của một số kỳ / labels are missing for some periods")
    return labels
