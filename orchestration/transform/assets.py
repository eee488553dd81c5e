"""The dbt project as Dagster assets: one `dbt build` models, tests and contracts in a single pass."""

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


@dbt_assets(manifest=warehouse_dbt_project.manifest_path, project=warehouse_dbt_project)
def warehouse_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    # Tests and the CLI may point WAREHOUSE_* elsewhere after import; re-export before each build.
    WarehousePaths.from_environment().export_to_environment()
    yield from dbt.cli(["build"], context=context).stream()


defs = dg.Definitions(
    assets=[warehouse_models],
    resources={"dbt": DbtCliResource(project_dir=warehouse_dbt_project)},
)
