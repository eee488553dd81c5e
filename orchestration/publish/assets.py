"""The publication as Dagster assets: the published DuckDB file and one asset per other output.

One multi-asset, because the outputs are staged together and switched together
(`orchestration.publish.publication`): they cannot be materialised one without the others.
`published_warehouse` depends on every public mart, so the blocking quality checks on them gate
the whole step: when any check fails, it does not run and readers keep the previous publication in
every format. Each file exporter and target of `outputs.py` is an asset downstream of the file,
`published_exports/<name>` and `published_targets/<name>`; a target that is not configured is
skipped, not materialised.
"""

# No `from __future__ import annotations`: Dagster checks the `context` annotation as a live class.
from collections.abc import Iterator

import dagster as dg

from orchestration.lib.marts import mart_asset_key, public_marts
from orchestration.lib import run_state
from orchestration.lib.resources import BuildDatabaseResource, WarehousePathsResource
from orchestration.lib.settings import PublicationTargets
from orchestration.lib.storage_errors import storage_boundary
from orchestration.publish.outputs import FILE_EXPORTERS, TARGETS
from orchestration.publish.publication import publish

PUBLISHED_WAREHOUSE = dg.AssetKey(["published_warehouse"])


def export_key(name: str) -> dg.AssetKey:
    return dg.AssetKey(["published_exports", name])


def target_key(name: str) -> dg.AssetKey:
    return dg.AssetKey(["published_targets", name])


def _specs() -> list[dg.AssetSpec]:
    warehouse = dg.AssetSpec(
        PUBLISHED_WAREHOUSE,
        deps=[mart_asset_key(name) for name in public_marts()],
        kinds={"duckdb"},
        description=(
            "Kho dữ liệu đã kiểm tra, công bố cho người dùng báo cáo / "
            "The checked warehouse, published atomically for BI users."
        ),
    )
    exports = [
        dg.AssetSpec(export_key(e.name), deps=[warehouse], kinds=set(e.kinds), description=e.description)
        for e in FILE_EXPORTERS
    ]
    targets = [
        dg.AssetSpec(target_key(t.name), deps=[warehouse], kinds=set(t.kinds), description=t.description, skippable=True)
        for t in TARGETS
    ]
    return [warehouse, *exports, *targets]


@dg.multi_asset(name="publication", specs=_specs(), group_name="publish")
def publication(
    context: dg.AssetExecutionContext,
    warehouse_paths: WarehousePathsResource,
    publication_targets: dg.ResourceParam[PublicationTargets],
    build_db: BuildDatabaseResource,
) -> Iterator[dg.MaterializeResult]:
    paths = warehouse_paths.get()
    with storage_boundary(paths.published_db):  # a full disk while staging is told as such, with the file
        result = publish(paths, public_marts(), run_id=context.run.run_id, postgres=publication_targets.postgres)
    with build_db.connect() as connection:  # what readers now see was built from this: the next run compares
        run_state.promote(connection, "built", "published", context.run.run_id)
    warehouse = result.warehouse
    context.log.info(
        f"Published {sum(warehouse.row_counts.values())} rows to {warehouse.published_db} "
        f"and {len(result.exports)} export(s) to {result.exports_folder}"
    )
    metadata = {
        "path": dg.MetadataValue.path(str(warehouse.published_db)),
        "size_bytes": warehouse.size_bytes,
        "sha256": warehouse.sha256,
        "published_at_utc": warehouse.published_at.isoformat(),
        "duckdb_version": warehouse.duckdb_version,
        "storage_version": warehouse.storage_version,
        "publication_id": warehouse.publication_id,
        "row_counts": dg.MetadataValue.json(dict(warehouse.row_counts)),
    }
    if warehouse.previous_db is not None:
        metadata["previous"] = dg.MetadataValue.path(str(warehouse.previous_db))
    yield dg.MaterializeResult(asset_key=PUBLISHED_WAREHOUSE, metadata=metadata)
    publication_facts = {
        "publication_id": warehouse.publication_id,
        "storage_version": warehouse.storage_version,
        "folder": dg.MetadataValue.path(str(result.exports_folder)),
    }
    for name, exported in result.exports.items():
        yield dg.MaterializeResult(asset_key=export_key(name), metadata={**publication_facts, **exported})
    for name, loaded in result.targets.items():
        yield dg.MaterializeResult(
            asset_key=target_key(name),
            metadata={"publication_id": warehouse.publication_id, **loaded},
        )


defs = dg.Definitions(assets=[publication])
