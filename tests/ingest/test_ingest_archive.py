from __future__ import annotations

import hashlib
import stat

import pytest

from orchestration.ingest.archive import (
    IN_MEMORY_BYTES,
    ArchivedFile,
    ChangedWhileReading,
    archive_received,
    archive_relative_path,
    receive_file,
)


def archive_file(source, archive_dir) -> ArchivedFile:
    return archive_received(source, receive_file(source), archive_dir)


def test_archived_under_its_sha256(tmp_path):
    source = tmp_path / "inbox" / "Báo cáo T3.XLSX"
    source.parent.mkdir()
    source.write_bytes(b"some workbook bytes")
    digest = hashlib.sha256(b"some workbook bytes").hexdigest()

    archived = archive_file(source, tmp_path / "archive")

    assert archived.content_hash == digest
    assert archived.relative_path == f"{digest[:2]}/{digest}.xlsx"
    assert archived.size_bytes == len(b"some workbook bytes")
    stored = tmp_path / "archive" / archived.relative_path
    assert stored.read_bytes() == b"some workbook bytes"
    assert not stored.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def test_archiving_is_idempotent_and_leaves_no_temporary_files(tmp_path):
    first = tmp_path / "a.csv"
    second = tmp_path / "copy of a.csv"
    first.write_bytes(b"1;2")
    second.write_bytes(b"1;2")
    archive = tmp_path / "archive"

    results = {archive_file(first, archive), archive_file(first, archive), archive_file(second, archive)}

    assert len(results) == 1
    assert [p.relative_to(archive).as_posix() for p in archive.rglob("*") if p.is_file()] == [results.pop().relative_path]


def test_never_overwrites_an_archived_file(tmp_path):
    source = tmp_path / "a.csv"
    source.write_bytes(b"original")
    archive = tmp_path / "archive"
    archived = archive_file(source, archive)
    stored = archive / archived.relative_path
    mtime = stored.stat().st_mtime_ns

    archive_file(source, archive)

    assert stored.stat().st_mtime_ns == mtime


def test_a_torn_archive_file_is_replaced_not_trusted(tmp_path):
    """A crash mid-write leaves a short file under the hash's name; the bytes arrive again
    (the ledger never recorded them) and the archive is repaired."""
    source = tmp_path / "a.xlsx"
    source.write_bytes(b"whole workbook")
    received = receive_file(source)
    stored = tmp_path / "archive" / archive_relative_path(received.content_hash, source.name)
    stored.parent.mkdir(parents=True)
    stored.write_bytes(b"whole")

    archive_received(source, received, tmp_path / "archive")

    assert stored.read_bytes() == b"whole workbook"
    assert not stored.stat().st_mode & stat.S_IWUSR
    assert [p.name for p in stored.parent.iterdir()] == [stored.name]


def test_a_file_too_large_to_hold_is_streamed_and_hashed_the_same(tmp_path):
    source = tmp_path / "huge.xlsx"
    content = b"x" * (IN_MEMORY_BYTES + 10)
    source.write_bytes(content)

    received = receive_file(source)
    archived = archive_received(source, received, tmp_path / "archive")

    assert received.content is None and received.size_bytes == len(content)
    assert archived.content_hash == hashlib.sha256(content).hexdigest()
    assert (tmp_path / "archive" / archived.relative_path).read_bytes() == content


def test_a_large_file_changing_while_streamed_is_not_archived(tmp_path):
    source = tmp_path / "huge.xlsx"
    source.write_bytes(b"x" * (IN_MEMORY_BYTES + 10))
    received = receive_file(source)
    source.write_bytes(b"y" * (IN_MEMORY_BYTES + 10))

    with pytest.raises(ChangedWhileReading):
        archive_received(source, received, tmp_path / "archive")
    assert [p for p in (tmp_path / "archive").rglob("*") if p.is_file()] == []


@pytest.mark.parametrize(
    ("file_name", "suffix"),
    [
        ("bc.xlsx", ".xlsx"),
        ("BC.ODS", ".ods"),
        ("no_extension", ""),
        ("evil.x/../../etc", ""),
        ("bc.xl sx", ""),
        ("bc.$(rm)", ""),
        ("bc.verylongextension", ""),
        ("..", ""),
    ],
)
def test_only_a_sanitised_extension_survives_from_the_file_name(file_name, suffix):
    digest = "ab" + "0" * 62
    assert archive_relative_path(digest, file_name) == f"ab/{digest}{suffix}"
