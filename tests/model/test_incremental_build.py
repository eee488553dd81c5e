"""A month arriving on its own, built incrementally, gives the warehouse a full build gives.

The demo's build database was built in full from all 24 months. A copy of it is taken back to
the state before December 2025 arrived (December's files removed from the ledger, full build),
December is put back, and dbt runs with only the periods affected_period_vars names. Every
table of the intermediate and marts schemas must then equal the full build's, row for row: a
period the widening forgot, or a delete that missed stale rows, would show up as a difference.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from orchestration.lib.settings import DBT_PROJECT_DIR
from orchestration.transform.period_vars import affected_period_vars
from tests.conftest import VENV_BIN

ARRIVING_MONTH = "202512"


def dbt_build(build_db: Path, target: Path, *arguments: str) -> None:
    completed = subprocess.run(
        [str(VENV_BIN / "dbt"), "build", "--profiles-dir", ".", "--target-path", str(target), *arguments],
        cwd=DBT_PROJECT_DIR,
        env={**os.environ, "WAREHOUSE_BUILD_DB": str(build_db)},
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stdout[-3000:]


def pipeline_tables(connection: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    """Every raw table the pipeline writes per file or per period (not the reference copies), with its columns."""
    columns: dict[str, set[str]] = {}
    for table, column in connection.execute(
        "select table_name, column_name from information_schema.columns "
        "where table_schema = 'raw' and table_name not like 'ref\\_%' escape '\\'").fetchall():
        columns.setdefault(table, set()).add(column)
    return {table: names for table, names in columns.items() if names & {"submission_id", "period_code"}}


def set_month_aside(build_db: Path) -> None:
    """Back to the day before December's files came in: the ledger, findings and registers lose
    every row about them (by file where a row names its file, by period otherwise)."""
    with duckdb.connect(str(build_db)) as connection:
        connection.execute("create schema aside")
        connection.execute("create table aside.arrived as select submission_id from raw.submissions where period_code = ?",
                           [ARRIVING_MONTH])
        for table, columns in pipeline_tables(connection).items():
            about_month = ("submission_id in (select submission_id from aside.arrived)" if "submission_id" in columns
                           else f"period_code = '{ARRIVING_MONTH}'")
            connection.execute(f"create table aside.{table} as select * from raw.{table} where {about_month}")
            connection.execute(f"delete from raw.{table} where {about_month}")


def bring_month_back(build_db: Path) -> None:
    with duckdb.connect(str(build_db)) as connection:
        for table in pipeline_tables(connection):
            connection.execute(f"insert into raw.{table} select * from aside.{table}")
        connection.execute("drop schema aside cascade")


@pytest.fixture(scope="module")
def incremental_db(demo_run, tmp_path_factory) -> Path:
    assert demo_run.result.success
    work = tmp_path_factory.mktemp("incremental")
    build_db = work / "build.duckdb"
    shutil.copyfile(demo_run.paths.build_db, build_db)
    set_month_aside(build_db)
    dbt_build(build_db, work / "target_before")
    bring_month_back(build_db)
    dbt_build(build_db, work / "target_after", "--vars", json.dumps(affected_period_vars([ARRIVING_MONTH])))
    return build_db


def test_incremental_month_equals_full_build(demo_run, incremental_db):
    connection = duckdb.connect()
    connection.execute("attach ? as full_build (read_only)", [str(demo_run.paths.build_db)])
    connection.execute("attach ? as incremental (read_only)", [str(incremental_db)])
    tables = [f"{schema}.{name}" for schema, name in connection.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = 'full_build' "
        "and schema_name in ('intermediate', 'marts') order by all").fetchall()]
    assert "marts.fct_indicator_values" in tables
    differences = {}
    for table in tables:
        (missing,) = connection.execute(
            f"select count(*) from (select * from full_build.{table} except all select * from incremental.{table})").fetchone()
        (extra,) = connection.execute(
            f"select count(*) from (select * from incremental.{table} except all select * from full_build.{table})").fetchone()
        if missing or extra:
            differences[table] = (missing, extra)
    assert differences == {}
    (december_rows,) = connection.execute(
        "select count(*) from incremental.marts.fct_indicator_values where period_code = ?", [ARRIVING_MONTH]).fetchone()
    assert december_rows > 0
