"""Runs after the first one cost what changed: nothing new publishes and sends nothing; a corrected
workbook is built incrementally and publishes exactly what a full rebuild publishes.

One copy of the demo warehouse goes through three more runs of the real job: with nothing new,
after one corrected workbook (incremental), and a full rebuild of the same inputs (the run tag the
monthly schedule sets). Every public mart of the incremental publication must equal the full
rebuild's row for row, apart from the columns that name the run.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import openpyxl
import pytest

from orchestration.definitions import build_definitions
from orchestration.lib.marts import public_marts
from orchestration.lib.run_state import look_ahead
from orchestration.lib.settings import FULL_REBUILD_TAG
from tests.conftest import isolated_settings

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1500)]  # three runs after the demo's

CORRECTED = "BaoCao_TTYT_DamHa_T06-2025.xlsx"
RUN_COLUMNS = {"run_id"}  # which run wrote a row; everything else must match


@dataclass(frozen=True)
class Run:
    result: dg.ExecuteInProcessResult
    messages: dict[str, list[str]]  # step -> what it logged


def run(settings, **tags: str) -> Run:
    job = build_definitions(settings).get_job_def("warehouse_job")
    instance = dg.DagsterInstance.ephemeral()
    result = job.execute_in_process(instance=instance, raise_on_error=False, tags=tags)
    assert result.success
    messages: dict[str, list[str]] = {}
    for entry in instance.all_logs(result.run_id):
        messages.setdefault(entry.step_key or "", []).append(entry.user_message)
    return Run(result, messages)


def materialized(run: Run) -> set[str]:
    return {event.asset_key.to_user_string() for event in run.result.get_asset_materialization_events()}


def folder_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()} if folder.is_dir() else {}


def published_marts(published_db: Path) -> dict[str, list[tuple]]:
    tables = {}
    with duckdb.connect(str(published_db), read_only=True) as connection:
        for mart in public_marts():
            columns = [name for (name,) in connection.execute(
                "select column_name from information_schema.columns where table_schema = 'marts' and table_name = ? "
                "order by ordinal_position", [mart]).fetchall() if name not in RUN_COLUMNS]
            listed = ", ".join(f'"{name}"' for name in columns)
            tables[mart] = connection.execute(f"select {listed} from marts.{mart} order by all").fetchall()
    return tables


def correct_workbook(path: Path) -> None:
    """The unit resends its June report with outpatient visits four times higher (an outlier)."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    row = next(row for row in sheet.iter_rows() if row[3].value == "OPD_VISITS")
    row[4].value = row[4].value * 4
    workbook.save(path)


@pytest.fixture(scope="module")
def runs(demo_run, tmp_path_factory):
    assert demo_run.result.success
    source_root = demo_run.paths.build_db.parent
    root = tmp_path_factory.mktemp("incremental-runs") / "warehouse"
    shutil.copytree(source_root, root, symlinks=True)
    settings = isolated_settings(root, WAREHOUSE_INBOX_SETTLE_SECONDS="0")
    paths = settings.paths
    outlook = look_ahead(paths.build_db, paths.published_db, paths.inbox_dir, paths.reference_dir,
                         settings.settle, settings.clock.today(), 0)
    before = (paths.published_db.read_bytes(), folder_digest(settings.alerts.outbox_dir))
    nothing_new = run(settings)
    after = (paths.published_db.read_bytes(), folder_digest(settings.alerts.outbox_dir))

    correct_workbook(paths.inbox_dir / CORRECTED)
    corrected_outlook = look_ahead(paths.build_db, paths.published_db, paths.inbox_dir, paths.reference_dir,
                                   settings.settle, settings.clock.today(), 2**62)
    incremental = run(settings)
    incremental_marts = published_marts(paths.published_db)
    full = run(settings, **{FULL_REBUILD_TAG: "true"})
    return {
        "outlook": outlook, "before": before, "after": after, "nothing_new": nothing_new,
        "corrected_outlook": corrected_outlook, "incremental": incremental, "full": full,
        "incremental_marts": incremental_marts, "full_marts": published_marts(paths.published_db),
    }


def test_a_run_with_nothing_new_publishes_and_sends_nothing(runs):
    assert runs["outlook"].nothing_to_do
    assert runs["after"] == runs["before"]  # the published file byte for byte, and the outbox
    assert all(key.startswith("raw/ref_") for key in materialized(runs["nothing_new"]))
    skipped = {event.step_key for event in runs["nothing_new"].result.all_events if event.is_step_skipped}
    assert {"warehouse_models", "publication", "unit_feedback"} <= skipped


def test_a_corrected_workbook_is_seen_before_the_run_and_built_incrementally(runs):
    assert runs["corrected_outlook"].unseen_files == 1 and not runs["corrected_outlook"].nothing_to_do
    logs = runs["incremental"].messages["warehouse_models"]
    assert any(message.startswith("Incremental build") and "202506" in message for message in logs)
    assert not any("202505" in message for message in logs)  # an earlier month of the year is left alone
    assert any(message.startswith("Full rebuild") for message in runs["full"].messages["warehouse_models"])


def test_the_incremental_publication_equals_a_full_rebuild(runs):
    incremental, full = runs["incremental_marts"], runs["full_marts"]
    assert set(incremental) == set(full) and incremental["fct_indicator_values"]
    differing = [mart for mart in full if incremental[mart] != full[mart]]
    assert differing == []


def test_the_incremental_run_checks_the_rebuilt_periods_and_the_full_rebuild_everything(runs):
    """Every other row equals the published warehouse, so GX sees only what phase two rebuilt."""
    def scopes(name: str) -> dict[str, tuple[str, int, int]]:
        return {e.asset_key.path[-1]: (e.metadata["scope"].value, e.metadata["rows_validated"].value,
                                       e.metadata["row_count"].value)
                for e in runs[name].result.get_asset_check_evaluations() if "scope" in e.metadata}

    incremental, full = scopes("incremental"), scopes("full")
    assert set(incremental) == set(full) == set(public_marts())
    assert {scope for scope, _, _ in full.values()} == {"full"}
    assert all(validated == rows for _, validated, rows in full.values())
    scope, validated, rows = incremental["fct_indicator_values"]
    assert scope.endswith(" periods") and 0 < validated < rows
    assert incremental["dim_org_units"][:2] == ("unchanged", 0)
