"""`published_warehouse` as Dagster runs it: paths from its resources, facts in its metadata."""

from __future__ import annotations

import dagster as dg
import duckdb

from orchestration.lib.marts import mart_asset_key, public_marts
from orchestration.publish.assets import published_warehouse
from orchestration.publish.publisher import sha256_of
from tests.quality.warehouse_fakes import fake_mart_assets, good_marts


def test_asset_depends_on_every_public_mart_in_the_publish_group():
    assert set(published_warehouse.asset_deps[published_warehouse.key]) == {mart_asset_key(m) for m in public_marts()}
    assert published_warehouse.group_names_by_key[published_warehouse.key] == "publish"


def test_materialisation_reports_the_file_it_published(warehouse_paths, resources):
    result = dg.materialize([fake_mart_assets(good_marts()), published_warehouse], resources=resources)

    assert result.success
    (event,) = [e for e in result.get_asset_materialization_events() if e.asset_key == published_warehouse.key]
    metadata = event.materialization.metadata
    assert metadata["path"].value == str(warehouse_paths.published_db)
    assert metadata["sha256"].value == sha256_of(warehouse_paths.published_db)
    assert metadata["size_bytes"].value == warehouse_paths.published_db.stat().st_size
    assert metadata["row_counts"].value == {f"marts.{name}": len(frame) for name, frame in good_marts().items()}
    assert metadata["storage_version"].value.startswith("v")
    with duckdb.connect(str(warehouse_paths.published_db), read_only=True) as connection:
        assert connection.execute("select run_id from meta.publication").fetchone()[0] == result.run_id
