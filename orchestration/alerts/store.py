"""Alert state in the build database: what was told to whom, what is still waiting to go out.

The build database is the pipeline's only read-write store, so the queue lives there and survives
restarts and mail-server outages. Three tables:
- `raw.alert_outbox`: one row per alert with the complete message, sent byte for byte on every
  attempt; `alert_id` is derived from what the alert is about, so queueing it again is a no-op.
- `raw.alert_log`: append-only history (queued, sent, failed_attempt, outbox_only) for the marts.
- `raw.alert_findings`: every finding told to a unit, and the acknowledgement that closed it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb

from orchestration.alerts.model import FindingRow

ALERT_TABLES_DDL = {
    "alert_outbox": """
        create table if not exists raw.alert_outbox (
            alert_id             varchar primary key,  -- sha256 of kind and subject matter
            kind                 varchar not null,     -- feedback|backlog|resolved|reminder|overdue|digest|run_failure
            org_unit_code        varchar,              -- addressee unit; null for the engineer
            period_code          varchar,              -- null when the alert spans periods
            recipient            varchar,              -- null: no usable address, outbox folder only
            subject              varchar not null,
            message              blob not null,        -- complete RFC 5322 message
            finding_fingerprints varchar[] not null,   -- findings told (feedback) or closed (resolved)
            outbox_path          varchar not null,     -- the .eml written to the outbox folder
            created_at           timestamp not null,   -- UTC
            run_id               varchar,
            status               varchar not null,     -- queued | sent | outbox_only
            attempts             integer not null default 0,
            last_attempt_at      timestamp,
            last_error           varchar,
            delivered_at         timestamp
        )""",
    "alert_log_sequence": "create sequence if not exists raw.alert_log_sequence",
    "alert_log": """
        create table if not exists raw.alert_log (
            log_id               bigint primary key default nextval('raw.alert_log_sequence'),  -- event order
            alert_id             varchar not null,
            kind                 varchar not null,
            org_unit_code        varchar,
            period_code          varchar,
            recipient            varchar,
            finding_fingerprints varchar[] not null,
            logged_at            timestamp not null,   -- UTC
            delivery_status      varchar not null,     -- queued | sent | failed_attempt | outbox_only
            detail               varchar,              -- the server's answer on a failed attempt
            run_id               varchar
        )""",
    "alert_findings": """
        create table if not exists raw.alert_findings (
            fingerprint          varchar primary key,
            org_unit_code        varchar not null,
            period_code          varchar,
            indicator_code       varchar,
            rule_code            varchar not null,
            severity             varchar not null,
            message_vi           varchar not null,
            message_en           varchar not null,
            file_name            varchar not null,
            sheet_name           varchar,
            cell_ref             varchar,
            submission_id        bigint not null,
            notified_alert_id    varchar not null,
            resolved_alert_id    varchar               -- null while the unit has not fixed it
        )""",
}

_FINDING_COLUMNS = (
    "org_unit_code, period_code, indicator_code, rule_code, severity, message_vi, message_en, "
    "file_name, sheet_name, cell_ref, submission_id"
)


@dataclass(frozen=True)
class QueuedAlert:
    alert_id: str
    kind: str
    org_unit_code: str | None
    period_code: str | None
    recipient: str | None
    subject: str
    message: bytes
    finding_fingerprints: tuple[str, ...] = ()


def alert_identity(kind: str, *about: object) -> str:
    """Same kind and subject matter, same id: the outbox's primary key is what stops repeats."""
    return hashlib.sha256("|".join([kind, *(str(part or "") for part in about)]).encode()).hexdigest()


def ensure_alert_tables(connection: duckdb.DuckDBPyConnection) -> None:
    connection.execute("create schema if not exists raw")
    for ddl in ALERT_TABLES_DDL.values():
        connection.execute(ddl)


def alert_exists(connection: duckdb.DuckDBPyConnection, alert_id: str) -> bool:
    return connection.execute("select 1 from raw.alert_outbox where alert_id = ?", [alert_id]).fetchone() is not None


def notified_fingerprints(connection: duckdb.DuckDBPyConnection) -> set[str]:
    return {row[0] for row in connection.execute("select fingerprint from raw.alert_findings").fetchall()}


def open_notified_findings(connection: duckdb.DuckDBPyConnection) -> list[FindingRow]:
    rows = connection.execute(
        f"select {_FINDING_COLUMNS} from raw.alert_findings where resolved_alert_id is null"
    ).fetchall()
    return [FindingRow(*row) for row in rows]


