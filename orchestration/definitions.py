"""The Dagster code location: one folder per concern, assembled here and nowhere else."""

import dagster as dg

from orchestration.automation.triggers import defs as automation_defs
from orchestration.ingest.assets import defs as ingest_defs
from orchestration.publish.assets import defs as publish_defs
from orchestration.quality.definitions import defs as quality_defs
from orchestration.transform.assets import defs as transform_defs

defs = dg.Definitions.merge(ingest_defs, transform_defs, quality_defs, publish_defs, automation_defs)
