"""Landing assets: reference files and the inbox, written into the build database's `raw` schema.

Their asset keys equal the dbt sources (`raw.<table>`), so Dagster draws dbt's lineage straight
from them.
"""

import dagster as dg

from orchestration.ingest.intake import ingest_inbox
from orchestration.lib.inbox import SettleRule
from orchestration.lib.workbook.limits import IntakeLimits
from orchestration.lib.build_schema import RAW_SCHEMA, REFERENCE_TABLES, SUBMISSION_TABLES_DDL
from orchestration.lib.reference import load_registry, write_reference_tables
from orchestration.lib import run_state
from orchestration.lib.resources import BuildDatabaseResource, ClockResource, WarehousePathsResource
from orchestration.lib.settings import RebuildPolicy

REFERENCE_KEYS = [dg.AssetKey([RAW_SCHEMA, table]) for table in REFERENCE_TABLES]
# The intake writes the submission tables and the ledger of inbox entries that are not submissions.
INBOX_TABLES = (*SUBMISSION_TABLES_DDL, "inbox_entries")


@dg.multi_asset(
    specs=[
        dg.AssetSpec(key, group_name="ingest", kinds={"csv", "duckdb"}, description=f"sources/reference/{file}")
        for key, file in zip(REFERENCE_KEYS, REFERENCE_TABLES.values())
    ],
)
def reference_tables(
    context: dg.AssetExecutionContext, warehouse_paths: WarehousePathsResource, build_db: BuildDatabaseResource
):
    """Reloaded every run: the files are small and a changed registry must reach dbt at once."""
    paths = warehouse_paths.get()
    with build_db.connect() as connection:
        row_counts = write_reference_tables(connection, paths.reference_dir)
    for table, rows in row_counts.items():
        yield dg.MaterializeResult(asset_key=[RAW_SCHEMA, table], metadata={"rows": rows})


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            [RAW_SCHEMA, table],
            group_name="ingest",
            kinds={"excel", "duckdb"},
            deps=REFERENCE_KEYS,
            description="Append-only ledger of every file received from the inbox and what was read from it.",
            # Not materialised when nothing changed since the last publication: every later step skips.
            skippable=True,
        )
        for table in INBOX_TABLES
    ],
)
def inbox_submissions(
    context: dg.AssetExecutionContext,
    warehouse_paths: WarehousePathsResource,
    build_db: BuildDatabaseResource,
    clock: ClockResource,
    intake_limits: dg.ResourceParam[IntakeLimits],
    settle_rule: dg.ResourceParam[SettleRule],
    rebuild_policy: dg.ResourceParam[RebuildPolicy],
):
    """Files already in the ledger are skipped, so every run may safely rescan the whole inbox.

    When the ledger, reference files, dbt project and date are those of the last publication
    (`lib/run_state.py`), the asset yields nothing: Dagster then skips every later step, so a run
    with nothing new builds, publishes and sends nothing."""
    paths = warehouse_paths.get()
    registry = load_registry(paths.reference_dir)
    with build_db.connect() as connection:
        summary = ingest_inbox(
            inbox_dir=paths.inbox_dir,
            archive_dir=paths.archive_dir,
            connection=connection,
            registry=registry,
            run_id=context.run_id,
            today=clock.today(),
            limits=intake_limits,
            settle=settle_rule,
        )
        inputs = run_state.current_inputs(connection, paths.reference_dir, clock.today())
        unchanged = run_state.recorded(connection, "published") == inputs and paths.published_db.is_file()
        run_state.record(connection, "ingested", inputs, context.run_id)
    context.log.info(
        f"Inbox intake: {summary.new_files} new file(s) ({summary.accepted} accepted, {summary.quarantined} "
        f"quarantined, {summary.duplicates} duplicates), {summary.values_loaded} values loaded"
    )
    if summary.unsettled_paths:
        context.log.warning(
            f"{len(summary.unsettled_paths)} file(s) modified less than {settle_rule.seconds:g} s ago, left for "
            f"the next run / tệp vừa thay đổi, để lần chạy sau: {', '.join(summary.unsettled_paths)}"
        )
    if unchanged and not rebuild_policy.full_rebuild(context.run.tags):
        context.log.info("Không có gì mới từ lần công bố trước / nothing new since the last publication: nothing to do")
        return
    metadata = {
        "files_seen": summary.files_seen,
        "new_files": summary.new_files,
        "accepted": summary.accepted,
        "quarantined": summary.quarantined,
        "duplicates": summary.duplicates,
        "values_loaded": summary.values_loaded,
        "values_rejected": summary.values_rejected,
        "unsettled": list(summary.unsettled_paths),
        "ignored": list(summary.ignored_paths),
        "inbox": dg.MetadataValue.path(str(paths.inbox_dir)),
    }
    for table in INBOX_TABLES:
        yield dg.MaterializeResult(asset_key=[RAW_SCHEMA, table], metadata=metadata)


defs = dg.Definitions(assets=[reference_tables, inbox_submissions])