def record_queued(
    connection: duckdb.DuckDBPyConnection,
    alert: QueuedAlert,
    outbox_path: str,
    now: datetime,
    run_id: str | None,
    told: Sequence[FindingRow] = (),
    resolved: Iterable[str] = (),
) -> None:
    """One transaction: an alert is queued together with the findings it tells or closes, so a crash
    can neither lose a finding nor tell it twice."""
    connection.begin()
    try:
        connection.execute(
            "insert into raw.alert_outbox (alert_id, kind, org_unit_code, period_code, recipient, subject, message,"
            " finding_fingerprints, outbox_path, created_at, run_id, status) values (?,?,?,?,?,?,?,?,?,?,?,'queued')",
            [alert.alert_id, alert.kind, alert.org_unit_code, alert.period_code, alert.recipient, alert.subject,
             alert.message, list(alert.finding_fingerprints), outbox_path, now, run_id],
        )
        _log(connection, alert.alert_id, "queued", now, run_id, None)
        for finding in told:
            connection.execute(
                f"insert into raw.alert_findings (fingerprint, {_FINDING_COLUMNS}, notified_alert_id)"
                " values (?,?,?,?,?,?,?,?,?,?,?,?,?) on conflict do nothing",
                [finding.fingerprint, finding.org_unit_code, finding.period_code, finding.indicator_code,
                 finding.rule_code, finding.severity, finding.message_vi, finding.message_en, finding.file_name,
                 finding.sheet_name, finding.cell_ref, finding.submission_id, alert.alert_id],
            )
        resolved = list(resolved)
        if resolved:
            connection.execute(
                "update raw.alert_findings set resolved_alert_id = ? where list_contains(?, fingerprint)",
                [alert.alert_id, resolved],
            )
        connection.commit()
    except BaseException:
        _roll_back(connection)
        raise


def queued_alerts(connection: duckdb.DuckDBPyConnection) -> list[QueuedAlert]:
    rows = connection.execute(
        "select alert_id, kind, org_unit_code, period_code, recipient, subject, message, finding_fingerprints"
        " from raw.alert_outbox where status = 'queued' order by created_at, alert_id"
    ).fetchall()
    return [QueuedAlert(*row[:6], bytes(row[6]), tuple(row[7])) for row in rows]


def record_attempt(
    connection: duckdb.DuckDBPyConnection,
    alert_id: str,
    status: str,
    now: datetime,
    run_id: str | None,
    detail: str | None = None,
) -> None:
    """`status`: sent or outbox_only close the alert; failed_attempt leaves it queued for the next run."""
    connection.begin()
    try:
        if status == "failed_attempt":
            connection.execute(
                "update raw.alert_outbox set attempts = attempts + 1, last_attempt_at = ?, last_error = ?"
                " where alert_id = ?",
                [now, detail, alert_id],
            )
        elif status == "sent":
            connection.execute(
                "update raw.alert_outbox set status = 'sent', attempts = attempts + 1, last_attempt_at = ?,"
                " delivered_at = ? where alert_id = ?",
                [now, now, alert_id],
            )
        else:
            connection.execute("update raw.alert_outbox set status = ? where alert_id = ?", [status, alert_id])
        _log(connection, alert_id, status, now, run_id, detail)
        connection.commit()
    except BaseException:
        _roll_back(connection)
        raise


def archive_paths(connection: duckdb.DuckDBPyConnection, submission_ids: Iterable[int]) -> dict[int, str]:
    ids = sorted(set(submission_ids))
    if not ids:
        return {}
    rows = connection.execute(
        "select submission_id, archive_path from raw.submissions where list_contains(?, submission_id)", [ids]
    ).fetchall()
    return dict(rows)


def _roll_back(connection: duckdb.DuckDBPyConnection) -> None:
    """A failed commit (a full disk, say) may already have ended the transaction; the failure being
    handled is the one to report, so "no transaction is active" must not take its place."""
    try:
        connection.rollback()
    except duckdb.Error:
        pass  # nothing left to undo; the caller re-raises the original failure


def _log(
    connection: duckdb.DuckDBPyConnection, alert_id: str, status: str, now: datetime, run_id: str | None,
    detail: str | None,
) -> None:
    connection.execute(
        "insert into raw.alert_log (alert_id, kind, org_unit_code, period_code, recipient, finding_fingerprints,"
        " logged_at, delivery_status, detail, run_id) select alert_id, kind, org_unit_code, period_code, recipient,"
        " finding_fingerprints, ?, ?, ?, ? from raw.alert_outbox where alert_id = ?",
        [now, status, detail, run_id, alert_id],
    )
