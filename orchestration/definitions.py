"""The Dagster code location: one folder per concern, assembled here and nowhere else."""

import dagster as dg

# Modules, not their `defs`: Dagster refuses a code location with several Definitions at module scope.
from orchestration.alerts import definitions as alerts
from orchestration.automation import triggers as automation
from orchestration.ingest import assets as ingest
from orchestration.publish import assets as publish
from orchestration.quality import definitions as quality
from orchestration.reports import definitions as reports
from orchestration.transform import assets as transform

defs = dg.Definitions.merge(
    ingest.defs, transform.defs, quality.defs, publish.defs, reports.defs, alerts.defs, automation.defs
)
