"""A national instance: the demo registry replicated into three provinces (P01, P02, P03) and run
through the real job. Everything that says "the province" is each province's own: its data-quality
summary, the Sở Y tế that signs its units' e-mails and gets its digest, its statistics office's
templates, and a statistics office reporting another province's areas is refused with a finding.

One month of reports keeps the run cheap (about 140 workbooks); the statistics offices' yearly
reports are the two cross-province files written here.
"""

from __future__ import annotations

import email
import os
from datetime import date, datetime
from email import policy
from pathlib import Path

import dagster as dg
import duckdb
import openpyxl
import pytest

from orchestration.alerts.published import read_published
from orchestration.alerts.scheduled import send_scheduled_notices
from orchestration.demo.generator import generate_demo_province
from orchestration.demo.national import replicate_registry
from orchestration.demo.schedule import plan_reports
from orchestration.lib.periods import year_period
from orchestration.lib.reference import load_registry
from orchestration.lib.settings import REPO_ROOT
from orchestration.templates.blank_workbooks import template_rows
from tests.conftest import isolated_settings, run_warehouse_job

PROVINCES = ("P01", "P02", "P03")
# (reporting statistics office, the other province's areas it reports on)
CROSS_PROVINCE_REPORTS = {"P01-CTK": ("P02", "P02-X-HATU"), "P03-CTK": ("P01-X-BAICHAY",)}


@pytest.fixture(scope="module")
def national_registry(tmp_path_factory) -> Path:
    reference = tmp_path_factory.mktemp("national") / "reference"
    assert replicate_registry(REPO_ROOT / "sources" / "reference", reference, len(PROVINCES)) == list(PROVINCES)
    return reference


def department_name(province: str) -> str:
    return f"Sở Y tế tỉnh Quảng Ninh ({province})"


def test_statistics_offices_template_and_demo_list_only_their_own_province_areas(national_registry):
    registry = load_registry(national_registry)
    year = year_period(2025)
    for province in PROVINCES:
        areas = {row.area_code for row in template_rows(registry, f"{province}-CTK", year)}
        assert areas and all(registry.province_of(area) == province for area in areas), province
        assert f"{province}-X-HATU" in areas
    planned = [report for report in plan_reports(registry, "202501", "202512") if report.area_codes]
    assert {report.unit.code for report in planned} == {f"{p}-{kind}" for p in PROVINCES for kind in ("CTK", "BHXH")}
    for report in planned:
        assert {registry.province_of(area) for area in report.area_codes} == {registry.province_of(report.unit.code)}


