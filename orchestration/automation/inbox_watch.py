"""Which inbox files are ready to ingest, decided from file listings alone.

The sensor must not open the build database (a running job holds DuckDB's single write lock), so
it works from what the file system says and keeps its memory in the sensor cursor.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.lib.inbox import SettleRule, scan_inbox


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
    identical look before they count as complete."""

    processed: dict[str, str] = field(default_factory=dict)
    pending: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps({"processed": self.processed, "pending": self.pending}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> "InboxCursor":
        if not text:
            return cls()
        data = json.loads(text)
        return cls(processed=dict(data.get("processed", {})), pending=dict(data.get("pending", {})))


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
    return InboxDecision(ready=ready, cursor=InboxCursor(processed=processed, pending=pending))
