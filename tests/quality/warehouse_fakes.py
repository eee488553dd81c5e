"""A tiny, well-formed build database standing in for dbt's marts, shared by quality and publish tests.

The frames follow CONTRACT.md's mart columns with the Quảng Ninh demo codes, so every suite passes
on them unchanged and each test breaks exactly one thing.
"""

from __future__ import annotations

import functools
import hashlib
import json
import shutil
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd

from orchestration.lib.dbt_manifest import MANIFEST_PATH
from orchestration.lib.marts import mart_asset_key, public_marts
from orchestration.lib.resources import BuildDatabaseResource
from orchestration.lib.settings import EXPECTATIONS_DIR


def good_marts() -> dict[str, pd.DataFrame]:
    return {
        "fct_indicator_values": pd.DataFrame(
            {
                "indicator_code": ["OPD_VISITS", "OPD_VISITS", "OPD_VISITS", "BEDS_PER_10K", "DTP_DROPOUT_PCT"],
                "org_unit_code": ["QN-TYT-HONGHAI", "QN", "QN", "QN", "QN-TYT-HONGHAI"],
                "period_code": ["202503", "202503", "2025Q1", "2025", "202503"],
                # Catch-up doses can push DTP3 above DTP1 in a month: a negative dropout is real data.
                "value": [1250.0, 98000.0, 290000.0, 28.5, -4.0],
                "numerator": [None, None, None, 3800.0, -2.0],
                "denominator": [None, None, None, 1333000.0, 50.0],
                "period_type": ["month", "month", "quarter", "year", "month"],
                "org_unit_level": ["facility", "area", "area", "area", "facility"],
                "months_expected": [1, 1, 3, 12, 1],
                "months_present": [1, 1, 3, 12, 1],
                "is_complete": [True] * 5,
                "source_submission_id": pd.array([7, None, None, None, None], dtype="Int64"),
            }
        ),
        "fct_submissions": pd.DataFrame(
            {
                "submission_id": [7, 8],
                "file_name": ["TYT_HongHai_T3_2025.xlsx", "TYT_HongHai_T3_2025 (1).xlsx"],
                "content_hash": ["a" * 64, "a" * 64],
                "org_unit_code": ["QN-TYT-HONGHAI", "QN-TYT-HONGHAI"],
                "period_code": ["202503", "202503"],
                "arrived_at": [datetime(2025, 4, 3, 8, 0), datetime(2025, 4, 3, 9, 0)],
                "status": ["published", "duplicate"],
                "reason_vi": [None, "Tệp trùng nội dung với tệp đã nhận"],
                "reason_en": [None, "Same content as a file already received"],
            }
        ),
        "fct_inbox_entries": pd.DataFrame(
            {
                "inbox_path": ["~$TYT_HongHai_T3_2025.xlsx", "TYT_\\xff_T3_2025.xlsx"],
                "raw_path_hex": [None, "5459545fff5f54335f323032352e786c7378"],
                "entry_kind": ["temporary", "file"],
                "status": ["ignored", "received"],
                "reason_code": ["ING_IGNORED_TEMPORARY", "ING_NAME_NOT_UTF8"],
                "reason_vi": ["Tệp tạm hoặc tệp khóa", "Tên tệp không phải UTF-8"],
                "reason_en": ["A temporary or lock file", "The file name is not UTF-8"],
                "first_seen_at": [datetime(2025, 4, 3, 8, 0), datetime(2025, 4, 3, 8, 0)],
            }
        ),
        "fct_dq_findings": pd.DataFrame(
            {
                "finding_id": ["8-0001", "DQ-5f1c0e2a9b7d4c31", "DQ-0a9e8d7c6b5a4f32"],
                "finding_source": ["ingestion", "rule", "rule"],
                # An ingestion finding quotes the code as typed, even one the registry lacks.
                "org_unit_code": ["QN-TYT-HONGHAI", "QN-TYT-HONGHAI", "QN-TYT-HONGHAI"],
                "period_code": ["202503", "202503", "2025"],
                "indicator_code": ["OPD_VISITT", "OPD_VISITS", "OPD_VISITS"],
                "rule_code": ["ING_UNKNOWN_INDICATOR", "DQ_OUTLIER_MODERATE", "DQ_YEAR_INCONSISTENT"],
                "severity": ["error", "warning", "warning"],
                "status": ["open", "open", "explained"],
                "message_vi": ["Mã chỉ số không có trong danh mục", "Giá trị bất thường", "Lệch quá 33%"],
                "message_en": ["Unknown indicator code", "Unusual value", "Year out of line"],
                "file_name": ["TYT_HongHai_T3_2025 (1).xlsx", "TYT_HongHai_T3_2025.xlsx", None],
                "sheet_name": ["BaoCao", "BaoCao", None],
                "cell_ref": ["C7", "C5", None],
                "submission_id": pd.array([8, 7, None], dtype="Int64"),
            }
        ),
        "dim_org_units": pd.DataFrame(
            {
                "org_unit_code": ["QN", "QN-HL", "QN-TYT-HONGHAI"],
                "name_vi": ["Quảng Ninh", "TP Hạ Long", "TYT P. Hồng Hải"],
                "unit_type": ["province", "district", "commune_station"],
                "org_unit_level": ["area", "area", "facility"],
            }
        ),
        "dim_indicators": pd.DataFrame(
            {
                "indicator_code": ["OPD_VISITS", "BEDS_PER_10K", "DTP_DROPOUT_PCT"],
                "kind": ["reported", "derived", "derived"],
            }
        ),
        "dim_periods": pd.DataFrame(
            {
                "period_code": ["202503", "2025Q1", "2025S1", "2025N9", "2025"],
                "period_type": ["month", "quarter", "half_year", "nine_months", "year"],
            }
        ),
        "fct_dq_scorecard": scorecard_frame("QN-TYT-HONGHAI"),
        "fct_dq_province_summary": scorecard_frame("QN"),
        "fct_indicator_achievement": pd.DataFrame(
            {
                "org_unit_code": ["QN", "QN", "QN-HL"],
                "indicator_code": ["BEDS_PER_10K", "DTP_DROPOUT_PCT", "BEDS_PER_10K"],
                "period_code": ["2025", "2025", "2025"],
                "period_type": ["year"] * 3,
                "actual_value": [28.5, None, None],
                "target_value": [30.0, 5.0, 29.0],
                "benchmark_value": [32.1, None, 32.1],
                "direction": ["at_least", "at_most", "at_least"],
                "compared_with": ["target"] * 3,
                # Whole years: the yearly target itself is the one compared with.
                "comparison_basis": ["full_year"] * 3,
                "comparison_value": [30.0, 5.0, 29.0],
                "achievement_status": ["chua_dat", "khong_co_so_lieu", "khong_co_so_lieu"],
            }
        ),
        "fct_indicator_disaggregations": pd.DataFrame(
            {
                "indicator_code": ["OPD_VISITS"] * 2,
                "org_unit_code": ["QN-TYT-HONGHAI", "QN"],
                "period_code": ["202503"] * 2,
                "period_type": ["month"] * 2,
                "org_unit_level": ["facility", "area"],
                "dimension_code": ["SEX"] * 2,
                "option_code": ["SEX_FEMALE"] * 2,
                "value": [640.0, 640.0],
                "months_present": [1, 1],
                "source_submission_id": [9, None],
            }
        ),
        "fct_indicator_value_history": pd.DataFrame(
            {
                # File 7 was in force until file 9 (a correction) arrived.
                "submission_id": [7, 9],
                "file_name": ["TYT_HongHai_T3_2025.xlsx", "TYT_HongHai_T3_2025_sua.xlsx"],
                "org_unit_code": ["QN-TYT-HONGHAI"] * 2,
                "period_code": ["202503"] * 2,
                "indicator_code": ["OPD_VISITS"] * 2,
                "value": [1200.0, 1250.0],
                "sheet_name": ["BaoCao"] * 2,
                "cell_ref": ["C5"] * 2,
                "submission_status": ["superseded", "published"],
                "arrived_at": [datetime(2025, 4, 3, 8, 0), datetime(2025, 4, 9, 8, 0)],
                "published_from": [datetime(2025, 4, 3, 8, 0), datetime(2025, 4, 9, 8, 0)],
                "published_until": [datetime(2025, 4, 9, 8, 0), None],
                "is_current": [False, True],
            }
        ),
        "rpt_comparable_geography": pd.DataFrame(
            {
                "org_unit_code": ["QN-HL", "QN-HL"],
                "org_unit_level": ["area"] * 2,
                "indicator_code": ["OPD_VISITS", "DTP_DROPOUT_PCT"],
                "period_code": ["202503", "202503"],
                "period_type": ["month"] * 2,
                "value": [98000.0, -4.0],
                "numerator": [None, -2.0],
                "denominator": [None, 50.0],
                "months_expected": [3, 1],
                "months_present": [3, 1],
                "is_complete": [True, True],
                "composition": ["predecessors", "predecessors"],
            }
        ),
        "rpt_indicator_values_wide": pd.DataFrame(
            {
                "org_unit_code": ["QN", "QN-TYT-HONGHAI"],
                "org_unit_level": ["area", "facility"],
                "period_code": ["202503", "202503"],
                "period_type": ["month"] * 2,
                "period_label_vi": ["Tháng 3/2025"] * 2,
                "period_label_en": ["March 2025"] * 2,
                "opd_visits": [98000.0, 1250.0],
            }
        ),
        "dim_org_unit_lineage": pd.DataFrame(
            {
                "predecessor_code": ["QN-HL", "QN-TYT-HONGHAI"],
                "successor_code": ["QN", "QN-TYT-HONGHAI"],
                "effective_date": [date(2025, 7, 1)] * 2,
                "change_kind": ["merge", "re-parent"],
            }
        ),
        "dim_org_unit_parent_links": pd.DataFrame(
            {
                # Hồng Hải's station sat in Hạ Long until the districts were abolished, then in the province.
                "org_unit_code": ["QN-HL", "QN-TYT-HONGHAI", "QN-TYT-HONGHAI"],
                "parent_code": ["QN", "QN-HL", "QN"],
                "valid_from": [date(2020, 1, 1), date(2020, 1, 1), date(2025, 7, 1)],
                "valid_to": [date(2025, 6, 30), date(2025, 6, 30), None],
            }
        ),
    }


