"""How dbt is invoked: which executable, and how it finds the build database.

Shared by the dbt assets and by `prepare` (which writes the manifest the assets load), because dbt
re-uses its partial parse only when every invocation renders the same profile from the same
`--vars`. Nothing here reads the manifest, so `prepare` can import it before one exists.

dbt dies with the run. dagster-dbt starts dbt with a plain `subprocess.Popen`, so a run killed with
`kill -9` left dbt running on its own, holding DuckDB's lock on the build database, and the next
run failed on it. The assets therefore start dbt through a launcher (`write_dbt_launcher`, written
by `prepare` next to the manifest) that asks Linux to SIGKILL it when its parent dies
(prctl PR_SET_PDEATHSIG) and then becomes the real dbt (`exec`, same process). Chosen over finding
and killing a stale lock holder at the next start: nothing guesses which process is whose, and an
orphaned dbt never goes on writing into a build that no run is watching. Elsewhere than Linux the
launcher just execs dbt; the run lock (`orchestration/lib/run_lock.py`) still keeps runs apart.
"""

import json
import os
import sys
from collections.abc import Sequence
from functools import cached_property
from importlib.metadata import version as installed_version
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject
from packaging import version

from orchestration.lib.settings import DBT_PROJECT_DIR

# The pinned dbt next to this interpreter: neither make, the daemon nor the code server activates
# the virtual environment, so "dbt" on PATH could be another install or none.
DBT_EXECUTABLE = Path(sys.executable).parent / "dbt"
# Generated, beside the manifest: its first line names this interpreter, which differs per checkout.
DBT_LAUNCHER = DBT_PROJECT_DIR / "target" / "dbt-dies-with-run"

_LAUNCHER_SOURCE = """#!{python}
# Written by `python -m orchestration.transform.prepare` (orchestration/transform/dbt_command.py).
# Starts dbt so that it is killed when the process that started it dies.
import ctypes, os, signal, sys
parent = os.getppid()
if sys.platform.startswith("linux"):
    PR_SET_PDEATHSIG = 1
    if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL) != 0:
        sys.exit("prctl(PR_SET_PDEATHSIG) failed: errno " + str(ctypes.get_errno()))
    if os.getppid() != parent:  # the parent died before the request took effect
        sys.exit(1)
os.execv({dbt!r}, [{dbt!r}, *sys.argv[1:]])
"""


def write_dbt_launcher() -> Path:
    """(Re)writes the launcher atomically: the code server and the daemon may load at the same time."""
    DBT_LAUNCHER.parent.mkdir(parents=True, exist_ok=True)
    temporary = DBT_LAUNCHER.with_name(f".{DBT_LAUNCHER.name}.{os.getpid()}.tmp")
    temporary.write_text(_LAUNCHER_SOURCE.format(python=sys.executable, dbt=str(DBT_EXECUTABLE)), encoding="utf-8")
    temporary.chmod(0o755)
    os.replace(temporary, DBT_LAUNCHER)
    return DBT_LAUNCHER

warehouse_dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


class LaunchedDbtCliResource(DbtCliResource):
    """dagster-dbt's resource, starting dbt through the launcher above, without the work dagster-dbt
    does in this process before each command that these assets have no use for."""

    @cached_property
    def _cli_version(self) -> version.Version:
        # Overridden because dagster-dbt asks the executable (`dbt --version`, a second dbt start-up:
        # 2.9 s measured on an idle machine, once per run) to tell dbt-core from the Fusion engine.
        # The launcher always execs the dbt-core installed beside this interpreter, whose version
        # the package says.
        return version.parse(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:
        # Overridden because dagster-dbt opens a handle to the warehouse through dbt's adapter before
        # every dbt command (profile, project, adapter and dbt's own macros: 2.5 s measured the first
        # time in a process, 0.8 s after) only to serve `fetch_row_counts()` and
        # `fetch_column_metadata()`, which these assets do not call; without it they would fail.
        return None


def warehouse_dbt_resource() -> LaunchedDbtCliResource:
    return LaunchedDbtCliResource(project_dir=warehouse_dbt_project, dbt_executable=str(DBT_LAUNCHER))


# The table the pipeline names the periods of an incremental build in (transform/incremental.py).
AFFECTED_PERIODS_TABLE = "pipeline_state.affected_periods"


def build_db_vars(build_db: Path) -> list[str]:
    """dbt's profile takes the build database from this variable (dbt_project/profiles.yml), so the
    path travels with each command instead of through the process environment. The affected-periods
    table is named here, identically on every run, so the partial parse stays valid: the periods
    themselves change per run and travel in the table (dbt_project/macros/affected_periods.sql)."""
    return ["--vars", json.dumps({"build_db": str(build_db), "affected_periods_table": AFFECTED_PERIODS_TABLE})]
