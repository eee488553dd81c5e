from __future__ import annotations

import hashlib
import os
import stat
import zipfile
from datetime import datetime

import pytest

import orchestration.lib.workbook.pack_writer as pack_writer
from orchestration.lib.workbook.archive import (
    IN_MEMORY_BYTES,
    ArchivePack,
    ChangedWhileReading,
    member_name,
    read_archived,
    receive_file,
)

OPENED_AT = datetime(2025, 11, 25, 9, 30, 15)


def packs(archive_dir) -> list:
    return sorted(p for p in archive_dir.rglob("*") if p.is_file())


def test_a_file_is_archived_as_a_pack_member_named_by_its_sha256(tmp_path):
    source = tmp_path / "inbox" / "Báo cáo T3.XLSX"
    source.parent.mkdir()
    source.write_bytes(b"some workbook bytes")
    digest = hashlib.sha256(b"some workbook bytes").hexdigest()
    archive = tmp_path / "archive"

    with ArchivePack(archive, OPENED_AT) as pack:
        archived = pack.add(source, receive_file(source))

    assert archived.content_hash == digest and archived.size_bytes == len(b"some workbook bytes")
    pack_path, member = archived.relative_path.rsplit("/", 1)
    assert pack_path.startswith("packs/2025/11/20251125T093015-") and pack_path.endswith(".zip")
    assert member == f"{digest}.xlsx"
    assert read_archived(archive, archived.relative_path) == b"some workbook bytes"
    with zipfile.ZipFile(archive / pack_path) as opened:  # an ordinary zip any tool can open
        assert opened.namelist() == [member] and opened.testzip() is None
        assert opened.getinfo(member).compress_type == zipfile.ZIP_STORED
    assert not (archive / pack_path).stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def test_one_pack_per_batch_holds_each_content_once(tmp_path):
    first, second, other = tmp_path / "a.csv", tmp_path / "copy of a.csv", tmp_path / "b.csv"
    first.write_bytes(b"1;2")
    second.write_bytes(b"1;2")
    other.write_bytes(b"3;4")
    archive = tmp_path / "archive"

    with ArchivePack(archive, OPENED_AT) as pack:
        results = [pack.add(path, receive_file(path)) for path in (first, second, other)]

    assert results[0] == results[1] != results[2]
    [pack_file] = packs(archive)
    with zipfile.ZipFile(pack_file) as opened:
        assert sorted(opened.namelist()) == sorted({r.relative_path.rsplit("/", 1)[1] for r in results})
    assert read_archived(archive, results[2].relative_path) == b"3;4"


def test_a_batch_with_nothing_to_archive_creates_no_pack(tmp_path):
    with ArchivePack(tmp_path / "archive", OPENED_AT):
        pass
    assert not (tmp_path / "archive").exists()


def test_packs_are_never_reused_or_overwritten(tmp_path):
    source = tmp_path / "a.csv"
    source.write_bytes(b"original")
    archive = tmp_path / "archive"
    with ArchivePack(archive, OPENED_AT) as pack:
        first = pack.add(source, receive_file(source))
    stored = packs(archive)[0]
    mtime = stored.stat().st_mtime_ns

    with ArchivePack(archive, OPENED_AT) as pack:
        second = pack.add(source, receive_file(source))

    assert stored.stat().st_mtime_ns == mtime
    assert first.relative_path != second.relative_path and len(packs(archive)) == 2


def test_a_member_is_on_disk_before_the_pack_is_finished(tmp_path):
    """Archived before parsing: a crash while parsing still leaves the bytes, with their zip header."""
    source = tmp_path / "a.xlsx"
    source.write_bytes(b"whole workbook")
    archive = tmp_path / "archive"
    with ArchivePack(archive, OPENED_AT) as pack:
        pack.add(source, receive_file(source))
        assert b"whole workbook" in packs(archive)[0].read_bytes()


def test_reading_is_bounded_and_a_missing_member_is_not_found(tmp_path):
    source = tmp_path / "a.csv"
    source.write_bytes(b"0123456789")
    archive = tmp_path / "archive"
    with ArchivePack(archive, OPENED_AT) as pack:
        archived = pack.add(source, receive_file(source))

    assert read_archived(archive, archived.relative_path, 4) == b"0123"
    with pytest.raises(FileNotFoundError):
        read_archived(archive, archived.relative_path.replace(archived.content_hash, "0" * 64))


