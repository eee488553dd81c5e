"""Write–audit–publish on real DuckDB files: atomic swap, untouched on failure, nothing left behind."""

from __future__ import annotations

import subprocess
import sys

import duckdb
import pytest

from orchestration.publish.publisher import PublishError, publish_warehouse, sha256_of
from tests.quality.warehouse_fakes import good_marts, write_marts

PUBLIC = tuple(good_marts())


def count_in_new_process(database, table: str) -> int:
    """A separate process, as a BI tool would be: DuckDB shares one open database per path within a
    process, so a second connection in this process would see whatever the first one sees."""
    script = (
        "import duckdb, sys\n"
        "with duckdb.connect(sys.argv[1], read_only=True) as c:\n"
        "    print(c.execute(f'select count(*) from {sys.argv[2]}').fetchone()[0])\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script, str(database), table], capture_output=True, text=True, check=True
    )
    return int(completed.stdout)


def directory_listing(path) -> list[str]:
    return sorted(entry.name for entry in path.iterdir())


def test_published_file_holds_only_the_listed_marts_and_the_publication_record(warehouse_paths):
    """The build's `raw` schema and its internal marts table (warehouse_fakes) stay out; a listed view
    is materialised."""
    write_marts(warehouse_paths.build_db, good_marts())
    with duckdb.connect(str(warehouse_paths.build_db)) as connection:
        connection.execute("create view marts.v_month_values as select * from marts.fct_indicator_values where period_type = 'month'")

    result = publish_warehouse(
        warehouse_paths.build_db, warehouse_paths.published_db, (*PUBLIC, "v_month_values"), run_id="run-1"
    )

    expected_tables = {f"marts.{name}" for name in good_marts()} | {"marts.v_month_values"}
    assert set(result.row_counts) == expected_tables
    assert result.row_counts["marts.v_month_values"] == (good_marts()["fct_indicator_values"].period_type == "month").sum()
    assert result.sha256 == sha256_of(warehouse_paths.published_db)
    assert result.size_bytes == warehouse_paths.published_db.stat().st_size
    assert result.previous_db is None
    assert directory_listing(warehouse_paths.published_db.parent) == ["published.duckdb"]
    with duckdb.connect(str(warehouse_paths.published_db), read_only=True) as connection:
        tables = {
            f"{schema}.{name}": kind
            for schema, name, kind in connection.execute(
                "select table_schema, table_name, table_type from information_schema.tables"
            ).fetchall()
        }
        assert tables == {
            **{name: "BASE TABLE" for name in expected_tables},
            "meta.publication": "BASE TABLE",
            "meta.published_tables": "BASE TABLE",
        }
        run_id, source, table_count, total_rows, library, storage = connection.execute(
            "select run_id, source_build_db, table_count, total_rows, duckdb_version, storage_version from meta.publication"
        ).fetchone()
        published_rows = dict(
            connection.execute("select schema_name || '.' || table_name, row_count from meta.published_tables").fetchall()
        )
    assert (run_id, source, table_count) == ("run-1", str(warehouse_paths.build_db), len(expected_tables))
    assert total_rows == sum(result.row_counts.values())
    assert published_rows == result.row_counts
    assert (library, storage) == (f"v{duckdb.__version__}", result.storage_version)
    assert storage.startswith("v")


def test_open_readers_keep_the_old_warehouse_and_new_readers_get_the_new_one(warehouse_paths):
    frames = good_marts()
    write_marts(warehouse_paths.build_db, frames)
    first = publish_warehouse(warehouse_paths.build_db, warehouse_paths.published_db, PUBLIC)
    reader = duckdb.connect(str(warehouse_paths.published_db), read_only=True)
    try:
        write_marts(warehouse_paths.build_db, {"dim_org_units": frames["dim_org_units"].iloc[:1]})

        second = publish_warehouse(warehouse_paths.build_db, warehouse_paths.published_db, PUBLIC)

        assert reader.execute("select count(*) from marts.dim_org_units").fetchone()[0] == 3
        assert count_in_new_process(warehouse_paths.published_db, "marts.dim_org_units") == 1
    finally:
        reader.close()
    assert second.previous_db == warehouse_paths.published_db.with_name("published.previous.duckdb")
    assert sha256_of(second.previous_db) == first.sha256
    assert directory_listing(warehouse_paths.published_db.parent) == ["published.duckdb", "published.previous.duckdb"]


@pytest.mark.parametrize(
    ("broken_build", "error"),
    [
        ("without the marts schema", PublishError),
        ("missing altogether", duckdb.IOException),
    ],
)
def test_failed_publication_leaves_the_published_file_byte_identical(warehouse_paths, tmp_path, broken_build, error):
    write_marts(warehouse_paths.build_db, good_marts())
    first = publish_warehouse(warehouse_paths.build_db, warehouse_paths.published_db, PUBLIC, keep_previous=False)
    listing_before = directory_listing(warehouse_paths.published_db.parent)

    other_build = tmp_path / "other" / "build.duckdb"
    if broken_build == "without the marts schema":
        other_build.parent.mkdir()
        with duckdb.connect(str(other_build)) as connection:
            connection.execute("create schema raw; create table raw.submissions as select 1 as submission_id")

    with pytest.raises(error):
        publish_warehouse(other_build, warehouse_paths.published_db, PUBLIC)

    assert sha256_of(warehouse_paths.published_db) == first.sha256
    assert directory_listing(warehouse_paths.published_db.parent) == listing_before


def test_a_missing_mart_is_named_in_both_languages(warehouse_paths):
    write_marts(warehouse_paths.build_db, good_marts())
    with pytest.raises(PublishError, match=r"thiếu bảng fct_targets.*no table\(s\) fct_targets in schema marts"):
        publish_warehouse(warehouse_paths.build_db, warehouse_paths.published_db, (*PUBLIC, "fct_targets"))
    assert directory_listing(warehouse_paths.published_db.parent) == []


def test_a_stale_write_ahead_log_of_the_old_file_is_not_replayed_into_the_new_one(warehouse_paths):
    write_marts(warehouse_paths.build_db, good_marts())
    publish_warehouse(warehouse_paths.build_db, warehouse_paths.published_db, PUBLIC, keep_previous=False)
    stale_wal = warehouse_paths.published_db.with_name("published.duckdb.wal")
    stale_wal.write_bytes(b"left behind by a crashed read-write session")

    publish_warehouse(warehouse_paths.build_db, warehouse_paths.published_db, PUBLIC, keep_previous=False)

    assert not stale_wal.exists()
    assert count_in_new_process(warehouse_paths.published_db, "marts.dim_periods") == 5
