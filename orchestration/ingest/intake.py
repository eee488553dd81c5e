"""The intake: every new file in the inbox is archived, parsed, checked and recorded in the ledger.

Each file is archived by content before anything reads it. A (path, content) pair already in the
ledger is skipped, so the intake can run as often as the sensor likes. The same bytes under
another name are recorded as a duplicate of the first copy; changed bytes under the same name are
a resubmission and get their own submission id. Ids follow arrival order (file mtime, then path)
so "the latest submission" means the one the unit sent last.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Mapping
from zoneinfo import ZoneInfo

import duckdb

from orchestration.ingest.archive import ArchivedFile, archive_file
from orchestration.ingest.findings import Finding
from orchestration.ingest.identity_checks import AcceptedValue
from orchestration.ingest.ledger import LedgerEntry, append_batch, load_ledger
from orchestration.ingest.process import FileOutcome, process_file
from orchestration.ingest.workers import process_in_workers
from orchestration.ingest.workbook_reader import file_format_of
from orchestration.lib.build_schema import ensure_submission_tables
from orchestration.lib.registry import Registry

# Below this many files, starting worker processes costs more than parsing in-process: spawning
# two workers took ~0.9 s while a demo workbook parses in ~0.7 ms (646 demo files: 0.46 s in-process,
# 1.3 s with workers). Parallelism pays off for backlogs (a first load of years of history).
PARALLEL_THRESHOLD = 1000
# Arrival times are Vietnam wall-clock time: deadlines are counted in local working days.
LOCAL_TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class IntakeSummary:
    files_seen: int  # files in the inbox, processed before or not
    new_files: int  # = accepted + quarantined + duplicates
    accepted: int
    quarantined: int
    duplicates: int
    values_loaded: int
    values_rejected: int  # held back by value-level errors (in accepted and quarantined files)
    findings_by_severity: Mapping[str, int]  # {"error": n, "warning": m}
    submission_ids: tuple[int, ...]  # ids given in this run, in arrival order
    unreadable_paths: tuple[str, ...]  # inbox files that could not be read at all; retried next run


@dataclass(frozen=True)
class _Arrival:
    inbox_path: str  # relative to the inbox, posix
    file_name: str
    archived: ArchivedFile
    arrived_at: datetime


def ingest_inbox(
    inbox_dir: Path,
    archive_dir: Path,
    connection: duckdb.DuckDBPyConnection,
    registry: Registry,
    run_id: str,
    today: date,
) -> IntakeSummary:
    ensure_submission_tables(connection)
    archive_dir.mkdir(parents=True, exist_ok=True)  # fail loudly here, not once per file below
    ledger = load_ledger(connection)
    paths = scan_inbox(inbox_dir)
    arrivals, unreadable_paths = _new_arrivals(paths, inbox_dir, archive_dir, ledger)

    next_id = max((entry.submission_id for entry in ledger), default=0) + 1
    ids = {a.inbox_path: next_id + i for i, a in enumerate(arrivals)}
    originals = _first_copies(ledger)
    duplicate_of: dict[str, LedgerEntry | _Arrival] = {}
    to_parse: list[_Arrival] = []
    for arrival in arrivals:
        original = originals.get(arrival.archived.content_hash)
        if original is None:
            originals[arrival.archived.content_hash] = arrival
            to_parse.append(arrival)
        else:
            duplicate_of[arrival.inbox_path] = original
    outcomes = _process_all(to_parse, archive_dir, registry, today)

    ingested_at = datetime.now(LOCAL_TIMEZONE).replace(tzinfo=None)
    submissions, values, findings = [], [], []
    for arrival in arrivals:
        submission_id = ids[arrival.inbox_path]
        base = _submission_base(arrival, submission_id, ingested_at, run_id)
        if arrival.inbox_path in duplicate_of:
            submissions.append(base | _duplicate_columns(duplicate_of[arrival.inbox_path], ids, outcomes))
            continue
        outcome = outcomes[arrival.inbox_path]
        submissions.append(base | _outcome_columns(outcome))
        unit_code = outcome.declared.get("unit_code")
        values += [_value_row(submission_id, outcome.period_code, v) for v in outcome.values]
        findings += [_finding_row(submission_id, unit_code, outcome.period_code, arrival.file_name, f)
                     for f in outcome.findings]
    append_batch(connection, submissions, values, findings)

    statuses = Counter(row["intake_status"] for row in submissions)
    severities = Counter(row["severity"] for row in findings)
    return IntakeSummary(
        files_seen=len(paths),
        new_files=len(arrivals),
        accepted=statuses["accepted"],
        quarantined=statuses["quarantined"],
        duplicates=statuses["duplicate"],
        values_loaded=len(values),
        values_rejected=sum(row["values_rejected"] for row in submissions),
        findings_by_severity={"error": severities["error"], "warning": severities["warning"]},
        submission_ids=tuple(row["submission_id"] for row in submissions),
        unreadable_paths=tuple(unreadable_paths),
    )


def scan_inbox(inbox_dir: Path) -> list[Path]:
    """Regular files only, in a stable order. Hidden files and folders (`.gitkeep`, `.sync`) and
    Office lock files (`~$bc.xlsx`, present while a workbook is open) are not submissions;
    symbolic links are skipped so nothing outside the inbox is ever read."""
    if not inbox_dir.is_dir():
        raise FileNotFoundError(f"Inbox folder not found / Không tìm thấy thư mục nhận báo cáo: {inbox_dir}")
    found = []
    for folder, subfolders, file_names in os.walk(inbox_dir):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        for name in sorted(file_names):
            path = Path(folder) / name
            if name.startswith((".", "~$")) or path.is_symlink() or not path.is_file():
                continue
            found.append(path)
    return found


def _new_arrivals(
    paths: list[Path], inbox_dir: Path, archive_dir: Path, ledger: list[LedgerEntry]
) -> tuple[list[_Arrival], list[str]]:
    """Archive every file; keep, in arrival order, those whose (path, content) the ledger has not seen."""
    processed = {(entry.inbox_path, entry.content_hash) for entry in ledger}
    arrivals: list[_Arrival] = []
    unreadable_paths: list[str] = []
    for path in paths:
        inbox_path = path.relative_to(inbox_dir).as_posix()
        try:
            modified = path.stat().st_mtime
            archived = archive_file(path, archive_dir)
        except OSError:
            # Vanished or locked between listing and reading: nothing to record, the next run retries.
            unreadable_paths.append(inbox_path)
            continue
        if (inbox_path, archived.content_hash) not in processed:
            arrived_at = datetime.fromtimestamp(modified, LOCAL_TIMEZONE).replace(tzinfo=None)
            arrivals.append(_Arrival(inbox_path, path.name, archived, arrived_at))
    arrivals.sort(key=lambda a: (a.arrived_at, a.inbox_path))
    return arrivals, unreadable_paths


def _first_copies(ledger: list[LedgerEntry]) -> dict[str, LedgerEntry | _Arrival]:
    """Content hash -> the first submission that brought those bytes (ledger is in id order)."""
    first: dict[str, LedgerEntry | _Arrival] = {}
    for entry in ledger:
        if entry.intake_status != "duplicate":
            first.setdefault(entry.content_hash, entry)
    return first


def _process_all(
    arrivals: list[_Arrival], archive_dir: Path, registry: Registry, today: date
) -> dict[str, FileOutcome]:
    jobs = [(archive_dir / a.archived.relative_path, a.file_name) for a in arrivals]
    if len(jobs) <= PARALLEL_THRESHOLD:
        results = [process_file(path, name, registry, today) for path, name in jobs]
    else:
        results = process_in_workers(jobs, registry, today)
    return {arrival.inbox_path: result for arrival, result in zip(arrivals, results)}


def _submission_base(arrival: _Arrival, submission_id: int, ingested_at: datetime, run_id: str) -> dict[str, Any]:
    return {
        "submission_id": submission_id,
        "content_hash": arrival.archived.content_hash,
        "file_name": arrival.file_name,
        "inbox_path": arrival.inbox_path,
        "archive_path": arrival.archived.relative_path,
        "file_format": file_format_of(arrival.file_name) or None,
        "file_size_bytes": arrival.archived.size_bytes,
        "arrived_at": arrival.arrived_at,
        "ingested_at": ingested_at,
        "run_id": run_id,
        "values_read": 0,
        "values_rejected": 0,
    }


def _outcome_columns(outcome: FileOutcome) -> dict[str, Any]:
    declared, rejection = outcome.declared, outcome.rejection
    return {
        "intake_status": outcome.intake_status,
        "org_unit_code": declared.get("unit_code"),
        "period_code": outcome.period_code,
        "period_text": declared.get("period"),
        "declared_unit_name": declared.get("unit_name"),
        "declared_report_date": declared.get("report_date"),
        "preparer_name": declared.get("preparer"),
        "table_sheet": outcome.table_sheet,
        "reason_code": rejection.reason_code if rejection else None,
        "reason_vi": rejection.reason_vi if rejection else None,
        "reason_en": rejection.reason_en if rejection else None,
        "values_read": outcome.values_read,
        "values_rejected": outcome.values_rejected,
    }


def _duplicate_columns(
    original: LedgerEntry | _Arrival, ids: Mapping[str, int], outcomes: Mapping[str, FileOutcome]
) -> dict[str, Any]:
    """Same bytes, same declared identity: copied from the first copy so the duplicate still shows
    whose file it is."""
    if isinstance(original, LedgerEntry):
        original_id, original_name = original.submission_id, original.file_name
        unit_code, period_code, period_text = original.org_unit_code, original.period_code, original.period_text
    else:
        outcome = outcomes[original.inbox_path]
        original_id, original_name = ids[original.inbox_path], original.file_name
        unit_code, period_code, period_text = (
            outcome.declared.get("unit_code"), outcome.period_code, outcome.declared.get("period"))
    return {
        "intake_status": "duplicate",
        "duplicate_of_submission_id": original_id,
        "org_unit_code": unit_code,
        "period_code": period_code,
        "period_text": period_text,
        "reason_code": "ING_DUPLICATE_FILE",
        "reason_vi": f"Trùng nội dung với tệp '{original_name}' đã nhận (mã nộp {original_id}); không xử lý lại. "
                     "Cách sửa: không cần làm gì; muốn sửa số liệu thì gửi tệp đã sửa.",
        "reason_en": f"Same content as the file '{original_name}' already received (submission {original_id}); "
                     "not processed again. How to fix: nothing to do; to correct figures send the corrected file.",
    }


def _value_row(submission_id: int, period_code: str | None, value: AcceptedValue) -> dict[str, Any]:
    return {
        "submission_id": submission_id,
        "org_unit_code": value.org_unit_code,
        "period_code": period_code,
        "indicator_code": value.indicator_code,
        "value": value.value,
        "value_text": value.value_text,
        "sheet_name": value.sheet_name,
        "cell_ref": value.cell_ref,
    }


def _finding_row(
    submission_id: int, unit_code: str | None, period_code: str | None, file_name: str, finding: Finding
) -> dict[str, Any]:
    return {
        "submission_id": submission_id,
        "org_unit_code": unit_code,
        "period_code": period_code,
        "indicator_code": finding.indicator_code,
        "rule_code": finding.rule_code,
        "severity": finding.severity,
        "message_vi": finding.message_vi,
        "message_en": finding.message_en,
        "file_name": file_name,
        "sheet_name": finding.sheet_name,
        "cell_ref": finding.cell_ref,
        "value_text": finding.value_text,
    }
