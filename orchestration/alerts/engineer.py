"""The data engineer's e-mail when a run fails: which step, what error, where to look.

The sensor that calls this runs in the daemon, beside whatever run started next, and DuckDB lets
one process write at a time. So the alert is queued in the build database when it can be opened
within a few seconds, and parked in the spool otherwise; the next flush (any run, any reminder
tick) picks it up. Dagster advances the sensor's cursor even when the sensor fails, so giving up
here would lose the alert for good.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import duckdb

from orchestration.alerts.delivery import Clock, DeliverySummary, enqueue, flush_queue
from orchestration.alerts.messages import StepFailure, compose_run_failure
from orchestration.alerts.outbox import spool
from orchestration.alerts.rendering import build_message, usable_address
from orchestration.alerts.store import QueuedAlert, alert_identity, ensure_alert_tables
from orchestration.lib.settings import AlertSettings


def error_chain(error: object | None) -> str:
    """Dagster wraps the code's exception ("Error occurred while executing op ...") and keeps the
    real one as the cause; the engineer needs both, without the stack traces."""
    messages = []
    while error is not None:
        messages.append(str(getattr(error, "message", error)).strip())
        error = getattr(error, "cause", None)
    return "\n".join(messages)


def run_url(settings: AlertSettings, run_id: str) -> str:
    return f"{settings.dagster_ui_url}/runs/{run_id}"


def run_failure_alert(
    settings: AlertSettings, job_name: str, run_id: str, failures: Sequence[StepFailure], clock: Clock
) -> QueuedAlert:
    composed = compose_run_failure(job_name, run_id, run_url(settings, run_id), failures)
    alert_id = alert_identity("run_failure", run_id)
    recipient = usable_address(settings.engineer_email)
    return QueuedAlert(
        alert_id=alert_id, kind="run_failure", org_unit_code=None, period_code=None, recipient=recipient,
        subject=composed.subject, message=build_message(composed, settings.sender, recipient, alert_id, clock()),
    )


def queue_and_flush(
    alert: QueuedAlert,
    build_db: Path,
    settings: AlertSettings,
    clock: Clock,
    run_id: str | None,
    lock_attempts: int = 5,
    lock_wait_seconds: float = 2.0,
) -> DeliverySummary | None:
    """None when the build database stayed locked and the alert went to the spool instead."""
    build_db.parent.mkdir(parents=True, exist_ok=True)
    for attempt in range(lock_attempts):
        try:
            connection = duckdb.connect(str(build_db))
        except duckdb.IOException:
            if attempt + 1 < lock_attempts:
                time.sleep(lock_wait_seconds)
            continue
        try:
            ensure_alert_tables(connection)
            enqueue(connection, settings.outbox_dir, alert, clock(), run_id)
            return flush_queue(connection, settings, clock, run_id)
        finally:
            connection.close()
    spool(settings.outbox_dir, alert)
    return None
