"""Who owes which report, and whether today calls for a reminder, an overdue notice or the digest.

Pure functions of the registry, the submissions and a given `today`, so the calendar logic is
tested with a fixed clock around Tết. Only the running and the previous period of each frequency
are considered: older gaps were notified when they were recent, and going live must not flood
every unit with notices about years it never reported in this system.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from orchestration.alerts.model import RECEIVED_STATUSES, SubmissionRow
from orchestration.lib.periods import Period, month_period, quarter_period, year_period
from orchestration.lib.registry import OrgUnit, Registry
from orchestration.lib.working_days import WorkingCalendar, due_date


@dataclass(frozen=True)
class ExpectedReport:
    unit: OrgUnit
    period: Period
    due: date
    indicator_codes: tuple[str, ...]


@dataclass(frozen=True)
class Notice:
    kind: Literal["reminder", "overdue"]
    report: ExpectedReport
    working_days: int  # left until the deadline (reminder) or past it (overdue)


@dataclass(frozen=True)
class DigestLine:
    unit: OrgUnit
    period: Period
    due: date
    received_on: date | None
    working_days_late: int


@dataclass(frozen=True)
class Digest:
    today: date
    missing: tuple[DigestLine, ...]
    late: tuple[DigestLine, ...]
    open_errors: tuple[tuple[OrgUnit, str, int], ...]  # unit, period code, error count


def candidate_periods(today: date) -> tuple[Period, ...]:
    """The running and the previous month, quarter and year."""
    quarter = (today.month - 1) // 3 + 1
    previous_month = today.replace(day=1) - timedelta(days=1)
    previous_quarter_end = date(today.year, 3 * quarter - 2, 1) - timedelta(days=1)
    return (
        month_period(today.year, today.month),
        month_period(previous_month.year, previous_month.month),
        quarter_period(today.year, quarter),
        quarter_period(previous_quarter_end.year, (previous_quarter_end.month - 1) // 3 + 1),
        year_period(today.year),
        year_period(today.year - 1),
    )


def expected_reports(registry: Registry, periods: Iterable[Period]) -> list[ExpectedReport]:
    """A unit owes a period when it exists for the whole period and its type reports at that frequency."""
    expected = []
    for period in periods:
        for unit in sorted(registry.org_units.values(), key=lambda u: u.code):
            codes = tuple(
                o.indicator_code for o in registry.obligations_of(unit.unit_type) if o.frequency == period.frequency
            )
            if codes and unit.is_active_between(period.start, period.end):
                expected.append(ExpectedReport(unit, period, due_date(registry, unit.unit_type, period.end), codes))
    return expected


def received_dates(submissions: Iterable[SubmissionRow]) -> dict[tuple[str, str], date]:
    """First day a readable file arrived for each unit and period: that day decides timeliness."""
    received: dict[tuple[str, str], date] = {}
    for submission in submissions:
        if submission.status in RECEIVED_STATUSES and submission.org_unit_code and submission.period_code:
            key = (submission.org_unit_code, submission.period_code)
            day = submission.arrived_at.date()
            received[key] = min(day, received.get(key, day))
    return received


def due_notices(
    registry: Registry, today: date, received: Mapping[tuple[str, str], date], lead_working_days: int
) -> list[Notice]:
    """Sent on working days only: a reminder within `lead_working_days` of the deadline (deadline day
    included), an overdue notice once it has passed. The queue keeps each to one per unit and period."""
    calendar = WorkingCalendar(registry.holidays)
    if not calendar.is_working_day(today):
        return []
    notices = []
    for report in expected_reports(registry, candidate_periods(today)):
        if (report.unit.code, report.period.code) in received or report.period.end >= today:
            continue
        if today > report.due:
            notices.append(Notice("overdue", report, calendar.working_days_between(report.due, today)))
        elif (left := calendar.working_days_between(today, report.due)) <= lead_working_days:
            notices.append(Notice("reminder", report, left))
    return notices


def is_digest_day(registry: Registry, today: date) -> bool:
    """The first working day of the ISO week: Monday, unless a holiday moves it later."""
    calendar = WorkingCalendar(registry.holidays)
    monday = today - timedelta(days=today.weekday())
    earlier = (monday + timedelta(days=n) for n in range(today.weekday()))
    return calendar.is_working_day(today) and not any(calendar.is_working_day(day) for day in earlier)


def weekly_digest(
    registry: Registry,
    today: date,
    received: Mapping[tuple[str, str], date],
    open_errors: Mapping[tuple[str, str], int],
) -> Digest:
    """Missing and late reports for the periods whose deadline has passed, and every unit whose latest
    file still holds errors."""
    calendar = WorkingCalendar(registry.holidays)
    missing, late = [], []
    for report in expected_reports(registry, candidate_periods(today)):
        if report.due >= today:
            continue
        arrived = received.get((report.unit.code, report.period.code))
        if arrived is None:
            missing.append(DigestLine(report.unit, report.period, report.due, None,
                                      calendar.working_days_between(report.due, today)))
        elif arrived > report.due:
            late.append(DigestLine(report.unit, report.period, report.due, arrived,
                                   calendar.working_days_between(report.due, arrived)))
    errors = tuple(
        (registry.org_units[unit_code], period_code, count)
        for (unit_code, period_code), count in sorted(open_errors.items())
        if unit_code in registry.org_units and count > 0
    )
    return Digest(today, tuple(missing), tuple(late), errors)
