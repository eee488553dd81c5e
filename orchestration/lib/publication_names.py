"""The names a publication's files take while staged and once switched, in one place.

The publisher (`publish/publisher.py`) and the exports folder (`publish/exports_folder.py`) write
them; the recovery at the start of a run (`lib/recovery.py`) finds what a killed run left under
them. One definition, so a renamed staging file cannot become a leftover nobody cleans.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from pathlib import Path

# What `new_publication_id` makes: sorts by time, unique within a second.
PUBLICATION_ID = re.compile(r"\d{8}T\d{6}Z-[0-9a-f]{8}")
CURRENT = "current"  # the exports folder's link to the publication readers see


def new_publication_id(published_at: datetime) -> str:
    """Sorts by time (the exports folders are named by it) and is unique even within one second."""
    return f"{published_at:%Y%m%dT%H%M%S}Z-{uuid.uuid4().hex[:8]}"


def staged_database(published_db: Path, publication_id: str) -> Path:
    """Where the new published file is written before it is renamed over the old one; DuckDB adds `.wal`."""
    return published_db.with_name(f".{published_db.name}.{publication_id}.tmp")


def previous_database(published_db: Path) -> Path:
    """The file readers saw before the last switch, kept for rollback."""
    return published_db.with_name(f"{published_db.stem}.previous{published_db.suffix}")


def staged_previous_database(published_db: Path, publication_id: str) -> Path:
    return published_db.with_name(f".{published_db.stem}.previous.{publication_id}.tmp")


def staged_current_link(exports_dir: Path, publication_id: str) -> Path:
    """The new `current` link, made beside it and renamed over it."""
    return exports_dir / f".{CURRENT}.{publication_id}.tmp"


def is_staged_database(published_db: Path, name: str) -> bool:
    """A staged published file, its write-ahead log or a staged rollback copy, of any publication."""
    return (_of_any_publication(staged_database(published_db, _ANY).name, name, suffix=r"(\.wal)?")
            or _of_any_publication(staged_previous_database(published_db, _ANY).name, name))


def is_staged_current_link(exports_dir: Path, name: str) -> bool:
    return _of_any_publication(staged_current_link(exports_dir, _ANY).name, name)


_ANY = "\0"  # stands for a publication id in a name matched against every id; re.escape leaves it


def _of_any_publication(template: str, name: str, suffix: str = "") -> bool:
    pattern = re.escape(template).replace(_ANY, PUBLICATION_ID.pattern) + suffix
    return re.fullmatch(pattern, name) is not None
