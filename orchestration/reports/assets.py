"""The monthly data-quality report as a Dagster asset, rendered after each publication."""

# No `from __future__ import annotations`: Dagster checks the `context` annotation as a live class.
import dagster as dg

from orchestration.lib.resources import WarehousePathsResource
from orchestration.reports.report_data import latest_month
from orchestration.reports.scorecard_report import write_report


@dg.asset(
    group_name="publish",
    deps=[dg.AssetKey(["published_warehouse"])],
    kinds={"html"},
    description=(
        "Phiếu đánh giá chất lượng số liệu tháng mới nhất (HTML) / "
        "The latest month's data-quality report card (HTML), next to the published warehouse."
    ),
)
def dq_scorecard_report(
    context: dg.AssetExecutionContext, warehouse_paths: WarehousePathsResource
) -> dg.MaterializeResult:
    paths = warehouse_paths.get()
    period = latest_month(paths.published_db)
    if period is None:
        context.log.info("No monthly data-quality card published yet; no report written.")
        return dg.MaterializeResult(metadata={"period": None})
    path = write_report(paths.published_db, paths.reports_dir, period)
    context.log.info(f"Data-quality report for {period} written to {path}")
    return dg.MaterializeResult(
        metadata={"period": period, "path": dg.MetadataValue.path(str(path)), "size_bytes": path.stat().st_size}
    )
