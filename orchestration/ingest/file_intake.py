"""One inbox file taken in: read and hashed, archived, then parsed and checked.

The unit of work the worker processes run (a batch of files, one archive pack), so that archiving
is spread over the cores along with parsing, and each report is read from the inbox once. The
ledger's memory travels with it: a (path, content) pair already recorded is left alone after
hashing, and bytes already recorded under another path are neither archived nor parsed again
(they are a duplicate, and their first copy is the evidence). Copies of the same bytes arriving
together are all parsed; the intake keeps the first by arrival and records the others as its
duplicates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Mapping

from orchestration.ingest.process import FileOutcome, process_file
from orchestration.lib.collector import collector_paused
from orchestration.lib.registry import Registry
from orchestration.lib.workbook.archive import ArchivedFile, ArchivePack, read_archived, receive_file
from orchestration.lib.workbook.limits import IntakeLimits


@dataclass(frozen=True)
class Candidate:
    path: Path  # as the operating system names it, for opening
    inbox_path: str  # relative to the inbox, posix, safe text (see `lib/inbox.py`)
    size_bytes: int
    arrived_at: datetime

    @property
    def file_name(self) -> str:
        """What messages and the ledger call the file: never `path.name`, which may hold surrogates."""
        return self.inbox_path.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class SeenBefore:
    processed: frozenset[tuple[str, str]]  # (inbox path, content hash) pairs in the ledger
    archived: Mapping[str, str]  # content hash -> archive path, for bytes the ledger holds an original of


@dataclass(frozen=True)
class FileIntake:
    archived: ArchivedFile | None  # None: unreadable now, or processed in an earlier run
    outcome: FileOutcome | None  # None as well when the bytes were parsed in an earlier run
    unreadable: bool = False  # vanished, locked or changing: the next run retries it


@dataclass(frozen=True)
class IntakeContext:
    """Everything a file's intake needs besides the file; sent to each worker once."""

    archive_dir: Path
    started_at: datetime  # names the packs this run writes
    seen: SeenBefore
    registry: Registry
    today: date
    limits: IntakeLimits


def take_in_batch(candidates: list[Candidate], context: IntakeContext) -> list[FileIntake]:
    """One pack for the batch, complete before any result is handed back to be recorded."""
    with collector_paused(), ArchivePack(context.archive_dir, context.started_at) as pack:
        return [take_in(candidate, context, pack) for candidate in candidates]


def take_in(candidate: Candidate, context: IntakeContext, pack: ArchivePack) -> FileIntake:
    try:
        received = receive_file(candidate.path)
        if (candidate.inbox_path, received.content_hash) in context.seen.processed:
            return FileIntake(None, None)
        known_at = context.seen.archived.get(received.content_hash)
        if known_at is not None:
            return FileIntake(ArchivedFile(received.content_hash, known_at, received.size_bytes), None)
        archived = pack.add(candidate.path, received)
        content = received.content
        if content is None and received.size_bytes <= context.limits.max_file_bytes:
            content = read_archived(context.archive_dir, archived.relative_path)  # limits raised above memory
    except OSError:
        return FileIntake(None, None, unreadable=True)
    outcome = process_file(
        candidate.file_name, received.size_bytes, content, context.registry, context.today, context.limits
    )
    return FileIntake(archived, outcome)
