"""Alerting in Dagster: feedback after each publish, the daily reminder tick, the engineer's alarm.

Thin wrappers: paths, settings and the clock come in as resources (the schedule hands each tick
its own date), and all decisions live in the modules they call.
"""

# No `from __future__ import annotations`: Dagster checks the `context` annotations as live classes.
from datetime import date

import dagster as dg

from orchestration.alerts.engineer import error_chain, queue_and_flush, run_failure_alert, run_url
from orchestration.alerts.feedback import send_unit_feedback
from orchestration.alerts.messages import StepFailure
from orchestration.alerts.published import read_published
from orchestration.alerts.scheduled import send_scheduled_notices
from orchestration.lib.clock import VIETNAM, VIETNAM_TIMEZONE
from orchestration.lib.reference import load_registry
from orchestration.lib.resources import BuildDatabaseResource, ClockResource, WarehousePathsResource
from orchestration.lib.settings import AlertSettings


@dg.asset(
    group_name="alerts",
    deps=[dg.AssetKey(["published_warehouse"])],
    kinds={"email"},
    description=(
        "Phản hồi cho từng đơn vị: lỗi mới kèm tệp đã đánh dấu, xác nhận lỗi đã sửa / "
        "Feedback to each unit: new findings with its annotated workbook, acknowledgements of fixes."
    ),
)
def unit_feedback(
    context: dg.AssetExecutionContext,
    warehouse_paths: WarehousePathsResource,
    build_db: BuildDatabaseResource,
    clock: ClockResource,
    alert_settings: dg.ResourceParam[AlertSettings],
) -> dg.MaterializeResult:
    paths, settings, now = warehouse_paths.get(), alert_settings, clock.get()
    with build_db.connect() as connection:
        summary = send_unit_feedback(
            read_published(paths.published_db), connection, paths.archive_dir, settings, now.utc_now,
            context.run.run_id, now.today(), load_registry(paths.reference_dir),
        )
    context.log.info(f"Unit feedback: {summary}")
    for unit_code, file_name, why in summary.unannotated_files:
        context.log.warning(f"Feedback to {unit_code} for '{file_name}' has no annotated copy: {why}")
    metadata = {
        "feedback_queued": summary.feedback_queued,
        "acknowledgements_queued": summary.acknowledgements_queued,
        "backlog_summaries_queued": summary.backlogs_queued,
        "findings_told": summary.findings_told,
        "findings_resolved": summary.findings_resolved,
        "sent": summary.delivery.sent,
        "outbox_only": summary.delivery.outbox_only,
        "failed_attempts": summary.delivery.failed_attempts,
        "without_annotated_copy": len(summary.unannotated_files),
        "outbox": dg.MetadataValue.path(str(settings.outbox_dir)),
    }
    if summary.failed_units:
        # Raised only after every other unit was served, so the run shows as failed (and the engineer
        # is e-mailed) while the publication and the other units' feedback stand.
        failures = "; ".join(f"{f.org_unit_code}: {f.error}" for f in summary.failed_units)
        raise dg.Failure(
            description=(
                f"Không gửi được phản hồi cho {len(summary.failed_units)} đơn vị / feedback failed for "
                f"{len(summary.failed_units)} unit(s): {failures}"
            ),
            metadata={**metadata, "failed_units": [f.org_unit_code for f in summary.failed_units]},
        )
    return dg.MaterializeResult(metadata=metadata)


class ReminderConfig(dg.Config):
    today: str = ""  # ISO date the tick is for; empty means today in Vietnam


@dg.op(description="Nhắc hạn, báo quá hạn, tổng hợp tuần / Reminders, overdue notices, weekly digest.")
def send_reminders(
    context: dg.OpExecutionContext,
    config: ReminderConfig,
    warehouse_paths: WarehousePathsResource,
    build_db: BuildDatabaseResource,
    clock: ClockResource,
    alert_settings: dg.ResourceParam[AlertSettings],
) -> None:
    paths, settings, now = warehouse_paths.get(), alert_settings, clock.get()
    if not paths.published_db.is_file():
        # Without a published warehouse nobody is known to have reported; notices would all be wrong.
        context.log.warning(f"No published warehouse at {paths.published_db}: reminders skipped.")
        return
    today = date.fromisoformat(config.today) if config.today else now.today()
    with build_db.connect() as connection:
        summary = send_scheduled_notices(
            load_registry(paths.reference_dir), read_published(paths.published_db), connection, settings, today,
            now.utc_now, context.run.run_id,
        )
    context.log.info(f"Scheduled notices for {today}: {summary}")


@dg.job(
    description="Nhắc nộp báo cáo và tổng hợp tuần / Deadline reminders and the weekly digest.",
    executor_def=dg.in_process_executor,
)
def reminders_job():
    send_reminders()


@dg.schedule(
    job=reminders_job,
    cron_schedule="0 7 * * *",
    execution_timezone=VIETNAM_TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
def daily_reminders(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """The tick's own date, so a tick the daemon runs late still decides for the day it was due."""
    day = context.scheduled_execution_time.astimezone(VIETNAM).date().isoformat()
    return dg.RunRequest(
        run_key=f"reminders-{day}",
        run_config={"ops": {"send_reminders": {"config": {"today": day}}}},
    )


@dg.run_failure_sensor(
    name="engineer_on_run_failure",
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="E-mail kỹ sư dữ liệu khi một lần chạy thất bại / E-mail the data engineer when a run fails.",
)
def engineer_on_run_failure(
    context: dg.RunFailureSensorContext,
    build_db: BuildDatabaseResource,
    clock: ClockResource,
    alert_settings: dg.ResourceParam[AlertSettings],
) -> None:
    settings, utc_now = alert_settings, clock.get().utc_now
    run = context.dagster_run
    failures = [
        StepFailure(event.step_key or "?", error_chain(event.step_failure_data.error) or event.message or "")
        for event in context.get_step_failure_events()
    ]
    if not failures and context.failure_event.message:
        failures = [StepFailure("(run)", context.failure_event.message)]
    alert = run_failure_alert(settings, run.job_name, run.run_id, failures, utc_now)
    delivery = queue_and_flush(alert, build_db.path, settings, utc_now, run.run_id)
    context.log.info(f"Engineer alert for {run_url(settings, run.run_id)}: {delivery or 'spooled, build DB busy'}")


defs = dg.Definitions(
    assets=[unit_feedback],
    jobs=[reminders_job],
    schedules=[daily_reminders],
    sensors=[engineer_on_run_failure],
)
