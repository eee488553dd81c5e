"""`python -m orchestration.transform.prepare`: write dbt's manifest the way runs will read it.

Dagster loads the manifest at import time and prepare_if_dev() only runs under `dagster dev`, so
make, CI and the tests parse first. The build-database path is rendered into dbt's profile, and dbt
only re-uses its partial parse when the profile is identical, so the path is resolved exactly as
the pipeline resolves it at run time.
"""

import os
import subprocess
import sys
from pathlib import Path

from orchestration.lib.settings import DBT_PROJECT_DIR, WarehousePaths


def parse_dbt_project() -> Path:
    WarehousePaths.from_environment().export_to_environment()
    dbt = Path(sys.executable).parent / "dbt"
    subprocess.run([str(dbt), "parse", "--profiles-dir", ".", "--quiet"], cwd=DBT_PROJECT_DIR, check=True, env=os.environ)
    return DBT_PROJECT_DIR / "target" / "manifest.json"


if __name__ == "__main__":
    parse_dbt_project()
