"""Content-addressed archive of every file received, kept before anything parses it.

The archive is the evidence of what a unit sent. Files are stored as members of pack files:
ordinary zip files under `packs/<yyyy>/<mm>/` that any unzip tool opens, each member named by the
sha256 of its bytes (`<hash>.xlsx`) and stored as is (a workbook is already compressed). A pack is
written once and never modified or deleted; the ledger's `archive_path` says where a file's bytes
are (`packs/2025/11/<pack>.zip/<hash>.xlsx`). Bytes the ledger already holds are not archived
again: their first copy is the evidence. The unit's file name never becomes part of a path: only
a sanitised extension survives, which the workbook reader needs to pick the format.

Why packs and not a file per report: creating a file costs 25 µs to 0.6 ms on the disks this runs
on (it depends on what else the disk is doing), more than parsing the report, while appending to
an open pack costs a few µs. A pack is closed before the intake records any of its files, so every
path in the ledger points into a complete zip. A crash mid-pack leaves an unfinished pack that no
ledger row points to; the files in it are still in the inbox and are archived again next run.

A report is read into memory once, hashed, and those very bytes are archived, so the archive holds
exactly what was hashed even if the unit overwrites the inbox file meanwhile. Files too large to
hold get a pack of their own, streamed through a temporary file and checked against the hash.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType

from orchestration.lib.storage_errors import storage_boundary
from orchestration.lib.workbook.pack_writer import PackWriter, regular_file_attributes

_CHUNK_BYTES = 1 << 20
IN_MEMORY_BYTES = 16 << 20  # above the default file-size limit: oversized files are archived too
PACKS_FOLDER = "packs"
PACK_SUFFIX = ".zip/"  # in an archive path, between the pack and its member
INCOMING_PREFIX = ".incoming-"  # a pack being streamed, renamed when complete
_SAFE_EXTENSION = re.compile(r"[a-z0-9]{1,10}")
_READ_ONLY = 0o444  # evidence: nothing in the pipeline may edit it in place
# Member timestamps are the pack's: a zip stores local wall-clock time to the even second.
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class ArchivedFile:
    content_hash: str  # sha256, hex
    relative_path: str  # inside the archive, posix separators: `<pack>.zip/<member>`
    size_bytes: int


@dataclass(frozen=True)
class ReceivedFile:
    content_hash: str
    size_bytes: int
    content: bytes | None  # None when too large to hold in memory


class ChangedWhileReading(OSError):
    """The inbox file changed between hashing and archiving; the next run reads it again."""


def receive_file(source: Path) -> ReceivedFile:
    """Reads what is there, however the size changed since it was listed: the sensor only hands
    over files that stopped changing, but a unit may still overwrite one. Unbuffered and sized by
    fstat, because asking a buffered reader for up to 16 MB allocates 16 MB per report."""
    with open(source, "rb", buffering=0) as origin:
        listed = os.fstat(origin.fileno()).st_size
        content = origin.read(min(listed, IN_MEMORY_BYTES) + 1)
        if len(content) > listed:  # grew since: read on, as far as memory allows
            content += origin.read(IN_MEMORY_BYTES + 1 - len(content))
        if len(content) <= IN_MEMORY_BYTES:
            return ReceivedFile(hashlib.sha256(content).hexdigest(), len(content), content)
        digest, size = hashlib.sha256(content), len(content)
        while chunk := origin.read(_CHUNK_BYTES):
            digest.update(chunk)
            size += len(chunk)
    return ReceivedFile(digest.hexdigest(), size, None)


class ArchivePack:
    """Where one batch of files goes. A pack is created on the first file added, so a batch of
    files already archived creates nothing, and a new one is started when a pack is full; use as
    a context manager so every pack is completed before its files are recorded."""

    def __init__(self, archive_dir: Path, opened_at: datetime) -> None:
        self._archive_dir = archive_dir
        self._opened_at = opened_at
        self._writer: PackWriter | None = None
        self._relative_path = ""
        self._members: set[str] = set()

    def add(self, source: Path, received: ReceivedFile) -> ArchivedFile:
        member = member_name(received.content_hash, source.name)
        if received.content is None:
            relative_path = _stream_into_own_pack(source, received, member, self._archive_dir, self._opened_at)
            return ArchivedFile(received.content_hash, relative_path, received.size_bytes)
        if self._writer is None or self._writer.is_full:
            self._start_pack()
        assert self._writer is not None
        if member not in self._members:
            # In the operating system's hands before the file is parsed: a parser crash loses nothing.
            self._writer.add(member, received.content)
            self._members.add(member)
        return ArchivedFile(received.content_hash, f"{self._relative_path}/{member}", received.size_bytes)

    def close(self) -> None:
        if self._writer is not None:
            # A pack that cannot be finished fails the run; told as the pack's, not as the build database
            # the caller holds. (A member that cannot be added is the caller's per-file OSError: retried.)
            with storage_boundary(self._archive_dir / self._relative_path):
                self._writer.close()
            self._writer = None

    def __enter__(self) -> ArchivePack:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self.close()

    def _start_pack(self) -> None:
        self.close()
        relative_path = new_pack_path(self._opened_at)
        path = self._archive_dir / relative_path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = PackWriter(path, _READ_ONLY, self._opened_at)
        self._relative_path = relative_path
        self._members = set()


def new_pack_path(opened_at: datetime) -> str:
    """Sorts by time; the random part keeps packs written at the same second by parallel workers apart."""
    return f"{PACKS_FOLDER}/{opened_at:%Y/%m}/{opened_at:%Y%m%dT%H%M%S}-{secrets.token_hex(6)}.zip"


def member_name(content_hash: str, file_name: str) -> str:
    extension = os.path.splitext(file_name)[1].lower().lstrip(".")
    suffix = f".{extension}" if _SAFE_EXTENSION.fullmatch(extension) else ""
    return f"{content_hash}{suffix}"


def read_archived(archive_dir: Path, relative_path: str, limit: int = -1) -> bytes:
    """The bytes the ledger's `archive_path` points to, at most `limit` of them: a member of a
    pack, or a plain file (how archives made before packs, and files put there by hand, are laid
    out). A caller with a size limit reads one byte more than it and so learns the file is larger
    without holding all of it."""
    pack, separator, member = relative_path.partition(PACK_SUFFIX)
    if not separator:
        with (archive_dir / relative_path).open("rb") as stored:
            return stored.read(limit)
    try:
        with zipfile.ZipFile(archive_dir / f"{pack}.zip") as opened, opened.open(member) as stored:
            return stored.read(limit)
    except (zipfile.BadZipFile, KeyError) as error:
        raise FileNotFoundError(f"{relative_path} is not in the archive ({error})") from error


def _member_info(member: str, opened_at: datetime) -> zipfile.ZipInfo:
    """For the one member `zipfile` still writes: a file too large for memory, which may exceed the
    4 GiB a `PackWriter` member can hold, so it is streamed with zip64 fields."""
    info = zipfile.ZipInfo(member, max(opened_at.timetuple()[:6], _ZIP_EPOCH))
    info.external_attr = regular_file_attributes(_READ_ONLY)
    return info


def _stream_into_own_pack(
    source: Path, received: ReceivedFile, member: str, archive_dir: Path, opened_at: datetime
) -> str:
    relative_path = new_pack_path(opened_at)
    destination = archive_dir / relative_path
    destination.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary_name = tempfile.mkstemp(dir=destination.parent, prefix=INCOMING_PREFIX)
    temporary = Path(temporary_name)
    try:
        digest = hashlib.sha256()
        with os.fdopen(handle, "wb") as target, zipfile.ZipFile(target, "w") as pack:
            with source.open("rb") as origin, pack.open(_member_info(member, opened_at), "w", force_zip64=True) as entry:
                while chunk := origin.read(_CHUNK_BYTES):
                    digest.update(chunk)
                    entry.write(chunk)
        if digest.hexdigest() != received.content_hash:
            raise ChangedWhileReading(f"{source} changed while it was being archived")
        temporary.chmod(_READ_ONLY)
        os.replace(temporary, destination)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return f"{relative_path}/{member}"
