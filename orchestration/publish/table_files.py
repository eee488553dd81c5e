"""Every public mart as a Parquet file and as a CSV file that Excel opens with Vietnamese intact.

Parquet keeps the types (dates stay dates, counts stay integers) and carries the dbt documentation
as key-value metadata: `description` for the table and `description:<column>` for each documented
column, since Parquet has no per-column comment DuckDB can write; `publication_id`, `run_id` and
`published_at` say which publication the file belongs to. CSV is for spreadsheets: UTF-8 with a
byte-order mark, which is how Excel on Windows tells UTF-8 from the ANSI code page (without it,
"Quảng Ninh" shows as "Quáº£ng Ninh"), comma-separated with a header row, ISO dates, NULL as an empty
field. Both are written by DuckDB's COPY from the staged published file, never from the build.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import duckdb

from orchestration.lib.dbt_manifest import dbt_models
from orchestration.lib.marts import MARTS_SCHEMA
from orchestration.publish.publisher import META_SCHEMA

UTF8_BOM = b"\xef\xbb\xbf"


def write_table_files(connection: duckdb.DuckDBPyConnection, folder: Path, marts: Sequence[str]) -> dict:
    """folder/parquet/<mart>.parquet and folder/csv/<mart>.csv for each of `marts`, read through
    `connection` (the staged published file). Returns Dagster metadata: folders, file and row counts."""
    parquet_dir, csv_dir = folder / "parquet", folder / "csv"
    parquet_dir.mkdir(parents=True)
    csv_dir.mkdir()
    publication = _publication_keys(connection)
    models = dbt_models()
    metadata: dict[str, object] = {"parquet_dir": str(parquet_dir), "csv_dir": str(csv_dir), "tables": len(marts)}
    total_bytes = 0
    for mart in marts:
        relation = f"{MARTS_SCHEMA}.{_quote(mart)}"
        model = models.get(mart)
        descriptions = {} if model is None else {
            "description": model.description,
            **{f"description:{column}": text for column, text in model.column_descriptions.items()},
        }
        parquet = parquet_dir / f"{mart}.parquet"
        connection.execute(
            f"copy (select * from {relation}) to {_literal(parquet)} (format parquet, kv_metadata ?)",
            [{**publication, **{key: text for key, text in descriptions.items() if text}}],
        )
        csv = csv_dir / f"{mart}.csv"
        _write_csv_with_bom(connection, relation, csv)
        metadata[f"rows/{mart}"] = connection.execute(f"select count(*) from {relation}").fetchone()[0]
        total_bytes += parquet.stat().st_size + csv.stat().st_size
    metadata["bytes"] = total_bytes
    return metadata


def _write_csv_with_bom(connection: duckdb.DuckDBPyConnection, relation: str, target: Path) -> None:
    """DuckDB's CSV writer has no byte-order mark option: write the CSV beside the target, then
    copy it behind the mark."""
    unmarked = target.with_name(f".{target.name}.tmp")
    try:
        connection.execute(f"copy (select * from {relation}) to {_literal(unmarked)} (format csv, header)")
        with open(target, "wb") as output, open(unmarked, "rb") as body:
            output.write(UTF8_BOM)
            shutil.copyfileobj(body, output, 1 << 20)
    finally:
        unmarked.unlink(missing_ok=True)


def _publication_keys(connection: duckdb.DuckDBPyConnection) -> dict[str, str]:
    publication_id, run_id, published_at = connection.execute(
        f"select publication_id, run_id, published_at from {META_SCHEMA}.publication"
    ).fetchone()
    return {"publication_id": publication_id, "run_id": run_id or "", "published_at": published_at.isoformat()}


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(path: Path) -> str:
    """COPY takes its target as a literal, not a parameter."""
    return "'" + str(path).replace("'", "''") + "'"
