from __future__ import annotations

import os
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest

import orchestration.ingest.file_intake as file_intake
import orchestration.ingest.intake as intake
import orchestration.ingest.process as process
import orchestration.ingest.workers as workers
from ingest_builders import FIRST_VALUE_ROW, SHEET, TODAY, make_registry, report_rows, write_csv, write_ods, write_report
from orchestration.ingest.arrivals import in_arrival_order
from orchestration.lib.inbox import SettleRule, scan_inbox
from orchestration.ingest.file_intake import IntakeContext, SeenBefore
from orchestration.ingest.intake import IntakeSummary, ingest_inbox
from orchestration.lib.workbook.archive import read_archived
from orchestration.lib.workbook.limits import IntakeLimits

REGISTRY = make_registry()
T0 = datetime(2025, 4, 5, 1, 0, tzinfo=timezone.utc)  # 08:00 in Vietnam


@pytest.fixture
def warehouse(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    connection = duckdb.connect(str(tmp_path / "build.duckdb"))
    yield inbox, tmp_path / "archive", connection
    connection.close()


def run(warehouse, run_id: str = "run-1") -> IntakeSummary:
    inbox, archive, connection = warehouse
    return ingest_inbox(inbox, archive, connection, REGISTRY, run_id, TODAY)


def arrived(path: Path, minutes: int) -> Path:
    stamp = T0.timestamp() + 60 * minutes
    os.utime(path, (stamp, stamp))
    return path


def rows(connection, sql: str) -> list[dict]:
    cursor = connection.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def submissions(connection) -> list[dict]:
    return rows(connection, "select * from raw.submissions order by submission_id")


def counts(connection) -> tuple[int, int, int]:
    return tuple(
        connection.execute(f"select count(*) from raw.{table}").fetchone()[0]
        for table in ("submissions", "submitted_values", "ingest_findings")
    )


def semicolon_csv_report(path: Path) -> Path:
    grid = report_rows("QN-TTYT-HL", "T3/2025", [("OPD_VISITS", "29.789"), ("BEDS", "95,56")])
    return write_csv(path, grid, delimiter=";", bom=True)


def statistics_ods(path: Path) -> Path:
    grid = [["Mã đơn vị:", "QN-CTK"], ["Kỳ báo cáo:", "Năm 2024"], ["Mã chỉ số", "Mã địa bàn", "Kết quả"],
            ["POP_TOTAL", "QN", "1.384.000"], ["POP_TOTAL", "QN-X-HAILANG", 12000]]
    return write_ods(path, "Dân số", grid)


def test_a_mixed_batch(warehouse):
    inbox, archive, connection = warehouse
    # Names sort opposite to arrival, so ids must follow arrival time, not names.
    arrived(write_report(inbox / "f_hospital.xlsx"), 0)
    arrived(semicolon_csv_report(inbox / "ttyt" / "e_ttyt.csv"), 1)
    arrived(write_report(inbox / "d_unknown.xlsx", unit_code="QN-KHONGCO"), 2)
    (inbox / "c_corrupt.xlsx").write_bytes(b"PK\x03\x04junk")
    arrived(inbox / "c_corrupt.xlsx", 3)
    arrived(write_report(inbox / "b_typo.xlsx", unit_code="QN-TTYT-HL", values=[("OPD_VISITS", 5), ("BEDS", "chưa có số liệu")]), 4)
    arrived(statistics_ods(inbox / "a_ctk.ods"), 5)
    arrived(write_report(inbox / "g_honghai.xlsx", unit_code="QN-TYT-HONGHAI", period="Tháng 8/2025",
                         values=[("OPD_VISITS", 10)]), 6)
    arrived(write_report(inbox / "h_future.xlsx", period="Tháng 12/2025"), 7)

    summary = run(warehouse)

    assert summary == IntakeSummary(
        files_seen=8, new_files=8, accepted=4, quarantined=4, duplicates=0, values_loaded=7, values_rejected=1,
        findings_by_severity={"error": 5, "warning": 0}, submission_ids=(1, 2, 3, 4, 5, 6, 7, 8), unreadable_paths=(),
    )
    ledger = submissions(connection)
    assert [(s["submission_id"], s["inbox_path"], s["intake_status"], s["reason_code"]) for s in ledger] == [
        (1, "f_hospital.xlsx", "accepted", None),
        (2, "ttyt/e_ttyt.csv", "accepted", None),
        (3, "d_unknown.xlsx", "quarantined", "ING_UNKNOWN_UNIT"),
        (4, "c_corrupt.xlsx", "quarantined", "ING_CORRUPT_FILE"),
        (5, "b_typo.xlsx", "accepted", None),
        (6, "a_ctk.ods", "accepted", None),
        (7, "g_honghai.xlsx", "quarantined", "ING_UNIT_INACTIVE"),
        (8, "h_future.xlsx", "quarantined", "ING_FUTURE_PERIOD"),
    ]
    first = ledger[0]
    assert (first["org_unit_code"], first["period_code"], first["period_text"], first["file_format"]) == (
        "QN-BVDKT", "202503", "Tháng 3/2025", "xlsx")
    assert (first["declared_unit_name"], first["declared_report_date"], first["table_sheet"]) == (
        "Bệnh viện Đa khoa tỉnh", "05/04/2025", SHEET)
    assert (first["values_read"], first["values_rejected"], first["run_id"]) == (2, 0, "run-1")
    assert first["arrived_at"] == datetime(2025, 4, 5, 8, 0)  # Vietnam wall-clock time of the mtime
    assert (ledger[4]["values_read"], ledger[4]["values_rejected"]) == (2, 1)
    assert ledger[3]["org_unit_code"] is None and "c_corrupt.xlsx" in ledger[3]["reason_vi"]
    for entry in ledger:
        assert read_archived(archive, entry["archive_path"]) == (inbox / entry["inbox_path"]).read_bytes()

    values = rows(connection, "select * from raw.submitted_values order by submission_id, cell_ref")
    assert [(v["submission_id"], v["org_unit_code"], v["period_code"], v["indicator_code"], v["value"], v["value_text"], v["cell_ref"])
            for v in values] == [
        (1, "QN-BVDKT", "202503", "OPD_VISITS", 1200.0, None, f"E{FIRST_VALUE_ROW}"),
        (1, "QN-BVDKT", "202503", "BEDS", 1384.0, "1.384", f"E{FIRST_VALUE_ROW + 1}"),
        (2, "QN-TTYT-HL", "202503", "OPD_VISITS", 29789.0, "29.789", f"E{FIRST_VALUE_ROW}"),
        (2, "QN-TTYT-HL", "202503", "BEDS", 95.56, "95,56", f"E{FIRST_VALUE_ROW + 1}"),
        (5, "QN-TTYT-HL", "202503", "OPD_VISITS", 5.0, None, f"E{FIRST_VALUE_ROW}"),
        (6, "QN", "2024", "POP_TOTAL", 1384000.0, "1.384.000", "C4"),
        (6, "QN-X-HAILANG", "2024", "POP_TOTAL", 12000.0, None, "C5"),
    ]
    assert {v["sheet_name"] for v in values} == {SHEET, "e_ttyt", "Dân số"}

    findings = rows(connection, "select * from raw.ingest_findings order by submission_id")
    assert [(f["submission_id"], f["rule_code"], f["severity"], f["indicator_code"], f["sheet_name"], f["cell_ref"])
            for f in findings] == [
        (3, "ING_UNKNOWN_UNIT", "error", None, SHEET, "B3"),
        (4, "ING_CORRUPT_FILE", "error", None, None, None),
        (5, "ING_UNPARSEABLE_VALUE", "error", "BEDS", SHEET, f"E{FIRST_VALUE_ROW + 1}"),
        (7, "ING_UNIT_INACTIVE", "error", None, SHEET, "B3"),
        (8, "ING_FUTURE_PERIOD", "error", None, SHEET, "B4"),
    ]
    typo = findings[2]
    assert (typo["org_unit_code"], typo["period_code"], typo["file_name"], typo["value_text"]) == (
        "QN-TTYT-HL", "202503", "b_typo.xlsx", "chưa có số liệu")
    assert f"'b_typo.xlsx', trang '{SHEET}', ô E{FIRST_VALUE_ROW + 1}" in typo["message_vi"]
    assert f"'b_typo.xlsx', sheet '{SHEET}', cell E{FIRST_VALUE_ROW + 1}" in typo["message_en"]
    assert ledger[6]["reason_vi"] == findings[3]["message_vi"]


def test_a_file_without_table_still_shows_whose_it_is(warehouse):
    inbox, _, connection = warehouse
    grid = report_rows()
    grid[7] = ["STT", "Mã", "Tên chỉ số", "Đơn vị tính", "Giá trị"]
    write_csv(inbox / "bc.csv", grid)

    run(warehouse)

    [entry] = submissions(connection)
    assert (entry["intake_status"], entry["reason_code"]) == ("quarantined", "ING_NO_TABLE")
    assert (entry["org_unit_code"], entry["period_code"], entry["period_text"]) == ("QN-BVDKT", "202503", "Tháng 3/2025")
    assert entry["table_sheet"] is None
    [finding] = rows(connection, "select org_unit_code, period_code, rule_code from raw.ingest_findings")
    assert finding == {"org_unit_code": "QN-BVDKT", "period_code": "202503", "rule_code": "ING_NO_TABLE"}


def test_rerun_is_idempotent(warehouse):
    inbox, _, connection = warehouse
    write_report(inbox / "a.xlsx")
    write_report(inbox / "bad.xlsx", unit_code="QN-KHONGCO")
    run(warehouse)
    before = counts(connection)

    summary = run(warehouse, "run-2")

    assert (summary.files_seen, summary.new_files, summary.submission_ids) == (2, 0, ())
    assert counts(connection) == before == (2, 2, 1)


def test_same_bytes_under_another_name_is_a_duplicate(warehouse):
    inbox, _, connection = warehouse
    arrived(write_report(inbox / "bvdkt_t3.xlsx"), 0)
    run(warehouse)
    (inbox / "gui lai").mkdir()
    shutil.copy(inbox / "bvdkt_t3.xlsx", inbox / "gui lai" / "bvdkt_t3 (1).xlsx")
    arrived(inbox / "gui lai" / "bvdkt_t3 (1).xlsx", 10)

    summary = run(warehouse, "run-2")

    assert (summary.new_files, summary.duplicates, summary.values_loaded, summary.submission_ids) == (1, 1, 0, (2,))
    duplicate = submissions(connection)[1]
    assert (duplicate["intake_status"], duplicate["duplicate_of_submission_id"], duplicate["reason_code"]) == (
        "duplicate", 1, "ING_DUPLICATE_FILE")
    assert (duplicate["org_unit_code"], duplicate["period_code"], duplicate["inbox_path"]) == (
        "QN-BVDKT", "202503", "gui lai/bvdkt_t3 (1).xlsx")
    assert "bvdkt_t3.xlsx" in duplicate["reason_vi"]
    assert counts(connection) == (2, 2, 0)


def test_duplicate_within_one_batch_points_at_the_earlier_arrival(warehouse):
    inbox, _, connection = warehouse
    arrived(write_report(inbox / "z_first.xlsx"), 0)
    shutil.copy(inbox / "z_first.xlsx", inbox / "a_copy.xlsx")
    arrived(inbox / "a_copy.xlsx", 5)

    summary = run(warehouse)

    assert (summary.accepted, summary.duplicates) == (1, 1)
    assert [(s["inbox_path"], s["intake_status"], s["duplicate_of_submission_id"]) for s in submissions(connection)] == [
        ("z_first.xlsx", "accepted", None),
        ("a_copy.xlsx", "duplicate", 1),
    ]


def test_resubmission_under_the_same_name_gets_a_new_id(warehouse):
    inbox, _, connection = warehouse
    arrived(write_report(inbox / "bc.xlsx", values=[("OPD_VISITS", "12a")]), 0)
    run(warehouse)
    arrived(write_report(inbox / "bc.xlsx", values=[("OPD_VISITS", "12")]), 60)

    summary = run(warehouse, "run-2")

    assert (summary.submission_ids, summary.accepted, summary.values_loaded) == ((2,), 1, 1)
    ledger = submissions(connection)
    assert [(s["submission_id"], s["inbox_path"], s["run_id"]) for s in ledger] == [(1, "bc.xlsx", "run-1"), (2, "bc.xlsx", "run-2")]
    assert ledger[0]["content_hash"] != ledger[1]["content_hash"]
    assert rows(connection, "select submission_id, value from raw.submitted_values") == [{"submission_id": 2, "value": 12.0}]


def test_same_arrival_time_orders_by_path(warehouse):
    inbox, _, connection = warehouse
    for name in ("b.xlsx", "a.xlsx", "c.xlsx"):
        arrived(write_report(inbox / name, values=[("OPD_VISITS", len(name) + ord(name[0]))]), 0)
    run(warehouse)
    assert [s["inbox_path"] for s in submissions(connection)] == ["a.xlsx", "b.xlsx", "c.xlsx"]


def test_hidden_files_lock_files_and_hidden_folders_are_not_submissions(tmp_path):
    inbox = tmp_path / "inbox"
    for name in (".gitkeep", "~$bc.xlsx", ".sync/bc.xlsx", "ok/bc.xlsx", "bc.csv"):
        (inbox / name).parent.mkdir(parents=True, exist_ok=True)
        (inbox / name).write_bytes(b"x")
    (inbox / "link.xlsx").symlink_to(inbox / "bc.csv")
    listing = scan_inbox(inbox)
    assert [f.inbox_path for f in listing.files] == ["bc.csv", "ok/bc.xlsx"]
    assert [(e.inbox_path, e.entry_kind) for e in listing.ignored] == [
        (".gitkeep", "hidden"), (".sync", "hidden"), ("link.xlsx", "symlink"), ("~$bc.xlsx", "temporary")]


def test_missing_inbox_is_a_configuration_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        scan_inbox(tmp_path / "nowhere")


def test_an_unexpected_error_quarantines_only_that_file(warehouse, monkeypatch):
    inbox, _, connection = warehouse
    real_parse = process.parse_submission

    def parse_or_explode(sheets, file_name, options):
        if file_name == "boom.xlsx":
            raise RuntimeError("reader bug")
        return real_parse(sheets, file_name, options)

    monkeypatch.setattr(process, "parse_submission", parse_or_explode)
    arrived(write_report(inbox / "boom.xlsx"), 0)
    arrived(write_report(inbox / "fine.xlsx", unit_code="QN-TTYT-HL"), 1)

    summary = run(warehouse)

    assert (summary.accepted, summary.quarantined) == (1, 1)
    boom, fine = submissions(connection)
    assert (boom["intake_status"], boom["reason_code"]) == ("quarantined", "ING_UNREADABLE")
    assert "reader bug" in boom["reason_en"]
    assert fine["intake_status"] == "accepted"


def test_many_files_are_parsed_in_worker_processes_with_the_same_result(warehouse, monkeypatch):
    inbox, _, connection = warehouse
    pools = []

    class RecordedPool(ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            pools.append(kwargs["mp_context"].get_start_method())

    monkeypatch.setattr(intake, "PARALLEL_THRESHOLD", 2)
    monkeypatch.setattr(workers, "ProcessPoolExecutor", RecordedPool)
    monkeypatch.setattr(workers, "CHUNK_FILES", 1)  # chunks for the pool and for this process alike
    arrived(write_report(inbox / "a.xlsx"), 0)
    arrived(semicolon_csv_report(inbox / "b.csv"), 1)
    arrived(write_report(inbox / "c.xlsx", unit_code="QN-KHONGCO"), 2)
    (inbox / "d.xlsx").write_bytes(b"broken")
    arrived(inbox / "d.xlsx", 3)

    summary = run(warehouse)

    assert pools == ["spawn"]
    assert (summary.accepted, summary.quarantined, summary.values_loaded) == (2, 2, 4)
    assert [s["reason_code"] for s in submissions(connection)] == [None, None, "ING_UNKNOWN_UNIT", "ING_CORRUPT_FILE"]


def test_files_already_in_the_ledger_do_not_count_towards_starting_workers(warehouse, monkeypatch):
    inbox, _, connection = warehouse
    pools = []

    class RecordedPool(ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            pools.append(len(pools))

    monkeypatch.setattr(intake, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(workers, "ProcessPoolExecutor", RecordedPool)
    # Natural modification times (sub-second): the ledger must give them back exactly to match.
    write_report(inbox / "a.xlsx")
    write_report(inbox / "b.xlsx", unit_code="QN-TTYT-HL")
    assert run(warehouse).accepted == 2 and pools == [0]

    arrived(write_report(inbox / "c.xlsx", period="Tháng 4/2025"), 2)
    summary = run(warehouse, "run-2")

    assert (summary.files_seen, summary.new_files, summary.accepted) == (3, 1, 1)
    assert pools == [0]


def test_a_broken_worker_pool_falls_back_to_parsing_in_process(warehouse, monkeypatch):
    inbox, _, connection = warehouse

    class DyingPool(ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **(kwargs | {"initializer": os._exit, "initargs": (1,)}))

    monkeypatch.setattr(intake, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(workers, "ProcessPoolExecutor", DyingPool)
    arrived(write_report(inbox / "a.xlsx"), 0)
    arrived(write_report(inbox / "b.xlsx", unit_code="QN-TTYT-HL"), 1)

    summary = run(warehouse)

    assert (summary.accepted, summary.quarantined, summary.values_loaded) == (2, 0, 4)


def test_a_file_that_cannot_be_read_from_the_inbox_is_retried_later(warehouse, monkeypatch):
    inbox, _, connection = warehouse
    write_report(inbox / "locked.xlsx")
    write_report(inbox / "ok.xlsx", unit_code="QN-TTYT-HL")
    real_receive = file_intake.receive_file

    def receive_or_fail(source):
        if source.name == "locked.xlsx":
            raise PermissionError("locked by another program")
        return real_receive(source)

    monkeypatch.setattr(file_intake, "receive_file", receive_or_fail)
    summary = run(warehouse)
    assert (summary.files_seen, summary.new_files, summary.unreadable_paths) == (2, 1, ("locked.xlsx",))

    monkeypatch.setattr(file_intake, "receive_file", real_receive)
    assert run(warehouse, "run-2").new_files == 1
    assert [s["inbox_path"] for s in submissions(connection)] == ["ok.xlsx", "locked.xlsx"]


def test_results_keep_arrival_order_whichever_process_took_each_chunk(tmp_path, monkeypatch):
    """The pool starts on the front while this process works from the back; results come back in
    arrival order whoever took each chunk, and each chunk's files are in a complete pack of its own."""
    inbox, archive = tmp_path / "inbox", tmp_path / "archive"
    inbox.mkdir()
    names = [f"f{number:02d}.xlsx" for number in range(24)]
    for number, name in enumerate(names):
        arrived(write_report(inbox / name, period=f"Tháng {number % 12 + 1}/2024"), number)
    candidates = in_arrival_order(scan_inbox(inbox).files, SettleRule(0.0), time.time_ns(), [])
    context = IntakeContext(archive, datetime(2025, 4, 10), SeenBefore(frozenset(), {}), REGISTRY, TODAY, IntakeLimits())
    monkeypatch.setattr(workers, "CHUNK_FILES", 1)

    intakes = workers.take_in_workers(candidates, context)

    assert [i.outcome.declared["period"] for i in intakes] == [f"Tháng {n % 12 + 1}/2024" for n in range(24)]
    assert all(i.outcome.intake_status == "accepted" for i in intakes)
    packs = {i.archived.relative_path.rsplit("/", 1)[0] for i in intakes}
    assert len(packs) == 24  # one pack per chunk, every one complete
    for candidate, each in zip(candidates, intakes, strict=True):
        assert read_archived(archive, each.archived.relative_path) == candidate.path.read_bytes()
