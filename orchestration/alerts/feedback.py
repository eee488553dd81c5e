"""After each run: tell every unit what is new in its files, and what its resubmission fixed.

Glue between the pure parts: the plan (diffing), the annotated workbooks, the wording and the
queue. A unit gets at most one feedback e-mail, one summary of older findings (a first run or a
long outage would otherwise bury this month's report under two years of items) and one
acknowledgement per run; every one names the province's data officer, who receives the replies.
The workbooks are annotated first, all of them, in parallel when there are many; then units are
handled one by one and a failure for one unit is recorded and passed over, so every other unit
still hears back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import duckdb

from orchestration.alerts.annotate import AnnotatedWorkbook, NoAnnotation, annotate_submission
from orchestration.alerts.delivery import Clock, DeliverySummary, enqueue, flush_queue
from orchestration.alerts.diffing import plan_feedback
from orchestration.alerts.clerk_text import clerk_text
from orchestration.alerts.labels import day_vi, period_labels
from orchestration.alerts.messages import compose_backlog, compose_feedback, compose_resolved, feedback_files
from orchestration.alerts.model import FindingRow, OfficerContact, UnitContact, officer_contact, org_name, signers
from orchestration.alerts.published import PublishedSnapshot
from orchestration.alerts.rendering import ComposedEmail, build_message, usable_address
from orchestration.alerts.store import (
    QueuedAlert,
    alert_identity,
    archive_paths,
    ensure_alert_tables,
    notified_fingerprints,
    open_notified_findings,
)
from orchestration.lib.periods import PeriodError, period_from_code
from orchestration.lib.registry import Registry
from orchestration.lib.settings import AlertSettings
from orchestration.lib.work_pool import map_on_all_cores
from orchestration.lib.workbook.archive import read_archived

RECENT_PERIODS = 2  # months a unit hears about item by item; older findings are summarised


@dataclass(frozen=True)
class UnitFailure:
    """A unit whose feedback could not be queued this run; its findings stay untold, so the next run
    tries again."""

    org_unit_code: str
    error: str


@dataclass(frozen=True)
class FeedbackSummary:
    feedback_queued: int
    acknowledgements_queued: int
    backlogs_queued: int
    findings_told: int
    findings_resolved: int
    delivery: DeliverySummary
    failed_units: tuple[UnitFailure, ...] = ()
    unannotated_files: tuple[tuple[str, str, str], ...] = ()  # (unit, file, why) sent without a copy


def send_unit_feedback(
    published: PublishedSnapshot,
    connection: duckdb.DuckDBPyConnection,
    archive_dir: Path,
    settings: AlertSettings,
    clock: Clock,
    run_id: str | None,
    today: date,
    registry: Registry,
) -> FeedbackSummary:
    ensure_alert_tables(connection)
    plan = plan_feedback(
        published.findings, published.submissions, open_notified_findings(connection), notified_fingerprints(connection)
    )
    units = published.units
    signer_names = signers(units.values(), lambda code: units[code].province_code, today)
    archived = archive_paths(connection, (f.submission_id for p in plan.values() for f in p.new_findings))
    names = published.indicator_names
    latest_ends = _latest_period_ends(published)
    cutoffs = {code: backlog_cutoff(_latest_end(latest_ends.get(code), p.new_findings, today)) for code, p in plan.items()}
    worded = {code: _worded_recent(p.new_findings, cutoffs[code], names, today) for code, p in plan.items()}
    annotations = _annotate_all(
        [f for findings in worded.values() if not isinstance(findings, Exception) for f in findings],
        archived, archive_dir, settings.max_attachment_bytes,
    )
    feedback = acknowledgements = backlogs = told = resolved = 0
    failed: list[UnitFailure] = []
    unannotated: list[tuple[str, str, str]] = []
    for unit_code, unit_plan in sorted(plan.items()):
        # A code typed in a file but missing from the registry still gets its outbox folder.
        unit = published.units.get(unit_code) or UnitContact(unit_code, unit_code, "unknown", None)
        signer = org_name(signer_names, unit.province_code)
        contact = officer_contact(registry, unit.code)
        since = cutoffs[unit_code]
        try:
            recent_worded = worded[unit_code]
            if isinstance(recent_worded, Exception):
                raise recent_worded
            recent = [f for f in unit_plan.new_findings if not is_backlog(f, since)]
            older = [f for f in unit_plan.new_findings if is_backlog(f, since)]
            if recent:
                files = feedback_files(_annotated_files(recent_worded, annotations), settings.max_attachment_bytes)
                unannotated += [(unit.code, f.file_name, f.note_en) for f in files if f.attachment is None]
                originals = {f.fingerprint: f for f in recent}
                files = [replace(file, findings=tuple(originals[f.fingerprint] for f in file.findings)) for file in files]
                composed = compose_feedback(signer, unit, files, names, contact, today)
                alert = _alert("feedback", unit, composed, recent, settings, clock, contact)
                if enqueue(connection, settings.outbox_dir, alert, clock(), run_id, told=recent):
                    feedback += 1
                    told += len(recent)
            if older:
                composed = compose_backlog(signer, unit, older, names, contact, since, bool(recent))
                alert = _alert("backlog", unit, composed, older, settings, clock, contact)
                if enqueue(connection, settings.outbox_dir, alert, clock(), run_id, told=older):
                    backlogs += 1
                    told += len(older)
            if unit_plan.resolved_findings:
                composed = compose_resolved(signer, unit, unit_plan.resolved_findings, names, contact)
                alert = _alert("resolved", unit, composed, unit_plan.resolved_findings, settings, clock, contact)
                fingerprints = alert.finding_fingerprints
                if enqueue(connection, settings.outbox_dir, alert, clock(), run_id, resolved=fingerprints):
                    acknowledgements += 1
                    resolved += len(unit_plan.resolved_findings)
        except (OSError, duckdb.Error):
            raise  # the disk or the build database, not this unit: every later unit would fail alike
        # One unit's workbook or wording must not cost every later unit its feedback; the failure
        # is reported with the unit's code and the run is marked failed by the asset.
        except Exception as error:  # noqa: BLE001
            failed.append(UnitFailure(unit.code, f"{type(error).__name__}: {error}"[:1000]))
    delivery = flush_queue(connection, settings, clock, run_id)
    return FeedbackSummary(
        feedback, acknowledgements, backlogs, told, resolved, delivery, tuple(failed), tuple(unannotated)
    )


def backlog_cutoff(latest_end: date) -> date:
    """The unit's last two reporting periods, counted back from the end of the latest period it sent
    a file for: after a December report, November and December are current and a period that ended
    before 1 November is backlog. Counted from the unit's files, not today, so a first run on two
    years of files and a unit back after a long outage both hear about their latest report first."""
    month = latest_end.month - (RECENT_PERIODS - 1)
    year = latest_end.year + (month - 1) // 12
    return date(year, (month - 1) % 12 + 1, 1)


def is_backlog(finding: FindingRow, since: date) -> bool:
    """A finding on a period that ended before `since`; one whose period is unknown is current."""
    try:
        return finding.period_code is not None and period_from_code(finding.period_code).end < since
    except PeriodError:
        return False


def _latest_end(latest_file_end: date | None, findings: Sequence[FindingRow], today: date) -> date:
    """The newest period the unit sent a file for or is being told about: a unit whose only file was
    held under another unit's code (a file named for it, holding someone else's) has no file of its
    own, and counting back from today would call this month's finding a backlog."""
    ends = [latest_file_end] if latest_file_end is not None else []
    for finding in findings:
        if finding.period_code is None:
            continue
        try:
            ends.append(period_from_code(finding.period_code).end)
        except PeriodError:
            continue
    return max(ends, default=today)


