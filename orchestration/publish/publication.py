"""A publication: stage every output from one checked build, then switch them all.

Staging writes the new DuckDB file beside the published one, then opens it read-only and has every
file exporter write into one fresh exports folder and every configured target load its staged copy,
then records the folder's `manifest.json`. Nothing a reader can see has changed yet, so any failure
while staging discards everything staged and leaves every output as it was. Only then does the
publication switch: targets first (a database transaction is what can still fail), then the DuckDB
file (`os.replace`), then the exports folder (`current` link). Readers of one output see either the
whole previous publication or the whole new one; the outputs cannot switch at the same instant, so
a reader comparing two of them during the switch may briefly see one new and one old.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.lib.settings import PostgresTarget, WarehousePaths
from orchestration.publish.exports_folder import (
    current_exports_folder,
    discard_exports_folder,
    stage_exports_folder,
    switch_exports_folder,
    write_manifest,
)
from orchestration.publish.outputs import FILE_EXPORTERS, TARGETS, FileExporter, PublishContext, StagedTarget, Target
from orchestration.publish.previous_files import FINGERPRINTS, PreviousFiles
from orchestration.publish.publisher import PublishResult, stage_warehouse


@dataclass(frozen=True)
class PublicationResult:
    warehouse: PublishResult
    exports_folder: Path
    previous_exports_folder: Path | None
    exports: Mapping[str, Mapping[str, object]]  # file exporter name -> its metadata
    targets: Mapping[str, Mapping[str, object]]  # name -> metadata, for the targets that are configured


def publish(
    paths: WarehousePaths,
    marts: Sequence[str],
    run_id: str | None = None,
    postgres: PostgresTarget | None = None,
    exporters: Sequence[FileExporter] = FILE_EXPORTERS,
    targets: Sequence[Target] = TARGETS,
    keep_previous: bool = True,
    reuse_previous: bool = True,
) -> PublicationResult:
    """Publishes the build's `marts` as the DuckDB file, the exports folder and the targets; on any
    failure before the switch, raises with every output as it was. With `reuse_previous` exporters
    link the previous publication's files whose input is unchanged instead of writing them again
    (`previous_files.py`); without, every file is written afresh."""
    staged = stage_warehouse(paths.build_db, paths.published_db, marts, run_id)
    previous = PreviousFiles.of(current_exports_folder(paths.exports_dir) if reuse_previous else None)
    context = PublishContext(tuple(marts), paths, staged.publication_id, run_id, postgres, previous)
    folder: Path | None = None
    staged_targets: dict[str, StagedTarget] = {}
    switched: set[str] = set()
    try:
        folder = stage_exports_folder(paths.exports_dir, staged.publication_id)
        with duckdb.connect(str(staged.path), read_only=True) as connection:
            exports = {exporter.name: dict(exporter.write(connection, folder, context)) for exporter in exporters}
            for target in targets:
                staged_target = target.stage(connection, context)
                if staged_target is not None:
                    staged_targets[target.name] = staged_target
        write_manifest(folder, {
            "publication_id": staged.publication_id,
            "run_id": run_id,
            "published_at_utc": staged.published_at.isoformat(),
            "duckdb_storage_version": staged.storage_version,
            "published_db_sha256": staged.sha256,
            "exports": list(exports),
            FINGERPRINTS: previous.recorded,
        }, previous.known_checksums)
        # One at a time; a database that switched keeps the new publication even if a later one
        # fails (its previous copy, e.g. PostgreSQL's marts_previous, is the way back).
        for name, staged_target in staged_targets.items():
            staged_target.switch()
            switched.add(name)
    except BaseException:
        for name, staged_target in staged_targets.items():
            if name not in switched:
                staged_target.discard()
        if folder is not None:
            discard_exports_folder(folder)
        staged.discard()
        raise
    warehouse = staged.switch(keep_previous)
    previous_folder = switch_exports_folder(paths.exports_dir, folder)
    return PublicationResult(
        warehouse=warehouse,
        exports_folder=folder,
        previous_exports_folder=previous_folder,
        exports=exports,
        targets={name: dict(staged_target.metadata) for name, staged_target in staged_targets.items()},
    )
