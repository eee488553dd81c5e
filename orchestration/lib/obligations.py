"""Which reports each unit owes, when they fall due, and whether they came on time: written once.

Intake (is this indicator owed?), the rules step (the report register behind the scorecard), the
reminders and the weekly digest, the blank templates and the demo province all ask these questions;
answering them in one place keeps the scorecard and the digest from disagreeing about which report
is late or missing. A unit owes a period when it exists for the whole period and it reports at
that frequency: its type's obligations (obligations.csv), less what the unit is exempted from and
plus what it alone owes (unit_obligations.csv, in force on the period's last day); the report is
due a number of Vietnamese working days after the period's end (`working_days.py`, regime by
period end and unit type). Timeliness counts from the day the first
readable file arrived, never from the date typed in the workbook.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

from orchestration.lib.periods import Period, month_period, quarter_period
from orchestration.lib.registry import OrgUnit, Registry, ReportingDeadline
from orchestration.lib.working_days import WorkingCalendar, applicable_deadline, due_date

ReportStatus = Literal["on_time", "late", "missing", "not_yet_due"]


@dataclass(frozen=True)
class ExpectedReport:
    unit: OrgUnit
    period: Period
    deadline: ReportingDeadline  # the regime in force at the period's end
    due: date
    indicator_codes: tuple[str, ...]

    def is_due(self, as_of: date) -> bool:
        """The deadline has passed: on the deadline day itself nothing is missing yet."""
        return self.due < as_of


@dataclass(frozen=True)
class ReportTimeliness:
    report: ExpectedReport
    status: ReportStatus
    received_on: date | None
    # Working days past the deadline: at arrival for a received report (0 when on time), up to
    # `as_of` for a missing one; None while the report is not yet due.
    working_days_late: int | None


def indicators_owed(registry: Registry, unit: OrgUnit, period: Period) -> tuple[str, ...]:
    """The indicators the unit reports at the period's frequency: its type's, in obligation order,
    without those it is exempted from, then those it alone owes. None for the cumulative periods
    (half year, nine months), which no obligation asks for: a unit may still send them
    (`accepts_cumulative_report`)."""
    frequency = period.frequency  # a property, computed once rather than per obligation
    own = [o for o in registry.unit_obligations_of(unit.code)
           if o.frequency == frequency and o.in_force_on(period.end)]
    exempt = {o.indicator_code for o in own if o.rule == "exempt"}
    owed = [o.indicator_code for o in registry.obligations_of(unit.unit_type)
            if o.frequency == frequency and o.indicator_code not in exempt]
    return tuple(dict.fromkeys(owed + [o.indicator_code for o in own if o.rule == "owes"]))


CUMULATIVE_PERIOD_TYPES = frozenset({"half_year", "nine_months", "year"})


def accepts_cumulative_report(registry: Registry, unit: OrgUnit, period: Period) -> bool:
    """A unit's own 6-month, 9-month or yearly report over months or quarters it reports is
    accepted even when no obligation asks for it: the regime asks units for several report types,
    and the warehouse checks it against the unit's months (the unit's figure is the published one)."""
    if period.period_type not in CUMULATIVE_PERIOD_TYPES:
        return False
    shorter = (month_period(period.year, period.end.month), quarter_period(period.year, (period.end.month + 2) // 3))
    return any(indicators_owed(registry, unit, part) for part in shorter)


def owing_units(registry: Registry, period: Period) -> list[tuple[OrgUnit, tuple[str, ...]]]:
    """The units that owe a report for the period, in registry order, with the indicators each owes:
    a unit owes a period when it exists for the whole period and reports at that frequency
    (a ward merged on 1 July reports January to June, its successor July onwards)."""
    owing = []
    for unit in registry.org_units.values():
        codes = indicators_owed(registry, unit, period)
        if codes and unit.is_active_between(period.start, period.end):
            owing.append((unit, codes))
    return owing


def expected_reports(registry: Registry, periods: Iterable[Period]) -> list[ExpectedReport]:
    """Every report owed for the periods, period by period and unit code by unit code, with its deadline
    (worked out once per unit type and period: the rules step asks for every report of the history)."""
    deadlines: dict[tuple[str, date], tuple[ReportingDeadline, date]] = {}

    def deadline(unit_type: str, period_end: date) -> tuple[ReportingDeadline, date]:
        if (unit_type, period_end) not in deadlines:
            deadlines[unit_type, period_end] = (applicable_deadline(registry, unit_type, period_end),
                                                due_date(registry, unit_type, period_end))
        return deadlines[unit_type, period_end]

    return [
        ExpectedReport(unit, period, *deadline(unit.unit_type, period.end), codes)
        for period in periods
        for unit, codes in sorted(owing_units(registry, period), key=lambda owing: owing[0].code)
    ]


def areas_reported_on(
    registry: Registry, indicator_codes: Iterable[str], period: Period, unit_code: str
) -> tuple[str, ...]:
    """Sources of reference figures (population, insured people) report one row per area of their
    own province active during the period; everyone else reports on themselves (no areas)."""
    if any(registry.indicators[code].kind == "reference" for code in indicator_codes):
        return registry.areas_active_during(period.start, period.end, registry.province_of(unit_code))
    return ()


def classify(report: ExpectedReport, received_on: date | None, as_of: date, calendar: WorkingCalendar) -> ReportTimeliness:
    """On time when the first file came by the deadline, late after it; with nothing received,
    missing once the deadline has passed and not yet due until then."""
    if received_on is not None:
        if received_on <= report.due:
            return ReportTimeliness(report, "on_time", received_on, 0)
        return ReportTimeliness(report, "late", received_on, calendar.working_days_between(report.due, received_on))
    if report.is_due(as_of):
        return ReportTimeliness(report, "missing", None, calendar.working_days_between(report.due, as_of))
    return ReportTimeliness(report, "not_yet_due", None, None)


def report_timeliness(
    registry: Registry, reports: Iterable[ExpectedReport], received: Mapping[tuple[str, str], date], as_of: date
) -> list[ReportTimeliness]:
    """Each report classified against the day its first readable file arrived, keyed by
    (unit code, period code)."""
    calendar = WorkingCalendar(registry.holidays)
    return [
        classify(report, received.get((report.unit.code, report.period.code)), as_of, calendar)
        for report in reports
    ]
