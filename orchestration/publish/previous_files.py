"""Files of the previous publication re-used, when what they were written from has not changed.

Rewriting every file on every publication costs the whole history: at 60 provinces the consolidated
workbooks (openpyxl) and the DHIS2 files took most of the publication although one new workbook
changes one province's report and a few periods. So an exporter splits its files into groups (one
province's workbook, one period's DHIS2 pair) and computes a fingerprint of exactly what a group is
written from: a hash aggregate in SQL over the rows it reads, or a hash of the values it would
write. The manifest of every exports folder records each group's fingerprint and files
(`fingerprints`). The next publication compares: a group whose fingerprint is unchanged is hard-linked
from the previous folder (copied where links are refused) instead of being written again; any other
group is written afresh. A previous file is only re-used when it still has the size and checksum its
manifest gives, so a file edited in place since is written again, never passed on.

Every fingerprint includes `code_version()` (the exporters' and the shared library's source, the
DuckDB and openpyxl versions): new code rewrites everything. The row hash is DuckDB's 64-bit `hash`
of the whole row, aggregated as count, sum and xor, with the column names and types: a changed group
is re-used only if its row count stays and both 64-bit aggregates collide at once, which no real
change of data does (the bench and tests/publish/test_reused_files.py check changed groups).

The new folder is still staged: linking only adds names in it and never changes a previous file, so
a failed publication leaves every output as it was. Exporters write only paths they did not link
(an existing path makes the link fail, so a shared file is never overwritten through it).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import duckdb
import openpyxl

from orchestration.publish.exports_folder import MANIFEST
from orchestration.publish.publisher import sha256_of

FINGERPRINTS = "fingerprints"  # key of the manifest holding each group's fingerprint and files
_SOURCES = (Path(__file__).parent, Path(__file__).parents[1] / "lib")


@cache
def code_version() -> str:
    """What the files' look depends on besides the data: the code that writes them."""
    digest = hashlib.sha256(f"duckdb {duckdb.__version__} openpyxl {openpyxl.__version__}".encode())
    for folder in _SOURCES:
        for source in sorted(folder.glob("*.py")):
            digest.update(source.name.encode())
            digest.update(source.read_bytes())
    return digest.hexdigest()


def value_fingerprint(*parts: object) -> str:
    """For values computed in Python: `parts` must have a deterministic repr (sort dicts first)."""
    return hashlib.sha256(repr((code_version(), parts)).encode()).hexdigest()


def grouped_fingerprints(
    connection: duckdb.DuckDBPyConnection, query: str, group_by: str, *extra: object
) -> dict[str, str]:
    """One fingerprint per value of `group_by` over the rows of `query`, computed in SQL, with
    `extra` (e.g. a mapping file's checksum) mixed in."""
    columns = [(column[0], str(column[1])) for column in connection.execute(f"select * from ({query}) limit 0").description]
    rows = connection.execute(
        f"select {group_by}::varchar, count(*), sum(hash(t))::varchar, bit_xor(hash(t))::varchar "
        f"from ({query}) as t group by all"
    ).fetchall()
    return {group: value_fingerprint(columns, extra, count, total, xor) for group, count, total, xor in rows}


@dataclass
class PreviousFiles:
    """The previous publication's groups, and what this publication records for its own manifest."""

    folder: Path | None = None
    groups: Mapping[str, Mapping] = field(default_factory=dict)  # key -> fingerprint, files, summary
    checksums: Mapping[str, Mapping] = field(default_factory=dict)  # file -> bytes, sha256 (its manifest)
    recorded: dict[str, dict] = field(default_factory=dict)
    known_checksums: dict[str, str] = field(default_factory=dict)  # re-used file -> its checked sha256
    reused_keys: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, previous_folder: Path | None) -> PreviousFiles:
        """Nothing to re-use without a previous folder or one whose manifest predates fingerprints."""
        manifest_path = previous_folder / MANIFEST if previous_folder is not None else None
        if manifest_path is None or not manifest_path.is_file():
            return cls()
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        return cls(previous_folder, manifest.get(FINGERPRINTS, {}), manifest.get("files", {}))

    def reuse(self, key: str, fingerprint: str, folder: Path) -> Mapping | None:
        """Links the previous publication's files of group `key` into `folder` and returns the
        group's summary when it was written from the same `fingerprint` and its files are intact;
        else None, and the caller writes the group."""
        group = self.groups.get(key)
        if self.folder is None or group is None or group["fingerprint"] != fingerprint:
            return None
        checked = {}
        for name in group["files"]:
            source, listed = self.folder / name, self.checksums.get(name)
            if listed is None or not source.is_file() or source.stat().st_size != listed["bytes"]:
                return None
            if sha256_of(source) != listed["sha256"]:
                return None
            checked[name] = listed["sha256"]
        for name in group["files"]:
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            _link_or_copy(self.folder / name, target)
        self.known_checksums.update(checked)
        self.recorded[key] = dict(group)
        self.reused_keys.add(key)
        return group.get("summary", {})

    def record(
        self, key: str, fingerprint: str, folder: Path, files: Iterable[Path], summary: Mapping | None = None
    ) -> None:
        """Group `key` was written from `fingerprint` as `files` (in `folder`); `summary` is what the
        exporter needs of the group when it re-uses it (counts for its metadata)."""
        self.recorded[key] = {
            "fingerprint": fingerprint,
            "files": sorted(path.relative_to(folder).as_posix() for path in files),
            "summary": dict(summary or {}),
        }

    def reused(self, prefix: str) -> int:
        """How many groups whose key starts with `prefix` were re-used, for the Dagster metadata."""
        return sum(1 for key in self.reused_keys if key.startswith(prefix))


def _link_or_copy(source: Path, target: Path) -> None:
    """A hard link costs nothing; some network shares refuse them. Either fails if `target` exists."""
    try:
        os.link(source, target)
    except FileExistsError:
        raise
    except OSError:
        with open(source, "rb") as reader, open(target, "xb") as writer:
            shutil.copyfileobj(reader, writer, 1 << 20)
