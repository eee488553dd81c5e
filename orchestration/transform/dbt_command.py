"""How dbt is invoked: which executable, and how it finds the build database.

Shared by the dbt assets and by `prepare` (which writes the manifest the assets load), because dbt
re-uses its partial parse only when every invocation renders the same profile from the same
`--vars`. Nothing here reads the manifest, so `prepare` can import it before one exists.
"""

import json
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from orchestration.lib.settings import DBT_PROJECT_DIR

# The pinned dbt next to this interpreter: neither make, the daemon nor the code server activates
# the virtual environment, so "dbt" on PATH could be another install or none.
DBT_EXECUTABLE = Path(sys.executable).parent / "dbt"

warehouse_dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def build_db_vars(build_db: Path) -> list[str]:
    """dbt's profile takes the build database from this variable (dbt_project/profiles.yml), so the
    path travels with each command instead of through the process environment."""
    return ["--vars", json.dumps({"build_db": str(build_db)})]
