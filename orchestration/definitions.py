"""The Dagster code location: one folder per concern, assembled here and nowhere else.

The settings are read once, here, when the code location loads (a malformed variable stops the
load and names itself), and reach every asset, check, sensor and op as resources. Tests build
their own code location from settings of their own with `build_definitions`.
"""

import dagster as dg

# Modules, not their `defs`: Dagster refuses a code location with several Definitions at module scope.
from orchestration.alerts import definitions as alerts
from orchestration.automation import triggers as automation
from orchestration.ingest import assets as ingest
from orchestration.lib.resources import warehouse_resources
from orchestration.lib.settings import Settings, load_settings
from orchestration.publish import assets as publish
from orchestration.quality import definitions as quality
from orchestration.reports import definitions as reports
from orchestration.transform import assets as transform


def build_definitions(settings: Settings) -> dg.Definitions:
    return dg.Definitions.merge(
        ingest.defs, transform.defs, quality.defs, publish.defs, reports.defs, alerts.defs, automation.defs,
        dg.Definitions(resources=warehouse_resources(settings)),
    )


defs = build_definitions(load_settings())
