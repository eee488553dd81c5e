from __future__ import annotations

import hashlib
import stat

import pytest

from orchestration.ingest.archive import archive_file, archive_relative_path


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
