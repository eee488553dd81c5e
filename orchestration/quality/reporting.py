"""Completeness and timeliness of reporting: which reports are owed, when they were due, when they came.

Which reports are owed, when they are due and whether each came on time is decided in
`orchestration.lib.obligations`, the classification the reminders and the weekly digest use too,
so the scorecard and the digest always agree. Periods are owed from the first period in the data to
the latest month anyone has reported: months nobody has reached yet are not missing, and going live
does not owe years of history. Until a deadline has passed and nothing has come a report is "not
yet due", never missing. Timeliness uses the arrival of the first readable file (its mtime), never
the date typed in the workbook.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from orchestration.lib.obligations import expected_reports, report_timeliness
from orchestration.lib.periods import Period, month_period, period_from_code, quarter_period, year_period
from orchestration.lib.registry import Registry

REGISTER_COLUMNS = [
    "org_unit_code", "unit_type", "period_code", "frequency", "period_end", "regime_code", "deadline_days",
    "due_date", "is_due", "indicator_codes", "first_arrived_at", "arrival_date", "working_days_late",
    "first_submission_id", "first_file_name", "winning_submission_id", "winning_file_name", "winning_table_sheet",
]


def owed_periods(received_period_codes: list[str]) -> list[Period]:
    """Months, quarters and years lying wholly between the first period received and the latest
    month received (any period's end when no monthly report exists yet)."""
    periods = [period_from_code(code) for code in set(received_period_codes)]
    if not periods:
        return []
    first = min(period.start for period in periods)
    months = [period for period in periods if period.period_type == "month"] or periods
    last = max(period.end for period in months)
    candidates = [
        builder(year, number)
        for year in range(first.year, last.year + 1)
        for builder, count in ((month_period, 12), (quarter_period, 4))
        for number in range(1, count + 1)
    ] + [year_period(year) for year in range(first.year, last.year + 1)]
    return [period for period in candidates if first <= period.start and period.end <= last]


def report_register(registry: Registry, received: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """One row per owed report, joined to what arrived for it (int_dq_received_reports)."""
    arrivals = received[[
        "org_unit_code", "period_code", "first_arrived_at", "first_submission_id", "first_file_name",
        "winning_submission_id", "winning_file_name", "winning_table_sheet",
    ]].assign(first_arrived_at=lambda frame: pd.to_datetime(frame["first_arrived_at"]))
    received_on = {
        (unit, period): arrived.date()
        for unit, period, arrived in zip(
            arrivals["org_unit_code"], arrivals["period_code"], arrivals["first_arrived_at"], strict=True
        )
        if not pd.isna(arrived)
    }
    reports = expected_reports(registry, owed_periods(list(received["period_code"])))
    rows = []
    for state in report_timeliness(registry, reports, received_on, as_of):
        report = state.report
        rows.append({
            "org_unit_code": report.unit.code,
            "unit_type": report.unit.unit_type,
            "period_code": report.period.code,
            "frequency": report.period.frequency,
            "period_end": pd.Timestamp(report.period.end),
            "regime_code": report.deadline.regime_code,
            "deadline_days": report.deadline.working_days_after_period,
            "due_date": pd.Timestamp(report.due),
            "is_due": report.is_due(as_of),
            "indicator_codes": report.indicator_codes,
            # Days late at arrival, for the late report's message and the scorecard; whether it is
            # late at all is the suite's call (REPORTING in rule_suites.py states the same rule).
            "working_days_late": state.working_days_late if state.received_on is not None else None,
        })
    owed = pd.DataFrame(rows, columns=[*REGISTER_COLUMNS[:10], "working_days_late"])
    register = owed.merge(arrivals, on=["org_unit_code", "period_code"], how="left")
    for column in ("first_submission_id", "winning_submission_id"):
        register[column] = register[column].astype("Int64")
    register["arrival_date"] = register["first_arrived_at"].dt.normalize()
    register["is_due"] = register["is_due"].astype(bool)
    register["working_days_late"] = register["working_days_late"].astype("Int64")
    return register[REGISTER_COLUMNS]


def report_statuses(register: pd.DataFrame, missing: list, late: list) -> pd.DataFrame:
    """The register with the suite's verdicts: `missing` and `late` are the rows GX failed."""
    statuses = register.copy()
    received = statuses["first_arrived_at"].notna()
    statuses["report_status"] = received.map({True: "on_time", False: "not_yet_due"})
    statuses.loc[missing, "report_status"] = "missing"
    statuses.loc[late, "report_status"] = "late"
    return statuses


def obliged_values_frame(
    register: pd.DataFrame, values: pd.DataFrame, intake_findings: pd.DataFrame
) -> pd.DataFrame:
    """One row per owed indicator of every report received: how many values the winning file holds
    for it (an area-level source holds one per area), and whether intake already rejected it."""
    received = register[register["winning_submission_id"].notna()]
    owed = received.explode("indicator_codes").rename(columns={"indicator_codes": "indicator_code"})
    owed = owed[owed["indicator_code"].notna()]
    owed["winning_submission_id"] = owed["winning_submission_id"].astype("int64")
    present = (
        values.groupby(["submission_id", "indicator_code"]).size().rename("values_present").reset_index()
    )
    owed = owed.merge(
        present, left_on=["winning_submission_id", "indicator_code"], right_on=["submission_id", "indicator_code"],
        how="left",
    ).drop(columns=["submission_id"])
    owed["values_present"] = owed["values_present"].fillna(0).astype(int)
    rejected = set(zip(intake_findings["submission_id"], intake_findings["indicator_code"], strict=True))
    owed["has_intake_finding"] = [
        (submission, code) in rejected
        for submission, code in zip(owed["winning_submission_id"], owed["indicator_code"], strict=True)
    ]
    return owed.reset_index(drop=True)
