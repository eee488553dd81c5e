from __future__ import annotations

import io
import struct
import zipfile

import pytest

from orchestration.lib.workbook.zip_directory import DamagedZip, ZipPart, is_zip, read_directory
from tests.ingest.ingest_builders import write_ods, write_report


def as_zipfile_sees_it(content: bytes) -> list[ZipPart]:
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        return [ZipPart(i.filename, i.flag_bits, i.compress_type, i.compress_size, i.file_size, i.header_offset)
                for i in package.infolist()]


def test_the_directory_of_an_xlsx_and_an_ods_is_what_zipfile_reads(tmp_path):
    xlsx = write_report(tmp_path / "bc.xlsx").read_bytes()
    ods = write_ods(tmp_path / "bc.ods", "Biểu", [["Mã chỉ số", "Giá trị"], ["OPD_VISITS", 3]]).read_bytes()
    for content in (xlsx, ods):
        assert is_zip(content)
        assert read_directory(content) == as_zipfile_sees_it(content)


def test_zip64_records_and_utf8_names_are_followed(monkeypatch):
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 4)  # every size and offset above it goes to zip64 fields
    monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 1)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("xl/worksheets/sheet1.xml", b"<worksheet/>" * 100)
        package.writestr("xl/Báo cáo.xml", b"<x/>")
    content = buffer.getvalue()
    monkeypatch.undo()

    parts = read_directory(content)

    assert parts == as_zipfile_sees_it(content)
    assert [p.filename for p in parts] == ["xl/worksheets/sheet1.xml", "xl/Báo cáo.xml"]
    assert parts[0].file_size == 1200


@pytest.mark.parametrize("cut", [10, 30, 60])
def test_a_cut_off_directory_is_damaged_not_misread(tmp_path, cut):
    content = write_report(tmp_path / "bc.xlsx").read_bytes()
    end = content.rfind(b"PK\x05\x06")
    directory_offset = struct.unpack_from("<L", content, end + 16)[0]
    damaged = content[:directory_offset + cut] + content[end:]  # the end record now points past a torn directory
    with pytest.raises((DamagedZip, struct.error)):
        read_directory(damaged)


def test_bytes_without_zip_records_are_no_zip():
    assert not is_zip(b"\xd0\xcf\x11\xe0 an old .xls or an encrypted package")
    with pytest.raises(DamagedZip):
        read_directory(b"plain text")
