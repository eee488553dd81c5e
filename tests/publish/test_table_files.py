"""Parquet and CSV of every public mart: the same rows and values as the published DuckDB file."""

from __future__ import annotations

import duckdb

from orchestration.lib.dbt_manifest import dbt_models
from orchestration.lib.marts import public_marts
from orchestration.publish.exports_folder import current_exports_folder
from orchestration.publish.outputs import FILE_EXPORTERS
from orchestration.publish.publication import publish
from tests.publish.table_file_checks import assert_table_files_match
from tests.quality.warehouse_fakes import good_marts, write_marts

TABLE_FILES = [exporter for exporter in FILE_EXPORTERS if exporter.name == "table_files"]


def test_every_public_mart_of_the_demo_has_parquet_and_bom_csv_equal_to_the_duckdb_file(demo_run):
    assert demo_run.result.success
    folder = current_exports_folder(demo_run.paths.exports_dir)
    assert folder is not None, "the demo run must have published its exports"
    assert sorted(p.stem for p in (folder / "parquet").iterdir()) == sorted(public_marts())
    assert sorted(p.stem for p in (folder / "csv").iterdir()) == sorted(public_marts())
    assert_table_files_match(demo_run.paths.published_db, folder, public_marts())


def test_vietnamese_text_survives_and_excel_sees_utf8(warehouse_paths):
    write_marts(warehouse_paths.build_db, good_marts())
    result = publish(warehouse_paths, tuple(good_marts()), run_id="run-vi", exporters=TABLE_FILES)

    csv = (result.exports_folder / "csv" / "dim_org_units.csv").read_bytes()
    # The columns follow the mart's dbt contract, in contract order.
    assert csv.startswith(b"\xef\xbb\xbforg_unit_code,name_vi,unit_type,org_unit_level,")
    assert "TYT P. Hồng Hải".encode() in csv
    assert_table_files_match(warehouse_paths.published_db, result.exports_folder, tuple(good_marts()))


def test_parquet_carries_the_dbt_descriptions_and_the_publication(warehouse_paths):
    write_marts(warehouse_paths.build_db, good_marts())
    result = publish(warehouse_paths, tuple(good_marts()), run_id="run-kv", exporters=TABLE_FILES)

    parquet = result.exports_folder / "parquet" / "fct_indicator_values.parquet"
    with duckdb.connect() as connection:
        metadata = {
            key.decode(): value.decode()
            for key, value in connection.execute(
                "select key, value from parquet_kv_metadata(?)", [str(parquet)]
            ).fetchall()
        }
    model = dbt_models()["fct_indicator_values"]
    assert metadata["description"] == model.description
    assert metadata["description:value"] == model.column_descriptions["value"]
    assert metadata["description:value"].startswith("Giá trị")
    assert (metadata["publication_id"], metadata["run_id"]) == (result.warehouse.publication_id, "run-kv")
    assert result.exports["table_files"]["rows/fct_indicator_values"] == len(good_marts()["fct_indicator_values"])
