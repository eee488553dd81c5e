"""What a run compares with the last publication and build, on a hand-made build database: the
look before `make run` starts Dagster, and the scope of the second dbt phase."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from orchestration.lib import run_state
from orchestration.lib.clock import VIETNAM
from orchestration.lib.inbox import SettleRule
from orchestration.transform.dbt_command import AFFECTED_PERIODS_TABLE
from orchestration.transform.incremental import plan_build, record_build

TODAY = date(2026, 1, 20)
SETTLED = SettleRule(0.0)


@pytest.fixture
def warehouse(tmp_path) -> dict[str, Path]:
    paths = {name: tmp_path / name for name in ("inbox", "reference")}
    paths["build_db"], paths["published_db"] = tmp_path / "build.duckdb", tmp_path / "published.duckdb"
    for folder in ("inbox", "reference"):
        paths[folder].mkdir()
    (paths["reference"] / "org_units.csv").write_text("code\nQN\n")
    paths["published_db"].write_bytes(b"")
    report = paths["inbox"] / "a.xlsx"
    report.write_bytes(b"workbook")
    arrived = datetime.fromtimestamp(report.stat().st_mtime_ns / 1e9, VIETNAM).replace(tzinfo=None)
    with duckdb.connect(str(paths["build_db"])) as connection:
        connection.execute("""create schema raw;
            create table raw.submissions (submission_id bigint, inbox_path varchar, file_size_bytes bigint,
                                          arrived_at timestamp, period_code varchar);
            create table raw.ref_parent_links (org_unit_code varchar, valid_from date);
            create table raw.dq_rule_findings (org_unit_code varchar, period_code varchar, rule_code varchar,
                                               run_id varchar)""")
        connection.execute("insert into raw.submissions values (1, 'a.xlsx', 8, ?, '202511')", [arrived])
        connection.execute("insert into raw.dq_rule_findings values ('QN-A', '202503', 'DQ_OUTLIER', 'r1')")
        inputs = run_state.current_inputs(connection, paths["reference"], TODAY)
        for stage in run_state.STAGES:
            run_state.record(connection, stage, inputs, "r1")
        record_build(connection, "r1")
    return paths


def look(paths: dict[str, Path], today: date = TODAY, settle: SettleRule = SETTLED) -> run_state.Outlook:
    return run_state.look_ahead(paths["build_db"], paths["published_db"], paths["inbox"], paths["reference"],
                                settle, today, 2**62)


def test_nothing_to_do_when_inbox_ledger_and_reference_are_those_published(warehouse):
    assert look(warehouse).nothing_to_do


def test_a_new_file_a_corrected_file_or_a_new_day_is_something_to_do(warehouse):
    (warehouse["inbox"] / "b.xlsx").write_bytes(b"new")
    assert look(warehouse).unseen_files == 1
    (warehouse["inbox"] / "b.xlsx").unlink()
    os.utime(warehouse["inbox"] / "a.xlsx", ns=(1, 1))  # the same name saved again
    assert look(warehouse).unseen_files == 1
    assert look(warehouse, settle=SettleRule(1e12)).settling_files == 1


def test_a_new_day_or_an_edited_reference_file_is_something_to_do(warehouse):
    assert look(warehouse, today=date(2026, 1, 21)).inputs_changed
    (warehouse["reference"] / "org_units.csv").write_text("code\nQN\nHN\n")
    assert look(warehouse).inputs_changed


def test_a_missing_publication_counts_as_a_change(warehouse):
    warehouse["published_db"].unlink()
    assert look(warehouse).inputs_changed


def ingest(paths: dict[str, Path], period: str | None, today: date = TODAY) -> duckdb.DuckDBPyConnection:
    """A run's intake: one more submission for `period` (none: nothing new), then the inputs recorded."""
    connection = duckdb.connect(str(paths["build_db"]))
    if period:
        connection.execute("insert into raw.submissions values (2, 'x.xlsx', 1, now(), ?)", [period])
    run_state.record(connection, "ingested", run_state.current_inputs(connection, paths["reference"], today), "r2")
    return connection


def test_phase_two_rebuilds_the_periods_of_new_files_and_changed_findings_only(warehouse):
    connection = ingest(warehouse, "202512")
    connection.execute("update raw.dq_rule_findings set rule_code = 'DQ_OTHER', run_id = 'r2'")
    scope = plan_build(connection, requested_full=False)
    assert not scope.full_refresh
    assert {"202512", "2025Q4", "2025", "202503", "2025Q1", "2025N9"} <= set(scope.periods)
    assert "202502" not in scope.periods
    assert {code for (code,) in connection.execute(f"select period_code from {AFFECTED_PERIODS_TABLE}").fetchall()} \
        == set(scope.periods)


def test_only_the_run_id_changing_rebuilds_nothing(warehouse):
    connection = ingest(warehouse, None)
    connection.execute("update raw.dq_rule_findings set run_id = 'r2'")
    assert plan_build(connection, requested_full=False).periods == ()


@pytest.mark.parametrize("change", ["reference", "request", "reorganisation"])
def test_a_change_not_about_periods_rebuilds_everything(warehouse, change):
    if change == "reference":
        (warehouse["reference"] / "org_units.csv").write_text("code\nQN\nHN\n")
    connection = ingest(warehouse, "202512", today=date(2026, 3, 1))
    if change == "reorganisation":
        connection.execute("insert into raw.ref_parent_links values ('QN-A', '2026-02-01')")
    scope = plan_build(connection, requested_full=change == "request")
    assert scope.full_refresh
    assert connection.execute(f"select count(*) from {AFFECTED_PERIODS_TABLE}").fetchone() == (0,)
