"""Write–audit–publish: BI users only ever see a complete, checked warehouse file.

The build database is rebuilt in place on every run and may be half-written or failing checks at
any moment, so readers never open it. Publishing copies the public marts (the list that
`orchestration.lib.marts.public_marts()` reads from dbt) and nothing else of the build into a
brand-new DuckDB file in the published file's own directory and renames it over the published
path: `os.replace` is atomic on POSIX within one filesystem, so a new reader sees either the old or
the new file, never a mix, and a reader that already has the old file open keeps reading the old
inode undisturbed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration.lib.marts import MARTS_SCHEMA

META_SCHEMA = "meta"


class PublishError(RuntimeError):
    """The build cannot be published as asked; the published file was left untouched."""


@dataclass(frozen=True)
class PublishResult:
    published_db: Path
    previous_db: Path | None  # the file readers saw before, kept for rollback
    published_at: datetime
    run_id: str | None
    row_counts: Mapping[str, int]  # "schema.table" -> rows
    size_bytes: int
    sha256: str
    duckdb_version: str
    storage_version: str  # oldest DuckDB storage format that can open the file, e.g. "v2.0.0+"


def publish_warehouse(
    build_db: Path,
    published_db: Path,
    marts: Sequence[str],
    run_id: str | None = None,
    keep_previous: bool = True,
) -> PublishResult:
    """Copies the tables (or views) named `marts` of the build's marts schema into a new file and
    swaps it in; any other table stays out. On any failure nothing changes."""
    published_db.parent.mkdir(parents=True, exist_ok=True)
    token = uuid.uuid4().hex
    staging = published_db.with_name(f".{published_db.name}.{token}.tmp")
    previous_staging = published_db.with_name(f".{published_db.stem}.previous.{token}.tmp")
    published_at = datetime.now(UTC).replace(tzinfo=None)
    try:
        row_counts, duckdb_version, storage_version = _write_snapshot(
            build_db, staging, marts, run_id, published_at
        )
        _fsync(staging)
        size_bytes = staging.stat().st_size
        checksum = sha256_of(staging)
        previous = None
        if keep_previous and published_db.exists():
            previous = published_db.with_name(f"{published_db.stem}.previous{published_db.suffix}")
            _link_or_copy(published_db, previous_staging)
            os.replace(previous_staging, previous)
        # A leftover write-ahead log belongs to the file being replaced; DuckDB would try to replay
        # it into the new one.
        Path(f"{published_db}.wal").unlink(missing_ok=True)
        os.replace(staging, published_db)
        _fsync_directory(published_db.parent)
    except BaseException:
        for leftover in (staging, Path(f"{staging}.wal"), previous_staging):
            leftover.unlink(missing_ok=True)
        raise
    return PublishResult(
        published_db=published_db,
        previous_db=previous,
        published_at=published_at,
        run_id=run_id,
        row_counts=row_counts,
        size_bytes=size_bytes,
        sha256=checksum,
        duckdb_version=duckdb_version,
        storage_version=storage_version,
    )


def _write_snapshot(
    build_db: Path, target: Path, marts: Sequence[str], run_id: str | None, published_at: datetime
) -> tuple[dict[str, int], str, str]:
    connection = duckdb.connect()
    try:
        # Read-only so that publishing can never alter the build it publishes.
        connection.execute("attach ? as build (read_only)", [str(build_db)])
        connection.execute("attach ? as snapshot", [str(target)])
        relations = _relations(connection, marts)
        missing = sorted(set(marts) - {name for _, name, _ in relations})
        if missing:
            raise PublishError(
                f"Kho dựng {build_db} thiếu bảng {', '.join(missing)} / "
                f"build database {build_db} has no table(s) {', '.join(missing)} in schema {MARTS_SCHEMA}"
            )
        row_counts = _copy_relations(connection, relations)
        duckdb_version = connection.execute("select library_version from pragma_version()").fetchone()[0]
        storage_version = connection.execute(
            "select tags['storage_version'] from duckdb_databases() where database_name = 'snapshot'"
        ).fetchone()[0]
        _write_publication_record(
            connection, relations, row_counts, build_db, run_id, published_at, duckdb_version, storage_version
        )
        connection.execute("checkpoint snapshot")
        connection.execute("detach snapshot")
    finally:
        connection.close()
    return row_counts, duckdb_version, storage_version


def _relations(connection: duckdb.DuckDBPyConnection, marts: Sequence[str]) -> list[tuple[str, str, str]]:
    return connection.execute(
        """
        select schema_name, table_name, 'table' from duckdb_tables()
        where database_name = 'build' and schema_name = $schema and list_contains($names, table_name)
        union all
        select schema_name, view_name, 'view' from duckdb_views()
        where database_name = 'build' and not internal and schema_name = $schema and list_contains($names, view_name)
        order by 1, 2
        """,
        {"schema": MARTS_SCHEMA, "names": list(marts)},
    ).fetchall()


def _copy_relations(connection: duckdb.DuckDBPyConnection, relations: list[tuple[str, str, str]]) -> dict[str, int]:
    """Views are materialised as tables: their SQL names the build database, which readers lack."""
    for schema in sorted({schema for schema, _, _ in relations}):
        connection.execute(f"create schema snapshot.{_quote(schema)}")
    row_counts = {}
    for schema, name, _ in relations:
        qualified = f"{_quote(schema)}.{_quote(name)}"
        connection.execute(f"create table snapshot.{qualified} as select * from build.{qualified}")
        row_counts[f"{schema}.{name}"] = connection.execute(f"select count(*) from snapshot.{qualified}").fetchone()[0]
    return row_counts


def _write_publication_record(
    connection: duckdb.DuckDBPyConnection,
    relations: list[tuple[str, str, str]],
    row_counts: Mapping[str, int],
    build_db: Path,
    run_id: str | None,
    published_at: datetime,
    duckdb_version: str,
    storage_version: str,
) -> None:
    """Tells BI users when this file was built, from what, and which DuckDB can open it."""
    connection.execute(f"create schema snapshot.{META_SCHEMA}")
    connection.execute(
        f"""
        create table snapshot.{META_SCHEMA}.publication (
            published_at timestamp, run_id varchar, source_build_db varchar, table_count integer,
            total_rows bigint, duckdb_version varchar, storage_version varchar
        )"""
    )
    connection.execute(
        f"insert into snapshot.{META_SCHEMA}.publication values (?, ?, ?, ?, ?, ?, ?)",
        [published_at, run_id, str(build_db), len(relations), sum(row_counts.values()), duckdb_version, storage_version],
    )
    connection.execute(
        f"""
        create table snapshot.{META_SCHEMA}.published_tables (
            schema_name varchar, table_name varchar, source_kind varchar, row_count bigint
        )"""
    )
    connection.executemany(
        f"insert into snapshot.{META_SCHEMA}.published_tables values (?, ?, ?, ?)",
        [[schema, name, kind, row_counts[f"{schema}.{name}"]] for schema, name, kind in relations],
    )
    comments = {
        "publication": "Lần công bố kho dữ liệu này / This warehouse publication",
        "publication.published_at": "Thời điểm công bố (UTC) / Published at (UTC)",
        "publication.storage_version": (
            "Cần DuckDB từ phiên bản này trở lên để mở tệp / Opening this file needs DuckDB at this version or newer"
        ),
        "published_tables": "Số dòng từng bảng khi công bố / Row count of each published table",
    }
    for target, text in comments.items():
        kind = "column" if "." in target else "table"
        escaped = text.replace("'", "''")
        connection.execute(f"comment on {kind} snapshot.{META_SCHEMA}.{target} is '{escaped}'")


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _link_or_copy(source: Path, target: Path) -> None:
    """A hard link costs nothing; some network shares refuse them, so copy there instead."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _fsync_directory(directory: Path) -> None:
    """The rename itself lives in the directory entry; without this a power cut may undo it."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
