"""The corpus in one inbox with a month of good demo files, a corrected resubmission and two
byte-identical copies, through one run of the real Dagster job. What is asserted is what the
warehouse publishes: statuses in marts.fct_submissions, findings in marts.fct_dq_findings, values
in marts.fct_indicator_values and marts.fct_indicator_value_history."""

from __future__ import annotations

import os
import shutil
from datetime import date, datetime
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from corpus import LIMIT_ENVIRONMENT, write_corpus
from ingest_builders import write_report
from orchestration.demo.generator import generate_demo_province
from orchestration.lib.reference import load_registry
from tests.conftest import isolated_settings, run_warehouse_job

DEMO_MONTH = "202401"
ORIGINAL, CORRECTED, COPY = "r1_bvdkt_t9.xlsx", "r2_bvdkt_t9_da_sua.xlsx", "r1_bvdkt_t9 (ban sao).xlsx"
RESUBMISSION_DAY = datetime(2025, 10, 3, 9, 0).timestamp()  # the September report is due in early October


def rows(connection, sql: str, *parameters) -> list[dict]:
    cursor = connection.execute(sql, list(parameters))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def step_failures(result: dg.ExecuteInProcessResult) -> list[tuple[str, str]]:
    """Which step failed and the exception underneath Dagster's wrapper, for the assertion message."""
    failures = []
    for event in result.all_events:
        if event.is_step_failure:
            error = event.event_specific_data.error
            failures.append((event.step_key, (error.cause or error).message.strip()))
    return failures


QUARANTINED_COPY = "gui lai i01_unknown_unit.xlsx"

def arrive(path: Path, hours: int) -> Path:
    os.utime(path, (RESUBMISSION_DAY + 3600 * hours, RESUBMISSION_DAY + 3600 * hours))
    return path


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    root = tmp_path_factory.mktemp("batch")
    settings = isolated_settings(root, **LIMIT_ENVIRONMENT)
    paths = settings.paths
    demo = generate_demo_province(paths.inbox_dir / "demo", load_registry(paths.reference_dir), DEMO_MONTH, DEMO_MONTH)
    cases = write_corpus(paths.inbox_dir / "corpus", date.today())
    resubmissions = paths.inbox_dir / "resubmissions"
    arrive(write_report(resubmissions / ORIGINAL, period="Tháng 9/2025", values=[("OPD_VISITS", 1000)]), 0)
    arrive(write_report(resubmissions / CORRECTED, period="Tháng 9/2025", values=[("OPD_VISITS", 1100)]), 48)
    arrive(shutil.copy(resubmissions / ORIGINAL, resubmissions / COPY), 72)
    demo_copy = arrive(shutil.copy(demo[0], paths.inbox_dir / f"gui lai {demo[0].name}"), 96)
    arrive(shutil.copy(paths.inbox_dir / "corpus" / "i01_unknown_unit.xlsx", paths.inbox_dir / QUARANTINED_COPY), 100)
    result = run_warehouse_job(dg.DagsterInstance.ephemeral(), settings)
    assert result.success, step_failures(result)
    with duckdb.connect(str(paths.published_db), read_only=True) as connection:
        yield connection, cases, demo, demo_copy


def test_every_corpus_file_gets_its_status_and_exact_findings(published):
    connection, cases, _, _ = published
    statuses = {r["file_name"]: r["status"] for r in rows(connection, "select file_name, status from marts.fct_submissions")}
    findings = rows(connection, "select file_name, rule_code, severity, sheet_name, cell_ref from marts.fct_dq_findings "
                                "where rule_code like 'ING_%' order by file_name, sheet_name, cell_ref")
    for case in cases:
        assert statuses[case.file_name] == case.status, case.file_name
        found = tuple((f["rule_code"], f["severity"], f["sheet_name"], f["cell_ref"])
                      for f in findings if f["file_name"] == case.file_name)
        assert found == case.findings, case.file_name


def test_quarantined_files_say_why_in_both_languages(published):
    connection, cases, _, _ = published
    quarantined = {c.file_name for c in cases if c.status == "quarantined"}
    reasons = rows(connection, "select file_name, reason_vi, reason_en from marts.fct_submissions where status = 'quarantined'")
    assert {r["file_name"] for r in reasons} == quarantined
    assert all("Cách sửa:" in r["reason_vi"] and "How to fix:" in r["reason_en"] for r in reasons)


def test_the_good_files_of_the_same_batch_are_published(published):
    connection, _, demo, _ = published
    statuses = rows(connection, "select status, count(*) as files from marts.fct_submissions "
                                "where file_name in (select unnest($1::varchar[])) group by status", [p.name for p in demo])
    assert statuses == [{"status": "published", "files": len(demo)}]


