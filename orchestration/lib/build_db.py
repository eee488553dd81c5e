"""Connections to the build database, the only file the pipeline ever writes to in place."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from orchestration.lib.storage_errors import storage_boundary


@contextmanager
def build_db_connection(build_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Opened per step and closed before the next one, because DuckDB admits a single writer
    process and dbt (a subprocess) and the read-only quality checks come after us."""
    # A missing folder we cannot create, a read-only disk or another process's lock is told with the
    # file and the holder's PID, not as DuckDB's bare IO Error.
    with storage_boundary(build_db):
        build_db.parent.mkdir(parents=True, exist_ok=True)
        connection = duckdb.connect(str(build_db))
    try:
        yield connection
    finally:
        connection.close()
