"""Turning a received file into sheets of cells, or into a reason the file cannot be read.

Grids keep absolute positions (row 0 is Excel row 1, column 0 is column A) even when the top rows
or left columns are empty, so a cell reference in a message is exactly the cell the unit sees.
Every way a file can fail to open becomes a `FileRejection`: one unreadable file must never stop
the files that arrived with it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from python_calamine import CalamineError, CalamineWorkbook, PasswordError, SheetTypeEnum, SheetVisibleEnum

from orchestration.ingest.findings import FileRejection, reject
from orchestration.ingest.text import Cell

SPREADSHEET_FORMATS = frozenset({"xlsx", "xls", "ods"})
SUPPORTED_FORMATS = SPREADSHEET_FORMATS | {"csv"}

# Office writes password-protected .xlsx/.ods as an OLE container holding this stream name.
_OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")

_FIX_RESAVE_VI = "mở tệp trong Excel, lưu lại dưới dạng .xlsx rồi gửi lại."
_FIX_RESAVE_EN = "open the file in Excel, save it again as .xlsx and send it again."


@dataclass(frozen=True)
class Sheet:
    name: str
    rows: tuple[tuple[Cell, ...], ...]  # ragged: a row may be shorter than the widest row

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
    return Path(file_name).suffix.lower().lstrip(".")


def read_workbook(path: Path, file_name: str) -> Workbook | FileRejection:
    """`path` is where the bytes are (the archive copy); `file_name` is what the unit called the
    file, which decides the format and is the name every message uses."""
    file_format = file_format_of(file_name)
    if file_format not in SUPPORTED_FORMATS:
        return reject(
            "ING_UNSUPPORTED_FORMAT", file_name,
            f"định dạng '.{file_format}' không được nhận.", f"the format '.{file_format}' is not accepted.",
            "gửi báo cáo dạng .xlsx (hoặc .xls, .ods, .csv).", "send the report as .xlsx (or .xls, .ods, .csv).",
        )
    try:
        content = path.read_bytes()
        if not content:
            return _empty(file_name, "tệp rỗng (0 byte).", "the file is empty (0 bytes).")
        if file_format == "csv":
            sheets = _read_csv(content, file_name)
        else:
            if content.startswith(_OLE_MAGIC) and _ENCRYPTED_PACKAGE in content:
                return _encrypted(file_name)
            sheets = _read_spreadsheet(path)
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
    except (CalamineError, OSError, ValueError, OverflowError) as error:
        return reject(
            "ING_CORRUPT_FILE", file_name,
            f"không mở được tệp (tệp hỏng hoặc sai định dạng '.{file_format}': {error}).",
            f"the file cannot be opened (damaged, or not really a '.{file_format}' file: {error}).",
            _FIX_RESAVE_VI, _FIX_RESAVE_EN,
        )
    if not sheets or all(sheet.is_empty for sheet in sheets):
        return _empty(file_name, "tệp không có trang tính nào có dữ liệu.", "no sheet in the file holds any data.")
    return Workbook(file_format, tuple(sheets))


def _read_spreadsheet(path: Path) -> list[Sheet]:
    """Visible worksheets only: messages must point at sheets the unit can see."""
    workbook = CalamineWorkbook.from_path(path)
    try:
        sheets = []
        for index, metadata in enumerate(workbook.sheets_metadata):
            if metadata.typ != SheetTypeEnum.WorkSheet or metadata.visible != SheetVisibleEnum.Visible:
                continue
            grid = workbook.get_sheet_by_index(index).to_python(skip_empty_area=False)
            sheets.append(Sheet(metadata.name, tuple(tuple(_blank_to_none(v) for v in row) for row in grid)))
        return sheets
    finally:
        workbook.close()


def _read_csv(content: bytes, file_name: str) -> list[Sheet]:
    text = content.decode("utf-8-sig")
    delimiter = sniff_delimiter(text)
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    grid = tuple(tuple(_blank_to_none(v) for v in row) for row in rows)
    return [Sheet(Path(file_name).stem, grid)]


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


def _blank_to_none(value: Cell) -> Cell:
    return None if value == "" else value


def _empty(file_name: str, problem_vi: str, problem_en: str) -> FileRejection:
    return reject(
        "ING_EMPTY_WORKBOOK", file_name, problem_vi, problem_en,
        "điền báo cáo vào biểu mẫu rồi gửi lại.", "fill in the report template and send it again.",
    )


def _encrypted(file_name: str) -> FileRejection:
    return reject(
        "ING_ENCRYPTED_FILE", file_name,
        "tệp được đặt mật khẩu nên hệ thống không đọc được.",
        "the file is password-protected, so it cannot be read.",
        "gỡ mật khẩu (Tệp > Thông tin > Bảo vệ sổ làm việc) rồi gửi lại.",
        "remove the password (File > Info > Protect Workbook) and send it again.",
    )
