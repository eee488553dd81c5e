"""Checks on a received file's bytes before any spreadsheet parser reads them.

A parser trusts the file it is given. Three tricks turn a few kilobytes into gigabytes inside it:
a zip bomb (parts that inflate a thousandfold), XML entity expansion (a DTD in a part's prolog),
and a far cell (one value at XFD1048576 makes calamine allocate the whole rectangle up to it: the
process aborts with no exception to catch). So the zip directory is checked first (entries,
declared sizes, ratios: calamine refuses parts larger than declared), then every XML part's
prolog, then the furthest cell a sheet names. Only then does calamine see the file. `.xls` has no
zip or XML; its grid is bounded by the format (65,536 x 256) and checked once calamine has read it.
"""

from __future__ import annotations

import functools
import re
import struct
import zlib

from orchestration.lib.workbook.limits import RATIO_FLOOR_BYTES, IntakeLimits
from orchestration.lib.workbook.locations import column_letters
from orchestration.lib.workbook.rejections import FileRejection, reject
from orchestration.lib.workbook.zip_directory import DamagedZip, ZipPart, is_zip, read_directory

ZIP_FORMATS = frozenset({"xlsx", "ods"})

# The prolog is what may precede the root element: XML declaration, comments, processing
# instructions, white space. A DTD (the only place entities can be declared) sits there too.
_PROLOG = re.compile(rb"(?:\s+|<\?.*?\?>|<!--.*?-->)*", re.DOTALL)
_PROLOG_BYTES = 1024  # real prologs are under 200 bytes; a longer one only serves to hide a DTD
# Input that always inflates to a wanted length: deflate codes are at most 15 bits (factor 2) plus
# block headers.
_DEFLATE_OVERHEAD = 1024
_STORED, _DEFLATED = 0, 8  # the two compression methods Office and LibreOffice write
_LOCAL_HEADER = struct.Struct("<4s5H3I2H")  # zip local file header, up to the name and extra lengths
# Root elements of the parts holding cells; the others (styles, strings, relationships) only get
# the prolog check.
_XLSX_SHEET_ROOT = b"worksheet"
_ODS_SHEET_ROOT = b"document-content"
_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
# OpenDocument repeats a row or cell N times; LibreOffice repeats empty ones to the sheet's end,
# which is harmless, so only repeats of elements that hold a value count.
_ODS_REPEATED = re.compile(rb"<table:table-(row|cell)\b([^>]*?)(/?)>")
_ODS_REPEAT_COUNT = re.compile(rb'table:number-(?:rows|columns)-repeated="([0-9]+)"')
_ODS_ROW_END = b"</table:table-row>"
_ODS_VALUE = b"office:value-type="

_FIX_SMALLER_VI = "chỉ gửi biểu báo cáo: xóa ảnh, biểu đồ, trang tính và dòng/cột thừa rồi lưu lại."
_FIX_SMALLER_EN = "send only the report form: delete pictures, charts, extra sheets and rows/columns, then save again."


def check_file_size(size: int, limits: IntakeLimits, file_name: str) -> FileRejection | None:
    if size <= limits.max_file_bytes:
        return None
    return reject(
        "ING_LIMIT_FILE_SIZE", file_name,
        f"tệp nặng {_mib(size)}, vượt giới hạn {_mib(limits.max_file_bytes)}.",
        f"the file is {_mib(size)}, above the {_mib(limits.max_file_bytes)} limit.",
        _FIX_SMALLER_VI, _FIX_SMALLER_EN,
    )


def check_package(content: bytes, file_format: str, limits: IntakeLimits, file_name: str) -> FileRejection | None:
    """None when the bytes are safe to hand to calamine (or are no zip at all: the reader then
    reports them as encrypted or damaged)."""
    if file_format not in ZIP_FORMATS or not is_zip(content):
        return None
    try:
        parts = read_directory(content)
        return _directory_problem(parts, limits, file_name) or _parts_problem(
            parts, content, file_format, limits, file_name
        )
    except (DamagedZip, struct.error, UnicodeDecodeError, zlib.error) as error:
        # Broken headers or streams, encrypted or exotically compressed parts: not a real workbook.
        return reject(
            "ING_CORRUPT_FILE", file_name,
            f"không mở được tệp (cấu trúc nén hỏng: {error}).",
            f"the file cannot be opened (damaged zip structure: {error}).",
            "mở tệp trong Excel, lưu lại dưới dạng .xlsx rồi gửi lại.",
            "open the file in Excel, save it again as .xlsx and send it again.",
        )


