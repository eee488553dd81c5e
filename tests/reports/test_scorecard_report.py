"""The monthly report card rendered from the demo's published warehouse."""

from __future__ import annotations

import shutil

import dagster as dg
import pytest

from orchestration.lib.resources import warehouse_resources
from orchestration.lib.settings import load_settings
from orchestration.reports.__main__ import main
from orchestration.reports.assets import dq_scorecard_report
from orchestration.reports.report_data import latest_month, read_report_data
from orchestration.reports.scorecard_report import write_report


@pytest.fixture(scope="module")
def published_copy(demo_run, tmp_path_factory):
    """A private copy: reports are written next to the warehouse, and the demo run is shared."""
    target = tmp_path_factory.mktemp("published") / "published.duckdb"
    shutil.copy(demo_run.paths.published_db, target)
    return target


def test_the_latest_month_is_december_2025(published_copy):
    assert latest_month(published_copy) == "202512"


def test_report_data_holds_every_monthly_unit_and_the_key_trends(published_copy):
    data = read_report_data(published_copy, "202512")
    assert data.month["completeness_pct"] == 100.0 and data.month["error_findings"] == 0
    assert len(data.units) == 25 and all(unit["completeness_pct"] == 100.0 for unit in data.units)
    assert [trend["indicator_code"] for trend in data.trends] == ["OPD_VISITS", "IPD_ADMISSIONS", "LIVE_BIRTHS", "DTP3"]
    assert all(len(trend["values"]) == 24 and None not in trend["values"] for trend in data.trends)
    assert [period for period, _ in data.outliers_by_month] == [f"2025{month:02d}" for month in range(1, 13)]


def test_the_report_is_one_self_contained_file_next_to_the_warehouse(published_copy):
    path = write_report(published_copy, published_copy.parent, "202512")
    html = path.read_text(encoding="utf-8")
    assert path == published_copy.parent / "dq_report_202512.html"
    assert html.count("<svg") == 2 + 4, "completeness, outliers, four trends"
    assert "Tháng 12/2025" in html and "December 2025" in html
    assert "<script" not in html and "src=" not in html and "<link" not in html, "no external resources"
    assert "DQ_OUTLIER" in html, "the month's warnings are listed"


def test_the_command_writes_a_named_month_and_refuses_an_unknown_one(published_copy, monkeypatch, capsys):
    monkeypatch.setenv("WAREHOUSE_PUBLISHED_DB", str(published_copy))
    assert main(["--period", "202406"]) == 0
    assert (published_copy.parent / "dq_report_202406.html").is_file()
    assert main(["--period", "203001"]) == 1
    assert "203001" in capsys.readouterr().err


def test_the_asset_reports_the_latest_month(published_copy):
    settings = load_settings({"WAREHOUSE_PUBLISHED_DB": str(published_copy)})
    result = dg.materialize([dq_scorecard_report], resources=warehouse_resources(settings))
    [event] = result.get_asset_materialization_events()
    metadata = event.materialization.metadata
    assert metadata["period"].value == "202512"
    assert metadata["path"].value == str(published_copy.parent / "dq_report_202512.html")
