"""Where the pipeline reads and writes.

Every path has a default under the repository so `make run` works on a fresh clone, and an
environment variable so a province can point the same code at its own shares. Relative values
are resolved against the repository root, never the caller's working directory, because the
webserver, the daemon and dbt's subprocess each start in a different directory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
EXPECTATIONS_DIR = REPO_ROOT / "expectations"

ENVIRONMENT_DEFAULTS = {
    "WAREHOUSE_INBOX_DIR": "sources/inbox",
    "WAREHOUSE_REFERENCE_DIR": "sources/reference",
    "WAREHOUSE_ARCHIVE_DIR": "warehouse/archive",
    "WAREHOUSE_BUILD_DB": "warehouse/build.duckdb",
    "WAREHOUSE_PUBLISHED_DB": "warehouse/published.duckdb",
}


def _resolve(variable: str) -> Path:
    path = Path(os.environ.get(variable) or ENVIRONMENT_DEFAULTS[variable])
    return path if path.is_absolute() else REPO_ROOT / path


@dataclass(frozen=True)
class WarehousePaths:
    inbox_dir: Path
    reference_dir: Path
    archive_dir: Path
    build_db: Path
    published_db: Path

    @classmethod
    def from_environment(cls) -> "WarehousePaths":
        return cls(
            inbox_dir=_resolve("WAREHOUSE_INBOX_DIR"),
            reference_dir=_resolve("WAREHOUSE_REFERENCE_DIR"),
            archive_dir=_resolve("WAREHOUSE_ARCHIVE_DIR"),
            build_db=_resolve("WAREHOUSE_BUILD_DB"),
            published_db=_resolve("WAREHOUSE_PUBLISHED_DB"),
        )

    @property
    def reports_dir(self) -> Path:
        """Human-readable outputs (quality reports) live next to the warehouse they describe."""
        return self.published_db.parent

    def export_to_environment(self) -> None:
        """dbt runs as a subprocess and reads the build database path from its profile's env_var."""
        os.environ["WAREHOUSE_BUILD_DB"] = str(self.build_db)