def _directory_problem(parts: list[ZipPart], limits: IntakeLimits, file_name: str) -> FileRejection | None:
    if len(parts) > limits.max_zip_entries:
        return reject(
            "ING_LIMIT_ZIP_ENTRIES", file_name,
            f"tệp chứa {len(parts)} thành phần nén, vượt giới hạn {limits.max_zip_entries}.",
            f"the file holds {len(parts)} compressed parts, above the {limits.max_zip_entries} limit.",
            _FIX_SMALLER_VI, _FIX_SMALLER_EN,
        )
    declared = sum(part.file_size for part in parts)
    if declared > limits.max_uncompressed_bytes:
        return reject(
            "ING_LIMIT_UNCOMPRESSED_SIZE", file_name,
            f"nội dung tệp khi giải nén là {_mib(declared)}, vượt giới hạn {_mib(limits.max_uncompressed_bytes)}.",
            f"the file inflates to {_mib(declared)}, above the {_mib(limits.max_uncompressed_bytes)} limit.",
            _FIX_SMALLER_VI, _FIX_SMALLER_EN,
        )
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > RATIO_FLOOR_BYTES and ratio > limits.max_compression_ratio:
            return reject(
                "ING_LIMIT_COMPRESSION_RATIO", file_name,
                f"thành phần '{part.filename}' nén với tỉ lệ {ratio:.0f}:1, vượt giới hạn "
                f"{limits.max_compression_ratio}:1 (dấu hiệu 'bom nén').",
                f"the part '{part.filename}' is compressed {ratio:.0f}:1, above the "
                f"{limits.max_compression_ratio}:1 limit (a zip bomb pattern).",
                _FIX_SMALLER_VI, _FIX_SMALLER_EN,
            )
    return None


def _parts_problem(
    parts: list[ZipPart], content: bytes, file_format: str, limits: IntakeLimits, file_name: str
) -> FileRejection | None:
    """Every XML part's prolog for a DTD; sheet parts (told by their root element) in full for how
    far their cells reach. Parts are inflated straight from the bytes with zlib, only as far as
    needed: zipfile's per-part reader cost more than calamine's parsing."""
    sheet_root = _XLSX_SHEET_ROOT if file_format == "xlsx" else _ODS_SHEET_ROOT
    view = memoryview(content)
    for part in parts:
        if not part.filename.lower().endswith((".xml", ".rels")):
            continue
        head = _inflate(view, part, _PROLOG_BYTES)
        root = root_element(head, part.file_size)
        if root is None:
            return reject(
                "ING_UNSAFE_XML", file_name,
                f"thành phần '{part.filename}' khai báo DTD/thực thể XML (<!DOCTYPE, <!ENTITY) hoặc có phần mở "
                "đầu dài bất thường, điều mà Excel không bao giờ tạo ra; tệp không được đọc để tránh tấn công "
                "mở rộng thực thể.",
                f"the part '{part.filename}' declares an XML DTD/entities (<!DOCTYPE, <!ENTITY) or has an "
                "unusually long prolog, which Excel never writes; the file is not read, to prevent "
                "entity-expansion attacks.",
                "mở tệp trong Excel, lưu lại dưới dạng .xlsx rồi gửi lại.",
                "open the file in Excel, save it again as .xlsx and send it again.",
            )
        if root != sheet_root:
            continue
        data = head if len(head) == part.file_size else _inflate(view, part, part.file_size)
        rows, columns = _xlsx_reach(data, limits) if file_format == "xlsx" else _ods_reach(data)
        problem = reach_problem(rows, columns, limits, file_name, part_name=part.filename)
        if problem is not None:
            return problem
    return None


def _inflate(content: memoryview, part: ZipPart, limit: int) -> bytes:
    """Up to `limit` bytes of the part, never more, whatever its stream would inflate to. Deflate
    never needs more than the output size plus its block headers as input, so a short read only
    inflates the start of the stream."""
    if part.flag_bits & 0x1:
        raise DamagedZip(f"'{part.filename}' is encrypted")
    header = content[part.header_offset:part.header_offset + _LOCAL_HEADER.size]
    if len(header) < _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
        raise DamagedZip(f"no local header for '{part.filename}'")
    name_length, extra_length = _LOCAL_HEADER.unpack(header)[-2:]
    start = part.header_offset + _LOCAL_HEADER.size + name_length + extra_length
    raw = content[start:start + min(part.compress_size, 2 * limit + _DEFLATE_OVERHEAD)]
    if part.compress_type == _STORED:
        return bytes(raw[:limit])
    if part.compress_type != _DEFLATED:
        raise DamagedZip(f"'{part.filename}' uses compression method {part.compress_type}")
    return zlib.decompressobj(-zlib.MAX_WBITS).decompress(raw, limit)


