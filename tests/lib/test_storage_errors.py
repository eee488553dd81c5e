"""Disk and database failures name the file and the cause, in Vietnamese and English.

The tests run as root, for whom permissions never fail, so the faults are raised where the stage
meets the disk (a patched write, a proxy connection) rather than produced by chmod.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration.lib.build_db import build_db_connection
from orchestration.lib.storage_errors import StorageError, describe_storage_error, storage_boundary


@pytest.mark.parametrize(
    ("code", "text", "cause_vi", "cause_en"),
    [
        (errno.ENOSPC, "No space left on device", "ổ đĩa đã đầy", "the disk is full"),
        (errno.EACCES, "Permission denied", "không có quyền truy cập", "permission denied"),
        (errno.EROFS, "Read-only file system", "hệ thống tệp chỉ cho phép đọc", "the file system is read-only"),
    ],
)
def test_an_os_error_names_its_own_file_and_the_cause(code, text, cause_vi, cause_en):
    error = describe_storage_error(OSError(code, text, "/kho/outbox/QN-BVBC/a.eml"), "/kho/build.duckdb")
    assert error.path == "/kho/outbox/QN-BVBC/a.eml"
    assert error.message_vi == f"Không đọc/ghi được '/kho/outbox/QN-BVBC/a.eml': {cause_vi} ([Errno {code}] {text}: " \
                               "'/kho/outbox/QN-BVBC/a.eml')."
    assert error.message_en.startswith(f"Cannot read or write '/kho/outbox/QN-BVBC/a.eml': {cause_en} (")


def test_an_error_without_a_file_names_the_stage_s_file():
    error = describe_storage_error(OSError(errno.ENOSPC, "No space left on device"), Path("/kho/build.duckdb"))
    assert error.path == "/kho/build.duckdb" and "ổ đĩa đã đầy" in error.message_vi


def test_duckdb_disk_full_is_read_from_its_text():
    failure = duckdb.IOException('IO Error: Could not write file "/kho/build.duckdb.wal": No space left on device')
    error = describe_storage_error(failure, "/kho/build.duckdb")
    assert error.path == "/kho/build.duckdb.wal"
    assert "the disk is full" in error.message_en


def test_a_locked_build_db_names_the_file_and_the_holding_pid(tmp_path):
    build_db = tmp_path / "build.duckdb"
    holder = duckdb.connect(str(build_db))
    try:
        # DuckDB's lock is per process: only another process meets it.
        probe = (
            "import sys; from pathlib import Path; from orchestration.lib.build_db import build_db_connection\n"
            "from orchestration.lib.storage_errors import StorageError\n"
            "try:\n    build_db_connection(Path(sys.argv[1])).__enter__()\n"
            "except StorageError as e:\n    print(e.message_vi); print(e.message_en)\n"
        )
        vi, en = subprocess.run([sys.executable, "-c", probe, str(build_db)], capture_output=True, text=True,
                                check=True, cwd=Path(__file__).parents[2]).stdout.splitlines()
    finally:
        holder.close()
    pid = os.getpid()
    assert vi.startswith(f"Cơ sở dữ liệu '{build_db}' đang bị một tiến trình khác khóa (tiến trình PID {pid} đang giữ)")
    assert en.startswith(f"The database '{build_db}' is locked by another process (held by PID {pid})")


def test_a_missing_build_db_opened_read_only_is_told_as_missing(tmp_path):
    missing = tmp_path / "build.duckdb"
    with pytest.raises(StorageError) as raised, storage_boundary(missing):
        duckdb.connect(str(missing), read_only=True)
    assert raised.value.message_en.startswith(f"Cannot read or write '{missing}': the database does not exist")


def test_a_build_db_folder_that_cannot_be_created_is_named(tmp_path, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", str(self))

    monkeypatch.setattr(Path, "mkdir", refuse)
    with pytest.raises(StorageError) as raised, build_db_connection(tmp_path / "kho" / "build.duckdb"):
        pass
    assert raised.value.path == str(tmp_path / "kho")
    assert "hệ thống tệp chỉ cho phép đọc" in raised.value.message_vi
    assert isinstance(raised.value.__cause__, OSError)  # the original stays attached
