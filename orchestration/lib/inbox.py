"""What is in the inbox: the files that may be submissions, and every other entry with the reason
it is not one. Shared by the inbox sensor and the intake so both see the same files by the same rule.

Nothing is skipped silently: a symbolic link (never followed: it could point anywhere on the
server), a FIFO or device, a hidden entry (`.DS_Store`, `.sync/`) and a temporary-looking file
(`~$x.xlsx` Office lock, `.~lock.x.ods#` LibreOffice lock, `*.tmp`, `*.part`) is each listed as
ignored with a reason, for the ledger to record. A name whose bytes are not UTF-8 (zips and SMB
shares copied from old Windows machines) is still a submission: it is shown with each bad byte as
`\\xNN` and its raw bytes are kept in hex, so the ledger can always name the exact file.

The settle rule lives here too: a file counts as complete once its size and modification time have
stood still for the settle window. The sensor checks it over two ticks before starting a run, and
the intake checks it again before reading, because a run reads the whole inbox, not just the batch
that started it.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from orchestration.lib.clock import VIETNAM

# A file still being copied or saved keeps changing size or mtime; give it this long to settle.
DEFAULT_SETTLE_SECONDS = 10.0

TEMPORARY_PREFIXES = ("~$", ".~lock")
TEMPORARY_SUFFIXES = (".tmp", ".part")


@dataclass(frozen=True)
class SettleRule:
    """`seconds` comes from WAREHOUSE_INBOX_SETTLE_SECONDS; tests use 0 or a long window, never sleep."""

    seconds: float = DEFAULT_SETTLE_SECONDS

    def is_settled(self, mtime_ns: int, now_ns: int) -> bool:
        return now_ns - mtime_ns >= self.seconds * 1e9


def arrival_time(mtime_ns: int) -> datetime:
    """When a file arrived, as the ledger records it (`raw.submissions.arrived_at`): its modification
    time in Vietnam wall-clock time, because deadlines are counted in local working days. The intake
    stamps files with it and the inbox sensor compares the ledger's stamps with it, so both must
    compute it the same way, down to the microsecond."""
    return datetime.fromtimestamp(mtime_ns / 1e9, VIETNAM).replace(tzinfo=None)


@dataclass(frozen=True)
class InboxFile:
    path: Path  # as the operating system names it (undecodable bytes as surrogates), for opening
    inbox_path: str  # relative to the inbox, posix, safe to store and print
    raw_path_hex: str | None  # the name's bytes in hex when they are not UTF-8, else None
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class IgnoredEntry:
    inbox_path: str
    raw_path_hex: str | None
    entry_kind: str  # symlink | fifo | device | socket | hidden | temporary
    reason_code: str
    reason_vi: str
    reason_en: str


@dataclass(frozen=True)
class InboxListing:
    files: list[InboxFile]  # in path order
    ignored: list[IgnoredEntry]
    vanished: list[str]  # listed but gone (or unreadable) before it could be looked at


_REASONS = {
    "symlink": ("ING_IGNORED_SYMLINK",
                "liên kết tượng trưng (symlink) không được đọc vì có thể trỏ ra ngoài thư mục nhận báo cáo.",
                "a symbolic link is not read, because it could point outside the inbox."),
    "fifo": ("ING_IGNORED_SPECIAL", "đây là ống dẫn (FIFO), không phải tệp báo cáo.",
             "this is a pipe (FIFO), not a report file."),
    "device": ("ING_IGNORED_SPECIAL", "đây là tệp thiết bị, không phải tệp báo cáo.",
               "this is a device file, not a report file."),
    "socket": ("ING_IGNORED_SPECIAL", "đây là socket, không phải tệp báo cáo.", "this is a socket, not a report file."),
    "hidden": ("ING_IGNORED_HIDDEN", "tên bắt đầu bằng dấu chấm nên là mục ẩn, không phải báo cáo.",
               "the name starts with a dot, so it is hidden and not a report."),
    "temporary": ("ING_IGNORED_TEMPORARY",
                  "tệp tạm hoặc tệp khóa (~$, .~lock, .tmp, .part) do chương trình tạo khi đang mở hay đang chép tệp.",
                  "a temporary or lock file (~$, .~lock, .tmp, .part) that a program makes while a file is open "
                  "or being copied."),
}


def scan_inbox(inbox_dir: Path) -> InboxListing:
    """Every entry under the inbox, files in path order. `scandir` tells files, folders and links
    apart from the directory listing itself, without a system call per entry."""
    if not inbox_dir.is_dir():
        raise FileNotFoundError(f"Inbox folder not found / Không tìm thấy thư mục nhận báo cáo: {inbox_dir}")
    listing = InboxListing([], [], [])
    _scan_folder(str(inbox_dir), len(os.fsencode(str(inbox_dir))) + 1, listing)
    return listing


def _scan_folder(folder: str, root_length: int, listing: InboxListing) -> None:
    with os.scandir(folder) as entries:
        ordered = sorted(entries, key=lambda entry: entry.name)
    for entry in ordered:
        inbox_path, raw_hex = _relative_display(entry.path, root_length)
        kind = _ignored_kind(entry)
        if kind is not None:
            code, reason_vi, reason_en = _REASONS[kind]
            listing.ignored.append(IgnoredEntry(inbox_path, raw_hex, kind, code, reason_vi, reason_en))
        elif entry.is_dir(follow_symlinks=False):
            _scan_folder(entry.path, root_length, listing)
        else:
            try:
                status = entry.stat(follow_symlinks=False)
            except OSError:
                listing.vanished.append(inbox_path)
                continue
            listing.files.append(InboxFile(Path(entry.path), inbox_path, raw_hex, status.st_size, status.st_mtime_ns))


def _relative_display(path: str, root_length: int) -> tuple[str, str | None]:
    """The path below the inbox as safe posix text, and its raw bytes in hex when they are not UTF-8."""
    raw = os.fsencode(path)[root_length:].replace(os.sep.encode(), b"/")
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError:
        return raw.decode("utf-8", "backslashreplace"), raw.hex()


def _ignored_kind(entry: os.DirEntry) -> str | None:
    if entry.is_symlink():
        return "symlink"
    name = entry.name
    if name.startswith(TEMPORARY_PREFIXES) or name.lower().endswith(TEMPORARY_SUFFIXES):
        return "temporary"
    if name.startswith("."):
        return "hidden"
    if entry.is_dir(follow_symlinks=False) or entry.is_file(follow_symlinks=False):
        return None
    try:
        mode = entry.stat(follow_symlinks=False).st_mode
    except OSError:
        return None  # gone already: the caller finds out when it looks at it
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "device"
