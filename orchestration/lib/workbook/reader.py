"""Turning a received file into sheets of cells, or into a reason the file cannot be read.

Grids keep absolute positions (row 0 is Excel row 1, column 0 is column A) even when the top rows
or left columns are empty, so a cell reference in a message is exactly the cell the unit sees.
Every way a file can fail to open becomes a `FileRejection`: one unreadable file must never stop
the files that arrived with it.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from python_calamine import CalamineError, CalamineWorkbook, PasswordError, SheetTypeEnum, SheetVisibleEnum

from orchestration.lib.workbook.formulas import formulas_without_value
from orchestration.lib.workbook.limits import IntakeLimits
from orchestration.lib.workbook.package_checks import check_file_size, check_package, reach_problem
from orchestration.lib.workbook.rejections import FileRejection, reject

Cell = str | int | float | bool | date | datetime | time | timedelta | None

SPREADSHEET_FORMATS = frozenset({"xlsx", "xls", "ods"})
SUPPORTED_FORMATS = SPREADSHEET_FORMATS | {"csv"}

# Office writes password-protected .xlsx/.ods as an OLE container holding this stream name.
_OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
_ZIP_MAGIC = b"PK\x03\x04"  # every .xlsx and .ods is a zip package
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")

_FIX_RESAVE_VI = "mở tệp trong Excel, lưu lại dưới dạng .xlsx rồi gửi lại."
_FIX_RESAVE_EN = "open the file in Excel, save it again as .xlsx and send it again."


@dataclass(frozen=True)
class Sheet:
    name: str
    rows: tuple[tuple[Cell, ...], ...]  # ragged: a row may be shorter than the widest row
    # Cells (`C12`) holding a formula saved without its result: empty in `rows`, but not left blank.
    formulas_without_value: frozenset[str] = frozenset()

    def cell(self, row: int, column: int) -> Cell:
        if row < len(self.rows) and column < len(self.rows[row]):
            return self.rows[row][column]
        return None

    @property
    def is_empty(self) -> bool:
        return all(value is None for row in self.rows for value in row)


@dataclass(frozen=True)
class Workbook:
    file_format: str
    sheets: tuple[Sheet, ...]


def file_format_of(file_name: str) -> str:
    """`os.path` rather than `Path`: called for every file, and building a Path costs more than this."""
    return os.path.splitext(file_name)[1].lower().lstrip(".")


class _LimitExceeded(Exception):
    """Raised from inside the readers, which cannot return a rejection mid-way."""

    def __init__(self, rejection: FileRejection) -> None:
        super().__init__(rejection.reason_en)
        self.rejection = rejection


def read_workbook(path: Path, file_name: str, limits: IntakeLimits = IntakeLimits()) -> Workbook | FileRejection:
    """A workbook on disk; `file_name` is what the unit called the file, which decides the format
    and is the name every message uses. The size is checked before a byte is read."""
    try:
        size_bytes = path.stat().st_size
        content = path.read_bytes() if size_bytes <= limits.max_file_bytes else None
    except OSError as error:
        return _corrupt(file_name, file_format_of(file_name), error)
    return read_received_workbook(file_name, size_bytes, content, limits)


def read_received_workbook(
    file_name: str, size_bytes: int, content: bytes | None, limits: IntakeLimits = IntakeLimits()
) -> Workbook | FileRejection:
    """`content` may be None only for a file above the size limit, which is refused unread. The
    package is checked before calamine sees it."""
    file_format = file_format_of(file_name)
    if file_format not in SUPPORTED_FORMATS:
        return reject(
            "ING_UNSUPPORTED_FORMAT", file_name,
            f"định dạng '.{file_format}' không được nhận.", f"the format '.{file_format}' is not accepted.",
            "gửi báo cáo dạng .xlsx (hoặc .xls, .ods, .csv).", "send the report as .xlsx (or .xls, .ods, .csv).",
        )
    too_large = check_file_size(size_bytes, limits, file_name)
    if too_large is not None:
        return too_large
    assert content is not None, "only files above the size limit come without their bytes"
    try:
        if not content:
            return _empty(file_name, "tệp rỗng (0 byte).", "the file is empty (0 bytes).")
        if file_format == "csv":
            # A workbook renamed to .csv would otherwise be refused as "not UTF-8", which sends the
            # unit to change an encoding setting that has nothing to do with the problem.
            if content.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
                return _workbook_named_csv(file_name, "xlsx" if content.startswith(_ZIP_MAGIC) else "xls")
            sheets = _read_csv(content, file_name, limits)
        else:
            if content.startswith(_OLE_MAGIC) and _ENCRYPTED_PACKAGE in content:
                return _encrypted(file_name)
            unsafe = check_package(content, file_format, limits, file_name)
            if unsafe is not None:
                return unsafe
            sheets = _read_spreadsheet(content, file_name, limits)
            if file_format == "xlsx":
                uncached = formulas_without_value(content)
                sheets = [Sheet(sheet.name, sheet.rows, uncached.get(sheet.name, frozenset())) for sheet in sheets]
    except _LimitExceeded as exceeded:
        return exceeded.rejection
    except PasswordError:
        return _encrypted(file_name)
    except UnicodeDecodeError:
        return reject(
            "ING_BAD_ENCODING", file_name,
            "tệp CSV không được mã hóa UTF-8 nên chữ tiếng Việt không đọc được.",
            "the CSV file is not UTF-8 encoded, so Vietnamese text cannot be read.",
            "trong Excel chọn Lưu thành > 'CSV UTF-8', hoặc gửi tệp .xlsx.",
            "in Excel choose Save As > 'CSV UTF-8', or send the .xlsx file.",
        )
    except (CalamineError, OSError, ValueError, OverflowError, csv.Error) as error:
        return _corrupt(file_name, file_format, error)
    if not sheets or all(sheet.is_empty for sheet in sheets):
        return _empty(file_name, "tệp không có trang tính nào có dữ liệu.", "no sheet in the file holds any data.")
    return Workbook(file_format, tuple(sheets))


def _read_spreadsheet(content: bytes, file_name: str, limits: IntakeLimits) -> list[Sheet]:
    """Visible worksheets only: messages must point at sheets the unit can see. Each sheet's
    extent is checked again once calamine has read it and before Python builds its rows: that is
    the only check an .xls gets, and it bounds what the package checks estimate for .ods."""
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    try:
        metadata = workbook.sheets_metadata
        if len(metadata) > limits.max_sheets:
            raise _LimitExceeded(
                reject(
                    "ING_LIMIT_SHEETS", file_name,
                    f"tệp có {len(metadata)} trang tính, vượt giới hạn {limits.max_sheets}.",
                    f"the file has {len(metadata)} sheets, above the {limits.max_sheets} limit.",
                    "xóa các trang tính thừa, chỉ giữ trang báo cáo rồi gửi lại.",
                    "delete the extra sheets, keep the report sheet and send it again.",
                )
            )
        sheets = []
        for index, sheet_metadata in enumerate(metadata):
            if sheet_metadata.typ != SheetTypeEnum.WorkSheet or sheet_metadata.visible != SheetVisibleEnum.Visible:
                continue
            sheet = workbook.get_sheet_by_index(index)
            last_row, last_column = sheet.end or (-1, -1)
            too_far = reach_problem(last_row + 1, last_column + 1, limits, file_name, sheet_name=sheet_metadata.name)
            if too_far is not None:
                raise _LimitExceeded(too_far)
            grid = sheet.to_python(skip_empty_area=False)
            sheets.append(Sheet(sheet_metadata.name, tuple([_blanks_to_none(row) for row in grid])))
        return sheets
    finally:
        workbook.close()


def _read_csv(content: bytes, file_name: str, limits: IntakeLimits) -> list[Sheet]:
    text = content.decode("utf-8-sig")
    delimiter = sniff_delimiter(text)
    grid = []
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        too_far = reach_problem(len(grid) + 1, len(row), limits, file_name, sheet_name=Path(file_name).stem)
        if too_far is not None:
            raise _LimitExceeded(too_far)
        grid.append(_blanks_to_none(row))
    return [Sheet(Path(file_name).stem, tuple(grid))]


def sniff_delimiter(text: str) -> str:
    """`;` or `,`: the one found outside quotes on more lines wins, ties go to `,`.

    Excel on a Vietnamese-locale machine writes `;` because `,` is the decimal mark there, so a
    `;` file also holds commas inside numbers (`95,56`), but only on some lines; the separator is
    on nearly every line. csv.Sniffer gives up on short files like these, hence the own rule.
    """
    lines_with = {";": 0, ",": 0}
    for line in text.splitlines():
        outside_quotes = "".join(part for i, part in enumerate(line.split('"')) if i % 2 == 0)
        for delimiter in lines_with:
            if delimiter in outside_quotes:
                lines_with[delimiter] += 1
    return ";" if lines_with[";"] > lines_with[","] else ","


def _blanks_to_none(row: list[Cell]) -> tuple[Cell, ...]:
    """Readers give empty cells as ''; a list comprehension is 3x faster than a call per cell."""
    return tuple([None if value == "" else value for value in row])


def _corrupt(file_name: str, file_format: str, error: Exception) -> FileRejection:
    return reject(
        "ING_CORRUPT_FILE", file_name,
        f"không mở được tệp (tệp hỏng hoặc sai định dạng '.{file_format}': {error}).",
        f"the file cannot be opened (damaged, or not really a '.{file_format}' file: {error}).",
        _FIX_RESAVE_VI, _FIX_RESAVE_EN,
    )


def _empty(file_name: str, problem_vi: str, problem_en: str) -> FileRejection:
    return reject(
        "ING_EMPTY_WORKBOOK", file_name, problem_vi, problem_en,
        "điền báo cáo vào biểu mẫu rồi gửi lại.", "fill in the report template and send it again.",
    )


def _workbook_named_csv(file_name: str, real_format: str) -> FileRejection:
    return reject(
        "ING_WORKBOOK_NAMED_CSV", file_name,
        f"tệp này là sổ làm việc Excel (.{real_format}) nhưng được đặt tên .csv.",
        f"this is an Excel workbook (.{real_format}) named .csv.",
        f"đổi đuôi tệp thành .{real_format} rồi gửi lại, hoặc trong Excel chọn Lưu thành > 'CSV UTF-8'.",
        f"rename the file to .{real_format} and send it again, or in Excel choose Save As > 'CSV UTF-8'.",
    )


def _encrypted(file_name: str) -> FileRejection:
    return reject(
        "ING_ENCRYPTED_FILE", file_name,
        "tệp được đặt mật khẩu nên hệ thống không đọc được.",
        "the file is password-protected, so it cannot be read.",
        "gỡ mật khẩu (Tệp > Thông tin > Bảo vệ sổ làm việc) rồi gửi lại.",
        "remove the password (File > Info > Protect Workbook) and send it again.",
    )
