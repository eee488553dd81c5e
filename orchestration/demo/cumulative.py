"""The demo's cumulative reports: a few units send their own 6-month and 9-month reports.

Units are asked for several report types, and some send a 6-month (S1) or 9-month (N9) report of
their own beside their monthly ones. The warehouse publishes the unit's figure for that span and
warns when it differs from the unit's months, so the demo shows both cases: one unit whose report
adds up exactly (flows summed, stocks at the span's last month), and one whose outpatient count
carries a late correction its monthly reports never got.
"""

from __future__ import annotations

from dataclasses import dataclass

from orchestration.demo.schedule import PlannedReport
from orchestration.demo.values import DemoValues
from orchestration.lib.obligations import accepts_cumulative_report, indicators_owed
from orchestration.lib.periods import Period, half_year_period, months_in, nine_months_period
from orchestration.lib.registry import Registry


@dataclass(frozen=True)
class CumulativeSender:
    unit_code: str
    span: str  # "half_year" (first half) or "nine_months"
    correction: dict[str, int]  # indicator -> what the cumulative figure adds to its months' aggregate


SENDERS = (
    CumulativeSender("QN-BVDKT", "half_year", {}),
    CumulativeSender("QN-BVSN", "nine_months", {"OPD_VISITS": 240}),
)


def _span(sender: CumulativeSender, year: int) -> Period:
    return half_year_period(year, 1) if sender.span == "half_year" else nine_months_period(year)


def plan_cumulative_reports(registry: Registry, monthly: list[PlannedReport]) -> list[PlannedReport]:
    """Each sender's span in every year whose months it also reports in the plan: the report is only
    written beside the months it can be checked against."""
    planned = {(report.unit.code, report.period.code) for report in monthly}
    years = sorted({report.period.year for report in monthly})
    reports = []
    for sender in SENDERS:
        unit = registry.org_units.get(sender.unit_code)
        for year in years:
            span = _span(sender, year)
            months = months_in(span)
            if unit is None or not all((unit.code, month.code) in planned for month in months) \
                    or not accepts_cumulative_report(registry, unit, span):
                continue
            reports.append(PlannedReport(unit, span, indicators_owed(registry, unit, months[-1])))
    return reports


def cumulative_values(registry: Registry, values: DemoValues, report: PlannedReport) -> dict[tuple[str, str], int]:
    """The unit's months aggregated as the warehouse does (sum of flows, last month of stocks), plus
    the sender's correction."""
    sender = next(s for s in SENDERS if s.unit_code == report.unit.code)
    by_month = [values.values(PlannedReport(report.unit, month, report.indicator_codes)) for month in months_in(report.period)]
    figures = {}
    for key in by_month[-1]:
        aggregation = registry.indicators[key[1]].aggregation
        figures[key] = sum(month[key] for month in by_month) if aggregation == "flow" else by_month[-1][key]
        figures[key] += sender.correction.get(key[1], 0)
    return figures
