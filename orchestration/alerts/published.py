"""What alerting reads from the published warehouse: findings, files received, units' addresses.

Read-only, and only from the published file: units are told about the checked warehouse that
analysts see, never about a half-built one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from orchestration.alerts.model import FindingRow, SubmissionRow, UnitContact


@dataclass(frozen=True)
class PublishedSnapshot:
    findings: tuple[FindingRow, ...]
    submissions: tuple[SubmissionRow, ...]
    units: dict[str, UnitContact]
    indicator_names: dict[str, tuple[str, str]] = field(default_factory=dict)  # code -> (name_vi, name_en)


def read_published(published_db: Path) -> PublishedSnapshot:
    with duckdb.connect(str(published_db), read_only=True) as connection:
        findings = connection.sql(
            "select org_unit_code, period_code, indicator_code, rule_code, severity, message_vi, message_en,"
            " file_name, sheet_name, cell_ref, submission_id, value_text, status from marts.fct_dq_findings"
        ).fetchall()
        submissions = connection.sql(
            "select submission_id, file_name, org_unit_code, period_code, arrived_at, status"
            " from marts.fct_submissions"
        ).fetchall()
        units = connection.sql(
            "select org_unit_code, name_vi, unit_type, email, valid_from, valid_to, province_code"
            " from marts.dim_org_units"
            " order by org_unit_code, valid_from nulls first"
        ).fetchall()
        indicators = connection.sql("select indicator_code, name_vi, name_en from marts.dim_indicators").fetchall()
    return PublishedSnapshot(
        findings=tuple(FindingRow(*row) for row in findings),
        submissions=tuple(SubmissionRow(*row) for row in submissions),
        # A unit with several versions keeps its latest: that is where mail reaches it today.
        units={row[0]: UnitContact(*row) for row in units},
        indicator_names={code: (name_vi, name_en) for code, name_vi, name_en in indicators},
    )