def root_element(head: bytes, part_size: int) -> bytes | None:
    """The root element's local name, or None when the prolog holds anything but declarations,
    comments and instructions, i.e. a `<!DOCTYPE` (entities cannot be declared anywhere else), or
    is too long to tell (a DTD hidden behind kilobytes of comments)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode()
    head = head.removeprefix(b"\xef\xbb\xbf")
    end = _PROLOG.match(head).end()
    if end == len(head) and part_size > _PROLOG_BYTES or head.startswith(b"<!", end):
        return None
    root = _ROOT.match(head, end)
    return root[1] if root else b""


def reach_problem(
    rows: int, columns: int, limits: IntakeLimits, file_name: str, sheet_name: str | None = None,
    part_name: str | None = None,
) -> FileRejection | None:
    """`rows`/`columns`: how far a sheet reaches, 1-based (12 = row 12, 5 = column E). A sheet
    read by calamine is named by `sheet_name`; a part checked before parsing by `part_name`."""
    subject_vi = f"thành phần '{part_name}'" if part_name else "trang tính"
    subject_en = f"the part '{part_name}'" if part_name else "the sheet"
    if rows > limits.max_rows:
        return reject(
            "ING_LIMIT_ROWS", file_name,
            f"{subject_vi} có ô ở dòng {rows}, vượt giới hạn {limits.max_rows} dòng.",
            f"{subject_en} has a cell on row {rows}, beyond the {limits.max_rows}-row limit.",
            "xóa các dòng thừa bên dưới bảng (chọn dòng > Xóa) rồi lưu lại.",
            "delete the extra rows below the table (select rows > Delete) and save again.",
            sheet_name=sheet_name,
        )
    if columns > limits.max_columns:
        return reject(
            "ING_LIMIT_COLUMNS", file_name,
            f"{subject_vi} có ô ở cột {column_letters(columns - 1)}, vượt giới hạn {limits.max_columns} cột "
            f"(đến cột {column_letters(limits.max_columns - 1)}).",
            f"{subject_en} has a cell in column {column_letters(columns - 1)}, beyond the {limits.max_columns}-column "
            f"limit (up to column {column_letters(limits.max_columns - 1)}).",
            "xóa các cột thừa bên phải bảng (chọn cột > Xóa) rồi lưu lại.",
            "delete the extra columns right of the table (select columns > Delete) and save again.",
            sheet_name=sheet_name,
        )
    return None


def _xlsx_reach(data: bytes, limits: IntakeLimits) -> tuple[int, int]:
    """Only positions long enough to break a limit are looked at: one C-speed regex pass, and
    Python touches the rare candidates, not every cell. Cells without a position follow the
    previous one, so reaching far that way takes as many cells as the size limits allow."""
    rows = columns = 0
    pattern = _far_positions(len(str(limits.max_rows)), len(column_letters(limits.max_columns - 1)))
    for wide_letters, wide_number, letters, number in pattern.findall(data):
        rows = max(rows, int(wide_number or number))
        columns = max(columns, _column_number(wide_letters or letters))
    return rows, columns


@functools.lru_cache(maxsize=16)
def _far_positions(row_digits: int, column_letter_count: int) -> re.Pattern[bytes]:
    position = rf"(?:([A-Z]{{{column_letter_count},}})([0-9]+)|([A-Z]*)([0-9]{{{row_digits},}}))"
    # ` r="` is the position attribute of <row> and <c> and of nothing else in a worksheet.
    return re.compile(b' r="' + position.encode() + b'"')


def _ods_reach(data: bytes) -> tuple[int, int]:
    """The largest repeat of a valued cell (columns) or of a row holding one (rows)."""
    rows = columns = 0
    for match in _ODS_REPEATED.finditer(data):
        kind, attributes, self_closing = match.groups()
        repeat = _ODS_REPEAT_COUNT.search(attributes)
        if repeat is None:
            continue
        count = int(repeat[1])
        if kind == b"cell":
            if _ODS_VALUE in attributes:
                columns = max(columns, count)
            continue
        row_end = data.find(_ODS_ROW_END, match.end())
        if not self_closing and _ODS_VALUE in data[match.end():row_end if row_end >= 0 else len(data)]:
            rows = max(rows, count)
    return rows, columns


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _mib(size: int) -> str:
    return f"{size / (1 << 20):.1f} MB"
