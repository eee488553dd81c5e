"""Write–audit–publish: BI users only ever see a complete, checked warehouse file.

The build database is rebuilt in place on every run and may be half-written or failing checks at
any moment, so readers never open it. Publishing copies the public marts (the list that
`orchestration.lib.marts.public_marts()` reads from dbt) and nothing else of the build into a
brand-new DuckDB file in the published file's own directory and renames it over the published
path: `os.replace` is atomic on POSIX within one filesystem, so a new reader sees either the old or
the new file, never a mix, and a reader that already has the old file open keeps reading the old
inode undisturbed.

Staging and switching are separate steps (`stage_warehouse`, then `StagedWarehouse.switch`) because
the staged file is the source of every other output of the publication — CSV, Parquet, workbooks,
database targets — which `orchestration.publish.publication` writes from it before anything switches.
The file is written in DuckDB's oldest storage format (`STORAGE_VERSION`) so 1.x clients open it too.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration.lib.marts import MARTS_SCHEMA
from orchestration.lib.publication_names import (
    new_publication_id, previous_database, staged_database, staged_previous_database,
)

META_SCHEMA = "meta"


# The oldest on-disk format DuckDB can still write, found by trying it on the marts (DOUBLE, DATE,
# INTEGER, BIGINT, BOOLEAN, VARCHAR, TIMESTAMP): DuckDB 1.0 through 2.x and every 1.x driver (Node,
# JDBC in DBeaver and Metabase) read it, where 2.0's own format shuts out every 1.x client. It costs
# about a quarter more bytes than 2.0's format. A mart type the format cannot hold fails the publish
# loudly; raise the version then, never silently.
STORAGE_VERSION = "v1.0.0"


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
    storage_version: str  # oldest DuckDB storage format that can open the file, e.g. "v1.0.0+"
    publication_id: str


@dataclass(frozen=True)
class StagedWarehouse:
    """A complete, checkpointed new warehouse file beside the published one, not yet seen by readers.

    Exporters read it (read-only) before `switch` renames it over the published file; `discard`
    removes it when anything else in the publication fails."""

    path: Path
    published_db: Path
    publication_id: str
    published_at: datetime
    run_id: str | None
    row_counts: Mapping[str, int]
    duckdb_version: str
    storage_version: str
    size_bytes: int
    sha256: str

    def switch(self, keep_previous: bool = True) -> PublishResult:
        """Readers opening the published path from now on get this file; those with it open keep theirs."""
        previous_staging = staged_previous_database(self.published_db, self.publication_id)
        try:
            previous = None
            if keep_previous and self.published_db.exists():
                previous = previous_database(self.published_db)
                _link_or_copy(self.published_db, previous_staging)
                os.replace(previous_staging, previous)
            # A leftover write-ahead log belongs to the file being replaced; DuckDB would try to replay
            # it into the new one.
            Path(f"{self.published_db}.wal").unlink(missing_ok=True)
            os.replace(self.path, self.published_db)
            fsync_directory(self.published_db.parent)
        except BaseException:
            previous_staging.unlink(missing_ok=True)
            self.discard()
            raise
        return PublishResult(
            published_db=self.published_db,
            previous_db=previous,
            published_at=self.published_at,
            run_id=self.run_id,
            row_counts=self.row_counts,
            size_bytes=self.size_bytes,
            sha256=self.sha256,
            duckdb_version=self.duckdb_version,
            storage_version=self.storage_version,
            publication_id=self.publication_id,
        )

    def discard(self) -> None:
        for leftover in (self.path, Path(f"{self.path}.wal")):
            leftover.unlink(missing_ok=True)


def stage_warehouse(
    build_db: Path,
    published_db: Path,
    marts: Sequence[str],
    run_id: str | None = None,
    published_at: datetime | None = None,
    publication_id: str | None = None,
) -> StagedWarehouse:
    """Copies the tables (or views) named `marts` of the build's marts schema into a new file beside
    `published_db`; any other table stays out. On failure nothing is left behind."""
    published_db.parent.mkdir(parents=True, exist_ok=True)
    published_at = published_at or datetime.now(UTC).replace(tzinfo=None)
    publication_id = publication_id or new_publication_id(published_at)
    staging = staged_database(published_db, publication_id)
    try:
        row_counts, duckdb_version, storage_version = _write_snapshot(
            build_db, staging, marts, run_id, published_at, publication_id
        )
        _fsync(staging)
    except BaseException:
        for leftover in (staging, Path(f"{staging}.wal")):
            leftover.unlink(missing_ok=True)
        raise
    return StagedWarehouse(
        path=staging,
        published_db=published_db,
        publication_id=publication_id,
        published_at=published_at,
        run_id=run_id,
        row_counts=row_counts,
        duckdb_version=duckdb_version,
        storage_version=storage_version,
        size_bytes=staging.stat().st_size,
        sha256=sha256_of(staging),
    )


def publish_warehouse(
    build_db: Path,
    published_db: Path,
    marts: Sequence[str],
    run_id: str | None = None,
    keep_previous: bool = True,
) -> PublishResult:
    """The DuckDB file alone, staged and switched at once: what `publication.publish` does with no
    exports and no targets, kept for the DuckDB-only benchmark and the file's own tests."""
    return stage_warehouse(build_db, published_db, marts, run_id).switch(keep_previous)


def _write_snapshot(
    build_db: Path, target: Path, marts: Sequence[str], run_id: str | None, published_at: datetime,
    publication_id: str,
) -> tuple[dict[str, int], str, str]:
    connection = duckdb.connect()
    try:
        # Read-only so that publishing can never alter the build it publishes.
        connection.execute("attach ? as build (read_only)", [str(build_db)])
        connection.execute(f"attach ? as snapshot (storage_version '{STORAGE_VERSION}')", [str(target)])
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
            connection, relations, row_counts, build_db, run_id, published_at, duckdb_version, storage_version,
            publication_id,
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
    publication_id: str,
) -> None:
    """Tells BI users when this file was built, from what, and which DuckDB can open it; the
    publication id is also in every exports folder's manifest.json."""
    connection.execute(f"create schema snapshot.{META_SCHEMA}")
    connection.execute(
        f"""
        create table snapshot.{META_SCHEMA}.publication (
            published_at timestamp, run_id varchar, source_build_db varchar, table_count integer,
            total_rows bigint, duckdb_version varchar, storage_version varchar, publication_id varchar
        )"""
    )
    connection.execute(
        f"insert into snapshot.{META_SCHEMA}.publication values (?, ?, ?, ?, ?, ?, ?, ?)",
        [published_at, run_id, str(build_db), len(relations), sum(row_counts.values()), duckdb_version, storage_version,
         publication_id],
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
        "publication.publication_id": (
            "Mã lần công bố, như trong manifest.json của thư mục xuất / "
            "Publication id, as in the exports folder's manifest.json"
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


def fsync_directory(directory: Path) -> None:
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
