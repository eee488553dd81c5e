from __future__ import annotations

from datetime import datetime

import pytest

from ingest_builders import FIRST_VALUE_ROW, SHEET, report_rows, sheet
from orchestration.ingest.submission_parser import ParsedSubmission, parse_submission
from orchestration.lib.workbook.rejections import FileRejection

FILE = "bc_thang3.xlsx"


def parse_ok(*sheets) -> ParsedSubmission:
    parsed = parse_submission(tuple(sheets), FILE)
    assert isinstance(parsed, ParsedSubmission), parsed
    return parsed


def rejected(*sheets) -> FileRejection:
    parsed = parse_submission(tuple(sheets), FILE)
    assert isinstance(parsed, FileRejection), parsed
    assert FILE in parsed.reason_vi and FILE in parsed.reason_en
    return parsed


def test_template_layout():
    parsed = parse_ok(sheet(report_rows(values=[(" opd_visits ", 1200), ("BEDS", "1.384"), ("DTP1", "-")])))
    assert (parsed.unit_code.value, parsed.unit_code.cell_ref) == ("QN-BVDKT", "B3")
    assert (parsed.period.value, parsed.period.cell_ref) == ("Tháng 3/2025", "B4")
    assert parsed.unit_name.value == "Bệnh viện Đa khoa tỉnh"
    assert parsed.report_date.value == "05/04/2025"
    assert parsed.preparer is None  # the signature block's 'Người lập biểu' is below the table
    assert parsed.table_sheet == SHEET
    rows = [(r.indicator_code, r.number.status, r.number.value, r.cell_ref) for r in parsed.rows]
    assert rows == [
        ("OPD_VISITS", "value", 1200.0, f"E{FIRST_VALUE_ROW}"),
        ("BEDS", "value", 1384.0, f"E{FIRST_VALUE_ROW + 1}"),
        ("DTP1", "not_reported", None, f"E{FIRST_VALUE_ROW + 2}"),
    ]
    assert parsed.rows[1].number.text == "1.384" and parsed.rows[0].number.text is None


@pytest.mark.parametrize(
    "label_cells",
    [
        ["Mã đơn vị:", "QN-TTYT-HL"],
        ["MÃ ĐƠN VỊ", "QN-TTYT-HL"],
        ["ma don vi :", "qn-ttyt-hl"],
        ["Mã  đơn   vị", None, None, " QN-TTYT-HL "],
        ["Mã đơn vị (*):", None, "QN-TTYT-HL"],
        ["Mã đơn vị báo cáo", "QN-TTYT-HL"],
        ["Mã đơn vị: QN-TTYT-HL"],
        ["MA DON VI:qn-ttyt-hl"],
        ["Mã đơn vị (*): QN-TTYT-HL", "ignored"],
    ],
)
def test_unit_code_label_variants(label_cells):
    rows = report_rows()
    rows[2] = label_cells
    assert parse_ok(sheet(rows)).unit_code.value == "QN-TTYT-HL"


def test_value_cell_is_named_where_it_was_found():
    rows = report_rows()
    rows[2] = ["Mã đơn vị:", None, None, "QN-TTYT-HL"]
    rows[3] = ["Kỳ báo cáo: Quý I/2025"]
    parsed = parse_ok(sheet(rows))
    assert parsed.unit_code.cell_ref == "D3"
    assert (parsed.period.value, parsed.period.cell_ref) == ("Quý I/2025", "A4")


def test_identity_labels_side_by_side():
    rows = report_rows()
    rows[2] = ["Mã đơn vị:", "QN-BVDKT", None, "Kỳ báo cáo:", "Tháng 4/2025"]
    rows[3] = ["Người lập biểu:", "Trần Thị B"]
    parsed = parse_ok(sheet(rows))
    assert (parsed.unit_code.value, parsed.period.value, parsed.period.cell_ref) == ("QN-BVDKT", "Tháng 4/2025", "E3")
    assert parsed.preparer.value == "Trần Thị B"


def test_period_typed_as_number_reads_as_its_code():
    parsed = parse_ok(sheet(report_rows(period=202503.0)))
    assert parsed.period.value == "202503"


def test_report_date_cell_keeps_its_date():
    rows = report_rows()
    rows[5] = ["Ngày báo cáo", datetime(2025, 4, 5)]
    assert parse_ok(sheet(rows)).report_date.value == "2025-04-05T00:00:00"


def test_header_on_second_sheet():
    info = sheet([["Mã đơn vị:", "QN-CTK"], ["Kỳ báo cáo:", "Năm 2025"]], name="Thông tin")
    data = sheet(
        [[], ["BIỂU 01"], ["Mã chỉ số", "Mã địa bàn", "Số liệu"], ["POP_TOTAL", "qn-hl", "1.384.000"], ["POP_TOTAL", None, 5]],
        name="Số liệu",
    )
    parsed = parse_ok(info, data)
    assert parsed.table_sheet == "Số liệu"
    assert [(r.indicator_code, r.area_code, r.number.value, r.sheet_name, r.cell_ref, r.area_cell_ref) for r in parsed.rows] == [
        ("POP_TOTAL", "QN-HL", 1384000.0, "Số liệu", "C4", "B4"),
        ("POP_TOTAL", None, 5.0, "Số liệu", "C5", None),
    ]


@pytest.mark.parametrize("value_header", ["Giá trị", "GIA TRI", "Số liệu", "kết quả", "Giá trị:"])
def test_value_header_aliases(value_header):
    rows = report_rows()
    rows[7] = ["STT", "MÃ CHỈ SỐ", "Tên chỉ số", "ĐVT", value_header]
    assert [r.number.value for r in parse_ok(sheet(rows)).rows] == [1200.0, 1384.0]


