"""Alerting in Dagster: feedback after each publish, the daily reminder tick, the engineer's alarm.

Thin wrappers: paths and settings come from the environment, the clock is injectable (the
schedule hands each tick its own date), and all decisions live in the modules they call.
"""

# No `from __future__ import annotations`: Dagster checks the `context` annotations as live classes.
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import dagster as dg

from orchestration.alerts.engineer import error_chain, queue_and_flush, run_failure_alert, run_url
from orchestration.alerts.feedback import send_unit_feedback
from orchestration.alerts.messages import StepFailure
from orchestration.alerts.published import read_published
from orchestration.alerts.scheduled import send_scheduled_notices
from orchestration.alerts.settings import AlertSettings
from orchestration.lib.build_db import build_db_connection
from orchestration.lib.reference import load_registry
from orchestration.lib.settings import WarehousePaths

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def vietnam_today() -> date:
    return datetime.now(VIETNAM).date()


@dg.asset(
    group_name="alerts",
    deps=[dg.AssetKey(["published_warehouse"])],
    kinds={"email"},
    description=(
        "Phản hồi cho từng đơn vị: lỗi mới kèm tệp đã đánh dấu, xác nhận lỗi đã sửa / "
        "Feedback to each unit: new findings with its annotated workbook, acknowledgements of fixes."
    ),
)
def unit_feedback(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    paths = WarehousePaths.from_environment()
    settings = AlertSettings.from_environment(paths)
    with build_db_connection(paths.build_db) as connection:
        summary = send_unit_feedback(
            read_published(paths.published_db), connection, paths.archive_dir, settings, utc_now, context.run.run_id,
            vietnam_today(),
        )
    context.log.info(f"Unit feedback: {summary}")
    return dg.MaterializeResult(
        metadata={
            "feedback_queued": summary.feedback_queued,
            "acknowledgements_queued": summary.acknowledgements_queued,
            "findings_told": summary.findings_told,
            "findings_resolved": summary.findings_resolved,
            "sent": summary.delivery.sent,
            "outbox_only": summary.delivery.outbox_only,
            "failed_attempts": summary.delivery.failed_attempts,
            "outbox": dg.MetadataValue.path(str(settings.outbox_dir)),
        }
    )


class ReminderConfig(dg.Config):
    today: str = ""  # ISO date the tick is for; empty means today in Vietnam


@dg.op(description="Nhắc hạn, báo quá hạn, tổng hợp tuần / Reminders, overdue notices, weekly digest.")
def send_reminders(context: dg.OpExecutionContext, config: ReminderConfig) -> None:
    paths = WarehousePaths.from_environment()
    if not paths.published_db.is_file():
        # Without a published warehouse nobody is known to have reported; notices would all be wrong.
        context.log.warning(f"No published warehouse at {paths.published_db}: reminders skipped.")
        return
    settings = AlertSettings.from_environment(paths)
    today = date.fromisoformat(config.today) if config.today else vietnam_today()
    with build_db_connection(paths.build_db) as connection:
        summary = send_scheduled_notices(
            load_registry(paths.reference_dir), read_published(paths.published_db), connection, settings, today,
            utc_now, context.run.run_id,
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
    execution_timezone="Asia/Ho_Chi_Minh",
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
def engineer_on_run_failure(context: dg.RunFailureSensorContext) -> None:
    paths = WarehousePaths.from_environment()
    settings = AlertSettings.from_environment(paths)
    run = context.dagster_run
    failures = [
        StepFailure(event.step_key or "?", error_chain(event.step_failure_data.error) or event.message or "")
        for event in context.get_step_failure_events()
    ]
    if not failures and context.failure_event.message:
        failures = [StepFailure("(run)", context.failure_event.message)]
    alert = run_failure_alert(settings, run.job_name, run.run_id, failures, utc_now)
    delivery = queue_and_flush(alert, paths.build_db, settings, utc_now, run.run_id)
    context.log.info(f"Engineer alert for {run_url(settings, run.run_id)}: {delivery or 'spooled, build DB busy'}")


defs = dg.Definitions(
    assets=[unit_feedback],
    jobs=[reminders_job],
    schedules=[daily_reminders],
    sensors=[engineer_on_run_failure],
)
