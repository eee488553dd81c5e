from __future__ import annotations

from datetime import datetime

import openpyxl
import pytest

from orchestration.lib.workbook.locations import cell_ref, column_letters
from orchestration.lib.workbook.reader import Workbook, read_workbook, sniff_delimiter
from orchestration.lib.workbook.rejections import FileRejection
from tests.ingest.ingest_builders import write_csv, write_ods, write_report, write_xlsx


def read_ok(path) -> Workbook:
    workbook = read_workbook(path, path.name)
    assert isinstance(workbook, Workbook), workbook
    return workbook


def rejection(path, file_name=None) -> FileRejection:
    result = read_workbook(path, file_name or path.name)
    assert isinstance(result, FileRejection), result
    assert path.name in result.reason_vi or (file_name or "") in result.reason_vi
    assert "Cách sửa:" in result.reason_vi and "How to fix:" in result.reason_en
    return result


@pytest.mark.parametrize(("column", "letters"), [(0, "A"), (4, "E"), (25, "Z"), (26, "AA"), (51, "AZ"), (52, "BA"), (702, "AAA")])
def test_column_letters(column, letters):
    assert column_letters(column) == letters


def test_xlsx_grid_keeps_absolute_positions(tmp_path):
    path = write_xlsx(tmp_path / "bc.xlsx", {"Báo cáo": [[], [], [None, None, "Mã đơn vị:"], [None, None, None, None, 12.5]]})
    workbook = read_ok(path)
    assert workbook.file_format == "xlsx"
    [sheet] = workbook.sheets
    assert sheet.name == "Báo cáo"
    assert sheet.cell(2, 2) == "Mã đơn vị:" and cell_ref(2, 2) == "C3"
    assert sheet.cell(3, 4) == 12.5 and cell_ref(3, 4) == "E4"
    assert sheet.cell(0, 0) is None and sheet.cell(99, 99) is None


def test_xlsx_sheets_in_workbook_order_without_hidden_ones(tmp_path):
    path = write_xlsx(
        tmp_path / "bc.xlsx",
        {"Danh mục": [["lists"]], "Thông tin": [["a"]], "Số liệu": [["b"]]},
        hidden=["Danh mục"],
    )
    assert [s.name for s in read_ok(path).sheets] == ["Thông tin", "Số liệu"]


def test_xlsx_dates_and_numbers_keep_their_types(tmp_path):
    path = write_xlsx(tmp_path / "bc.xlsx", {"S": [[datetime(2025, 4, 5), 7, "7"]]})
    row = read_ok(path).sheets[0].rows[0]
    assert row[0].year == 2025 and row[0].month == 4
    assert row[1] == 7 and not isinstance(row[1], str)
    assert row[2] == "7"


def test_csv_with_bom_and_semicolons(tmp_path):
    rows = [["Mã đơn vị:", "QN-BVDKT"], [], ["Mã chỉ số", "Giá trị"], ["OPD_VISITS", "1.384.000"], ["BEDS", "95,56"]]
    path = write_csv(tmp_path / "bao cao.csv", rows, delimiter=";", bom=True)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    workbook = read_ok(path)
    [sheet] = workbook.sheets
    assert (workbook.file_format, sheet.name) == ("csv", "bao cao")
    assert sheet.rows[0] == ("Mã đơn vị:", "QN-BVDKT")  # no BOM glued to the first label
    assert sheet.cell(4, 1) == "95,56" and sheet.cell(3, 1) == "1.384.000"


def test_csv_with_commas_and_quoted_decimals(tmp_path):
    path = write_csv(tmp_path / "bc.csv", [["Mã chỉ số", "Giá trị"], ["BEDS", "95,56"], ["OPD; ngoại trú", "1"]])
    sheet = read_ok(path).sheets[0]
    assert sheet.rows == (("Mã chỉ số", "Giá trị"), ("BEDS", "95,56"), ("OPD; ngoại trú", "1"))


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("a;b\nc;1,5\nd;2,5\n", ";"),
        ("Mã đơn vị: X\nMã chỉ số;Giá trị\nA;1,5\nB;2,5\n", ";"),
        ('a,b\nc,"1,5"\nd,2\n', ","),
        ("a,b\nnote; with semicolon,1\nc,2\n", ","),
        ("only one column\n", ","),
    ],
)
def test_sniff_delimiter(text, delimiter):
    assert sniff_delimiter(text) == delimiter