def test_the_newest_resubmission_is_published_and_the_old_value_stays_queryable(published):
    connection, _, _, _ = published
    original, corrected = (rows(connection, "select * from marts.fct_submissions where file_name = ?", name)[0]
                           for name in (ORIGINAL, CORRECTED))
    assert (original["status"], original["superseded_by_submission_id"]) == ("superseded", corrected["submission_id"])
    assert corrected["status"] == "published"
    [current] = rows(connection, "select value, source_submission_id from marts.fct_indicator_values "
                                 "where org_unit_code = 'QN-BVDKT' and period_code = '202509' and indicator_code = 'OPD_VISITS'")
    assert current == {"value": 1100.0, "source_submission_id": corrected["submission_id"]}
    history = rows(connection, "select file_name, value, submission_status, published_from, published_until, is_current "
                               "from marts.fct_indicator_value_history where org_unit_code = 'QN-BVDKT' "
                               "and period_code = '202509' order by published_from")
    assert history == [
        {"file_name": ORIGINAL, "value": 1000.0, "submission_status": "superseded", "published_from": original["arrived_at"],
         "published_until": corrected["arrived_at"], "is_current": False},
        {"file_name": CORRECTED, "value": 1100.0, "submission_status": "published",
         "published_from": corrected["arrived_at"], "published_until": None, "is_current": True},
    ]


def test_copy_of_a_quarantined_file_is_a_duplicate_and_does_not_block_publishing(published):
    connection, _, _, _ = published
    [copy] = rows(connection, "select status, org_unit_code from marts.fct_submissions where file_name = ?", QUARANTINED_COPY)
    assert copy == {"status": "duplicate", "org_unit_code": "QN-BV-KHONGCO"}


def test_byte_identical_copies_are_duplicates_and_never_counted_twice(published):
    connection, _, demo, demo_copy = published
    by_name = {r["file_name"]: r for r in rows(connection, "select * from marts.fct_submissions")}
    assert by_name[COPY]["status"] == "duplicate"
    assert by_name[COPY]["duplicate_of_submission_id"] == by_name[ORIGINAL]["submission_id"]
    assert by_name[demo_copy.name]["status"] == "duplicate"
    assert by_name[demo_copy.name]["duplicate_of_submission_id"] == by_name[demo[0].name]["submission_id"]
    assert rows(connection, "select count(*) as n from marts.fct_indicator_value_history where submission_id in (?, ?)",
                by_name[COPY]["submission_id"], by_name[demo_copy.name]["submission_id"]) == [{"n": 0}]
    unit = by_name[demo[0].name]["org_unit_code"]
    counted = rows(connection, "select count(*) as rows, count(distinct source_submission_id) as sources "
                               "from marts.fct_indicator_values where org_unit_code = ? and period_code = ?", unit, DEMO_MONTH)
    assert counted[0]["rows"] > 0 and counted[0]["sources"] == 1
    [province] = rows(connection, "select value from marts.fct_indicator_values where org_unit_code = 'QN' "
                                  "and period_code = '202509' and indicator_code = 'OPD_VISITS'")
    assert province["value"] == 1100.0


def test_every_loaded_split_is_published_with_its_file_and_held_ones_are_not(published):
    connection, cases, _, _ = published
    published_parts = rows(connection, "select s.file_name, d.indicator_code, d.option_code, d.value "
                                       "from marts.fct_indicator_disaggregations d join marts.fct_submissions s "
                                       "on d.source_submission_id = s.submission_id")
    for case in cases:
        found = {(p["indicator_code"], p["option_code"]): p["value"] for p in published_parts
                 if p["file_name"] == case.file_name}
        assert found == {key: value for key, (value, _) in case.parts.items()}, case.file_name


def test_splits_add_up_over_facilities_and_months_like_their_totals(published):
    """Nữ of OPD_VISITS in January 2025: d01 600 + d02 1.100 + d03 500 + d04 950 + d06 400 (d09's
    split does not add up and is held); the quarter adds d11's March 120."""
    connection, _, _, _ = published
    found = {r["period_code"]: r["value"] for r in rows(
        connection, "select period_code, value from marts.fct_indicator_disaggregations where org_unit_code = 'QN' "
                    "and indicator_code = 'OPD_VISITS' and option_code = 'SEX_FEMALE' "
                    "and period_code in ('202501', '2025Q1')")}
    assert found == {"202501": 3550.0, "2025Q1": 3670.0}