def _latest_period_ends(published: PublishedSnapshot) -> dict[str, date]:
    ends: dict[str, date] = {}
    for submission in published.submissions:
        if submission.org_unit_code is None or submission.period_code is None:
            continue
        try:
            end = period_from_code(submission.period_code).end
        except PeriodError:
            continue
        ends[submission.org_unit_code] = max(end, ends.get(submission.org_unit_code, end))
    return ends


def _worded_recent(
    findings: Sequence[FindingRow], since: date, names: dict[str, tuple[str, str]], today: date
) -> list[FindingRow] | Exception:
    """The unit's current findings as its annotated copy words them. An error wording them is
    returned, not raised, and raised again inside that unit's own turn: it costs only that unit."""
    try:
        return [_worded(f, names, today) for f in findings if not is_backlog(f, since)]
    except Exception as error:  # noqa: BLE001
        return error


def _worded(finding: FindingRow, names: dict[str, tuple[str, str]], today: date) -> FindingRow:
    """The copy annotation reads: each cell comment is the clerk's sentence, with the indicator as
    on the form and the day of the check, not the data officer's message."""
    text = clerk_text(finding, names)
    period_vi, period_en = period_labels(finding.period_code)
    return replace(
        finding,
        message_vi=f"{text.indicator_vi} – {period_vi}: {text.sentence_vi} (Kiểm tra ngày {day_vi(today)}.)",
        message_en=f"{text.indicator_en} – {period_en}: {text.sentence_en} (Checked on {today.isoformat()}.)",
    )


