"""Fault injection at the intake (issue 11, points 1-3): each fault class in a small inbox next to a
good report, asserting what the fault becomes (status, rule, sheet, cell) and that the good file of
the same batch is still accepted."""

from __future__ import annotations

import os
import time
from pathlib import Path

import duckdb
import pytest

from ingest_builders import SHEET, TODAY, make_registry, report_rows, write_report, write_xlsx
from orchestration.ingest.intake import IntakeSummary, ingest_inbox
from orchestration.lib.inbox import SettleRule

REGISTRY = make_registry()
GOOD = "QN-TTYT-HL_202503.xlsx"


@pytest.fixture
def warehouse(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_report(inbox / GOOD, unit_code="QN-TTYT-HL", values=[("OPD_VISITS", 900)])
    settled_long_ago(inbox / GOOD)
    with duckdb.connect(str(tmp_path / "build.duckdb")) as connection:
        yield inbox, tmp_path / "archive", connection


def settled_long_ago(path: Path) -> Path:
    an_hour_ago = time.time() - 3600
    os.utime(path, (an_hour_ago, an_hour_ago))
    return path


def run(warehouse, run_id: str = "run-1", settle: SettleRule = SettleRule(0.0)) -> IntakeSummary:
    inbox, archive, connection = warehouse
    return ingest_inbox(inbox, archive, connection, REGISTRY, run_id, TODAY, settle=settle)


def query(connection, sql: str) -> list[tuple]:
    return connection.execute(sql).fetchall()


def status_of(connection) -> dict[str, str]:
    return dict(query(connection, "select inbox_path, intake_status from raw.submissions"))


def findings_of(connection, file_name: str) -> list[tuple]:
    return query(connection, f"""select rule_code, severity, sheet_name, cell_ref, value_text from raw.ingest_findings
                                 where file_name = '{file_name}' and rule_code <> 'ING_NOT_OBLIGED' order by cell_ref""")


def units_told(connection, file_name: str) -> list[tuple]:
    return query(connection, f"""select org_unit_code, rule_code, sheet_name, cell_ref from raw.ingest_findings
                                 where file_name = '{file_name}' order by cell_ref nulls last""")


def loaded(connection, file_name: str) -> list[tuple]:
    return query(connection, f"""select indicator_code, value from raw.submitted_values v
                                 join raw.submissions s using (submission_id) where s.file_name = '{file_name}'""")


# 1. Every inbox entry is accounted for


def test_a_file_name_that_is_not_utf8_is_received_under_a_safe_name_with_its_raw_bytes_kept(warehouse):
    inbox, _, connection = warehouse
    raw_name = b"TYT_\xff_T3_2025.xlsx"
    path = Path(os.fsdecode(os.fsencode(inbox) + b"/" + raw_name))
    write_report(path, unit_code="QN-BVDKT")

    summary = run(warehouse)

    shown = "TYT_\\xff_T3_2025.xlsx"
    assert status_of(connection) == {GOOD: "accepted", shown: "accepted"}
    assert (summary.accepted, summary.unreadable_paths) == (2, ())
    assert query(connection, "select inbox_path, raw_path_hex, entry_kind, status, reason_code from raw.inbox_entries") == [
        (shown, raw_name.hex(), "file", "received", "ING_NAME_NOT_UTF8")]
    assert run(warehouse, "run-2").new_files == 0


def test_links_pipes_hidden_and_temporary_entries_are_recorded_as_ignored_once(warehouse, tmp_path):
    inbox, _, connection = warehouse
    outside = write_report(tmp_path / "outside.xlsx", unit_code="QN-BVDKT")
    (inbox / "link.xlsx").symlink_to(outside)
    os.mkfifo(inbox / "pipe.xlsx")
    (inbox / ".DS_Store").write_bytes(b"x")
    for name in ("~$QN-BVDKT.xlsx", ".~lock.QN-BVDKT.ods#", "QN-BVDKT.xlsx.part", "upload.tmp"):
        (inbox / name).write_bytes(b"x")

    summary = run(warehouse)
    run(warehouse, "run-2")

    assert status_of(connection) == {GOOD: "accepted"}
    assert query(connection, """select inbox_path, entry_kind, status, reason_code, reason_vi <> '' and reason_en <> ''
                                from raw.inbox_entries order by inbox_path""") == [
        (".DS_Store", "hidden", "ignored", "ING_IGNORED_HIDDEN", True),
        (".~lock.QN-BVDKT.ods#", "temporary", "ignored", "ING_IGNORED_TEMPORARY", True),
        ("QN-BVDKT.xlsx.part", "temporary", "ignored", "ING_IGNORED_TEMPORARY", True),
        ("link.xlsx", "symlink", "ignored", "ING_IGNORED_SYMLINK", True),
        ("pipe.xlsx", "fifo", "ignored", "ING_IGNORED_SPECIAL", True),
        ("upload.tmp", "temporary", "ignored", "ING_IGNORED_TEMPORARY", True),
        ("~$QN-BVDKT.xlsx", "temporary", "ignored", "ING_IGNORED_TEMPORARY", True),
    ]
    assert len(summary.ignored_paths) == 7


# 2. Settled files only


def test_a_file_still_changing_is_left_for_the_next_run_and_the_run_says_so(warehouse):
    inbox, _, connection = warehouse
    write_report(inbox / "QN-BVDKT_202503.xlsx", unit_code="QN-BVDKT")  # written just now

    first = run(warehouse, settle=SettleRule(600.0))
    assert first.unsettled_paths == ("QN-BVDKT_202503.xlsx",)
    assert status_of(connection) == {GOOD: "accepted"}

    settled_long_ago(inbox / "QN-BVDKT_202503.xlsx")
    second = run(warehouse, "run-2", settle=SettleRule(600.0))
    assert (second.unsettled_paths, second.accepted) == ((), 1)
    assert status_of(connection) == {GOOD: "accepted", "QN-BVDKT_202503.xlsx": "accepted"}


# 3. No guessed values


@pytest.mark.parametrize(
    ("typed", "rule"),
    [("50%", "ING_PERCENT_IN_COUNT"), ("١٢٣", "ING_NON_ASCII_DIGITS"), ("０１２", "ING_NON_ASCII_DIGITS")],
)
def test_a_value_that_would_be_guessed_is_held_with_a_finding_at_its_cell(warehouse, typed, rule):
    inbox, _, connection = warehouse
    write_report(inbox / "QN-BVDKT_202503.xlsx", unit_code="QN-BVDKT", values=[("OPD_VISITS", typed), ("BEDS", 300)])

    run(warehouse)

    assert status_of(connection) == {GOOD: "accepted", "QN-BVDKT_202503.xlsx": "accepted"}
    assert findings_of(connection, "QN-BVDKT_202503.xlsx") == [(rule, "error", SHEET, "E10", typed)]
    assert loaded(connection, "QN-BVDKT_202503.xlsx") == [("BEDS", 300.0)]
    assert loaded(connection, GOOD) == [("OPD_VISITS", 900.0)]


def test_a_formula_saved_without_its_result_is_named_not_reported_missing(warehouse):
    inbox, _, connection = warehouse
    write_report(inbox / "QN-BVDKT_202503.xlsx", unit_code="QN-BVDKT",
                 values=[("OPD_VISITS", "=SUM(1000,200)"), ("BEDS", 300)])  # openpyxl stores no result

    run(warehouse)

    assert findings_of(connection, "QN-BVDKT_202503.xlsx") == [
        ("ING_FORMULA_WITHOUT_VALUE", "error", SHEET, "E10", "=?")]
    assert loaded(connection, "QN-BVDKT_202503.xlsx") == [("BEDS", 300.0)]
    assert status_of(connection)[GOOD] == "accepted"


def test_two_identity_blocks_naming_different_units_hold_the_file(warehouse):
    inbox, _, connection = warehouse
    rows = report_rows(unit_code="QN-BVDKT")
    rows += [[], ["Mã đơn vị:", "QN-TTYT-HL"], ["Kỳ báo cáo:", "Tháng 3/2025"]]  # pasted from another report
    write_xlsx(inbox / "BaoCao_T03.xlsx", {SHEET: rows})

    run(warehouse)

    assert status_of(connection) == {GOOD: "accepted", "BaoCao_T03.xlsx": "quarantined"}
    assert findings_of(connection, "BaoCao_T03.xlsx") == [("ING_CONFLICTING_UNIT", "error", SHEET, "B16", "QN-TTYT-HL")]
    assert loaded(connection, "BaoCao_T03.xlsx") == []


def test_a_file_named_for_another_registered_unit_is_held(warehouse):
    inbox, _, connection = warehouse
    write_report(inbox / "QN-BVDKT_202503.xlsx", unit_code="QN-TTYT-HL", values=[("OPD_VISITS", 950)])

    run(warehouse)

    assert status_of(connection) == {GOOD: "accepted", "QN-BVDKT_202503.xlsx": "quarantined"}
    # Both units are told: the code's unit at the code cell, the name's unit about the file.
    assert units_told(connection, "QN-BVDKT_202503.xlsx") == [
        ("QN-TTYT-HL", "ING_FILE_NAME_UNIT_MISMATCH", SHEET, "B3"), ("QN-BVDKT", "ING_FILE_NAME_UNIT_MISMATCH", None, None)]
    assert loaded(connection, "QN-BVDKT_202503.xlsx") == []


def test_a_file_named_for_several_units_holding_another_code_tells_only_the_code_unit(warehouse):
    inbox, _, connection = warehouse
    write_report(inbox / "QN-BVDKT_QN-TYT-HONGHAI_202503.xlsx", unit_code="QN-TTYT-HL", values=[("OPD_VISITS", 950)])

    run(warehouse)

    assert units_told(connection, "QN-BVDKT_QN-TYT-HONGHAI_202503.xlsx") == [
        ("QN-TTYT-HL", "ING_FILE_NAME_UNIT_MISMATCH", SHEET, "B3")]


@pytest.mark.parametrize(
    ("file_name", "unit"),
    [("QN-BVDKT_202503.csv", "QN-BVDKT"), ("BaoCao_QN_T03.csv", None), ("QN-BVDKT_QN-TTYT-HL.csv", None)],
)
def test_a_file_refused_unread_is_the_unit_its_name_names_when_it_names_exactly_one(warehouse, file_name, unit):
    """A workbook saved as `.csv` is refused before its identity is read; the area QN is not a unit."""
    inbox, _, connection = warehouse
    write_report(inbox / file_name, unit_code="QN-BVDKT")

    run(warehouse)

    assert status_of(connection)[file_name] == "quarantined"
    assert query(connection, f"select org_unit_code from raw.submissions where file_name = '{file_name}'") == [(unit,)]
    assert units_told(connection, file_name) == [(unit, "ING_WORKBOOK_NAMED_CSV", None, None)]
