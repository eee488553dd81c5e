"""Disk and database failures told as what they are: which file, and why, in Vietnamese and English.

A stage that cannot write (disk full, no permission, read-only file system) or cannot open the build
database (missing, or locked by another process) should say so in words the operator acts on, not
with whatever secondary error the failure set off. Stages call `storage_boundary` once, around the
work they do; nothing below them needs to know.
"""

from __future__ import annotations

import errno
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

# DuckDB reports file-system failures as text only; these are the phrases the C library puts in it.
_CAUSES: tuple[tuple[int, str, str, str], ...] = (
    (errno.ENOSPC, "No space left on device", "ổ đĩa đã đầy", "the disk is full"),
    (errno.EDQUOT, "Disk quota exceeded", "đã hết hạn mức dung lượng đĩa", "the disk quota is used up"),
    (errno.EROFS, "Read-only file system", "hệ thống tệp chỉ cho phép đọc", "the file system is read-only"),
    (errno.EACCES, "Permission denied", "không có quyền truy cập", "permission denied"),
    (errno.EPERM, "Operation not permitted", "không được phép thao tác", "the operation is not permitted"),
    (errno.ENOENT, "No such file or directory", "tệp hoặc thư mục không tồn tại", "the file or folder does not exist"),
)
_LOCK = re.compile(r'Could not set lock on file "(?P<path>[^"]+)"(?:.*?\(PID (?P<pid>\d+)\))?', re.S)
_QUOTED_PATH = re.compile(r'"(?P<path>/[^"]+)"')
_MISSING_DB = "database does not exist"


class StorageError(Exception):
    """Raised in place of an OSError or DuckDB I/O error, which stays attached as `__cause__`."""

    def __init__(self, path: str, message_vi: str, message_en: str) -> None:
        super().__init__(f"{message_vi} / {message_en}")
        self.path = path
        self.message_vi = message_vi
        self.message_en = message_en


def describe_storage_error(error: BaseException, path: Path | str) -> StorageError:
    """`path`: the file the stage was working on, used when the error itself names none."""
    detail = str(error)
    if isinstance(error, OSError):
        target = error.filename or path
        cause = next((c for c in _CAUSES if c[0] == error.errno), None)
    else:
        lock = _LOCK.search(detail)
        if lock:
            holder_vi = f" (tiến trình PID {lock['pid']} đang giữ)" if lock["pid"] else ""
            holder_en = f" (held by PID {lock['pid']})" if lock["pid"] else ""
            return StorageError(
                lock["path"],
                f"Cơ sở dữ liệu '{lock['path']}' đang bị một tiến trình khác khóa{holder_vi}; "
                "chờ lần chạy đó kết thúc hoặc dừng tiến trình đó rồi chạy lại.",
                f"The database '{lock['path']}' is locked by another process{holder_en}; wait for that run "
                "to finish or stop that process, then run again.",
            )
        quoted = _QUOTED_PATH.search(detail)
        target = quoted["path"] if quoted else path
        if _MISSING_DB in detail:
            cause = (errno.ENOENT, "", "cơ sở dữ liệu chưa tồn tại", "the database does not exist")
        else:
            cause = next((c for c in _CAUSES if c[1].lower() in detail.lower()), None)
    cause_vi, cause_en = (cause[2], cause[3]) if cause else ("lỗi đọc/ghi", "input/output error")
    return StorageError(
        str(target),
        f"Không đọc/ghi được '{target}': {cause_vi} ({detail}).",
        f"Cannot read or write '{target}': {cause_en} ({detail}).",
    )


@contextmanager
def storage_boundary(path: Path | str) -> Iterator[None]:
    """Around a stage's work: a file-system or DuckDB I/O failure leaves as a `StorageError`."""
    try:
        yield
    except (OSError, duckdb.IOException, duckdb.PermissionException) as error:
        raise describe_storage_error(error, path) from error
