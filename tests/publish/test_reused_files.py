"""Re-used files: a publication that links unchanged files from the previous one holds exactly what
one written from scratch holds, and a group whose input changed is never re-used."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import duckdb
from openpyxl import load_workbook

from orchestration.publish.consolidated_workbook import write_consolidated_workbooks
from orchestration.publish.dhis2_export import write_dhis2_exports
from orchestration.publish.exports_folder import MANIFEST, current_exports_folder, write_manifest
from orchestration.publish.outputs import FILE_EXPORTERS
from orchestration.publish.previous_files import FINGERPRINTS, PreviousFiles
from orchestration.publish.publication import publish
from orchestration.publish.publisher import sha256_of
from tests.publish.test_consolidated_workbook import LINKS, UNITS, VALUES, make_published
from tests.publish.test_dhis2_export import HAND_MADE, MAPPING
from tests.quality.warehouse_fakes import good_marts, write_marts

TWO_PROVINCES = (
    UNITS + [("HP", "Thành phố Hải Phòng", "province", "area", None), ("HP-X-1", "Phường Một", "commune", "area", None)],
    LINKS + [("HP-X-1", "HP", date(2020, 1, 1), None)],
)


def export(write, folder: Path, previous: PreviousFiles) -> dict:
    """One exporter into a fresh folder with its manifest, as a publication writes it."""
    folder.mkdir(parents=True)
    metadata = write(folder, previous)
    write_manifest(folder, {FINGERPRINTS: previous.recorded}, previous.known_checksums)
    return metadata


def workbook_content(path: Path) -> list:
    """What a reader sees: every cell's value, format, fill, font and note, and the sheet layout."""
    workbook = load_workbook(path)
    return [
        (sheet.title, sheet.freeze_panes, sheet.print_title_rows, [
            (cell.coordinate, cell.value, cell.number_format, cell.fill.fgColor.rgb, cell.font.b, cell.font.i,
             cell.comment.text if cell.comment else None)
            for row in sheet.iter_rows() for cell in row
        ])
        for sheet in workbook.worksheets
    ]


def test_workbooks_of_unchanged_provinces_are_linked_and_equal_a_fresh_write(tmp_path):
    units, links = TWO_PROVINCES
    haiphong = [("OPD_VISITS", "HP", "202503", "month", 5.0, True), ("OPD_VISITS", "HP-X-1", "202503", "month", 5.0, True)]
    before = make_published(tmp_path / "before.duckdb", units, links, VALUES + haiphong)
    changed = [(*row[:4], 6.0, row[5]) if row[1] == "HP-X-1" else row for row in haiphong]
    after = make_published(tmp_path / "after.duckdb", units, links, VALUES + changed)

    def writer(published):
        def write(folder, previous):
            with duckdb.connect(str(published), read_only=True) as connection:
                return write_consolidated_workbooks(connection, folder, previous)
        return write

    export(writer(before), tmp_path / "one", PreviousFiles())
    metadata = export(writer(after), tmp_path / "two", PreviousFiles.of(tmp_path / "one"))
    export(writer(after), tmp_path / "fresh", PreviousFiles())

    quang_ninh, hai_phong = "bao_cao_tong_hop_202503_QN.xlsx", "bao_cao_tong_hop_202503_HP.xlsx"
    assert metadata["consolidated_reused_workbooks"] == 1
    assert (tmp_path / "two" / quang_ninh).samefile(tmp_path / "one" / quang_ninh), "unchanged: linked"
    assert not (tmp_path / "two" / hai_phong).samefile(tmp_path / "one" / hai_phong), "changed: written"
    assert workbook_content(tmp_path / "two" / hai_phong) != workbook_content(tmp_path / "one" / hai_phong)
    for name in (quang_ninh, hai_phong):
        assert workbook_content(tmp_path / "two" / name) == workbook_content(tmp_path / "fresh" / name), name


