"""What the publish gate does with bad data, on real Dagster runs of the demo province.

Two runs share one warehouse: the first has a file with a negative count among an otherwise clean
first quarter of 2024 — an error that holds back exactly that value while everything else
publishes; the second follows a reference-file mistake that breaks referential integrity, which
must block the whole publication and leave the published file, and every file of the exports
folder, byte for byte as it was.
"""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import openpyxl
import pytest

from orchestration.demo.generator import generate_demo_province
from orchestration.lib.reference import load_registry
from orchestration.lib.settings import REPO_ROOT
from tests.conftest import isolated_settings, run_warehouse_job
from tests.publish.table_file_checks import folder_state

PUBLISHED = dg.AssetKey(["published_warehouse"])
BAD_UNIT, BAD_PERIOD = "QN-TYT-HAILANG", "202403"
# Every indicator a commune station owes monthly, with one impossible count: -40 visits in C5.
BAD_ROWS = [("OPD_VISITS", -40), ("LIVE_BIRTHS", 1), ("IMM_FULL_U1", 8), ("DTP1", 9), ("DTP3", 9),
            ("EHR_PEOPLE", 5200), ("DOCTORS", 2)]
BAD_CELL = "C5"
# A station an officer deletes from the registry (with its hierarchy rows) instead of closing it
# with valid_to: its values stay in the append-only ledger and so reach the marts.
DELETED_UNIT = "QN-TYT-DONGNGU"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_submission(path: Path, unit_code: str, period_text: str, rows: list[tuple[str, object]]) -> None:
    """Identity in A1:B2, the table header on row 4, so the n-th value sits in C(4 + n)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Mã đơn vị:", unit_code])
    sheet.append(["Kỳ báo cáo:", period_text])
    sheet.append([])
    sheet.append(["STT", "Mã chỉ số", "Giá trị"])
    for number, (code, value) in enumerate(rows, start=1):
        sheet.append([number, code, value])
    workbook.save(path)


def replace_demo_file(inbox: Path) -> str:
    """Swaps the station's generated March file for the bad one, arriving on time like the rest."""
    (generated,) = [p for p in inbox.iterdir() if ("HAILANG" in p.name.upper()) and ("202403" in p.name or "T03-2024" in p.name)]
    arrived = generated.stat().st_mtime
    generated.unlink()
    path = inbox / f"{BAD_UNIT}_{BAD_PERIOD}_sua.xlsx"
    write_submission(path, BAD_UNIT, "Tháng 3/2024", BAD_ROWS)
    os.utime(path, (arrived, arrived))
    return path.name


def delete_unit(reference_dir: Path, unit_code: str) -> None:
    for name, column in (("org_units.csv", "code"), ("parent_links.csv", "org_unit_code")):
        path = reference_dir / name
        with open(path, encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            fields, rows = reader.fieldnames, [row for row in reader if row[column] != unit_code]
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)


@dataclass
class GateRuns:
    held_run: dg.ExecuteInProcessResult
    bad_file_name: str
    published: dict  # what the first run published, read before the second run
    checksum_after_first: str
    exports_after_first: dict[str, str]  # every path under warehouse/exports -> checksum or link target
    blocked_run: dg.ExecuteInProcessResult
    checksum_after_second: str
    exports_after_second: dict[str, str]