# Above this many workbooks to annotate, worker processes annotate alongside this one: a workbook
# costs about 0.1 s of openpyxl, a worker about 1.4 s to start from a Dagster run.
ANNOTATION_POOL_THRESHOLD = 40

Annotation = AnnotatedWorkbook | NoAnnotation | Exception
AnnotationRequest = tuple[int, str, tuple[FindingRow, ...], Path, str | None, int]


def _by_submission(findings: Sequence[FindingRow]) -> dict[int, list[FindingRow]]:
    grouped: dict[int, list[FindingRow]] = defaultdict(list)
    for finding in findings:
        grouped[finding.submission_id].append(finding)
    return grouped


def _annotate_all(
    findings: Sequence[FindingRow], archived: dict[int, str], archive_dir: Path, max_bytes: int
) -> dict[int, Annotation]:
    """Every file with current findings, each loaded and saved once, on every core when there are
    many; the units' messages are then composed one by one from the results."""
    requests: list[AnnotationRequest] = [
        (submission_id, file_findings[0].file_name, tuple(file_findings), archive_dir, archived.get(submission_id), max_bytes)
        for submission_id, file_findings in _by_submission(findings).items()
    ]
    results = map_on_all_cores(_annotate_request, requests, chunk_size=8, threshold=ANNOTATION_POOL_THRESHOLD)
    return {request[0]: result for request, result in zip(requests, results)}


def _annotate_request(request: AnnotationRequest) -> Annotation:
    """Runs in a worker: reads the archived copy itself, so only paths cross between processes. An
    unexpected error is returned, not raised, so it costs only its own unit (see the loop above)."""
    _, file_name, findings, archive_dir, archive_path, max_bytes = request
    try:
        return annotate_submission(_archived_copy(archive_dir, archive_path, max_bytes), file_name, findings, max_bytes)
    except Exception as error:  # noqa: BLE001
        return error


def _annotated_files(
    findings: Sequence[FindingRow], annotations: dict[int, Annotation]
) -> list[tuple[str, list[FindingRow], AnnotatedWorkbook | NoAnnotation]]:
    entries = []
    for submission_id, submission_findings in _by_submission(findings).items():
        annotated = annotations[submission_id]
        if isinstance(annotated, Exception):
            raise annotated
        entries.append((submission_findings[0].file_name, submission_findings, annotated))
    return entries


def _archived_copy(archive_dir: Path, archive_path: str | None, max_bytes: int) -> bytes | None:
    """One byte more than an attachment may take, so a larger file is known as such unread."""
    if archive_path is None:
        return None
    try:
        return read_archived(archive_dir, archive_path, max_bytes + 1)
    except OSError:
        return None


def _alert(
    kind: str, unit: UnitContact, composed: ComposedEmail, findings: Sequence[FindingRow], settings: AlertSettings,
    clock: Clock, contact: OfficerContact | None,
) -> QueuedAlert:
    fingerprints = tuple(sorted(f.fingerprint for f in findings))
    alert_id = alert_identity(kind, unit.code, *fingerprints)
    recipient = usable_address(unit.email)
    periods = {f.period_code for f in findings}
    return QueuedAlert(
        alert_id=alert_id, kind=kind, org_unit_code=unit.code,
        period_code=periods.pop() if len(periods) == 1 else None, recipient=recipient, subject=composed.subject,
        message=build_message(composed, settings.sender, recipient, alert_id, clock(),
                              reply_to=contact.email if contact else None),
        finding_fingerprints=fingerprints,
    )
