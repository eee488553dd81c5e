"""Reading the exported table files back, typed, and comparing them with the published DuckDB file."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

from orchestration.publish.table_files import UTF8_BOM


def read_csv_sql(connection: duckdb.DuckDBPyConnection, mart: str, path: Path) -> str:
    """The CSV read with the mart's own column types, nothing sniffed: a value written differently
    from the DuckDB file's would fail to parse or compare unequal."""
    columns = connection.execute(
        "select column_name, data_type from duckdb_columns() where schema_name = 'marts' and table_name = ?"
        " order by column_index",
        [mart],
    ).fetchall()
    spec = ", ".join(f"'{name}': '{kind}'" for name, kind in columns)
    return (
        f"read_csv('{path}', header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"',"
        f" allow_quoted_nulls = false, columns = {{{spec}}})"
    )


def differing_rows(connection: duckdb.DuckDBPyConnection, mart: str, source_sql: str) -> int:
    """Rows in one and not the other, counting duplicates: 0 means the same multiset of rows."""
    return connection.execute(
        f"select count(*) from ((select * from marts.{mart} except all select * from {source_sql})"
        f" union all (select * from {source_sql} except all select * from marts.{mart}))"
    ).fetchone()[0]


def assert_table_files_match(published_db: Path, folder: Path, marts) -> None:
    with duckdb.connect(str(published_db), read_only=True) as connection:
        for mart in marts:
            parquet, csv = folder / "parquet" / f"{mart}.parquet", folder / "csv" / f"{mart}.csv"
            assert csv.read_bytes().startswith(UTF8_BOM), f"{csv} has no byte-order mark"
            rows = connection.execute(f"select count(*) from marts.{mart}").fetchone()[0]
            parquet_sql, csv_sql = f"read_parquet('{parquet}')", read_csv_sql(connection, mart, csv)
            published_types = connection.execute(f"select * from marts.{mart} limit 0").description
            parquet_types = connection.execute(f"select * from {parquet_sql} limit 0").description
            assert [(c[0], c[1]) for c in parquet_types] == [(c[0], c[1]) for c in published_types], mart
            for source in (parquet_sql, csv_sql):
                assert connection.execute(f"select count(*) from {source}").fetchone()[0] == rows, (mart, source)
                assert differing_rows(connection, mart, source) == 0, (mart, source)


def folder_state(root: Path) -> dict[str, str]:
    """Every entry under root: a file's checksum, a link's target. Equal states = nothing changed."""
    if not root.exists():
        return {}
    state = {}
    for path in sorted(root.rglob("*")):
        name = path.relative_to(root).as_posix()
        if path.is_symlink():
            state[name] = f"-> {path.readlink()}"
        elif path.is_file():
            state[name] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            state[name] = "dir"
    return state
