"""The daily tick: reminders before deadlines, overdue notices after them, the weekly digest.

Each notice is queued under an id made of its kind, unit and period (the digest: its ISO week),
so a tick that runs twice, or a week of daily ticks inside the reminder window, sends it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from orchestration.alerts.delivery import Clock, DeliverySummary, enqueue, flush_queue
from orchestration.alerts.diffing import open_error_counts
from orchestration.alerts.messages import compose_deadline_notice, compose_digest
from orchestration.alerts.model import OfficerContact, health_departments, officer_contact, org_name, signers
from orchestration.alerts.published import PublishedSnapshot
from orchestration.alerts.reminders import due_notices, is_digest_day, received_dates, weekly_digest
from orchestration.alerts.rendering import ComposedEmail, build_message, usable_address
from orchestration.alerts.store import QueuedAlert, alert_identity, ensure_alert_tables
from orchestration.lib.registry import Registry
from orchestration.lib.settings import AlertSettings


@dataclass(frozen=True)
class ScheduledSummary:
    reminders_queued: int
    overdue_queued: int
    digests_queued: int
    delivery: DeliverySummary


def send_scheduled_notices(
    registry: Registry,
    published: PublishedSnapshot,
    connection: duckdb.DuckDBPyConnection,
    settings: AlertSettings,
    today: date,
    clock: Clock,
    run_id: str | None,
) -> ScheduledSummary:
    ensure_alert_tables(connection)
    signer_names = signers(registry.org_units.values(), registry.province_of, today)
    names = {code: (i.name_vi, i.name_en) for code, i in registry.indicators.items()}
    received = received_dates(published.submissions)
    queued = {"reminder": 0, "overdue": 0, "digest": 0}
    for notice in due_notices(registry, today, received, settings.reminder_working_days):
        unit, period_code = notice.report.unit, notice.report.period.code
        contact = officer_contact(registry, unit.code)
        composed = compose_deadline_notice(org_name(signer_names, registry.province_of(unit.code)), notice, names, contact)
        alert = _alert(notice.kind, (unit.code, period_code), unit.code, period_code, unit.email, composed, settings,
                       clock, contact)
        queued[notice.kind] += enqueue(connection, settings.outbox_dir, alert, clock(), run_id)
    if is_digest_day(registry, today):
        open_errors = open_error_counts(published.findings, published.submissions)
        year, week, _ = today.isocalendar()
        # Each department hears about its own province's units only.
        for department in health_departments(registry.org_units.values(), today):
            province = registry.province_of(department.code)
            digest = weekly_digest(registry, today, received, open_errors, province)
            composed = compose_digest(org_name(signer_names, province), digest)
            about = (department.code, f"{year}-W{week:02d}")
            alert = _alert("digest", about, department.code, None, department.email, composed, settings, clock)
            queued["digest"] += enqueue(connection, settings.outbox_dir, alert, clock(), run_id)
    delivery = flush_queue(connection, settings, clock, run_id)
    return ScheduledSummary(queued["reminder"], queued["overdue"], queued["digest"], delivery)


def _alert(
    kind: str, about: tuple[str, str], unit_code: str, period_code: str | None, email: str | None,
    composed: ComposedEmail, settings: AlertSettings, clock: Clock, contact: OfficerContact | None = None,
) -> QueuedAlert:
    alert_id = alert_identity(kind, *about)
    recipient = usable_address(email)
    return QueuedAlert(
        alert_id=alert_id, kind=kind, org_unit_code=unit_code, period_code=period_code, recipient=recipient,
        subject=composed.subject,
        message=build_message(composed, settings.sender, recipient, alert_id, clock(),
                               reply_to=contact.email if contact else None),
    )
