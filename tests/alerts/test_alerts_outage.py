"""Mail server down or refusing: alerts wait in the queue and go out exactly once when it recovers."""

from __future__ import annotations

import duckdb

from tests.alerts.alert_builders import HONGHAI, first_run_files, run_feedback


def outbox_state(warehouse) -> list[tuple]:
    with duckdb.connect(str(warehouse.paths.build_db), read_only=True) as connection:
        return connection.sql(
            "select org_unit_code, status, attempts, last_error is not null from raw.alert_outbox"
            " where recipient is not null order by org_unit_code"
        ).fetchall()


def logged_statuses(warehouse, unit: str) -> list[str]:
    with duckdb.connect(str(warehouse.paths.build_db), read_only=True) as connection:
        return [row[0] for row in connection.execute(
            "select delivery_status from raw.alert_log where org_unit_code = ? order by log_id", [unit]
        ).fetchall()]


def test_server_down_keeps_alerts_queued_then_delivers_them_once(alert_env, warehouse, smtp, tmp_path, clock):
    first_run_files(warehouse, tmp_path)
    smtp.stop()
    summary = run_feedback(warehouse, alert_env, clock)
    assert (summary.feedback_queued, summary.delivery.sent, summary.delivery.failed_attempts) == (2, 0, 1)
    assert outbox_state(warehouse) == [("QN-TYT-HONGHAI", "queued", 1, True)]
    assert logged_statuses(warehouse, "QN-TYT-HONGHAI") == ["queued", "failed_attempt"]

    clock.advance(hours=1)
    run_feedback(warehouse, alert_env, clock)  # still down: a second failed attempt, nothing lost
    assert outbox_state(warehouse) == [("QN-TYT-HONGHAI", "queued", 2, True)]

    smtp.start()
    clock.advance(hours=1)
    summary = run_feedback(warehouse, alert_env, clock)
    assert (summary.feedback_queued, summary.delivery.sent) == (0, 1)
    assert [m["To"] for m in smtp.messages] == [HONGHAI]
    assert outbox_state(warehouse) == [("QN-TYT-HONGHAI", "sent", 3, True)]
    assert logged_statuses(warehouse, "QN-TYT-HONGHAI") == ["queued", "failed_attempt", "failed_attempt", "sent"]

    clock.advance(hours=1)
    assert run_feedback(warehouse, alert_env, clock).delivery.sent == 0
    assert len(smtp.messages) == 1


def test_a_refused_recipient_stays_queued_and_is_sent_once_accepted(alert_env, warehouse, smtp, tmp_path, clock):
    first_run_files(warehouse, tmp_path)
    smtp.refuse(HONGHAI)
    assert run_feedback(warehouse, alert_env, clock).delivery.failed_attempts == 1
    with duckdb.connect(str(warehouse.paths.build_db), read_only=True) as connection:
        (error,) = connection.execute("select last_error from raw.alert_outbox where status = 'queued'").fetchone()
    assert "550" in error
    assert smtp.messages == []

    smtp.accept_all()
    clock.advance(hours=1)
    assert run_feedback(warehouse, alert_env, clock).delivery.sent == 1
    clock.advance(hours=1)
    assert run_feedback(warehouse, alert_env, clock).delivery.sent == 0
    assert [m["To"] for m in smtp.messages] == [HONGHAI]
