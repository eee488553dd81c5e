"""What is new in the inbox, in the order it arrived.

Arrival time is the file's modification time when the intake first sees it: the moment the unit's
copy landed, which a date typed in the workbook cannot be trusted for. Files are taken in that
order (then by path) so submission ids, "the newest by arrival wins" and "the first copy of these
bytes" all mean the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from orchestration.ingest.file_intake import Candidate, FileIntake, SeenBefore
from orchestration.ingest.ledger import LedgerEntry
from orchestration.ingest.process import FileOutcome
from orchestration.lib.inbox import InboxFile, SettleRule, arrival_time
from orchestration.lib.workbook.archive import ArchivedFile


@dataclass(frozen=True)
class Arrival:
    inbox_path: str
    file_name: str
    archived: ArchivedFile
    arrived_at: datetime


@dataclass(frozen=True)
class Receipt:
    arrivals: list[Arrival]  # every new file, in arrival order
    outcomes: dict[str, FileOutcome]  # inbox path -> what parsing found, for first copies
    duplicate_of: dict[str, LedgerEntry | Arrival]  # inbox path -> the first copy of its bytes
    unreadable_paths: list[str]  # vanished, locked or changing: the next run retries them


def in_arrival_order(
    files: list[InboxFile], settle: SettleRule, now_ns: int, unsettled_paths: list[str]
) -> list[Candidate]:
    """Settled files, oldest first. A file modified within the settle window may still be being
    written: it is listed in `unsettled_paths` and left for the next run, which finds it complete."""
    candidates = []
    for file in files:
        if not settle.is_settled(file.mtime_ns, now_ns):
            unsettled_paths.append(file.inbox_path)
            continue
        candidates.append(Candidate(file.path, file.inbox_path, file.size, arrival_time(file.mtime_ns)))
    return sorted(candidates, key=lambda c: (c.arrived_at, c.inbox_path))


def probably_new(candidates: list[Candidate], ledger: list[LedgerEntry]) -> int:
    """How many files look unseen by path, size and arrival time, before any is read: enough to
    decide whether starting worker processes will pay off."""
    seen = {(entry.inbox_path, entry.file_size_bytes, entry.arrived_at) for entry in ledger}
    return sum((c.inbox_path, c.size_bytes, c.arrived_at) not in seen for c in candidates)


def seen_before(ledger: list[LedgerEntry]) -> SeenBefore:
    return SeenBefore(
        processed=frozenset((entry.inbox_path, entry.content_hash) for entry in ledger),
        archived={content_hash: entry.archive_path for content_hash, entry in first_copies(ledger).items()},
    )


def sort_out(
    candidates: list[Candidate], intakes: list[FileIntake], ledger: list[LedgerEntry], unreadable_paths: list[str]
) -> Receipt:
    """Walks the files in arrival order: the first copy of some bytes keeps its outcome, later
    copies become its duplicates (their outcome, if parsed alongside, is dropped)."""
    receipt = Receipt(arrivals=[], outcomes={}, duplicate_of={}, unreadable_paths=unreadable_paths)
    originals: dict[str, LedgerEntry | Arrival] = dict(first_copies(ledger))
    for candidate, intake in zip(candidates, intakes, strict=True):
        if intake.unreadable:
            receipt.unreadable_paths.append(candidate.inbox_path)
            continue
        if intake.archived is None:
            continue
        arrival = Arrival(candidate.inbox_path, candidate.file_name, intake.archived, candidate.arrived_at)
        receipt.arrivals.append(arrival)
        original = originals.get(intake.archived.content_hash)
        if original is not None:
            receipt.duplicate_of[arrival.inbox_path] = original
            continue
        assert intake.outcome is not None, "bytes the ledger has no original of are always parsed"
        originals[intake.archived.content_hash] = arrival
        receipt.outcomes[arrival.inbox_path] = intake.outcome
    return receipt


def first_copies(ledger: list[LedgerEntry]) -> dict[str, LedgerEntry]:
    """Content hash -> the first submission that brought those bytes (ledger is in id order)."""
    first: dict[str, LedgerEntry] = {}
    for entry in ledger:
        if entry.intake_status != "duplicate":
            first.setdefault(entry.content_hash, entry)
    return first