def test_a_plain_file_in_the_archive_is_read_too(tmp_path):
    (tmp_path / "ab").mkdir()
    (tmp_path / "ab" / "abcd.xlsx").write_bytes(b"archived before packs")
    assert read_archived(tmp_path, "ab/abcd.xlsx") == b"archived before packs"


def test_a_file_too_large_to_hold_is_streamed_into_its_own_pack_and_hashed_the_same(tmp_path):
    source = tmp_path / "huge.xlsx"
    content = b"x" * (IN_MEMORY_BYTES + 10)
    source.write_bytes(content)
    archive = tmp_path / "archive"

    received = receive_file(source)
    with ArchivePack(archive, OPENED_AT) as pack:
        archived = pack.add(source, received)

    assert received.content is None and received.size_bytes == len(content)
    assert archived.content_hash == hashlib.sha256(content).hexdigest()
    assert read_archived(archive, archived.relative_path) == content
    assert [p.suffix for p in packs(archive)] == [".zip"]


def test_a_large_file_changing_while_streamed_is_not_archived(tmp_path):
    source = tmp_path / "huge.xlsx"
    source.write_bytes(b"x" * (IN_MEMORY_BYTES + 10))
    received = receive_file(source)
    source.write_bytes(b"y" * (IN_MEMORY_BYTES + 10))

    with pytest.raises(ChangedWhileReading), ArchivePack(tmp_path / "archive", OPENED_AT) as pack:
        pack.add(source, received)
    assert packs(tmp_path / "archive") == []


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
    assert member_name(digest, file_name) == f"{digest}{suffix}"


def test_a_full_pack_is_completed_and_the_next_file_starts_a_new_one(tmp_path, monkeypatch):
    monkeypatch.setattr(pack_writer, "MAX_PACK_MEMBERS", 2)
    archive = tmp_path / "archive"
    sources = []
    for number in range(5):
        sources.append(tmp_path / f"{number}.csv")
        sources[-1].write_bytes(f"{number};{number}".encode())

    with ArchivePack(archive, OPENED_AT) as pack:
        archived = [pack.add(source, receive_file(source)) for source in sources]

    assert len(packs(archive)) == 3
    for pack_file in packs(archive):
        with zipfile.ZipFile(pack_file) as opened:
            assert opened.testzip() is None and len(opened.namelist()) <= 2
            for info in opened.infolist():
                assert info.date_time == (2025, 11, 25, 9, 30, 14)  # zip keeps two-second steps
                assert stat.S_IMODE(info.external_attr >> 16) == 0o444
    assert [read_archived(archive, a.relative_path) for a in archived] == [s.read_bytes() for s in sources]


def test_a_short_write_leaves_the_pack_complete_for_the_members_before_it(tmp_path, monkeypatch):
    """The torn member's bytes stay in the file, but the directory only names whole members, so
    what was recorded before the failure is still readable and the file is retried next run."""
    sources = []
    for name in ("a.csv", "b.csv", "c.csv"):
        sources.append(tmp_path / name)
        sources[-1].write_bytes(f"{name} bytes".encode())
    real_writev = os.writev
    archive = tmp_path / "archive"

    with ArchivePack(archive, OPENED_AT) as pack:
        first = pack.add(sources[0], receive_file(sources[0]))
        monkeypatch.setattr(os, "writev", lambda handle, buffers: real_writev(handle, buffers[:1]))
        with pytest.raises(OSError, match="short write"):
            pack.add(sources[1], receive_file(sources[1]))
        monkeypatch.setattr(os, "writev", real_writev)
        third = pack.add(sources[2], receive_file(sources[2]))

    [pack_file] = packs(archive)
    with zipfile.ZipFile(pack_file) as opened:
        assert opened.testzip() is None and len(opened.namelist()) == 2
    assert read_archived(archive, first.relative_path) == b"a.csv bytes"
    assert read_archived(archive, third.relative_path) == b"c.csv bytes"
