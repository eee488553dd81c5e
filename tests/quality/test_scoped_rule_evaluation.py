"""A scoped rules evaluation gives exactly the findings and register a full evaluation gives.

One copy of the demo warehouse: two units correct their workbooks (an outlier, a negative count, a
value left out, and vaccination doses out of order over the year to date, which moves the verdicts
of later months too), and the real job runs, judging only what those files can have changed. The
same inputs are then evaluated in full, on a copy of the build database, and both tables must match
row for row apart from the run id.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import openpyxl
import pytest

from orchestration.definitions import build_definitions
from orchestration.lib.reference import load_registry
from orchestration.quality.indicator_rules import load_indicator_rules
from orchestration.quality.rule_scope import STATE_TABLE, plan_scope
from orchestration.quality.rule_store import (
    RECEIVED_MODEL, VALUES_MODEL, model_relation, read_rule_inputs, write_rule_results,
)
from tests.conftest import isolated_settings

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

RULE_TABLES = ("raw.dq_rule_findings", "raw.dq_report_register")


def edit_cells(inbox: Path, connection: duckdb.DuckDBPyConnection, file_name: str, edit) -> None:
    """Rewrites the unit's workbook in the inbox; `edit(code, value)` gives a cell's new content."""
    cells = connection.execute(
        "select v.sheet_name, v.cell_ref, v.indicator_code, v.value from raw.submitted_values as v "
        "join raw.submissions as s using (submission_id) where s.file_name = ? and s.intake_status = 'accepted'",
        [file_name],
    ).fetchall()
    workbook = openpyxl.load_workbook(inbox / file_name)
    values = {code: value for _, _, code, value in cells}
    for sheet, cell, code, value in cells:
        workbook[sheet][cell].value = edit(code, value, values)
    workbook.save(inbox / file_name)


def corrected_files(inbox: Path, build_db: Path) -> None:
    with duckdb.connect(str(build_db), read_only=True) as connection:
        [(station_file,)] = connection.execute(
            "select min(s.file_name) from raw.submissions as s join raw.submitted_values as v using (submission_id) "
            "where v.indicator_code = 'DTP3' and s.period_code = '202505' and s.intake_status = 'accepted'"
        ).fetchall()
        edit_cells(inbox, connection, "BaoCao_TTYT_DamHa_T06-2025.xlsx", lambda code, value, _: {
            "OPD_VISITS": value * 4, "BEDS": -value, "LIVE_BIRTHS": None}.get(code, value))
        edit_cells(inbox, connection, station_file,
                   lambda code, value, values: values["DTP1"] * 3 + 5 if code == "DTP3" else value)


def evaluate_in_full(settings, build_db: Path) -> None:
    from orchestration.quality.rule_evaluation import RuleInputs, evaluate_rules

    reference = settings.paths.reference_dir
    scope, frames = read_rule_inputs(build_db, reference, full_requested=True)
    assert scope.full and frames.carryover is None
    as_of = settings.clock.today()
    evaluation = evaluate_rules(RuleInputs(
        frames.values, frames.received, frames.intake_findings, load_registry(reference),
        load_indicator_rules(reference), as_of))
    write_rule_results(build_db, evaluation.findings, evaluation.register, as_of.isoformat(), "full", scope,
                       len(frames.values))


def differences(left: Path, right: Path) -> dict[str, tuple[int, int, int]]:
    """Per table: rows, rows only on the left, rows only on the right (run ids left out)."""
    with duckdb.connect(str(left), read_only=True) as connection:
        connection.execute(f"attach '{right}' as other (read_only)")
        counts = {}
        for table in RULE_TABLES:
            mine, theirs = f"select * exclude (run_id) from {table}", f"select * exclude (run_id) from other.{table}"
            [(rows,)] = connection.execute(f"select count(*) from {table}").fetchall()
            [(only_left,)] = connection.execute(f"select count(*) from ({mine} except all {theirs})").fetchall()
            [(only_right,)] = connection.execute(f"select count(*) from ({theirs} except all {mine})").fetchall()
            counts[table] = (rows, only_left, only_right)
    return counts


@pytest.fixture(scope="module")
def scoped_run(demo_run, tmp_path_factory):
    assert demo_run.result.success
    root = tmp_path_factory.mktemp("scoped-rules") / "warehouse"
    shutil.copytree(demo_run.paths.build_db.parent, root, symlinks=True)
    settings = isolated_settings(root, WAREHOUSE_INBOX_SETTLE_SECONDS="0")
    corrected_files(settings.paths.inbox_dir, settings.paths.build_db)
    instance = dg.DagsterInstance.ephemeral()
    result = build_definitions(settings).get_job_def("warehouse_job").execute_in_process(
        instance=instance, raise_on_error=False)
    assert result.success
    logs = [entry.user_message for entry in instance.all_logs(result.run_id) if entry.step_key == "dq_rules"]
    return settings, result, logs


def test_the_corrected_files_are_judged_in_a_scoped_evaluation(scoped_run):
    settings, result, logs = scoped_run
    [materialization] = [event.event_specific_data.materialization for event in result.get_asset_materialization_events()
                         if event.asset_key == dg.AssetKey(["raw", "dq_rule_findings"])]
    metadata = {key: value.value for key, value in materialization.metadata.items()}
    assert metadata["evaluation"] == "scoped" and any(line.startswith("Scoped evaluation") for line in logs)
    with duckdb.connect(str(settings.paths.build_db), read_only=True) as connection:
        [(all_values,)] = connection.execute(f"select count(*) from {model_relation(VALUES_MODEL)}").fetchall()
        [(evaluation, values_judged)] = connection.execute(f"select evaluation, values_judged from {STATE_TABLE}").fetchall()
        rules = {code for (code,) in connection.execute("select distinct rule_code from raw.dq_rule_findings").fetchall()}
    assert evaluation == "scoped" and 0 < values_judged == metadata["values_checked"] < all_values / 2
    assert metadata["findings_carried_over"] > 0
    assert {"DQ_NEGATIVE_COUNT", "DQ_DTP3_ABOVE_DTP1", "DQ_VALUE_MISSING"} <= rules  # the corrections were judged


def test_a_scoped_evaluation_equals_a_full_one_row_for_row(scoped_run, tmp_path):
    settings, _, _ = scoped_run
    full_db = tmp_path / "full.duckdb"
    shutil.copy(settings.paths.build_db, full_db)
    evaluate_in_full(settings, full_db)
    counts = differences(settings.paths.build_db, full_db)
    assert all(rows > 0 for rows, _, _ in counts.values())
    assert {table: (only_scoped, only_full) for table, (_, only_scoped, only_full) in counts.items()} == {
        table: (0, 0) for table in RULE_TABLES}


def test_what_calls_for_a_full_evaluation(scoped_run, tmp_path):
    settings, _, _ = scoped_run
    reference = tmp_path / "reference"
    shutil.copytree(settings.paths.reference_dir, reference)
    relations = model_relation(VALUES_MODEL), model_relation(RECEIVED_MODEL)
    with duckdb.connect(str(settings.paths.build_db), read_only=True) as connection:
        unchanged = plan_scope(connection, reference, False, *relations)
        requested = plan_scope(connection, reference, True, *relations)
        with open(reference / "dq_indicator_rules.csv", "a", encoding="utf-8") as handle:
            handle.write("NEW_INDICATOR,true,level,mean,Mới.,New.\n")
        edited = plan_scope(connection, reference, False, *relations)
    assert not unchanged.full and unchanged.periods.empty and unchanged.series.empty
    assert requested.full and "asked" in requested.reason
    assert edited.full and "reference" in edited.reason
