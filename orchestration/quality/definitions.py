"""The quality checks as a Definitions object for `orchestration.definitions` to merge."""

import dagster as dg

from orchestration.lib.marts import MART_NAMES
from orchestration.quality.checks import build_warehouse_checks

defs = dg.Definitions(asset_checks=build_warehouse_checks(MART_NAMES))
