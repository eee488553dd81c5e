"""Keeping dbt's target folder bounded.

dagster-dbt gives every dbt invocation its own folder under `dbt_project/target/`
(`<step>-<run id>-<random>/`: manifest, run results, compiled and run SQL, dbt's log), about 10 MB
per phase, two phases per run, and never removes one: after a month of runs every half minute the
folder outgrew the warehouse. Nothing reads a finished invocation's folder again (Dagster has
streamed its events, the warehouse holds the results), so only the newest few are kept, for an
engineer to look at what dbt just did. dbt's own files beside them (the manifest Dagster loads,
the partial parse, the launcher) are left alone.

The target folder belongs to the checkout, not to one warehouse, so another warehouse's dbt (a
test, a bench) may be writing into a folder of its own right now. dbt runs without writing its
JSON artefacts (`--no-write-json`, orchestration/transform/assets.py), so the dbt assets mark a
folder finished themselves once dbt's events are streamed (`mark_invocation_finished`); a folder
without the mark that was written to lately is still in use and is never removed.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

KEEP_INVOCATIONS = 4  # the last two runs' two dbt phases
IN_USE_SECONDS = 15 * 60  # an unfinished invocation's log is written at least this often
DBT_OWN_FOLDERS = frozenset({"compiled", "run"})  # written by `dbt parse`/`compile` in the target itself
FINISHED_MARKER = ".dbt_invocation_finished"


def invocation_folders(target_dir: Path) -> list[Path]:
    """dagster-dbt's per-invocation folders, oldest first."""
    if not target_dir.is_dir():
        return []
    folders = [entry for entry in target_dir.iterdir()
               if entry.is_dir() and not entry.is_symlink() and entry.name not in DBT_OWN_FOLDERS]
    return sorted(folders, key=lambda folder: folder.stat().st_mtime_ns)


def mark_invocation_finished(folder: Path) -> None:
    """dbt has exited and its events are in Dagster: nothing will write into `folder` again."""
    if folder.is_dir():
        (folder / FINISHED_MARKER).touch()


def prune_dbt_target(target_dir: Path, keep: int = KEEP_INVOCATIONS, now: float | None = None) -> list[Path]:
    """Removes every invocation folder but the newest `keep` and those still in use; returns the removed."""
    now = time.time() if now is None else now
    removed = []
    for folder in invocation_folders(target_dir)[:-keep or None]:
        if _in_use(folder, now):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def _in_use(folder: Path, now: float) -> bool:
    if (folder / FINISHED_MARKER).exists():
        return False
    latest = max((entry.stat().st_mtime for entry in folder.rglob("*") if entry.is_file()),
                 default=folder.stat().st_mtime)
    return now - latest < IN_USE_SECONDS
