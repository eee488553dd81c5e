"""Deadlines in Vietnamese working days, around Tết and compensatory days."""

from datetime import date, timedelta

import pytest

from orchestration.lib.registry import PublicHoliday, Registry, ReportingDeadline
from orchestration.lib.working_days import WorkingCalendar, applicable_deadline, due_date

TET_2025 = [PublicHoliday(date(2025, 1, 25) + timedelta(days=n), "Tết Ất Tỵ", "holiday") for n in range(9)]
REGISTRY = Registry(
    org_units={},
    indicators={},
    obligations=(),
    deadlines=(
        ReportingDeadline("TT37-2019", date(2019, 1, 1), date(2025, 6, 30), "commune_station", 5),
        ReportingDeadline("TT37-2019", date(2019, 1, 1), date(2025, 6, 30), "*", 15),
        ReportingDeadline("TT23-2025", date(2025, 7, 1), None, "*", 5),
    ),
    holidays=(
        *TET_2025,
        PublicHoliday(date(2025, 4, 30), "Ngày Giải phóng miền Nam", "holiday"),
        PublicHoliday(date(2025, 5, 1), "Quốc tế Lao động", "holiday"),
        PublicHoliday(date(2025, 5, 2), "Nghỉ bù", "compensatory_day_off"),
        PublicHoliday(date(2025, 4, 26), "Làm bù", "compensatory_working_day"),
    ),
)


def test_weekend_is_skipped():
    calendar = WorkingCalendar(())
    assert calendar.add_working_days(date(2025, 3, 31), 5) == date(2025, 4, 7)


def test_tet_pushes_the_january_deadline_past_the_holiday():
    # January 2025 ends on Friday 31 in the middle of Tết (25 Jan - 2 Feb): the first working day is 3 Feb.
    assert due_date(REGISTRY, "commune_station", date(2025, 1, 31)) == date(2025, 2, 7)


def test_compensatory_day_off_and_working_day_are_honoured():
    calendar = WorkingCalendar(REGISTRY.holidays)
    assert not calendar.is_working_day(date(2025, 5, 2))
    assert calendar.is_working_day(date(2025, 4, 26))
    # April 2025 ends Wed 30 (holiday): Thu 1 May holiday, Fri 2 compensatory off, so day 1 is Mon 5 May.
    assert calendar.add_working_days(date(2025, 4, 30), 1) == date(2025, 5, 5)


@pytest.mark.parametrize(
    ("unit_type", "period_end", "days"),
    [
        ("commune_station", date(2025, 6, 30), 5),
        ("hospital", date(2025, 6, 30), 15),
        ("hospital", date(2025, 7, 31), 5),
        ("commune_station", date(2025, 7, 31), 5),
    ],
)
def test_regime_in_force_at_the_period_end_decides(unit_type, period_end, days):
    assert applicable_deadline(REGISTRY, unit_type, period_end).working_days_after_period == days


def test_working_days_between_counts_the_end_not_the_start():
    calendar = WorkingCalendar(())
    assert calendar.working_days_between(date(2025, 3, 31), date(2025, 4, 7)) == 5
    assert calendar.working_days_between(date(2025, 4, 7), date(2025, 3, 31)) == -5