def test_leftmost_value_column_wins():
    rows = report_rows()
    rows[7] = ["STT", "Mã chỉ số", "Tên chỉ số", "Đơn vị tính", "Giá trị", "Kết quả"]
    rows[FIRST_VALUE_ROW - 1] = [1, "OPD_VISITS", "", "", 10, 99]
    assert parse_ok(sheet(rows)).rows[0].number.value == 10


def test_section_rows_blank_rows_and_signature_are_skipped():
    rows = report_rows(values=[("OPD_VISITS", 1)])
    rows[8:8] = [["II", "II. ĐIỀU TRỊ NỘI TRÚ"], [], [None, "Ghi chú: số liệu tạm tính", None, None, "xem phụ lục"]]
    rows += [[None, "Hạ Long, ngày 5 tháng 4 năm 2025", None, None, "Giám đốc"], [None, "Mã chỉ số", None, None, "Giá trị"]]
    parsed = parse_ok(sheet(rows))
    assert [r.indicator_code for r in parsed.rows] == ["OPD_VISITS"]


def test_prose_in_the_code_column_next_to_a_number_is_kept_to_be_flagged():
    rows = report_rows(values=[("Số lượt khám", 1200)])
    assert [(r.indicator_code, r.number.value) for r in parse_ok(sheet(rows)).rows] == [("SỐ LƯỢT KHÁM", 1200.0)]


def test_numeric_code_cell_reads_as_text():
    rows = report_rows(values=[(101.0, 5)])
    assert parse_ok(sheet(rows)).rows[0].indicator_code == "101"


def test_no_identity():
    rows = report_rows()
    del rows[2:6]
    result = rejected(sheet(rows))
    assert (result.reason_code, result.sheet_name) == ("ING_NO_IDENTITY", SHEET)


def test_identity_labels_left_blank_are_no_identity():
    rows = report_rows()
    rows[2] = ["Mã đơn vị:", None, "Kỳ báo cáo:"]
    rows[3] = []
    assert rejected(sheet(rows)).reason_code == "ING_NO_IDENTITY"


def test_no_unit_code():
    assert rejected(sheet(report_rows(unit_code=None))).reason_code == "ING_NO_UNIT_CODE"


def test_no_period():
    assert rejected(sheet(report_rows(period="  "))).reason_code == "ING_NO_PERIOD"


def test_identity_on_a_later_sheet_does_not_count():
    first = sheet([["Mã chỉ số", "Giá trị"], ["OPD_VISITS", 1]], name="Số liệu")
    second = sheet([["Mã đơn vị:", "QN-BVDKT"], ["Kỳ báo cáo:", "Tháng 3/2025"]], name="Thông tin")
    assert rejected(first, second).reason_code == "ING_NO_IDENTITY"


def test_instructions_sheet_in_front_is_ignored():
    guide = sheet([["HƯỚNG DẪN ĐIỀN BIỂU MẪU"], ["1. Không sửa mã đơn vị."]], name="Hướng dẫn")
    parsed = parse_ok(guide, sheet(report_rows()))
    assert (parsed.unit_code.value, parsed.unit_code.sheet_name, parsed.unit_code.cell_ref) == ("QN-BVDKT", SHEET, "B3")
    assert parsed.table_sheet == SHEET and [r.number.value for r in parsed.rows] == [1200.0, 1384.0]


def test_identity_below_the_table_on_a_later_sheet_does_not_count():
    guide = sheet([["HƯỚNG DẪN"]], name="Hướng dẫn")
    data = sheet([["Mã chỉ số", "Giá trị"], ["OPD_VISITS", 1], [], ["Mã đơn vị:", "QN-BVDKT"], ["Kỳ báo cáo:", "202503"]])
    assert rejected(guide, data).reason_code == "ING_NO_IDENTITY"


@pytest.mark.parametrize(
    "header",
    [
        ["STT", "Mã chỉ số", "Tên chỉ số", "Đơn vị tính"],  # no value column
        ["STT", "Mã số", "Tên chỉ số", "Giá trị"],  # no code column
        [],
    ],
)
def test_no_header_row(header):
    rows = report_rows()
    rows[7] = header
    result = rejected(sheet(rows))
    assert result.reason_code == "ING_NO_TABLE"
    assert "Mã chỉ số" in result.reason_vi and "Giá trị" in result.reason_en


@pytest.mark.parametrize("note_header", ["Ghi chú", "GHI CHU", "Chú thích", "Note"])
def test_the_notes_column_is_read_under_its_header_variants(note_header):
    rows = report_rows(values=[("OPD_VISITS", 5000), ("BEDS", None), ("DTP1", "không áp dụng"), ("DTP3", 4)])
    rows[7][5] = note_header
    rows[9].append("Mở thêm phòng khám")  # OPD_VISITS
    rows[10].append("x")  # BEDS: empty value, not applicable per Ghi chú
    by_code = {row.indicator_code: row for row in parse_ok(sheet(rows)).rows}
    assert by_code["OPD_VISITS"].note == "Mở thêm phòng khám" and by_code["OPD_VISITS"].number.status == "value"
    assert by_code["BEDS"].number.status == "not_applicable"
    assert by_code["DTP1"].number.status == "not_applicable" and by_code["DTP1"].note is None
    assert by_code["DTP3"].note is None and by_code["DTP3"].number.status == "value"


def test_a_layout_without_a_notes_column_reads_no_notes():
    rows = report_rows(values=[("OPD_VISITS", 5000)])
    rows[7] = rows[7][:5]
    rows[9].append("chữ ở cột ngoài bảng")
    assert parse_ok(sheet(rows)).rows[0].note is None
