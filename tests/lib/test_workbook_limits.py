"""Safety limits: the checks that run before calamine parses anything. Each limit's quarantine is
also in the corpus (tests/ingest/corpus.py); these pin the edges. Reading the limits from the
environment is tested with the other settings (tests/lib/test_settings.py)."""

from __future__ import annotations

import struct

import pytest

from orchestration.lib.workbook.limits import IntakeLimits
from orchestration.lib.workbook.package_checks import check_package, root_element
from orchestration.lib.workbook.reader import Workbook, read_workbook
from orchestration.lib.workbook.rejections import FileRejection
from tests.ingest.bad_files import report_with_far_cell, rewrite_zip, with_billion_laughs
from tests.ingest.ingest_builders import SHEET, report_rows, write_ods, write_report, write_xlsx


@pytest.mark.parametrize(
    ("head", "root"),
    [
        (b'<?xml version="1.0"?><worksheet>', b"worksheet"),
        (b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- made by hand -->\n<x:worksheet xmlns:x="u">', b"worksheet"),
        ('<?xml version="1.0" encoding="UTF-16"?><workbook/>'.encode("utf-16"), b"workbook"),
        (b'<?xml version="1.0"?><!DOCTYPE workbook [<!ENTITY a "b">]><workbook>', None),
        (b'<!-- <workbook> --><!DOCTYPE x SYSTEM "file:///etc/passwd"><workbook>', None),
        ('<?xml version="1.0"?><!DOCTYPE w><w/>'.encode("utf-16"), None),
    ],
)
def test_root_element_or_none_for_a_dtd(head, root):
    assert root_element(head, len(head)) == root


def test_a_prolog_longer_than_the_head_is_not_trusted():
    """Kilobytes of white space or comments could push a DTD past what is inflated."""
    padding = b'<?xml version="1.0"?>' + b"<!-- ok -->" * 100
    assert root_element(padding[:1024], len(padding) + 50) is None
    assert root_element(b" " * 1024, 4096) is None
    assert root_element(b" " * 100 + b"<worksheet>", 111) == b"worksheet"


def test_real_workbooks_pass_the_package_checks(tmp_path):
    for path in (write_report(tmp_path / "bc.xlsx"), write_ods(tmp_path / "bc.ods", SHEET, report_rows())):
        assert check_package(path.read_bytes(), path.suffix[1:], IntakeLimits(), path.name) is None


def test_libreoffice_repeats_empty_rows_and_cells_to_the_sheet_end_harmlessly(tmp_path):
    path = write_ods(tmp_path / "bc.ods", SHEET, report_rows())
    trailing = (b'<table:table-row table:number-rows-repeated="1048500"><table:table-cell '
                b'table:number-columns-repeated="16384"/></table:table-row>')
    rewrite_zip(path, transform=lambda name, data: data.replace(b"</table:table>", trailing + b"</table:table>"))
    result = read_workbook(path, path.name)
    assert isinstance(result, Workbook) and result.sheets[0].cell(2, 1) == "QN-BVDKT"


def test_cells_within_the_limits_are_read(tmp_path):
    limits = IntakeLimits(max_rows=30, max_columns=8)
    assert isinstance(read_workbook(report_with_far_cell(tmp_path / "ok.xlsx", 30, 8), "ok.xlsx", limits), Workbook)
    beyond = read_workbook(report_with_far_cell(tmp_path / "far.xlsx", 30, 9), "far.xlsx", limits)
    assert isinstance(beyond, FileRejection) and beyond.reason_code == "ING_LIMIT_COLUMNS"
    assert "cột I" in beyond.reason_vi and "column I" in beyond.reason_en and "(up to column H)" in beyond.reason_en


def test_the_whole_excel_grid_is_refused_before_calamine_allocates_it(tmp_path):
    """One value at XFD1048576 made calamine request 512 GiB and abort the process."""
    path = write_xlsx(tmp_path / "bc.xlsx", {SHEET: report_rows()})
    rewrite_zip(path, transform=lambda name, data: data.replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'))
    result = read_workbook(path, path.name)
    assert isinstance(result, FileRejection) and result.reason_code == "ING_LIMIT_ROWS"
    assert "1048576" in result.reason_vi


def test_a_dtd_in_any_part_is_refused(tmp_path):
    result = read_workbook(with_billion_laughs(tmp_path / "bc.xlsx"), "bc.xlsx")
    assert isinstance(result, FileRejection) and result.reason_code == "ING_UNSAFE_XML"
    assert "xl/workbook.xml" in result.reason_en and "<!DOCTYPE" in result.reason_vi


def test_a_part_lying_about_its_size_is_damaged(tmp_path):
    """A small declared size hides a bomb from the directory checks; calamine then stops reading at
    the declared size and the file is quarantined as damaged."""
    path = write_report(tmp_path / "bc.xlsx")
    content = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    for at in (i for i in range(len(content)) if content.startswith(name, i)):
        if content[at - 30:at - 26] == b"PK\x03\x04":
            struct.pack_into("<I", content, at - 30 + 22, 10)  # local header: uncompressed size
        elif content[at - 46:at - 42] == b"PK\x01\x02":
            struct.pack_into("<I", content, at - 46 + 24, 10)  # central directory: uncompressed size
    path.write_bytes(bytes(content))
    result = read_workbook(path, path.name)
    assert isinstance(result, FileRejection) and result.reason_code == "ING_CORRUPT_FILE"
