"""Whether today calls for a reminder, an overdue notice or the digest.

Which report is owed, when it is due and whether it is late or missing is decided in
`orchestration.lib.obligations`, the same classification the scorecard's report register uses.
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
from orchestration.lib.obligations import ExpectedReport, expected_reports, report_timeliness
from orchestration.lib.periods import Period, month_period, quarter_period, year_period
from orchestration.lib.registry import OrgUnit, Registry
from orchestration.lib.working_days import WorkingCalendar


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
    reports = expected_reports(registry, candidate_periods(today))
    for state in report_timeliness(registry, reports, received, today):
        report = state.report
        if state.received_on is not None or report.period.end >= today:
            continue
        if state.status == "missing":
            notices.append(Notice("overdue", report, state.working_days_late))
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
    province: str | None,
) -> Digest:
    """Missing and late reports for the periods whose deadline has passed, and every unit whose latest
    file still holds errors, among the units of `province` (every unit when None)."""
    def own(unit_code: str) -> bool:
        return province is None or registry.province_of(unit_code) == province

    missing, late = [], []
    reports = [report for report in expected_reports(registry, candidate_periods(today)) if own(report.unit.code)]
    for state in report_timeliness(registry, reports, received, today):
        line = DigestLine(state.report.unit, state.report.period, state.report.due, state.received_on,
                          state.working_days_late)
        if state.status == "missing":
            missing.append(line)
        elif state.status == "late":
            late.append(line)
    errors = tuple(
        (registry.org_units[unit_code], period_code, count)
        for (unit_code, period_code), count in sorted(open_errors.items())
        if unit_code in registry.org_units and count > 0 and own(unit_code)
    )
    return Digest(today, tuple(missing), tuple(late), errors)
