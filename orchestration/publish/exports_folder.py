"""One folder of exported files per publication, and a `current` link switched atomically.

Files cannot be renamed over a whole folder of other files in one step, but a symbolic link can be:
each publication writes its files into a new folder `<exports_dir>/<publication id>/` that no reader
is pointed at, and the switch replaces the `current` link with one to the new folder by `os.replace`
of a freshly made link, which is atomic on POSIX. A reader that resolves `current` once and then
reads inside the folder it got sees one whole publication, never files of two. The previous
publication's folder is kept (for readers still in it, and for rollback); older ones are pruned.

Every folder carries `manifest.json`: the publication id (also in the DuckDB file's
`meta.publication`), the run id, the size and checksum of every file in it, and what each group of
files was written from (`previous_files.py`), which lets the next publication re-use unchanged ones.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Mapping
from pathlib import Path

from orchestration.lib.publication_names import CURRENT, PUBLICATION_ID, staged_current_link
from orchestration.publish.publisher import fsync_directory, sha256_of

MANIFEST = "manifest.json"


def stage_exports_folder(exports_dir: Path, publication_id: str) -> Path:
    """A fresh, empty folder for this publication. Readers never look at it until `switch_exports_folder`."""
    exports_dir.mkdir(parents=True, exist_ok=True)
    folder = exports_dir / publication_id
    folder.mkdir()  # fails if it exists: a publication id is never reused
    return folder


def write_manifest(
    folder: Path, publication: Mapping[str, object], known_checksums: Mapping[str, str] | None = None
) -> dict[str, object]:
    """Written last, so its file list is the folder's whole content. `known_checksums` are those of
    files re-used from the previous publication, checked against its manifest as they were linked."""
    known = known_checksums or {}
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            name = path.relative_to(folder).as_posix()
            files[name] = {"bytes": path.stat().st_size, "sha256": known.get(name) or sha256_of(path)}
    manifest = {**publication, "files": files}
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    return manifest


def current_exports_folder(exports_dir: Path) -> Path | None:
    """The folder `current` points at, resolved once: read everything from it, not via `current`."""
    link = exports_dir / CURRENT
    return exports_dir / os.readlink(link) if link.is_symlink() else None


def switch_exports_folder(exports_dir: Path, folder: Path) -> Path | None:
    """Points `current` at `folder`; returns the folder it pointed at before. Keeps that one and
    prunes every older publication folder."""
    previous = current_exports_folder(exports_dir)
    _fsync_tree(folder)
    # Relative, so the exports folder still works when mounted elsewhere (a Samba share, a backup).
    temporary = staged_current_link(exports_dir, folder.name)
    temporary.unlink(missing_ok=True)
    os.symlink(folder.name, temporary)
    try:
        os.replace(temporary, exports_dir / CURRENT)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    fsync_directory(exports_dir)
    keep = {folder.name} | ({previous.name} if previous is not None else set())
    for entry in exports_dir.iterdir():  # publication folders only: nothing else here is ever pruned
        if PUBLICATION_ID.fullmatch(entry.name) and entry.name not in keep and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
    return previous


def discard_exports_folder(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def _fsync_tree(folder: Path) -> None:
    """The files must be on disk before the link that exposes them is."""
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
    for directory in (folder, *(p for p in folder.rglob("*") if p.is_dir())):
        fsync_directory(directory)
