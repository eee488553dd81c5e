"""The intake: every new file in the inbox is archived, parsed, checked and recorded in the ledger.

Each file is archived by content before anything parses it (`file_intake`). A (path, content) pair
already in the ledger is skipped, so the intake can run as often as the sensor likes. The same
bytes under another name are recorded as a duplicate of the first copy; changed bytes under the
same name are a resubmission and get their own submission id. Ids follow arrival order (file
mtime, then path) so "the latest submission" means the one the unit sent last. The batch is
appended in one transaction: a crash leaves nothing half-recorded, and the next run starts over.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Mapping

import duckdb

from orchestration.ingest.arrivals import in_arrival_order, probably_new, seen_before, sort_out
from orchestration.ingest.file_intake import IntakeContext, take_in_batch
from orchestration.ingest.ledger import append_batch, load_ledger
from orchestration.ingest.ledger_rows import inbox_entry_rows, ledger_rows
from orchestration.ingest.workers import take_in_workers
from orchestration.lib.build_schema import ensure_submission_tables
from orchestration.lib.clock import VIETNAM
from orchestration.lib.collector import collector_paused
from orchestration.lib.inbox import SettleRule, scan_inbox
from orchestration.lib.registry import Registry
from orchestration.lib.workbook.limits import IntakeLimits

# Above this many new files, a worker pool takes in files alongside this process. A file costs
# ~0.45 ms of CPU (read, hash, archive, safety checks, parse, registry checks). A worker helps only
# once started: ~0.1 s from a light script, ~1.4 s from a Dagster run (spawn re-imports the parent's
# main module, and with it Dagster), so it pays from ~250 files in a script and ~3,000 in a run.
# This process never waits for it, so a pool that starts too late costs little; 2,000 keeps
# ordinary monthly batches (a few hundred files) free of it and gives backlogs the second core.
# `bench/ingest_throughput.py` measures both ways.
PARALLEL_THRESHOLD = 2000

# Every file counts as settled: tests and benches write their inbox before calling the intake. A
# run passes the configured rule (WAREHOUSE_INBOX_SETTLE_SECONDS), the sensor's own.
ALL_SETTLED = SettleRule(0.0)


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
    unsettled_paths: tuple[str, ...] = ()  # modified within the settle window: left for the next run
    ignored_paths: tuple[str, ...] = ()  # links, pipes, hidden, lock and temporary entries (raw.inbox_entries)


def ingest_inbox(
    inbox_dir: Path,
    archive_dir: Path,
    connection: duckdb.DuckDBPyConnection,
    registry: Registry,
    run_id: str,
    today: date,
    limits: IntakeLimits = IntakeLimits(),
    settle: SettleRule = ALL_SETTLED,
) -> IntakeSummary:
    """`limits` and `settle`: the settings' (WAREHOUSE_MAX_*, WAREHOUSE_INBOX_SETTLE_SECONDS) in a
    run; the defaults serve tests and benches."""
    ensure_submission_tables(connection)
    archive_dir.mkdir(parents=True, exist_ok=True)  # fail loudly here, not once per file below
    ledger = load_ledger(connection)
    listing = scan_inbox(inbox_dir)
    unreadable_paths: list[str] = list(listing.vanished)
    unsettled_paths: list[str] = []
    candidates = in_arrival_order(listing.files, settle, time.time_ns(), unsettled_paths)
    ingested_at = datetime.now(VIETNAM).replace(tzinfo=None)
    context = IntakeContext(archive_dir, ingested_at, seen_before(ledger), registry, today, limits)
    if probably_new(candidates, ledger) > PARALLEL_THRESHOLD:
        intakes = take_in_workers(candidates, context)
    else:
        intakes = take_in_batch(candidates, context)
    receipt = sort_out(candidates, intakes, ledger, unreadable_paths)
    next_id = max((entry.submission_id for entry in ledger), default=0) + 1
    with collector_paused():  # a row per value: much allocated, nothing to collect
        submissions, values, findings, parts, notes = ledger_rows(receipt, next_id, ingested_at, run_id)
        entries = inbox_entry_rows(listing, receipt, ingested_at, run_id)
        append_batch(connection, submissions, values, findings, entries, parts, notes)
    statuses = Counter(row["intake_status"] for row in submissions)
    severities = Counter(row["severity"] for row in findings)
    return IntakeSummary(
        files_seen=len(listing.files),
        new_files=len(receipt.arrivals),
        accepted=statuses["accepted"],
        quarantined=statuses["quarantined"],
        duplicates=statuses["duplicate"],
        values_loaded=len(values),
        values_rejected=sum(row["values_rejected"] for row in submissions),
        findings_by_severity={"error": severities["error"], "warning": severities["warning"]},
        submission_ids=tuple(row["submission_id"] for row in submissions),
        unreadable_paths=tuple(receipt.unreadable_paths),
        unsettled_paths=tuple(unsettled_paths),
        ignored_paths=tuple(entry.inbox_path for entry in listing.ignored),
    )
