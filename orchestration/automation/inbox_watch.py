"""Which inbox files are ready to ingest, decided from file listings and the sensor cursor.

The sensor must not open the build database while a run holds it (DuckDB's single write lock), so
it works from what the file system says and keeps its memory in the sensor cursor. Once, when the
cursor is new (a fresh `make dev` on a warehouse `make run` has just built), it reads what the
ledger already holds, under the run lock so no run can start meanwhile: files ingested with the
same path, size and arrival time are not new, and the daemon starts no run until a file changes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from orchestration.lib.inbox import SettleRule, arrival_time, scan_inbox
from orchestration.lib.run_lock import RunBusy, exclusive_run


@dataclass(frozen=True)
class FileStamp:
    size: int
    mtime_ns: int

    def encode(self) -> str:
        return f"{self.size}:{self.mtime_ns}"

    @classmethod
    def decode(cls, text: str) -> "FileStamp":
        size, mtime_ns = text.split(":")
        return cls(int(size), int(mtime_ns))


@dataclass
class InboxCursor:
    """`processed`: stamps already handed to a run. `pending`: stamps seen once, awaiting a second
    identical look before they count as complete. `ledger_read`: whether the files the ledger
    already held were counted as processed."""

    processed: dict[str, str] = field(default_factory=dict)
    pending: dict[str, str] = field(default_factory=dict)
    ledger_read: bool = False

    def to_json(self) -> str:
        return json.dumps(
            {"processed": self.processed, "pending": self.pending, "ledger_read": self.ledger_read}, sort_keys=True
        )

    @classmethod
    def from_json(cls, text: str | None) -> "InboxCursor":
        if not text:
            return cls()
        data = json.loads(text)
        return cls(processed=dict(data.get("processed", {})), pending=dict(data.get("pending", {})),
                   ledger_read=bool(data.get("ledger_read", False)))


# inbox path -> the (size, arrival time) of every version of it the ledger holds
LedgerStamps = dict[str, set[tuple[int, datetime]]]


def read_ledger_stamps(build_db: Path) -> LedgerStamps | None:
    """What the ledger holds, read under the run lock; None while a run holds the warehouse (the
    sensor tries again on its next tick). No build database yet means an empty ledger."""
    if not build_db.exists():
        return {}
    try:
        with exclusive_run(build_db, "inbox_sensor", wait_seconds=0):
            with duckdb.connect(str(build_db), read_only=True) as connection:
                if not connection.execute(
                    "select count(*) from information_schema.tables where table_schema = 'raw' "
                    "and table_name = 'submissions'"
                ).fetchone()[0]:
                    return {}
                rows = connection.execute("select inbox_path, file_size_bytes, arrived_at from raw.submissions").fetchall()
    except RunBusy:
        return None
    stamps: LedgerStamps = {}
    for inbox_path, size, arrived_at in rows:
        stamps.setdefault(inbox_path, set()).add((size, arrived_at))
    return stamps


def with_ledger(listing: dict[str, FileStamp], cursor: InboxCursor, ledger: LedgerStamps) -> InboxCursor:
    """The cursor with every listed file the ledger already holds, by the intake's own test (path,
    size and arrival time, `ingest/arrivals.py`), counted as processed."""
    processed = dict(cursor.processed)
    for name, stamp in listing.items():
        if (stamp.size, arrival_time(stamp.mtime_ns)) in ledger.get(name, ()):
            processed[name] = stamp.encode()
    return InboxCursor(processed=processed, pending=dict(cursor.pending), ledger_read=True)


def list_inbox(inbox_dir: Path) -> dict[str, FileStamp]:
    """The files the intake would consider, by the intake's own listing (`lib/inbox.py`); entries
    it ignores (links, hidden, lock and temporary files) never start a run."""
    if not inbox_dir.is_dir():
        return {}
    return {file.inbox_path: FileStamp(file.size, file.mtime_ns) for file in scan_inbox(inbox_dir).files}


@dataclass(frozen=True)
class InboxDecision:
    ready: dict[str, FileStamp]
    cursor: InboxCursor

    @property
    def run_key(self) -> str:
        """The same batch of file versions always maps to the same key, so Dagster never starts it twice."""
        fingerprint = "\n".join(f"{name}={stamp.encode()}" for name, stamp in sorted(self.ready.items()))
        return hashlib.sha256(fingerprint.encode()).hexdigest()[:20]


def decide(
    listing: dict[str, FileStamp], cursor: InboxCursor, now_ns: int, settle: SettleRule = SettleRule()
) -> InboxDecision:
    """New or changed files are ready once unchanged since the previous tick and older than the
    settle time; everything ready in one tick becomes one batch, so a unit's burst of files is one run."""
    ready: dict[str, FileStamp] = {}
    pending: dict[str, str] = {}
    for name, stamp in listing.items():
        encoded = stamp.encode()
        if cursor.processed.get(name) == encoded:
            continue
        settled = settle.is_settled(stamp.mtime_ns, now_ns)
        if cursor.pending.get(name) == encoded and settled:
            ready[name] = stamp
        else:
            pending[name] = encoded
    processed = {name: value for name, value in cursor.processed.items() if name in listing}
    processed.update({name: stamp.encode() for name, stamp in ready.items()})
    return InboxDecision(ready=ready, cursor=InboxCursor(processed=processed, pending=pending,
                                                         ledger_read=cursor.ledger_read))
