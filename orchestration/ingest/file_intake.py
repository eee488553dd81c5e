"""One inbox file taken in: read and hashed, archived, then parsed and checked.

The unit of work the worker processes run, so that archiving (a file creation per report, the
slowest step on disk) is spread over the cores along with parsing, and each report is read from
the inbox once. The ledger's memory travels with it: a (path, content) pair already recorded is
left alone after hashing, and bytes already recorded under another path are archived but never
parsed again (they are a duplicate). Copies of the same bytes arriving together are all parsed;
the intake keeps the first by arrival and records the others as its duplicates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from orchestration.ingest.archive import ArchivedFile, archive_received, receive_file
from orchestration.ingest.limits import IntakeLimits
from orchestration.ingest.process import FileOutcome, process_file
from orchestration.lib.registry import Registry


@dataclass(frozen=True)
class Candidate:
    path: Path
    inbox_path: str  # relative to the inbox, posix
    size_bytes: int
    arrived_at: datetime


@dataclass(frozen=True)
class SeenBefore:
    processed: frozenset[tuple[str, str]]  # (inbox path, content hash) pairs in the ledger
    content_hashes: frozenset[str]  # bytes the ledger holds an original of


@dataclass(frozen=True)
class FileIntake:
    archived: ArchivedFile | None  # None: unreadable now, or processed in an earlier run
    outcome: FileOutcome | None  # None as well when the bytes were parsed in an earlier run
    unreadable: bool = False  # vanished, locked or changing: the next run retries it


@dataclass(frozen=True)
class IntakeContext:
    """Everything a file's intake needs besides the file; sent to each worker once."""

    archive_dir: Path
    seen: SeenBefore
    registry: Registry
    today: date
    limits: IntakeLimits


def take_in(candidate: Candidate, context: IntakeContext) -> FileIntake:
    try:
        received = receive_file(candidate.path)
        if (candidate.inbox_path, received.content_hash) in context.seen.processed:
            return FileIntake(None, None)
        archived = archive_received(candidate.path, received, context.archive_dir)
    except OSError:
        return FileIntake(None, None, unreadable=True)
    if received.content_hash in context.seen.content_hashes:
        return FileIntake(archived, None)
    outcome = process_file(
        context.archive_dir / archived.relative_path, candidate.path.name, context.registry, context.today,
        context.limits, received.content,
    )
    return FileIntake(archived, outcome)
