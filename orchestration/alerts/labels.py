"""How periods, dates and severities read in Vietnamese and English messages."""

from __future__ import annotations

from datetime import date

from orchestration.lib.periods import PeriodError, period_from_code
from orchestration.templates.blank_workbooks import period_label_vi

_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December")
SEVERITY_VI = {"error": "Lỗi", "warning": "Cảnh báo"}
SEVERITY_EN = {"error": "Error", "warning": "Warning"}


def period_labels(code: str | None) -> tuple[str, str]:
    """A code the warehouse did not write (or none at all) is shown as it is rather than guessed."""
    if not code:
        return ("kỳ chưa xác định", "unknown period")
    try:
        period = period_from_code(code)
    except PeriodError:
        return (code, code)
    return (period_label_vi(period), _period_label_en(period.period_type, period.start.month, period.year))


def _period_label_en(period_type: str, first_month: int, year: int) -> str:
    if period_type == "month":
        return f"{_MONTHS_EN[first_month - 1]} {year}"
    if period_type == "quarter":
        return f"Q{(first_month - 1) // 3 + 1} {year}"
    if period_type == "half_year":
        return f"{'First' if first_month == 1 else 'Second'} half of {year}"
    if period_type == "nine_months":
        return f"January–September {year}"
    return f"Year {year}"


def day_vi(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def day_en(day: date) -> str:
    return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"


def joined_periods(codes: list[str | None]) -> tuple[str, str]:
    """Distinct periods in order of first mention, Vietnamese and English; a subject names three at most."""
    labels = list(dict.fromkeys(period_labels(code) for code in codes))
    more = " …" if len(labels) > 3 else ""
    return (", ".join(vi for vi, _ in labels[:3]) + more, ", ".join(en for _, en in labels[:3]) + more)


def size_label(size_bytes: int) -> str:
    """Decimal units, as mail programs show attachment sizes."""
    if size_bytes >= 1_000_000:
        return f"{size_bytes / 1_000_000:g} MB"
    return f"{max(1, size_bytes // 1_000)} KB"
