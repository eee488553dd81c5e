"""A read-only file system and a folder the run may not write, for real: the publication fails
with a message naming the path and the cause, and readers keep the previous publication byte for
byte. The stage's own boundary (`storage_boundary`, as the publication asset wraps `publish`)
turns the OS error into that message.

Remounting needs root, and as root permissions do not apply, so the permission case publishes as
the unprivileged user `nobody`; both are skipped, saying so, where that cannot be done.
"""

from __future__ import annotations

import dataclasses
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from orchestration.lib.settings import REPO_ROOT
from orchestration.lib.storage_errors import StorageError, storage_boundary
from orchestration.publish.publication import publish
from orchestration.publish.publisher import sha256_of
from tests.publish.table_file_checks import folder_state
from tests.quality.warehouse_fakes import good_marts, write_marts

PUBLIC = tuple(good_marts())
AS_ROOT = pytest.mark.skipif(os.geteuid() != 0, reason="mounting a file system and switching user need root")


@pytest.fixture
def published_once(warehouse_paths) -> Iterator[tuple]:
    """A publication on its own small tmpfs (root's, 0755), so the test can make that file system
    read-only; in a folder anyone may enter, with a build database anyone may read, so that for the
    unprivileged user only the publication's own folder is out of reach."""
    base = Path(tempfile.mkdtemp(prefix="warehouse-storage-"))
    base.chmod(0o755)
    mount_point = base / "published_fs"
    mount_point.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=32m,mode=0755", "tmpfs", str(mount_point)], check=True)
    try:
        paths = dataclasses.replace(warehouse_paths, build_db=base / "build.duckdb",
                                    published_db=mount_point / "published.duckdb", exports_dir=mount_point / "exports")
        write_marts(paths.build_db, good_marts())
        paths.build_db.chmod(0o644)
        publish(paths, PUBLIC, run_id="good run")
        yield paths, mount_point, sha256_of(paths.published_db), folder_state(paths.exports_dir)
    finally:
        if subprocess.run(["umount", str(mount_point)]).returncode != 0:
            subprocess.run(["umount", "-l", str(mount_point)], check=True)
        shutil.rmtree(base, ignore_errors=True)


@AS_ROOT
def test_a_read_only_file_system_fails_the_publication_truthfully_and_keeps_the_last_one(published_once):
    paths, mount_point, published, exports = published_once
    subprocess.run(["mount", "-o", "remount,ro", str(mount_point)], check=True)

    with pytest.raises(StorageError) as failure:
        with storage_boundary(paths.published_db):
            publish(paths, PUBLIC, run_id="run on a read-only disk")

    message = str(failure.value)
    assert str(mount_point) in failure.value.path
    assert "hệ thống tệp chỉ cho phép đọc" in message and "the file system is read-only" in message, message
    assert "Read-only file system" in message  # the system's own words stay, for the engineer
    assert sha256_of(paths.published_db) == published
    assert folder_state(paths.exports_dir) == exports


PUBLISH_AS_NOBODY = """
import dataclasses, sys
from pathlib import Path
from orchestration.lib.settings import WarehousePaths
from orchestration.lib.storage_errors import StorageError, storage_boundary
from orchestration.publish.publication import publish
fields = dict(zip([f.name for f in dataclasses.fields(WarehousePaths)], map(Path, sys.argv[1:7])))
paths = WarehousePaths(**fields)
try:
    with storage_boundary(paths.published_db):
        publish(paths, sys.argv[7].split(","), run_id="run without permission")
except StorageError as error:
    print(error)
    sys.exit(3)
"""


@AS_ROOT
@pytest.mark.skipif(shutil.which("setpriv") is None, reason="setpriv (util-linux) switches to the user nobody")
def test_a_folder_the_run_may_not_write_fails_the_publication_truthfully_and_keeps_the_last_one(published_once):
    paths, mount_point, published, exports = published_once
    nobody = pwd.getpwnam("nobody")
    arguments = [str(getattr(paths, field.name)) for field in dataclasses.fields(paths)]

    done = subprocess.run(
        ["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups",
         sys.executable, "-c", PUBLISH_AS_NOBODY, *arguments, ",".join(PUBLIC)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
    )

    assert done.returncode == 3, done.stdout + done.stderr
    assert f"'{mount_point}/" in done.stdout, done.stdout  # the file it could not create there
    assert "không có quyền truy cập" in done.stdout and "permission denied" in done.stdout, done.stdout
    assert sha256_of(paths.published_db) == published
    assert folder_state(paths.exports_dir) == exports
