"""Reading and appending the submission ledger in the build database (`raw.*` tables).

The ledger is append-only and is the intake's memory: a (path, content) pair already in it is
not processed again, which makes re-runs idempotent. A batch is appended in one transaction so a
crash can never leave a submission recorded without its values (it would then be skipped forever).
Rows go in through a registered DataFrame with explicit dtypes: parameterised, fast, and with
nullable integers so a missing id is NULL rather than NaN.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping, Sequence

import duckdb
import pandas as pd

SUBMISSION_COLUMNS = {
    "submission_id": "Int64",
    "content_hash": "string",
    "file_name": "string",
    "inbox_path": "string",
    "archive_path": "string",
    "file_format": "string",
    "file_size_bytes": "Int64",
    "arrived_at": "datetime64[us]",
    "ingested_at": "datetime64[us]",
    "run_id": "string",
    "intake_status": "string",
    "duplicate_of_submission_id": "Int64",
    "org_unit_code": "string",
    "period_code": "string",
    "period_text": "string",
    "declared_unit_name": "string",
    "declared_report_date": "string",
    "preparer_name": "string",
    "table_sheet": "string",
    "reason_code": "string",
    "reason_vi": "string",
    "reason_en": "string",
    "values_read": "Int64",
    "values_rejected": "Int64",
}
VALUE_COLUMNS = {
    "submission_id": "Int64",
    "org_unit_code": "string",
    "period_code": "string",
    "indicator_code": "string",
    "value": "float64",
    "value_text": "string",
    "sheet_name": "string",
    "cell_ref": "string",
}
PART_COLUMNS = {
    "submission_id": "Int64",
    "org_unit_code": "string",
    "period_code": "string",
    "indicator_code": "string",
    "dimension_code": "string",
    "option_code": "string",
    "value": "float64",
    "value_text": "string",
    "sheet_name": "string",
    "cell_ref": "string",
    "total_cell_ref": "string",
}
NOTE_COLUMNS = {
    "submission_id": "Int64",
    "org_unit_code": "string",
    "period_code": "string",
    "indicator_code": "string",
    "sheet_name": "string",
    "cell_ref": "string",
    "note_text": "string",
    "not_applicable": "boolean",
}
FINDING_COLUMNS = {
    "submission_id": "Int64",
    "org_unit_code": "string",
    "period_code": "string",
    "indicator_code": "string",
    "rule_code": "string",
    "severity": "string",
    "message_vi": "string",
    "message_en": "string",
    "file_name": "string",
    "sheet_name": "string",
    "cell_ref": "string",
    "value_text": "string",
}

INBOX_ENTRY_COLUMNS = {
    "inbox_path": "string",
    "raw_path_hex": "string",
    "entry_kind": "string",
    "status": "string",
    "reason_code": "string",
    "reason_vi": "string",
    "reason_en": "string",
    "first_seen_at": "datetime64[us]",
    "run_id": "string",
}

Row = Mapping[str, Any]


@dataclass(frozen=True)
class LedgerEntry:
    submission_id: int
    inbox_path: str
    content_hash: str
    file_name: str
    archive_path: str
    intake_status: str
    org_unit_code: str | None
    period_code: str | None
    period_text: str | None
    file_size_bytes: int
    arrived_at: datetime


def load_ledger(connection: duckdb.DuckDBPyConnection) -> list[LedgerEntry]:
    rows = connection.execute(
        """select submission_id, inbox_path, content_hash, file_name, archive_path, intake_status,
                  org_unit_code, period_code, period_text, file_size_bytes, arrived_at
           from raw.submissions order by submission_id"""
    ).fetchall()
    return [LedgerEntry(*row) for row in rows]


def append_batch(
    connection: duckdb.DuckDBPyConnection,
    submissions: Sequence[Row],
    values: Sequence[Row],
    findings: Sequence[Row],
    inbox_entries: Sequence[Row] = (),
    parts: Sequence[Row] = (),
    notes: Sequence[Row] = (),
) -> None:
    """`inbox_entries` already in `raw.inbox_entries` (same path, raw name and kind) are left out."""
    connection.begin()
    try:
        _append(connection, "submissions", SUBMISSION_COLUMNS, submissions)
        _append(connection, "submitted_values", VALUE_COLUMNS, values)
        _append(connection, "ingest_findings", FINDING_COLUMNS, findings)
        _append(connection, "submitted_disaggregations", PART_COLUMNS, parts)
        _append(connection, "submitted_notes", NOTE_COLUMNS, notes)
        _append(connection, "inbox_entries", INBOX_ENTRY_COLUMNS, inbox_entries,
                only_new="""where not exists (select 1 from raw.inbox_entries seen
                             where seen.inbox_path = incoming_rows.inbox_path
                               and seen.entry_kind = incoming_rows.entry_kind
                               and seen.raw_path_hex is not distinct from incoming_rows.raw_path_hex)""")
    except BaseException:
        connection.rollback()
        raise
    connection.commit()


def _append(
    connection: duckdb.DuckDBPyConnection, table: str, columns: Mapping[str, str], rows: Sequence[Row],
    only_new: str = "",
) -> None:
    if not rows:
        return
    frame = pd.DataFrame.from_records(list(rows), columns=list(columns)).astype(dict(columns))
    column_list = ", ".join(columns)  # constants above, never data
    connection.register("incoming_rows", frame)
    try:
        connection.execute(f"insert into raw.{table} ({column_list}) select {column_list} from incoming_rows {only_new}")
    finally:
        connection.unregister("incoming_rows")