def test_csv_not_utf8_is_rejected(tmp_path):
    path = tmp_path / "bc.csv"
    path.write_bytes("Mã;QN-BVDKT\n".encode("cp1252"))  # a legacy Windows code page
    assert rejection(path).reason_code == "ING_BAD_ENCODING"


@pytest.mark.parametrize("real_format", ["xlsx", "xls"])
def test_a_workbook_renamed_to_csv_is_told_as_such_not_as_an_encoding_problem(tmp_path, real_format):
    path = tmp_path / "bc.csv"
    if real_format == "xlsx":
        write_xlsx(tmp_path / "bc.xlsx", {"Báo cáo": [["Mã đơn vị:", "QN-BVDKT"]]}).rename(path)
    else:  # the old binary format: an OLE container
        path.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 504)
    found = rejection(path)
    assert found.reason_code == "ING_WORKBOOK_NAMED_CSV"
    assert found.reason_vi == (f"Tệp 'bc.csv': tệp này là sổ làm việc Excel (.{real_format}) nhưng được đặt tên .csv. "
                               f"Cách sửa: đổi đuôi tệp thành .{real_format} rồi gửi lại, hoặc trong Excel chọn "
                               "Lưu thành > 'CSV UTF-8'.")
    assert found.reason_en.startswith(f"File 'bc.csv': this is an Excel workbook (.{real_format}) named .csv.")


def test_ods(tmp_path):
    path = write_ods(tmp_path / "bc.ods", "Báo cáo", [["Mã đơn vị:", "QN-BVDKT"], [None, None, "x", 12.5]])
    workbook = read_ok(path)
    assert workbook.file_format == "ods"
    assert workbook.sheets[0].cell(1, 3) == 12.5 and workbook.sheets[0].cell(0, 1) == "QN-BVDKT"


def test_garbage_is_a_corrupt_file(tmp_path):
    path = tmp_path / "bc.xlsx"
    path.write_bytes(b"this is not a spreadsheet")
    assert rejection(path).reason_code == "ING_CORRUPT_FILE"


def test_truncated_xlsx_is_a_corrupt_file(tmp_path):
    whole = write_report(tmp_path / "whole.xlsx").read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    assert rejection(path).reason_code == "ING_CORRUPT_FILE"


def test_password_protected_xlsx_is_recognised(tmp_path):
    """Encrypted OOXML is an OLE container with an `EncryptedPackage` stream instead of a zip."""
    path = tmp_path / "bc.xlsx"
    header = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504)
    directory = "EncryptedPackage".encode("utf-16-le").ljust(128, b"\0")
    path.write_bytes(header + directory + bytes(512))
    assert rejection(path).reason_code == "ING_ENCRYPTED_FILE"


def test_workbook_without_data_is_empty(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.create_sheet("Trống")
    path = tmp_path / "bc.xlsx"
    workbook.save(path)
    assert rejection(path).reason_code == "ING_EMPTY_WORKBOOK"


@pytest.mark.parametrize("name", ["bc.xlsx", "bc.csv"])
def test_zero_bytes_is_empty(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"")
    assert rejection(path).reason_code == "ING_EMPTY_WORKBOOK"


@pytest.mark.parametrize("name", ["bc.pdf", "bc.docx", "bc", "bc.xlsx.zip"])
def test_unsupported_extension(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"%PDF-1.4")
    assert rejection(path).reason_code == "ING_UNSUPPORTED_FORMAT"


def test_format_follows_the_units_file_name_not_the_archive_name(tmp_path):
    path = write_csv(tmp_path / "0a1b2c.csv", [["a", "b"]])
    result = read_workbook(path, "Báo cáo tháng 3.CSV")
    assert isinstance(result, Workbook) and result.sheets[0].name == "Báo cáo tháng 3"
