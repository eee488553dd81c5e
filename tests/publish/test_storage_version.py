"""The published file opens in DuckDB 1.x clients as well as the project's DuckDB 2.x.

The 1.x client runs in an environment of its own, made with the project's uv and cached under
.tools/ so that only the first run downloads it. If the package index cannot be reached the test
fails and says so: a skipped test here would let the 2.0-only file come back unnoticed.
"""

from __future__ import annotations

import json
import subprocess
import sys

import duckdb
import pytest

from orchestration.lib.marts import public_marts
from orchestration.lib.settings import REPO_ROOT

OLD_CLIENT = "1.4.*"
CLIENT_DIR = REPO_ROOT / ".tools" / "duckdb-clients" / OLD_CLIENT.replace("*", "x")
UV = REPO_ROOT / ".tools" / "uv" / "bin" / "uv"

# Every table as (rows, digest of its rows as text): equal digests mean equal values in both clients.
READ_EVERY_TABLE = """
import duckdb, json, sys
with duckdb.connect(sys.argv[1], read_only=True) as connection:
    tables = connection.execute("select schema_name, table_name from duckdb_tables() order by 1, 2").fetchall()
    digests = {
        f"{schema}.{name}": list(connection.execute(
            f"select count(*), md5(coalesce(string_agg(t::varchar, chr(10) order by t::varchar), '')) from {schema}.{name} t"
        ).fetchone())
        for schema, name in tables
    }
    storage = connection.execute("select storage_version from meta.publication").fetchone()[0] if "meta.publication" in digests else None
print(json.dumps({"duckdb": duckdb.__version__, "storage_version": storage, "tables": digests}))
"""


@pytest.fixture(scope="module")
def old_client() -> str:
    python = CLIENT_DIR / "bin" / "python"
    if not python.exists() or subprocess.run([str(python), "-c", "import duckdb"], capture_output=True).returncode:
        steps = [
            [str(UV), "venv", "--quiet", "--clear", str(CLIENT_DIR), "--python", "3.11"],
            [str(UV), "pip", "install", "--quiet", "--python", str(python), f"duckdb=={OLD_CLIENT}"],
        ]
        for step in steps:
            completed = subprocess.run(step, capture_output=True, text=True)
            if completed.returncode != 0:
                pytest.fail(
                    f"Could not install the DuckDB {OLD_CLIENT} client this test needs (is the package index "
                    f"reachable?): {' '.join(step)}\n{completed.stderr}",
                    pytrace=False,
                )
    return str(python)


def read_every_table(python: str, database) -> subprocess.CompletedProcess:
    return subprocess.run([python, "-c", READ_EVERY_TABLE, str(database)], capture_output=True, text=True)


def test_a_duckdb_1x_client_reads_every_mart_with_the_values_duckdb_2x_reads(demo_run, old_client):
    published = demo_run.paths.published_db
    old = read_every_table(old_client, published)
    assert old.returncode == 0, old.stderr
    old = json.loads(old.stdout)
    new = read_every_table(sys.executable, published)
    assert new.returncode == 0, new.stderr
    new = json.loads(new.stdout)

    assert old["duckdb"].startswith("1.") and new["duckdb"].startswith("2.")
    assert {f"marts.{name}" for name in public_marts()} <= set(old["tables"])
    assert old["tables"] == new["tables"]
    # Every table holds rows except fct_inbox_entries: the demo inbox has no ignored entries.
    assert all(rows > 0 for table, (rows, _) in old["tables"].items() if table != "marts.fct_inbox_entries")
    assert old["storage_version"] == new["storage_version"] == "v1.0.0+"


def test_the_1x_client_refuses_duckdb_2_storage_so_the_test_above_can_fail(tmp_path, old_client):
    """The project's DuckDB writes its own 2.0 format unless told otherwise."""
    newest = tmp_path / "newest.duckdb"
    with duckdb.connect(str(newest)) as connection:
        connection.execute("create table t as select 1 as x")
    refused = read_every_table(old_client, newest)
    assert refused.returncode != 0 and "version number" in refused.stderr
