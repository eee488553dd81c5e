"""The central directory of a zip package, read straight from its bytes.

The package checks need each part's name, sizes, method and offset before anything inflates it.
`zipfile.ZipFile` reads the same directory but builds a full `ZipInfo` per part and costs about a
quarter of calamine's whole parse of a report; this reads only the fields the checks use. Zip64
records are followed, so a package declaring gigabytes is measured, not mistaken for small.
"""

from __future__ import annotations

import struct
from typing import NamedTuple

_END_RECORD = struct.Struct("<4s4H2LH")  # end of central directory
_END_SIGNATURE = b"PK\x05\x06"
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_LOCATOR_SIGNATURE = b"PK\x06\x07"
_ZIP64_END_RECORD = struct.Struct("<4sQ2H2L4Q")
_ZIP64_END_SIGNATURE = b"PK\x06\x06"
_ENTRY = struct.Struct("<4s4B4HL2L5H2L")  # central directory file header
_ENTRY_SIGNATURE = b"PK\x01\x02"
_ZIP64_EXTRA_ID = 0x0001
_EXTRA_HEADER = struct.Struct("<2H")
_MAX_COMMENT = 0xFFFF
_UTF8_NAME_FLAG = 0x800
_OVERFLOW_32 = 0xFFFFFFFF


class DamagedZip(ValueError):
    """The bytes look like a zip but their directory or a part cannot be read."""


class ZipPart(NamedTuple):
    filename: str
    flag_bits: int
    compress_type: int
    compress_size: int  # bytes stored
    file_size: int  # bytes declared once inflated
    header_offset: int  # of the part's local header


def is_zip(content: bytes) -> bool:
    return content.startswith(b"PK\x03\x04") or _END_SIGNATURE in content[-(_END_RECORD.size + _MAX_COMMENT):]


def read_directory(content: bytes) -> list[ZipPart]:
    end = content.rfind(_END_SIGNATURE, max(0, len(content) - _END_RECORD.size - _MAX_COMMENT))
    if end < 0 or end + _END_RECORD.size > len(content):
        raise DamagedZip("no end of central directory record")
    *_, entries, directory_size, directory_offset, _ = _END_RECORD.unpack_from(content, end)
    if entries == 0xFFFF or directory_offset == _OVERFLOW_32 or directory_size == _OVERFLOW_32:
        entries, directory_offset = _zip64_directory(content, end)
    parts = []
    position = directory_offset
    for _ in range(entries):
        if content[position:position + 4] != _ENTRY_SIGNATURE:
            raise DamagedZip(f"central directory entry expected at byte {position}")
        fields = _ENTRY.unpack_from(content, position)
        flag_bits, compress_type = fields[5], fields[6]
        compress_size, file_size, name_length, extra_length, comment_length = fields[10:15]
        header_offset = fields[18]
        name_start = position + _ENTRY.size
        raw_name = content[name_start:name_start + name_length]
        filename = _part_name(raw_name, flag_bits)
        if _OVERFLOW_32 in (compress_size, file_size, header_offset):
            extra = content[name_start + name_length:name_start + name_length + extra_length]
            file_size, compress_size, header_offset = _zip64_sizes(extra, file_size, compress_size, header_offset)
        parts.append(ZipPart(filename, flag_bits, compress_type, compress_size, file_size, header_offset))
        position = name_start + name_length + extra_length + comment_length
    return parts


def _part_name(raw_name: bytes, flag_bits: int) -> str:
    """Part names are ASCII in practice, which reads the same in either encoding, and decoding
    ASCII is a fraction of the cost of the cp437 codec."""
    if raw_name.isascii():
        return raw_name.decode("ascii")
    return raw_name.decode("utf-8" if flag_bits & _UTF8_NAME_FLAG else "cp437")


def _zip64_directory(content: bytes, end: int) -> tuple[int, int]:
    locator_at = end - _ZIP64_LOCATOR.size
    if locator_at < 0 or content[locator_at:locator_at + 4] != _ZIP64_LOCATOR_SIGNATURE:
        raise DamagedZip("zip64 end record locator missing")
    record_at = _ZIP64_LOCATOR.unpack_from(content, locator_at)[2]
    if content[record_at:record_at + 4] != _ZIP64_END_SIGNATURE:
        raise DamagedZip("zip64 end record missing")
    fields = _ZIP64_END_RECORD.unpack_from(content, record_at)
    return fields[7], fields[9]  # entries in total, directory offset


def _zip64_sizes(extra: bytes, file_size: int, compress_size: int, header_offset: int) -> tuple[int, int, int]:
    """The zip64 extra field holds, in this order, each of the three values that overflowed."""
    position = 0
    while position + _EXTRA_HEADER.size <= len(extra):
        kind, length = _EXTRA_HEADER.unpack_from(extra, position)
        body = extra[position + _EXTRA_HEADER.size:position + _EXTRA_HEADER.size + length]
        position += _EXTRA_HEADER.size + length
        if kind != _ZIP64_EXTRA_ID:
            continue
        values = list(struct.unpack_from(f"<{len(body) // 8}Q", body))
        if file_size == _OVERFLOW_32 and values:
            file_size = values.pop(0)
        if compress_size == _OVERFLOW_32 and values:
            compress_size = values.pop(0)
        if header_offset == _OVERFLOW_32 and values:
            header_offset = values.pop(0)
        return file_size, compress_size, header_offset
    raise DamagedZip("zip64 sizes announced but no zip64 extra field")
