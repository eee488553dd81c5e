"""The annotated copy: exactly the faulty cells highlighted and explained, nothing executable."""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pytest

from orchestration.alerts.annotate import HIGHLIGHT_COLOURS, AnnotatedWorkbook, NoAnnotation, annotate_submission
from orchestration.alerts.model import FindingRow
from tests.alerts.alert_builders import SHEET, commented_cells, highlighted_cells, report_workbook
from tests.ingest.ingest_builders import write_ods

LIMIT = 5_000_000
COLOURS = set(HIGHLIGHT_COLOURS.values())
BOGUS_STYLES = (
    b'<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<bogus/></styleSheet>"
)


def finding(cell: str | None, severity: str = "error", sheet: str | None = SHEET, rule: str = "ING_UNPARSEABLE_VALUE"):
    return FindingRow("QN-TYT-HONGHAI", "202503", "OPD_VISITS", rule, severity, f"Ô {cell} sai <vi>",
                      f"Cell {cell} wrong <en>", "bao_cao.xlsx", sheet, cell, 1)


def open_annotated(result) -> openpyxl.Workbook:
    assert isinstance(result, AnnotatedWorkbook), result
    return openpyxl.load_workbook(io.BytesIO(result.content))


def test_xlsx_highlights_exactly_the_faulty_cells_each_with_a_bilingual_comment(tmp_path):
    source = report_workbook(tmp_path / "bao_cao.xlsx", "QN-TYT-HONGHAI", "Tháng 3/2025",
                             {"OPD_VISITS": 1200, "LIVE_BIRTHS": "abc", "DOCTORS": -5})
    findings = [finding("D7"), finding("D8", "warning"), finding("D7", "warning", rule="VAL_OUTLIER"),
                finding(None, sheet=None, rule="ING_NO_DATE")]
    result = annotate_submission(source.read_bytes(), "bao_cao.xlsx", findings, LIMIT)
    workbook = open_annotated(result)
    faulty = {(SHEET, "D7"), (SHEET, "D8")}
    assert highlighted_cells(workbook, COLOURS) == faulty == set(result.marked_cells)
    comments = commented_cells(workbook)
    assert set(comments) == faulty
    assert "[LỖI] Ô D7 sai <vi>" in comments[(SHEET, "D7")] and "[ERROR] Cell D7 wrong <en>" in comments[(SHEET, "D7")]
    assert "[CẢNH BÁO]" in comments[(SHEET, "D7")]  # both findings on D7 are explained
    # The worst finding decides the colour; the template's own input fill is left alone.
    assert workbook[SHEET]["D7"].fill.fgColor.rgb == HIGHLIGHT_COLOURS["error"]
    assert workbook[SHEET]["D8"].fill.fgColor.rgb == HIGHLIGHT_COLOURS["warning"]
    assert workbook[SHEET]["D6"].fill.fgColor.rgb == "00FFF2CC"
    assert result.file_name == "bao_cao_phan_hoi.xlsx"


def test_text_that_looks_like_a_formula_stays_text_and_formulas_become_values(tmp_path):
    source = report_workbook(tmp_path / "bao_cao.xlsx", "QN-TYT-HONGHAI", "Tháng 3/2025", {"OPD_VISITS": 1})
    workbook = openpyxl.load_workbook(source)
    sheet = workbook[SHEET]
    for cell, text in (("E6", '=HYPERLINK("http://x.invalid","bấm")'), ("E7", "+84 912"), ("E8", "-gạch"),
                       ("E9", "@SUM(1)")):
        sheet[cell] = text
        sheet[cell].data_type = "s"
    sheet["D10"] = "=SUM(D6:D9)"  # a real formula, saved without a cached value
    workbook.save(source)
    annotated = open_annotated(annotate_submission(source.read_bytes(), "bao_cao.xlsx", [finding("D6")], LIMIT))[SHEET]
    for cell in ("E6", "E7", "E8", "E9", "D10"):
        assert annotated[cell].data_type == "s", cell
    assert annotated["E6"].value.startswith("=HYPERLINK")
    assert annotated["D10"].value == "=SUM(D6:D9)"


