"""What one publication produces besides the DuckDB file: the file exporters and the targets, in order.

This is the one list. `publication.publish` runs every entry against the staged published file, and
`assets.py` makes one Dagster asset of each (`published_exports/<name>`, `published_targets/<name>`),
so adding an output is adding one line here.

A file exporter writes into the publication's fresh exports folder through a read-only connection to
the staged file and returns its Dagster metadata (plain str/int/float values). A target (a database
server) loads a staged copy of the marts that its readers do not see yet and returns an object with
`switch()`, `discard()` and `metadata`, or None when it is not configured.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import duckdb

from orchestration.lib.settings import PostgresTarget, WarehousePaths
from orchestration.publish.consolidated_workbook import write_consolidated_workbooks
from orchestration.publish.dhis2_export import write_dhis2_exports
from orchestration.publish.dhis2_mapping import DHIS2_MAPPING_FILE
from orchestration.publish.postgres_target import stage_postgres
from orchestration.publish.previous_files import PreviousFiles
from orchestration.publish.table_files import write_table_files


@dataclass(frozen=True)
class PublishContext:
    """What an exporter or target may need besides the connection and the folder."""

    marts: tuple[str, ...]
    paths: WarehousePaths
    publication_id: str
    run_id: str | None
    postgres: PostgresTarget | None = field(default=None, repr=False)  # its URL holds a password
    # The previous publication's files an exporter may re-use where its input is unchanged; empty
    # when there is none or re-use is off.
    previous: PreviousFiles = field(default_factory=PreviousFiles)


class StagedTarget(Protocol):
    @property
    def metadata(self) -> Mapping[str, object]: ...

    def switch(self) -> None: ...

    def discard(self) -> None: ...


@dataclass(frozen=True)
class FileExporter:
    name: str  # Dagster asset published_exports/<name>
    description: str
    kinds: frozenset[str]
    write: Callable[[duckdb.DuckDBPyConnection, Path, PublishContext], Mapping[str, object]]


@dataclass(frozen=True)
class Target:
    name: str  # Dagster asset published_targets/<name>
    description: str
    kinds: frozenset[str]
    stage: Callable[[duckdb.DuckDBPyConnection, PublishContext], StagedTarget | None]


FILE_EXPORTERS: tuple[FileExporter, ...] = (
    FileExporter(
        "table_files",
        "Mỗi bảng công bố dạng Parquet và CSV (UTF-8 có BOM cho Excel) / "
        "Every public mart as Parquet and as CSV (UTF-8 with a byte-order mark, for Excel)",
        frozenset({"parquet", "csv"}),
        lambda connection, folder, context: write_table_files(connection, folder, context.marts),
    ),
    FileExporter(
        "consolidated_workbooks",
        "Báo cáo tổng hợp của tỉnh (tháng, quý, năm gần nhất) dạng Excel để in và gửi lên trên / "
        "The province's consolidated report (latest month, quarter and year) as a print-ready Excel workbook",
        frozenset({"excel"}),
        lambda connection, folder, context: write_consolidated_workbooks(connection, folder, context.previous),
    ),
    FileExporter(
        "dhis2",
        "Giá trị đơn vị báo cáo theo định dạng DHIS2 dataValueSets (JSON, CSV) / "
        "Unit-reported values as DHIS2 dataValueSets (JSON and CSV), per period",
        frozenset({"json", "csv"}),
        lambda connection, folder, context: write_dhis2_exports(
            connection, folder, context.paths.reference_dir / DHIS2_MAPPING_FILE, context.previous
        ),
    ),
)

TARGETS: tuple[Target, ...] = (
    Target(
        "postgres",
        "Các bảng công bố trong PostgreSQL, schema marts (WAREHOUSE_POSTGRES_URL) / "
        "The public marts in PostgreSQL, schema marts (WAREHOUSE_POSTGRES_URL)",
        frozenset({"postgres"}),
        lambda connection, context: (
            stage_postgres(context.postgres.url, connection, context.marts) if context.postgres else None
        ),
    ),
)
