"""Blank templates: what a unit gets, and that a template filled with numbers comes back through
the intake exactly, for each reporting rhythm (monthly station, quarterly hospital, yearly
statistics office with one row per area)."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import duckdb
import openpyxl
import pytest

from orchestration.ingest.intake import ingest_inbox
from orchestration.lib.periods import parse_period
from orchestration.lib.reference import load_registry
from orchestration.lib.settings import REPO_ROOT
from orchestration.templates.blank_workbooks import (
    HEADER,
    HEADER_ROW,
    VALUE_COLUMN,
    template_rows,
    units_due,
    write_blank_workbook,
)

REGISTRY = load_registry(REPO_ROOT / "sources" / "reference")
CODE_COLUMN = HEADER.index("Mã chỉ số") + 1
AREA_COLUMN = HEADER.index("Mã địa bàn") + 1
CASES = [("QN-TYT-HAILANG", "202511"), ("QN-BVDKT", "2025Q3"), ("QN-CTK", "2024")]


def fill(path, values_by_row) -> None:
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Báo cáo"]
    for row, value in values_by_row.items():
        sheet.cell(row=row, column=VALUE_COLUMN, value=value)
    workbook.save(path)


@pytest.mark.parametrize(("unit_code", "period_code"), CASES)
def test_a_filled_template_round_trips_through_the_intake_exactly(tmp_path, unit_code, period_code):
    period = parse_period(period_code)
    path = write_blank_workbook(REGISTRY, unit_code, period, tmp_path / "inbox" / f"{unit_code}.xlsx")
    rows = template_rows(REGISTRY, unit_code, period)
    # Whole numbers and decimals alike, distinct per row so a shifted row cannot pass.
    typed = {HEADER_ROW + n: 1000 * n + (0.25 if n % 2 else 7) for n in range(1, len(rows) + 1)}
    fill(path, typed)

    with duckdb.connect(str(tmp_path / "build.duckdb")) as connection:
        summary = ingest_inbox(tmp_path / "inbox", tmp_path / "archive", connection, REGISTRY, "t", date.today())
        loaded = connection.execute(
            "select org_unit_code, indicator_code, value, cell_ref, period_code from raw.submitted_values").fetchall()
        findings = connection.execute("select rule_code, message_en from raw.ingest_findings").fetchall()

    assert (summary.accepted, summary.values_rejected, findings) == (1, 0, [])
    expected = {(row.area_code or unit_code, row.indicator_code, typed[HEADER_ROW + n],
                 f"{openpyxl.utils.get_column_letter(VALUE_COLUMN)}{HEADER_ROW + n}", period.code)
                for n, row in enumerate(rows, start=1)}
    assert set(loaded) == expected and len(loaded) == len(rows)


def test_x_and_a_reason_in_ghi_chu_come_back_through_the_intake_as_the_template_instructs(tmp_path):
    path = write_blank_workbook(REGISTRY, "QN-TYT-HAILANG", parse_period("202511"), tmp_path / "inbox" / "t.xlsx")
    rows = template_rows(REGISTRY, "QN-TYT-HAILANG", parse_period("202511"))
    fill(path, {HEADER_ROW + n: n for n in range(1, len(rows) + 1)} | {HEADER_ROW + 1: "x"})
    workbook = openpyxl.load_workbook(path)
    workbook["Báo cáo"].cell(row=HEADER_ROW + 2, column=len(HEADER), value="Mở thêm phòng khám")
    workbook.save(path)

    with duckdb.connect(str(tmp_path / "build.duckdb")) as connection:
        ingest_inbox(tmp_path / "inbox", tmp_path / "archive", connection, REGISTRY, "t", date.today())
        notes = connection.execute(
            "select indicator_code, note_text, not_applicable, cell_ref from raw.submitted_notes order by cell_ref"
        ).fetchall()
        findings = connection.execute("select rule_code from raw.ingest_findings").fetchall()
    assert findings == []
    assert notes == [
        (rows[0].indicator_code, None, True, f"F{HEADER_ROW + 1}"),
        (rows[1].indicator_code, "Mở thêm phòng khám", False, f"F{HEADER_ROW + 2}"),
    ]


def test_a_template_holds_the_identity_one_row_per_obligation_and_number_only_cells(tmp_path):
    period = parse_period("2025Q3")
    path = write_blank_workbook(REGISTRY, "QN-BVDKT", period, tmp_path / "bv.xlsx")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Báo cáo"]
    assert (sheet["A3"].value, sheet["C3"].value) == ("Mã đơn vị:", "QN-BVDKT")
    assert (sheet["A5"].value, sheet["C5"].value) == ("Kỳ báo cáo:", "Quý III/2025")
    assert [c.value for c in sheet[HEADER_ROW]] == HEADER
    codes = [sheet.cell(row=r, column=CODE_COLUMN).value for r in range(HEADER_ROW + 1, sheet.max_row + 1)]
    assert codes == ["SATISFACTION_SURVEYED", "SATISFACTION_SATISFIED"]
    [validation] = sheet.data_validations.dataValidation
    # Numbers, and the 'x' the instructions tell a unit to write when an indicator does not apply.
    first = f"F{HEADER_ROW + 1}"
    assert validation.type == "custom" and f"AND(ISNUMBER({first}),{first}>=0)" in validation.formula1
    assert f'LOWER(TRIM({first}))="x"' in validation.formula1
    assert str(validation.sqref) == f"F{HEADER_ROW + 1}:F{HEADER_ROW + 2}"
    assert sheet.protection.sheet and not sheet.cell(row=HEADER_ROW + 1, column=VALUE_COLUMN).protection.locked
    assert sheet.cell(row=HEADER_ROW + 1, column=CODE_COLUMN).protection.locked
    guide = workbook["Hướng dẫn"]
    assert guide["A1"].value == "HƯỚNG DẪN ĐIỀN BIỂU MẪU" and "Giá trị" in guide["A3"].value


def test_area_sources_get_a_row_per_indicator_and_area_active_in_the_period():
    period = parse_period("2025")
    rows = template_rows(REGISTRY, "QN-CTK", period)
    areas = REGISTRY.areas_active_during(period.start, period.end)
    assert [(r.area_code, r.indicator_code) for r in rows] == [(a, c) for a in areas for c in ("POP_TOTAL", "POP_U1")]
    assert "QN-HL" in areas and "QN-X-HONGGAI" in areas  # a district abolished and a ward formed mid-year


@pytest.mark.parametrize(
    ("period_code", "present", "absent"),
    [
        ("202507", {"QN-TYT-HONGGAI", "QN-BVDKT", "QN-CDC"}, {"QN-TYT-HONGHAI", "QN-CTK", "QN-HL"}),
        ("202506", {"QN-TYT-HONGHAI"}, {"QN-TYT-HONGGAI"}),
        ("2025Q2", {"QN-BVDKT", "QN-BVSN"}, {"QN-TTYT-HL", "QN-TYT-HAILANG"}),
        ("2025", {"QN-CTK", "QN-BHXH"}, {"QN-BVDKT"}),
        ("2025S1", set(), {"QN-BVDKT", "QN-CTK"}),
    ],
)
def test_units_due_follow_frequency_and_validity(period_code, present, absent):
    due = set(units_due(REGISTRY, parse_period(period_code)))
    assert present <= due and not absent & due


def test_the_command_writes_one_workbook_per_unit_due(tmp_path):
    completed = subprocess.run(
        [sys.executable, "-m", "orchestration.templates", "--period", "Quý I/2026", "--out", str(tmp_path)],
        cwd=REPO_ROOT, capture_output=True, text=True, check=True,
    )
    written = sorted(p.name for p in (tmp_path / "2026Q1").iterdir())
    assert written == [f"{code}_2026Q1_mau.xlsx" for code in units_due(REGISTRY, parse_period("2026Q1"))]
    assert f"{len(written)}" in completed.stdout


@pytest.mark.parametrize("period", ["Tháng 13/2026", "2026S1"])
def test_the_command_refuses_a_period_no_template_exists_for(tmp_path, period):
    completed = subprocess.run(
        [sys.executable, "-m", "orchestration.templates", "--period", period, "--out", str(tmp_path)],
        cwd=REPO_ROOT, capture_output=True, text=True,
    )
    assert completed.returncode == 2
    assert "kỳ" in completed.stderr.lower() and "period" in completed.stderr.lower()
    assert not any(tmp_path.iterdir())


def test_a_template_carries_the_splits_the_unit_owes_and_they_round_trip(tmp_path):
    """A commune station owes OPD_VISITS (by sex, and of which by age), LIVE_BIRTHS and IMM_FULL_U1
    (by sex): its form has those columns after 'Ghi chú', input cells only where an indicator is split."""
    period = parse_period("202511")
    path = write_blank_workbook(REGISTRY, "QN-TYT-HAILANG", period, tmp_path / "inbox" / "tyt.xlsx")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Báo cáo"]
    titles = [c.value for c in sheet[HEADER_ROW]]
    assert titles == HEADER + ["Nam", "Nữ", "Trẻ em dưới 15 tuổi", "Người từ 60 tuổi trở lên"]
    row_of = {sheet.cell(row=r, column=CODE_COLUMN).value: r for r in range(HEADER_ROW + 1, sheet.max_row + 1)}
    split = {"Nam": 40, "Nữ": 60, "Trẻ em dưới 15 tuổi": 30, "Người từ 60 tuổi trở lên": 25}
    sheet.cell(row=row_of["OPD_VISITS"], column=VALUE_COLUMN, value=100)
    for title, value in split.items():
        sheet.cell(row=row_of["OPD_VISITS"], column=titles.index(title) + 1, value=value)
    assert sheet.cell(row=row_of["LIVE_BIRTHS"], column=titles.index("Nữ") + 1).protection.locked is False
    assert sheet.cell(row=row_of["LIVE_BIRTHS"], column=titles.index("Trẻ em dưới 15 tuổi") + 1).protection.locked
    workbook.save(path)

    with duckdb.connect(str(tmp_path / "build.duckdb")) as connection:
        ingest_inbox(tmp_path / "inbox", tmp_path / "archive", connection, REGISTRY, "t", date.today())
        parts = connection.execute("select option_code, value from raw.submitted_disaggregations").fetchall()
        findings = connection.execute("select rule_code from raw.ingest_findings").fetchall()
    assert findings == []
    assert dict(parts) == {"SEX_MALE": 40, "SEX_FEMALE": 60, "AGE_UNDER_15": 30, "AGE_60_PLUS": 25}
