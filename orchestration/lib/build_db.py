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


def table_exists(connection: duckdb.DuckDBPyConnection, qualified: str) -> bool:
    """Whether `schema.table` exists in the connection's own database (not in one it attached,
    such as the published warehouse the checks compare with)."""
    schema, table = qualified.split(".")
    [(count,)] = connection.execute(
        "select count(*) from information_schema.tables where table_catalog = current_database() "
        "and table_schema = ? and table_name = ?", [schema, table]).fetchall()
    return bool(count)
