"""Content-addressed archive of every file received, kept before anything reads it.

The archive is the evidence of what a unit sent: files are stored under their sha256
(`ab/abcdef….xlsx`), written once, never overwritten or deleted, so re-running the intake or
receiving the same bytes under another name costs nothing and changes nothing. The unit's file
name never becomes part of a path: only a sanitised extension survives, which the workbook reader
needs to pick the format.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

_CHUNK_BYTES = 1 << 20
_SAFE_EXTENSION = re.compile(r"[a-z0-9]{1,10}")


@dataclass(frozen=True)
class ArchivedFile:
    content_hash: str  # sha256, hex
    relative_path: str  # inside the archive, posix separators
    size_bytes: int


def archive_file(source: Path, archive_dir: Path) -> ArchivedFile:
    """Hash while copying into a temporary file, then move it into place: the bytes archived are
    exactly the bytes hashed even if the unit overwrites the inbox file meanwhile, and a crash
    never leaves a half-written file under a valid name."""
    archive_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    handle, temporary_name = tempfile.mkstemp(dir=archive_dir, prefix=".incoming-")
    temporary = Path(temporary_name)
    try:
        with os.fdopen(handle, "wb") as target, source.open("rb") as origin:
            while chunk := origin.read(_CHUNK_BYTES):
                digest.update(chunk)
                size += len(chunk)
                target.write(chunk)
        content_hash = digest.hexdigest()
        relative_path = archive_relative_path(content_hash, source.name)
        destination = archive_dir / relative_path
        if destination.exists():
            temporary.unlink()
        else:
            destination.parent.mkdir(parents=True, exist_ok=True)
            temporary.chmod(0o444)  # evidence: nothing in the pipeline may edit it in place
            os.replace(temporary, destination)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return ArchivedFile(content_hash, relative_path, size)


def archive_relative_path(content_hash: str, file_name: str) -> str:
    extension = Path(file_name).suffix.lower().lstrip(".")
    suffix = f".{extension}" if _SAFE_EXTENSION.fullmatch(extension) else ""
    return f"{content_hash[:2]}/{content_hash}{suffix}"