def test_csv_is_rebuilt_as_xlsx_with_the_same_cell_references(tmp_path):
    source = tmp_path / "QN-TTYT-HL_202503.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerows([["Mã đơn vị", "QN-TTYT-HL"], ["Kỳ báo cáo", "202503"], [],
                          ["Mã chỉ số", "Tên chỉ số", "Giá trị", "Ghi chú"],
                          ["OPD_VISITS", "Khám bệnh", "12,5", "=cmd|' /C calc'!A0"]])
    sheet_name = "QN-TTYT-HL_202503"
    result = annotate_submission(source.read_bytes(), source.name, [finding("C5", sheet=sheet_name)], LIMIT)
    workbook = open_annotated(result)
    assert highlighted_cells(workbook, COLOURS) == set(commented_cells(workbook)) == {(sheet_name, "C5")}
    assert workbook[sheet_name]["D5"].data_type == "s"
    assert workbook[sheet_name]["D5"].value == "=cmd|' /C calc'!A0"
    assert result.file_name == "QN-TTYT-HL_202503_phan_hoi.xlsx"


def test_a_long_csv_name_still_makes_a_valid_sheet(tmp_path):
    source = tmp_path / "bao_cao_thang_3_nam_2025_tram_y_te_phuong_hong_hai.csv"
    source.write_text("Mã chỉ số,Giá trị\nOPD_VISITS,abc\n", encoding="utf-8")
    workbook = open_annotated(annotate_submission(source.read_bytes(), source.name, [finding("B2", sheet=source.stem)], LIMIT))
    (title,) = workbook.sheetnames
    assert len(title) <= 31
    assert highlighted_cells(workbook, COLOURS) == {(title, "B2")}


@pytest.mark.parametrize(
    ("content", "name", "limit"),
    [
        (None, "bao_cao.xlsx", LIMIT),
        (b"not a spreadsheet at all", "bao_cao.xlsx", LIMIT),
        (b"x" * 2_000, "bao_cao.csv", 1_000),
    ],
    ids=["archive-missing", "corrupt", "too-large"],
)
def test_no_annotation_when_the_file_cannot_be_used(content, name, limit):
    result = annotate_submission(content, name, [finding("D6")], limit)
    assert isinstance(result, NoAnnotation)
    assert result.reason_vi and result.reason_en


@pytest.mark.filterwarnings("ignore:Workbook contains no stylesheet")
def test_an_xlsx_openpyxl_cannot_read_is_rebuilt_from_the_grid(tmp_path):
    """A package whose styles part openpyxl trips over: calamine still reads the cells, so the unit still
    gets its copy."""
    source = report_workbook(tmp_path / "bao_cao.xlsx", "QN-TYT-HONGHAI", "Tháng 3/2025", {"OPD_VISITS": "abc"})
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(damaged, "w") as copy:
        for item in original.infolist():
            data = original.read(item)
            copy.writestr(item, BOGUS_STYLES if item.filename == "xl/styles.xml" else data)
    result = annotate_submission(damaged.read_bytes(), "bao_cao.xlsx", [finding("D6")], LIMIT)
    workbook = open_annotated(result)
    assert highlighted_cells(workbook, COLOURS) == {(SHEET, "D6")}
    assert workbook[SHEET]["B2"].value == "QN-TYT-HONGHAI"


def test_ods_is_rebuilt_as_xlsx_and_marked_like_xlsx(tmp_path):
    rows = [["Mã đơn vị:", "QN-CDC"], ["Kỳ báo cáo:", "Tháng 3/2025"], [],
            ["Mã chỉ số", "Giá trị", "Ghi chú"], ["MEASLES_CASES", "mười", "@nhắc"], ["DENGUE_CASES", 4, None]]
    source = write_ods(tmp_path / "cdc_t3.ods", "Biểu CDC", rows)
    result = annotate_submission(source.read_bytes(), source.name, [finding("B5", sheet="Biểu CDC")], LIMIT)
    workbook = open_annotated(result)
    assert highlighted_cells(workbook, COLOURS) == set(commented_cells(workbook)) == {("Biểu CDC", "B5")}
    assert workbook["Biểu CDC"]["B6"].value == 4
    assert workbook["Biểu CDC"]["C5"].data_type == "s"
