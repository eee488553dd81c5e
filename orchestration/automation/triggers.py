"""What starts a run: files landing in the inbox, and the monthly run after the reporting deadline."""

import time

import dagster as dg

from orchestration.automation.inbox_watch import InboxCursor, decide, list_inbox, read_ledger_stamps, with_ledger
from orchestration.automation.jobs import warehouse_job
from orchestration.lib.clock import VIETNAM_TIMEZONE
from orchestration.lib.inbox import SettleRule
from orchestration.lib.resources import WarehousePathsResource
from orchestration.lib.settings import FULL_REBUILD_TAG


@dg.sensor(job=warehouse_job, minimum_interval_seconds=30, default_status=dg.DefaultSensorStatus.RUNNING)
def inbox_sensor(
    context: dg.SensorEvaluationContext, warehouse_paths: WarehousePathsResource, settle_rule: dg.ResourceParam[SettleRule]
):
    """One run per batch of settled new or changed files; the cursor remembers what was handed over,
    and starts from what the ledger already holds."""
    paths = warehouse_paths.get()
    listing, cursor = list_inbox(paths.inbox_dir), InboxCursor.from_json(context.cursor)
    if not cursor.ledger_read:
        ledger = read_ledger_stamps(paths.build_db)
        if ledger is None:
            return dg.SkipReason("A run is using the warehouse; the ledger is read on the next tick")
        cursor = with_ledger(listing, cursor, ledger)
    decision = decide(listing, cursor, time.time_ns(), settle_rule)
    context.update_cursor(decision.cursor.to_json())
    if not decision.ready:
        waiting = len(decision.cursor.pending)
        return dg.SkipReason(f"{waiting} file(s) still settling" if waiting else "No new files in the inbox")
    return dg.RunRequest(
        run_key=decision.run_key,
        tags={"trigger": "inbox", "files": str(len(decision.ready))},
    )


monthly_schedule = dg.ScheduleDefinition(
    name="monthly_after_deadline",
    job=warehouse_job,
    # Circular 23/2025 gives every unit 5 working days after the month; the 10th at 06:00 is past
    # that deadline even with a weekend and a holiday in between.
    cron_schedule="0 6 10 * *",
    execution_timezone=VIETNAM_TIMEZONE,
    # Once a month everything is rebuilt from the ledger, whatever the incremental runs did.
    tags={FULL_REBUILD_TAG: "true"},
    default_status=dg.DefaultScheduleStatus.RUNNING,
)

defs = dg.Definitions(jobs=[warehouse_job], sensors=[inbox_sensor], schedules=[monthly_schedule])
