"""Which reports the demo province owes: one per unit, period and reporting frequency.

Only periods lying wholly inside the requested months are planned, and only the reports the
warehouse will expect (`orchestration.lib.obligations`): a ward merged on 1 July reports January to
June, its successor July onwards, and nobody reports the month of a merge twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from orchestration.lib.obligations import areas_reported_on, owing_units
from orchestration.lib.periods import (
    Period,
    PeriodError,
    month_period,
    period_from_code,
    quarter_period,
    year_period,
)
from orchestration.lib.registry import OrgUnit, Registry

def parse_month(code: str) -> tuple[int, int]:
    try:
        period = period_from_code(code)
    except PeriodError:
        period = None
    if period is None or period.period_type != "month":
        raise ValueError(f"'{code}' is not a month code YYYYMM / '{code}' không phải mã tháng dạng YYYYMM")
    return period.year, period.start.month


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
        PlannedReport(unit, period, codes, areas_reported_on(registry, codes, period, unit.code))
        for period in periods_between(first_month, last_month)
        for unit, codes in owing_units(registry, period)
    ]