def scorecard_frame(org_unit_code: str) -> pd.DataFrame:
    """A unit's (or the province's) card for a month and its quarter."""
    return pd.DataFrame(
        {
            "org_unit_code": [org_unit_code] * 2,
            "period_code": ["202503", "2025Q1"],
            "period_type": ["month", "quarter"],
            "reports_expected": [1, 3],
            "reports_received": [1, 3],
            "reports_on_time": [1, 2],
            "reports_missing": [0, 0],
            "completeness_pct": [100.0, 100.0],
            "timeliness_pct": [100.0, 66.7],
            "value_completeness_pct": [100.0, 95.2],
            "values_checked": [7, 21],
            "values_with_outliers": [0, 1],
            "outlier_pct": [0.0, 4.8],
            "consistency_flags": [0, 0],
        }
    )


def dimension_keys(frames: Mapping[str, pd.DataFrame]) -> dict[str, list[str]]:
    """The suite parameters the blocking checks read from the build's dimensions."""
    return {
        "org_unit_codes": list(frames["dim_org_units"]["org_unit_code"]),
        "indicator_codes": list(frames["dim_indicators"]["indicator_code"]),
        "period_codes": list(frames["dim_periods"]["period_code"]),
    }


def write_marts(build_db: Path, frames: Mapping[str, pd.DataFrame]) -> None:
    """Also writes a `raw` table and an internal table in the marts schema, which publishing must leave out."""
    build_db.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(build_db)) as connection:
        connection.execute("create schema if not exists marts")
        connection.execute("create schema if not exists raw")
        connection.execute("create or replace table raw.submissions as select 1 as submission_id")
        connection.execute("create or replace table marts.scratch_build_notes as select 'not public' as note")
        for name, frame in frames.items():
            connection.register("incoming", frame)
            connection.execute(f"create or replace table marts.{name} as select {_contract_select(name, frame)} from incoming")
            connection.unregister("incoming")


