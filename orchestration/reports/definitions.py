"""The report assets as a Definitions object for `orchestration.definitions` to merge."""

import dagster as dg

from orchestration.reports.assets import dq_scorecard_report

defs = dg.Definitions(assets=[dq_scorecard_report])
