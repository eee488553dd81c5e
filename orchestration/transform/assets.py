"""The dbt project as Dagster assets, built in two phases around the data-quality rules.

Phase one (`dbt_rule_inputs`) builds the models tagged `dq_inputs` and everything they read: the
values each unit's winning file gives and the reports received. The Great Expectations rules
(`orchestration/quality/rule_assets.py`) judge those and write their findings to `raw`; phase two
(`warehouse_models`) builds everything else — current values without the values errors hold
back, the marts, the scorecard — reading the findings as a dbt source. Dagster orders the three
steps from the dependencies alone: phase two's source `raw.dq_rule_findings` is the rules' asset.
Each phase is one `dbt build`, so models, tests and contracts still run in a single pass per phase.
"""

import os
import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets

from orchestration.lib.settings import DBT_PROJECT_DIR, WarehousePaths

# dbt runs as a subprocess and finds the build database through its profile's env_var; the
# profile is rendered as early as prepare_if_dev(), so the variable must be set at import time.
WarehousePaths.from_environment().export_to_environment()
# The pinned dbt lives next to this interpreter, and neither make, the daemon nor prepare_if_dev()
# activates the virtual environment: put it first on PATH for every dbt invocation.
os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
warehouse_dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
# Under `dagster dev` the manifest is rebuilt from the sources; `make` runs `dbt parse` otherwise.
warehouse_dbt_project.prepare_if_dev()

RULE_INPUTS_SELECTION = "+tag:dq_inputs"


@dbt_assets(
    manifest=warehouse_dbt_project.manifest_path,
    project=warehouse_dbt_project,
    select=RULE_INPUTS_SELECTION,
    name="dbt_rule_inputs",
)
def dbt_rule_inputs(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    # Tests and the CLI may point WAREHOUSE_* elsewhere after import; re-export before each build.
    WarehousePaths.from_environment().export_to_environment()
    # Cautious: a test comparing a phase-one model with a phase-two one (a relationships test) waits
    # for phase two, where both exist; dbt's eager default would run it against a missing table.
    yield from dbt.cli(["build", "--indirect-selection", "cautious"], context=context).stream()


@dbt_assets(
    manifest=warehouse_dbt_project.manifest_path,
    project=warehouse_dbt_project,
    exclude=RULE_INPUTS_SELECTION,
    name="warehouse_models",
)
def warehouse_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    WarehousePaths.from_environment().export_to_environment()
    yield from dbt.cli(["build"], context=context).stream()


defs = dg.Definitions(
    assets=[dbt_rule_inputs, warehouse_models],
    resources={"dbt": DbtCliResource(project_dir=warehouse_dbt_project)},
)
