"""The rows one intake run appends to the ledger (`raw.submissions`, `submitted_values`,
`submitted_disaggregations`, `ingest_findings`), built from arrivals and their outcomes.

Kept apart from the intake's control flow so that what a ledger row holds can be read in one place:
a duplicate copies its original's identity, a quarantined file keeps whatever identity could be
read, every finding carries the unit and period of its file (or the unit it is addressed to).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping

from orchestration.ingest.arrivals import Arrival, Receipt
from orchestration.ingest.disaggregation_checks import AcceptedPart
from orchestration.ingest.findings import Finding
from orchestration.ingest.identity_checks import AcceptedValue
from orchestration.ingest.ledger import LedgerEntry
from orchestration.ingest.process import FileOutcome
from orchestration.lib.inbox import InboxListing
from orchestration.lib.workbook.reader import file_format_of


Rows = list[dict[str, Any]]


def ledger_rows(
    receipt: Receipt, first_id: int, ingested_at: datetime, run_id: str
) -> tuple[Rows, Rows, Rows, Rows, Rows]:
    """Submissions, values, findings, disaggregations and row notes of one run; ids follow arrival
    order from `first_id`."""
    ids = {arrival.inbox_path: first_id + offset for offset, arrival in enumerate(receipt.arrivals)}
    submissions: Rows = []
    values: Rows = []
    findings: Rows = []
    parts: Rows = []
    notes: Rows = []
    for arrival in receipt.arrivals:
        submission_id = ids[arrival.inbox_path]
        base = submission_base(arrival, submission_id, ingested_at, run_id)
        if arrival.inbox_path in receipt.duplicate_of:
            submissions.append(base | duplicate_columns(receipt.duplicate_of[arrival.inbox_path], ids, receipt.outcomes))
            continue
        outcome = receipt.outcomes[arrival.inbox_path]
        submissions.append(base | outcome_columns(outcome))
        unit_code = outcome.unit_code
        values += [value_row(submission_id, outcome.period_code, v) for v in outcome.values]
        parts += [part_row(submission_id, outcome.period_code, p) for p in outcome.parts]
        findings += [finding_row(submission_id, unit_code, outcome.period_code, arrival.file_name, f)
                     for f in outcome.findings]
        notes += [{"submission_id": submission_id, "period_code": outcome.period_code, **note._asdict()}
                  for note in outcome.notes]
    return submissions, values, findings, parts, notes


def submission_base(arrival: Arrival, submission_id: int, ingested_at: datetime, run_id: str) -> dict[str, Any]:
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


def outcome_columns(outcome: FileOutcome) -> dict[str, Any]:
    declared, rejection = outcome.declared, outcome.rejection
    return {
        "intake_status": outcome.intake_status,
        "org_unit_code": outcome.unit_code,
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


def duplicate_columns(
    original: LedgerEntry | Arrival, ids: Mapping[str, int], outcomes: Mapping[str, FileOutcome]
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
            outcome.unit_code, outcome.period_code, outcome.declared.get("period"))
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


def value_row(submission_id: int, period_code: str | None, value: AcceptedValue) -> dict[str, Any]:
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


def part_row(submission_id: int, period_code: str | None, part: AcceptedPart) -> dict[str, Any]:
    return {"submission_id": submission_id, "period_code": period_code} | part._asdict()


def finding_row(
    submission_id: int, unit_code: str | None, period_code: str | None, file_name: str, finding: Finding
) -> dict[str, Any]:
    return {
        "submission_id": submission_id,
        "org_unit_code": finding.org_unit_code or unit_code,
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


def inbox_entry_rows(listing: InboxListing, receipt: Receipt, seen_at: datetime, run_id: str) -> Rows:
    """Every ignored entry, and every submission received this run under a name that is not UTF-8
    (its raw bytes kept); `append_batch` keeps only those not recorded before."""
    common = {"first_seen_at": seen_at, "run_id": run_id}
    rows: Rows = [
        {"inbox_path": entry.inbox_path, "raw_path_hex": entry.raw_path_hex, "entry_kind": entry.entry_kind,
         "status": "ignored", "reason_code": entry.reason_code, "reason_vi": entry.reason_vi,
         "reason_en": entry.reason_en} | common
        for entry in listing.ignored
    ]
    received = {arrival.inbox_path for arrival in receipt.arrivals}
    for file in listing.files:
        if file.raw_path_hex is None or file.inbox_path not in received:
            continue
        rows.append({
            "inbox_path": file.inbox_path, "raw_path_hex": file.raw_path_hex, "entry_kind": "file",
            "status": "received", "reason_code": "ING_NAME_NOT_UTF8",
            "reason_vi": f"tên tệp không phải UTF-8; tệp vẫn được nhận và hiển thị là '{file.inbox_path}' "
                         "(mỗi byte lỗi ghi thành \\xNN).",
            "reason_en": f"the file name is not UTF-8; the file is received and shown as '{file.inbox_path}' "
                         "(each bad byte written as \\xNN).",
        } | common)
    return rows