def _contract_select(mart: str, frame: pd.DataFrame) -> str:
    """Every column of the mart's dbt contract, in contract order, NULL where a test's frame leaves
    it out: the exporters read the marts as dbt builds them, and a fake must not be narrower."""
    columns = _contract_types().get(mart)
    if not columns:
        return "*"
    given = set(frame.columns)
    return ", ".join(
        f'"{column}"' if column in given else f'cast(null as {data_type}) as "{column}"'
        for column, data_type in columns.items()
    ) + "".join(f', "{column}"' for column in frame.columns if column not in columns)


@functools.cache
def _contract_types() -> dict[str, dict[str, str]]:
    manifest = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))
    return {
        node["name"]: {name: column["data_type"] for name, column in node["columns"].items() if column.get("data_type")}
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["config"].get("contract", {}).get("enforced")
    }


def fake_mart_assets(frames: Mapping[str, pd.DataFrame]) -> dg.AssetsDefinition:
    """Plays dbt's part: one step materialising every mart under the keys dagster-dbt gives them."""

    @dg.multi_asset(specs=[dg.AssetSpec(mart_asset_key(name)) for name in public_marts()], name="fake_dbt_marts")
    def fake_dbt_marts(build_db: BuildDatabaseResource):
        write_marts(build_db.path, frames)
        for name in public_marts():
            yield dg.MaterializeResult(asset_key=mart_asset_key(name))

    return fake_dbt_marts


def copy_gx_project(target_root: Path) -> Path:
    """The committed context without its run outputs, so Data Docs of a test land under tmp."""
    shutil.copytree(
        EXPECTATIONS_DIR / "gx", target_root / "gx", ignore=shutil.ignore_patterns("uncommitted")
    )
    return target_root


def committed_files(root: Path) -> dict[str, str]:
    """Checksums of the context's committed part: everything GX keeps outside `uncommitted/`."""
    context_dir = root / "gx"
    return {
        str(path.relative_to(context_dir)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(context_dir.rglob("*"))
        if path.is_file() and "uncommitted" not in path.relative_to(context_dir).parts
    }

