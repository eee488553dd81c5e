"""The quality assets and checks as a Definitions object for `orchestration.definitions` to merge:
the data-quality rules between the dbt phases, and the blocking integrity suites on the marts."""

import dagster as dg

from orchestration.lib.marts import public_marts
from orchestration.quality.checks import build_warehouse_checks
from orchestration.quality.rule_assets import build_rule_assets

defs = dg.Definitions(assets=[build_rule_assets()], asset_checks=build_warehouse_checks(public_marts()))
