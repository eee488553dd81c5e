"""Content-addressed archive of every file received, kept before anything parses it.

The archive is the evidence of what a unit sent: files are stored under their sha256
(`ab/abcdef….xlsx`), written once, never overwritten or deleted, so re-running the intake or
receiving the same bytes under another name costs nothing and changes nothing. The unit's file
name never becomes part of a path: only a sanitised extension survives, which the workbook reader
needs to pick the format.

A report is read into memory once, hashed, and those very bytes are archived, so the archive holds
exactly what was hashed even if the unit overwrites the inbox file meanwhile. They are written
straight under their final name: a rename per file cost five times the write on ext4, and a file
torn by a crash is caught the next time those bytes arrive (the ledger never recorded them, so
they do), because an existing archive file is only trusted when its own hash matches. Files too
large to hold are streamed through a temporary file instead.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

_CHUNK_BYTES = 1 << 20
IN_MEMORY_BYTES = 16 << 20  # above the default file-size limit: oversized files are archived too
_SAFE_EXTENSION = re.compile(r"[a-z0-9]{1,10}")
_READ_ONLY = 0o444  # evidence: nothing in the pipeline may edit it in place


@dataclass(frozen=True)
class ArchivedFile:
    content_hash: str  # sha256, hex
    relative_path: str  # inside the archive, posix separators
    size_bytes: int


@dataclass(frozen=True)
class ReceivedFile:
    content_hash: str
    size_bytes: int
    content: bytes | None  # None when too large to hold in memory


class ChangedWhileReading(OSError):
    """The inbox file changed between hashing and archiving; the next run reads it again."""


def receive_file(source: Path) -> ReceivedFile:
    with source.open("rb") as origin:
        content = origin.read(IN_MEMORY_BYTES + 1)
        if len(content) <= IN_MEMORY_BYTES:
            return ReceivedFile(hashlib.sha256(content).hexdigest(), len(content), content)
        digest, size = hashlib.sha256(content), len(content)
        while chunk := origin.read(_CHUNK_BYTES):
            digest.update(chunk)
            size += len(chunk)
    return ReceivedFile(digest.hexdigest(), size, None)


def archive_received(source: Path, received: ReceivedFile, archive_dir: Path) -> ArchivedFile:
    relative_path = archive_relative_path(received.content_hash, source.name)
    destination = archive_dir / relative_path
    if received.content is not None:
        _write_new(received.content, received.content_hash, destination)
    elif not _holds(destination, received.content_hash):
        destination.parent.mkdir(parents=True, exist_ok=True)
        _stream_into_place(source, received.content_hash, destination)
    return ArchivedFile(received.content_hash, relative_path, received.size_bytes)


def archive_relative_path(content_hash: str, file_name: str) -> str:
    extension = Path(file_name).suffix.lower().lstrip(".")
    suffix = f".{extension}" if _SAFE_EXTENSION.fullmatch(extension) else ""
    return f"{content_hash[:2]}/{content_hash}{suffix}"


def _holds(destination: Path, content_hash: str) -> bool:
    try:
        with destination.open("rb") as stored:
            return hashlib.file_digest(stored, "sha256").hexdigest() == content_hash
    except FileNotFoundError:
        return False


def _write_new(content: bytes, content_hash: str, destination: Path) -> None:
    """Create-exclusive first, as nearly every file is new: a lookup before would cost a syscall."""
    try:
        handle = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _READ_ONLY)
    except FileNotFoundError:
        destination.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _READ_ONLY)
    except FileExistsError:
        if not _holds(destination, content_hash):
            _replace_torn(content, destination)
        return
    with os.fdopen(handle, "wb") as target:
        target.write(content)


def _replace_torn(content: bytes, destination: Path) -> None:
    """The one overwrite there is: a file whose bytes do not match its name is no evidence."""
    handle, temporary_name = tempfile.mkstemp(dir=destination.parent, prefix=".incoming-")
    try:
        with os.fdopen(handle, "wb") as target:
            target.write(content)
        os.chmod(temporary_name, _READ_ONLY)
        os.replace(temporary_name, destination)
    except BaseException:
        Path(temporary_name).unlink(missing_ok=True)
        raise


def _stream_into_place(source: Path, content_hash: str, destination: Path) -> None:
    handle, temporary_name = tempfile.mkstemp(dir=destination.parent, prefix=".incoming-")
    temporary = Path(temporary_name)
    try:
        digest = hashlib.sha256()
        with os.fdopen(handle, "wb") as target, source.open("rb") as origin:
            while chunk := origin.read(_CHUNK_BYTES):
                digest.update(chunk)
                target.write(chunk)
        if digest.hexdigest() != content_hash:
            raise ChangedWhileReading(f"{source} changed while it was being archived")
        temporary.chmod(_READ_ONLY)
        os.replace(temporary, destination)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
