"""The published warehouse: the one file BI tools and analysts open.

It depends on every public mart and publishes exactly those, so the blocking quality checks on
them gate it: when any check fails, this asset does not run and readers keep the previous, checked
warehouse.
"""

# No `from __future__ import annotations`: Dagster checks the `context` annotation as a live class.
import dagster as dg

from orchestration.lib.marts import mart_asset_key, public_marts
from orchestration.lib.resources import WarehousePathsResource
from orchestration.publish.publisher import publish_warehouse

@dg.asset(
    group_name="publish",
    deps=[mart_asset_key(name) for name in public_marts()],
    kinds={"duckdb"},
    description=(
        "Kho dữ liệu đã kiểm tra, công bố cho người dùng báo cáo / "
        "The checked warehouse, published atomically for BI users."
    ),
)
def published_warehouse(
    context: dg.AssetExecutionContext, warehouse_paths: WarehousePathsResource
) -> dg.MaterializeResult:
    paths = warehouse_paths.get()
    result = publish_warehouse(paths.build_db, paths.published_db, public_marts(), run_id=context.run.run_id)
    context.log.info(f"Published {sum(result.row_counts.values())} rows to {result.published_db}")
    metadata = {
        "path": dg.MetadataValue.path(str(result.published_db)),
        "size_bytes": result.size_bytes,
        "sha256": result.sha256,
        "published_at_utc": result.published_at.isoformat(),
        "duckdb_version": result.duckdb_version,
        "storage_version": result.storage_version,
        "row_counts": dg.MetadataValue.json(dict(result.row_counts)),
    }
    if result.previous_db is not None:
        metadata["previous"] = dg.MetadataValue.path(str(result.previous_db))
    return dg.MaterializeResult(metadata=metadata)


defs = dg.Definitions(assets=[published_warehouse])
