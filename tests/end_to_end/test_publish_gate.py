"""A submission that breaks a blocking check must leave the published warehouse byte-for-byte as it was."""

from __future__ import annotations

import hashlib

import dagster as dg
import duckdb
import openpyxl

from orchestration.demo.generator import generate_demo_province
from orchestration.lib.reference import load_registry
from tests.conftest import isolated_warehouse, run_warehouse_job


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_submission(path, unit_code: str, period_text: str, rows: list[tuple[str, object]]) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Mã đơn vị:", unit_code])
    sheet.append(["Kỳ báo cáo:", period_text])
    sheet.append([])
    sheet.append(["STT", "Mã chỉ số", "Giá trị"])
    for number, (code, value) in enumerate(rows, start=1):
        sheet.append([number, code, value])
    workbook.save(path)


def test_negative_count_blocks_publishing_and_keeps_the_previous_warehouse(tmp_path):
    with isolated_warehouse(tmp_path) as paths:
        generate_demo_province(paths.inbox_dir, load_registry(paths.reference_dir), "202401", "202402")
        instance = dg.DagsterInstance.ephemeral()
        first = run_warehouse_job(instance)
        assert first.success
        checksum_before = sha256(paths.published_db)

        write_submission(paths.inbox_dir / "QN-TYT-HAILANG_202403.xlsx", "QN-TYT-HAILANG", "Tháng 3/2024", [("OPD_VISITS", -40)])
        second = run_warehouse_job(instance)

        failed = [e for e in second.get_asset_check_evaluations() if not e.passed]
        assert failed, "the negative count must fail a blocking check"
        materialized = {event.asset_key for event in second.get_asset_materialization_events()}
        assert dg.AssetKey(["published_warehouse"]) not in materialized
        assert sha256(paths.published_db) == checksum_before
        with duckdb.connect(str(paths.published_db), read_only=True) as connection:
            months = {row[0] for row in connection.sql("select distinct period_code from marts.fct_indicator_values where period_type = 'month'").fetchall()}
        assert months == {"202401", "202402"}