@pytest.fixture(scope="module")
def gate_runs(tmp_path_factory) -> GateRuns:
    root = tmp_path_factory.mktemp("gate")
    reference_dir = root / "reference"
    shutil.copytree(REPO_ROOT / "sources" / "reference", reference_dir)
    settings = isolated_settings(root, WAREHOUSE_REFERENCE_DIR=str(reference_dir))
    paths = settings.paths
    generate_demo_province(paths.inbox_dir, load_registry(reference_dir), "202401", "202403")
    bad_file_name = replace_demo_file(paths.inbox_dir)
    instance = dg.DagsterInstance.ephemeral()

    held_run = run_warehouse_job(instance, settings)
    with duckdb.connect(str(paths.published_db), read_only=True) as connection:
        published = {
            "station_march": dict(connection.execute(
                "select indicator_code, value from marts.fct_indicator_values"
                " where org_unit_code = ? and period_code = ?", [BAD_UNIT, BAD_PERIOD]).fetchall()),
            "march_units": {row[0] for row in connection.execute(
                "select distinct org_unit_code from marts.fct_indicator_values"
                " where period_code = ? and indicator_code = 'OPD_VISITS' and org_unit_level = 'facility'",
                [BAD_PERIOD]).fetchall()},
            "submission": connection.execute(
                "select status, values_held, reason_en from marts.fct_submissions where file_name = ?",
                [bad_file_name]).fetchall(),
            "findings": connection.execute(
                "select rule_code, severity, indicator_code, sheet_name, cell_ref, value_text, message_vi, message_en"
                " from marts.fct_dq_findings where file_name = ?", [bad_file_name]).fetchall(),
            "errors": connection.sql("select count(*) from marts.fct_dq_findings where severity = 'error'").fetchall()[0][0],
        }
    checksum_after_first = sha256(paths.published_db)
    exports_after_first = folder_state(paths.exports_dir)

    delete_unit(reference_dir, DELETED_UNIT)
    blocked_run = run_warehouse_job(instance, settings)
    return GateRuns(held_run, bad_file_name, published, checksum_after_first, exports_after_first, blocked_run,
                    sha256(paths.published_db), folder_state(paths.exports_dir))


def materialized(result: dg.ExecuteInProcessResult) -> set[dg.AssetKey]:
    return {event.asset_key for event in result.get_asset_materialization_events()}


def test_negative_count_is_held_back_and_the_rest_of_the_month_publishes(gate_runs):
    assert gate_runs.held_run.success
    assert PUBLISHED in materialized(gate_runs.held_run)
    station_march = gate_runs.published["station_march"]
    assert "OPD_VISITS" not in station_march, "the negative count must not be published"
    assert station_march["DTP1"] == 9 and station_march["DOCTORS"] == 2, "the file's other values publish"
    # Every other facility's visits for March are published as usual.
    assert len(gate_runs.published["march_units"]) > 20 and BAD_UNIT not in gate_runs.published["march_units"]


def test_the_submission_is_held_and_the_finding_names_the_cell(gate_runs):
    [(status, values_held, reason_en)] = gate_runs.published["submission"]
    assert (status, values_held) == ("held", 1)
    assert "held back" in reason_en
    [finding] = [f for f in gate_runs.published["findings"] if f[0] == "DQ_NEGATIVE_COUNT"]
    rule, severity, indicator, sheet, cell, value_text, message_vi, message_en = finding
    assert (severity, indicator, cell, value_text) == ("error", "OPD_VISITS", BAD_CELL, "-40")
    assert f"ô {BAD_CELL}" in message_vi and f"cell {BAD_CELL}" in message_en and sheet in message_en
    assert gate_runs.published["errors"] == 1, "nothing else in the clean quarter is an error"


def test_integrity_failure_blocks_the_whole_publication_and_keeps_the_file(gate_runs):
    blocked = gate_runs.blocked_run
    assert not blocked.success
    assert PUBLISHED not in materialized(blocked)
    failures = [event for event in blocked.all_events if event.event_type_value == "STEP_FAILURE"]
    assert failures, "a step must fail on the broken reference"
    assert any("relationships" in event.event_specific_data.error.to_string() for event in failures), (
        "the failure must be the referential-integrity test"
    )
    assert gate_runs.checksum_after_second == gate_runs.checksum_after_first


def test_integrity_failure_leaves_every_exported_file_as_it_was(gate_runs):
    exports = gate_runs.exports_after_first
    assert "current" in exports and any(name.endswith("/csv/fct_indicator_values.csv") for name in exports), (
        "the first run must have published its exports"
    )
    assert gate_runs.exports_after_second == exports