def test_dhis2_periods_with_unchanged_values_are_linked_and_every_file_equals_a_fresh_write(tmp_path):
    mapping = tmp_path / "mapping.csv"
    mapping.write_text(MAPPING, encoding="utf-8")
    before, after = tmp_path / "before.duckdb", tmp_path / "after.duckdb"
    with duckdb.connect(str(before)) as connection:
        connection.execute(HAND_MADE)
    shutil.copy(before, after)
    with duckdb.connect(str(after)) as connection:  # one corrected value, in January
        connection.execute("update marts.fct_indicator_values set value = 1240, reported_value = 1240 "
                           "where org_unit_code = 'QN-BVDKT' and period_code = '202501' and indicator_code = 'OPD_VISITS'")

    def writer(published, mapping_csv=mapping):
        def write(folder, previous):
            with duckdb.connect(str(published), read_only=True) as connection:
                return write_dhis2_exports(connection, folder, mapping_csv, previous)
        return write

    export(writer(before), tmp_path / "one", PreviousFiles())
    metadata = export(writer(after), tmp_path / "two", PreviousFiles.of(tmp_path / "one"))
    fresh_metadata = export(writer(after), tmp_path / "fresh", PreviousFiles())

    dhis2 = Path("dhis2")
    linked = {path.name for path in (tmp_path / "two" / dhis2).iterdir()
              if path.samefile(tmp_path / "one" / dhis2 / path.name)}
    assert linked == {"202502.json", "202502.csv", "2025Q2.json", "2025Q2.csv", "2025S1.json", "2025S1.csv",
                      "2025.json", "2025.csv"}, "January changed: its files are written, every other period linked"
    assert (tmp_path / "two" / dhis2 / "202501.json").read_bytes() != (tmp_path / "one" / dhis2 / "202501.json").read_bytes()
    fresh_files = sorted(p.relative_to(tmp_path / "fresh").as_posix() for p in (tmp_path / "fresh").rglob("*") if p.is_file())
    assert sorted(p.relative_to(tmp_path / "two").as_posix() for p in (tmp_path / "two").rglob("*") if p.is_file()) == fresh_files
    for name in fresh_files:
        if name != MANIFEST:
            assert (tmp_path / "two" / name).read_bytes() == (tmp_path / "fresh" / name).read_bytes(), name
    assert metadata["dhis2_reused_periods"] == 6  # four linked pairs; the quarter and nine months hold counts only
    ignored = {"dhis2_folder", "dhis2_unmapped_file", "dhis2_reused_periods"}
    assert {k: v for k, v in metadata.items() if k not in ignored} == {k: v for k, v in fresh_metadata.items() if k not in ignored}

    # A changed mapping changes every period's fingerprint: nothing is re-used.
    remapped = tmp_path / "remapped.csv"
    remapped.write_text(MAPPING.replace("Beds0000001", "Beds0000002"), encoding="utf-8")
    metadata = export(writer(after, remapped), tmp_path / "three", PreviousFiles.of(tmp_path / "two"))
    assert metadata["dhis2_reused_periods"] == 0
    assert '"Beds0000002"' in (tmp_path / "three" / dhis2 / "2025S1.json").read_text(encoding="utf-8")


def test_a_previous_file_edited_in_place_is_written_again_not_passed_on(tmp_path):
    mapping = tmp_path / "mapping.csv"
    mapping.write_text(MAPPING, encoding="utf-8")
    published = tmp_path / "published.duckdb"
    with duckdb.connect(str(published)) as connection:
        connection.execute(HAND_MADE)

    def write(folder, previous):
        with duckdb.connect(str(published), read_only=True) as connection:
            return write_dhis2_exports(connection, folder, mapping, previous)

    export(write, tmp_path / "one", PreviousFiles())
    edited = tmp_path / "one" / "dhis2" / "202502.csv"
    edited.write_text(edited.read_text(encoding="utf-8").replace("1100", "1190"), encoding="utf-8")
    metadata = export(write, tmp_path / "two", PreviousFiles.of(tmp_path / "one"))

    assert metadata["dhis2_reused_periods"] == 6, "every period but the edited one"
    assert not (tmp_path / "two" / "dhis2" / "202502.csv").samefile(edited)
    assert '"1100"' in (tmp_path / "two" / "dhis2" / "202502.csv").read_text(encoding="utf-8")


def test_a_publication_that_re_used_files_lists_them_truthfully_and_switches_as_a_whole(warehouse_paths):
    write_marts(warehouse_paths.build_db, good_marts())
    first = publish(warehouse_paths, tuple(good_marts()), run_id="run-1")
    second = publish(warehouse_paths, tuple(good_marts()), run_id="run-2")

    assert second.exports["consolidated_workbooks"]["consolidated_reused_workbooks"] == 1
    manifest = json.loads((second.exports_folder / MANIFEST).read_text(encoding="utf-8"))
    files = {p.relative_to(second.exports_folder).as_posix() for p in second.exports_folder.rglob("*") if p.is_file()}
    assert set(manifest["files"]) == files - {MANIFEST}
    assert all(sha256_of(second.exports_folder / name) == entry["sha256"] for name, entry in manifest["files"].items())
    workbook = next(name for name in manifest["files"] if name.endswith(".xlsx"))
    assert (second.exports_folder / workbook).samefile(first.exports_folder / workbook)

    fresh = publish(warehouse_paths, tuple(good_marts()), run_id="run-3", reuse_previous=False)
    assert fresh.exports["consolidated_workbooks"]["consolidated_reused_workbooks"] == 0
    assert not (fresh.exports_folder / workbook).samefile(second.exports_folder / workbook)
    assert workbook_content(fresh.exports_folder / workbook) == workbook_content(second.exports_folder / workbook)
    for name in manifest["files"]:  # Parquet files name their publication; a workbook zips its save time
        if not name.startswith("parquet/") and not name.endswith(".xlsx"):
            assert (fresh.exports_folder / name).read_bytes() == (second.exports_folder / name).read_bytes(), name
    assert current_exports_folder(warehouse_paths.exports_dir) == fresh.exports_folder
    assert [exporter.name for exporter in FILE_EXPORTERS] == list(fresh.exports)
