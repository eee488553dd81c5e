"""Units' own 6-month and 9-month reports beside their months, through one run of the real job.

Four units send their months of 2025 and one cumulative report each, in the four formats units
use: a 6-month report that matches its months (xlsx) and one that does not (csv), a 9-month report
that matches (ods) and one that does not (xls). The unit's own report is the official figure for
its span whether or not it matches (README, "Cumulative reports"); where it differs from the
months, MODEL_CUMULATIVE_REPORT_MISMATCH names both numbers and the cell; the province's figure is
the sum of the units' official ones. Expected numbers are written out by hand, not recomputed.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pytest

from bad_files import write_xls
from corpus import LIMIT_ENVIRONMENT
from ingest_builders import SHEET, report_rows, write_csv, write_ods, write_report, write_xlsx
from tests.conftest import isolated_settings, run_warehouse_job

# unit -> (months of 2025 with OPD_VISITS and BEDS, then its own cumulative report)
MONTHS = {
    "QN-BVBC": [(1000, 800), (1100, 800), (1200, 800), (1300, 800), (1400, 800), (1500, 810)],
    "QN-TTYT-HL": [(2000, 240)] * 6,
    "QN-BVSN": [(3000, 620)] * 9,
    "QN-BVDKT": [(4000, 1200)] * 9,
}
S1, N9 = "6 tháng đầu năm 2025", "9 tháng năm 2025"


def _cumulative(unit: str, period: str, opd: int, beds: int) -> list[list]:
    return report_rows(unit, period, [("OPD_VISITS", opd), ("BEDS", beds)])


CUMULATIVE = {
    # file name: (writer, unit, period code, OPD typed, BEDS typed)
    "bvbc_6thang.xlsx": (lambda p, rows: write_xlsx(p, {SHEET: rows}), "QN-BVBC", "2025S1", 7500, 810),
    "ttyt_hl_6thang.csv": (lambda p, rows: write_csv(p, rows), "QN-TTYT-HL", "2025S1", 12150, 250),
    "bvsn_9thang.ods": (lambda p, rows: write_ods(p, SHEET, rows), "QN-BVSN", "2025N9", 27000, 620),
    "bvdkt_9thang.xls": (lambda p, rows: write_xls(p, rows), "QN-BVDKT", "2025N9", 35800, 1200),
}


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    # Written whole just now, so read at once: the settle window is for files still being copied in.
    settings = isolated_settings(tmp_path_factory.mktemp("cumulative"), **LIMIT_ENVIRONMENT,
                                 WAREHOUSE_INBOX_SETTLE_SECONDS="0")
    inbox: Path = settings.paths.inbox_dir
    for unit, months in MONTHS.items():
        for month, (opd, beds) in enumerate(months, start=1):
            write_report(inbox / f"{unit}_2025{month:02d}.xlsx", unit_code=unit, period=f"Tháng {month}/2025",
                         values=[("OPD_VISITS", opd), ("BEDS", beds)])
    for name, (write, unit, period_code, opd, beds) in CUMULATIVE.items():
        write(inbox / name, _cumulative(unit, S1 if period_code.endswith("S1") else N9, opd, beds))
    result = run_warehouse_job(dg.DagsterInstance.ephemeral(), settings)
    assert result.success
    with duckdb.connect(str(settings.paths.published_db), read_only=True) as connection:
        yield connection


def value(connection, indicator: str, unit: str, period: str) -> tuple[float, float | None, bool]:
    [row] = connection.execute(
        "select value, reported_value, is_complete from marts.fct_indicator_values "
        "where indicator_code = ? and org_unit_code = ? and period_code = ?", [indicator, unit, period]).fetchall()
    return row


@pytest.mark.slow
def test_every_cumulative_report_is_accepted_and_published(published):
    statuses = dict(published.execute("select file_name, status from marts.fct_submissions").fetchall())
    assert {name: statuses[name] for name in CUMULATIVE} == dict.fromkeys(CUMULATIVE, "published")


@pytest.mark.slow
def test_the_units_own_report_is_the_published_figure_whether_or_not_it_matches(published):
    # Matching: 1000 + … + 1500 = 7500 visits, June's 810 beds; 9 × 3000 visits, September's 620 beds.
    assert value(published, "OPD_VISITS", "QN-BVBC", "2025S1") == (7500, 7500, True)
    assert value(published, "BEDS", "QN-BVBC", "2025S1") == (810, 810, True)
    assert value(published, "OPD_VISITS", "QN-BVSN", "2025N9") == (27000, 27000, True)
    # Not matching: the months give 12 000 visits and 240 beds, 36 000 visits; the unit's figures stand.
    assert value(published, "OPD_VISITS", "QN-TTYT-HL", "2025S1") == (12150, 12150, True)
    assert value(published, "BEDS", "QN-TTYT-HL", "2025S1") == (250, 250, True)
    assert value(published, "OPD_VISITS", "QN-BVDKT", "2025N9") == (35800, 35800, True)
    assert value(published, "BEDS", "QN-BVDKT", "2025N9") == (1200, 1200, True)
    # The months themselves are untouched, and so is a span the unit sent no report for.
    assert value(published, "OPD_VISITS", "QN-TTYT-HL", "202506")[0] == 2000
    assert value(published, "OPD_VISITS", "QN-BVDKT", "2025S1")[0] == 24000


@pytest.mark.slow
def test_province_roll_ups_add_the_units_official_figures(published):
    # S1: BVBC 7500 (own) + TTYT-HL 12150 (own) + BVSN 6 × 3000 + BVDKT 6 × 4000 (their months).
    assert value(published, "OPD_VISITS", "QN", "2025S1")[0] == 7500 + 12150 + 18000 + 24000
    # N9: BVSN 27000 and BVDKT 35800 (own) + BVBC's and TTYT-HL's months (January–June only).
    assert value(published, "OPD_VISITS", "QN", "2025N9")[0] == 27000 + 35800 + 7500 + 12000
    # Stocks at the span's end: the units' own closing figures where they sent them.
    assert value(published, "BEDS", "QN", "2025S1")[0] == 810 + 250 + 620 + 1200


@pytest.mark.slow
def test_a_cumulative_report_differing_from_its_months_is_a_warning_naming_both_numbers_and_the_cell(published):
    findings = published.execute(
        "select file_name, org_unit_code, period_code, indicator_code, severity, sheet_name, cell_ref, "
        "message_vi, message_en from marts.fct_dq_findings where rule_code = 'MODEL_CUMULATIVE_REPORT_MISMATCH' "
        "order by file_name, cell_ref").fetchall()
    assert [row[:7] for row in findings] == [
        ("bvdkt_9thang.xls", "QN-BVDKT", "2025N9", "OPD_VISITS", "warning", SHEET, "E10"),
        ("ttyt_hl_6thang.csv", "QN-TTYT-HL", "2025S1", "OPD_VISITS", "warning", "ttyt_hl_6thang", "E10"),
        ("ttyt_hl_6thang.csv", "QN-TTYT-HL", "2025S1", "BEDS", "warning", "ttyt_hl_6thang", "E11"),
    ]
    messages = {(row[1], row[3]): (row[7], row[8]) for row in findings}
    vi, en = messages[("QN-BVDKT", "OPD_VISITS")]
    assert "là 35800 nhưng theo báo cáo các tháng của đơn vị (cộng các tháng) là 36000" in vi
    assert "as 35800 but its monthly reports give 36000 (their sum); the unit's own figure (35800) is published" in en
    vi, en = messages[("QN-TTYT-HL", "BEDS")]
    assert "là 250 nhưng theo báo cáo các tháng của đơn vị (số của tháng cuối kỳ) là 240" in vi
    assert "as 250 but its monthly reports give 240 (the closing month)" in en
