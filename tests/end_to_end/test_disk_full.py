"""A full disk, on real runs of the job with the warehouse folder on a small tmpfs.

The first run publishes two months of the demo province. One new report arrives and a disk is
filled twice over: the warehouse's, leaving a few hundred kilobytes, then the published file's own
(a second small tmpfs, as when the published warehouse sits on a volume of its own), leaving
intake and dbt all they need but not the publication. Each of those runs must fail as a Dagster step failure
(nothing escapes it, nothing hangs), each failed step must say that the disk is full, naming the
file, in Vietnamese and English, and the published file and exports must be byte for byte the
first run's. Once the space is freed, the run after it succeeds on its own and leaves nothing
staged behind.

Mounting needs root; elsewhere the test is skipped, saying so.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from orchestration.demo.generator import generate_demo_province
from orchestration.lib.recovery import archive_leftovers, exports_leftovers, publication_leftovers
from orchestration.lib.reference import load_registry
from tests.conftest import isolated_settings, run_warehouse_job
from tests.publish.table_file_checks import folder_state

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(900),  # five runs, two of them whole: longer than the suite's 600 s default
    pytest.mark.skipif(os.geteuid() != 0, reason="mounting the small tmpfs the warehouse runs on needs root"),
]

# Two months of the demo take about 17 MB (build DB 11, published file 5, exports 1); publishing
# stages a second copy of the file and keeps the previous one, so 64 MB leaves room for the first run.
TMPFS_SIZE = "64m"
# Space the filler leaves on which disk, and the step that then runs out: 300 KB of the warehouse's
# disk is too little for intake's archive pack (nothing recorded, so the next run takes the file in
# again); 1 MB of the published file's disk is too little for its staged copy (about 5 MB). The
# build database's own need depends on how much a run rebuilds, so it is never the one squeezed
# for the publication case.
FILLS = (("warehouse", 300 * 1024, "inbox_submissions"), ("published", 1_000_000, "publication"))
# dbt reports its own I/O errors, in English, naming the file; the other steps raise `StorageError`.
DBT_STEPS = {"dbt_rule_inputs", "warehouse_models"}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _mounted_tmpfs(mount_point: Path) -> Iterator[Path]:
    mount_point.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={TMPFS_SIZE}", "tmpfs", str(mount_point)], check=True)
    try:
        yield mount_point
    finally:
        if subprocess.run(["umount", str(mount_point)]).returncode != 0:
            # Busy (a file left open by a failed step): detach now, freed when the last handle closes.
            subprocess.run(["umount", "-l", str(mount_point)], check=True)


@pytest.fixture
def small_disk(tmp_path) -> Iterator[Path]:
    yield from _mounted_tmpfs(tmp_path / "warehouse")


@pytest.fixture
def published_disk(tmp_path) -> Iterator[Path]:
    yield from _mounted_tmpfs(tmp_path / "published")


def fill(disk: Path, leave: int) -> Path:
    """One file taking all the free space but `leave` bytes."""
    filler = disk / "filler"
    stats = os.statvfs(disk)
    free = stats.f_bavail * stats.f_frsize
    with open(filler, "wb") as handle:
        os.posix_fallocate(handle.fileno(), 0, free - leave)
    stats = os.statvfs(disk)
    assert stats.f_bavail * stats.f_frsize <= leave + 64 * 1024
    return filler


def failure_messages(result: dg.ExecuteInProcessResult) -> dict[str, str]:
    """Each failed step's error, with the errors it was raised from."""
    messages = {}
    for event in result.get_step_failure_events():
        error, texts = event.step_failure_data.error, []
        while error is not None:
            texts.append(error.message)
            error = error.cause
        messages[event.step_key] = "\n".join(texts)
    return messages


def test_a_full_disk_fails_the_run_truthfully_and_keeps_the_publication(small_disk, published_disk, tmp_path):
    inbox, arrivals = tmp_path / "inbox", tmp_path / "arrivals"
    settings = isolated_settings(small_disk, WAREHOUSE_INBOX_DIR=str(inbox),
                                 WAREHOUSE_PUBLISHED_DB=str(published_disk / "published.duckdb"))
    disks = {"warehouse": small_disk, "published": published_disk}
    paths = settings.paths
    registry = load_registry(paths.reference_dir)
    generate_demo_province(inbox, registry, "202401", "202402")
    instance = dg.DagsterInstance.ephemeral()

    first = run_warehouse_job(instance, settings)
    assert first.success
    published, exports = sha256(paths.published_db), folder_state(paths.exports_dir)
    assert "current" in exports

    new_file = sorted(generate_demo_province(arrivals, registry, "202403", "202403"))[0]
    shutil.copy2(new_file, inbox / new_file.name)
    for disk_name, left_free, failing_step in FILLS:
        disk = disks[disk_name]
        filler = fill(disk, left_free)
        full = run_warehouse_job(instance, settings)
        assert not full.success
        messages = failure_messages(full)
        assert failing_step in messages, (left_free, messages)
        for step, message in messages.items():
            assert "No space left on device" in message and str(disk) in message, (step, message)
            if step not in DBT_STEPS:
                assert "ổ đĩa đã đầy" in message and "the disk is full" in message, (step, message)
        assert sha256(paths.published_db) == published
        assert folder_state(paths.exports_dir) == exports
        filler.unlink()

    recovered = run_warehouse_job(instance, settings)
    assert recovered.success
    assert sha256(paths.published_db) != published
    assert publication_leftovers(paths.published_db) == []
    assert exports_leftovers(paths.exports_dir) == []
    assert archive_leftovers(paths) == []
    for disk in disks.values():
        assert [p for p in disk.rglob("*") if p.name.endswith((".tmp", ".wal")) or p.name.startswith(".incoming-")] == []
