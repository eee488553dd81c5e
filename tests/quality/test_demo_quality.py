"""The clean demo province through the data-quality rules: no errors, warnings on under 2 % of unit-periods.

The demo is built to pass every rule (see orchestration/demo/values.py), so any error here is a
false alarm, and warnings must stay rare enough that a province would not learn to ignore them.
A unit-period is a report a unit owed (unit × reporting period) whose deadline has passed.
"""

from __future__ import annotations

import duckdb
import pytest


@pytest.fixture(scope="module")
def figures(demo_run) -> dict[str, float]:
    with duckdb.connect(str(demo_run.paths.build_db), read_only=True) as connection:
        [(unit_periods,)] = connection.sql(
            "select count(*) from raw.dq_report_register where report_status <> 'not_yet_due'"
        ).fetchall()
        [(errors, warnings, warned_unit_periods)] = connection.sql(
            "select count(*) filter (where severity = 'error'), count(*) filter (where severity = 'warning'),"
            " count(distinct (org_unit_code, period_code)) filter (where severity = 'warning')"
            " from marts.fct_dq_findings"
        ).fetchall()
        statuses = dict(connection.sql("select report_status, count(*) from raw.dq_report_register group by 1").fetchall())
    return {"unit_periods": unit_periods, "errors": errors, "warnings": warnings,
            "warned_unit_periods": warned_unit_periods, "statuses": statuses}


def test_the_clean_demo_has_no_error_findings(figures):
    assert figures["errors"] == 0


def test_warnings_touch_fewer_than_two_percent_of_unit_periods(figures):
    share = figures["warned_unit_periods"] / figures["unit_periods"]
    print(f"\nclean demo: {figures}, share of unit-periods warned = {share:.2%}")
    assert figures["unit_periods"] > 600, "every report of 2024-2025 is owed"
    assert share < 0.02


def test_every_demo_report_is_complete_and_on_time(figures):
    assert figures["statuses"] == {"on_time": figures["unit_periods"]}


def test_the_published_scorecard_and_summary_agree(demo_run):
    with duckdb.connect(str(demo_run.paths.published_db), read_only=True) as connection:
        [(units, reports, completeness)] = connection.sql(
            "select units_expected, reports_expected, completeness_pct from marts.fct_dq_province_summary"
            " where period_code = '2025'"
        ).fetchall()
        [(cards, owed)] = connection.sql(
            "select count(*), sum(reports_expected) from marts.fct_dq_scorecard where period_code = '2025'"
        ).fetchall()
    assert (units, reports, completeness) == (cards, owed, 100.0)
