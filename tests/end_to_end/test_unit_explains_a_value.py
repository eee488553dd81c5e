"""A unit settles a warning by explaining the figure, and marks an indicator as not applicable.

One commune station reports eight months; August's outpatient visits jump, so it is told about an
outlier. It sends August again with the same number and a reason in Ghi chú: the finding becomes
`explained` with that reason, nothing more is sent, and the scorecard and the report say so. Its
August report also marks one owed indicator `x` (not applicable), which is not a missing value.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.reports.scorecard_report import write_report
from tests.alerts.alert_builders import report_workbook
from tests.conftest import isolated_settings, run_warehouse_job

pytestmark = pytest.mark.slow

UNIT = "QN-TYT-HATU"
REASON = "Mở thêm phòng khám ngoại trú từ tháng 8"
AUGUST = "202508"


def month_values(month: int) -> dict[str, object]:
    visits = 5000 if month == 8 else 1000 + (month % 3) * 10 - month
    return {"OPD_VISITS": visits, "LIVE_BIRTHS": 4 + month % 2, "IMM_FULL_U1": 15, "DTP1": 20, "DTP3": 18,
            "EHR_PEOPLE": "x" if month == 8 else 300 + month, "DOCTORS": 3}


def send(inbox: Path, month: int, name: str, arrived: datetime, note: str | None = None) -> None:
    path = report_workbook(inbox / name, UNIT, f"Tháng {month}/2025", month_values(month))
    if note is not None:
        import openpyxl

        workbook = openpyxl.load_workbook(path)
        workbook.active["E6"] = note  # the OPD_VISITS row; column E is Ghi chú
        workbook.save(path)
    os.utime(path, (arrived.timestamp(), arrived.timestamp()))  # arrival is the file's time stamp


def published(settings, sql: str) -> list[tuple]:
    with duckdb.connect(str(settings.paths.published_db), read_only=True) as connection:
        return connection.sql(sql).fetchall()


def unit_alerts(settings) -> list[tuple]:
    with duckdb.connect(str(settings.paths.build_db), read_only=True) as connection:
        return connection.execute(
            "select kind, finding_fingerprints from raw.alert_outbox where org_unit_code = ? order by created_at",
            [UNIT],
        ).fetchall()


def test_an_explained_outlier_is_settled_and_x_is_not_missing(tmp_path):
    settings = isolated_settings(tmp_path)
    inbox = settings.paths.inbox_dir
    for month in range(1, 9):
        send(inbox, month, f"HaTu_T{month}.xlsx", datetime(2025, month + 1, 3, 9))
    instance = dg.DagsterInstance.ephemeral()
    assert run_warehouse_job(instance, settings).success

    outliers = published(settings, f"select rule_code, status from marts.fct_dq_findings where org_unit_code = "
                                   f"'{UNIT}' and period_code = '{AUGUST}' and rule_code like 'DQ_OUTLIER%'")
    assert outliers and {status for _, status in outliers} == {"open"}
    told = unit_alerts(settings)
    assert [kind for kind, _ in told].count("feedback") == 1

    send(inbox, 8, "HaTu_T8_gui_lai.xlsx", datetime(2025, 9, 5, 9), note=REASON)
    assert run_warehouse_job(instance, settings).success

    statuses = published(
        settings,
        "select submission_status, status, status_reason, status_changed_at from marts.fct_dq_findings"
        f" where org_unit_code = '{UNIT}' and period_code = '{AUGUST}' and rule_code like 'DQ_OUTLIER%'",
    )
    # Rules judge the values standing, so the outlier is now found on the resubmission's cell.
    assert [row[0] for row in statuses] == ["published"]
    assert {(status, reason) for _, status, reason, _ in statuses} == {("explained", REASON)}
    assert all(changed is not None for *_, changed in statuses)
    assert unit_alerts(settings) == told  # nothing new sent, and nothing acknowledged as fixed

    [(explained,)] = published(settings, f"select explained_findings from marts.fct_dq_scorecard"
                                         f" where org_unit_code = '{UNIT}' and period_code = '{AUGUST}'")
    assert explained >= 1
    report = write_report(settings.paths.published_db, tmp_path / "reports", AUGUST).read_text(encoding="utf-8")
    assert f"Đã giải trình / explained: «{REASON}»" in report

    missing = published(settings, "select indicator_code from marts.fct_dq_findings where rule_code = "
                                  f"'DQ_VALUE_MISSING' and org_unit_code = '{UNIT}'")
    assert ("EHR_PEOPLE",) not in missing
