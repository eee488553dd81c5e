"""The whole corpus through the intake in one batch: every file gets exactly its fate, and no bad
file costs the others anything. (The same corpus through the Dagster job, with the statuses dbt
gives, is tests/ingest/test_ingest_end_to_end_batch.py.)"""

from __future__ import annotations

import duckdb
import pytest

from corpus import CORPUS_LIMITS, SQL_FILE_NAME, write_corpus
from ingest_builders import TODAY
from orchestration.ingest.intake import ingest_inbox
from orchestration.lib.reference import load_registry
from orchestration.lib.settings import REPO_ROOT
from orchestration.lib.workbook.archive import read_archived

INTAKE_STATUS = {"published": "accepted", "held": "accepted", "quarantined": "quarantined"}


def table(connection, sql: str) -> list[dict]:
    cursor = connection.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    cases = write_corpus(root / "inbox", TODAY)
    connection = duckdb.connect(str(root / "build.duckdb"))
    registry = load_registry(REPO_ROOT / "sources" / "reference")
    summary = ingest_inbox(root / "inbox", root / "archive", connection, registry, "corpus", TODAY, CORPUS_LIMITS)
    yield root, cases, summary, connection
    connection.close()


def test_every_file_gets_its_status_reason_unit_and_period(ingested):
    _, cases, summary, connection = ingested
    ledger = {row["file_name"]: row for row in table(connection, "select * from raw.submissions")}
    assert sorted(ledger) == sorted(case.file_name for case in cases)
    for case in cases:
        entry = ledger[case.file_name]
        assert (entry["intake_status"], entry["reason_code"]) == (INTAKE_STATUS[case.status], case.reason_code), case
        assert (entry["org_unit_code"], entry["period_code"]) == (case.unit_code, case.period_code), case
        if case.status == "quarantined":
            assert "Cách sửa:" in entry["reason_vi"] and "How to fix:" in entry["reason_en"], case
    quarantined = sum(case.status == "quarantined" for case in cases)
    assert (summary.new_files, summary.quarantined, summary.accepted) == (len(cases), quarantined, len(cases) - quarantined)


def test_every_finding_names_its_rule_severity_sheet_and_cell(ingested):
    _, cases, _, connection = ingested
    rows = table(connection, "select file_name, rule_code, severity, sheet_name, cell_ref from raw.ingest_findings "
                             "order by file_name, sheet_name, cell_ref")
    for case in cases:
        found = tuple((r["rule_code"], r["severity"], r["sheet_name"], r["cell_ref"])
                      for r in rows if r["file_name"] == case.file_name)
        assert found == case.findings, case.file_name


def test_good_values_of_every_accepted_file_are_loaded_exactly(ingested):
    _, cases, _, connection = ingested
    values = table(connection, "select s.file_name, v.indicator_code, v.value from raw.submitted_values v "
                               "join raw.submissions s using (submission_id)")
    for case in cases:
        loaded = {v["indicator_code"]: v["value"] for v in values if v["file_name"] == case.file_name}
        assert loaded == case.values, case.file_name


def test_disaggregations_of_every_accepted_file_are_loaded_exactly_with_their_cell(ingested):
    _, cases, _, connection = ingested
    parts = table(connection, "select s.file_name, d.indicator_code, d.option_code, d.value, d.sheet_name, d.cell_ref "
                              "from raw.submitted_disaggregations d join raw.submissions s using (submission_id)")
    for case in cases:
        loaded = {(p["indicator_code"], p["option_code"]): (p["value"], p["cell_ref"])
                  for p in parts if p["file_name"] == case.file_name}
        assert loaded == case.parts, case.file_name


def test_every_file_is_archived_byte_for_byte_under_its_hash(ingested):
    root, _, _, connection = ingested
    for entry in table(connection, "select inbox_path, content_hash, archive_path from raw.submissions"):
        assert entry["archive_path"].rsplit("/", 1)[1].startswith(entry["content_hash"])
        archived = read_archived(root / "archive", entry["archive_path"])
        assert archived == (root / "inbox" / entry["inbox_path"]).read_bytes()


def test_text_from_files_and_names_is_stored_as_data_never_run_as_sql(ingested):
    _, _, _, connection = ingested
    [entry] = table(connection, f"select * from raw.submissions where file_name = '{SQL_FILE_NAME.replace(chr(39), chr(39) * 2)}'")
    assert entry["intake_status"] == "accepted" and "DROP" not in entry["archive_path"]
    assert connection.execute("select count(*) from raw.submissions").fetchone()[0] > 1