def cross_province_report(inbox: Path, unit_code: str, areas: tuple[str, ...]) -> Path:
    """The statistics office's yearly population, one row of its own province and the others' areas."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Báo cáo"
    rows = [["Mã đơn vị:", unit_code], ["Kỳ báo cáo:", "Năm 2025"], ["Mã chỉ số", "Mã địa bàn", "Giá trị"],
            ["POP_TOTAL", unit_code.split("-")[0], 1_381_000], *(["POP_TOTAL", area, 25_000] for area in areas)]
    for row in rows:
        sheet.append(row)
    path = inbox / f"dan_so_nam_2025_{unit_code.lower()}.xlsx"
    workbook.save(path)
    arrived = datetime(2026, 1, 6, 9, 30).timestamp()
    os.utime(path, (arrived, arrived))
    return path


@pytest.fixture(scope="module")
def national_run(national_registry, tmp_path_factory):
    settings = isolated_settings(tmp_path_factory.mktemp("national_run"), WAREHOUSE_REFERENCE_DIR=str(national_registry))
    registry = load_registry(national_registry)
    generate_demo_province(settings.paths.inbox_dir, registry, "202512", "202512")
    for unit_code, areas in CROSS_PROVINCE_REPORTS.items():
        cross_province_report(settings.paths.inbox_dir, unit_code, areas)
    result = run_warehouse_job(dg.DagsterInstance.ephemeral(), settings)
    assert result.success, [event.message for event in result.all_events if event.is_failure]
    return settings, registry


def bodies(folder: Path) -> list[str]:
    """Subject and plain-text body of every e-mail in a unit's outbox folder."""
    found = []
    for path in sorted(folder.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        found.append(f"{message['Subject']}\n{message.get_body(preferencelist=('plain',)).get_content()}")
    return found


@pytest.mark.slow
def test_each_province_has_its_own_summary_signature_and_digest_and_cross_province_reports_are_refused(national_run):
    settings, registry = national_run
    paths = settings.paths
    with duckdb.connect(str(paths.published_db), read_only=True) as connection:
        summary = dict(connection.execute(
            "select org_unit_code, units_expected from marts.fct_dq_province_summary where period_code = '202512'"
        ).fetchall())
        cards = dict(connection.execute(
            "select units.province_code, count(*) from marts.fct_dq_scorecard as cards"
            " join marts.dim_org_units as units using (org_unit_code)"
            " where cards.period_code = '202512' group by all").fetchall())
        refused = connection.execute(
            "select org_unit_code, cell_ref, file_name, message_vi, message_en from marts.fct_dq_findings"
            " where rule_code = 'ING_AREA_OTHER_PROVINCE' order by org_unit_code, cell_ref").fetchall()
        booked = {code for (code,) in connection.execute(
            "select distinct org_unit_code from marts.fct_indicator_values"
            " where indicator_code = 'POP_TOTAL' and period_code = '2025'").fetchall()}

    # Province summaries: each sums its own units, the same number in every copy, never all of them.
    assert set(summary) == set(PROVINCES)
    assert summary == cards and len(set(summary.values())) == 1 and summary["P01"] < sum(cards.values())

    # A statistics office reporting another province's areas: refused at the area cell, in both languages.
    assert [(unit, cell) for unit, cell, *_ in refused] == [("P01-CTK", "B5"), ("P01-CTK", "B6"), ("P03-CTK", "B5")]
    for unit, _, file_name, message_vi, message_en in refused:
        assert file_name == f"dan_so_nam_2025_{unit.lower()}.xlsx"
        assert "không thuộc tỉnh" in message_vi and f"of unit '{unit}'" in message_en
    assert {"P01", "P03"} <= booked and not booked & {"P02", "P02-X-HATU", "P01-X-BAICHAY"}

    # Feedback is signed by the unit's own Sở Y tế.
    outbox = settings.alerts.outbox_dir
    for unit in CROSS_PROVINCE_REPORTS:
        own = registry.province_of(unit)
        [feedback] = bodies(outbox / unit)
        assert department_name(own) in feedback
        assert not any(department_name(other) in feedback for other in PROVINCES if other != own)

    # The Monday digest: one per department, about its own province's units only; reminders and
    # overdue notices signed by the unit's own department.
    monday = date(2026, 1, 12)
    with duckdb.connect(str(paths.build_db)) as connection:
        scheduled = send_scheduled_notices(registry, read_published(paths.published_db), connection, settings.alerts,
                                           monday, lambda: datetime(2026, 1, 12, 1, 0), "test-digest")
    assert scheduled.digests_queued == len(PROVINCES) and scheduled.overdue_queued > 0
    for province in PROVINCES:
        [digest] = [text for text in bodies(outbox / f"{province}-SYT") if "Tổng hợp tình hình báo cáo" in text]
        assert department_name(province) in digest and f"({province})" in digest
        assert not any(f"({other})" in digest for other in PROVINCES if other != province)
    for folder in outbox.iterdir():
        province = registry.province_of(folder.name)
        if province is None or folder.name.endswith("-SYT"):
            continue
        for text in bodies(folder):
            assert department_name(province) in text, folder.name
            assert not any(department_name(other) in text for other in PROVINCES if other != province), folder.name
