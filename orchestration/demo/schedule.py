"""Which reports the demo province owes: one per unit, period and reporting frequency.

Only periods lying wholly inside the requested months are planned, and only the reports the
warehouse will expect (`orchestration.lib.obligations`): a ward merged on 1 July reports January to
June, its successor July onwards, and nobody reports the month of a merge twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from orchestration.lib.obligations import areas_reported_on, owing_units
from orchestration.lib.periods import Period, month_period, quarter_period, year_period
from orchestration.lib.registry import OrgUnit, Registry

ROMAN_QUARTERS = ("I", "II", "III", "IV")


def period_number(period: Period) -> int:
    """Month (1-12) of a month, quarter (1-4) of a quarter, 1 for a year."""
    if period.frequency == "monthly":
        return period.start.month
    return (period.start.month + 2) // 3 if period.frequency == "quarterly" else 1


def parse_month(code: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{4})(0[1-9]|1[0-2])", code)
    if not match:
        raise ValueError(f"'{code}' is not a month code YYYYMM / '{code}' không phải mã tháng dạng YYYYMM")
    return int(match[1]), int(match[2])


def periods_between(first_month: str, last_month: str) -> list[Period]:
    """Months, quarters and years lying wholly between the two months (inclusive), in that order."""
    (first_year, first), (last_year, last) = parse_month(first_month), parse_month(last_month)
    if (first_year, first) > (last_year, last):
        raise ValueError(f"first month {first_month} is after last month {last_month} / "
                         f"tháng đầu {first_month} sau tháng cuối {last_month}")
    months = [month_period(year, month) for year in range(first_year, last_year + 1) for month in range(1, 13)
              if (first_year, first) <= (year, month) <= (last_year, last)]
    start, end = months[0].start, months[-1].end
    quarters = [quarter_period(year, quarter) for year in range(first_year, last_year + 1) for quarter in range(1, 5)]
    years = [year_period(year) for year in range(first_year, last_year + 1)]
    return months + [period for period in quarters + years if start <= period.start and period.end <= end]


@dataclass(frozen=True)
class PlannedReport:
    unit: OrgUnit
    period: Period
    indicator_codes: tuple[str, ...]
    area_codes: tuple[str, ...] = ()  # areas reported on, for sources that report by area (population, insurance)


def plan_reports(registry: Registry, first_month: str, last_month: str) -> list[PlannedReport]:
    """Reference indicators (population, insured people) are owed per area active during the period."""
    return [
        PlannedReport(unit, period, codes, areas_reported_on(registry, codes, period))
        for period in periods_between(first_month, last_month)
        for unit, codes in owing_units(registry, period)
    ]
