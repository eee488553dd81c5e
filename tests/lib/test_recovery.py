"""What the start of a run removes, and keeps, of what a killed run left, on files made by the
writers themselves (the pack writer, the publication names) so the two cannot drift apart."""

from __future__ import annotations

import io
import os
import zipfile
from datetime import datetime
from pathlib import Path

import duckdb

from orchestration.lib.publication_names import (
    new_publication_id, staged_current_link, staged_database, staged_previous_database,
)
from orchestration.lib.recovery import recover
from orchestration.lib.workbook.archive import member_name
from orchestration.lib.workbook.pack_writer import PackWriter

HASH_A, HASH_B = "a" * 64, "b" * 64


def workbook_bytes() -> bytes:
    """An xlsx is a zip: stored as is in a pack, its own directory sits at the end of its member."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as workbook:
        workbook.writestr("[Content_Types].xml", "<Types/>")
        workbook.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


def pack(paths, name: str, members: dict[str, bytes], finished: bool) -> Path:
    path = paths.archive_dir / "packs" / "2025" / "03" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = PackWriter(path, 0o444, datetime(2025, 3, 5))
    for member, content in members.items():
        writer.add(member, content)
    if finished:
        writer.close()
    else:  # killed: the local headers are on disk, the directory never is
        os.close(writer._handle)
    return path


def ledger(paths, hashes: list[str], packs: list[str]) -> None:
    paths.build_db.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(paths.build_db)) as connection:
        connection.execute("create schema raw")
        connection.execute("create table raw.submissions (content_hash varchar, archive_path varchar)")
        for content_hash, archive_path in zip(hashes, packs):
            connection.execute("insert into raw.submissions values (?, ?)", [content_hash, archive_path])


def test_a_pack_killed_after_a_whole_workbook_is_unfinished_and_removed_not_kept_as_evidence(warehouse_paths):
    ledger(warehouse_paths, [], [])
    killed = pack(warehouse_paths, "killed.zip", {member_name(HASH_A, "report.xlsx"): workbook_bytes()}, False)
    zipfile.ZipFile(killed).namelist()  # what fooled the recovery: the workbook's directory reads as the pack's

    lines = recover(warehouse_paths)

    assert not killed.exists()
    assert lines == [f"Đã dọn / Removed: {killed} (unfinished archive pack no ledger row points to)"]


def test_unreferenced_complete_packs_are_removed_when_their_files_are_archived_elsewhere_and_kept_otherwise(
    warehouse_paths,
):
    members_a = {member_name(HASH_A, "a.xlsx"): workbook_bytes()}
    referenced = pack(warehouse_paths, "referenced.zip", members_a, True)
    archived_again = pack(warehouse_paths, "again.zip", members_a, True)
    evidence = pack(warehouse_paths, "evidence.zip", {member_name(HASH_B, "b.xlsx"): workbook_bytes()}, True)
    ledger(warehouse_paths, [HASH_A], [f"packs/2025/03/referenced.zip/{HASH_A}.xlsx"])

    lines = recover(warehouse_paths)

    assert (referenced.exists(), archived_again.exists(), evidence.exists()) == (True, False, True)
    assert lines == [
        f"Đã dọn / Removed: {archived_again} (archive pack no ledger row points to, every file archived elsewhere)",
        f"Giữ lại / Kept: {evidence} (no ledger row points to it, but it holds files the ledger lacks)",
    ]


def test_the_staged_publication_files_and_link_are_removed_by_the_names_the_publisher_gives_them(warehouse_paths):
    publication_id = new_publication_id(datetime(2025, 3, 5, 8))
    published = warehouse_paths.published_db
    warehouse_paths.exports_dir.mkdir(parents=True)
    staged = [staged_database(published, publication_id), Path(f"{staged_database(published, publication_id)}.wal"),
              staged_previous_database(published, publication_id)]
    for path in staged:
        path.write_bytes(b"staged")
    published.write_bytes(b"readers' file")
    link = staged_current_link(warehouse_paths.exports_dir, publication_id)
    os.symlink(publication_id, link)

    recover(warehouse_paths)

    assert [path.exists() for path in staged] == [False, False, False]
    assert not os.path.lexists(link)
    assert published.read_bytes() == b"readers' file"
