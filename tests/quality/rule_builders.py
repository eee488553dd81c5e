"""Small frames shaped like the first dbt phase's models, for the data-quality rule tests."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from orchestration.lib.periods import period_from_code
from orchestration.quality.gx_runner import COMPLETE, ValidationSession
from orchestration.quality.rule_suites import suite_name

CATALOGUE = {  # indicator -> (kind, aggregation, min, max), as in sources/reference/indicators.csv
    "OPD_VISITS": ("reported", "flow", 0.0, 20_000_000.0),
    "LIVE_BIRTHS": ("reported", "flow", 0.0, 200_000.0),
    "MATERNAL_DEATHS": ("reported", "flow", 0.0, 100.0),
    "DTP1": ("reported", "flow", 0.0, 200_000.0),
    "DTP3": ("reported", "flow", 0.0, 200_000.0),
    "IMM_FULL_U1": ("reported", "flow", 0.0, 200_000.0),
    "BEDS": ("reported", "stock", 0.0, 50_000.0),
    "DOCTORS": ("reported", "stock", 0.0, 50_000.0),
    "EHR_PEOPLE": ("reported", "stock", 0.0, 5_000_000.0),
    "DENGUE_CASES": ("reported", "flow", 0.0, 100_000.0),
    "SATISFACTION_SURVEYED": ("reported", "flow", 0.0, 1_000_000.0),
    "SATISFACTION_SATISFIED": ("reported", "flow", 0.0, 1_000_000.0),
    "SATISFACTION_PCT": ("derived", None, 0.0, 100.0),
}


def value_row(unit: str, period_code: str, indicator: str, value: float, cell: str = "E9", submission_id: int = 1,
              **overrides) -> dict:
    period = period_from_code(period_code)
    kind, aggregation, low, high = CATALOGUE[indicator]
    return {
        "org_unit_code": unit, "period_code": period_code, "indicator_code": indicator, "value": float(value),
        "submission_id": submission_id, "submitting_unit_code": unit, "file_name": f"{unit}_{period_code}.xlsx",
        "sheet_name": "BaoCao", "cell_ref": cell, "period_type": period.period_type,
        "period_start": pd.Timestamp(period.start), "period_end": pd.Timestamp(period.end),
        "indicator_kind": kind, "aggregation": aggregation, "min_value": low, "max_value": high,
    } | overrides


def values_frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows)


def monthly_series(unit: str, indicator: str, first_month: str, values: list[float]) -> list[dict]:
    year, month = int(first_month[:4]), int(first_month[4:])
    rows = []
    for offset, value in enumerate(values):
        total = month - 1 + offset
        code = f"{year + total // 12}{total % 12 + 1:02d}"
        rows.append(value_row(unit, code, indicator, value, cell=f"E{9 + offset}", submission_id=100 + offset))
    return rows


def received_row(unit: str, period_code: str, arrived: datetime, submission_id: int = 1) -> dict:
    return {
        "org_unit_code": unit, "period_code": period_code, "winning_submission_id": submission_id,
        "winning_file_name": f"{unit}_{period_code}.xlsx", "winning_table_sheet": "BaoCao",
        "first_submission_id": submission_id, "first_file_name": f"{unit}_{period_code}.xlsx",
        "first_arrived_at": pd.Timestamp(arrived), "accepted_files": 1,
    }


def received_frame(rows: list[dict]) -> pd.DataFrame:
    columns = list(received_row("X", "202401", datetime(2024, 2, 1)))
    return pd.DataFrame(rows, columns=columns)


def failing_rows(gx_project, family: str, frame: pd.DataFrame) -> dict[str, list[int]]:
    """GX's verdict on one family's frame: failing row positions by rule code (all rules listed)."""
    validation = ValidationSession(gx_project, COMPLETE).validate(suite_name(family), frame.reset_index(drop=True))
    assert not [outcome.error for outcome in validation.expectations if outcome.error]
    return {outcome.rule_code: sorted(outcome.unexpected_index) for outcome in validation.expectations}


AS_OF = date(2026, 1, 1)
