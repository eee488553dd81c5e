"""What an interrupted run leaves behind, found and removed before the next run does anything.

Runs at the start of every run, with the run lock held (`orchestration/lib/run_lock.py`), so no
other run is alive and everything unfinished here belongs to a dead one. Each removal is returned
as a line for the run's log. Removed, and only these:

- the publication's staged files (named in `lib/publication_names.py`, written by
  `publish/publisher.py`): the staged published file, its DuckDB `.wal`, the staged rollback copy;
- the exports' staged folders and links (`publish/exports_folder.py`): a staged `current` link, and
  publication folders other than the one `current` points at and the one before it (newer ones were
  never switched to; older ones a switch would have pruned);
- archive leftovers (`lib/workbook/archive.py`): `.incoming-*` temporary files, and packs no ledger
  row points to that are empty, unfinished (no zip directory of their own: the crash came mid-pack;
  their files are still in the inbox), or hold only files the ledger has archived elsewhere. An unreferenced
  pack holding a file the ledger lacks is kept and reported: the archive is evidence, and a
  rebuilt ledger must not cost it.

Not removed: the build database's write-ahead log, which DuckDB replays on open; only a log whose
database file is gone is an orphan. The names are the publisher's and the archive's; the tests
stage real publications and packs to keep them in step (tests/end_to_end/test_crash_recovery.py).
"""

from __future__ import annotations

import os
import re
import shutil
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.lib.publication_names import CURRENT, PUBLICATION_ID, is_staged_current_link, is_staged_database
from orchestration.lib.settings import WarehousePaths
from orchestration.lib.workbook.archive import INCOMING_PREFIX, PACK_SUFFIX, PACKS_FOLDER

_LOCKED = re.compile(r"Could not set lock on file .*?(?:PID (\d+))", re.DOTALL)
_HASH_MEMBER = re.compile(r"[0-9a-f]{64}(\.[a-z0-9]{1,10})?")  # archive.member_name
BUILD_DB_WAIT_SECONDS = 15.0  # a dbt killed with its run needs milliseconds to let go of the file


class BuildDatabaseLocked(RuntimeError):
    """A live process other than a run holds the build database."""


@dataclass(frozen=True)
class Leftover:
    path: Path
    reason: str
    remove: bool = True  # False: reported only


def recover(paths: WarehousePaths) -> list[str]:
    """Removes what dead runs left; one log line per file or folder removed, and per pack kept."""
    leftovers = [
        *publication_leftovers(paths.published_db),
        *exports_leftovers(paths.exports_dir),
        *orphaned_wal(paths.build_db),
        *archive_leftovers(paths),
    ]
    for leftover in leftovers:
        if leftover.remove:
            _remove(leftover.path)
    return [
        f"{'Đã dọn / Removed' if leftover.remove else 'Giữ lại / Kept'}: {leftover.path} ({leftover.reason})"
        for leftover in leftovers
    ]


def publication_leftovers(published_db: Path) -> list[Leftover]:
    folder = published_db.parent
    if not folder.is_dir():
        return []
    return [Leftover(entry, "unfinished publication file") for entry in sorted(folder.iterdir())
            if is_staged_database(published_db, entry.name)]


def exports_leftovers(exports_dir: Path) -> list[Leftover]:
    if not exports_dir.is_dir():
        return []
    link = exports_dir / CURRENT
    current = os.readlink(link) if link.is_symlink() else None
    folders = sorted(e.name for e in exports_dir.iterdir() if PUBLICATION_ID.fullmatch(e.name) and not e.is_symlink())
    older = [name for name in folders if current is not None and name < current]
    keep = {current, older[-1] if older else None}
    leftovers = [Leftover(exports_dir / name, "exports folder never switched to, or past pruning")
                 for name in folders if name not in keep]
    leftovers += [Leftover(entry, "unfinished link switch") for entry in sorted(exports_dir.iterdir())
                  if is_staged_current_link(exports_dir, entry.name)]
    return leftovers


