"""How periods, dates and severities read in Vietnamese and English messages."""

from __future__ import annotations

from datetime import date

from orchestration.lib.periods import PeriodError, period_from_code, period_label

_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December")
SEVERITY_VI = {"error": "Lỗi", "warning": "Cảnh báo"}
SEVERITY_EN = {"error": "Error", "warning": "Warning"}


def period_labels(code: str | None) -> tuple[str, str]:
    """The wording of dim_periods (`lib/periods.py`); a code the warehouse did not write (or none at
    all) is shown as it is rather than guessed."""
    if not code:
        return ("kỳ chưa xác định", "unknown period")
    try:
        period = period_from_code(code)
    except PeriodError:
        return (code, code)
    return period_label(period)


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
