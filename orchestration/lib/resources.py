"""The settings as Dagster resources: how paths, the build database and the clock reach assets.

Assets, checks, sensors and ops declare what they need as parameters and never read the
environment; `orchestration/definitions.py` builds the resources once from the settings, and a
test hands in its own (`warehouse_resources(settings)`) instead of patching the process
environment. Paths, the build database and the clock are configurable resources, so the UI
shows where a run reads and writes. Intake limits and alert settings are handed over as the
settings objects themselves: Dagster shows and records resource configuration, and the SMTP
password must appear in neither.
"""

# No `from __future__ import annotations`: Dagster reads the field annotations as live types.
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.lib.build_db import build_db_connection
from orchestration.lib.clock import Clock
from orchestration.lib.dbt_target_retention import prune_dbt_target
from orchestration.lib.recovery import recover
from orchestration.lib.run_lock import exclusive_run
from orchestration.lib.settings import DBT_PROJECT_DIR, PublicationTargets, Settings, WarehousePaths
from orchestration.lib.storage_errors import storage_boundary


class WarehousePathsResource(dg.ConfigurableResource):
    """Where the pipeline reads and writes; plain strings because Dagster config holds no Path."""

    inbox_dir: str
    reference_dir: str
    archive_dir: str
    build_db: str
    published_db: str
    exports_dir: str

    @classmethod
    def from_paths(cls, paths: WarehousePaths) -> "WarehousePathsResource":
        return cls(**{name: str(getattr(paths, name)) for name in cls.model_fields})

    def get(self) -> WarehousePaths:
        return WarehousePaths(**{name: Path(getattr(self, name)) for name in type(self).model_fields})


class BuildDatabaseResource(dg.ConfigurableResource):
    """The build DuckDB file, the only file the pipeline writes in place; its location is the
    paths resource's, so the two can never name different files.

    Every step that reads or writes the warehouse takes this resource, and Dagster sets it up once
    per run, before the first step, and tears it down after the last (the job runs in one process),
    so it is where a run takes the run lock and, holding it, cleans what interrupted runs left
    (`lib/run_lock.py`, `lib/recovery.py`) — whichever steps the run selects, however it was started;
    after the last step it also prunes dbt's per-invocation folders (`lib/dbt_target_retention.py`).
    """

    paths: WarehousePathsResource
    run_wait_seconds: float = 3600.0

    @property
    def path(self) -> Path:
        return Path(self.paths.build_db)

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator["BuildDatabaseResource"]:
        log = context.log.info if context.log is not None else (lambda _: None)
        run_id = context.run_id or "outside a run"
        with exclusive_run(self.path, run_id, self.run_wait_seconds, log):
            for line in recover(self.paths.get()):
                log(line)
            yield self
            # Again at the end, still holding the lock: a pack that a crash left complete but
            # unrecorded is removable only once this run's intake has archived its files anew.
            try:
                for line in recover(self.paths.get()):
                    log(line)
                removed = prune_dbt_target(DBT_PROJECT_DIR / "target")
                if removed:
                    log(f"Đã dọn {len(removed)} thư mục cũ của dbt / Removed {len(removed)} old dbt invocation "
                        f"folders from {DBT_PROJECT_DIR / 'target'}")
            except Exception as error:  # the run's own outcome stands; the next start retries
                if context.log is not None:
                    context.log.warning(f"Cleanup after the run failed / Dọn sau lần chạy thất bại: {error}")

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Opened per step and closed before the next, since DuckDB admits a single writer. The stage's
        work runs inside the storage boundary, so a full disk or a read-only folder met while it
        writes is reported with the file and the cause."""
        with storage_boundary(self.path), build_db_connection(self.path) as connection:
            yield connection


class ClockResource(dg.ConfigurableResource):
    """The Vietnam clock; `fixed_at` (ISO 8601 with an offset) stops it, for tests and replays."""

    fixed_at: str = ""

    @classmethod
    def from_clock(cls, clock: Clock) -> "ClockResource":
        return cls(fixed_at=clock.fixed_at.isoformat() if clock.fixed_at else "")

    def get(self) -> Clock:
        return Clock(datetime.fromisoformat(self.fixed_at) if self.fixed_at else None)

    def today(self) -> date:
        return self.get().today()


def warehouse_resources(settings: Settings) -> dict[str, object]:
    """Every resource the assets, checks, sensors and ops ask for, by parameter name."""
    paths = WarehousePathsResource.from_paths(settings.paths)
    return {
        "warehouse_paths": paths,
        "build_db": BuildDatabaseResource(paths=paths, run_wait_seconds=settings.run_wait_seconds),
        "clock": ClockResource.from_clock(settings.clock),
        "intake_limits": settings.limits,
        "settle_rule": settings.settle,
        "alert_settings": settings.alerts,
        "publication_targets": PublicationTargets(postgres=settings.postgres),
        "rebuild_policy": settings.rebuild,
    }
