"""A failed run reaches the data engineer by e-mail, even when the build database is busy."""

from __future__ import annotations

import subprocess
import sys

import dagster as dg
import duckdb

from orchestration.alerts.definitions import engineer_on_run_failure, unit_feedback
from orchestration.alerts.delivery import flush_queue
from orchestration.alerts.engineer import queue_and_flush, run_failure_alert
from orchestration.alerts.messages import StepFailure
from orchestration.alerts.outbox import SPOOL_FOLDER
from orchestration.alerts.store import ensure_alert_tables
from orchestration.definitions import build_definitions
from tests.alerts.alert_builders import ENGINEER, UI_URL


@dg.op
def read_inbox():
    raise ValueError("Không mở được tệp <inbox>/QN-TYT-HONGHAI.xlsx")


@dg.job
def fragile_job():
    read_inbox()


def evaluate_sensor(instance: dg.DagsterInstance, result: dg.ExecuteInProcessResult, resources) -> None:
    # Entered as a context manager: resources such as the nested build database are opened on entry.
    with dg.build_run_status_sensor_context(
        sensor_name="engineer_on_run_failure",
        dagster_instance=instance,
        dagster_run=result.dagster_run,
        dagster_event=result.get_run_failure_event(),
        resources=resources,
    ) as context:
        engineer_on_run_failure(context.for_run_failure())


def test_a_failed_run_emails_the_engineer_the_step_the_error_and_the_link(resources, smtp):
    instance = dg.DagsterInstance.ephemeral()
    result = fragile_job.execute_in_process(instance=instance, raise_on_error=False)
    assert not result.success
    evaluate_sensor(instance, result, resources)

    (message,) = smtp.messages_to(ENGINEER)
    assert message["Subject"] == (
        f"[Kho dữ liệu y tế] Lần chạy fragile_job thất bại ở bước read_inbox – run {result.run_id[:8]}"
    )
    text = message.get_body(("plain",)).get_content()
    assert f"{UI_URL}/runs/{result.run_id}" in text
    assert "Bước lỗi: read_inbox" in text and "Không mở được tệp <inbox>/QN-TYT-HONGHAI.xlsx" in text
    html = message.get_body(("html",)).get_content()
    assert f'href="{UI_URL}/runs/{result.run_id}"' in html and "&lt;inbox&gt;" in html

    evaluate_sensor(instance, result, resources)  # the same failed run seen again is not mailed again
    assert len(smtp.messages_to(ENGINEER)) == 1


def test_with_the_build_database_locked_the_alert_is_spooled_and_sent_by_the_next_flush(alert_env, smtp, clock):
    build_db = alert_env.outbox_dir.parent / "build.duckdb"
    build_db.parent.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('ready', flush=True);"
         " sys.stdin.read()", str(build_db)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        alert = run_failure_alert(alert_env, "warehouse_job", "run-0001", [StepFailure("raw__submissions", "boom")],
                                  clock)
        assert queue_and_flush(alert, build_db, alert_env, clock, "run-0001", lock_attempts=2,
                               lock_wait_seconds=0.05) is None
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)
    assert len(list((alert_env.outbox_dir / SPOOL_FOLDER).glob("*.json"))) == 1
    assert smtp.messages == []

    with duckdb.connect(str(build_db)) as connection:
        ensure_alert_tables(connection)
        assert flush_queue(connection, alert_env, clock, "next-run").sent == 1
        assert flush_queue(connection, alert_env, clock, "next-run").sent == 0
        assert connection.execute(
            "select kind, status, recipient from raw.alert_outbox"
        ).fetchall() == [("run_failure", "sent", ENGINEER)]
    assert list((alert_env.outbox_dir / SPOOL_FOLDER).glob("*.json")) == []
    assert [m["To"] for m in smtp.messages] == [ENGINEER]


def test_definitions_wire_the_asset_job_schedule_and_sensor(warehouse_settings):
    defs = build_definitions(warehouse_settings)
    assert unit_feedback.group_names_by_key[unit_feedback.key] == "alerts"
    assert dg.AssetKey(["published_warehouse"]) in unit_feedback.asset_deps[unit_feedback.key]
    assert defs.get_job_def("reminders_job") is not None
    assert engineer_on_run_failure.default_status == dg.DefaultSensorStatus.RUNNING
    assert engineer_on_run_failure in defs.sensors
