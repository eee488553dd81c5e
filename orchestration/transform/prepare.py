"""`python -m orchestration.transform.prepare`: write dbt's manifest the way runs will read it.

Dagster reads the manifest when the code location loads, and nothing parses dbt at import time, so
make (`make setup`, which `make run`, `make test` and `make dev` all run), CI and the tests parse
first. The build-database path is rendered into dbt's profile, and dbt only re-uses its partial
parse when the profile and the `--vars` are identical, so the path is passed exactly as the
pipeline's dbt assets pass it. It also writes the launcher the assets start dbt with
(`dbt_command.write_dbt_launcher`), for the same reason: the code location needs it when it loads.
"""

import subprocess
from pathlib import Path

from orchestration.lib.settings import Settings, load_settings
from orchestration.transform.dbt_command import (
    DBT_EXECUTABLE,
    build_db_vars,
    warehouse_dbt_project,
    write_dbt_launcher,
)


def parse_dbt_project(settings: Settings | None = None) -> Path:
    settings = settings or load_settings()
    command = [str(DBT_EXECUTABLE), "parse", "--profiles-dir", ".", "--quiet", *build_db_vars(settings.paths.build_db)]
    subprocess.run(command, cwd=warehouse_dbt_project.project_dir, check=True)
    write_dbt_launcher()
    return warehouse_dbt_project.manifest_path


if __name__ == "__main__":
    parse_dbt_project()