def orphaned_wal(build_db: Path) -> list[Leftover]:
    wal = Path(f"{build_db}.wal")
    if wal.exists() and not build_db.exists():
        return [Leftover(wal, "write-ahead log without its database")]
    return []


def archive_leftovers(paths: WarehousePaths) -> list[Leftover]:
    packs = paths.archive_dir / PACKS_FOLDER
    if not packs.is_dir():
        return []
    leftovers = [Leftover(path, "unfinished archive copy") for path in sorted(packs.rglob(f"{INCOMING_PREFIX}*"))]
    ledger = read_ledger(paths.build_db)
    for pack in sorted(packs.rglob("*.zip")):
        if pack.stat().st_size == 0:
            leftovers.append(Leftover(pack, "empty archive pack"))
            continue
        if ledger is None or pack.relative_to(paths.archive_dir).as_posix() in ledger.packs:
            continue
        members = _members(pack)
        if members is None:
            leftovers.append(Leftover(pack, "unfinished archive pack no ledger row points to"))
        elif members <= ledger.hashes:
            leftovers.append(Leftover(pack, "archive pack no ledger row points to, every file archived elsewhere"))
        else:
            leftovers.append(Leftover(pack, "no ledger row points to it, but it holds files the ledger lacks", False))
    return leftovers


@dataclass(frozen=True)
class Ledger:
    packs: set[str]  # archive-relative paths of the packs some row points into
    hashes: set[str]  # content hashes of every file the ledger has


def read_ledger(build_db: Path) -> Ledger | None:
    """Every pack any `raw` table's `archive_path` points into; None before the first ledger exists."""
    if not build_db.exists():
        return None
    with open_build_db(build_db) as connection:
        columns = connection.execute(
            "select table_name from information_schema.columns where table_schema = 'raw' and column_name = 'archive_path'"
        ).fetchall()
        if not any(table == "submissions" for (table,) in columns):
            return None
        packs: set[str] = set()
        for (table,) in columns:
            for (archive_path,) in connection.execute(f'select distinct archive_path from raw."{table}"').fetchall():
                pack, separator, _ = (archive_path or "").partition(PACK_SUFFIX)
                if separator:
                    packs.add(f"{pack}.zip")
        hashes = {h for (h,) in connection.execute("select distinct content_hash from raw.submissions").fetchall()}
    return Ledger(packs, hashes)


def open_build_db(build_db: Path, wait_seconds: float = BUILD_DB_WAIT_SECONDS) -> duckdb.DuckDBPyConnection:
    """Opens the build database, waiting briefly for a dying holder; a live one is named, not killed."""
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            return duckdb.connect(str(build_db))
        except duckdb.IOException as error:
            locked = _LOCKED.search(str(error))
            if locked is None:
                raise
            if time.monotonic() >= deadline:
                pid = locked.group(1) or "?"
                raise BuildDatabaseLocked(
                    f"Kho dựng {build_db} đang bị tiến trình PID {pid} ({_command(pid)}) khóa, không phải một "
                    f"lần chạy của kho; hãy đóng tiến trình đó. / The build database {build_db} is locked by "
                    f"process PID {pid} ({_command(pid)}), which is not a warehouse run; close that process."
                ) from error
            time.sleep(0.5)


def _command(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()[:200]
    except OSError:
        return "command unknown"


def _members(pack: Path) -> set[str] | None:
    """The content hashes a complete pack holds (members are `<sha256>.<ext>`); None if unfinished.

    A pack killed mid-write has no directory of its own, but its last member is often a whole
    workbook, itself a zip stored as is: `zipfile` then finds that workbook's directory at the end
    of the file and reads it as the pack's, as it would a self-extracting archive. A real pack starts
    its first member at byte 0 and names every member by its hash; anything else is unfinished."""
    try:
        with zipfile.ZipFile(pack) as opened:
            infos = opened.infolist()
    except zipfile.BadZipFile:
        return None
    names = [info.filename for info in infos]
    if infos and (min(info.header_offset for info in infos) != 0 or not all(map(_HASH_MEMBER.fullmatch, names))):
        return None
    return {name.split(".", 1)[0] for name in names}


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)
