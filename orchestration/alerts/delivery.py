"""Queueing alerts and sending the queue over SMTP, surviving outages without repeats.

An alert enters the queue once (its id is its subject matter), is written to the outbox folder at
the same moment, and leaves the queue only when the server has accepted it or when there is no
way to mail it (no SMTP configured, no address). Any failure leaves it queued for the next flush,
which every run and every reminder tick performs.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from orchestration.alerts.model import FindingRow
from orchestration.alerts.outbox import spooled, write_outbox
from orchestration.alerts.store import QueuedAlert, alert_exists, queued_alerts, record_attempt, record_queued
from orchestration.lib.settings import AlertSettings, SmtpSettings

Clock = Callable[[], datetime]  # naive UTC: orchestration.lib.clock's Clock.utc_now in a run, a fake in tests
# What a server says about one message; a dropped connection is different and ends the flush.
_REFUSALS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


@dataclass(frozen=True)
class DeliverySummary:
    sent: int = 0
    outbox_only: int = 0
    failed_attempts: int = 0

    def __str__(self) -> str:
        return f"sent={self.sent} outbox_only={self.outbox_only} failed_attempts={self.failed_attempts}"


def enqueue(
    connection: duckdb.DuckDBPyConnection,
    outbox_dir: Path,
    alert: QueuedAlert,
    now: datetime,
    run_id: str | None,
    told: Sequence[FindingRow] = (),
    resolved: Sequence[str] = (),
) -> bool:
    """False when the same alert was queued before: that is how nothing is told twice."""
    if alert_exists(connection, alert.alert_id):
        return False
    eml = write_outbox(outbox_dir, alert, now)
    record_queued(connection, alert, str(eml), now, run_id, told=told, resolved=resolved)
    return True


def import_spool(connection: duckdb.DuckDBPyConnection, outbox_dir: Path, now: datetime, run_id: str | None) -> int:
    imported = 0
    for path, alert in spooled(outbox_dir):
        imported += enqueue(connection, outbox_dir, alert, now, run_id)
        path.unlink()
    return imported


def flush_queue(
    connection: duckdb.DuckDBPyConnection, settings: AlertSettings, clock: Clock, run_id: str | None
) -> DeliverySummary:
    import_spool(connection, settings.outbox_dir, clock(), run_id)
    outbox_only = 0
    deliverable = []
    for alert in queued_alerts(connection):
        if settings.smtp is None or alert.recipient is None:
            reason = "ALERT_SMTP_HOST is not set" if settings.smtp is None else "no e-mail address for the recipient"
            record_attempt(connection, alert.alert_id, "outbox_only", clock(), run_id, reason)
            outbox_only += 1
        else:
            deliverable.append(alert)
    if not deliverable:
        return DeliverySummary(outbox_only=outbox_only)
    sent, failed, handled = 0, 0, set()
    try:
        with smtp_session(settings.smtp) as client:
            for alert in deliverable:
                try:
                    client.sendmail(settings.sender, [alert.recipient], alert.message)
                except _REFUSALS as refusal:
                    record_attempt(connection, alert.alert_id, "failed_attempt", clock(), run_id, _describe(refusal))
                    failed += 1
                else:
                    record_attempt(connection, alert.alert_id, "sent", clock(), run_id)
                    sent += 1
                handled.add(alert.alert_id)
    except (OSError, smtplib.SMTPException) as error:
        for alert in deliverable:
            if alert.alert_id not in handled:
                record_attempt(connection, alert.alert_id, "failed_attempt", clock(), run_id, _describe(error))
                failed += 1
    return DeliverySummary(sent=sent, outbox_only=outbox_only, failed_attempts=failed)


@contextmanager
def smtp_session(settings: SmtpSettings) -> Iterator[smtplib.SMTP]:
    context = ssl.create_default_context()
    if settings.security == "ssl":
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout_seconds, context=context
        )
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_seconds)
    try:
        if settings.security == "starttls":
            client.starttls(context=context)
        if settings.user:
            client.login(settings.user, settings.password or "")
        yield client
    finally:
        try:
            client.quit()
        except (OSError, smtplib.SMTPException):
            client.close()  # the server already went away; the socket is all that is left to release


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:1000]
