"""Writing an archive pack: a plain zip of stored (uncompressed) members, appended one at a time.

`zipfile` writes the same format but spends about 25 µs of Python per member on bookkeeping the
archive does not need (compression choices, seek-back, data descriptors), as much as hashing and
reading the report together. Here a member is one local header and its bytes, handed to the
operating system in a single system call before the report is parsed; the central directory that
makes the zip complete is written on close. Packs stay far below the zip format's 4 GiB and 65,535
member limits (see `MAX_PACK_BYTES`), so no zip64 records are ever needed.
"""

from __future__ import annotations

import os
import struct
import zlib
from datetime import datetime
from pathlib import Path

MAX_PACK_BYTES = 1 << 30  # a new pack is started beyond this: 1 GiB, well under 4 GiB
MAX_PACK_MEMBERS = 10_000  # and beyond this many members, well under 65,535
_VERSION = 20  # 2.0: what stored members need
_MADE_ON_UNIX = 3 << 8
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_CENTRAL_ENTRY = struct.Struct("<4s2H4HL2L5H2L")
_END_RECORD = struct.Struct("<4s4H2LH")


class PackWriter:
    """Creates `path` exclusively (a pack is never overwritten) with the given permission bits."""

    def __init__(self, path: Path, mode: int, written_at: datetime) -> None:
        self._handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        self._dos_time, self._dos_date = _dos_timestamp(written_at)
        self._external_attributes = regular_file_attributes(mode)
        self._entries: list[bytes] = []
        self._offset = 0

    @property
    def is_full(self) -> bool:
        return self._offset >= MAX_PACK_BYTES or len(self._entries) >= MAX_PACK_MEMBERS

    def add(self, name: str, content: bytes) -> None:
        encoded = name.encode("ascii")  # archive member names are hashes and short extensions
        crc = zlib.crc32(content)
        header = _LOCAL_HEADER.pack(
            b"PK\x03\x04", _VERSION, 0, 0, 0, self._dos_time, self._dos_date, crc, len(content), len(content),
            len(encoded), 0,
        )
        written = os.writev(self._handle, [header, encoded, content])
        if written != len(header) + len(encoded) + len(content):
            self._offset += written  # dead bytes the directory never points to; earlier members stay valid
            raise OSError(f"short write to the archive pack ({written} bytes)")
        self._entries.append(
            _CENTRAL_ENTRY.pack(
                b"PK\x01\x02", _MADE_ON_UNIX | _VERSION, _VERSION, 0, 0, self._dos_time, self._dos_date, crc,
                len(content), len(content), len(encoded), 0, 0, 0, 0, self._external_attributes, self._offset,
            ) + encoded
        )
        self._offset += written

    def close(self) -> None:
        directory = b"".join(self._entries)
        end = _END_RECORD.pack(b"PK\x05\x06", 0, 0, len(self._entries), len(self._entries), len(directory),
                               self._offset, 0)
        try:
            os.write(self._handle, directory + end)
        finally:
            os.close(self._handle)


def regular_file_attributes(mode: int) -> int:
    """A member's external attributes: a regular file with these permission bits, once extracted."""
    return (0o100000 | mode) << 16


def _dos_timestamp(moment: datetime) -> tuple[int, int]:
    """Zip stores local wall-clock time to two seconds, from 1980 on."""
    if moment.year < 1980:
        return 0, (1 << 5) | 1
    time = (moment.hour << 11) | (moment.minute << 5) | (moment.second // 2)
    date = ((moment.year - 1980) << 9) | (moment.month << 5) | moment.day
    return time, date
