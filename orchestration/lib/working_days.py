"""Vietnamese working days: reporting deadlines are counted in them, not in calendar days.

Saturdays and Sundays are off, public holidays and compensatory days off are off, and a
compensatory working day (a Saturday worked to bridge a holiday) is on.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from orchestration.lib.registry import PublicHoliday, Registry, ReportingDeadline


class WorkingCalendar:
    def __init__(self, holidays: Iterable[PublicHoliday]) -> None:
        holidays = tuple(holidays)
        self._days_off = {h.day for h in holidays if h.kind in ("holiday", "compensatory_day_off")}
        self._extra_working_days = {h.day for h in holidays if h.kind == "compensatory_working_day"}

    def is_working_day(self, day: date) -> bool:
        if day in self._extra_working_days:
            return True
        return day.weekday() < 5 and day not in self._days_off

    def add_working_days(self, start: date, working_days: int) -> date:
        """The `working_days`-th working day after `start` (start itself does not count)."""
        day, counted = start, 0
        while counted < working_days:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(self.is_working_day(start + timedelta(days=n)) for n in range(1, (end - start).days + 1))


def applicable_deadline(registry: Registry, unit_type: str, period_end: date) -> ReportingDeadline:
    """The regime in force at the end of the period decides; a unit-type rule beats the regime's default."""
    in_force = [
        d for d in registry.deadlines
        if d.valid_from <= period_end and (d.valid_to is None or period_end <= d.valid_to)
    ]
    specific = [d for d in in_force if d.unit_type == unit_type]
    default = [d for d in in_force if d.unit_type == "*"]
    if not (specific or default):
        raise LookupError(f"No reporting deadline configured for {unit_type} at {period_end}")
    return (specific or default)[0]


def due_date(registry: Registry, unit_type: str, period_end: date) -> date:
    rule = applicable_deadline(registry, unit_type, period_end)
    return WorkingCalendar(registry.holidays).add_working_days(period_end, rule.working_days_after_period)
