"""After each run: tell every unit what is new in its files, and what its resubmission fixed.

Glue between the pure parts: the plan (diffing), the annotated workbooks, the wording and the
queue. A unit gets at most one feedback e-mail and one acknowledgement per run. The workbooks are
annotated first, all of them, in parallel when there are many; then units are handled one by one
and a failure for one unit is recorded and passed over, so every other unit still hears back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from orchestration.alerts.annotate import AnnotatedWorkbook, NoAnnotation, annotate_submission
from orchestration.alerts.delivery import Clock, DeliverySummary, enqueue, flush_queue
from orchestration.alerts.diffing import plan_feedback
from orchestration.alerts.messages import compose_feedback, compose_resolved, feedback_files
from orchestration.alerts.model import FindingRow, UnitContact, org_name
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
from orchestration.lib.settings import AlertSettings
from orchestration.lib.work_pool import map_on_all_cores
from orchestration.lib.workbook.archive import read_archived


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
) -> FeedbackSummary:
    ensure_alert_tables(connection)
    plan = plan_feedback(
        published.findings, published.submissions, open_notified_findings(connection), notified_fingerprints(connection)
    )
    signer = org_name(published.units.values(), today)
    archived = archive_paths(connection, (f.submission_id for p in plan.values() for f in p.new_findings))
    annotations = _annotate_all(plan, archived, archive_dir, settings.max_attachment_bytes)
    feedback = acknowledgements = told = resolved = 0
    failed: list[UnitFailure] = []
    unannotated: list[tuple[str, str, str]] = []
    for unit_code, unit_plan in sorted(plan.items()):
        # A code typed in a file but missing from the registry still gets its outbox folder.
        unit = published.units.get(unit_code) or UnitContact(unit_code, unit_code, "unknown", None)
        try:
            if unit_plan.new_findings:
                files = feedback_files(_annotated_files(unit_plan.new_findings, annotations), settings.max_attachment_bytes)
                unannotated += [(unit.code, f.file_name, f.note_en) for f in files if f.attachment is None]
                composed = compose_feedback(signer, unit, files)
                alert = _alert("feedback", unit, composed, unit_plan.new_findings, settings, clock)
                if enqueue(connection, settings.outbox_dir, alert, clock(), run_id, told=unit_plan.new_findings):
                    feedback += 1
                    told += len(unit_plan.new_findings)
            if unit_plan.resolved_findings:
                composed = compose_resolved(signer, unit, unit_plan.resolved_findings)
                alert = _alert("resolved", unit, composed, unit_plan.resolved_findings, settings, clock)
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
    return FeedbackSummary(feedback, acknowledgements, told, resolved, delivery, tuple(failed), tuple(unannotated))


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


def _annotate_all(plan: dict, archived: dict[int, str], archive_dir: Path, max_bytes: int) -> dict[int, Annotation]:
    """Every file with new findings, each loaded and saved once, on every core when there are many;
    the units' messages are then composed one by one from the results."""
    requests: list[AnnotationRequest] = [
        (submission_id, findings[0].file_name, tuple(findings), archive_dir, archived.get(submission_id), max_bytes)
        for unit_plan in plan.values()
        for submission_id, findings in _by_submission(unit_plan.new_findings).items()
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
    clock: Clock,
) -> QueuedAlert:
    fingerprints = tuple(sorted(f.fingerprint for f in findings))
    alert_id = alert_identity(kind, unit.code, *fingerprints)
    recipient = usable_address(unit.email)
    periods = {f.period_code for f in findings}
    return QueuedAlert(
        alert_id=alert_id, kind=kind, org_unit_code=unit.code,
        period_code=periods.pop() if len(periods) == 1 else None, recipient=recipient, subject=composed.subject,
        message=build_message(composed, settings.sender, recipient, alert_id, clock()),
        finding_fingerprints=fingerprints,
    )
