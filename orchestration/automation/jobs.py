"""The one job every trigger runs: ingest → dbt → quality checks → publish."""

from __future__ import annotations

import dagster as dg

warehouse_job = dg.define_asset_job(
    name="warehouse_job",
    selection=dg.AssetSelection.all(),
    description="Nhận báo cáo, dựng kho, kiểm tra chất lượng và công bố / Ingest, build, check and publish.",
    # One process for the whole run: DuckDB admits a single writer, and spawning a process per step
    # would cost more than the steps themselves on a province's data.
    executor_def=dg.in_process_executor,
)
