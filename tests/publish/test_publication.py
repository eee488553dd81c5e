"""Stage everything, then switch everything: on real files, with exporters and targets of the test's own."""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest

from orchestration.publish.exports_folder import CURRENT, MANIFEST, current_exports_folder
from orchestration.publish.outputs import FILE_EXPORTERS, FileExporter, Target
from orchestration.publish.publication import publish
from orchestration.publish.publisher import sha256_of
from tests.publish.table_file_checks import folder_state
from tests.quality.warehouse_fakes import good_marts, write_marts

PUBLIC = tuple(good_marts())


@dataclass
class FakeTarget:
    """Stands in for a database server; records what the publication asked of it."""

    log: list[str]
    publication_id: str
    metadata: dict = field(default_factory=dict)

    def switch(self) -> None:
        self.log.append(f"switch {self.publication_id}")

    def discard(self) -> None:
        self.log.append(f"discard {self.publication_id}")


def fake_target(log: list[str]) -> Target:
    def stage(connection, context):
        rows = connection.execute("select count(*) from marts.dim_org_units").fetchone()[0]
        log.append(f"stage {context.publication_id}")
        return FakeTarget(log, context.publication_id, {"rows/dim_org_units": rows})

    return Target("fake_db", "a fake server", frozenset(), stage)


def failing_exporter(connection, folder: Path, context):
    (folder / "half_written.csv").write_text("a,b\n", encoding="utf-8")
    raise RuntimeError("the disk is full")


FAILING = FileExporter("failing", "fails half-way", frozenset(), failing_exporter)


def everything_under(root: Path) -> dict[str, str]:
    return folder_state(root)


def test_a_publication_switches_the_file_the_folder_and_the_targets_together(warehouse_paths):
    write_marts(warehouse_paths.build_db, good_marts())
    log: list[str] = []

    result = publish(warehouse_paths, PUBLIC, run_id="run-1", targets=[fake_target(log)])

    publication_id = result.warehouse.publication_id
    assert log == [f"stage {publication_id}", f"switch {publication_id}"]
    assert result.targets == {"fake_db": {"rows/dim_org_units": 3}}
    assert os.readlink(warehouse_paths.exports_dir / CURRENT) == publication_id, "a relative link"
    assert current_exports_folder(warehouse_paths.exports_dir) == result.exports_folder
    manifest = json.loads((result.exports_folder / MANIFEST).read_text(encoding="utf-8"))
    assert (manifest["publication_id"], manifest["run_id"]) == (publication_id, "run-1")
    assert manifest["duckdb_storage_version"] == "v1.0.0+"
    assert manifest["published_db_sha256"] == sha256_of(warehouse_paths.published_db)
    files = {path.relative_to(result.exports_folder).as_posix() for path in result.exports_folder.rglob("*") if path.is_file()}
    assert set(manifest["files"]) == files - {MANIFEST}
    assert all(sha256_of(result.exports_folder / name) == entry["sha256"] for name, entry in manifest["files"].items())
    with duckdb.connect(str(warehouse_paths.published_db), read_only=True) as connection:
        assert connection.execute("select publication_id from meta.publication").fetchone()[0] == publication_id


@pytest.mark.parametrize("failure", ["exporter", "target staging", "target switch"])
def test_a_failure_while_staging_changes_no_output_and_leaves_nothing_behind(warehouse_paths, failure):
    write_marts(warehouse_paths.build_db, good_marts())
    publish(warehouse_paths, PUBLIC, run_id="run-1")
    before = everything_under(warehouse_paths.published_db.parent)
    log: list[str] = []
    exporters, targets = list(FILE_EXPORTERS), [fake_target(log)]
    if failure == "exporter":
        exporters.append(FAILING)
    elif failure == "target staging":
        targets.append(Target("broken_db", "refuses", frozenset(), lambda connection, context: 1 / 0))
    else:
        class RefusesSwitch(FakeTarget):
            def switch(self) -> None:
                raise ConnectionError("server went away")

        targets.insert(0, Target("broken_db", "drops", frozenset(),
                                 lambda connection, context: RefusesSwitch(log, "broken")))
    write_marts(warehouse_paths.build_db, {"dim_org_units": good_marts()["dim_org_units"].iloc[:1]})

    with pytest.raises((RuntimeError, ZeroDivisionError, ConnectionError)):
        publish(warehouse_paths, PUBLIC, run_id="run-2", exporters=exporters, targets=targets)

    assert everything_under(warehouse_paths.published_db.parent) == before
    staged = {line.split()[1] for line in log if line.startswith("stage")}
    assert staged <= {line.split()[1] for line in log if line.startswith("discard")}, "staged targets are dropped"
    assert not any(line.startswith("switch") for line in log)
    assert staged or failure == "exporter", "targets stage after the exporters"


def test_the_previous_publication_is_kept_and_older_ones_pruned(warehouse_paths):
    write_marts(warehouse_paths.build_db, good_marts())
    folders = [publish(warehouse_paths, PUBLIC, run_id=f"run-{n}").exports_folder for n in range(3)]
    stray = warehouse_paths.exports_dir / "ghi_chu_cua_can_bo.txt"  # not ours: never pruned
    stray.write_text("giữ lại", encoding="utf-8")

    result = publish(warehouse_paths, PUBLIC, run_id="run-3")

    assert result.previous_exports_folder == folders[-1]
    assert sorted(p.name for p in warehouse_paths.exports_dir.iterdir()) == sorted(
        [CURRENT, folders[-1].name, result.exports_folder.name, stray.name]
    )


def test_a_reader_never_sees_files_of_two_publications(warehouse_paths):
    """One thread publishes again and again; another resolves `current` once per read and checks that
    every file it reads belongs to the publication the folder's manifest names."""
    write_marts(warehouse_paths.build_db, good_marts())
    publish(warehouse_paths, PUBLIC)
    done = threading.Event()
    errors: list[BaseException] = []

    def publisher():
        try:
            for number in range(12):
                frames = good_marts()
                write_marts(warehouse_paths.build_db, {"dim_org_units": frames["dim_org_units"].iloc[: 1 + number % 3]})
                publish(warehouse_paths, PUBLIC, run_id=f"run-{number}")
        except BaseException as error:
            errors.append(error)
        finally:
            done.set()

    thread = threading.Thread(target=publisher)
    thread.start()
    consistent, pruned_while_reading, seen = 0, 0, set()
    reader = duckdb.connect()
    try:
        while not done.is_set() or consistent == 0:
            folder = current_exports_folder(warehouse_paths.exports_dir)
            try:
                manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
                for name, entry in manifest["files"].items():
                    assert sha256_of(folder / name) == entry["sha256"], f"{name} is not the manifest's file"
                    if name.endswith(".parquet"):
                        [(kv_id,)] = reader.execute(
                            "select value from parquet_kv_metadata(?) where key = 'publication_id'", [str(folder / name)]
                        ).fetchall()
                        assert kv_id.decode() == manifest["publication_id"] == folder.name
            except (FileNotFoundError, duckdb.IOException):
                # Two switches during one read prune the folder this reader resolved; it starts again.
                assert not folder.exists(), "a file went missing from a folder still kept"
                pruned_while_reading += 1
                continue
            consistent += 1
            seen.add(manifest["publication_id"])
    finally:
        reader.close()
        thread.join()
    assert errors == []
    assert len(seen) >= 3, f"the reader must have read several publications, saw {len(seen)}"
    assert consistent > pruned_while_reading
