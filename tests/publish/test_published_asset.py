"""The publication as Dagster runs it: paths from its resources, facts in each output's metadata."""

from __future__ import annotations

import json

import dagster as dg
import duckdb
import psycopg

from orchestration.lib.marts import mart_asset_key, public_marts
from orchestration.lib.resources import warehouse_resources
from orchestration.publish.assets import PUBLISHED_WAREHOUSE, export_key, publication, target_key
from orchestration.publish.exports_folder import current_exports_folder
from orchestration.publish.outputs import FILE_EXPORTERS
from orchestration.publish.publisher import sha256_of
from tests.conftest import isolated_settings
from tests.quality.warehouse_fakes import fake_mart_assets, good_marts


def test_the_warehouse_depends_on_every_public_mart_and_each_export_on_the_warehouse():
    assert set(publication.asset_deps[PUBLISHED_WAREHOUSE]) == {mart_asset_key(m) for m in public_marts()}
    exports = {export_key(exporter.name) for exporter in FILE_EXPORTERS}
    assert export_key("table_files") in exports
    assert set(publication.keys) >= {PUBLISHED_WAREHOUSE, *exports}
    assert all(publication.asset_deps[key] == {PUBLISHED_WAREHOUSE} for key in exports)
    assert set(publication.group_names_by_key.values()) == {"publish"}


def test_materialisation_reports_the_file_and_the_exports_it_published(warehouse_paths, resources):
    result = dg.materialize([fake_mart_assets(good_marts()), publication], resources=resources)

    assert result.success
    events = {e.asset_key: e.materialization.metadata for e in result.get_asset_materialization_events()}
    metadata = events[PUBLISHED_WAREHOUSE]
    assert metadata["path"].value == str(warehouse_paths.published_db)
    assert metadata["sha256"].value == sha256_of(warehouse_paths.published_db)
    assert metadata["size_bytes"].value == warehouse_paths.published_db.stat().st_size
    assert metadata["row_counts"].value == {f"marts.{name}": len(frame) for name, frame in good_marts().items()}
    assert metadata["storage_version"].value == "v1.0.0+"
    with duckdb.connect(str(warehouse_paths.published_db), read_only=True) as connection:
        run_id, publication_id = connection.execute("select run_id, publication_id from meta.publication").fetchone()
    assert run_id == result.run_id and metadata["publication_id"].value == publication_id

    folder = current_exports_folder(warehouse_paths.exports_dir)
    table_files = events[export_key("table_files")]
    assert table_files["folder"].value == str(folder)
    assert (table_files["publication_id"].value, table_files["storage_version"].value) == (publication_id, "v1.0.0+")
    assert {name: table_files[f"rows/{name}"].value for name in good_marts()} == {
        name: len(frame) for name, frame in good_marts().items()
    }
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert (manifest["publication_id"], manifest["run_id"]) == (publication_id, result.run_id)


def test_with_a_postgres_url_the_same_run_loads_every_public_mart_into_postgresql(tmp_path, postgres_url):
    """The wiring from WAREHOUSE_POSTGRES_URL through the resources to the publication's target."""
    settings = isolated_settings(tmp_path, WAREHOUSE_POSTGRES_URL=postgres_url)
    result = dg.materialize(
        [fake_mart_assets(good_marts()), publication], resources=warehouse_resources(settings)
    )

    assert result.success
    events = {e.asset_key: e.materialization.metadata for e in result.get_asset_materialization_events()}
    assert target_key("postgres") in events
    with psycopg.connect(postgres_url) as connection:
        counts = {
            name: connection.execute(f'select count(*) from marts."{name}"').fetchone()[0] for name in good_marts()
        }
        [(publication_id,)] = connection.execute("select publication_id from meta.publication").fetchall()
    assert counts == {name: len(frame) for name, frame in good_marts().items()}
    assert publication_id == events[PUBLISHED_WAREHOUSE]["publication_id"].value


def test_without_a_postgres_url_the_target_is_skipped(warehouse_paths, resources):
    result = dg.materialize([fake_mart_assets(good_marts()), publication], resources=resources)

    assert result.success
    assert target_key("postgres") not in {e.asset_key for e in result.get_asset_materialization_events()}
